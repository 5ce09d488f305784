"""The map of Norway: the 357 kommuner shaded by number of cases, fylker with regional cases."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass

from kb import urls
from kb.content.loader import Content

MAP_FILE = "kommunekart.json"  # built by content/registers/build_map.py (Kartverket)
SCALE = 42.0  # SVG units per degree of latitude
LON0 = 15.0  # central meridian of the sinusoidal projection (keeps Norway upright)
MARGIN = 8.0
# Shades by number of cases: (lowest count, legend text); shade 0 is «no cases».
SHADES = (
    (0, "ingen grep"),
    (1, "1 grep"),
    (2, "2–3 grep"),
    (4, "4–6 grep"),
    (7, "7 grep eller flere"),
)


@dataclass(frozen=True)
class Shape:
    """A kommune on the map and in the table."""

    number: str
    name: str
    fylke: str
    path: str  # SVG path data
    count: int
    shade: int  # index into SHADES
    url: str
    population: int | None


@dataclass(frozen=True)
class FylkeMark:
    """A fylke: its outline, its cases, and those for the whole fylke or region."""

    name: str
    path: str
    count: int
    regional: int
    url: str
    x: float
    y: float


@dataclass(frozen=True)
class NorwayMap:
    """What /kart draws: the size, the kommuner, the fylker, the legend and the credit."""

    width: float
    height: float
    shapes: tuple[Shape, ...]
    fylker: tuple[FylkeMark, ...]
    regional: int  # cases placed only by fylke or region (no kommune)
    credit: str

    @property
    def with_cases(self) -> list[Shape]:
        """The kommuner with cases, by name (the table)."""
        return sorted((s for s in self.shapes if s.count), key=lambda s: s.name)

    @property
    def legend(self) -> list[tuple[int, str]]:
        """(shade, text) for the legend."""
        return [(i, text) for i, (_, text) in enumerate(SHADES)]


def project(lat: float, lon: float) -> tuple[float, float]:
    """Sinusoidal projection: x shrinks with cos(latitude); y grows southwards."""
    return (lon - LON0) * math.cos(math.radians(lat)) * SCALE, -lat * SCALE


def search_url(param: str, value: str) -> str:
    """The search that lists the cases of one kommune or fylke."""
    return urls.search_url(**{param: value})


def shade(count: int) -> int:
    """The shade of a number of cases (0 for none)."""
    return max(i for i, (lowest, _) in enumerate(SHADES) if count >= lowest)


def read_shapes(content: Content) -> dict:
    """The simplified shapes from registers/kommunekart.json ({} without it)."""
    path = content.ctx.root / "registers" / MAP_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class _Canvas:
    """Projects lon/lat rings into the drawing, with a margin, as SVG path data."""

    def __init__(self, all_rings: list[list[list[float]]]):
        points = [project(lat, lon) for ring in all_rings for lon, lat in ring]
        self.x0 = min(p[0] for p in points) - MARGIN
        self.y0 = min(p[1] for p in points) - MARGIN
        self.width = round(max(p[0] for p in points) - self.x0 + MARGIN, 1)
        self.height = round(max(p[1] for p in points) - self.y0 + MARGIN, 1)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = project(lat, lon)
        return round(x - self.x0, 1), round(y - self.y0, 1)

    def path(self, rings: list[list[list[float]]]) -> str:
        """One SVG path with a closed subpath per ring."""
        parts = []
        for ring in rings:
            pts = [self.xy(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in pts) + "Z")
        return "".join(parts)


def build_map(content: Content) -> NorwayMap:
    """Project the shapes and count the cases per kommune and fylke."""
    data, register = read_shapes(content), content.ctx.register
    if not data or not register:
        return NorwayMap(100, 100, (), (), 0, "")
    canvas = _Canvas([r for k in data["kommuner"] for r in k["rings"]])
    cases = list(content.cases.values())
    counts = Counter(name for c in cases for name in set(c.kommuner))
    by_number = {k.number: k for k in register.kommuner}
    shapes = []
    for item in data["kommuner"]:
        k = by_number[item["number"]]
        n = counts[k.name]
        url = search_url("kommune", k.name)
        path = canvas.path(item["rings"])
        shapes.append(Shape(k.number, k.name, k.fylke, path, n, shade(n), url, k.population))
    return NorwayMap(
        canvas.width,
        canvas.height,
        tuple(shapes),
        _fylker(data, cases, canvas, {f.number: f.name for f in register.fylker}),
        sum(1 for c in cases if not c.places and c.fylker),
        data.get("credit", ""),
    )


def _fylker(data: dict, cases: list, canvas: _Canvas, names: dict) -> tuple[FylkeMark, ...]:
    """Every fylke with its outline, all its cases and its regional cases."""
    counts = Counter(f for c in cases for f in c.fylker)
    regional = Counter(f for c in cases if not c.places for f in c.fylker)
    out = []
    for f in data["fylker"]:
        x, y = canvas.xy(*f["label_at"])
        name = names.get(f["number"], f["name"])  # the register's name, not "Troms - Romsa …"
        url = search_url("fylke", name)
        path = canvas.path(f["rings"])
        out.append(FylkeMark(name, path, counts[name], regional[name], url, x, y))
    return tuple(out)
