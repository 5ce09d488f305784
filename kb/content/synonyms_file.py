"""Check the synonym file (content/vocabulary/synonymer.yaml) before anything uses it."""

from __future__ import annotations

from pathlib import Path

from kb.content.problems import WARNING, Problem
from kb.content.yamlfile import compose, entry, is_list, is_text, line

SYNONYMS_FILE = "synonymer.yaml"
SHAPE = "skriv «groups:» med én liste per gruppe, f.eks. «- [rådmann, kommunedirektør]»"


def check_synonym_file(folder: Path) -> list[Problem]:
    """Every problem in folder/synonymer.yaml, with its line (none when the file is missing)."""
    path = Path(folder) / SYNONYMS_FILE
    if not path.exists():
        return []
    root, problems = compose(path)
    if problems:
        return problems
    where = str(path)
    groups = entry(root, "groups") if root is not None else None
    if groups is None:
        return [Problem(where, 1, "groups", "filen har ingen «groups:»", SHAPE)]
    if not is_list(groups):
        return [Problem(where, line(groups), "groups", "«groups» er ikke en liste", SHAPE)]
    for n, group in enumerate(groups.value):
        name = f"groups[{n}]"
        if not is_list(group):
            problems.append(Problem(where, line(group), name, "gruppen er ikke en liste", SHAPE))
            continue
        for word in group.value:
            if not is_text(word):
                problems.append(
                    Problem(where, line(word), name, "et ord er tomt eller ikke tekst", SHAPE)
                )
        if len(group.value) < 2:
            problems.append(
                Problem(
                    where,
                    line(group),
                    name,
                    "gruppen har bare ett ord og gjør ingenting",
                    "legg til et ord som betyr det samme, eller fjern gruppen",
                    WARNING,
                )
            )
    return problems
