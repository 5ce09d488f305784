"""Field, body and quote checks for a case file; every check returns problems, none raises."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import process

from kb.frontmatter import FrontMatter
from kb.model import (
    MAX_QUOTE_WORDS,
    OPTIONAL_SECTIONS,
    PLACEHOLDER,
    REQUIRED_SECTIONS,
    SECTION_ORDER,
    STATUSES,
)
from kb.problems import WARNING, Problem
from kb.quotes import cited_text, nearest, quote_in, word_count
from kb.sources import locate, text_lines
from kb.vocab import VOCABULARY_FIELDS

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = (
    "id",
    "title",
    "summary",
    "places",
    "status",
    "themes",
    "target_groups",
    "actors",
    "evidence",
    "sources",
    "updated",
)
OPTIONAL = ("region", "period", "approaches", "grants", "contact", "related")
KNOWN = REQUIRED + OPTIONAL
LIST_REQUIRED = ("themes", "target_groups", "actors")
CONTACT_KEYS = ("role", "organisation")
PERSONAL_KEYS = ("name", "navn", "email", "epost", "e-post", "phone", "telefon", "mobil")


@dataclass
class Checker:
    """Collects problems for one file, with the front matter to find line numbers."""

    path: str
    fm: FrontMatter
    problems: list

    def add(self, path: tuple, message: str, fix: str = "", warning: bool = False) -> None:
        """Record a problem at the line of a field path."""
        field = _dotted(path)
        severity = WARNING if warning else "error"
        self.problems.append(
            Problem(self.path, self.fm.line_of(*path), field, message, fix, severity)
        )

    def text(self, path: tuple, value: object) -> str | None:
        """The value as text, or None after reporting why it is not text (YAML traps included)."""
        if isinstance(value, str):
            if not value.strip():
                self.add(path, "feltet er tomt", "skriv en verdi eller fjern feltet")
                return None
            return value
        raw = self.fm.scalars.get(path)
        shown = raw.text if raw else str(value)
        if isinstance(value, bool):
            what = "sann (true)" if value else "usann (false)"
            self.add(
                path,
                f"«{shown}» ble lest som {what}, ikke som tekst",
                f'sett verdien i anførselstegn: "{shown}"',
            )
        elif isinstance(value, int | float):
            read = f"tallet {value}"
            if shown.startswith("0") and shown != str(value):
                read += " (ledende null forsvinner)"
            self.add(
                path,
                f"«{shown}» ble lest som {read}, ikke som tekst",
                f'sett verdien i anførselstegn: "{shown}"',
            )
        elif isinstance(value, dt.date):
            self.add(
                path,
                f"«{shown}» ble lest som en dato, ikke som tekst",
                f'sett verdien i anførselstegn: "{shown}"',
            )
        elif value is None:
            self.add(path, "feltet er tomt", "skriv en verdi eller fjern feltet")
        else:
            self.add(path, f"forventet tekst, fikk {_kind(value)}", "skriv én tekstverdi")
        return None


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _kind(value: object) -> str:
    return {list: "en liste", dict: "en gruppe felt"}.get(type(value), type(value).__name__)


def check_meta(c: Checker, file_stem: str, ctx) -> None:
    """Check every front-matter field of a case."""
    meta = c.fm.meta
    for key in meta:
        if key not in KNOWN:
            guess = process.extractOne(str(key), KNOWN, score_cutoff=70)
            fix = f"mente du «{guess[0]}»?" if guess else "fjern feltet eller rett stavingen"
            c.add((key,), f"ukjent felt «{key}»", fix)
    for key in REQUIRED:
        if key not in meta:
            c.problems.append(
                Problem(c.path, 2, key, f"feltet «{key}» mangler", _missing_fix(key, file_stem))
            )
    _check_id(c, meta.get("id"), file_stem)
    for key in ("title", "summary"):
        if key in meta and (text := c.text((key,), meta[key])) and PLACEHOLDER in text:
            c.add(
                (key,),
                "feltet har fortsatt maltekst",
                f"erstatt teksten etter «{PLACEHOLDER}»",
                warning=True,
            )
    _check_places(c, meta, ctx)
    _check_period(c, meta)
    if "status" in meta and (s := c.text(("status",), meta["status"])) and s not in STATUSES:
        c.add(("status",), f"ukjent status «{s}»", "bruk " + " | ".join(STATUSES))
    for key, vocab_name in VOCABULARY_FIELDS.items():
        if key in meta:
            _check_terms(c, key, meta[key], ctx.vocabularies.get(vocab_name))
    _check_sources(c, meta, ctx)
    _check_contact(c, meta)
    _check_related(c, meta)
    _check_updated(c, meta)


def _missing_fix(key: str, stem: str) -> str:
    examples = {
        "id": f"id: {stem}",
        "places": "places: [] når kommunen ikke er kjent",
        "updated": f"updated: {dt.date.today().isoformat()}",
        "sources": "sources: med minst én kilde (source, section, lines)",
        "status": "status: pågående | avsluttet | ukjent",
    }
    return "legg til " + examples.get(key, f"{key}: …")


def _check_id(c: Checker, value, stem: str) -> None:
    if value is None:
        return
    text = c.text(("id",), value)
    if text is None:
        return
    if not ID_PATTERN.match(text):
        c.add(
            ("id",),
            f"«{text}» er ikke en gyldig id",
            "bruk små bokstaver a–z, tall og bindestrek (å→a, ø→o, æ→ae)",
        )
    elif text != stem:
        c.add(
            ("id",),
            f"id «{text}» er ikke lik filnavnet «{stem}.md»",
            f"gi filen navnet {text}.md, eller sett id: {stem}",
        )


def _check_places(c: Checker, meta: dict, ctx) -> None:
    places = meta.get("places")
    if "places" not in meta:
        return
    if places is None or not isinstance(places, list):
        c.add(
            ("places",),
            f"forventet en liste, fikk {_kind(places)}",
            "skriv places: [] eller en liste med «- kommune: Navn»",
        )
        return
    for i, place in enumerate(places):
        if not isinstance(place, dict) or "kommune" not in place:
            c.add(("places", i), "hvert sted trenger feltet kommune", "skriv «- kommune: Navn»")
            continue
        name = c.text(("places", i, "kommune"), place["kommune"])
        if name and ctx.register and ctx.register.kommune(name) is None:
            guess = ctx.register.suggest_kommune(name)
            fix = f"mente du «{guess}»?" if guess else "bruk et kommunenavn fra content/registers/"
            c.add(("places", i, "kommune"), f"«{name}» er ikke en kommune", fix)
    region = meta.get("region")
    if region is not None and (name := c.text(("region",), region)) and ctx.register:
        if not ctx.register.fylker_for(name) and ctx.register.kommune(name) is None:
            guess = ctx.register.suggest_region(name)
            fix = (
                f"mente du «{guess}»?" if guess else "bruk et fylkesnavn (nåværende eller gammelt)"
            )
            c.add(
                ("region",), f"«{name}» er ikke et kjent fylke eller en region", fix, warning=True
            )


def _check_period(c: Checker, meta: dict) -> None:
    if "period" not in meta:
        return
    period = meta["period"]
    if not isinstance(period, dict) or not set(period) <= {"start", "end"} or "start" not in period:
        c.add(
            ("period",),
            "period skal ha start og eventuelt end",
            "skriv period: {start: 2018, end: 2021}, eller fjern feltet når årene er ukjente",
        )
        return
    years = {}
    for key in ("start", "end"):
        value = period.get(key)
        if value is None and key == "end":
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100:
            c.add(("period", key), f"«{value}» er ikke et årstall", "skriv et årstall, f.eks. 2019")
        else:
            years[key] = value
    if "end" in years and "start" in years and years["end"] < years["start"]:
        c.add(
            ("period", "end"),
            f"slutt ({years['end']}) er før start ({years['start']})",
            "bytt om årene",
        )


def _check_terms(c: Checker, key: str, value, vocab) -> None:
    if key == "evidence":
        values = [value]
        if isinstance(value, list):
            c.add((key,), "evidence tar én verdi, ikke en liste", "skriv f.eks. evidence: erfaring")
            return
    elif isinstance(value, str):
        c.add((key,), f"forventet en liste, fikk tekst «{value}»", f"skriv {key}: [{value}]")
        return
    elif not isinstance(value, list):
        c.add((key,), f"forventet en liste, fikk {_kind(value)}", f"skriv {key}: [id, id]")
        return
    else:
        values = value
        if key in LIST_REQUIRED and not values:
            c.add((key,), "listen er tom", "velg minst én id fra content/vocabulary/")
    for i, item in enumerate(values):
        path = (key,) if key == "evidence" else (key, i)
        term = c.text(path, item)
        if term is None or vocab is None or vocab.get(term):
            continue
        guess = vocab.suggest(term)
        fix = f"mente du «{guess}»?" if guess else f"se content/vocabulary/{vocab.name}.yaml"
        c.add(path, f"«{term}» er ikke en id i {vocab.name}", fix)


def _check_locator(c: Checker, path: tuple, value) -> tuple[int, int] | None:
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
    )
    if not ok:
        c.add(
            path, f"«{value}» er ikke et gyldig område", "skriv [første, siste], f.eks. [731, 759]"
        )
        return None
    if value[1] < value[0]:
        c.add(path, f"siste ({value[1]}) er før første ({value[0]})", "bytt om tallene")
        return None
    return value[0], value[1]


def _check_sources(c: Checker, meta: dict, ctx) -> None:
    refs = meta.get("sources")
    if "sources" not in meta:
        return
    if not isinstance(refs, list) or not refs:
        c.add(
            ("sources",),
            "minst én kilde trengs",
            "skriv sources: med «- source: id», section og lines",
        )
        return
    for i, ref in enumerate(refs):
        base = ("sources", i)
        if not isinstance(ref, dict):
            c.add(
                base,
                "hver kilde skal være en gruppe felt",
                "skriv «- source: id» med section og lines",
            )
            continue
        for key in ref:
            if key not in ("source", "section", "lines", "pages", "quote"):
                c.add(
                    base + (key,),
                    f"ukjent felt «{key}»",
                    "bruk source, section, lines, pages, quote",
                )
        sid = c.text(base + ("source",), ref.get("source")) if "source" in ref else None
        if "source" not in ref:
            c.add(base, "kilden mangler feltet source", "skriv source: <id fra content/sources/>")
        elif sid and sid not in ctx.sources:
            guess = process.extractOne(sid, list(ctx.sources), score_cutoff=60)
            fix = f"mente du «{guess[0]}»?" if guess else "registrer kilden i content/sources/"
            c.add(base + ("source",), f"«{sid}» er ikke en registrert kilde", fix)
        if "section" in ref:
            c.text(base + ("section",), ref["section"])
        lines = _check_locator(c, base + ("lines",), ref["lines"]) if "lines" in ref else None
        if "pages" in ref:
            _check_locator(c, base + ("pages",), ref["pages"])
        if "lines" not in ref and "pages" not in ref:
            c.add(
                base, "kilden mangler lines (eller pages for PDF)", "skriv lines: [første, siste]"
            )
        quote = c.text(base + ("quote",), ref["quote"]) if "quote" in ref else None
        if quote and (n := word_count(quote)) > MAX_QUOTE_WORDS:
            c.add(
                base + ("quote",),
                f"sitatet har {n} ord; høyst {MAX_QUOTE_WORDS} er lov",
                "kort ned sitatet, eller skriv med egne ord",
            )
        if quote and lines and sid in ctx.sources:
            _check_quote(c, base, ctx, sid, lines, quote)


def _check_quote(
    c: Checker, base: tuple, ctx, sid: str, lines: tuple[int, int], quote: str
) -> None:
    located = [f for f in locate(ctx.sources[sid], ctx.source_dirs) if f.file.format == "text"]
    if not located:
        names = ", ".join(f.path for f in ctx.sources[sid].files) or "ingen filer"
        c.add(
            base + ("quote",),
            f"sitatet kan ikke sjekkes: fant ikke {names} i kildemappene",
            "oppgi mappen med --sources DIR",
            warning=True,
        )
        return
    found = located[0]
    if not found.sha_ok:
        c.add(
            base + ("quote",),
            f"{found.path} har en annen sha256 enn registrert",
            "bruk den registrerte filen, eller registrer den nye",
            warning=True,
        )
    all_lines = text_lines(found.path)
    if lines[1] > len(all_lines):
        c.add(
            base + ("lines",),
            f"linje {lines[1]} finnes ikke; {found.file.path} har {len(all_lines)} linjer",
            "rett linjenumrene",
        )
        return
    text = cited_text(all_lines, *lines)
    if not quote_in(quote, text):
        near = nearest(quote, text)
        c.add(
            base + ("quote",),
            f"sitatet står ikke i linje {lines[0]}–{lines[1]}; nærmest: «{near}»",
            "kopier sitatet ordrett fra kilden, eller rett lines",
        )


def _check_contact(c: Checker, meta: dict) -> None:
    contact = meta.get("contact")
    if contact is None:
        return
    if not isinstance(contact, dict):
        c.add(
            ("contact",),
            "contact skal ha role og organisation",
            "skriv contact: {role: …, organisation: …}",
        )
        return
    for key, value in contact.items():
        if key in PERSONAL_KEYS:
            c.add(
                ("contact", key),
                "personopplysninger hører ikke hjemme her",
                "oppgi bare rolle og organisasjon",
            )
        elif key not in CONTACT_KEYS:
            c.add(("contact", key), f"ukjent felt «{key}»", "bruk role og organisation")
        else:
            c.text(("contact", key), value)


def _check_related(c: Checker, meta: dict) -> None:
    related = meta.get("related")
    if related is None:
        return
    if not isinstance(related, list):
        c.add(("related",), f"forventet en liste, fikk {_kind(related)}", "skriv related: [id, id]")
        return
    for i, item in enumerate(related):
        if (rid := c.text(("related", i), item)) and not ID_PATTERN.match(rid):
            c.add(("related", i), f"«{rid}» er ikke en gyldig id", "bruk id-en til et annet grep")


def _check_updated(c: Checker, meta: dict) -> None:
    value = meta.get("updated")
    if value is None or isinstance(value, dt.date):
        if value is None and "updated" in meta:
            c.add(("updated",), "datoen mangler", "skriv updated: ÅÅÅÅ-MM-DD")
        return
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        c.add(
            ("updated",),
            f"«{value}» er ikke en dato",
            "skriv updated: ÅÅÅÅ-MM-DD, f.eks. 2026-11-22",
        )


def check_body(path: str, fm: FrontMatter) -> list[Problem]:
    """Check the Markdown sections: required ones present, non-empty, in order."""
    problems: list[Problem] = []
    found: list[tuple[str, int, str]] = []
    current: list[str] | None = None
    for offset, line in enumerate(fm.body.split("\n")):
        m = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if m and not line.startswith("###"):
            current = []
            found.append((m.group(1), fm.body_line + offset, current))
        elif current is not None:
            current.append(line)
    names = [f[0] for f in found]
    end = fm.body_line + len(fm.body.split("\n")) - 1
    for name in REQUIRED_SECTIONS:
        if name not in names:
            problems.append(
                Problem(
                    path,
                    end,
                    "body",
                    f"avsnittet «## {name}» mangler",
                    f"legg til «## {name}» med innhold",
                )
            )
    for name, line, body in found:
        if name not in SECTION_ORDER:
            guess = process.extractOne(name, SECTION_ORDER, score_cutoff=70)
            fix = f"mente du «## {guess[0]}»?" if guess else "bruk avsnittene i malen (se kb new)"
            problems.append(
                Problem(path, line, "body", f"ukjent avsnitt «## {name}»", fix, WARNING)
            )
        elif PLACEHOLDER in "".join(body):
            problems.append(
                Problem(
                    path,
                    line,
                    "body",
                    f"avsnittet «## {name}» har fortsatt maltekst",
                    f"erstatt teksten etter «{PLACEHOLDER}»",
                    WARNING,
                )
            )
        elif not "".join(body).strip():
            problems.append(
                Problem(
                    path,
                    line,
                    "body",
                    f"avsnittet «## {name}» er tomt",
                    "skriv hva kilden sier, eller fjern avsnittet om det er valgfritt"
                    if name in OPTIONAL_SECTIONS
                    else "skriv hva kilden sier",
                )
            )
    known = [n for n in names if n in SECTION_ORDER]
    if known != sorted(known, key=SECTION_ORDER.index):
        problems.append(
            Problem(
                path,
                found[0][1],
                "body",
                "avsnittene står i feil rekkefølge",
                "bruk rekkefølgen " + ", ".join(SECTION_ORDER),
                WARNING,
            )
        )
    return problems


def check_unique(items: list[tuple[str, Path]]) -> list[Problem]:
    """Report ids used by more than one file."""
    seen: dict[str, Path] = {}
    problems = []
    for cid, path in items:
        if cid in seen:
            problems.append(
                Problem(
                    str(path),
                    2,
                    "id",
                    f"id «{cid}» brukes også av {seen[cid]}",
                    "gi grepet en ny, unik id",
                )
            )
        else:
            seen[cid] = path
    return problems
