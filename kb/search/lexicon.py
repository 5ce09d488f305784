"""A Norwegian bokmål lexicon: wordfreq's word list plus the corpus' own clean vocabulary.

Used by the extractor (hyphen joins, OCR repair) and by the analyzer (compound splitting),
so lookups are plain dict/set hits. wordfreq has no nynorsk list ("nn"); only "nb" is used.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

LANG = "nb"
WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
CORPUS_ZIPF = 1.0  # zipf given to a corpus word that wordfreq does not know
_corpus: dict[str, int] = {}


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    """wordfreq's large bokmål list as word → zipf value (loaded once)."""
    import wordfreq

    freqs = wordfreq.get_frequency_dict(LANG, wordlist="large")
    return {w: round(math.log10(f) + 9, 2) for w, f in freqs.items() if f > 0}


def is_word(word: str) -> bool:
    """True when the word (any case) is a known bokmål word or a corpus word."""
    w = word.lower()
    return w in _frequencies() or w in _corpus


def zipf(word: str) -> float:
    """The word's zipf frequency (0 when unknown; corpus-only words get CORPUS_ZIPF)."""
    w = word.lower()
    value = _frequencies().get(w)
    if value is not None:
        return value
    return CORPUS_ZIPF if w in _corpus else 0.0


def in_wordlist(word: str) -> bool:
    """True when wordfreq itself knows the word (corpus words excluded)."""
    return word.lower() in _frequencies()


def corpus_count(word: str) -> int:
    """How often the word was seen in the corpus text added so far."""
    return _corpus.get(word.lower(), 0)


def add_corpus_words(words: Iterable[str]) -> None:
    """Count these words (e.g. a clean report's vocabulary) as known words."""
    for w in words:
        if len(w) > 1:
            key = w.lower()
            _corpus[key] = _corpus.get(key, 0) + 1


def add_corpus_text(text: str) -> None:
    """Add every word of a clean text to the corpus vocabulary."""
    add_corpus_words(tokens(text))


def tokens(text: str) -> list[str]:
    """The words of a text (letters only; hyphenated compounds kept whole)."""
    return WORD_RE.findall(text)


def clear_corpus() -> None:
    """Forget the corpus vocabulary (tests)."""
    _corpus.clear()
