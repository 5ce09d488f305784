"""Bounded YAML: no aliases, capped nesting and size, duplicate keys an error.

pyyaml's SafeLoader expands aliases (a 1 kB «billion laughs» costs gigabytes) and composes
nested collections recursively (500 levels of `[` is a RecursionError). Every YAML file the
content holds is read through this loader, so no file can stall or crash a reader.
"""

from __future__ import annotations

import yaml
from yaml.events import AliasEvent

MAX_DEPTH = 20  # a case nests 4 levels (sources[0].lines[1]); registers 3
MAX_BYTES = 2_000_000  # the largest register (kommuner.yaml) is 52 kB


class BoundedYAMLError(yaml.MarkedYAMLError):
    """A limit of the bounded loader was broken; problem and fix are Norwegian."""

    def __init__(self, mark, problem: str, fix: str):
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix

    def __str__(self) -> str:
        where = f"linje {self.problem_mark.line + 1}: " if self.problem_mark else ""
        return f"{where}{self.problem} — {self.fix}"


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, deep nesting and duplicate keys while composing."""

    def __init__(self, stream: str, max_depth: int = MAX_DEPTH):
        super().__init__(stream)
        self.max_depth = max_depth
        self.depth = 0

    def compose_node(self, parent, index):
        """Compose one node; refuse an alias before it can be expanded."""
        if self.check_event(AliasEvent):
            mark = self.peek_event().start_mark
            raise BoundedYAMLError(
                mark,
                "YAML-aliaser (*navn) er ikke tillatt",
                "skriv verdien ut i stedet for å vise til et anker (&navn)",
            )
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                raise BoundedYAMLError(
                    self.peek_event().start_mark,
                    f"YAML-en er nøstet mer enn {self.max_depth} nivåer dypt",
                    "sjekk at hver [ og { lukkes, og skriv feltene flatere",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor):
        """Compose a mapping; a key that appears twice is an error at its second line."""
        node = super().compose_mapping_node(anchor)
        seen: set = set()
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value in seen:
                raise BoundedYAMLError(
                    key.start_mark,
                    f"feltet «{key.value}» står to ganger",
                    "slett det ene, eller slå dem sammen",
                )
            seen.add(key.value)
        return node

    def construct_yaml_timestamp(self, node):
        """A date or time; an impossible one (2024-13-45) is an error at its line."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise BoundedYAMLError(
                node.start_mark,
                f"«{node.value}» er ikke en gyldig dato ({exc})",
                "skriv ÅÅÅÅ-MM-DD",
            ) from None


BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", BoundedLoader.construct_yaml_timestamp)


def check_size(text: str, max_bytes: int) -> None:
    """Refuse a YAML text larger than max_bytes (counted in characters, a lower bound)."""
    if len(text) > max_bytes:
        raise BoundedYAMLError(
            None,
            f"YAML-en er {len(text) // 1000} kB, mer enn grensen på {max_bytes // 1000} kB",
            "del opp filen, eller sjekk at den ikke er limt inn flere ganger",
        )


def safe_load(text: str, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH):
    """yaml.safe_load within the limits; raises a yaml.YAMLError (BoundedYAMLError) otherwise."""
    check_size(text, max_bytes)
    loader = BoundedLoader(text, max_depth)
    try:
        return loader.get_single_data()
    except ValueError as exc:  # e.g. a date such as 2024-13-45
        raise BoundedYAMLError(None, f"ugyldig verdi ({exc})", "rett opp verdien") from None
    finally:
        loader.dispose()
