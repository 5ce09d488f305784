"""CPU and size of gzip levels 1-6 and brotli qualities 0-6 for new search pages and the
largest other pages.

    python bench/gzip_levels.py --index index        # an index already built
    python bench/gzip_levels.py --pages 100

The pages come from the app through Flask's test client, uncompressed: new searches
(bench_http.fresh_queries) and the three largest pages of bench_http's warm-up. Each is
compressed as web/compress.py does (gzip.compress, brotli.compress); process CPU time, mean
per page.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_http import app_client, fresh_queries, warm_paths  # noqa: E402


def measure(bodies: list[bytes], level: int, rounds: int, br: bool = False) -> tuple[float, int]:
    """(CPU ms per body, mean compressed bytes) at a gzip level (br: a brotli quality)."""
    started = time.process_time()
    for _ in range(rounds):
        if br:
            sizes = [len(brotli.compress(body, quality=level)) for body in bodies]
        else:
            sizes = [len(gzip.compress(body, level)) for body in bodies]
    cpu = (time.process_time() - started) * 1000 / (rounds * len(bodies))
    return cpu, sum(sizes) // len(sizes)


def main() -> None:
    """Render the pages, then print each level's CPU and size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, help="en ferdig indeks (ellers bygges en)")
    parser.add_argument("--pages", type=int, default=100, help="nye søkesider")
    args = parser.parse_args()
    from kb.content.loader import load_content

    content = load_content()
    with app_client(content, args.index) as client:
        found = {url: client.get(url) for _kind, url in warm_paths(content)}
        large = sorted(
            ((url, r.get_data()) for url, r in found.items() if r.status_code == 200),
            key=lambda item: -len(item[1]),
        )[:3]
        search = [client.get(url).get_data() for _k, url in fresh_queries(content, args.pages)]
    groups = [(f"nye søkesider ({len(search)})", search)] + [(u, [b]) for u, b in large]
    for name, bodies in groups:
        print(f"{name}: {sum(map(len, bodies)) // len(bodies)} byte")
        rounds = max(1, 200 // len(bodies))
        for level in range(1, 7):
            cpu, size = measure(bodies, level, rounds)
            print(f"  gzip nivå {level}: {cpu:.3f} ms, {size} byte")
        for quality in range(7):
            cpu, size = measure(bodies, quality, rounds, br=True)
            print(f"  brotli kvalitet {quality}: {cpu:.3f} ms, {size} byte")


if __name__ == "__main__":
    main()
