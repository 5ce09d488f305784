"""Controlled vocabularies (content/vocabulary/*.yaml): ids, labels, descriptions and synonyms."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from rapidfuzz import process

from kb.content import schema
from kb.content.problems import Problem
from kb.content.safeyaml import safe_load
from kb.content.synonyms_file import SYNONYMS_FILE, check_synonym_file
from kb.content.yamlfile import compose, entry, is_list, is_text, line
from kb.errors import ContentError

TERMS_FIX = "skriv «terms:» med én oppføring per begrep, hver med id og label"

# The case fields that take vocabulary ids, and the vocabulary file behind each.
VOCABULARY_FIELDS = schema.vocabulary_fields()

TERM_KEYS = ("id", "label", "description", "synonyms", "rule", "not")


@dataclass(frozen=True)
class Term:
    """One vocabulary term."""

    id: str
    label: str
    description: str
    synonyms: tuple[str, ...] = ()
    rule: str = ""  # what qualifies for the term (evidence levels)
    excludes: str = ""  # what does not qualify (the file's `not`)
    extra: dict = field(default_factory=dict, compare=False, hash=False)  # other keys (grants)


@dataclass(frozen=True)
class Vocabulary:
    """A named list of terms, in the order the file gives them."""

    name: str
    label: str
    terms: tuple[Term, ...]

    @cached_property
    def _by_id(self) -> dict[str, Term]:
        """The terms by id (the first of a repeated id): a search page looks up ~100 labels."""
        out: dict[str, Term] = {}
        for t in self.terms:
            out.setdefault(t.id, t)
        return out

    def get(self, term_id: str) -> Term | None:
        """The term with this id, or None."""
        return self._by_id.get(term_id)

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
                extra={k: str(v) for k, v in t.items() if k not in TERM_KEYS},
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


def check_vocabulary_file(path: Path) -> list[Problem]:
    """Every problem in one vocabulary file, with its line: YAML, and id and label per term."""
    root, problems = compose(path)
    if problems or root is None:
        return problems or [Problem(str(path), 1, "terms", "filen er tom", TERMS_FIX)]
    terms = entry(root, "terms")
    if not is_list(terms):
        where = line(terms) if terms is not None else 1
        return [
            Problem(str(path), where, "terms", "«terms» mangler eller er ikke en liste", TERMS_FIX)
        ]
    for n, term in enumerate(terms.value):
        for key in ("id", "label"):
            if not is_text(entry(term, key)):
                problems.append(
                    Problem(
                        str(path),
                        line(term),
                        f"terms[{n}].{key}",
                        f"begrepet mangler {key}",
                        TERMS_FIX,
                    )
                )
    return problems


def load_checked_vocabularies(folder: Path) -> tuple[dict[str, Vocabulary], list[Problem]]:
    """The vocabularies that read cleanly, and every problem in the others and the synonym file."""
    vocabularies: dict[str, Vocabulary] = {}
    problems = check_synonym_file(folder)
    for path in sorted(Path(folder).glob("*.yaml")):
        if path.name == SYNONYMS_FILE:
            continue
        found = check_vocabulary_file(path)
        problems += found
        if not found:
            vocabularies[path.stem] = load_vocabulary(path)
    return vocabularies, problems
