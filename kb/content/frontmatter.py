"""Split a Markdown file into YAML front matter and body, keeping line numbers for every field."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from kb.content.safeyaml import BoundedLoader, BoundedYAMLError, check_size

MAX_BYTES = 64_000  # the largest case's front matter is under 7 kB
Path_ = tuple  # a path into the metadata, e.g. ("places", 0, "kommune")


@dataclass(frozen=True)
class Scalar:
    """Where a scalar value stands in the file and how it was written."""

    line: int
    text: str
    quoted: bool


@dataclass
class FrontMatter:
    """Parsed front matter: the data, the body and where everything stands."""

    meta: dict
    body: str
    body_line: int
    lines: dict = field(default_factory=dict)  # Path_ -> 1-based line of the key or item
    scalars: dict = field(default_factory=dict)  # Path_ -> Scalar

    def line_of(self, *path) -> int:
        """The line of a field, or of its nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 2 if self.meta else 1


class FrontMatterError(ValueError):
    """The front matter is missing or is not valid YAML."""

    def __init__(self, line: int, message: str, fix: str):
        super().__init__(message)
        self.line = line
        self.message = message
        self.fix = fix


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (yaml text, body, body start line); raises FrontMatterError without front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            1, "filen mangler YAML-forside", "start filen med en linje «---», feltene, og «---»"
        )
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise FrontMatterError(
        1, "YAML-forsiden avsluttes aldri", "legg til en linje med bare «---» etter siste felt"
    )


def parse_front_matter(text: str) -> FrontMatter:
    """Parse a YAML-fronted Markdown text; raises FrontMatterError on bad YAML."""
    head, body, body_line = split_front_matter(text.lstrip("\ufeff"))
    try:
        check_size(head, MAX_BYTES)
        loader = BoundedLoader(head)  # reads the whole text: refuses control characters here
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, head) from None
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, head) from None
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        raise FrontMatterError(
            2, "forsiden er ikke en liste av felt", "skriv feltene som «navn: verdi»"
        )
    fm = FrontMatter(meta=meta, body=body, body_line=body_line)
    if node is not None:
        _walk(node, (), fm)
    return fm


# pyyaml's problem texts, in words an editor understands, with the fix.
_YAML_PROBLEMS = (
    (
        "mapping values are not allowed",
        "kolon (:) inne i en verdi uten anførselstegn",
        "sett verdien i anførselstegn",
    ),
    ("found character '\\t'", "tabulator i innrykket", "bruk mellomrom, ikke tabulator"),
    ("expected ',' or ']'", "en liste i [ ] lukkes ikke riktig", "avslutt listen med ]"),
    ("end of stream", "et anførselstegn lukkes aldri", "legg til det avsluttende anførselstegnet"),
    (
        "expected <block end>",
        "innrykket eller anførselstegnene stemmer ikke",
        "sjekk innrykket og at hvert anførselstegn lukkes",
    ),
)


def _yaml_error(exc: yaml.YAMLError, head: str) -> FrontMatterError:
    """Turn a pyyaml error into a message with the file line and a fix."""
    if isinstance(exc, yaml.reader.ReaderError):
        return FrontMatterError(
            head[: exc.position].count("\n") + 2,
            f"ugyldig tegn (kode {exc.character:#x}) i YAML-forsiden",
            "slett tegnet; kontrolltegn kan ikke stå i filen",
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if isinstance(exc, BoundedYAMLError):
        return FrontMatterError(mark.line + 2 if mark else 2, exc.problem, exc.fix)
    if "flow" in str(getattr(exc, "context", "")):  # an unclosed [ ] or { }: point at its start
        mark = exc.context_mark
    line = mark.line + 2 if mark else 2
    problem = str(getattr(exc, "problem", None) or exc)
    unbalanced = _unbalanced_quote_line(head, line)
    if unbalanced:
        return FrontMatterError(
            unbalanced,
            "ugyldig YAML: anførselstegnet på linjen lukkes aldri",
            'legg til det avsluttende anførselstegnet (")',
        )
    for needle, what, fix in _YAML_PROBLEMS:
        if needle in problem:
            return FrontMatterError(line, f"ugyldig YAML: {what}", fix)
    return FrontMatterError(
        line,
        f"ugyldig YAML: {problem}",
        "sjekk innrykk og anførselstegn (verdier med kolon eller # i anførselstegn)",
    )


def _unbalanced_quote_line(head: str, up_to: int) -> int | None:
    """The first file line up to up_to whose double quotes do not pair up, if any."""
    for i, text in enumerate(head.split("\n")[: max(0, up_to - 1)]):
        stripped = text.split(" #")[0].replace('\\"', "")
        if stripped.count('"') % 2 and "'" not in stripped:
            return i + 2
    return None


def _walk(node: yaml.Node, path: tuple, fm: FrontMatter) -> None:
    """Record the line of every key and list item below node (lines are file lines)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            fm.lines[sub] = key.start_mark.line + 2
            _walk(value, sub, fm)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = path + (i,)
            fm.lines[sub] = item.start_mark.line + 2
            _walk(item, sub, fm)
    elif isinstance(node, yaml.ScalarNode):
        fm.scalars[path] = Scalar(node.start_mark.line + 2, node.value, node.style is not None)
