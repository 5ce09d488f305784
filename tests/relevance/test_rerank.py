"""The learned re-ranker of round thirteen: its trainers learn what orders the grades, the
strongest regularisation keeps today's order, and the features are read for real hits."""

from __future__ import annotations

import numpy as np
from rerank import ANCHOR, choose, fit_ascent, fit_ranknet, gains, ordered, today
from signals import FEATURES, Listing, Signals  # tests/relevance on path

from kb.search.searcher import Searcher

N = 4  # features of the toy listings: rank, a feature that orders the grades, two of noise
GOOD = 1
BEST = 1  # the place of the grade-3 hit today


def toy(seed: int, queries: int = 10) -> list[Listing]:
    """Queries of six hits each; today's order has the best hit second (BEST), below a grade 2;
    feature GOOD rises with the grade, the two others are noise."""
    rng = np.random.default_rng(seed)
    items = []
    for q in range(queries):
        grades = [2, 3, 0, 1, 0, 0]
        x = np.zeros((6, N))
        x[:, ANCHOR] = -np.log2(np.arange(6) + 2.0)
        x[:, GOOD] = np.array(grades) + rng.normal(0, 0.1, 6)
        x[:, 2:] = rng.normal(0, 1, (6, 2))
        keys = [f"q{q}d{i}" for i in range(6)]
        items.append(Listing(f"q{q}", keys, x, dict(zip(keys, grades, strict=True))))
    return items


def test_the_pairwise_trainer_learns_a_separable_set_and_puts_the_best_first():
    items = toy(0)
    w = fit_ranknet(items, lam=0.1)
    scaled = w * np.concatenate([it.x for it in items]).std(axis=0)
    assert scaled[GOOD] > 5 * max(abs(scaled[2:]))
    assert all(ordered(it, w)[0] == it.keys[BEST] for it in toy(1))  # new queries too
    assert gains(toy(1), w).mean() > gains(toy(1), today(N)).mean()


def test_the_strongest_regularisation_keeps_todays_order():
    items = toy(0)
    w = fit_ranknet(items, lam=1e6)
    assert all(ordered(it, w) == it.keys for it in items)


def test_coordinate_ascent_moves_the_weight_that_gains_and_a_margin_keeps_the_noise_out():
    w = fit_ascent(toy(0), margin=0.05)
    assert w[GOOD] > 0 and w[2] == 0 and w[3] == 0
    assert all(ordered(it, w)[0] == it.keys[BEST] for it in toy(1))


def test_the_choice_keeps_todays_order_when_no_setting_gains_on_the_other_folds():
    items = toy(0)
    for it in items:  # today's order is already the best: grades fall with the place
        it.grades.update(dict(zip(it.keys, [3, 2, 1, 1, 0, 0], strict=True)))
    fold_of = np.arange(len(items)) % 5
    chosen, w = choose(items, fold_of, np.ones(len(items), dtype=bool), "ranknet")
    assert chosen is None and (w == today(N)).all()


def test_features_are_read_for_the_real_hits_of_a_tiny_index(index_dir):
    searcher = Searcher(index_dir)
    signals = Signals(searcher, ["testkilde"])
    key_of = {s["id"]: s["id"] for s in signals.stored}
    item = signals.listing("flyktninger bolig", key_of, {})
    hits = [h["id"] for h in searcher.search("flyktninger bolig", limit=20)["hits"]]
    assert item.keys == hits and len(hits) >= 3
    assert item.x.shape == (len(hits), len(FEATURES) + 1)
    x = {name: item.x[:, j] for j, name in enumerate(signals.names())}
    kinds = [s["kind"] for s in (searcher.search("flyktninger bolig", limit=20)["hits"])]
    assert (np.diff(x["rank"]) < 0).all() and x["score"][0] == 0.0
    assert x["case"].tolist() == [float(k == "case") for k in kinds]
    assert x["report testkilde"].tolist() == [float(k == "passage") for k in kinds]
    assert set(x["every"].tolist()) <= {0.0, 1.0} and x["every"][0] == 1.0
    assert ((x["tfidf"] > 0) & (x["tfidf"] <= 1 + 1e-9)).all()
    assert (x["links"] > 0).any()  # the cases cite lines of the test report
