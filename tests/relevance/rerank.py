"""A learned re-ranker of the engine's top 20 over its own signals, judged on the tuning half only.

    python -m tests.relevance.rerank [--index DIR] [--trainer NAME ...] [--grid] [--pairs]

Each tuning query's top 20 today gets a feature row per hit (tests.relevance.signals); a linear
model re-orders the 20 and the top 10 is measured. Four trainers, all anchored on today's order
(the feature «rank», never penalised: the strongest regularisation gives today's order as long
as rank's fitted weight is positive, as it is in every fold of the tuning half):

- ranknet: pairwise logistic regression (RankNet) on the feature differences of hits of the
  same query with different grades (ungraded: 0), each query weighing the same, features
  scaled by the spread of their differences, L2 with strength LAMBDAS on every weight but rank;
- ranknet-graded: the same without the ungraded hits; lambdarank: the same, each pair weighed
  by the change in P@5 + MRR of today's order when the two swap places (see pairs);
- ascent: coordinate ascent directly on P@5 + MRR, each weight in turn set to its best value
  in STEPS (× the rank weight), a move kept only when it gains more than MARGINS × queries.

The written rule of round eight: the 45 queries in five folds (query i of judged.yaml in fold
i mod 5); on each fold the model is trained on the other four and measured on the fold; the
gain in P@5 + MRR is summed over the folds against today's order. The hyperparameter (λ or
margin) of each fold is chosen inside its four training folds (train on three, measure on the
fourth; the best summed gain, ties and no gain: the strongest, and today's order unless one
gains), so the held-back fold is never used to choose. Then the whole half with the model
trained on all 45: P@5 and MRR must not fall and one must rise, success@5 not fall, nDCG@10
not more than 0.005 lower. --grid: each hyperparameter alone (an overview, not a choice);
--pairs: rounds eleven and twelve's pair check for every feature. Round thirteen
(docs/sok.md, «Trettende runde»). The held-out half is never read here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from tests.relevance.crossval import FOLDS, folds
from tests.relevance.engines import load_corpus, our_searcher
from tests.relevance.evaluate import SEEDS
from tests.relevance.judged import load_grades, tuning_queries
from tests.relevance.measures import METRICS, precision_at, reciprocal_rank, scores
from tests.relevance.signals import Listing, Signals, pair_shares

TOP = 10
ANCHOR = 0  # the column of «rank» (signals.FEATURES)
LAMBDAS = (1000.0, 300.0, 100.0, 30.0, 10.0, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01)  # strongest first
MARGINS = (0.02, 0.01, 0.005, 0.0)  # strongest first
STEPS = (-2.0, -1.0, -0.5, -0.25, -0.1, 0.0, 0.1, 0.25, 0.5, 1.0, 2.0)


def ordered(item: Listing, w: np.ndarray, condensed: bool = False) -> list[str]:
    """The item's keys by w · x, best first (ties: today's order), cut at TOP; condensed:
    the ungraded hits left out first (an optimistic bound: as if each were put aside)."""
    z = item.x @ w
    keys = [item.keys[i] for i in np.lexsort((np.arange(len(z)), -z))]
    return [k for k in keys if not condensed or k in item.grades][:TOP]


def today(n: int) -> np.ndarray:
    """The weights that keep today's order."""
    w = np.zeros(n)
    w[ANCHOR] = 1.0
    return w


def gains(items: list[Listing], w: np.ndarray) -> np.ndarray:
    """P@5 + MRR per query with the weights."""
    out = []
    for it in items:
        ranked = ordered(it, w)
        out.append(precision_at(ranked, it.grades) + reciprocal_rank(ranked, it.grades))
    return np.array(out)


def pairs(items: list[Listing], how: str) -> tuple[np.ndarray, np.ndarray]:
    """Feature differences (better − worse) of the hits of a query with different grades, and
    each pair's weight: «all» counts an ungraded hit as grade 0, each query weighing the same;
    «graded» leaves ungraded hits out; «delta» (LambdaRank) leaves them out too and weighs a
    pair by how much P@5 + MRR of today's order changes when the two swap places."""
    diffs, weights = [], []
    for it in items:
        y = np.array([it.grades.get(k, -1) for k in it.keys])
        if how == "all":
            y = np.maximum(y, 0)
        hi, lo = np.nonzero((y[:, None] > y[None, :]) & (y[None, :] >= 0))
        if not len(hi):
            continue
        if how == "delta":
            weight = np.array([swap_gain(it, a, b) for a, b in zip(hi, lo, strict=True)])
        else:
            weight = np.full(len(hi), 1.0 / len(hi))
        keep = weight > 0
        diffs.append(it.x[hi[keep]] - it.x[lo[keep]])
        weights.append(weight[keep])
    if not diffs:
        return np.zeros((0, items[0].x.shape[1])), np.zeros(0)
    return np.concatenate(diffs), np.concatenate(weights)


def swap_gain(item: Listing, a: int, b: int) -> float:
    """|change in P@5 + MRR| when hits a and b of today's order swap places."""
    keys = list(item.keys)
    before = precision_at(keys, item.grades) + reciprocal_rank(keys, item.grades)
    keys[a], keys[b] = keys[b], keys[a]
    return abs(precision_at(keys, item.grades) + reciprocal_rank(keys, item.grades) - before)


def fit_ranknet(items: list[Listing], lam: float, how: str = "all") -> np.ndarray:
    """Pairwise logistic regression: P(better above worse) = sigmoid(w · (x_better − x_worse))
    over pairs(items, how), L2 `lam` on every scaled weight but the anchor's."""
    n = items[0].x.shape[1]
    d, pair = pairs(items, how)
    if not len(d):
        return today(n)
    pair = pair * len(items) / pair.sum()  # the data weigh as many as the queries
    scale = d.std(axis=0)
    scale[scale < 1e-9] = 1.0  # a feature that never differs gets no weight from the data
    d = d / scale
    penalty = np.full(n, lam)
    penalty[ANCHOR] = 1e-6
    w = np.zeros(n)
    for _ in range(100):  # Newton steps
        p = 1 / (1 + np.exp(-np.clip(d @ w, -30, 30)))
        grad = d.T @ (pair * (p - 1)) + penalty * w
        hess = (d * (pair * p * (1 - p))[:, None]).T @ d + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w / scale


def fit_ascent(items: list[Listing], margin: float, passes: int = 3) -> np.ndarray:
    """Coordinate ascent on P@5 + MRR from today's order: each weight in turn (in units of
    the feature's spread, against rank's) set to its best value in STEPS; kept only when the
    summed gain rises by more than margin × the number of queries."""
    x = np.concatenate([it.x for it in items])
    scale = x.std(axis=0)
    scale[scale < 1e-9] = np.inf  # a constant feature cannot re-order anything
    n = x.shape[1]
    w = today(n) / scale[ANCHOR]
    now = gains(items, w).sum()
    for _ in range(passes):
        moved = False
        for j in range(n):
            if j == ANCHOR or np.isinf(scale[j]):
                continue
            for step in STEPS:
                trial = w.copy()
                trial[j] = step / scale[j]
                gain = gains(items, trial).sum()
                if gain > now + margin * len(items) + 1e-9:
                    w, now, moved = trial, gain, True
        if not moved:
            break
    return w


# the setting whose weights are printed when the rule keeps today's order (mid-grid: enough to
# move some hits, so the weights say what the data pull towards)
SHOWN = {"ranknet": 1.0, "ranknet-graded": 1.0, "lambdarank": 1.0, "ascent": 0.0}
TRAINERS = {
    "ranknet": (fit_ranknet, LAMBDAS),
    "ranknet-graded": (lambda items, lam: fit_ranknet(items, lam, "graded"), LAMBDAS),
    "lambdarank": (lambda items, lam: fit_ranknet(items, lam, "delta"), LAMBDAS),
    "ascent": (fit_ascent, MARGINS),
}


def choose(items: list[Listing], fold_of: np.ndarray, train: np.ndarray, trainer: str):
    """The hyperparameter with the best summed gain over the training folds, each measured
    with the model trained on the other training folds (ties and no gain: the first, i.e. the
    strongest; None: today's order), and the weights trained on every training query."""
    fit, grid = TRAINERS[trainer]
    n = items[0].x.shape[1]
    inner = sorted(set(fold_of[train].tolist()))
    base = gains(items, today(n))
    best, best_gain = None, 1e-9
    for h in grid:
        total = 0.0
        for k in inner:
            held = train & (fold_of == k)
            w = fit(pick(items, train & ~held), h)
            total += (gains(items, w)[held] - base[held]).sum()
        if total > best_gain:
            best, best_gain = h, total
    return best, (today(n) if best is None else fit(pick(items, train), best))


def cross_validate(items: list[Listing], trainer: str) -> list[dict]:
    """Per fold: the hyperparameter chosen on the other four, the weights, the fold's gain in
    P@5 and in MRR against today's order, and the fold's top 10 per query."""
    n, out = items[0].x.shape[1], []
    fold_of = np.arange(len(items)) % FOLDS
    for k, held in enumerate(folds(len(items))):
        h, w = choose(items, fold_of, ~held, trainer)
        rows = [(ordered(it, w), ordered(it, today(n)), it.grades) for it in pick(items, held)]
        p5 = sum(precision_at(a, g) - precision_at(b, g) for a, b, g in rows)
        rr = sum(reciprocal_rank(a, g) - reciprocal_rank(b, g) for a, b, g in rows)
        out.append({"fold": k, "chosen": h, "w": w, "P@5": p5, "MRR": rr, "held": held})
    return out


def pick(items: list, mask: np.ndarray) -> list:
    return [it for it, keep in zip(items, mask, strict=True) if keep]


def means(items: list[Listing], orders: list[list[str]]) -> dict[str, float]:
    """Every measure averaged over the queries."""
    rows = [scores(r, it.grades) for r, it in zip(orders, items, strict=True)]
    return {m: sum(r[m] for r in rows) / len(rows) for m in METRICS}


def passes(before: dict[str, float], after: dict[str, float]) -> bool:
    """The whole-half part of the rule: P@5 and MRR not lower and one higher, success@5 not
    lower, nDCG@10 at most 0.005 lower."""
    p, r = after["P@5"] - before["P@5"], after["MRR"] - before["MRR"]
    return (
        p >= -1e-9
        and r >= -1e-9
        and max(p, r) > 1e-9
        and after["success@5"] >= before["success@5"] - 1e-9
        and after["nDCG@10"] >= before["nDCG@10"] - 0.005 - 1e-9
    )


def landscape(items: list[Listing], trainer: str) -> list[str]:
    """Per hyperparameter: the plain five-fold gain (trained on four folds, measured on the
    fifth, no choice inside) and the whole half with the model trained on all 45. Only to
    show the landscape: choosing from it would use the held-back folds."""
    fit, grid = TRAINERS[trainer]
    n, lines = items[0].x.shape[1], []
    base = gains(items, today(n))
    every = np.ones(len(items), dtype=bool)
    for h in grid:
        cv = sum(
            (gains(items, fit(pick(items, ~held), h))[held] - base[held]).sum()
            for held in folds(len(items))
        )
        ms = means(items, [ordered(it, fit(pick(items, every), h)) for it in items])
        lines.append(f"  {h}: CV per søk {cv / len(items):+.4f}; alle 45: " + show(ms))
    return lines


def report(items: list[Listing], names: tuple[str, ...], trainer: str) -> list[str]:
    """The trainer's cross-validation per fold and in total, the whole half, the weights."""
    n = len(names)
    lines = [f"== {trainer} =="]
    folds_ = cross_validate(items, trainer)
    oof, condensed = [None] * len(items), [None] * len(items)
    for fo in folds_:
        lines.append(
            f"fold {fo['fold']}: valgt {fo['chosen']}, gevinst P@5 {fo['P@5']:+.2f} "
            f"MRR {fo['MRR']:+.3f} (sum over fold, {int(fo['held'].sum())} søk)"
        )
        for i in np.flatnonzero(fo["held"]):
            oof[i] = ordered(items[i], fo["w"])
            condensed[i] = ordered(items[i], fo["w"], condensed=True)
    cv = sum(fo["P@5"] + fo["MRR"] for fo in folds_)
    p5, rr = sum(fo["P@5"] for fo in folds_), sum(fo["MRR"] for fo in folds_)
    lines.append(
        f"CV-gevinst P@5+MRR: sum {cv:+.3f}, per søk {cv / len(items):+.4f} "
        f"(P@5 {p5 / len(items):+.4f}, MRR {rr / len(items):+.4f})"
    )
    before = means(items, [ordered(it, today(n)) for it in items])
    lines.append("  i dag:           " + show(before))
    lines.append("  utenfor fold:    " + show(means(items, oof)))
    lines.append("  uten uvurderte:  " + show(means(items, condensed)))
    every = np.ones(len(items), dtype=bool)
    h, w = choose(items, np.arange(len(items)) % FOLDS, every, trainer)
    after = means(items, [ordered(it, w) for it in items])
    lines.append(f"  alle 45 ({h}): " + show(after))
    ok = cv > 1e-9 and passes(before, after)
    lines.append(f"regelen: {'holder' if ok else 'holder ikke'}")
    shown = h if h is not None else SHOWN[trainer]
    fit = TRAINERS[trainer][0]
    lines.append(f"vekter trent på alle 45 med {shown} (× spredningen, største først):")
    lines += weights(items, names, fit(items, shown))
    return lines


def weights(items: list[Listing], names: tuple[str, ...], w: np.ndarray) -> list[str]:
    """The weights times each feature's spread, largest first (rank: the anchor)."""
    scale = np.concatenate([it.x for it in items]).std(axis=0)
    order = np.argsort(-np.abs(w * scale), kind="stable")
    return [f"    {names[j]:38} {w[j] * scale[j]:+.3f}" for j in order if w[j]]


def show(ms: dict[str, float]) -> str:
    return " ".join(f"{m} {v:.3f}" for m, v in ms.items())


def tuning_listings(corpus, index: Path | None) -> tuple[Signals, list[Listing]]:
    """The signals of our index over the corpus (built in index, or in a temporary folder) and
    each tuning query's listing with its grades; checked to begin with the engine's top 10."""
    grades = load_grades()
    with tempfile.TemporaryDirectory() as tmp:
        searcher = our_searcher(corpus, index or Path(tmp) / "ours")
        signals = Signals(searcher, sorted(corpus.passages))
        queries = tuning_queries()
        items = [signals.listing(q, corpus.key_of, grades.get(q, {})) for q in queries]
        for q, it in zip(queries, items, strict=True):
            if it.keys[:TOP] != [corpus.key_of[h["id"]] for h in searcher.search(q)["hits"]]:
                raise AssertionError(f"the top 20 does not begin with the engine's top 10: «{q}»")
    return signals, items


def main(argv: list[str] | None = None) -> int:
    """Command line (tuning half only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--index", type=Path, help="bygg vår indeks her én gang og bruk den igjen")
    parser.add_argument("--trainer", nargs="*", default=list(TRAINERS), choices=list(TRAINERS))
    parser.add_argument("--grid", action="store_true", help="hver verdi for seg (bare oversikt)")
    parser.add_argument("--pairs", action="store_true", help="parsjekken for hver egenskap")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"{args.seeds} finnes ikke: omrangeringen trenger de fem rapportene")
        return 1
    corpus = load_corpus(args.seeds)
    signals, items = tuning_listings(corpus, args.index)
    print(f"{len(items)} spørsmål (justering), {sum(len(it.keys) for it in items)} treff")
    if args.pairs:
        count, shares = pair_shares(items, signals.names())
        print(f"par (karakter 0–1 i topp 5, ≥ 2 på 6–20): {count}; det gode høyere:")
        print("\n".join(f"    {name:38} {share:.3f}" for name, share in shares.items()))
    for trainer in args.trainer:
        print("\n".join(report(items, signals.names(), trainer)))
        if args.grid:
            print("\n".join(landscape(items, trainer)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
