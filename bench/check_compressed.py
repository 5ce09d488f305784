"""Every compressed /sok and /api/sok answer, unpacked, is the uncompressed answer.

    python bench/check_compressed.py --index index      # an index already built
    python bench/check_compressed.py --fresh 300

Through Flask's test client, over the bundled content: searches never asked before
(bench_http.fresh_queries) and the queries of tests/relevance/*.yaml on pages 1 and 2, as the
page and as JSON. Each is asked plainly, then as a browser asks (brotli accepted) and as a
gzip-only client; the unpacked bodies must equal the plain one (the search's own timing,
took_ms, set aside). Prints the number of answers checked, the differences and the encodings.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import brotli

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_http import BROWSER_HEADERS, app_client, fresh_queries  # noqa: E402
from compare_pages import relevance_queries  # noqa: E402

TIMING = re.compile(rb'"took_ms":[0-9.]+')
UNPACK = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda body: body}
CLIENTS = (BROWSER_HEADERS, {"Accept-Encoding": "gzip"})


def paths(content, fresh: int) -> list[str]:
    """The searches checked, as the page and as JSON."""
    pages = [url for _kind, url in fresh_queries(content, fresh)]
    for q in relevance_queries():
        pages += [f"/sok?q={quote(q)}", f"/sok?q={quote(q)}&side=2"]
    return pages + ["/api" + url for url in pages]


def main() -> None:
    """Ask every search plainly and compressed; print what differs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, help="en ferdig indeks (ellers bygges en)")
    parser.add_argument("--fresh", type=int, default=300, help="nye søk (standard 300)")
    args = parser.parse_args()
    from kb.content.loader import load_content

    content = load_content()
    with app_client(content, args.index) as client:
        checked, differ, encodings = 0, [], Counter()
        for path in paths(content, args.fresh):
            plain = TIMING.sub(b"", client.get(path).get_data())
            for headers in CLIENTS:
                response = client.get(path, headers=headers)
                encoding = response.headers.get("Content-Encoding")
                encodings[encoding or "ingen"] += 1
                checked += 1
                if TIMING.sub(b"", UNPACK[encoding](response.get_data())) != plain:
                    differ.append((path, encoding))
    print(f"{checked} svar sjekket, {len(differ)} forskjeller; Content-Encoding: {dict(encodings)}")
    for path, encoding in differ[:5]:
        print(f"  {encoding}: {path}")


if __name__ == "__main__":
    main()
