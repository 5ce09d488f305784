"""Turn parsed clauses into Whoosh queries: fields, synonyms, compound parts and typo fallback."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh.query import And, FuzzyTerm, Or, Phrase, Query, Term

from kb import schema as f
from kb.query import Clause, ParsedQuery, word_clauses
from kb.synonyms import SynonymTable

TEXT_FIELDS = tuple(f.SEARCHED)
PARTS_BOOST = 0.5  # "barnefattigdom" also finds "fattigdom blant barn", ranked lower
MIN_FUZZY = 4  # shorter unknown words are left alone: too many neighbours


@dataclass(frozen=True)
class Need:
    """What a document must have to satisfy one clause: all stems of one phrase, or a near word."""

    phrases: tuple[tuple[str, ...], ...]
    fuzzy: str = ""  # an unknown word's stem: any term within two edits satisfies it

    def met(self, terms: set[str]) -> bool:
        """True when the matched terms satisfy the clause."""
        if any(terms.issuperset(p) for p in self.phrases):
            return True
        return bool(self.fuzzy) and any(Levenshtein.distance(self.fuzzy, t) <= 2 for t in terms)


@dataclass
class Plan:
    """The queries to AND (or OR) together and the corrected query, if any word was unknown."""

    queries: list[Query]
    needs: list[Need] = field(default_factory=list)  # what satisfies each query, for ranking
    suggestion: str | None = None
    corrections: dict[str, str] = field(default_factory=dict)


class Planner:
    """Builds queries against one searcher; knows which terms the index has."""

    def __init__(self, searcher, synonyms: SynonymTable):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.synonyms = synonyms
        self._dictionary: tuple[list[str], dict[str, int]] | None = None

    def plan(self, parsed: ParsedQuery) -> Plan:
        """Queries for every clause; unknown words are corrected or matched fuzzily."""
        plan = Plan([])
        for clause in parsed.clauses:
            if self.known(clause) or clause.quoted or len(clause.text) < MIN_FUZZY:
                self._add(plan, clause)
                continue
            better = self.correct(clause.text)
            if better:
                plan.corrections[clause.text] = better
                for fixed in word_clauses([better], self.synonyms):
                    self._add(plan, fixed)
            else:
                plan.queries.append(self.fuzzy_query(clause))
                plan.needs.append(Need((), clause.alternatives[0][0]))
        if plan.corrections:
            plan.suggestion = _replace_words(parsed.text, plan.corrections)
        return plan

    def _add(self, plan: Plan, clause: Clause) -> None:
        """Add a clause's query and what satisfies it."""
        plan.queries.append(self.clause_query(clause))
        phrases = tuple(clause.alternatives) + ((tuple(clause.parts),) if clause.parts else ())
        plan.needs.append(Need(phrases))

    def has_term(self, stem: str) -> bool:
        """True when any searched field has this stem."""
        return any(self.reader.doc_frequency(name, stem) for name in TEXT_FIELDS)

    def known(self, clause: Clause) -> bool:
        """True when the index has the clause's words, a synonym of them, or all their parts."""
        if any(all(map(self.has_term, p)) for p in clause.alternatives):
            return True
        return bool(clause.parts) and all(map(self.has_term, clause.parts))

    def clause_query(self, clause: Clause) -> Query:
        """Any of the clause's phrases in any searched field, or its compound parts together."""
        alts: list[Query] = [_phrase_query(p) for p in clause.alternatives]
        if clause.parts:
            alts.append(And([_phrase_query((p,)) for p in clause.parts], boost=PARTS_BOOST))
        return alts[0] if len(alts) == 1 else Or(alts)

    def fuzzy_query(self, clause: Clause) -> Query:
        """Terms within one or two edits of an unknown word."""
        stem = clause.alternatives[0][0]
        dist = 2 if len(stem) >= 8 else 1
        return _in_fields(lambda name: FuzzyTerm(name, stem, maxdist=dist, prefixlength=1))

    def dictionary(self) -> tuple[list[str], dict[str, int]]:
        """The index's words as written, with how many documents have each."""
        if self._dictionary is None:
            freq = {}
            for raw, info in self.reader.iter_field(f.SPELL):
                word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if word.isalpha() and len(word) > 2:
                    freq[word] = info.doc_frequency()
            self._dictionary = (list(freq), freq)
        return self._dictionary

    def correct(self, word: str) -> str | None:
        """The most common known word within one or two edits (first letter kept if possible)."""
        words, freq = self.dictionary()
        if not words or " " in word:
            return None
        limit = 2 if len(word) >= 7 else 1
        found = process.extract(
            word, words, scorer=Levenshtein.distance, score_cutoff=limit, limit=50
        )
        if not found:
            return None
        best = min(found, key=lambda m: (m[1], m[0][0] != word[0], -freq[m[0]]))
        return best[0]


def _in_fields(make) -> Query:
    """The same query in every searched field."""
    return Or([make(name) for name in TEXT_FIELDS])


def _phrase_query(phrase: tuple[str, ...]) -> Query:
    """A word (term) or expression (phrase) in any searched field."""
    if len(phrase) == 1:
        return _in_fields(lambda name: Term(name, phrase[0]))
    return _in_fields(lambda name: Phrase(name, list(phrase)))


def _replace_words(text: str, corrections: dict[str, str]) -> str:
    """The query with each corrected word replaced, keeping the rest as typed."""
    for wrong, right in corrections.items():
        text = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, text, flags=re.I)
    return text
