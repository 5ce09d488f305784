"""«Foreslå et godt grep»: the web form's fields as a case file, checked by the same validator."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from kb.content import schema
from kb.content.loader import Context, check_text
from kb.content.markers import add_marker
from kb.content.model import EDITORIAL_SECTION, OPTIONAL_SECTIONS, SECTION_ORDER, Case
from kb.editor.check import near_duplicates
from kb.editor.new import HINTS, render_text, suggest_id
from web.model.feedback import FormError, capped, form_errors, form_position

MAX_ROWS = 10  # kommuner and sources in one proposal
MAX_FIELDS = 300  # values in one posted form; the full form with every box ticked has ~150
MAX_URL = 8000  # longest «open a pull request» link; longer addresses fail at GitHub and proxies
LIMITS = {  # longest text per field, in characters
    "title": 200,
    "summary": 1200,
    "kommune": 80,
    "region": 120,
    "period": 10,
    "section": 200,
    "line": 10,
    "quote": 400,
    "contact": 150,
    "text": 8000,
}
PICK_LISTS = tuple(  # (field, legend, hint, required), as the case schema declares them
    (f.name, f.label, f.hint, f.required) for f in schema.FIELDS if f.widget == "checkboxes"
)
SECTIONS = tuple((suggest_id(name), name, HINTS[name]) for name in SECTION_ORDER)
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII only: int("²") fails though "²".isdigit()
_SECTION_HEADING = re.compile(r"^#{1,2}(?:[ \t]|$)", re.MULTILINE)  # only the form makes these
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class SourceRow:
    """One cited source as entered: report id, section, first and last line, quote."""

    source: str = ""
    section: str = ""
    first: str = ""
    last: str = ""
    quote: str = ""

    def is_empty(self) -> bool:
        """Whether nothing was entered in the row."""
        return not any((self.source, self.section, self.first, self.last, self.quote))


@dataclass
class Proposal:
    """The form's fields as entered (text), before they become a case."""

    title: str = ""
    summary: str = ""
    kommuner: list[str] = field(default_factory=list)
    region: str = ""
    period_start: str = ""
    period_end: str = ""
    status: str = ""
    evidence: str = ""
    picked: dict[str, list[str]] = field(default_factory=dict)  # vocabulary field -> ids
    sources: list[SourceRow] = field(default_factory=list)
    role: str = ""
    organisation: str = ""
    texts: dict[str, str] = field(default_factory=dict)  # section slug -> Markdown

    def kommune_rows(self) -> list[str]:
        """The kommune inputs to show: those entered and at least one empty, three or more."""
        return (self.kommuner + [""] * 3)[: min(MAX_ROWS, max(3, len(self.kommuner) + 1))]

    def source_rows(self) -> list[SourceRow]:
        """The source rows to show: those entered, or one empty."""
        return self.sources or [SourceRow()]


@dataclass
class Outcome:
    """A checked proposal: the file text and name, and what must or should be fixed."""

    proposal: Proposal
    text: str
    file_name: str
    case: Case | None
    errors: list[FormError]
    warnings: list[FormError]

    @property
    def ok(self) -> bool:
        """Whether the file passes the validator and the form's own limits."""
        return self.case is not None and not self.errors


def clean(value: str, multiline: bool = False) -> str:
    """A form value without control characters; one line unless multiline."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value.strip() if multiline else " ".join(value.split())


def parse_form(form: Mapping[str, list[str]]) -> tuple[Proposal, list[FormError]]:
    """The proposal in a submitted form ({name: [values]}), and the form's own limit problems."""

    def one(name: str, multiline: bool = False) -> str:
        return clean((form.get(name) or [""])[0], multiline)

    def many(name: str) -> list[str]:
        return [clean(v) for v in form.get(name) or []]

    p = Proposal(
        title=one("title"),
        summary=one("summary"),
        kommuner=[k for k in many("kommune") if k],
        region=one("region"),
        period_start=one("period_start"),
        period_end=one("period_end"),
        status=one("status"),
        evidence=one("evidence"),
        picked={name: list(dict.fromkeys(v for v in many(name) if v)) for name, *_ in PICK_LISTS},
        sources=source_rows(form),
        role=one("contact_role"),
        organisation=one("contact_organisation"),
        texts={slug: one(f"section-{slug}", True) for slug, _, _ in SECTIONS},
    )
    errors = limit_errors(p) + heading_errors(p)
    p.kommuner, p.sources = p.kommuner[:MAX_ROWS], p.sources[:MAX_ROWS]
    return p, errors


def source_rows(form: Mapping[str, list[str]]) -> list[SourceRow]:
    """The source rows with anything in them, in order (parallel lists of the row fields)."""
    parts = ("source", "section", "first", "last", "quote")
    columns = [[clean(v) for v in form.get(f"source_{part}") or []] for part in parts]
    rows = []
    for i in range(max(map(len, columns))):
        row = SourceRow(*(col[i] if i < len(col) else "" for col in columns))
        if not row.is_empty():
            rows.append(row)
    return rows


def limit_errors(p: Proposal) -> list[FormError]:
    """Texts that are too long and lists that are too many, in the form's own words."""
    errors = []
    if len(p.kommuner) > MAX_ROWS:
        errors.append(FormError("kommune-0", f"Du kan oppgi høyst {MAX_ROWS} kommuner."))
    if len(p.sources) > MAX_ROWS:
        errors.append(FormError("source-0-source", f"Du kan oppgi høyst {MAX_ROWS} kilder."))
    for key, value, limit in fields_with_limits(p):
        if len(value) > limit:
            errors.append(
                FormError(
                    key, f"Teksten er for lang ({len(value)} tegn). Skriv høyst {limit} tegn."
                )
            )
    return errors


def fields_with_limits(p: Proposal) -> list[tuple[str, str, int]]:
    """(form key, value, longest length) for every text field."""
    out = [
        ("title", p.title, LIMITS["title"]),
        ("summary", p.summary, LIMITS["summary"]),
        ("region", p.region, LIMITS["region"]),
        ("period-start", p.period_start, LIMITS["period"]),
        ("period-end", p.period_end, LIMITS["period"]),
        ("contact-role", p.role, LIMITS["contact"]),
        ("contact-organisation", p.organisation, LIMITS["contact"]),
    ]
    out += [(f"kommune-{i}", k, LIMITS["kommune"]) for i, k in enumerate(p.kommuner)]
    for i, row in enumerate(p.sources):
        out += [
            (f"source-{i}-section", row.section, LIMITS["section"]),
            (f"source-{i}-lines", row.first + row.last, 2 * LIMITS["line"]),
            (f"source-{i}-quote", row.quote, LIMITS["quote"]),
        ]
    out += [(f"section-{slug}", p.texts.get(slug, ""), LIMITS["text"]) for slug, _, _ in SECTIONS]
    return out


def heading_errors(p: Proposal) -> list[FormError]:
    """Text fields with a «#» or «##» heading, which would start a section of its own."""
    return [
        FormError(
            f"section-{slug}",
            "Teksten har en overskrift med «#» eller «##», som er forbeholdt avsnittene. "
            "Bruk «###» for mellomtitler.",
        )
        for slug, _, _ in SECTIONS
        if _SECTION_HEADING.search(p.texts.get(slug, ""))
    ]


def field_count(form: Mapping[str, list[str]]) -> int:
    """How many values a posted form has."""
    return sum(len(values) for values in form.values())


def number(text: str) -> int | str:
    """A whole number as int; anything else as entered, for the validator to report."""
    return int(text) if WHOLE_NUMBER.fullmatch(text) else text


def case_meta(p: Proposal, taken: set[str]) -> dict:
    """The front matter for a proposal; the id is free among the taken ones."""
    meta: dict = {"id": free_id(suggest_id(p.title), taken), "title": p.title}
    meta |= {"summary": p.summary, "places": [{"kommune": k} for k in p.kommuner]}
    if p.region:
        meta["region"] = p.region
    if p.period_start or p.period_end:
        period = {"start": number(p.period_start)} if p.period_start else {}
        meta["period"] = period | ({"end": number(p.period_end)} if p.period_end else {})
    meta |= {"status": p.status} if p.status else {}
    meta |= {name: p.picked.get(name, []) for name, *_, required in PICK_LISTS if required}
    meta |= {name: p.picked[name] for name, *_, required in PICK_LISTS if p.picked.get(name)}
    meta |= {"evidence": p.evidence} if p.evidence else {}
    meta["sources"] = [citation(row) for row in p.sources]
    contact = {"role": p.role, "organisation": p.organisation}
    if any(contact.values()):
        meta["contact"] = {k: v for k, v in contact.items() if v}
    meta["updated"] = dt.date.today()
    return meta


def dated(meta: dict, ctx: Context) -> dict:
    """as_of from the first source's registry year, and the status dated with it."""
    cited = [ctx.sources.get(ref.get("source", "")) for ref in meta["sources"]]
    as_of = next((s.as_of for s in cited if s and s.as_of), None)
    if as_of is None:
        return meta
    status = meta.get("status")
    if status in ("pågående", "avsluttet"):
        meta["status"] = {"value": status, "as_of": as_of}
    return meta | {"as_of": as_of}


def citation(row: SourceRow) -> dict:
    """A source row as the front matter's citation."""
    ref: dict = {"source": row.source} if row.source else {}
    ref |= {"section": row.section} if row.section else {}
    if row.first or row.last:
        ref["lines"] = [number(row.first), number(row.last or row.first)]
    return ref | ({"quote": row.quote} if row.quote else {})


def section_texts(p: Proposal) -> dict[str, str]:
    """The body sections by heading; an empty optional section is left out."""
    return {
        name: p.texts.get(slug, "")
        for slug, name, _ in SECTIONS
        if p.texts.get(slug) or name not in OPTIONAL_SECTIONS
    }


def free_id(base: str, taken: set[str]) -> str:
    """base, or base-2, base-3 … when a case already has it."""
    candidates = (base if n == 1 else f"{base}-{n}" for n in itertools.count(1))
    return next(c for c in candidates if c not in taken)


def check_proposal(form: Mapping[str, list[str]], ctx: Context, cases: dict[str, Case]) -> Outcome:
    """Read, render and validate a submitted form against the cases; nothing is written."""
    proposal, errors = parse_form(form)
    meta = dated(case_meta(proposal, set(cases)), ctx)
    texts = section_texts(proposal)
    if len(meta["sources"]) == 1:  # one source: every factual paragraph rests on it
        texts = {k: v if k == EDITORIAL_SECTION else add_marker(v, 1) for k, v in texts.items()}
    text = render_text(meta, texts)
    file_name = f"{meta['id']}.md"
    case, problems = check_text(text, file_name, ctx)
    if case is not None:
        problems += near_duplicates([case], list(cases.values()))
    found = form_errors(problems, text, {name: slug for slug, name, _ in SECTIONS})
    errors = sorted(errors + [e for e in found if not e.warning], key=form_position)
    warnings = [e for e in found if e.warning]
    return Outcome(proposal, text, file_name, case, capped(errors), capped(warnings))


def pick_lists(ctx: Context) -> list[tuple[str, str, str, list[tuple[str, str, str]]]]:
    """The form's vocabulary pick-lists: (field, legend, hint, [(id, label, "")])."""
    out = []
    for name, legend, hint, required in PICK_LISTS:
        vocab = ctx.vocabularies.get(name)
        options = [(t.id, t.label, "") for t in vocab.terms] if vocab else []
        out.append((name, legend if required else f"{legend} (valgfritt)", hint, options))
    return out


def evidence_options(ctx: Context) -> list[tuple[str, str, str]]:
    """The evidence levels as (id, label, explanation), strongest first."""
    vocab = ctx.vocabularies.get("evidence")
    return [(t.id, t.label, t.description) for t in vocab.terms] if vocab else []


def pull_request_url(repo_url: str, file_name: str, text: str) -> str | None:
    """GitHub's «create a file» page with the file filled in; None when the link is too long."""
    query = urlencode({"filename": file_name, "value": text})  # spaces as «+»: a shorter link
    url = f"{repo_url.rstrip('/')}/new/main/content/grep?{query}"
    return url if len(url) <= MAX_URL else None
