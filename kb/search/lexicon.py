"""Norwegian bokmål word frequencies from wordfreq's large list, for build-time work only.

The extractor joins hyphenated words and repairs OCR damage with it, and the index build takes
from it the few words the analysis needs (stored with the index, see kb.search.analysis), so a
process that only searches never loads the 60 MB list. wordfreq has no nynorsk list ("nn").
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

LANG = "nb"
WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@lru_cache(maxsize=1)  # wordfreq's list, not the content: it cannot go stale
def frequencies() -> dict[str, float]:
    """wordfreq's large bokmål list as word → zipf value (loaded once per process)."""
    import wordfreq

    freqs = wordfreq.get_frequency_dict(LANG, wordlist="large")
    return {w: round(math.log10(f) + 9, 2) for w, f in freqs.items() if f > 0}


def is_word(word: str) -> bool:
    """True when the word (any case) is a known bokmål word."""
    return word.lower() in frequencies()


def zipf(word: str) -> float:
    """The word's zipf frequency (0 when unknown)."""
    return frequencies().get(word.lower(), 0.0)


def tokens(text: str) -> list[str]:
    """The words of a text (letters only; hyphenated compounds kept whole)."""
    return WORD_RE.findall(text)
