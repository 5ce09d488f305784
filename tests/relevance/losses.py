"""Where P@5 is lost, on the tuning half only.

    python -m tests.relevance.losses [--index DIR] [--verbose]

For each tuning query: the documents in the top 5 with grade 0 or 1 (or none), and the
documents with grade ≥ 2 ranked 6–20 that could replace them; then what the wrongly high
documents have in common (kind, length, share of letters, heading-like text, a neighbour of
another top-5 passage of the same report; for cases, a clause found only in the tags, the
share of clauses in the title or summary, the clauses missing). The held-out half is never
read here.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from kb.search import schema as f
from kb.search.query import parse
from tests.relevance.crossval import Bench
from tests.relevance.engines import load_corpus, our_searcher
from tests.relevance.evaluate import SEEDS
from tests.relevance.judged import load_grades, tuning_queries
from tests.relevance.measures import precision_at

DEPTH = 20
WORD = re.compile(r"\w+")


def text_traits(text: str) -> dict[str, float]:
    """Words, the share of tokens that are alphabetic words of 2+ letters, the share of lines
    that are short (heading-like: at most five words), and the share of digit tokens."""
    tokens = WORD.findall(text)
    lines = [line for line in text.splitlines() if line.strip()]
    alpha = sum(t.isalpha() and len(t) > 1 for t in tokens)
    digits = sum(any(c.isdigit() for c in t) for t in tokens)
    short = sum(len(WORD.findall(line)) <= 5 for line in lines)
    return {
        "words": len(tokens),
        "alpha": alpha / max(len(tokens), 1),
        "digits": digits / max(len(tokens), 1),
        "short_lines": short / max(len(lines), 1),
    }


def neighbours(key: str, others: list[str]) -> bool:
    """Whether a passage key's lines touch (within 3 lines) another passage of the same report."""
    m = re.fullmatch(r"passage:(.+):(\d+)-(\d+)", key)
    if not m:
        return False
    src, a, b = m.group(1), int(m.group(2)), int(m.group(3))
    for o in others:
        n = re.fullmatch(r"passage:(.+):(\d+)-(\d+)", o)
        if o != key and n and n.group(1) == src:
            c, d = int(n.group(2)), int(n.group(3))
            if c <= b + 3 and d >= a - 3:
                return True
    return False


def spread(keys: list[str], k: int = 5) -> list[str]:
    """The ranking with each passage that neighbours a better one of the same report (in the
    top k) moved below the top k: what a diversity rule on near-duplicates would give."""
    top, later = [], []
    for key in keys:
        (later if len(top) < k and neighbours(key, top) else top).append(key)
    return top[:k] + later + top[k:]


def case_traits(searcher, needs, doc_id: str) -> dict[str, float]:
    """Of a case's clauses (those it has): whether one is only in its tags (the vocabulary
    labels, kommune and fylke names), and the share in its title or summary."""
    engine = searcher.engine
    doc = engine.searcher.document_number(id=doc_id)
    has = only_tags = head = 0
    for need in needs:
        terms = {t for phrase in need.phrases for t in phrase} | set(need.parts)
        where = {
            name: any(doc in engine.postings(name, t)[0] for t in terms) for name in f.SEARCHED
        }
        if any(where.values()):
            has += 1
            head += where[f.TITLE] or where[f.SUMMARY]
            only_tags += where[f.TAGS] and not (
                where[f.TITLE] or where[f.SUMMARY] or where[f.TEXT_FIELD]
            )
    return {"only_tags": float(only_tags > 0), "head": head / max(has, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--verbose", action="store_true", help="hvert søk")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.seeds)
    text_of = {
        corpus.key_of[p.id]: (p.section_title, p.text)
        for ps in corpus.passages.values()
        for p in ps
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.index or Path(tmp) / "ours"
        queries = tuning_queries()
        bench = Bench(our_searcher(corpus, folder), corpus.key_of, queries, load_grades())
        bad_traits, good_traits = [], []
        kinds, dupes, lost, short, replaceable = Counter(), 0, 0, 0, 0
        p5, p5_spread = [], []
        cases = {"feil høyt": [], "gode i topp 5": [], "gode på 6–20": []}
        for q, g in zip(queries, bench.grades, strict=True):
            hits = bench.searcher.search(q, limit=DEPTH)["hits"]
            keys = [corpus.key_of[h["id"]] for h in hits]
            needs = bench.searcher.planner.plan(parse(q, bench.searcher.analysis, 500)).needs
            for i, (hit, k) in enumerate(zip(hits, keys, strict=True)):
                good = g.get(k, 0) >= 2
                group = ("gode i topp 5" if good else "feil høyt") if i < 5 else "gode på 6–20"
                if hit["kind"] == "case" and (i < 5 or good):
                    traits = case_traits(bench.searcher, needs, hit["id"])
                    cases[group].append({**traits, "missing": len(hit["why"]["missing"])})
            bad = [(i, k) for i, k in enumerate(keys[:5]) if g.get(k, 0) < 2]
            better = [(i, k) for i, k in enumerate(keys[5:], 5) if g.get(k, 0) >= 2]
            # a grade ≥ 2 document the pool knows but the engine does not put in its top 20
            missing = [k for k, v in g.items() if v >= 2 and k not in keys]
            lost += len(bad)
            p5.append(precision_at(keys, g))
            p5_spread.append(precision_at(spread(keys), g))
            short += max(0, 5 - len(keys))
            replaceable += min(len(bad) + max(0, 5 - len(keys)), len(better))
            for i, k in bad:
                lacks = "mangler begrep" if hits[i]["why"]["missing"] else "alle begreper"
                kinds[(k.split(":")[0], g.get(k, "–"), lacks)] += 1
                dupes += neighbours(k, keys[:5])
                if k in text_of:
                    bad_traits.append(text_traits(text_of[k][1]))
            for k in keys[:5]:
                if g.get(k, 0) >= 2 and k in text_of:
                    good_traits.append(text_traits(text_of[k][1]))
            if args.verbose and bad:
                print(f"«{q}»: P@5 {1 - len(bad) / 5:.1f}")
                for i, k in bad:
                    hit = hits[i]
                    t = text_traits(text_of[k][1]) if k in text_of else {}
                    near = " nabo" if neighbours(k, keys[:5]) else ""
                    traits = " ".join(f"{n} {v:.2f}" for n, v in t.items())
                    print(
                        f"  {i + 1:2} {g.get(k, '–')} mangler {len(hit['why']['missing'])} "
                        f"{k[:60]}{near} {traits}"
                    )
                for i, k in better:
                    print(f"  {i + 1:2} {g[k]} (kunne erstatte) {k[:60]}")
                if missing:
                    print(f"     + {len(missing)} med karakter ≥ 2 utenfor topp {DEPTH}")
        print(f"{lost} plasser i topp 5 med karakter 0–1 eller ingen, {len(queries)} søk")
        print(f"{short} plasser tomme (færre enn 5 treff); {replaceable} kan fylles fra 6–{DEPTH}")
        for (kind, grade, lacks), n in sorted(kinds.items()):
            print(f"    {kind:8} karakter {grade} {lacks}: {n}")
        print(f"naboavsnitt av et annet i topp 5: {dupes}")
        n = len(queries)
        moved = sum(p5_spread) / n
        print(f"P@5 {sum(p5) / n:.3f}; med naboavsnitt flyttet under plass 5: {moved:.3f}")
        for label, rows in cases.items():
            if rows:
                mean = {n: sum(r[n] for r in rows) / len(rows) for n in rows[0]}
                traits = " ".join(f"{n} {v:.2f}" for n, v in mean.items())
                print(f"grep, {label} ({len(rows)}): {traits}")
        for label, rows in (("feil høyt (avsnitt)", bad_traits), ("gode i topp 5", good_traits)):
            if rows:
                mean = {n: sum(r[n] for r in rows) / len(rows) for n in rows[0]}
                print(
                    f"{label} ({len(rows)}): " + " ".join(f"{n} {v:.2f}" for n, v in mean.items())
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
