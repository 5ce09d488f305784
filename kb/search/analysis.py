"""Norwegian text analysis, used at index and query time: tokens, stop words, compounds, stems."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import (
    Analyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stemmer_for_language, stopwords_for_language

from kb.search import lexicon

# Whoosh's Snowball stemmer knows Norwegian as "no"; bokmål and nynorsk both map to it.
LANGUAGES = {"nb": "no", "nn": "no", "no": "no", "nob": "no", "nno": "no"}
WORD_PATTERN = r"\w+(?:[.,:]\w+)*"  # keeps "2.1", "1,5" and "kap:3" as one token
MIN_COMPOUND = 7  # shortest word we try to split
MIN_PART = 4  # shortest part of a compound ("barn", "bolig"); 3 lets "sam|arbeid" through
MIN_ZIPF = 3.0  # a part must be this common in wordfreq (corpus-only words get 1.0) or be a
# word of the vocabularies / synonyms file, the corpus' curated vocabulary
EXTRA_PART_COST = 0.3  # prefer "barnevern|tjenesten" to "barn|vern|tjenesten"
LINKERS = ("s", "e")  # Norwegian linking letters: levekår-s-utsatte, barn-e-fattigdom
STOP_WORDS = frozenset(stopwords_for_language("no"))


def language(code: str | None) -> str:
    """Whoosh's language code for a source language ("nb" and "nn" become "no")."""
    return LANGUAGES.get((code or "nb").lower(), "no")


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """Words from the vocabularies and the synonyms file: known parts even when rare."""
    from kb.search.synonyms import vocabulary_words

    return frozenset(vocabulary_words())


@lru_cache(maxsize=400_000)
def _part_score(part: str) -> float:
    """How good a compound part is: its zipf frequency, or 0 when not a known word."""
    if len(part) < MIN_PART or not part.isalpha():
        return 0.0
    z = lexicon.zipf(part)
    if part in domain_words():
        return max(z, MIN_ZIPF)
    return z if z >= MIN_ZIPF else 0.0


def _heads(head: str) -> Iterator[str]:
    """The head as written and, when it ends in a linking letter, without it."""
    yield head
    if head[-1] in LINKERS and len(head) > MIN_PART:
        yield head[:-1]


@lru_cache(maxsize=200_000)
def _best_split(word: str) -> tuple[float, tuple[str, ...]]:
    """The best (score, parts) split of a word, recursing into the tail; (0, ()) if none."""
    best: tuple[float, tuple[str, ...]] = (0.0, ())
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head_score, head = max((_part_score(h), h) for h in _heads(word[:i]))
        if not head_score:
            continue
        tail = word[i:]
        tail_score = _part_score(tail)
        tail_parts: tuple[str, ...] = (tail,)
        if not tail_score and len(tail) >= MIN_COMPOUND:
            tail_score, tail_parts = _best_split(tail)
        score = min(head_score, tail_score)
        parts = (head, *tail_parts)
        if score - EXTRA_PART_COST * len(parts) > best[0] - EXTRA_PART_COST * len(best[1]):
            best = (score, parts)
    return best


def compound_parts(word: str) -> list[str]:
    """The parts of a Norwegian compound ("barnefattigdom" -> ["barn", "fattigdom"]), or []."""
    word = word.lower()
    if len(word) < MIN_COMPOUND or not word.isalpha():
        return []
    return list(_best_split(word)[1])


class CompoundFilter(Filter):
    """Emits the parts of compound words as extra tokens at the same position."""

    is_morph = True

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            whole = t.text  # saved first: later filters change t.text in place
            yield t
            if t.stopped or getattr(t, "no_morph", False) or len(whole) < MIN_COMPOUND:
                continue
            for part in compound_parts(whole):
                t.text = part
                yield t


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


class WordMapFilter(Filter):
    """Replaces each token's text by word_map(text); subclasses name the function."""

    word_map = staticmethod(str)

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            t.text = self.word_map(t.text)
            yield t


class NynorskFilter(WordMapFilter):
    """Rewrites regular nynorsk endings to bokmål so both forms share one stem."""

    word_map = staticmethod(bokmal_form)


@lru_cache(maxsize=100_000)
def verbal_stem(stemmed: str) -> str:
    """A verbal noun's stem joined to its verb's: "bosetting" -> "bosett" (as "bosetter").

    Snowball leaves -ing alone, so "samordning" and "samordne" never met. Only when the
    verb (stem + "e") is a known word, and the rest is long enough to be a word of its own.
    """
    if stemmed.endswith("ing") and len(stemmed) >= 8 and lexicon.is_word(stemmed[:-3] + "e"):
        return stemmed[:-3]
    return stemmed


class VerbalNounFilter(WordMapFilter):
    """Joins verbal nouns to their verb's stem after stemming."""

    word_map = staticmethod(verbal_stem)


def analyzer(lang: str = "no", compounds: bool = True) -> Analyzer:
    """The Norwegian analyzer used at index and query time."""
    chain = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | NynorskFilter()
    chain = chain | StopFilter(stoplist=STOP_WORDS, minsize=1)
    if compounds:
        chain = chain | CompoundFilter()
    return chain | StemFilter(lang=language(lang), cachesize=-1) | VerbalNounFilter()


def plain_analyzer() -> Analyzer:
    """Tokens as written, lowercased: for spelling suggestions and the unstemmed baseline."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter()


@lru_cache(maxsize=100_000)
def stem(word: str, lang: str = "no") -> str:
    """The Snowball stem of one word, nynorsk endings rewritten as the analyzer does."""
    return verbal_stem(stemmer_for_language(language(lang))(bokmal_form(word.lower())))


def words(text: str) -> list[str]:
    """The lowercased words of a text, stop words included."""
    return [t.text for t in plain_analyzer()(text)]
