"""The map of Norway: every kommune as a faint dot, kommuner with cases as larger linked dots."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass

from kb import urls
from kb.content.loader import Content

SCALE = 42.0  # SVG units per degree of latitude
LON0 = 15.0  # central meridian of the sinusoidal projection (keeps Norway upright)
MARGIN = 14.0


@dataclass(frozen=True)
class Dot:
    """A kommune on the map."""

    name: str
    fylke: str
    x: float
    y: float
    r: float
    count: int
    url: str


@dataclass(frozen=True)
class NorwayMap:
    """What /kart draws: the size, all kommuner, those with cases, and the fylke counts."""

    width: float
    height: float
    base: tuple[tuple[float, float], ...]
    outline: tuple[str, ...]  # SVG path data for mainland Norway's coast and borders
    dots: tuple[Dot, ...]
    fylker: tuple[tuple[str, int, str], ...]
    regional: int  # cases placed only by fylke or region (no kommune)


def project(lat: float, lon: float) -> tuple[float, float]:
    """Sinusoidal projection: x shrinks with cos(latitude); y grows southwards."""
    return (lon - LON0) * math.cos(math.radians(lat)) * SCALE, -lat * SCALE


def search_url(param: str, value: str) -> str:
    """The search that lists the cases of one kommune or fylke."""
    return urls.search_url(**{param: value})


def radius(count: int) -> float:
    """Dot radius: the area grows with the number of cases."""
    return round(4.0 + 3.2 * math.sqrt(count), 1)


def fit(points: list[tuple[float, float]]) -> tuple[list[tuple[float, float]], float, float]:
    """Points moved into the drawing with a margin, and the drawing's width and height."""
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    moved = [(round(x - min_x + MARGIN, 1), round(y - min_y + MARGIN, 1)) for x, y in points]
    return moved, round(max_x - min_x + 2 * MARGIN, 1), round(max_y - min_y + 2 * MARGIN, 1)


def outline_rings(content: Content) -> list[list[tuple[float, float]]]:
    """Mainland Norway's rings (lon, lat) from registers/norge-omriss.json; [] without it."""
    path = content.ctx.root / "registers" / "norge-omriss.json"
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["rings"]


def path_data(points: list[tuple[float, float]]) -> str:
    """An SVG path through the points, closed."""
    return "M" + "L".join(f"{x},{y}" for x, y in points) + "Z"


def fylke_rows(content: Content) -> tuple[tuple[str, int, str], ...]:
    """(name, cases, search URL) for every fylke in the register."""
    counts = Counter(f for c in content.cases.values() for f in c.fylker)
    register = content.ctx.register
    fylker = register.fylker if register else ()
    return tuple((f.name, counts[f.name], search_url("fylke", f.name)) for f in fylker)


def build_map(content: Content) -> NorwayMap:
    """Project the register's points and count the cases per kommune and fylke."""
    register = content.ctx.register
    kommuner = register.kommuner if register else ()
    if not kommuner:
        return NorwayMap(100, 100, (), (), (), (), 0)
    rings = [[project(lat, lon) for lon, lat in ring] for ring in outline_rings(content)]
    flat = [project(k.lat, k.lon) for k in kommuner] + [p for ring in rings for p in ring]
    moved, width, height = fit(flat)
    points = moved[: len(kommuner)]
    outline, at = [], len(kommuner)
    for ring in rings:
        outline.append(path_data(moved[at : at + len(ring)]))
        at += len(ring)
    counts = Counter(name for c in content.cases.values() for name in set(c.kommuner))
    dots = [
        Dot(
            k.name,
            k.fylke,
            x,
            y,
            radius(counts[k.name]),
            counts[k.name],
            search_url("kommune", k.name),
        )
        for k, (x, y) in zip(kommuner, points, strict=True)
        if counts[k.name]
    ]
    dots.sort(key=lambda d: -d.r)  # small dots drawn last stay clickable
    regional = sum(1 for c in content.cases.values() if not c.places and c.fylker)
    return NorwayMap(
        width, height, tuple(points), tuple(outline), tuple(dots), fylke_rows(content), regional
    )
