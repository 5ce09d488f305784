"""Round fourteen's dense features: the document's parts, the three cosines per hit and the
blend, with a bag-of-words encoder in place of the sentence encoder (the same plumbing)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from dense import MAX_PARTS, PART, STEP, blended, dense_columns, parts
from signals import Listing  # tests/relevance on path

VOCABULARY = ("bolig", "flyktning", "startlån", "barnehage", "kjernetid", "nav", "veileder")


def bag(texts: Sequence[str]) -> np.ndarray:
    """Unit count vectors over VOCABULARY (a word counts when it begins with the entry)."""
    rows = []
    for text in texts:
        words = re.findall(r"\w+", text.lower())
        v = np.array([sum(w.startswith(t) for w in words) for t in VOCABULARY], dtype=float)
        rows.append(v / (np.linalg.norm(v) or 1.0))
    return np.array(rows)


def test_the_parts_overlap_cover_every_word_and_stop_at_the_limit():
    text = " ".join(f"w{i}" for i in range(250))
    got = parts("Tittel. Sammendrag.", text)
    assert got[0] == "Tittel. Sammendrag."
    assert [len(p.split()) for p in got[1:]] == [PART, PART, 250 - 2 * STEP]
    assert got[2].split()[0] == f"w{STEP}"  # the second part begins STEP words in
    assert set(" ".join(got[1:]).split()) == set(text.split())
    assert parts("", "kort tekst") == ["kort tekst"]
    assert len(parts("h", " ".join(["ord"] * 10 * PART * MAX_PARTS))) == MAX_PARTS


def test_the_best_part_finds_an_answer_that_the_whole_document_dilutes():
    filler = " ".join((["barnehage"] + ["om"] * 9) * 36)  # 360 words, 36 of them «barnehage»
    answer = " ".join(["startlån", "bolig", "flyktning"] + ["om"] * 97)  # part 5 of the text
    texts = {
        "long": ("Om barnehager", f"{filler} {answer} {filler}"),
        "short": ("Om veiledning", "nav veileder bolig"),
    }
    item = Listing("startlån bolig flyktning", ["long", "short"], np.zeros((2, 1)), {})
    (rows,) = dense_columns([item], texts, bag, bag)
    whole, best, mean = rows.T
    assert best[0] > 0.9 > whole[0]  # one part of «long» is the query; the whole is not
    assert whole[1] > whole[0]  # as one input the short one looks closer
    assert mean[0] < best[0]


def test_the_blend_keeps_todays_order_at_weight_zero_and_follows_the_column_when_heavy():
    keys = [f"d{i}" for i in range(6)]
    x = np.zeros((6, 2))
    x[:, 0] = -np.log2(np.arange(6) + 2.0)
    x[:, 1] = [0, 0, 0, 0, 0, 5]  # the column points at the last hit, the only grade 3
    item = Listing("q", keys, x, {"d5": 3, "d0": 2})
    assert blended([item], 1, 0.0) == (0.2, 1 / 6)  # d0 counts, d5 is sixth
    p5, rr = blended([item], 1, 100.0)
    assert rr == 1.0 and p5 == 0.4
