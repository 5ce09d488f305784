"""Guide pages built from the content alone: grant schemes, ressurspersoner and «kom i gang»."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from kb.content.loader import Content
from kb.content.model import Case
from kb.content.vocab import Term

BEST_PER_APPROACH = 3
NO_FYLKE = "Hele landet eller flere fylker"


@dataclass(frozen=True)
class Grant:
    """One grant scheme: the vocabulary term, its facts and the cases that used it."""

    term: Term
    cases: tuple[Case, ...]

    @property
    def administrator(self) -> str:
        return self.term.extra.get("administrator", "")

    @property
    def administrator_url(self) -> str:
        """The administrator's own site (only recorded where it is known for certain)."""
        return self.term.extra.get("administrator_url", "")

    @property
    def applicants(self) -> str:
        return self.term.extra.get("applicants", "")

    @property
    def purpose(self) -> str:
        return self.term.extra.get("purpose", "")


def by_title(cases) -> tuple[Case, ...]:
    """Cases in title order."""
    return tuple(sorted(cases, key=lambda c: c.title))


def grants(content: Content) -> list[Grant]:
    """Every scheme in the grants vocabulary, in file order, with the cases that used it."""
    vocab = content.ctx.vocabularies.get("grants")
    cases = content.cases.values()
    terms = vocab.terms if vocab else ()
    return [Grant(t, by_title(c for c in cases if t.id in c.grants)) for t in terms]


def grant(content: Content, grant_id: str) -> Grant | None:
    """One scheme, or None when the id is not in the vocabulary."""
    return next((g for g in grants(content) if g.term.id == grant_id), None)


@dataclass(frozen=True)
class Contact:
    """A role in an organisation named by one or more cases (never a private person)."""

    role: str
    organisation: str
    cases: tuple[Case, ...]


def contacts(content: Content) -> list[Contact]:
    """Every distinct (role, organisation) the cases name, by organisation then role."""
    found: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in content.cases.values():
        if case.contact and (case.contact.role or case.contact.organisation):
            found[(case.contact.role, case.contact.organisation)].append(case)
    keys = sorted(found, key=lambda k: (k[1].lower(), k[0].lower()))
    return [Contact(role, org, by_title(found[(role, org)])) for role, org in keys]


def contacts_by(content: Content, group: str) -> list[tuple[str, list[Contact]]]:
    """The contacts grouped by theme label or by fylke (a contact may stand in several groups)."""
    groups: dict[str, list[Contact]] = defaultdict(list)
    themes = content.ctx.vocabularies.get("themes")
    for contact in contacts(content):
        names: set[str] = set()
        for case in contact.cases:
            if group == "tema":
                names |= {themes.label_of(t) if themes else t for t in case.themes}
            else:
                names |= set(case.fylker) or {NO_FYLKE}
        for name in names:
            groups[name].append(contact)
    order = _group_order(content, group)
    return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


def _group_order(content: Content, group: str) -> dict[str, int]:
    """Vocabulary order for themes, register order for fylker."""
    if group == "tema":
        vocab = content.ctx.vocabularies.get("themes")
        return {t.label: i for i, t in enumerate(vocab.terms if vocab else ())}
    register = content.ctx.register
    return {f.name: i for i, f in enumerate(register.fylker if register else ())}


def evidence_rank(content: Content, case: Case) -> int:
    """The position of the case's evidence level, strongest first (unknown last)."""
    vocab = content.ctx.vocabularies.get("evidence")
    ids = [t.id for t in (vocab.terms if vocab else ())]
    return ids.index(case.evidence) if case.evidence in ids else len(ids)


def best(content: Content, cases, n: int = BEST_PER_APPROACH) -> list[Case]:
    """The n best cases: strongest evidence, then a named kommune, then newest, then title."""

    def key(c: Case):
        return (evidence_rank(content, c), not c.places, -(c.updated or dt.date.min).toordinal())

    return sorted(by_title(cases), key=key)[:n]


def entry_points(content: Content) -> list[tuple[Term, int, list[Case]]]:
    """Menon's five entry points, each with its number of cases and its best three."""
    vocab = content.ctx.vocabularies.get("approaches")
    out = []
    for term in vocab.terms if vocab else ():
        cases = [c for c in content.cases.values() if term.id in c.approaches]
        out.append((term, len(cases), best(content, cases)))
    return out


def grants_to_look_at(content: Content) -> list[Grant]:
    """Schemes a kommune without områdesatsing can use: those open to it, used by cases first."""
    open_ones = [g for g in grants(content) if g.term.id not in CLOSED_SCHEMES]
    return sorted(open_ones, key=lambda g: -len(g.cases))


# Schemes given only to kommuner the state has chosen (not open to a kommune that applies).
CLOSED_SCHEMES = ("tilskudd-omradesatsing", "bygdevekstavtaler")
