"""Synonym groups for query expansion (content/vocabulary/synonymer.yaml)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import ContentError

SYNONYMS_FILE = "synonymer.yaml"

Phrase = tuple[str, ...]  # the stems of a word or expression, stop words removed


def load_groups(folder: Path) -> list[list[str]]:
    """The synonym groups from a vocabulary folder's synonymer.yaml (empty when missing)."""
    import yaml  # build time only: a search reads the groups from the index's analysis file

    from kb.content.safeyaml import safe_load

    path = Path(folder) / SYNONYMS_FILE
    if not path.exists():
        return []
    try:
        data = safe_load(path.read_text(encoding="utf-8")) or {}
        groups = [[str(w) for w in g] for g in data.get("groups") or ()]
    except (yaml.YAMLError, TypeError, AttributeError) as exc:
        raise ContentError(
            f"{path}: kan ikke lese synonymene ({exc}) — skriv «groups:» med én liste per gruppe"
        ) from None
    return [g for g in groups if len(g) > 1]


@dataclass
class SynonymTable:
    """Equivalent phrases, looked up by their stems."""

    groups: list[list[Phrase]] = field(default_factory=list)
    by_phrase: dict[Phrase, int] = field(default_factory=dict)

    @classmethod
    def from_groups(
        cls, groups: Iterable[Iterable[str]], stems: Callable[[str], Phrase]
    ) -> SynonymTable:
        """The table of groups as editors write them; stems(text) gives a phrase's stems."""
        table = cls()
        for group in groups:
            phrases = list(dict.fromkeys(p for p in map(stems, group) if p))
            if len(phrases) < 2:
                continue
            for p in phrases:
                table.by_phrase.setdefault(p, len(table.groups))
            table.groups.append(phrases)
        return table

    # (phrases counted, the longest's stems): longest is asked for every clause of a query
    _longest: tuple[int, int] = field(default=(-1, 0), init=False, repr=False, compare=False)

    @property
    def longest(self) -> int:
        """The most stems in one phrase (phrases are only added: counted again when added)."""
        if self._longest[0] != len(self.by_phrase):
            found = max((len(p) for p in self.by_phrase), default=0)
            self._longest = (len(self.by_phrase), found)
        return self._longest[1]

    def match(self, stems: list[str], start: int) -> tuple[int, list[Phrase]]:
        """The longest phrase starting at stems[start]: (its length, its group), or (0, [])."""
        for n in range(min(self.longest, len(stems) - start), 0, -1):
            key = tuple(stems[start : start + n])
            if key in self.by_phrase:
                return n, self.groups[self.by_phrase[key]]
        return 0, []
