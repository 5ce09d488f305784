"""Norwegian text analysis, used at index and query time: tokens, stop words, compounds, stems.

A `NorwegianAnalysis` is built from the content being indexed (the words of its vocabularies
and synonym groups, its synonym table) and from the words it needs out of wordfreq (compound
parts, verbs), taken at build time. Its inputs are stored with the index (ANALYSIS_FILE) and
the index's schema is rebuilt around them when the index is opened
(kb.search.schema.open_index): a search analyses queries exactly as its own index analysed the
documents, whatever the process or the current folder, and never loads wordfreq.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stemmer_for_language, stopwords_for_language

from kb.search import lexicon
from kb.search.compounds import MAX_WORD, MIN_COMPOUND, MIN_PART, split_compound
from kb.search.synonyms import Phrase, SynonymTable, load_groups

if TYPE_CHECKING:
    from kb.content.vocab import Vocabulary

# Whoosh's Snowball stemmer knows Norwegian as "no"; bokmål and nynorsk both map to it.
LANGUAGES = {"nb": "no", "nn": "no", "no": "no", "nob": "no", "nno": "no"}
WORD_PATTERN = r"\w+(?:[.,:]\d+)*"  # keeps "2.1", "1,5" and "kap:3" as one token, splits "nav.no"
_WORD = re.compile(WORD_PATTERN)
MIN_ZIPF = 3.0  # a part must be this common in wordfreq or be a word of the vocabularies /
# synonyms file, the corpus' curated vocabulary
MIN_VERB = 6  # shortest verb a verbal noun is joined to ("bosette" for "bosetting")
# Nynorsk function words whose bokmål counterparts are in Whoosh's (Snowball's) list or are
# function words too: without them «vert», «frå», «berre» … were «corrected» to bokmål words
# («Mente du vært?») and required of every document. Not «same» (bokmål: a Sami).
NYNORSK_STOP_WORDS = frozenset(
    """vert vorte frå berre òg meir sjølv sjølve utan inga desse millom kor kvart anna annan
    difor endå enno framleis kvarandre fleire heile viss dersom ei saman innan kring""".split()
)
STOP_WORDS = frozenset(stopwords_for_language("no")) | NYNORSK_STOP_WORDS
ANALYSIS_FILE = "kb_analysis.json"  # in the index folder: the inputs of its analysis
PART_WEIGHT = 0.5  # a word found only inside a compound of the text counts half (as in a query)
CACHE_SIZE = 50_000  # words per cache of one analysis; longer words than MAX_WORD never cached

__all__ = ["MAX_WORD", "MIN_COMPOUND", "NorwegianAnalysis", "AnalysisInputs"]


def language(code: str | None) -> str:
    """Whoosh's language code for a source language ("nb" and "nn" become "no")."""
    return LANGUAGES.get((code or "nb").lower(), "no")


# Regular nynorsk endings and their bokmål counterparts ("vanskeleg" -> "vanskelig",
# "openheit" -> "åpenhet" only in part: the ending). Irregular words go in synonymer.yaml.
NYNORSK_ENDINGS = (
    ("legare", "ligere"),
    ("legast", "ligst"),
    ("lege", "lige"),
    ("legt", "ligt"),
    ("leg", "lig"),
    ("heita", "heten"),
    ("heiter", "heter"),
    ("heit", "het"),
)


def bokmal_form(word: str) -> str:
    """A nynorsk word with a regular ending rewritten to its bokmål ending."""
    for nn, nb in NYNORSK_ENDINGS:
        if word.endswith(nn) and len(word) > len(nn) + 3:
            return word[: -len(nn)] + nb
    return word


def plain_analyzer() -> Analyzer:
    """Tokens as written, lowercased: for spelling suggestions and the unstemmed baseline."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter()


def words(text: str) -> list[str]:
    """The lowercased words of a text, stop words included: plain_analyzer()'s tokens, from
    its regular expression directly (RegexTokenizer yields each match, LowercaseFilter lowers
    it; a query's words without building the analyzer and its token objects)."""
    return [m.group().lower() for m in _WORD.finditer(text)]


def domain_words(vocabularies: Iterable[Vocabulary], groups: list[list[str]]) -> frozenset[str]:
    """Words of vocabulary labels and synonyms and of the synonym groups: known parts."""
    texts = [t for v in vocabularies for term in v.terms for t in (term.label, *term.synonyms)]
    texts += [t for group in groups for t in group]
    return frozenset(w for t in texts for w in words(t) if w.isalpha() and len(w) >= MIN_PART)


@dataclass(frozen=True)
class AnalysisInputs:
    """What the analysis of one index is built from: stored with the index, as JSON."""

    parts: dict[str, float]  # zipf of every wordfreq word common enough to be a compound part
    verbs: frozenset[str]  # wordfreq words ending in -e that a verbal noun's stem may join
    domain: frozenset[str]  # words of the vocabularies and synonyms: parts even when rare
    synonyms: tuple[tuple[str, ...], ...] = ()  # synonym groups as the editors wrote them

    @classmethod
    def from_content(cls, vocabulary_dir: Path) -> AnalysisInputs:
        """The inputs for a content folder's vocabularies (build time: reads wordfreq)."""
        from kb.content.vocab import load_vocabularies  # build time only (YAML, the registers)

        groups = load_groups(vocabulary_dir)
        freqs = lexicon.frequencies()
        return cls(
            parts={
                w: z
                for w, z in freqs.items()
                if z >= MIN_ZIPF and len(w) >= MIN_PART and w.isalpha()
            },
            verbs=frozenset(w for w in freqs if w.endswith("e") and len(w) >= MIN_VERB),
            domain=domain_words(load_vocabularies(vocabulary_dir).values(), groups),
            synonyms=tuple(map(tuple, groups)),
        )

    def to_json(self) -> dict:
        """A JSON-ready form with a stable order."""
        return {
            "parts": dict(sorted(self.parts.items())),
            "verbs": sorted(self.verbs),
            "domain": sorted(self.domain),
            "synonyms": [list(g) for g in self.synonyms],
        }

    @classmethod
    def from_json(cls, data: dict) -> AnalysisInputs:
        """The inputs as to_json wrote them."""
        return cls(
            dict(data["parts"]),
            frozenset(data["verbs"]),
            frozenset(data["domain"]),
            tuple(tuple(g) for g in data.get("synonyms", ())),
        )

    def to_text(self) -> str:
        """The inputs as compact JSON text, the same for the same inputs."""
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))

    def key(self) -> str:
        """A short fingerprint of the inputs: the pickled schema names its analysis by it."""
        return fingerprint(self.to_text())


def fingerprint(text: str) -> str:
    """The key of inputs stored as this text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class NorwegianAnalysis:
    """The analysis of one index: analyzers, compound parts, stems and the synonym table.

    Its caches belong to the object (bounded, and only for words up to MAX_WORD), so a new
    index, with new vocabularies, starts with fresh ones.
    """

    def __init__(self, inputs: AnalysisInputs, key: str | None = None):
        self.inputs = inputs
        self.key = key or inputs.key()  # given when read from a file: no need to serialise again
        self._snowball = stemmer_for_language("no")
        self._stem_form = lru_cache(CACHE_SIZE)(self._uncached_stem_form)
        self._split = lru_cache(CACHE_SIZE)(self._uncached_split)
        self._forms = lru_cache(CACHE_SIZE)(self._uncached_forms)
        self._phrase_analyzer = self.analyzer(compounds=False)
        self.synonyms = SynonymTable.from_groups(inputs.synonyms, self.phrase_stems)

    def __repr__(self) -> str:
        return f"NorwegianAnalysis(key={self.key!r})"

    @classmethod
    def from_content(cls, content_root: Path) -> NorwegianAnalysis:
        """The analysis of a content folder (build time: reads wordfreq)."""
        return cls(AnalysisInputs.from_content(Path(content_root) / "vocabulary"))

    @classmethod
    def load(cls, index_dir: Path) -> NorwegianAnalysis:
        """The analysis stored in an index folder (OSError or ValueError when it is not)."""
        path = Path(index_dir) / ANALYSIS_FILE
        text = path.read_text(encoding="utf-8")
        try:
            return cls(AnalysisInputs.from_json(json.loads(text)), fingerprint(text))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: {exc!r}") from None

    def save(self, index_dir: Path) -> None:
        """Store the inputs in an index folder."""
        (Path(index_dir) / ANALYSIS_FILE).write_text(self.inputs.to_text(), encoding="utf-8")

    def analyzer(self, compounds: bool = True) -> Analyzer:
        """The Norwegian analyzer of the index fields and of queries."""
        chain = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | NynorskFilter()
        chain = chain | StopFilter(stoplist=STOP_WORDS, minsize=1)
        if compounds:
            chain = chain | CompoundFilter(self)
        return chain | NorwegianStemFilter(self)

    def part_score(self, part: str) -> float:
        """How good a compound part is: its zipf frequency, or 0 when not a known word."""
        z = self.inputs.parts.get(part, 0.0)
        return max(z, MIN_ZIPF) if part in self.inputs.domain else z

    def compound_parts(self, word: str) -> list[str]:
        """The parts of a Norwegian compound ("barnefattigdom" -> ["barn", "fattigdom"]), or []."""
        word = word.lower()
        if not MIN_COMPOUND <= len(word) <= MAX_WORD or not word.isalpha():
            return []
        return list(self._split(word))

    def _uncached_split(self, word: str) -> tuple[str, ...]:
        return tuple(split_compound(word, self.part_score))

    def verbal_stem(self, stemmed: str) -> str:
        """A verbal noun's stem joined to its verb's: "bosetting" -> "bosett" (as "bosetter").

        Snowball leaves -ing alone, so "samordning" and "samordne" never met. Only when the
        verb (stem + "e") is a known word, and the rest is long enough to be a word of its own.
        """
        verb = stemmed[:-3] + "e"
        if stemmed.endswith("ing") and len(stemmed) >= 8 and verb in self.inputs.verbs:
            return stemmed[:-3]
        return stemmed

    def stem_form(self, word: str) -> str:
        """The stem of a lowercased word whose nynorsk ending is already rewritten."""
        return self._stem_form(word) if len(word) <= MAX_WORD else self._uncached_stem_form(word)

    def _uncached_stem_form(self, word: str) -> str:
        return self.verbal_stem(self._snowball(word))

    def stem(self, word: str) -> str:
        """The stem of one word, nynorsk endings rewritten as the analyzer does."""
        return self.stem_form(bokmal_form(word.lower()))

    def forms(self, word: str) -> frozenset[str]:
        """The index terms a written word gives: its stem and its compound parts' stems."""
        word = word.lower()
        return self._forms(word) if len(word) <= MAX_WORD else frozenset({self.stem(word)})

    def _uncached_forms(self, word: str) -> frozenset[str]:
        return frozenset({self.stem(word), *map(self.stem, self.compound_parts(word))})

    def phrase_stems(self, text: str) -> Phrase:
        """The stems of a word or expression as the index sees them (no compound parts)."""
        return tuple(t.text for t in self._phrase_analyzer(text)) if text else ()


class NynorskFilter(Filter):
    """Rewrites regular nynorsk endings to bokmål so both forms share one stem."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            t.text = bokmal_form(t.text)
            yield t


class AnalysisFilter(Filter):
    """A filter that needs its index's analysis; pickled (in the schema) as the analysis key.

    Whoosh pickles the schema into the index; the analysis inputs are stored beside it and
    bound again by kb.search.schema.open_index, which opens the index with a schema built
    around them. A filter unpickled without that refuses to work rather than analyse otherwise.
    """

    is_morph = True

    def __init__(self, analysis: NorwegianAnalysis):
        self.analysis: NorwegianAnalysis | None = analysis
        self.key = analysis.key

    def __getstate__(self) -> dict:
        return {"key": self.key}

    def __setstate__(self, state: dict) -> None:
        self.analysis, self.key = None, state["key"]

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__ and self.key == other.key

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(key={self.key!r})"

    def bound(self) -> NorwegianAnalysis:
        """The analysis this filter works with."""
        if self.analysis is None:
            raise RuntimeError(
                f"analysis {self.key} is not loaded: open the index with "
                "kb.search.schema.open_index, which reads it from the index folder"
            )
        return self.analysis


class CompoundFilter(AnalysisFilter):
    """Emits the parts of compound words as extra tokens at the same position.

    A part weighs PART_WEIGHT of a word (its token boost, which Whoosh adds into the term's
    weight in the document): «program» in «introduksjonsprogrammet» matches, below «program».
    """

    def __call__(self, tokens):
        parts_of = self.bound().compound_parts
        for t in tokens:
            whole = t.text  # saved first: later filters change t.text in place
            yield t
            if t.stopped or getattr(t, "no_morph", False):
                continue
            boost = t.boost
            for part in parts_of(whole):
                t.text, t.boost = part, boost * PART_WEIGHT
                yield t
            t.boost = boost


class NorwegianStemFilter(AnalysisFilter):
    """Snowball's Norwegian stem, with verbal nouns joined to their verb's stem."""

    def __call__(self, tokens):
        stem_form = self.bound().stem_form
        for t in tokens:
            if not t.stopped:
                t.text = stem_form(t.text)
            yield t
