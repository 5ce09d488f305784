"""Compound splitting: the best split of a Norwegian compound into known parts.

The split is found bottom-up over the word's suffixes (shortest first), so it never recurses
and its work is bounded by the square of the word's length; words longer than MAX_WORD are
never split.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

MIN_COMPOUND = 7  # shortest word we try to split
MAX_WORD = 64  # longer tokens are not split (nor matched fuzzily): no word is this long
MIN_PART = 4  # shortest part of a compound ("barn", "bolig"); 3 lets "sam|arbeid" through
EXTRA_PART_COST = 0.3  # prefer "barnevern|tjenesten" to "barn|vern|tjenesten"
LINKERS = ("s", "e")  # Norwegian linking letters: levekår-s-utsatte, barn-e-fattigdom

Split = tuple[float, tuple[str, ...]]  # (score of the rarest part, the parts)


def _heads(head: str) -> Iterator[str]:
    """The head as written and, when it ends in a linking letter, without it."""
    yield head
    if head[-1] in LINKERS and len(head) > MIN_PART:
        yield head[:-1]


def _better(a: Split, b: Split) -> bool:
    """True when split a beats split b: rarer parts and more parts both cost."""
    return a[0] - EXTRA_PART_COST * len(a[1]) > b[0] - EXTRA_PART_COST * len(b[1])


def _best_at(word: str, j: int, score: Callable[[str], float], best: dict[int, Split]) -> Split:
    """The best split of word[j:], given the best splits of every shorter suffix."""
    found: Split = (0.0, ())
    for i in range(j + MIN_PART, len(word) - MIN_PART + 1):
        head_score, head = max((score(h), h) for h in _heads(word[j:i]))
        if not head_score:
            continue
        tail = word[i:]
        tail_score, tail_parts = score(tail), (tail,)
        if not tail_score and len(tail) >= MIN_COMPOUND:
            tail_score, tail_parts = best[i]
        candidate = (min(head_score, tail_score), (head, *tail_parts))
        if _better(candidate, found):
            found = candidate
    return found


def split_compound(word: str, score: Callable[[str], float]) -> list[str]:
    """The parts of a lowercased compound, or []; score(part) is 0 for a part that is no word."""
    if not MIN_COMPOUND <= len(word) <= MAX_WORD or not word.isalpha():
        return []
    best: dict[int, Split] = {}
    for j in range(len(word) - MIN_COMPOUND, -1, -1):
        best[j] = _best_at(word, j, score, best)
    return list(best[0][1])
