"""A case's best section: the share of the query's clauses that one section (## heading) has.

A case is long and shares a word with many queries; its concepts may each stand in a
different section, which says less than all of them in one. A case's text (stored as plain
text) is cut at the lines that are a section heading of the case model, each section's terms
read with the index's analyzer once per segment (kept across readers by the engine).
"""

from __future__ import annotations

import numpy as np

from kb.content.model import SECTION_ORDER
from kb.search import schema as f

# Among the candidates, a case's score times exp(SECTION_WEIGHT × (best share − 1)): a case
# whose clauses all stand in one section (or in its title or summary) keeps its score (0: off).
SECTION_WEIGHT = 0.0
HEADINGS = frozenset(SECTION_ORDER)


def case_sections(text: str, process) -> list[frozenset[str]]:
    """The terms of each section of a case's plain text (process: the field's process_text)."""
    sections, lines = [], []
    for line in [*text.splitlines(), next(iter(HEADINGS))]:
        if line.strip() in HEADINGS:
            if lines:
                sections.append(frozenset(process("\n".join(lines), mode="index")))
            lines = []
        else:
            lines.append(line)
    return sections


def segment_sections(sub, process) -> dict[int, list[frozenset[str]]]:
    """{case document in its segment: its sections' terms} of one segment."""
    out = {}
    for doc in range(sub.doc_count_all()):
        stored = sub.stored_fields(doc)
        if stored.get(f.KIND) == "case":
            out[doc] = case_sections(stored.get(f.TEXT_FIELD) or "", process)
    return out


def has_clause(need, terms: frozenset[str]) -> bool:
    """Whether a section's terms meet a clause: every word of one of its phrases, or all its
    compound parts."""
    if any(phrase and terms.issuperset(phrase) for phrase in need.phrases):
        return True
    return bool(need.parts) and terms.issuperset(need.parts)


def section_lift(matches, candidates: np.ndarray, is_case, sections_of) -> np.ndarray:
    """Each candidate's factor: exp(SECTION_WEIGHT × (s − 1)) for a case, s its best
    section's share of the clauses (a clause in the title or summary counts in every section);
    1 for a passage. sections_of(doc) gives a case's sections."""
    out = np.ones(len(candidates), dtype=np.float32)
    if not SECTION_WEIGHT or len(matches) < 2:
        return out
    for i, doc in enumerate(candidates.tolist()):
        if not is_case[doc]:
            continue
        head = [bool(m.head[doc]) for m in matches]
        best = max(
            (
                sum(h or has_clause(m.need, terms) for h, m in zip(head, matches, strict=True))
                for terms in sections_of(doc)
            ),
            default=sum(head),
        )
        # Tried (round 9, all off): best − 1 (a penalty), best − whole (scattering only), best.
        out[i] = np.exp(SECTION_WEIGHT * (best / len(matches) - 1))
    return out
