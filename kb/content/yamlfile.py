"""Read the YAML files of vocabulary/ as node trees, so every problem can name its line."""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kb.content.problems import Problem


def compose(path: Path) -> tuple[Node | None, list[Problem]]:
    """The file's YAML node tree (None for an empty file), or the problem that stops reading it."""
    try:
        return yaml.compose(path.read_text(encoding="utf-8")), []
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), 1, "", f"kan ikke lese filen ({exc})", "lagre som UTF-8")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [
            Problem(
                str(path),
                mark.line + 1 if mark else 1,
                "",
                f"ugyldig YAML: {what}",
                "rett opp YAML-en (se linjen og den over)",
            )
        ]


def line(node: Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def entry(node: Node, key: str) -> Node | None:
    """The value node of key in a mapping node, or None."""
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
    return None


def is_list(node: Node | None) -> bool:
    """Whether a node is a YAML list."""
    return isinstance(node, SequenceNode)


def is_text(node: Node | None) -> bool:
    """Whether a node is a single value (text or number), not a list or mapping."""
    return isinstance(node, ScalarNode) and node.value.strip() != ""
