"""Find candidate practices in a report's passages and turn chosen ones into draft cases."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from kb.content.model import MAX_QUOTE_WORDS, PLACEHOLDER, Passage
from kb.content.pages import page_range
from kb.content.quotes import normalise
from kb.content.sources import file_sha256, locate
from kb.editor.new import suggest_id, write_case
from kb.errors import ContentError


def _words(alternatives: str) -> re.Pattern:
    """A regex for "a|b c|d" matched at a word start (lowercased text)."""
    return re.compile(r"(?<![\wæøå])(?:" + alternatives + ")")


def _each(alternatives: str) -> tuple[re.Pattern, ...]:
    """One word-start regex per alternative in "a|b c|d", so that each is counted once."""
    return tuple(_words(re.escape(w)) for w in alternatives.split("|"))


# Kommune names that are also everyday words or names: counted only as "<name> kommune".
AMBIGUOUS = frozenset(
    "Alver Aure Berg Bø Eid Eide Fet Fjell Fjord Flå Gran Grane Grue Heim Hol Hole Hå Leka Lier "
    "Lom Lund Luster Marker Nes Os Re Råde Sande Sel Ski Stad Strand Stranda Sund Tana Time "
    "Tinn Valle Vang Vega Vik Ål Ås".split()
)
# Cues that someone did something, and that it had results (distinct cues are counted).
CUES = _each(
    "har etablert|etablert|etablere|har innført|innført|innføre|prosjekt|tiltak|samarbeid|ansatt"
    "|opprettet|modell|erfaring|startet|tilbud|har utviklet|utviklet|satt i gang|gjennomført"
    "|pilot|forsøk|ordning|arbeidsgruppe|team|samlokaliser|nettverk|konferanse|samling|avtale"
    "|kurs|organiser|valgte|har valgt|jobber|arbeider med|øremerke|verktøy|workshop|møte|metode"
    "|veiledning|oppfølging|kartlegg|prøve ut|utprøv"
)
RESULTS = _each(
    "resultat|økt|redusert|færre|flere|bedre|effekt|gevinst|fungerer godt|fungert godt|vellykke"
    "|lykkes|positiv|nyttig|har ført til|har gitt"
)
# "har etablert", "hadde innført", "opprettet", "valgte": something was done.
DONE = re.compile(
    r"\b(?:har|hadde)\s+(?:\w+\s+){0,2}?\w{3,}(?:et|t|dd)\b|\b\w{4,}(?:erte|ret|ete|tte|dde)\b"
)
# Someone as the subject of a doing verb: "kommunen har", "Husbanken arrangerer", "de startet".
AGENT = re.compile(
    r"\b(?:kommunen|kommunene|bydelen|etaten|etatene|de|vi|teamet|prosjektet|[a-zæøå]+kontoret"
    r"|[a-zæøå]+tjenesten|husbanken|imdi|nav|statsforvalteren|fylkesmannen|bufetat)\s+"
    r"(?:har|hadde|valgte|startet|etablerte|bruker|brukte|tilbyr|tilbød|jobber|jobbet|arbeider"
    r"|gjennomførte|arrangerer|arrangerte|ansatte|opprettet|innførte|utviklet|tok|satte|laget"
    r"|organiserer|samarbeider|samarbeidet|holder|møtes|deltar)\b"
)
UNNAMED = re.compile(r"\b(?:en av kommunene|den ene kommunen|denne kommunen|kommunal respondent)\b")
PROPOSAL = re.compile(r"\bbør\b|anbefal|foreslå|\bvi vurderer\b|\bkan vurdere\b")
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|prosent|kroner|kr|familier|personer|boliger)\b")
GOOD_SECTIONS = _words("casehistor|eksempel|erfaring|tiltak|praksis|fase")
BAD_SECTIONS = _words(
    "metode|data|litteratur|referanse|kilde|sammendrag|summary|forord|innhold|kunnskapsstatus"
    "|problemstilling|gangen i|figur|tabell|teoretisk|analytisk|anbefaling|vurdering|oppdrag"
)
WEAK_SECTIONS = _words("innledning|bakgrunn|vedlegg|mandat|oppsummering")
SAME_SECTION = 0.85  # score factor per passage already ranked above from the same section
_CAPITAL = re.compile(r"[A-ZÆØÅ][\wæøåÆØÅ]*(?:-[A-ZÆØÅ]?[\wæøåÆØÅ]+)*")
_REGION_TITLE = re.compile(r"(?:statsforvalter\w*|fylkesmann\w*)\s+i\s+$", re.I)
_SENTENCE = re.compile(r"(?<=[.!?»])\s+(?=[«\"A-ZÆØÅ0-9])")
_MARKUP = re.compile(r"<[^>]*>|\||\*\*|^#|\[\d+\]|\\|http")
_HEADING = re.compile(r"^\s*(?:#+\s|\*\*\d|\d+(?:\.\d+)*\.?\s+\S[^.]*$)")
_ENDINGS = r"(?:s|e|a|en|et|er|ene|ens|ets|ers|enes|ane|ar)?(?![\wæøå])"


@dataclass(frozen=True)
class Candidate:
    """A passage that may describe a practice, with what was detected in it."""

    passage: Passage
    score: float
    quote: str
    kommuner: tuple[str, ...]
    actors: tuple[str, ...]
    themes: tuple[str, ...]
    target_groups: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The candidate as in `kb suggest --json`."""
        p = self.passage
        out = {"lines": p.lines and list(p.lines), "pages": p.pages and list(p.pages)}
        out |= {"section": p.section, "section_title": p.section_title, "quote": self.quote}
        out |= {k: list(getattr(self, k)) for k in ("kommuner", "actors", "themes")}
        return out | {"score": round(self.score, 3)}


def find_kommuner(text: str, register) -> tuple[str, ...]:
    """Current names of the kommuner a text names (capitalised whole words, longest first)."""
    found: dict[str, None] = {}
    text = " ".join(text.split())  # names can wrap over lines
    words = list(_CAPITAL.finditer(text)) if register else []
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            span = words[i : i + size]
            if len(span) == size and (name := _kommune_at(text, span, register)):
                found[name] = None
                i += size - 1
                break
        i += 1
    return tuple(found)


def _kommune_at(text: str, span: list[re.Match], register) -> str | None:
    """The kommune that a run of capitalised words names, or None."""
    start, end = span[0].start(), span[-1].end()
    if any(
        text[a.end() : b.start()] not in (" ", " og ", " i ")
        for a, b in zip(span, span[1:], strict=False)
    ):
        return None
    name, after = text[start:end], text[end : end + 9]
    if name in AMBIGUOUS and not after.startswith((" kommune", " herad")):
        return None
    if len(span) == 1 and (re.match(r" [A-ZÆØÅ][a-zæøå]", after) or not name[1:].islower()):
        return None  # "Asker Velferdslab", "Oslo Sør", or an abbreviation like "OS"
    pair = re.match(r" og ([A-ZÆØÅ][\wæøå-]+)", text[end : end + 30])
    if _REGION_TITLE.search(text[max(0, start - 30) : start]) or (
        pair and register.fylker_for(f"{name} og {pair[1]}")
    ):
        return None  # "Statsforvalteren i Vestland", "Oslo og Viken": a region, not a kommune
    kommune = register.kommune(name)
    return kommune.name if kommune else None


def term_patterns(vocabulary) -> list[tuple[str, re.Pattern]]:
    """One regex per term: its label and synonyms, inflected endings allowed."""
    out = []
    for term in vocabulary.terms if vocabulary else ():
        names = sorted({term.label, *term.synonyms}, key=len, reverse=True)
        # KS, NAV, IMDi: case matters; other words match in any case
        parts = [re.escape(n) if n[1:] != n[1:].lower() else f"(?i:{re.escape(n)})" for n in names]
        out.append((term.id, re.compile(r"(?<![\wæøå])(?:" + "|".join(parts) + ")" + _ENDINGS)))
    return out


def find_terms(text: str, patterns: list[tuple[str, re.Pattern]]) -> tuple[str, ...]:
    """The ids of the terms a text mentions, most mentioned first."""
    counts = [(len(p.findall(text)), tid) for tid, p in patterns]
    return tuple(tid for n, tid in sorted(counts, key=lambda c: -c[0]) if n)


def cue_score(text: str) -> float:
    """How much a text sounds like someone did something, with results (0–1)."""
    low = text.lower()
    cues = sum(1 for p in CUES if p.search(low))
    done = len(DONE.findall(low)) + 2 * len(AGENT.findall(low))
    results = sum(1 for p in RESULTS if p.search(low)) + len(NUMBER.findall(low))
    return 0.5 * min(1, cues / 8) + 0.3 * min(1, done / 4) + 0.2 * min(1, results / 4)


def section_score(passage: Passage) -> float:
    """A bonus for case-like sections, a penalty for method, background and lists (−1…1)."""
    title = f"{passage.section} {passage.section_title}".lower()
    text = passage.text
    score = 0.3 * bool(GOOD_SECTIONS.search(title)) - 0.6 * bool(BAD_SECTIONS.search(title))
    score -= 0.3 * bool(WEAK_SECTIONS.search(title))
    if text.count("|") > 6 or len(re.findall(r"\.{4,}|…{2,}", text)) > 2:
        score -= 0.6  # a table or the table of contents
    if len(re.findall(r"\(\d{4}[a-z]?\)|et al\.", text)) > 3:
        score -= 0.4  # a literature review or the references
    if re.search(r"\b(?:the|and|of|with)\b.*\b(?:the|and|of)\b", text[:300]):
        score -= 0.6  # the English summary
    return score


def rank_candidates(
    passages: list[Passage], ctx, source_lines: tuple[str, ...] | None = None
) -> list[Candidate]:
    """Every passage scored as a candidate practice, best first, repeats of a section lowered."""
    vocab = ctx.vocabularies
    terms = [term_patterns(vocab.get(n)) for n in ("actors", "themes", "target_groups")]
    scored = [_candidate(p, ctx.register, terms, source_lines) for p in passages]
    out, seen = [], {}
    for c in sorted(scored, key=lambda c: -c.score):
        key = f"{c.passage.section or c.passage.section_title}|{c.kommuner[:1]}"
        out.append(replace(c, score=c.score * SAME_SECTION ** seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return sorted(out, key=lambda c: -c.score)


def _candidate(p: Passage, register, terms: list, source_lines) -> Candidate:
    """Score one passage (the OCR-repaired reading when there is one) and pick its quote."""
    text = p.repaired or p.text
    kommuner = find_kommuner(f"{p.section_title}. {text}", register)
    actors, themes, groups = (find_terms(text, patterns) for patterns in terms)
    named = [a for a in actors if a != "kommune"]
    place = bool(kommuner or UNNAMED.search(text.lower()))  # anonymised reports name none
    score = 0.55 * cue_score(text) + 0.15 * place + 0.1 * min(1, len(named) / 2)
    score += 0.2 * section_score(p) + 0.1 * any(k in p.section_title for k in kommuner)
    score -= 0.15 * min(1, len(PROPOSAL.findall(text.lower())) / 3)  # recommends, not reports
    score -= 0.15 * (len(kommuner) > 4) + 0.2 * (len(text.split()) < 60)
    quote = pick_quote(p, source_lines)
    return Candidate(p, max(0.0, min(1.0, score)), quote, kommuner, actors, themes, groups)


def pick_quote(p: Passage, source_lines: tuple[str, ...] | None) -> str:
    """A verbatim quote of at most 25 words from the cited lines (or the passage text)."""
    if source_lines and p.lines:
        chunks = _chunks(source_lines[p.lines[0] - 1 : p.lines[1]])
    else:
        chunks = [normalise(p.text)]
    sentences = [s for chunk in chunks for s in _SENTENCE.split(chunk) if s]
    best = max(sentences, key=_sentence_score, default="")
    return " ".join(best.split(" ")[:MAX_QUOTE_WORDS])


def _chunks(lines: tuple[str, ...]) -> list[str]:
    """Runs of cited lines without headings, each whitespace-normalised as validate reads it."""
    chunks, run = [], []
    for line in [*lines, "# end"]:
        if _HEADING.match(line):
            chunks.append(normalise(" ".join(run)))
            run = []
        else:
            run.append(line)
    return [c for c in chunks if c]


def _sentence_score(sentence: str) -> float:
    """Prefer whole, clean sentences of 8–25 words that say what was done."""
    n = len(sentence.split())
    score = cue_score(sentence) + 0.3 * sentence.rstrip('»"').endswith((".", "!"))
    score -= 1.0 * bool(_MARKUP.search(sentence)) + 0.5 * (n < 8) + 0.2 * (n > MAX_QUOTE_WORDS)
    return score - 0.4 * (not re.match(r"[«\"A-ZÆØÅ]", sentence))


def draft_fields(c: Candidate, source_id: str, register, registered=None) -> dict:
    """The front-matter fields of a draft case for a candidate, ready for kb.new.render_case.

    With the registered source, pages come from its page map (see kb.content.pages).
    """
    p = c.passage
    kommuner = [k for k in c.kommuner if _is_about(k, p)] if len(c.kommuner) <= 3 else []
    fylker = sorted({k.fylke for name in kommuner if (k := register and register.kommune(name))})
    source = {"source": source_id, "section": p.section or p.section_title or "?"}
    pages = (registered and page_range(registered, p.lines)) or p.pages
    located = {"lines": p.lines, "pages": pages, "quote": c.quote}
    source |= {k: list(v) if isinstance(v, tuple) else v for k, v in located.items() if v}
    title = guess_title(c, kommuner)
    return {
        "id": suggest_id(title),
        "title": title,
        "kommuner": kommuner,
        "region": " og ".join(fylker) if 0 < len(fylker) <= 2 else "",
        "themes": list(c.themes[:3]) or ["samordning"],
        "target_groups": list(c.target_groups[:2]) or ["kommuner"],
        "actors": list(c.actors[:4]) or ["kommune"],
        "evidence": "erfaring",
        "source": source,
        "as_of": registered.as_of if registered else None,
    }


def _is_about(kommune: str, p: Passage) -> bool:
    """Whether a passage is about a kommune, not just naming it (a list of places is no place)."""
    text = p.repaired or p.text
    return kommune in p.section_title or text.count(kommune) >= 2 or f"{kommune} kommune" in text


def guess_title(c: Candidate, kommuner: list[str] | tuple[str, ...] = ()) -> str:
    """A working title: the heading when it names the kommune, else kommune and quote start."""
    heading = re.sub(r"^[\d.\s]+", "", c.passage.section_title).strip(" :")
    if kommuner and kommuner[0] in heading or not kommuner and len(heading.split()) >= 4:
        return heading[:90]
    words = re.sub(r"[«»\"*]", "", c.quote).split()[:8]
    lead = f"{kommuner[0]}: " if kommuner else ""
    return (lead + " ".join(words)).rstrip(",.;:") or f"{PLACEHOLDER} tittel"


def write_draft(folder: Path, fields: dict, taken: set[str]) -> Path:
    """Write a draft under a free id (id, id-2, id-3 …); never overwrites a file."""
    base = fields["id"]
    for n in range(1, 100):
        fields = {**fields, "id": base if n == 1 else f"{base}-{n}"}
        if fields["id"] in taken:
            continue
        try:
            path = write_case(folder, fields)  # opens with "x": an existing file is left alone
        except FileExistsError:
            continue
        taken.add(fields["id"])
        return path
    raise FileExistsError(f"fant ingen ledig id for {base} i {folder}")


@dataclass(frozen=True)
class SourceFileRef:
    """The report file to read: its registered source id (None when unregistered) and format."""

    id: str | None
    path: Path
    sha256: str
    format: str


def find_source(arg: str, ctx) -> SourceFileRef | None:
    """A registered source id or a file path as a file to read; None when it is neither."""
    if arg in ctx.sources:
        located = locate(ctx.sources[arg], ctx.source_dirs)
        if not located:
            names = ", ".join(f.path for f in ctx.sources[arg].files) or "ingen filer"
            raise ContentError(f"fant ikke {names} i kildemappene — oppgi mappen med --sources DIR")
        best = next((f for f in located if f.file.format == "text"), located[0])
        return SourceFileRef(arg, best.path, best.file.sha256, best.file.format)
    path = Path(arg)
    if not path.is_file():
        return None
    sha = file_sha256(path)
    registered = [(s.id, f) for s in ctx.sources.values() for f in s.files if f.sha256 == sha]
    if registered:
        return SourceFileRef(registered[0][0], path, sha, registered[0][1].format)
    fmt = {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(path.suffix.lower(), "text")
    return SourceFileRef(None, path, sha, fmt)


def describe(i: int, c: Candidate) -> str:
    """One candidate as text for the terminal."""
    p = c.passage
    where = ", ".join(
        f"{label} {r[0]}" + (f"–{r[1]}" if r[1] != r[0] else "")
        for label, r in (("linje", p.lines), ("s.", p.pages))
        if r
    )
    found = " · ".join(
        f"{label}: {', '.join(items)}"
        for label, items in (("kommuner", c.kommuner), ("aktører", c.actors), ("tema", c.themes))
        if items
    )
    head = f"{i:3}. {c.score:.2f}  " + " ".join(filter(None, (p.section, p.section_title)))
    return f"{head}  ({where})\n     «{c.quote}»\n     {found}"
