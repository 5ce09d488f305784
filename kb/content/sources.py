"""The source registry (content/sources/<id>.yaml) and the report files it points to."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

import yaml

from kb.content.model import Source, SourceFile
from kb.content.pages import page_map_problems
from kb.content.problems import Problem
from kb.content.safeyaml import BoundedYAMLError, safe_load

FORMATS = ("pdf", "html", "text")
DEFAULT_SOURCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def default_source_dirs(extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Source directories: the given ones (--sources, KB_SOURCES), then ../shared/seeds."""
    dirs = [Path(p) for p in extra]
    if DEFAULT_SOURCE_DIR.is_dir():
        dirs.append(DEFAULT_SOURCE_DIR)
    seen: list[Path] = []
    for d in dirs:
        if d.resolve() not in [s.resolve() for s in seen]:
            seen.append(d)
    return tuple(seen)


def load_source(path: Path) -> tuple[Source | None, list[Problem]]:
    """Read one registry entry and its optional Markdown description."""
    where = str(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        what, fix = (exc.problem, exc.fix) if isinstance(exc, BoundedYAMLError) else (exc, "")
        return None, [Problem(where, line, "", f"ugyldig YAML: {what}", fix or "rett opp YAML-en")]
    if not isinstance(data, dict) or not data.get("id") or not data.get("title"):
        return None, [Problem(where, 1, "id", "kilden mangler id eller title", "legg dem til")]
    problems: list[Problem] = []
    if data["id"] != path.stem:
        problems.append(
            Problem(
                where,
                1,
                "id",
                f"id «{data['id']}» er ikke filnavnet «{path.stem}»",
                f"bruk id: {path.stem}",
            )
        )
    files = _source_files(where, data.get("files") or (), problems)
    if "page_map" in data:
        problems += page_map_problems(where, text, data["page_map"])
    desc_path = path.with_suffix(".md")
    description = desc_path.read_text(encoding="utf-8") if desc_path.exists() else ""
    known = {k for k in Source.__dataclass_fields__ if k not in ("path", "files", "extra")}
    fields = {k: v for k, v in data.items() if k in known}
    fields["authors"] = tuple(fields.get("authors") or ())
    for key in ("date", "isbn", "issn", "series", "subtitle", "url", "missing", "commissioned_by"):
        fields[key] = "" if fields.get(key) is None else str(fields[key])
    extra = {k: v for k, v in data.items() if k not in known}
    source = Source(path=path, files=files, description=description, extra=extra, **fields)
    return source, problems


def _source_files(where: str, entries, problems: list[Problem]) -> tuple[SourceFile, ...]:
    """The registered files of a source; bad entries are reported and left out."""
    files = []
    for i, f in enumerate(entries):
        if not isinstance(f, dict) or not f.get("path") or not f.get("sha256"):
            problems.append(
                Problem(
                    where,
                    1,
                    f"files[{i}]",
                    "filen mangler path eller sha256",
                    "oppgi path: og sha256:",
                )
            )
            continue
        if not is_inside_path(str(f["path"])):
            problems.append(
                Problem(
                    where,
                    1,
                    f"files[{i}].path",
                    f"stien «{f['path']}» peker ut av kildemappene",
                    "oppgi stien relativt til kildemappen, uten «..» og uten / først",
                )
            )
            continue
        fmt = f.get("format", "text")
        if fmt not in FORMATS:
            problems.append(
                Problem(
                    where,
                    1,
                    f"files[{i}].format",
                    f"ukjent format «{fmt}»",
                    "bruk pdf, html eller text",
                )
            )
        files.append(
            SourceFile(str(f["path"]), str(f["sha256"]).lower(), fmt, str(f.get("note", "")))
        )
    return tuple(files)


def load_sources(folder: Path) -> tuple[dict[str, Source], list[Problem]]:
    """Read every registry entry in a folder."""
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        source, found = load_source(path)
        problems += found
        if source:
            sources[source.id] = source
    return sources, problems


@dataclass(frozen=True)
class LocatedFile:
    """A registered file found on disk; sha_ok is False when its content differs."""

    file: SourceFile
    path: Path
    sha_ok: bool


def is_inside_path(text: str) -> bool:
    """True for a relative path without «..» parts (so it cannot name a file elsewhere)."""
    path = PurePosixPath(text.replace("\\", "/"))
    return bool(text.strip()) and not path.is_absolute() and ".." not in path.parts


def inside(folder: Path, rel: str) -> Path | None:
    """folder/rel resolved (symlinks followed) when it stays inside folder, else None."""
    if not is_inside_path(rel):
        return None
    base = folder.resolve()
    candidate = (base / rel).resolve()
    return candidate if candidate.is_relative_to(base) else None


def locate(source: Source, dirs: tuple[Path, ...]) -> list[LocatedFile]:
    """Find the source's registered files in the source directories (never outside them)."""
    found = []
    for f in source.files:
        for d in dirs:
            candidate = inside(d, f.path)
            if candidate is not None and candidate.is_file():
                found.append(LocatedFile(f, candidate, file_sha256(candidate) == f.sha256))
                break
    return found


@lru_cache(maxsize=64)
def _sha_cached(path: str, mtime: float, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    """The sha256 of a file, cached while the file is unchanged."""
    st = path.stat()
    return _sha_cached(str(path), st.st_mtime, st.st_size)


@lru_cache(maxsize=32)
def _lines_cached(path: str, mtime: float) -> tuple[str, ...]:
    return tuple(Path(path).read_text(encoding="utf-8", errors="replace").split("\n"))


def text_lines(path: Path) -> tuple[str, ...]:
    """The lines of a text source file (index 0 is line 1)."""
    return _lines_cached(str(path), path.stat().st_mtime)
