"""Front-matter field checks for a case file; every check records problems, none raises."""

from __future__ import annotations

import datetime as dt
import re

from rapidfuzz import process

from kb.content import schema
from kb.content.checker import Checker, kind_of
from kb.content.citations import check_sources
from kb.content.markers import marker_numbers
from kb.content.model import NOTED_EVIDENCE, PLACEHOLDER, STATUSES
from kb.content.problems import Problem
from kb.content.vocab import VOCABULARY_FIELDS

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = schema.names(required=True)
OPTIONAL = schema.names(required=False)
KNOWN = schema.names()
LIST_REQUIRED = tuple(f.name for f in schema.FIELDS if f.kind == "terms" and f.required)
CONTACT_KEYS = ("role", "organisation")
PERSONAL_KEYS = ("name", "navn", "email", "epost", "e-post", "phone", "telefon", "mobil")


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
    _check_status(c, meta)
    _check_as_of(c, meta)
    _check_evidence_note(c, meta)
    for key, vocab_name in VOCABULARY_FIELDS.items():
        if key in meta:
            _check_terms(c, key, meta[key], ctx.vocabularies.get(vocab_name))
    check_sources(c, meta, ctx)
    _check_dated(c, meta, ctx)
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
            f"forventet en liste, fikk {kind_of(places)}",
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
    if schema.BY_NAME[key].kind == "term":
        values = [value]
        if isinstance(value, list):
            c.add((key,), f"{key} tar én verdi, ikke en liste", f"skriv f.eks. {key}: erfaring")
            return
    elif isinstance(value, str):
        c.add((key,), f"forventet en liste, fikk tekst «{value}»", f"skriv {key}: [{value}]")
        return
    elif not isinstance(value, list):
        c.add((key,), f"forventet en liste, fikk {kind_of(value)}", f"skriv {key}: [id, id]")
        return
    else:
        values = value
        if key in LIST_REQUIRED and not values:
            c.add((key,), "listen er tom", "velg minst én id fra content/vocabulary/")
    for i, item in enumerate(values):
        path = (key, i) if isinstance(value, list) else (key,)
        term = c.text(path, item)
        if term is None or vocab is None or vocab.get(term):
            continue
        guess = vocab.suggest(term)
        fix = f"mente du «{guess}»?" if guess else f"se content/vocabulary/{vocab.name}.yaml"
        c.add(path, f"«{term}» er ikke en id i {vocab.name}", fix)


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
        c.add(
            ("related",), f"forventet en liste, fikk {kind_of(related)}", "skriv related: [id, id]"
        )
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


def _year(c: Checker, path: tuple, value) -> int | None:
    """A year between 1900 and 2100, or None after reporting why not."""
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return value
    c.add(path, f"«{value}» er ikke et årstall", "skriv et årstall, f.eks. 2022")
    return None


def _check_status(c: Checker, meta: dict) -> None:
    """status: ukjent, or {value: pågående|avsluttet, as_of: year} (a year is required)."""
    if "status" not in meta:
        return
    status = meta["status"]
    if isinstance(status, dict):
        value, as_of = status.get("value"), status.get("as_of")
        if set(status) - {"value", "as_of"} or value is None:
            c.add(("status",), "status skal ha value og as_of", STATUS_FIX)
            return
        s = c.text(("status", "value"), value)
        if s and s not in STATUSES:
            c.add(("status", "value"), f"ukjent status «{s}»", "bruk " + " | ".join(STATUSES))
        if as_of is None and s != "ukjent":
            c.add(("status",), "året statusen gjelder mangler", STATUS_FIX)
        elif as_of is not None:
            _year(c, ("status", "as_of"), as_of)
        return
    s = c.text(("status",), status)
    if s and s not in STATUSES:
        c.add(("status",), f"ukjent status «{s}»", "bruk " + " | ".join(STATUSES))
    elif s and s != "ukjent":
        c.add(("status",), f"status «{s}» mangler året den gjelder", STATUS_FIX, warning=True)


STATUS_FIX = "skriv status: {value: pågående, as_of: 2022} (året kilden sier det), eller ukjent"


def _check_as_of(c: Checker, meta: dict) -> None:
    """as_of: the year the facts describe; missing is a warning (so --strict requires it)."""
    if "as_of" in meta:
        _year(c, ("as_of",), meta["as_of"])
    elif meta:
        c.add(
            ("id",),
            "feltet «as_of» mangler: året opplysningene gjelder",
            "legg til as_of: 2014 (året rapporten beskriver)",
            warning=True,
        )


def _check_evidence_note(c: Checker, meta: dict) -> None:
    """effekt, evaluert and resultater need a one-sentence evidence_note with a [n] marker."""
    note, level = meta.get("evidence_note"), meta.get("evidence")
    if note is None:
        if level in NOTED_EVIDENCE:
            c.add(
                ("evidence",),
                f"evidensnivået «{level}» krever evidence_note",
                'legg til evidence_note: "Hva ble målt eller evaluert, av hvem, med hvilket '
                'resultat. [1]"',
            )
        return
    text = c.text(("evidence_note",), note)
    if text and not marker_numbers(text):
        c.add(
            ("evidence_note",),
            "evidence_note mangler kildemerke",
            "avslutt setningen med [n] for kilden den bygger på",
        )


def _check_dated(c: Checker, meta: dict, ctx) -> None:
    """A status year or as_of can be no later than the cited sources reach (year or as_of)."""
    refs = meta.get("sources") if isinstance(meta.get("sources"), list) else []
    cited = [ctx.sources.get(str(r.get("source"))) for r in refs if isinstance(r, dict)]
    years = [y for s in cited if s for y in (s.year, s.as_of) if isinstance(y, int)]
    if not years:
        return
    latest = max(years)
    status = meta.get("status")
    for path, year in (
        (("status", "as_of"), _dict_get(status, "as_of")),
        (("as_of",), meta.get("as_of")),
    ):
        if isinstance(year, int) and not isinstance(year, bool) and year > latest:
            c.add(
                path,
                f"{year} er senere enn kildene grepet bygger på (nyeste: {latest})",
                f"skriv året kilden sier noe om, høyst {latest}",
            )


def _dict_get(value, key: str):
    return value.get(key) if isinstance(value, dict) else None
