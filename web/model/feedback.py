"""Validator problems as the web form's errors: which field each belongs to, in the form's words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.content.problems import WARNING, Problem

# Checkbox and radio groups: an error belongs to the fieldset and links to its first box.
GROUPS = ("status", "evidence", "themes", "target_groups", "actors", "approaches", "grants")
PLAIN = ("title", "summary", "region", *GROUPS)
_FIELD = re.compile(r"(?P<name>\w+)(?:\[(?P<index>\d+)\])?(?:\.(?P<sub>\w+))?")
_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")

# (field, words in the validator's message, what the form says instead). The validator speaks
# of YAML keys and files; a person filling in a form needs the field's own words.
REWORDED = (
    (r"title", r"feltet er tomt|mangler", "Skriv en tittel."),
    (r"summary", r"feltet er tomt|mangler", "Skriv et sammendrag på én til tre setninger."),
    (r"status", r"mangler", "Velg status."),
    (r"themes", r"listen er tom|mangler", "Velg minst ett tema."),
    (r"target_groups", r"listen er tom|mangler", "Velg minst én målgruppe."),
    (r"actors", r"listen er tom|mangler", "Velg minst én aktør."),
    (r"evidence", r"mangler", "Velg evidensnivå."),
    (r"sources", r"minst én kilde", "Oppgi minst én kilde: velg rapporten og skriv linjene."),
    (r"sources\[\d+\]", r"mangler feltet source", "Velg rapporten."),
    (r"sources\[\d+\]", r"mangler lines", "Skriv første og siste linje i rapporten."),
    (
        r"sources\[\d+\]\.lines",
        r"ikke et gyldig område",
        "Skriv første og siste linje som hele tall, for eksempel 731 og 759.",
    ),
    (
        r"sources\[\d+\]\.quote",
        r"kan ikke sjekkes",
        "Sitatet kan ikke sjekkes her, fordi rapportfilen ikke finnes på serveren. "
        "Redaktøren sjekker det.",
    ),
    (
        r"title",
        r"^ligner på .+? \((.+)\): (.+)$",
        r"Ligner på grepet «\1» (\2). Er det samme grep, foreslå heller en endring i det.",
    ),
    (r"period", r"skal ha start", "Skriv startåret (sluttåret kan stå tomt)."),
    (r"period\.(start|end)", r"ikke et årstall", "Skriv et årstall, for eksempel 2019."),
    (r"body", r"«## (.+?)» er tomt", r"Skriv hva kilden sier under «\1»."),
    (
        r"body",
        r"ukjent avsnitt",
        "Teksten har en overskrift med «##», som er forbeholdt avsnittene. "
        "Bruk «###» for mellomtitler.",
    ),
)
# The order of the fields in the form, for the error summary.
FORM_ORDER = (
    "", "title", "summary", "kommune", "region", "period", "status", "themes", "target_groups",
    "actors", "approaches", "grants", "evidence", "source", "contact", "section",
)  # fmt: skip
FIX_WORDS = {"rett lines": "rett linjenumrene", "## ": ""}
MAX_SHOWN = 50  # errors listed on the form page; the rest are counted in one line


@dataclass(frozen=True)
class FormError:
    """A problem with one form field (key "" for the form as a whole)."""

    key: str
    message: str
    warning: bool = False

    @property
    def target(self) -> str:
        """The id of the element a link to this error should move to."""
        if self.key in GROUPS:
            return f"{self.key}-0"
        if self.key.endswith("-lines"):
            return self.key.removesuffix("-lines") + "-first"
        return self.key or "foresla-skjema"


def form_errors(problems: list[Problem], text: str, slugs: dict[str, str]) -> list[FormError]:
    """The validator's problems as form errors; slugs maps a section heading to its field."""
    headings = section_lines(text, slugs)
    found = (FormError(field_key(p, headings), wording(p), p.severity == WARNING) for p in problems)
    return sorted(dict.fromkeys(found), key=form_position)  # dict: linear de-duplication


def capped(errors: list[FormError]) -> list[FormError]:
    """The first MAX_SHOWN errors, and one line that counts the rest."""
    if len(errors) <= MAX_SHOWN:
        return errors
    rest = len(errors) - MAX_SHOWN
    return errors[:MAX_SHOWN] + [
        FormError("", f"… og {rest} feil til. Rett feilene over og send skjemaet på nytt.")
    ]


def by_key(notes: list[FormError]) -> dict[str, list[FormError]]:
    """The errors and warnings grouped by form field, in order."""
    out: dict[str, list[FormError]] = {}
    for note in notes:
        out.setdefault(note.key, []).append(note)
    return out


def form_position(error: FormError) -> int:
    """Where an error's field stands in the form (stable sort keeps rows and lines in order)."""
    group = re.sub(r"-.*", "", error.key)
    return FORM_ORDER.index(group) if group in FORM_ORDER else 0


def section_lines(text: str, slugs: dict[str, str]) -> list[tuple[int, str]]:
    """(file line, section field) of every known section heading in a case's text."""
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        m = _HEADING.match(line)
        if m and m.group(1) in slugs:
            out.append((number, f"section-{slugs[m.group(1)]}"))
    return out


def field_key(p: Problem, headings: list[tuple[int, str]]) -> str:
    """The form field a problem belongs to ("" when none does)."""
    m = _FIELD.fullmatch(p.field)
    if not m:
        return ""
    name, index, sub = m["name"], int(m["index"] or 0), m["sub"]
    if name == "places":
        return f"kommune-{index}"
    if name == "sources":
        if sub in ("lines", "pages") or (sub is None and "lines" in p.message):
            return f"source-{index}-lines"
        return f"source-{index}-{sub if sub in ('section', 'quote') else 'source'}"
    if name == "period":
        return "period-end" if sub == "end" else "period-start"
    if name == "contact":
        return "contact-organisation" if sub == "organisation" else "contact-role"
    if name == "body":
        return next((key for line, key in reversed(headings) if line <= p.line), "")
    return "title" if name == "id" else name if name in PLAIN else ""


def wording(p: Problem) -> str:
    """What the form says about a problem: its own words, or the validator's as a sentence."""
    for field, words, instead in REWORDED:
        if re.fullmatch(field, p.field) and (m := re.search(words, p.message)):
            return m.expand(instead)
    text = f"{p.message} — {p.fix}" if p.fix else p.message
    for old, new in FIX_WORDS.items():
        text = text.replace(old, new)
    text = text[:1].upper() + text[1:]
    return text + "." if text[-1:].isalnum() else text
