"""The graded query set: judged.yaml (queries, intents, halves) and grades.yaml (0–3 per document).

    python -m tests.relevance.judged --split   # give every query without a half one (seeded)

The split is stratified by kind: within each kind the queries are shuffled with a fixed seed and
cut in two; an odd one out goes to the half that is smaller so far, so the halves stay 50/50.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
JUDGED = HERE / "judged.yaml"
GRADES = HERE / "grades.yaml"
KINDS = (
    "plain",
    "inflection",
    "compound",
    "synonym",
    "typo",
    "nynorsk",
    "ocr",
    "question",
    "long",
    "short",
)
HALVES = ("tuning", "heldout")
# A third set, written and graded after the rules were tuned (December 2026): for choosing
# between finished rankings (which rules to keep), never for tuning one; the held-out half
# stays the test. Its queries carry their half in judged.yaml and are never split.
VALIDATION = "validation"
SETS = (*HALVES, VALIDATION)
SEED = 2026  # fixed: the split must never change once grading and tuning have started


@dataclass(frozen=True)
class Query:
    """One graded query: the text as typed, what the person wants, what makes it hard, its half."""

    query: str
    intent: str
    kind: str
    half: str = ""


def load_judged(path: Path = JUDGED) -> list[Query]:
    """The queries of judged.yaml; raises ValueError naming every problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    queries = [
        Query(q["query"], q["intent"], q["kind"], q.get("half", "")) for q in data["queries"]
    ]
    problems = [
        f"{q.query!r}: kind {q.kind!r} is not one of {', '.join(KINDS)}"
        for q in queries
        if q.kind not in KINDS
    ]
    problems += [f"{q.query!r}: half {q.half!r}" for q in queries if q.half not in ("", *SETS)]
    problems += [f"{t!r} twice" for t, n in Counter(q.query for q in queries).items() if n > 1]
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return queries


def tuning_queries() -> list[str]:
    """The texts of the tuning half's queries, in judged.yaml's order: the only ones the
    tools that tune the ranking search with."""
    return [q.query for q in load_judged() if q.half == "tuning"]


def split(queries: list[Query], seed: int = SEED) -> dict[str, str]:
    """A half for each query that has none: seeded shuffle within each kind, cut 50/50."""
    rng = random.Random(seed)
    sizes = Counter(q.half for q in queries if q.half)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for q in queries:
        if not q.half:
            by_kind[q.kind].append(q.query)
    halves: dict[str, str] = {}
    for kind in sorted(by_kind):
        texts = sorted(by_kind[kind])
        rng.shuffle(texts)
        cut = len(texts) // 2
        if len(texts) % 2 and sizes["tuning"] < sizes["heldout"]:
            cut += 1
        for i, text in enumerate(texts):
            halves[text] = HALVES[0] if i < cut else HALVES[1]
            sizes[halves[text]] += 1
    return halves


def write_halves(path: Path, halves: dict[str, str]) -> int:
    """Add `half:` after the `kind:` line of each query in halves (keeps comments); the count."""
    lines, out, current, added = path.read_text(encoding="utf-8").splitlines(), [], None, 0
    for line in lines:
        out.append(line)
        if m := re.match(r"\s*- query: (.*)$", line):
            current = yaml.safe_load(m.group(1))
        elif (m := re.match(r"(\s*)kind: ", line)) and current in halves:
            out.append(f"{m.group(1)}half: {halves[current]}")
            added += 1
            current = None
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return added


def load_grades(path: Path = GRADES) -> dict[str, dict[str, int]]:
    """{query: {document key: grade 0–3}}; an absent or empty file is no grades."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    bad = [
        f"{q!r} {k}: {g!r}"
        for q, docs in data.items()
        for k, g in (docs or {}).items()
        if g is not None and g not in (0, 1, 2, 3)
    ]
    if bad:
        raise ValueError(f"{path}: grades must be 0, 1, 2 or 3 (or empty): " + "; ".join(bad))
    return {q: {k: g for k, g in (docs or {}).items() if g is not None} for q, docs in data.items()}


def main(argv: list[str] | None = None) -> int:
    """Command line: assign the missing halves, or print the split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="store_true", help="gi spørsmål uten half en halvdel")
    args = parser.parse_args(argv)
    queries = load_judged()
    if args.split:
        print(f"{write_halves(JUDGED, split(queries))} spørsmål fikk en halvdel")
        queries = load_judged()
    for half in SETS:
        kinds = Counter(q.kind for q in queries if q.half == half)
        print(f"{half}: {sum(kinds.values())} — " + ", ".join(f"{k} {kinds[k]}" for k in KINDS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
