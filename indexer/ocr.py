"""OCR damage: detect it (Norwegian without æ/ø/å) and give a repaired reading of passages.

Report 001 lost every æ, ø and å to OCR: ø → g/e/a/o, å → a/&/8/d/3/4/@, Ø → @, æ → ae/ee,
I → |. For each word the lexicon does not know well, letters are swapped back (up to three
places) and the most frequent candidate the lexicon knows is kept. The original text is
never changed: the repair goes to `Passage.repaired`, indexed beside it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from itertools import combinations, product

from kb.content.model import Passage
from kb.search import lexicon

# What an OCR reading may stand for: one character, or a run of two or three.
SINGLE = dict(
    p.split("=") for p in "g=ø e=ø a=øå o=ø d=å 3=å 4=å 8=å &=å @=åø |=i i=j 0=o l=i".split()
)
DOUBLE = dict(
    p.split("=")
    for p in "ae=æ ee=æ ze=æ se=æ eae=æ aee=æ ay=øy gy=øy ey=øy egy=øy agy=øy "
    "ea=ø oa=ø eo=ø ga=ø ag=ø eg=ø".split()
)
MAX_PLACES = 3
MIN_ZIPF = 1.0  # a candidate must be at least this common (corpus words count as 1.0)
MARGIN = 1.5  # how much more common a candidate must be than a word the lexicon already knows
PART_ZIPF = 3.0  # each part of a repaired compound must be this common
MIN_PART = 4
TOKEN = re.compile(r"[\w@&|]+")
STANDALONE = {"&", "@", "8", "3", "4", "d", "a"}
NORWEGIAN = {
    "og",
    "i",
    "det",
    "som",
    "er",
    "til",
    "av",
    "for",
    "med",
    "en",
    "at",
    "de",
    "har",
    "ikke",
    "den",
    "et",
    "om",
    "kan",
    "pa",
    "pd",
    "ogsa",
    "eller",
    "ble",
}
MIN_WORDS = 400


def is_damaged(text: str) -> bool:
    """True for Norwegian text of some length with (almost) no æ, ø or å: OCR damage."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < MIN_WORDS:
        return False
    norwegian = sum(1 for w in words if w in NORWEGIAN) / len(words)
    letters = sum(len(w) for w in words)
    special = sum(text.count(c) for c in "æøåÆØÅ")
    return norwegian > 0.12 and special / letters < 0.0005


def _sites(word: str) -> list[tuple[int, int, str]]:
    """Places a letter (or pair) may stand for æ/ø/å/I/j: (start, end, replacements)."""
    sites = []
    for i, c in enumerate(word):
        if c in SINGLE and not (c == "l" and i) and not (c == "i" and word[i - 1 : i] != "g"):
            sites.append((i, i + 1, SINGLE[c]))
    for seq, rep in DOUBLE.items():
        for m in re.finditer(seq, word):
            sites.append((m.start(), m.end(), rep))
    return sites


def _candidates(word: str):
    """Every reading with up to MAX_PLACES non-overlapping replacements."""
    sites = _sites(word)
    for k in range(1, min(MAX_PLACES, len(sites)) + 1):
        for chosen in combinations(sites, k):
            if any(a[1] > b[0] for a, b in zip(chosen, chosen[1:], strict=False)):
                continue
            for reps in product(*(s[2] for s in chosen)):
                out, last = [], 0
                for (start, end, _), rep in zip(chosen, reps, strict=True):
                    out += [word[last:start], rep]
                    last = end
                yield "".join(out) + word[last:]


def compound_score(word: str) -> float:
    """How well a word splits into two common words (the rarer part's zipf; 0 when it does not)."""
    best = 0.0
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:i], word[i:]
        head_z = max(lexicon.zipf(head), lexicon.zipf(head[:-1]) if head[-1] in "se" else 0.0)
        if head_z >= PART_ZIPF:
            best = max(best, min(head_z, lexicon.zipf(tail)))
    return best if best >= PART_ZIPF else 0.0


def _best(low: str) -> str:
    """The most frequent known candidate; failing that, the best-splitting compound."""
    floor = max(MIN_ZIPF, lexicon.zipf(low) + MARGIN) if lexicon.is_word(low) else MIN_ZIPF
    best, best_zipf = low, 0.0
    for cand in _candidates(low):
        z = lexicon.zipf(cand)
        if z >= floor and z > best_zipf:
            best, best_zipf = cand, z
    if best != low or lexicon.is_word(low) or len(low) < 2 * MIN_PART or compound_score(low):
        return best
    scored = ((compound_score(c), c) for c in _candidates(low))
    score, cand = max(scored, default=(0.0, low))
    return cand if score else low


@lru_cache(maxsize=50_000)
def repair_word(word: str) -> str:
    """The most likely undamaged form of one word (the word itself when none is better)."""
    if len(word) > 30 or word.isdigit() or sum(c.isupper() for c in word) > 1:
        return word
    low = word.lower()
    best = _best(low)
    if best == low:
        return word
    capital = word[0].isupper() or (word[0] in "@|l" and best[0] != low[0])
    return best[0].upper() + best[1:] if capital else best


def _standalone(token: str, rest: str) -> str | None:
    """«for & løse», «til 8 samordne», «a dele»: a lone sign before an infinitive is «å»."""
    nxt = TOKEN.match(rest.lstrip())
    if not nxt or not rest[:1].isspace() or not nxt[0][:1].islower():
        return None
    if token in "&@a":
        return "å"
    return "å" if repair_word(nxt[0]).endswith("e") else None


def repair_text(text: str) -> tuple[str, int]:
    """The repaired reading of a text and how many words were changed."""
    out, last, changed = [], 0, 0
    for m in TOKEN.finditer(text):
        token = m[0]
        if token in STANDALONE:
            fixed = _standalone(token, text[m.end() : m.end() + 40]) or token
        else:
            fixed = repair_word(token)
        if fixed != token:
            out += [text[last : m.start()], fixed]
            last, changed = m.end(), changed + 1
    return "".join(out) + text[last:], changed


def repair_passages(passages: list[Passage]) -> list[Passage]:
    """Passages with `repaired` filled in when the document is OCR-damaged."""
    if not is_damaged(" ".join(p.text for p in passages)):
        return passages
    out = []
    for p in passages:
        fixed, changed = repair_text(p.text)
        out.append(replace(p, repaired=fixed) if changed else p)
    return out
