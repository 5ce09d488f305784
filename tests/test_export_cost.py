"""The export's cheaper steps give what the steps they replace gave (issue 16, item 6)."""

from __future__ import annotations

import itertools
import posixpath

import pytest

from web.static_site import links

PATHS = ("", ".", "grep/a/", "grep/a", "grep/b/siter.bib", "tema/bolig/", "kilder/r/del/2/")
PATHS += ("static/site.css", "grep", "a/./b/", "a//b", "sok/", "grep/a/b/c/", "./grep/a")


@pytest.mark.parametrize("path,start", itertools.product(PATHS, PATHS))
def test_relpath_is_posixpaths(path, start):
    assert links.relpath(path or ".", start or ".") == posixpath.relpath(path or ".", start or ".")


def test_a_climbing_path_is_left_to_posixpath():
    assert links.relpath("../a", "b") == posixpath.relpath("../a", "b") == "../../a"
    assert links.relpath("a", "b/../c") == posixpath.relpath("a", "b/../c") == "../a"


def test_a_link_target_is_learned_again_after_a_report_overview():
    link_map = links.LinkMap({"/kilder/r": "kilder/r", "/kilder/r/del/2": "kilder/r/del/2"}, set())
    assert link_map.target("/kilder/r#L120-L130") == "kilder/r/#L120-L130"
    link_map.add_report(
        "/kilder/r", '<li data-first="100" data-last="200"><a href="/kilder/r/del/2">Del 2</a>'
    )
    assert link_map.target("/kilder/r#L120-L130") == "kilder/r/del/2/#L120-L130"
