"""Fill in missing `pages:` of citations from the page maps in content/sources/*.yaml.

    python content/sources/fill_pages.py [--check] [FILES …]

Without FILES it reads content/grep/*.md. For each citation with `lines` but no `pages`, it
inserts `pages: [first, last]` on the line after `lines:`, and changes no other byte. A `pages`
an editor wrote is never changed: a disagreement with the page map is reported instead.
--check writes nothing and exits 1 when something would be filled or disagrees.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout

from kb.content.sources import load_sources  # noqa: E402
from kb.editor.pagefill import fill_files  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Fill (or with --check, count) missing pages; 0 when nothing is left to do."""
    parser = argparse.ArgumentParser(description="Fyll inn manglende pages: fra sidekartene.")
    parser.add_argument("files", nargs="*", type=Path, help="grep-filer (standard: content/grep)")
    parser.add_argument("--check", action="store_true", help="skriv ingenting, bare vis")
    parser.add_argument("--sources", type=Path, default=ROOT / "content" / "sources")
    args = parser.parse_args(argv)
    sources, problems = load_sources(args.sources)
    for p in problems:
        print(p, file=sys.stderr)
    paths = args.files or sorted((ROOT / "content" / "grep").glob("*.md"))
    changes = fill_files(paths, sources, write=not args.check)
    for change in changes:
        print(change)
    filled = Counter(c.source for c in changes if c.kind == "fill")
    verb = "ville fått" if args.check else "fikk"
    for sid, n in sorted(filled.items()):
        print(f"{sid}: {n} sitater {verb} sider", file=sys.stderr)
    other = sum(c.kind != "fill" for c in changes)
    print(
        f"{sum(filled.values())} sitater {verb} sider; {other} må rettes for hånd", file=sys.stderr
    )
    return 1 if other or (args.check and filled) else 0


if __name__ == "__main__":
    sys.exit(main())
