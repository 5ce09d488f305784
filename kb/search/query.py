"""Turn what a user typed into clauses: cleaned, bounded, phrases kept, synonyms expanded."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kb.errors import QueryError
from kb.search.analysis import STOP_WORDS, NorwegianAnalysis, words
from kb.search.synonyms import Phrase

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"'})
PART = re.compile(r'"([^"]*)"|([^"]+)')


@dataclass
class Clause:
    """One thing the user asked for: a word or phrase and its equivalent phrases."""

    words: list[str]  # as written, lowercased
    alternatives: list[Phrase]  # stems of the words, then of each synonym
    parts: list[str] = field(default_factory=list)  # stems of compound parts (one-word clauses)
    quoted: bool = False

    @property
    def text(self) -> str:
        """The clause as the user wrote it."""
        return " ".join(self.words)


@dataclass
class ParsedQuery:
    """A cleaned query: its text, its clauses and a message for the user (or None)."""

    text: str
    clauses: list[Clause]
    message: str | None = None


def too_long(text: str, max_chars: int) -> str | None:
    """The one message for a query over the length limit, or None when it is within it."""
    if len(text) <= max_chars:
        return None
    return (
        f"Søket er for langt ({len(text)} tegn); det lengste som tas imot er "
        f"{max_chars} tegn. Kort det ned og prøv igjen."
    )


def check_length(text: str, max_chars: int) -> None:
    """Refuse a query over the length limit (the web's parameters); raises QueryError."""
    if message := too_long(text, max_chars):
        raise QueryError(message)


def clean(query: str, max_chars: int) -> tuple[str, str | None]:
    """Strip control characters, normalise quotes and space, and bound the length."""
    text = unicodedata.normalize("NFC", str(query or ""))
    text = CONTROL.sub(" ", text.replace("\t", " ").replace("\n", " ")).translate(QUOTES)
    text = " ".join(text.split())
    message = too_long(text, max_chars)
    if message is None:
        return text, None
    cut = text[:max_chars]  # a library caller (kb search) gets the first part searched
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut, message


def word_clauses(found: list[str], analysis: NorwegianAnalysis) -> list[Clause]:
    """One clause per word, or per expression that is in a synonym group."""
    kept = [w for w in found if w not in STOP_WORDS]
    stem, table = analysis.stem, analysis.synonyms
    stems = [stem(w) for w in kept]
    out, i = [], 0
    while i < len(kept):
        n, group = table.match(stems, i)
        if n:
            own = tuple(stems[i : i + n])
            out.append(Clause(kept[i : i + n], [own] + [p for p in group if p != own]))
            i += n
            continue
        parts = [stem(p) for p in analysis.compound_parts(kept[i])]
        out.append(Clause([kept[i]], [(stems[i],)], parts))
        i += 1
    return out


def _quoted(text: str, analysis: NorwegianAnalysis) -> Clause | None:
    """A quoted phrase as one clause (a one-word quote is a plain word)."""
    found = words(text)
    kept = [w for w in found if w not in STOP_WORDS]
    if not kept:
        return None
    own = tuple(map(analysis.stem, kept))
    n, group = analysis.synonyms.match(list(own), 0)
    others = [p for p in group if p != own] if n == len(own) else []
    return Clause(found, [own, *others], quoted=len(kept) > 1)


def parse(query: str, analysis: NorwegianAnalysis, max_chars: int) -> ParsedQuery:
    """Parse a query with an index's analysis; stray quotes and syntax characters are ignored."""
    text, message = clean(query, max_chars)
    if text.count('"') % 2:
        text = text[::-1].replace('"', "", 1)[::-1]  # drop the last, unmatched quote
    clauses: list[Clause] = []
    had_words = False
    for match in PART.finditer(text):
        quoted, plain = match.groups()
        if quoted is not None:
            had_words |= bool(words(quoted))
            clause = _quoted(quoted, analysis)
            clauses += [clause] if clause else []
        else:
            found = words(plain)
            had_words |= bool(found)
            clauses += word_clauses(found, analysis)
    if had_words and not clauses:
        message = (
            "Søket består bare av småord (som «og», «i» og «på»), som søket ser bort "
            "fra. Prøv med ord som sier hva du leter etter."
        )
    return ParsedQuery(text, clauses, message)
