"""Trust at a glance: the line under a case's title (place, source and year, evidence level).

The evidence level is shown on the whole scale of the vocabulary (content/vocabulary/
evidence.yaml, strongest first), so a reader sees where «Praksiserfaring» stands.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.content.loader import Content
from kb.content.model import Case
from web.model.provenance import facts_line
from web.model.results import source_years

NO_PLACE = "Flere steder"


@dataclass(frozen=True)
class Step:
    """One level of the evidence scale, weakest first; filled up to the case's level."""

    id: str
    label: str
    description: str
    filled: bool
    current: bool


@dataclass(frozen=True)
class Trust:
    """What the line under the title says."""

    place: str
    size: str  # the one kommune's population, «24 404 innbyggere i 2024» ("" when unknown)
    facts: str  # «Opplysningene er fra 2014 (Fafo-rapport 2015:08).»
    level: Step | None
    rank: int  # 1 = the weakest level, len(steps) = the strongest
    steps: tuple[Step, ...]


def place_text(case: Case) -> str:
    """The kommuner, else the fylker, else the region: «Bærum», «Østfold, Vestland»."""
    names = case.kommuner or case.fylker or ((case.region,) if case.region else ())
    return ", ".join(names) or NO_PLACE


def kommune_size(case: Case, content: Content) -> str:
    """The population of the case's one kommune («24 404 innbyggere i 2024»); "" for several
    kommuner or none, or when the register does not know it (the fact box lists them all)."""
    register = content.ctx.register
    if len(case.kommuner) != 1 or register is None:
        return ""
    kommune = register.kommune(case.kommuner[0])
    if kommune is None or kommune.population is None:
        return ""
    year = str(register.facts.get("date", ""))[:4]  # the population's year, not the facts'
    people = f"{kommune.population:,}".replace(",", "\u00a0")
    return f"{people} innbyggere i {year}" if year else f"{people} innbyggere"


def evidence_steps(case: Case, content: Content) -> tuple[Step, ...]:
    """The evidence scale from the weakest level to the strongest, filled up to the case's."""
    vocab = content.ctx.vocabularies.get("evidence")
    terms = list(reversed(vocab.terms)) if vocab else []
    ids = [t.id for t in terms]
    at = ids.index(case.evidence) if case.evidence in ids else -1
    return tuple(Step(t.id, t.label, t.description, i <= at, i == at) for i, t in enumerate(terms))


def trust(case: Case, content: Content) -> Trust:
    """The trust line of a case."""
    steps = evidence_steps(case, content)
    level = next((s for s in steps if s.current), None)
    rank = steps.index(level) + 1 if level else 0
    return Trust(
        place=place_text(case),
        size=kommune_size(case, content),
        facts=facts_line(case, content.sources) or f"Kilde: {source_years(case, content)}.",
        level=level,
        rank=rank,
        steps=steps,
    )
