"""Pool every engine's top 10 per judged query into grading files without engine names or ranks.

    python -m tests.relevance.pool              # grading files + empty slots in grades.yaml
    python -m tests.relevance.pool --missing    # (query, document) pairs in a top 10 with no grade
    python -m tests.relevance.pool --missing --depth 20 --unanswered
        # deeper pool (top 20) for the queries whose graded documents hold no grade 3
    python -m tests.relevance.pool --half validation --also tests/relevance/tops/cee85f0.json
        # one set's queries, with another engine's top lists pooled too (written by
        # dump_tops.py from a checkout of an older commit)

Writes <out>/pool-NN.md (about ten queries each, for a human grader), <out>/pool.json (the same,
machine-readable) and adds an empty slot to grades.yaml for every pooled document without one;
grades already given are never touched. Documents are listed in a stable shuffled order.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import yaml

from kb.search import schema as f
from tests.relevance.engines import Corpus, rank_all, written_text
from tests.relevance.graded import add_tops
from tests.relevance.judged import GRADES, load_grades, load_judged

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
OUT = Path("/work/briefs/pool")
PER_FILE = 10
BODY_WORDS = 250
SCALE = """Karakterer (hele grepet for `case:`, bare avsnittet for `passage:`):
- 3 = svarer godt på det personen vil finne (hensikten), kan brukes direkte
- 2 = relevant: svarer delvis, eller er et godt sted å begynne
- 1 = berører temaet, men hjelper lite med hensikten
- 0 = ikke relevant
Skriv karakteren i tests/relevance/grades.yaml etter dokumentnøkkelen."""


def grading_texts(corpus: Corpus) -> dict[str, dict[str, str]]:
    """{document key: {title, summary, text}} as a grader sees it (a case body cut at 250 words)."""
    out = {}
    for doc in corpus.docs:
        key = corpus.key_of.get(doc[f.ID_FIELD])
        if key is None:
            continue
        if doc[f.KIND] == "case":
            words = doc[f.TEXT_FIELD].split()
            body = " ".join(words[:BODY_WORDS]) + (" …" if len(words) > BODY_WORDS else "")
            out[key] = {"title": doc[f.TITLE], "summary": doc[f.SUMMARY], "text": body}
        else:
            title = json.loads(doc[f.DATA]).get("title", "") if doc.get(f.DATA) else ""
            out[key] = {"title": title, "summary": "", "text": written_text(doc)}
    return out


def answered(query: str, grades: dict[str, dict[str, int]]) -> bool:
    """Whether any document graded for the query so far answers it well (grade 3)."""
    return any(g == 3 for g in grades.get(query, {}).values())


def pooled(query: str, tops: dict[str, list[str]]) -> list[str]:
    """The union of the engines' top lists, sorted, then shuffled with a seed from the query."""
    keys = sorted({k for keys in tops.values() for k in keys})
    random.Random(f"pool:{query}").shuffle(keys)
    return keys


def write_pool(entries: list[dict], out: Path, stem: str) -> list[Path]:
    """Markdown files of about ten queries each, and one JSON; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(
        json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    files = [out / f"{stem}.json"]
    for start in range(0, len(entries), PER_FILE):
        path = out / f"{stem}-{start // PER_FILE + 1:02d}.md"
        path.write_text(markdown(entries[start : start + PER_FILE], start), encoding="utf-8")
        files.append(path)
    return files


def markdown(entries: list[dict], start: int) -> str:
    """One grading file: the scale, then each query, its intent and its documents."""
    lines = ["# Vurdering av søketreff", "", SCALE, ""]
    for n, e in enumerate(entries, start + 1):
        lines += [f"## {n}. {e['query']}", "", f"**Hensikt:** {e['intent']}", ""]
        for d in e["docs"]:
            lines += [f"### `{d['key']}`", "", f"**{d['title']}**", ""]
            if d["summary"]:
                lines += [f"*{d['summary']}*", ""]
            lines += [d["text"], ""]
    return "\n".join(lines)


def add_slots(path: Path, wanted: dict[str, list[str]], titles: dict[str, str]) -> int:
    """Add an empty slot to grades.yaml per wanted pair it lacks; counts those. Nothing in the
    file changes: a known query's slots go after its last line, a new query's block at the end
    (its comments, order and grades stay as the judges left them)."""
    load_grades(path)  # a file with a wrong grade is refused before anything is added
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    data = (yaml.safe_load("\n".join(lines)) if lines else None) or {}
    ends: dict[str, int] = {}  # a query's block: the index after its last indented line
    current = None
    for i, line in enumerate(lines):
        if line and not line.startswith((" ", "#")):
            current = next(iter(yaml.safe_load(line) or {}), None)
            ends[current] = i + 1
        elif line.startswith(" ") and current is not None:
            ends[current] = i + 1

    def slot(key: str) -> str:
        title = titles.get(key, "").replace("\n", " ")[:80]
        return f"  {json.dumps(key, ensure_ascii=False)}:  # {title}"

    inserts, added = [], 0
    for query, keys in wanted.items():
        have = data.get(query) or {}
        new = [slot(k) for k in dict.fromkeys(keys) if k not in have]
        added += len(new)
        if query in ends:
            inserts.append((ends[query], new))
        elif new:
            inserts.append((len(lines), [f"{json.dumps(query, ensure_ascii=False)}:", *new]))
    for at, block in sorted(inserts, key=lambda x: x[0], reverse=True):
        lines[at:at] = block
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return added


def main(argv: list[str] | None = None) -> int:
    """Command line: pool and write, or list what the current rankings show without a grade."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--out", type=Path, default=OUT, help="mappe for vurderingsfilene")
    parser.add_argument("--grades", type=Path, default=GRADES)
    parser.add_argument("--missing", action="store_true", help="bare par uten karakter")
    parser.add_argument("--depth", type=int, default=10, help="hvor mange treff per motor")
    parser.add_argument(
        "--unanswered", action="store_true", help="bare spørsmål uten noe dokument med karakter 3"
    )
    parser.add_argument("--half", help="bare spørsmålene i denne halvdelen (eller validation)")
    parser.add_argument(
        "--also", type=Path, action="append", help="andre motorers topplister (JSON) i poolen"
    )
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"{args.seeds} finnes ikke: poolingen trenger de fem rapportene")
        return 1
    started = time.perf_counter()
    grades = load_grades(args.grades)
    queries = [q for q in load_judged() if not args.unanswered or not answered(q.query, grades)]
    queries = [q for q in queries if args.half is None or q.half == args.half]
    order = sorted(queries, key=lambda q: q.query)
    random.Random("pool:queries").shuffle(order)  # grading order hides kinds and halves
    tops, corpus = rank_all([q.query for q in order], args.seeds, args.depth)
    for also in args.also or ():
        add_tops(tops, also)
    wanted = {}
    for q in order:
        keys = [k for k in pooled(q.query, tops[q.query]) if k not in grades.get(q.query, {})]
        if keys or not args.missing:
            wanted[q.query] = keys
    texts = grading_texts(corpus)
    unknown = {k for keys in wanted.values() for k in keys if k not in texts}
    if unknown:  # another commit's documents that this corpus does not have
        print(f"{len(unknown)} dokumenter finnes ikke her: {sorted(unknown)[:5]}", file=sys.stderr)
        wanted = {q: [k for k in keys if k in texts] for q, keys in wanted.items()}
    entries = [
        {
            "query": q.query,
            "intent": q.intent,
            "docs": [{"key": k, **texts[k]} for k in wanted[q.query]],
        }
        for q in order
        if q.query in wanted
    ]
    if args.missing:
        for e in entries:
            print("\n".join(f"{e['query']}\t{d['key']}" for d in e["docs"]))
    files = write_pool(entries, args.out, "missing" if args.missing else "pool")
    added = add_slots(args.grades, wanted, {k: t["title"] for k, t in texts.items()})
    n_docs = sum(len(e["docs"]) for e in entries)
    print(
        f"{n_docs} dokumenter å vurdere for {len(entries)} spørsmål "
        f"({n_docs / max(1, len(entries)):.1f} per spørsmål); {added} uten karakter i "
        f"{args.grades.name}; {len(files)} filer i {args.out}; "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
