"""Controlled vocabularies (content/vocabulary/*.yaml): ids, labels, descriptions and synonyms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import process

from kb.content.safeyaml import safe_load
from kb.errors import ContentError

# The case fields that take vocabulary ids, and the vocabulary file behind each.
VOCABULARY_FIELDS = {
    "themes": "themes",
    "target_groups": "target_groups",
    "actors": "actors",
    "approaches": "approaches",
    "grants": "grants",
    "evidence": "evidence",
}


@dataclass(frozen=True)
class Term:
    """One vocabulary term."""

    id: str
    label: str
    description: str
    synonyms: tuple[str, ...] = ()
    rule: str = ""  # what qualifies for the term (evidence levels)
    excludes: str = ""  # what does not qualify (the file's `not`)


@dataclass(frozen=True)
class Vocabulary:
    """A named list of terms, in the order the file gives them."""

    name: str
    label: str
    terms: tuple[Term, ...]

    def get(self, term_id: str) -> Term | None:
        """The term with this id, or None."""
        return next((t for t in self.terms if t.id == term_id), None)

    def label_of(self, term_id: str) -> str:
        """The Norwegian label of an id, or the id itself when unknown."""
        term = self.get(term_id)
        return term.label if term else term_id

    def suggest(self, word: str) -> str | None:
        """The closest id, label or synonym's id for a misspelt id."""
        choices = {t.id: t.id for t in self.terms}
        for t in self.terms:
            choices[t.label.lower()] = t.id
            for s in t.synonyms:
                choices[s.lower()] = t.id
        match = process.extractOne(str(word).lower(), list(choices), score_cutoff=70)
        return choices[match[0]] if match else None


def load_vocabulary(path: Path) -> Vocabulary:
    """Read one vocabulary file; raises ContentError naming the file and the fix."""
    try:
        data = safe_load(path.read_text(encoding="utf-8")) or {}
        terms = tuple(
            Term(
                id=str(t["id"]),
                label=str(t["label"]),
                description=str(t.get("description", "")),
                synonyms=tuple(str(s) for s in t.get("synonyms") or ()),
                rule=str(t.get("rule", "")),
                excludes=str(t.get("not", "")),
            )
            for t in data.get("terms") or ()
        )
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise ContentError(
            f"{path}: kan ikke lese vokabularet ({exc}) — hvert begrep trenger id og label"
        ) from None
    return Vocabulary(name=path.stem, label=str(data.get("name", path.stem)), terms=terms)


def load_vocabularies(folder: Path) -> dict[str, Vocabulary]:
    """Read every vocabulary in a folder, keyed by file stem."""
    return {p.stem: load_vocabulary(p) for p in sorted(folder.glob("*.yaml"))}
