"""Build content/registers/kommunekart.json: simplified kommune and fylke shapes for /kart.

Run from the repository:  pip install 'shapely>=2.1' && python content/registers/build_map.py
Inputs (default ../shared/data/, see the README there): kommuner-2024.geojson and
fylker-2024.geojson, Kartverket's administrative units for 2024 (357 kommuner, 15 fylker),
clipped to the coastline, as prepared in the open data set «fylker-og-kommuner» on GitHub
(Kommuner-S.geojson / Fylker-S.geojson, 2024 version, commit ae87825). Licence CC BY 4.0:
the map says «© Kartverket».

Steps: project every kommune to a flat plane (sinusoidal, km), simplify all of them together
with shapely.coverage_simplify (shared borders stay shared: no gaps or overlaps), drop island
parts under MIN_PART_KM2 (each kommune keeps at least its largest part), and write lon/lat
with 3 decimals. A fylke's outline is the union of its simplified kommuner, so the two layers
line up; the script checks each union's area against fylker-2024.geojson. The service reads
only the written file.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

HERE = Path(__file__).parent
DATA = HERE.parents[1] / ".." / "shared" / "data"
OUT = HERE / "kommunekart.json"
TOLERANCE_KM = 2.2  # coverage_simplify tolerance, in km on the projected plane
MIN_PART_KM2 = 12.0  # smaller islands are left out (a kommune keeps its largest part)
LON0, KM_PER_DEGREE = 15.0, 111.2
MAX_AREA_ERROR = 0.06  # a fylke's union may differ this much (share) from Kartverket's area
SOURCE = (
    "Kartverket, administrative enheter 2024 (kommuner og fylker), via datasettet "
    "fylker-og-kommuner (Kommuner-S.geojson, Fylker-S.geojson, commit ae87825); CC BY 4.0"
)


def to_plane(lonlat: np.ndarray) -> np.ndarray:
    """Sinusoidal projection of (n, 2) lon/lat to km (keeps areas; good to simplify in)."""
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    x = (lon - LON0) * KM_PER_DEGREE * np.cos(np.radians(lat))
    return np.column_stack([x, lat * KM_PER_DEGREE])


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    """The inverse of to_plane for one point."""
    lat = y / KM_PER_DEGREE
    return x / (KM_PER_DEGREE * math.cos(math.radians(lat))) + LON0, lat


def read_features(path: Path, key: str) -> dict[str, tuple[str, object]]:
    """number -> (name, geometry on the plane) of a FeatureCollection."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for feat in data["features"]:
        props = feat["properties"]
        name = props.get(key.replace("nummer", "navn")) or props.get("name")
        out[props[key]] = (name, shapely.transform(shape(feat["geometry"]), to_plane))
    return out


def keep_parts(geom) -> MultiPolygon:
    """The polygon parts worth drawing: the largest, and every other over MIN_PART_KM2."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]
    parts.sort(key=lambda p: -p.area)
    return MultiPolygon([parts[0]] + [p for p in parts[1:] if p.area >= MIN_PART_KM2])


def rings(geom) -> list[list[list[float]]]:
    """Exterior rings only (lakes are not drawn), as [[lon, lat], …] with 3 decimals."""
    out = []
    for poly in geom.geoms:
        coords = [to_lonlat(x, y) for x, y in poly.exterior.coords[:-1]]
        ring = [[round(lon, 3), round(lat, 3)] for lon, lat in coords]
        ring = [p for i, p in enumerate(ring) if p != ring[i - 1]]
        if len(ring) >= 3:
            out.append(ring)
    return out


def build(data: Path) -> dict:
    """The simplified kommuner and fylker, checked."""
    kommuner = read_features(data / "kommuner-2024.geojson", "kommunenummer")
    fylker = read_features(data / "fylker-2024.geojson", "fylkesnummer")
    if len(kommuner) != 357 or len(fylker) != 15:
        raise SystemExit(f"ventet 357 kommuner og 15 fylker, fikk {len(kommuner)}/{len(fylker)}")
    numbers = sorted(kommuner)
    simple = shapely.coverage_simplify([kommuner[n][1] for n in numbers], TOLERANCE_KM)
    simple = shapely.make_valid(simple)
    shapes = {n: keep_parts(g) for n, g in zip(numbers, simple, strict=True)}
    out_fylker = []
    for fnr, (fname, fgeom) in sorted(fylker.items()):
        union = shapely.union_all([g for n, g in shapes.items() if n[:2] == fnr])
        error = abs(union.area - fgeom.area) / fgeom.area
        if error > MAX_AREA_ERROR:
            raise SystemExit(f"{fname}: arealet avviker {error:.1%} fra fylker-2024.geojson")
        x, y = union.representative_point().coords[0]
        lon, lat = to_lonlat(x, y)
        merged = keep_parts(union.buffer(0))
        out_fylker.append({"number": fnr, "name": fname, "label_at": [round(lon, 3),
                           round(lat, 3)], "rings": rings(merged)})  # fmt: skip
    return {
        "source": SOURCE,
        "credit": "© Kartverket",
        "note": f"forenklet (coverage_simplify {TOLERANCE_KM} km, øyer under {MIN_PART_KM2} km² "
        "utelatt); lengdegrad, breddegrad",
        "kommuner": [
            {"number": n, "name": kommuner[n][0], "rings": rings(shapes[n])} for n in numbers
        ],
        "fylker": out_fylker,
    }


def main() -> None:
    """Build and write the map file; print its size."""
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA.resolve()
    result = build(data)
    OUT.write_text(json.dumps(result, ensure_ascii=False, separators=(",", ":")), "utf-8")
    points = sum(len(r) for k in result["kommuner"] for r in k["rings"])
    print(f"skrev {OUT}: {OUT.stat().st_size / 1000:.0f} kB, {points} punkter i kommunene")


if __name__ == "__main__":
    main()
