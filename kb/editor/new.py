"""Write a new case skeleton that passes `kb validate` and shows the editor what to fill in."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import yaml

from kb.content import schema
from kb.content.fields import ID_PATTERN
from kb.content.model import PLACEHOLDER, SECTION_ORDER

HINTS = {
    "Utfordringen": "Hvilket problem ville kommunen løse, og for hvem? [1]",
    "Slik gjorde de det": "Hva ble gjort, av hvem, i hvilken rekkefølge? Vær konkret. [1]",
    "Resultater": "Hva kom ut av det, slik kilden sier det? Tall der kilden har tall. [1]",
    "Dette skal til": "Ressurser, kompetanse og forankring som kilden sier trengs. [1]",
    "Fallgruver": "Hva var vanskelig eller virket ikke? Fjern avsnittet om kilden er taus. [1]",
    "Overføringsverdi": "Hva sier kilden om hva andre kan ta med seg? Fjern ellers avsnittet. [1]",
    "Redaksjonens vurdering": "Redaksjonens egen vurdering, som ingen kilde sier. Fjern avsnittet "
    "hvis dere ikke har noe å legge til.",
}  # [1] is the source marker: the number of the entry under sources: the paragraph rests on
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def suggest_id(title: str, max_words: int = 6) -> str:
    """A permanent id from a title: lowercase ascii words joined by hyphens."""
    text = re.sub(r"[^\w]+", " ", title.translate(_FOLD))  # dashes and punctuation split words
    text = unicodedata.normalize("NFKD", text)
    text = text.encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)
    return "-".join(words[:max_words]) or "nytt-grep"


FIELD_ORDER = schema.names()


def render_text(meta: dict, sections: dict[str, str]) -> str:
    """A case file's text: the front matter in the usual field order, then one `##` per section."""
    ordered = {k: meta[k] for k in FIELD_ORDER if k in meta}
    ordered |= {k: v for k, v in meta.items() if k not in ordered}
    head = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)
    body = "\n".join(f"## {name}\n\n{text.strip()}\n" for name, text in sections.items())
    return f"---\n{head}---\n{body}"


def render_case(fields: dict) -> str:
    """The Markdown text of a skeleton case from the given front-matter fields."""
    meta = {
        "id": fields["id"],
        "title": fields["title"],
        "summary": fields.get("summary")
        or f"{PLACEHOLDER} En til tre setninger om hva som ble gjort.",
        "places": [{"kommune": k} for k in fields.get("kommuner", [])],
        "status": fields.get("status", "ukjent"),
        "themes": list(fields.get("themes", [])),
        "target_groups": list(fields.get("target_groups", [])),
        "actors": list(fields.get("actors", ["kommune"])),
        "evidence": fields.get("evidence", "erfaring"),
        "sources": [fields["source"]],
        "updated": dt.date.today(),
    }
    if fields.get("region"):
        meta["region"] = fields["region"]
    if fields.get("as_of"):
        meta["as_of"] = fields["as_of"]  # the source registry's year of the facts
    return render_text(meta, {name: f"{PLACEHOLDER} {HINTS[name]}" for name in SECTION_ORDER})


def write_case(folder: Path, fields: dict) -> Path:
    """Write a new case file; raises FileExistsError rather than overwrite anything.

    Raises ValueError for an id that is not a valid case id (it could leave the folder).
    """
    if not ID_PATTERN.match(str(fields["id"])):
        raise ValueError(f"«{fields['id']}» er ikke en gyldig id")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{fields['id']}.md"
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"«{fields['id']}» peker ut av mappen {folder}")
    with open(path, "x", encoding="utf-8") as fh:  # "x": never overwrite an editor's file
        fh.write(render_case(fields))
    return path
