"""Printed pages of a text source: the registry's page map, read, checked and looked up.

A page map (`page_map:` in content/sources/<id>.yaml) holds anchors `[line, page]`: from that
line of the text file on, the text stands on that printed page. An exact map has an anchor for
every page break; an approximate one only the section starts from the table of contents, so a
line lies somewhere between its section's start page and the next section's start page.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.content.problems import Problem

PAGE_MAP_KEYS = ("exact", "last_page", "anchors")


@dataclass(frozen=True)
class PageMap:
    """Anchors (line, page) in line order, whether they are exact, and the last printed page."""

    anchors: tuple[tuple[int, int], ...]
    exact: bool
    last_page: int | None = None

    @property
    def lines(self) -> list[int]:
        """The anchor lines, for bisecting."""
        return [line for line, _ in self.anchors]


def page_at(page_map: PageMap, line: int) -> int | None:
    """The printed page the anchors give a line (the first page of its section when approximate)."""
    i = bisect_right(page_map.lines, line) - 1
    return page_map.anchors[i][1] if i >= 0 else None


def last_possible_page(page_map: PageMap, line: int) -> int | None:
    """The last page a line can lie on: its own page when exact, else the next section's start."""
    if page_map.exact:
        return page_at(page_map, line)
    i = bisect_right(page_map.lines, line)
    if i < len(page_map.anchors):
        return page_map.anchors[i][1]
    return page_map.last_page or page_map.anchors[-1][1]


def page_range(source, lines: tuple[int, int] | list[int]) -> tuple[int, int] | None:
    """The printed pages (first, last) that cited lines span; None when there is no map for them."""
    page_map = source if isinstance(source, PageMap) else page_map_of(source)
    if page_map is None or not lines:
        return None
    first = page_at(page_map, lines[0])
    last = last_possible_page(page_map, lines[1])
    if first is None or last is None:
        return None
    return first, max(first, last)


def pages_agree(page_map: PageMap, expected: tuple[int, int], pages) -> bool:
    """Whether cited pages fit the map: equal when exact, inside the possible span when not."""
    if page_map.exact:
        return tuple(pages) == tuple(expected)
    return expected[0] <= pages[0] and pages[1] <= expected[1]


def page_map_of(source) -> PageMap | None:
    """The source's page map, or None when it has none (or a broken one, reported at loading)."""
    raw = (getattr(source, "extra", None) or {}).get("page_map")
    page_map, errors = parse_page_map(raw)
    return None if errors else page_map


def parse_page_map(raw) -> tuple[PageMap | None, list[tuple[tuple, str, str]]]:
    """A page map from its YAML value, or the problems as (field path, message, fix)."""
    if not isinstance(raw, dict):
        return None, [((), "page_map skal være en gruppe felt", "skriv exact: og anchors:")]
    errors = [
        ((key,), f"ukjent felt «{key}»", "bruk " + ", ".join(PAGE_MAP_KEYS))
        for key in raw
        if key not in PAGE_MAP_KEYS
    ]
    exact = raw.get("exact")
    if not isinstance(exact, bool):
        errors.append((("exact",), "exact mangler eller er ikke true/false", _EXACT_FIX))
    anchors = _anchors(raw.get("anchors"), errors)
    last = raw.get("last_page")
    if exact is False and not _whole(last):
        errors.append((("last_page",), "kartet er omtrentlig og mangler last_page", _LAST_FIX))
    elif last is not None and (not _whole(last) or (anchors and last < anchors[-1][1])):
        errors.append((("last_page",), f"«{last}» kan ikke være siste side", _LAST_FIX))
    if errors:
        return None, errors
    return PageMap(tuple(anchors), exact, last), []


_EXACT_FIX = "skriv exact: true når alle sideskift er kjent, ellers exact: false"
_LAST_FIX = "skriv last_page: den trykte siden der filens siste linje står"


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _anchors(value, errors: list) -> list[tuple[int, int]]:
    """The anchors in order; each bad one is reported with its index."""
    if not isinstance(value, list) or not value:
        errors.append(
            (("anchors",), "anchors mangler eller er tom", "skriv anchors: [[linje, side]]")
        )
        return []
    good: list[tuple[int, int]] = []
    for i, item in enumerate(value):
        where = ("anchors", i)
        if not (isinstance(item, list) and len(item) == 2 and all(map(_whole, item))):
            errors.append((where, f"«{item}» er ikke [linje, side]", "skriv f.eks. [244, 9]"))
            continue
        line, page = item
        if good and line <= good[-1][0]:
            fix = "sorter ankrene etter linje, og ta med hver linje bare én gang"
            errors.append((where, f"linje {line} kommer etter linje {good[-1][0]}", fix))
        elif good and page < good[-1][1]:
            fix = "rett sidetallet; sidene kan ikke gå bakover"
            errors.append((where, f"side {page} er lavere enn side {good[-1][1]} før", fix))
        good.append((line, page))
    return good


def page_map_problems(where: str, text: str, raw) -> list[Problem]:
    """The problems of a registry entry's page_map, each at its line in the YAML file."""
    _, errors = parse_page_map(raw)
    if not errors:
        return []
    marks = _yaml_lines(text)
    problems = []
    for path, message, fix in errors:
        line = next((marks[path[:n]] for n in range(len(path), -1, -1) if path[:n] in marks), 1)
        field = "page_map" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        problems.append(Problem(where, line, field, message, fix))
    return problems


def _yaml_lines(text: str) -> dict[tuple, int]:
    """1-based lines of page_map and every key and item inside it, by path below page_map."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    marks: dict[tuple, int] = {}
    for key, node in getattr(root, "value", ()) if isinstance(root, yaml.MappingNode) else ():
        if key.value == "page_map":
            marks[()] = key.start_mark.line + 1
            _walk(node, (), marks)
    return marks


def _walk(node: yaml.Node, path: tuple, marks: dict) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            marks[path + (key.value,)] = key.start_mark.line + 1
            _walk(value, path + (key.value,), marks)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            marks[path + (i,)] = item.start_mark.line + 1


def registry_page_range(content_dir: Path, source_id: str, lines) -> tuple[int, int] | None:
    """The pages for lines of a registered source, read from its registry file (for `kb new`)."""
    path = Path(content_dir) / "sources" / f"{source_id}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or not lines:
        return None
    page_map, errors = parse_page_map(data.get("page_map"))
    return None if errors else page_range(page_map, lines)


def parse_pages_option(text: str) -> tuple[int, int]:
    """Pages as written on the command line: «20-22», «20–22» or «20»; ValueError if not."""
    parts = text.replace("–", "-").split("-")
    if not 1 <= len(parts) <= 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"«{text}» er ikke sider — skriv f.eks. 20-22 eller 20")
    first, last = int(parts[0]), int(parts[-1])
    if not 1 <= first <= last:
        raise ValueError(f"«{text}»: første side må være minst 1 og ikke etter siste")
    return first, last
