"""Our engine's top 10 per query of one set, as JSON for `evaluate --graded --also` and
`pool --also`, from whatever checkout `tests.relevance.engines` is imported from: run it with
an older commit's checkout first on the path to keep that commit's rankings.

    git worktree add --detach /tmp/gammel cee85f0
    PYTHONPATH=/tmp/gammel python tests/relevance/dump_tops.py --half validation \
        --out tests/relevance/tops/cee85f0.json

The queries come from this checkout's judged.yaml (an older one may not have the set).
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parents[2] / "shared" / "seeds"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", default="validation", help="spørsmålene i denne halvdelen")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    args = parser.parse_args(argv)
    from tests.relevance.engines import rank_all  # the checkout first on the path

    data = yaml.safe_load((HERE / "judged.yaml").read_text(encoding="utf-8"))["queries"]
    queries = [q["query"] for q in data if q.get("half") == args.half]
    if "depth" in inspect.signature(rank_all).parameters:  # older commits rank 10, no depth
        tops, _ = rank_all(queries, args.seeds, 10)
    else:
        tops, _ = rank_all(queries, args.seeds)
    out = {q: {"ours": tops[q]["ours"]} for q in queries}
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    engine = sys.modules[rank_all.__module__].__file__
    print(f"{len(out)} spørsmål → {args.out} (motoren fra {engine})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
