"""The layers, read from the code with ast: kb/ is the core, indexer/ builds, web/ presents.

kb/ (except the CLI face kb/cli/) imports neither indexer/ nor web/; web/ never imports
indexer/; kb/ has no import cycles, counting imports hidden inside functions; and the top of
kb/ stays small enough to show its subpackages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_TOP_LEVEL_MODULES = 12


def module_name(path: Path) -> str:
    """The dotted module name of a file under ROOT."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str) -> dict[str, Path]:
    """Every module of a package by dotted name."""
    return {module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


ALL = modules("kb") | modules("web") | modules("indexer")


def imported(path: Path) -> set[str]:
    """The project modules a file imports anywhere in it (functions included)."""
    found: set[str] = set()
    package = module_name(path).rpartition(".")[0] if path.name != "__init__.py" else None
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                anchor = module_name(path) if path.name == "__init__.py" else package
                anchor = ".".join(
                    (anchor or "").split(".")[: len(anchor.split(".")) - node.level + 1]
                )
                base = f"{anchor}.{base}".strip(".")
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in ALL else base)
    return {name for name in found if name.split(".")[0] in ("kb", "web", "indexer")}


def is_cli(name: str) -> bool:
    return name == "kb.cli" or name.startswith("kb.cli.") or name == "kb.__main__"


def test_the_core_imports_neither_indexer_nor_web():
    breaches = [
        f"{name} imports {dep}"
        for name, path in modules("kb").items()
        if not is_cli(name)
        for dep in imported(path)
        if dep.split(".")[0] in ("indexer", "web")
    ]
    assert breaches == []


def test_web_never_imports_the_indexer():
    breaches = [
        f"{name} imports {dep}"
        for name, path in modules("web").items()
        for dep in imported(path)
        if dep.split(".")[0] == "indexer"
    ]
    assert breaches == []


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle in graph as a list of names (first == last), or []."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return stack[stack.index(dep) :] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        state[node] = 2
        stack.pop()
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


@pytest.mark.parametrize(
    "package",
    ["kb", "indexer", "web"],
)
def test_no_import_cycles(package):
    names = modules(package)
    graph = {
        name: {d for d in imported(path) if d in names and d != name}
        for name, path in names.items()
    }
    # A package's __init__ is imported before its modules; an edge to a package that the
    # package's own modules make is no cycle unless __init__ imports them back.
    assert find_cycle(graph) == []


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_the_top_of_kb_stays_small():
    top = sorted(p.name for p in (ROOT / "kb").glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    assert {"content", "search", "editor", "cli"} <= {
        p.name for p in (ROOT / "kb").iterdir() if (p / "__init__.py").exists()
    }
