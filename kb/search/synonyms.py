"""Synonym groups for query expansion (content/vocabulary/synonymer.yaml) and domain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kb import settings
from kb.content.safeyaml import safe_load
from kb.errors import ContentError

SYNONYMS_FILE = "synonymer.yaml"

Phrase = tuple[str, ...]  # the stems of a word or expression, stop words removed


def vocabulary_dir() -> Path:
    """The vocabulary folder of the configured content root."""
    return settings.path("CONTENT_DIR") / "vocabulary"


def load_groups(folder: Path | None = None) -> list[list[str]]:
    """The synonym groups from synonymer.yaml (empty when the file is missing)."""
    path = (folder or vocabulary_dir()) / SYNONYMS_FILE
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


def vocabulary_words(folder: Path | None = None) -> set[str]:
    """Every word in vocabulary labels and synonyms and in the synonym groups, lowercased."""
    from kb.search.analysis import words

    folder = folder or vocabulary_dir()
    out: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        for term in data.get("terms") or ():
            texts = [str(term.get("label", ""))] + [str(s) for s in term.get("synonyms") or ()]
            out.update(w for t in texts for w in words(t) if w.isalpha() and len(w) > 3)
        for group in data.get("groups") or ():
            out.update(w for t in group for w in words(str(t)) if w.isalpha() and len(w) > 3)
    return out


@lru_cache(maxsize=10_000)
def phrase_stems(text: str) -> Phrase:
    """The stems of a word or expression as the index sees them (no compound parts)."""
    return tuple(t.text for t in _plain_stemmer()(text)) if text else ()


@lru_cache(maxsize=1)
def _plain_stemmer():
    from kb.search.analysis import analyzer

    return analyzer(compounds=False)


@dataclass
class SynonymTable:
    """Equivalent phrases, looked up by their stems."""

    groups: list[list[Phrase]] = field(default_factory=list)
    by_phrase: dict[Phrase, int] = field(default_factory=dict)

    @classmethod
    def from_groups(cls, groups: list[list[str]]) -> SynonymTable:
        """Build the table from groups of words or expressions as editors write them."""
        table = cls()
        for group in groups:
            phrases = list(dict.fromkeys(p for p in map(phrase_stems, group) if p))
            if len(phrases) < 2:
                continue
            for p in phrases:
                table.by_phrase.setdefault(p, len(table.groups))
            table.groups.append(phrases)
        return table

    @property
    def longest(self) -> int:
        """The most stems in one phrase."""
        return max((len(p) for p in self.by_phrase), default=0)

    def match(self, stems: list[str], start: int) -> tuple[int, list[Phrase]]:
        """The longest phrase starting at stems[start]: (its length, its group), or (0, [])."""
        for n in range(min(self.longest, len(stems) - start), 0, -1):
            key = tuple(stems[start : start + n])
            if key in self.by_phrase:
                return n, self.groups[self.by_phrase[key]]
        return 0, []

    def to_json(self) -> list[list[list[str]]]:
        """A JSON-ready form, stored beside the index."""
        return [[list(p) for p in g] for g in self.groups]

    @classmethod
    def from_json(cls, data: list[list[list[str]]]) -> SynonymTable:
        """The table stored beside the index."""
        table = cls()
        for group in data:
            phrases = [tuple(p) for p in group]
            for p in phrases:
                table.by_phrase.setdefault(p, len(table.groups))
            table.groups.append(phrases)
        return table
