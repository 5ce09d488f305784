"""Byte-for-byte comparison of /sok, /api/sok and case pages between two source trees.

    python bench/compare_pages.py --old /tmp/main-copy            # builds the index once
    python bench/compare_pages.py --old /tmp/main-copy --index index
    python bench/compare_pages.py --old /tmp/main-copy --index index --fresh 600 --relevance

Each tree answers the same requests through Flask's test client, in its own process, over one
index and the bundled content: every query and filter of bench/bench_http.py (alone and
combined), the filters alone, 300 searches never asked before (fresh_queries; --fresh: another
number), with --relevance the queries of tests/relevance/*.yaml, each on pages 1, 2 and 3,
«Min kommune», then every case page; every request twice (the second answer comes from the
page cache). Status, headers and body must be equal; the search's own timing in the
JSON (took_ms) is the only part set aside. Prints the number of differences and the first few.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
TIMING = re.compile(rb'"took_ms":[0-9.]+')
KOMMUNE = ("min_kommune=Bergen", "q=bolig&min_kommune=%C3%85s", "min_kommune=Ukjentby")


def relevance_queries() -> list[str]:
    """The queries of tests/relevance/*.yaml, each once, in order."""
    import yaml

    found: dict[str, None] = {}
    for path in sorted((ROOT / "tests" / "relevance").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rows = data.get("queries") if isinstance(data.get("queries"), list) else None
        found.update(dict.fromkeys(r["query"] for r in rows) if rows else dict.fromkeys(data))
    return list(found)


def search_paths(content, fresh: int = 300, relevance: bool = False) -> list[str]:
    """The searches asked of both trees, on pages 1-3, as the page and as JSON."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_http import FILTERS, QUERIES, fresh_queries

    queries = [f"q={quote(q)}" for q in QUERIES]
    base = ["", *queries, *FILTERS, *KOMMUNE]
    base += [f"{q}&{flt}" for q in queries for flt in FILTERS]
    base += [url.split("?", 1)[1] for _kind, url in fresh_queries(content, fresh)]
    base += [f"q={quote(q)}" for q in relevance_queries()] if relevance else []
    paged = [f"{b}&side={n}" if b else f"side={n}" for b in base for n in (2, 3)]
    return [f"{page}?{b}" for page in ("/sok", "/api/sok") for b in base + paged]


def all_paths(fresh: int, relevance: bool) -> list[str]:
    """Every request asked of both trees (listed by this tree: bench_http imports its code)."""
    sys.path.insert(0, str(ROOT))
    from kb.content.loader import load_content

    content = load_content(ROOT / "content")
    return search_paths(content, fresh, relevance) + [f"/grep/{c}" for c in sorted(content.cases)]


def dump(tree: Path, out: Path, paths: list[str]) -> None:
    """Ask this tree's app every request, twice; write status, headers and body digest."""
    sys.path.insert(0, str(tree))
    from web import create_app

    client = create_app().test_client()
    with out.open("w", encoding="utf-8") as lines:
        for path in paths:
            for attempt in ("first", "kept"):
                response = client.get(path)
                body = TIMING.sub(b'"took_ms":0', response.get_data())
                headers = sorted(
                    (k, v) for k, v in response.headers.items() if k != "Content-Length"
                )
                row = {
                    "path": path,
                    "attempt": attempt,
                    "status": response.status_code,
                    "headers": headers,
                    "length": len(body),
                    "body": hashlib.sha256(body).hexdigest(),
                }
                lines.write(json.dumps(row, ensure_ascii=False) + "\n")


def run_tree(tree: Path, index: Path, out: Path, paths: Path) -> list[dict]:
    """Run dump() for one tree in a process of its own; its rows."""
    env = {
        **os.environ,
        "KB_INDEX_DIR": str(index.resolve()),
        "KB_CONTENT_DIR": str(ROOT / "content"),
        "PYTHONPATH": str(tree),
    }
    cmd = [sys.executable, __file__, "--dump", str(out), "--tree", str(tree), "--paths", str(paths)]
    subprocess.run(cmd, env=env, cwd=tree, check=True)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="the other source tree (e.g. main)")
    parser.add_argument("--index", type=Path, help="en ferdig indeks (ellers bygges en)")
    parser.add_argument("--fresh", type=int, default=300, help="nye søk (standard 300)")
    parser.add_argument("--relevance", action="store_true", help="også tests/relevance/*.yaml")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--paths", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dump:
        dump(args.tree, args.dump, json.loads(args.paths.read_text(encoding="utf-8")))
        return 0
    if args.old is None:
        parser.error("--old mangler: mappen med koden det skal sammenlignes med")
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if index is None:
            sys.path.insert(0, str(ROOT))
            from indexer.build import build_index
            from kb.content.loader import load_content

            index = Path(tmp) / "index"
            seeds = ROOT.parent / "shared" / "seeds"
            build_index(load_content(ROOT / "content", source_dirs=(seeds,)), index)
        paths = Path(tmp) / "paths.json"
        paths.write_text(json.dumps(all_paths(args.fresh, args.relevance)), encoding="utf-8")
        old = run_tree(args.old.resolve(), index, Path(tmp) / "old.jsonl", paths)
        new = run_tree(ROOT, index, Path(tmp) / "new.jsonl", paths)
    diffs = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    for a, b in diffs[:5]:
        print("ulik:", a["path"], a["attempt"])
        for key in ("status", "headers", "length", "body"):
            if a[key] != b[key]:
                print(f"  {key}: {a[key]!r}\n  mot {b[key]!r}")
    pages = sum(1 for row in old if row["path"].startswith("/sok"))
    print(
        f"{len(old)} svar sammenlignet ({pages} /sok, "
        f"{sum(1 for r in old if r['path'].startswith('/api/'))} /api/sok, resten sider for "
        f"grep): {len(diffs)} forskjeller"
    )
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
