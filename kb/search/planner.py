"""What each clause of a query asks of a document, with typo correction for unknown words."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from kb.search import schema as f
from kb.search.analysis import MAX_WORD, MIN_ZIPF, NorwegianAnalysis
from kb.search.compounds import LINKERS, MIN_COMPOUND, MIN_PART, split_compound
from kb.search.query import Clause, ParsedQuery, word_clauses
from kb.search.terms import FieldTerms, field_terms, prefixed

TEXT_FIELDS = tuple(f.SEARCHED)
MIN_FUZZY = 4  # shorter unknown words are left alone: too many neighbours
MIN_FORM = 4  # a stem without its -t must keep this many letters («stat» is not «sta»)
MIN_PART_DOCS = 2  # a word of the index is a compound part of a query word when this many have it
MIN_HEAD = 5  # shortest stem an unknown word may stand for as the first part of compounds
MAX_HEADS = 20  # compounds a first part stands for, most common first
# When no compound starts with an unknown word and a known word, a short element may come
# between them («Grorud|dal|s|satsingen»): exactly this many letters, and the known word
# MIN_COMPOUND letters or more, so a word cut short is not taken for a first part
# («bosettin|gsp|risen»: its typo correction «bosetting» stays).
SHORT_ELEMENT = MIN_PART - 1
CACHED_HAS = 8192  # stems whose presence in the index each planner (one reader) remembers
JOIN_LINKERS = ("", "s", "e")  # «kommune programmet» is «kommuneprogrammet», «barne vern» …
WORD_RUN = re.compile(r"(\w+)")
APART = re.compile(r"[\s-]+")  # what may stand between two words written apart
# A query of LONG_QUERY clauses or more is read as a sentence: a word of it this common in
# Norwegian at large (wordfreq's zipf: «gjør» 6.3, «bedre» 6.0, «finnes» 5.8, «vanskelig» 5.5)
# carries the sentence rather than its topic, and weighs COMMON_WEIGHT of its idf in the share
# of the query a document has (Engine.coverage), so lacking it costs little. Its score and
# how many clauses a document needs are unchanged; words of the vocabularies and synonyms keep
# their weight. Tuned on the tuning half only (docs/sok.md, «Sjuende runde»).
LONG_QUERY = 4
COMMON_ZIPF = 5.5
COMMON_WEIGHT = 0.3


def typed_pairs(typed: str) -> set[tuple[str, str]]:
    """Each two words next to each other as typed, with only spaces or hyphens between them.

    Whole words (runs of \\w): the pairs a compound can be written apart as. One split per
    query, where a regular expression per pair was compiled anew for every query never
    asked before (~0.1 ms each)."""
    parts = WORD_RUN.split(typed)  # ["", word, between, word, …, ""]
    words, between = parts[1::2], parts[2::2]  # between[i] follows words[i]
    pairs = zip(words, words[1:], between, strict=False)  # the last word has no pair
    return {(a, b) for a, b, sep in pairs if APART.fullmatch(sep)}


@dataclass(frozen=True)
class Need:
    """What satisfies one clause: any of its phrases, all its compound parts, or a near word."""

    phrases: tuple[tuple[str, ...], ...]  # stems of the words, then of each synonym
    parts: tuple[str, ...] = ()  # stems of compound parts (ranked lower)
    fuzzy: str = ""  # an unknown word's stem: index terms within two edits satisfy it
    label: str = ""  # the clause as the reader wrote it (or as corrected), for «treff på: …»
    weight: float = 1.0  # of its idf in the share of the query a document has (weighed)


@dataclass
class Plan:
    """The needs of every clause and the corrected query, if any word was unknown."""

    needs: list[Need]
    suggestion: str | None = None
    corrections: dict[str, str] = field(default_factory=dict)


class Planner:
    """Plans queries against one reader: knows which terms the index has."""

    def __init__(
        self, reader, analysis: NorwegianAnalysis, previous: Planner | None = None, known=None
    ):
        self.reader = reader
        # known(stem): True/False when the searched fields' stems are at hand (the engine's,
        # after the warm-up), else None: has_term then looks the stem up in the terms files.
        self._known = known
        self.analysis = analysis
        self._dictionary: FieldTerms | None = None
        # The dictionary of an earlier reader of the same index, patched when this one's is
        # first needed (kb.search.terms): after an update only the new segment is read.
        self._base = (previous._dictionary or previous._base) if previous is not None else None
        self._letters: dict[str, tuple[list[str], dict[str, int]]] = {}  # before the dictionary
        self._has: dict[str, bool] = {}  # has_term's answers: this reader's files never change

    def plan(self, parsed: ParsedQuery) -> Plan:
        """Needs for every clause; unknown words are corrected or matched fuzzily."""
        plan = Plan([])
        for clause in self.joined(parsed):
            # Too short (too many neighbours) or too long to be a word: not corrected.
            as_written = clause.quoted or not MIN_FUZZY <= len(clause.text) <= MAX_WORD
            if as_written or self.known(clause):
                plan.needs.append(self.with_forms(need_of(clause), clause))
                continue
            heads = self.compounds_led_by(clause)
            better = None if heads else self.correct(clause.text)
            parts = [] if heads or better else self.index_parts(clause.text)
            if heads:
                plan.needs.append(Need((*clause.alternatives, *heads), label=clause.text))
            elif better:
                plan.corrections[clause.text] = better
                plan.needs += [need_of(c) for c in word_clauses([better], self.analysis)]
            elif parts:
                stems = tuple(map(self.analysis.stem, parts))
                plan.needs.append(Need(tuple(clause.alternatives), stems, label=clause.text))
            else:
                plan.needs.append(Need((), fuzzy=clause.alternatives[0][0], label=clause.text))
        if plan.corrections:
            plan.suggestion = _replace_words(parsed.text, plan.corrections)
        plan.needs = weighed(plan.needs, self.analysis)
        return plan

    def joined(self, parsed: ParsedQuery) -> list[Clause]:
        """The clauses, with two words written apart that the index has as one compound
        joined into one clause («kommune programmet» -> «kommuneprogrammet», særskriving):
        the compound satisfies it, as the two words next to each other do, and both words
        anywhere in a document count as its parts (ranked lower, as for a compound typed
        whole). Only words next to each other as typed, with no word between them."""
        clauses, out, i = parsed.clauses, [], 0
        apart = typed_pairs(parsed.text.lower())
        while i < len(clauses):
            pair = clauses[i : i + 2]
            merged = self.compound_of(pair, apart) if len(pair) == 2 else None
            out.append(merged or clauses[i])
            i += 2 if merged else 1
        return out

    def compound_of(self, pair: list[Clause], apart: set[tuple[str, str]]) -> Clause | None:
        """One clause for two one-word clauses written apart whose compound the index has
        (apart: the typed_pairs of the query)."""
        a, b = pair
        if a.quoted or b.quoted or len(a.words) != 1 or len(b.words) != 1:
            return None
        first, second = a.words[0], b.words[0]
        if not (first.isalpha() and second.isalpha()) or (first, second) not in apart:
            return None
        for link in JOIN_LINKERS:
            compound = first + link + second
            if self.has_term(self.analysis.stem(compound)):  # before the clause's analysis
                whole = word_clauses([compound], self.analysis)[0]
                own = (a.alternatives[0][0], b.alternatives[0][0])
                return Clause([first, second], [*whole.alternatives, own], list(own))
        return None

    def with_forms(self, need: Need, clause: Clause) -> Need:
        """The need with the word's form without -t when the index has it: «raskt» also finds
        «rask», «kjøpte» (stem «kjøpt») «kjøp», «boligsosialt» «boligsosial». Snowball keeps
        the -t of adjectives and past tenses, so the forms never met. Not after -tt
        («innsatt» is not «innsats», stem «innsat») nor for short stems («stat» is not «sta»)."""
        if clause.quoted or len(clause.words) != 1 or not need.phrases:
            return need
        stem = need.phrases[0][0]
        if not stem.endswith("t") or stem.endswith("tt") or len(stem) <= MIN_FORM:
            return need
        other = stem[:-1]
        if (other,) in need.phrases or not self.has_term(other):
            return need
        return Need((*need.phrases, (other,)), need.parts, need.fuzzy, need.label)

    def has_term(self, stem: str) -> bool:
        """True when any searched field has this stem (remembered for this reader: a query
        looks up each word and each pair's compounds in every field's terms file)."""
        found = self._has.get(stem)
        if found is None and self._known is not None:
            found = self._known(stem)
        if found is None:
            found = any(self.reader.doc_frequency(name, stem) for name in TEXT_FIELDS)
            if len(self._has) >= CACHED_HAS:
                del self._has[next(iter(self._has))]
            self._has[stem] = found
        return found

    def known(self, clause: Clause) -> bool:
        """True when the index has the clause's words, a synonym of them, or all their parts."""
        if any(all(map(self.has_term, p)) for p in clause.alternatives):
            return True
        return bool(clause.parts) and all(map(self.has_term, clause.parts))

    def index_parts(self, word: str) -> list[str]:
        """An unknown compound's parts among the words the index has (in MIN_PART_DOCS
        documents or more) as well as the common ones: «tjenesteinnovasjonsveikart» ->
        «tjenesteinnovasjon», «veikart» when the index has «veikart», a word too rare to split on
        at build time. [] when no split has only known parts, or all of them are in the index."""
        freq = self.dictionary().counts

        def score(part: str) -> float:
            known = freq.get(part, 0) >= MIN_PART_DOCS
            return self.analysis.part_score(part) or (MIN_ZIPF if known else 0.0)

        parts = split_compound(word.lower(), score)
        return parts if all(map(self.has_term, map(self.analysis.stem, parts))) else []

    def compounds_led_by(self, clause: Clause) -> list[tuple[str, ...]]:
        """The stems of the index's compounds that an unknown word is the first part of, as
        phrases: «Groruddalen» (stem «groruddal») finds «Groruddalssatsingen» and
        «Groruddalsatsingen», a place or programme named only inside compounds. The rest after
        the stem (less a linking letter) must be a known word or split into known ones, so
        «Gran» is never «granskingen»; only when no word has such a rest, a short element may
        come first («Grorud»: «dal|s|satsingen»). [] for phrases and short stems."""
        if len(clause.words) != 1 or not clause.alternatives:
            return []
        stem = self.analysis.stem(clause.text)
        if len(stem) < MIN_HEAD:
            return []
        bucket, counts = self.letter(stem[0])  # not the whole dictionary before the warm-up
        start = bisect_left(bucket, stem)
        rests = [
            w[len(stem) :]
            for w in itertools.takewhile(lambda w: w.startswith(stem), bucket[start:])
        ]
        led = [stem + r for r in rests if self.is_compound_tail(r)]
        led = led or [
            stem + r for r in rests if self.is_compound_tail(r[SHORT_ELEMENT:], MIN_COMPOUND)
        ]
        led.sort(key=lambda w: -counts[w])
        stems = dict.fromkeys(self.analysis.stem(w) for w in led[:MAX_HEADS])
        return [(s,) for s in stems if s != stem and self.has_term(s)]

    def is_compound_tail(self, rest: str, least: int = MIN_PART) -> bool:
        """True when the rest of a word after a first part is a known word of at least `least`
        letters or splits into known words, after an optional linking letter («s|satsingen»,
        «e|tjenesten»)."""
        score = self.analysis.part_score
        for tail in (rest, rest[1:] if rest[:1] in LINKERS else ""):
            if len(tail) >= least and (score(tail) or split_compound(tail, score)):
                return True
        return False

    def dictionary(self) -> FieldTerms:
        """The index's words as written, by first letter, with how many documents have each."""
        if self._dictionary is None:
            self._dictionary = field_terms(self.reader, spelling_words, self._base)
            self._base = None
        return self._dictionary

    def letter(self, letter: str) -> tuple[list[str], dict[str, int]]:
        """The known words that start with the letter, sorted, and their counts: from the
        dictionary once it is read (warm-up), else that letter's words alone."""
        if self._dictionary is not None:
            return self._dictionary.by_letter.get(letter, []), self._dictionary.counts
        if letter not in self._letters:
            counts = prefixed(self.reader, f.SPELL, letter, spelled)
            self._letters[letter] = (sorted(counts), counts)
        return self._letters[letter]

    def correct(self, word: str) -> str | None:
        """The most common known word within one or two edits (same first letter first)."""
        if not word or " " in word:
            return None
        candidates, freq = self.letter(word[0])
        found = near_words(word, candidates)
        if not found:
            words = self.dictionary()
            freq = words.counts
            found = near_words(word, words.sorted_terms()) if freq else []
        return min(found, key=lambda m: (m[1], -freq[m[0]]))[0] if found else None


def weighed(needs: list[Need], analysis: NorwegianAnalysis) -> list[Need]:
    """The needs of a long query, its common words (see LONG_QUERY) weighing less."""
    if len(needs) < LONG_QUERY:
        return needs
    return [replace(n, weight=COMMON_WEIGHT) if is_common(n, analysis) else n for n in needs]


def is_common(need: Need, analysis: NorwegianAnalysis) -> bool:
    """True for a one-word clause that is common in Norwegian at large and no domain word."""
    word = need.label.lower()
    if " " in word or word in analysis.inputs.domain:
        return False
    return analysis.inputs.parts.get(word, 0.0) >= COMMON_ZIPF


def max_edits(word: str) -> int:
    """How far a typo may be from the word meant: two edits from seven letters on, else one."""
    return 2 if len(word) >= 7 else 1


def near_words(word: str, candidates: list[str], limit: int = 50) -> list[tuple[str, int]]:
    """The typo corrector: candidates within max_edits(word), as (word, edits), nearest first.

    The planner uses it on the index's words as written («Mente du …?»), the engine on a
    field's stems when no correction was found (fuzzy matching).
    """
    from rapidfuzz import process  # only a query with an unknown word needs it
    from rapidfuzz.distance import Levenshtein

    found = process.extract(
        word, candidates, scorer=Levenshtein.distance, score_cutoff=max_edits(word), limit=limit
    )
    return [(w, int(d)) for w, d, _ in found]


def spelling_words(sub) -> dict[str, int]:
    """One segment's words as written (letters only, three or more), with their documents."""
    out = {}
    for raw, info in sub.iter_field(f.SPELL):
        word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if spelled(word):
            out[word] = info.doc_frequency()
    return out


def spelled(word: str) -> bool:
    """Whether a word of the index is one «Mente du …?» may offer: letters only, three or more."""
    return word.isalpha() and len(word) > 2


def need_of(clause: Clause) -> Need:
    """What satisfies a clause that the index knows."""
    return Need(tuple(clause.alternatives), tuple(clause.parts), label=clause.text)


def _replace_words(text: str, corrections: dict[str, str]) -> str:
    """The query with each corrected word replaced, keeping the rest as typed."""
    for wrong, right in corrections.items():
        text = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, text, flags=re.I)
    return text
