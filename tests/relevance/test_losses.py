"""The P@5 loss tool's document traits: what makes a passage look like a heading list, and
which passages of the same report stand next to each other."""

from __future__ import annotations

from losses import neighbours, spread, text_traits  # tests/relevance on path


def test_a_heading_list_has_short_lines_and_a_prose_passage_has_none():
    headings = "3.1 Bosetting\n3.2 Bolig\n3.3 Tilskudd til kommunene\n"
    prose = "Kommunen har bosatt flere flyktninger i egne boliger med startlån fra Husbanken."
    assert text_traits(headings)["short_lines"] == 1.0
    assert text_traits(prose)["short_lines"] == 0.0
    assert text_traits(headings)["digits"] > 0 == text_traits(prose)["digits"]
    assert text_traits(prose)["alpha"] > 0.9 > text_traits(headings)["alpha"]


def test_neighbours_are_passages_of_the_same_report_within_three_lines():
    top = ["passage:fafo:100-120", "passage:fafo:123-130", "passage:difi:121-125", "case:x"]
    assert neighbours("passage:fafo:100-120", top)
    assert neighbours("passage:fafo:123-130", top)
    assert not neighbours("passage:difi:121-125", top)
    assert not neighbours("passage:fafo:200-210", top)
    assert not neighbours("case:x", top)


def test_spread_moves_a_neighbouring_passage_below_the_top_five():
    keys = ["passage:a:1-10", "passage:a:11-20", "case:x", "case:y", "case:z", "case:w"]
    assert spread(keys) == ["passage:a:1-10", "case:x", "case:y", "case:z", "case:w"] + [
        "passage:a:11-20"
    ]
