"""Does the text answer (a measure, an experience, a result)? Query-independent document
priors, measured with the pair check of tests.relevance.topics. Tuning half only.

    python -m tests.relevance.priors [--index DIR] [--verbose]

For the pairs of a grade 0–1 document in a tuning top 5 and a grade ≥ 2 document at places
6–20 of the same query (topics.pair_share; 0.5 is a coin toss, ties count half), the share
where each prior is higher for the good one, over all pairs, those where the wrong one is a
case, and those where both are cases or both passages. The priors (each from the text as
shown, plus a passage's section heading):

- action share / action any / action count: tokens that mark an action or an outcome in
  Norwegian reports (ACTION_STEMS, ACTION_PHRASES);
- percent: numbers followed by «%» or «prosent» (count);
- sentences: the number of sentences;
- past sentences / past tokens: the share of sentences with a word ending in -et, -te or -de
  (a crude «something happened»), and the share of such words;
- not frame section: 1 unless a passage's heading names a part of the report's frame
  (FRAME_HEADINGS: foreword, introduction, background, method, references, appendix …);
- summary section: 1 when a passage's heading is a summary;
- body concepts (cases): the share of the query's concepts found in the case's body text
  (round ten measured «only in the tags» and «in the title or summary»; this is the body).

A last column gives the same check over every judged pair of a query (grade 0–1 against ≥ 2
anywhere in the pool), for the query-independent priors.

Round twelve (docs/sok.md, «Tolvte runde»). The held-out half is never read here.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

from kb.search import schema as f
from tests.relevance.crossval import Bench
from tests.relevance.engines import load_corpus, our_searcher
from tests.relevance.evaluate import SEEDS
from tests.relevance.judged import load_grades, tuning_queries
from tests.relevance.topics import DEPTH, losses, pair_share

# Written from general Norwegian report language before any query or grade was read: the
# brief's examples (tiltak, erfaring, resultat, etablert, innført, prosjekt, samarbeid,
# bidratt, førte til, har gitt) with their inflections, and common words for carrying out
# and for outcomes (gjennomført, iverksatt, igangsatt, oppnådd, effekt, økt, redusert,
# forbedret, lyktes, evaluert, prøvd ut, pilot). A token matches when it starts with a stem.
ACTION_STEMS = (
    "tiltak",
    "erfaring",
    "resultat",
    "etabler",
    "innført",
    "innfør",
    "prosjekt",
    "samarbeid",
    "bidra",
    "gjennomfør",
    "iverksat",
    "igangsat",
    "oppnå",
    "effekt",
    "økt",
    "økning",
    "reduser",
    "nedgang",
    "forbedr",
    "lyktes",
    "lykkes",
    "evaluer",
    "utprøv",
    "pilot",
)
ACTION_PHRASES = re.compile(
    r"\b(?:førte til|ført til|fører til|har gitt|ga|prøvd ut|tatt i bruk)\b", re.IGNORECASE
)
PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|prosent)", re.IGNORECASE)
# the parts of a report's frame that describe the report, not what was done or found
FRAME_HEADINGS = re.compile(
    r"forord|innledning|bakgrunn|metode|datagrunnlag|problemstilling|mandat|oppdrag"
    r"|om rapporten|leserveiledning|innhold|referanse|litteratur|kilde|vedlegg|english",
    re.IGNORECASE,
)
SUMMARY_HEADINGS = re.compile(r"sammendrag|oppsummering|summary", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
PAST = re.compile(r"\w{2,}(?:et|te|de)$")


def text_priors(text: str, heading: str | None) -> dict[str, float]:
    """Every query-independent prior of one document (heading: a passage's section heading,
    None for a case)."""
    tokens = [t.lower() for t in WORD.findall(text)]
    n = max(len(tokens), 1)
    action = sum(t.startswith(ACTION_STEMS) for t in tokens) + len(ACTION_PHRASES.findall(text))
    sentences = [s for s in SENTENCE.split(text) if WORD.search(s)]
    past = [any(PAST.match(t.lower()) for t in WORD.findall(s)) for s in sentences]
    head = heading or ""
    return {
        "action share": action / n,
        "action any": float(action > 0),
        "action count": float(action),
        "percent": float(len(PERCENT.findall(text))),
        "sentences": float(len(sentences)),
        "past sentences": sum(past) / max(len(past), 1),
        "past tokens": sum(bool(PAST.match(t)) for t in tokens) / n,
        "not frame section": float(heading is None or not FRAME_HEADINGS.search(head)),
        "summary section": float(bool(SUMMARY_HEADINGS.search(head))),
    }


def doc_priors(doc: dict) -> dict[str, float]:
    """The priors of one index document (as indexer.documents builds it)."""
    text = doc.get("_stored_" + f.TEXT_FIELD, doc[f.TEXT_FIELD])
    if doc[f.KIND] == "case":
        return text_priors("\n".join((doc[f.SUMMARY], text)), None)
    return text_priors(text, json.loads(doc[f.DATA]).get("section_title") or "")


def body_concepts(engine, needs, doc: int) -> float:
    """The share of the query's concepts with a term in the document's body text."""
    hit = 0
    for need in needs:
        terms = {t for phrase in need.phrases for t in phrase} | set(need.parts)
        hit += any(doc in engine.postings(f.TEXT_FIELD, t)[0] for t in terms)
    return hit / max(len(needs), 1)


def pool_shares(grades: list[dict[str, int]], priors: dict[str, dict]) -> dict[str, list]:
    """The pair check over every judged pair of the same query (grade 0–1 against ≥ 2 in the
    whole pool, not only the ranking's top 20): does a prior carry the grade at all?"""
    out: dict[str, list[float]] = {}
    names = list(next(iter(priors.values())))
    for g in grades:
        bad = [priors[k] for k, v in g.items() if v <= 1 and k in priors]
        good = [priors[k] for k, v in g.items() if v >= 2 and k in priors]
        rows = bad + good
        for name in names:
            values = np.array([r[name] for r in rows])
            pairs = pair_share(values, list(range(len(bad))), list(range(len(bad), len(rows))))
            out.setdefault(name, []).extend(pairs)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line (tuning half only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--verbose", action="store_true", help="hvert par")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.seeds)
    priors = {d[f.ID_FIELD]: doc_priors(d) for d in corpus.docs}
    with tempfile.TemporaryDirectory() as tmp:
        queries = tuning_queries()
        searcher = our_searcher(corpus, args.index or Path(tmp) / "ours")
        bench = Bench(searcher, corpus.key_of, queries, load_grades())
        engine = searcher.engine
        shares: dict[str, dict[str, list[float]]] = {}
        for loss in losses(bench):
            q, hits, grade = loss.query, loss.hits, loss.grade
            rows = [dict(priors[h["id"]]) for h in hits]
            for row, h in zip(rows, hits, strict=True):
                doc = engine.searcher.document_number(id=h["id"])
                row["body concepts"] = body_concepts(engine, loss.needs, doc)
            for b in loss.bad:
                for gi in loss.good:
                    pair = (hits[b]["kind"], hits[gi]["kind"])
                    for name in rows[0]:
                        values = np.array([r[name] for r in rows])
                        share = pair_share(values, [b], [gi])
                        _add(shares, name, share, pair)
                    if args.verbose:
                        _show(q, hits, rows, b, gi, grade)
        pooled = pool_shares(bench.grades, {k: priors[i] for i, k in corpus.key_of.items()})
        print(f"{len(queries)} spørsmål (justering); par: karakter 0–1 i topp 5, ≥ 2 på 6–{DEPTH}")
        for name, values in pooled.items():
            shares[name]["hele poolen"] = values
        groups = ("alle", "feil: grep", "begge grep", "begge avsnitt", "hele poolen")
        print(f"{'prior':20} " + " ".join(f"{g:>18}" for g in groups))
        for name, by in shares.items():
            cells = [f"{np.mean(by[g]):.3f} ({len(by[g]):3})" if by.get(g) else "–" for g in groups]
            print(f"{name:20} " + " ".join(f"{c:>18}" for c in cells))
    return 0


def _add(shares: dict, name: str, values: list[float], kinds: tuple[str, str]) -> None:
    by = shares.setdefault(name, {})
    by.setdefault("alle", []).extend(values)
    if kinds[0] == "case":
        by.setdefault("feil: grep", []).extend(values)
    if kinds[0] == kinds[1]:
        by.setdefault(f"begge {'grep' if kinds[0] == 'case' else 'avsnitt'}", []).extend(values)


def _show(q: str, hits: list, rows: list, b: int, gi: int, grade: list) -> None:
    wrong, right = f"{hits[b]['kind']}, {grade[b]}", f"{hits[gi]['kind']}, {grade[gi]}"
    print(f"«{q}» {b + 1} ({wrong}) mot {gi + 1} ({right})")
    for name in rows[0]:
        print(f"    {name:20} {rows[b][name]:8.3f} {rows[gi][name]:8.3f}")


if __name__ == "__main__":
    sys.exit(main())
