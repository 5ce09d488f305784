"""The search page's result list: the count a reader can trust and the hits in groups."""

from __future__ import annotations

from dataclasses import dataclass, field

from web.templating import number


@dataclass
class Group:
    """A heading and its hits in relevance order; `more` links to every hit of its kind."""

    title: str
    hits: list[dict] = field(default_factory=list)
    more: tuple[str, int] | None = None  # (URL query, how many) for «Vis alle N grep»


def count_line(result: dict, q: str) -> str:
    """«12 grep og 34 rapportavsnitt for «bolig»», or the fallback named, or «Ingen treff …»."""
    if not result["total"]:
        return "Ingen treff" + (f" for «{q}»" if q else "")
    if result.get("match") == "some":
        return f"Ingen treff på alle ordene for «{q}» — viser treff på noen av dem"
    if not q:
        return f"{number(result['total'])} treff"
    counts = result.get("counts") or {}
    cases, passages = counts.get("case", 0), counts.get("passage", 0)
    parts = [f"{number(cases)} grep"] if cases else []
    parts += [f"{number(passages)} rapportavsnitt"] if passages else []
    line = " og ".join(parts) + f" for «{q}»"
    return line + (" (med de fleste av ordene)" if result.get("match") == "most" else "")


def hit_groups(result: dict, req) -> list[Group]:
    """«Grep» (cases with every word) and «vis alle», «Fra rapportene», then the hits with only
    some of the words; one list when browsing, sorting, filtering by kind, past page 1 or in
    the fallback (whose heading names it).
    """
    hits = result["hits"]
    full = [h for h in hits if not h.get("partial")]
    partial = [h for h in hits if h.get("partial")]
    tail = [Group("Treff på noen av ordene", partial)] if partial else []
    grouped = req.q and req.sort == "relevance" and not req.kind and req.page == 1
    if not grouped or result.get("match") == "some":
        return [Group("", full), *tail]
    cases = [h for h in full if h["kind"] == "case" and not h.get("why", {}).get("missing")]
    rest = [h for h in full if h not in cases]
    n_cases = (result.get("counts") or {}).get("case", 0)
    more = (req.toggle("kind", "case"), n_cases) if n_cases > len(cases) else None
    groups = [Group("Grep", cases, more)] if cases else []
    if rest:
        title = "Fra rapportene" if all(h["kind"] == "passage" for h in rest) else "Flere treff"
        groups.append(Group(title, rest))
    return groups + tail
