"""`kb` commands for editors: validate, new, check, suggest, settings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kb import settings
from kb.cli.group import cli, content_option, resolve_config, sources_option


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Advarsler teller som feil (brukes i CI).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@content_option
@sources_option
def validate(paths, strict, fmt, content_dir, source_dirs) -> None:
    """Sjekk grep-filer (standard: hele content/) og vis alle problemer."""
    from indexer.pagetext import pages_text
    from kb.content.loader import load_content
    from kb.content.problems import has_failures

    _check_paths(paths)
    config = resolve_config(source_dirs, content_dir=content_dir)
    root = _content_root(paths, config.content_dir)
    content = load_content(root, list(paths) or None, config.sources, pages_text)
    failed = has_failures(content.problems, strict)
    summary = (
        ""
        if not (strict and any(p.severity != "error" for p in content.problems))
        else (" (--strict: advarsler teller som feil)")
    )
    _report(content, content.problems, fmt, not failed, "grep er i orden", summary)


def _check_paths(paths) -> None:
    """A usage error (exit 2) for a path that does not exist."""
    for p in paths:
        if not p.exists():
            raise click.UsageError(f"{p} finnes ikke")


def _report(content, problems, fmt: str, ok: bool, counted: str, note: str, line=str) -> None:
    """Print problems as text, JSON or annotations, a summary on stderr, and exit 0 or 1."""
    if fmt == "json":
        data = {"ok": ok, "cases": len(content.cases), "problems": [p.to_dict() for p in problems]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for p in problems:
            click.echo(line(p))
        errors = sum(p.severity == "error" for p in problems)
        click.echo(
            f"{len(content.cases)} {counted}; {errors} feil, {len(problems) - errors} advarsler"
            + note,
            err=True,
        )
    sys.exit(0 if ok else 1)


def interactive() -> bool:
    """Whether a person sits at the terminal to answer questions."""
    return sys.stdin.isatty()


def _content_root(paths, content_dir: Path) -> Path:
    """The content root: --content, or a folder given as a path that has grep/ inside."""
    for p in paths:
        if p.is_dir() and (p / "vocabulary").is_dir():
            return p
    return content_dir


@cli.command()
@click.option("--title", help="Tittelen på grepet.")
@click.option("--id", "case_id", help="Fast id; foreslås fra tittelen når den mangler.")
@click.option("--kommune", "kommuner", multiple=True, help="Kommune (kan gis flere ganger).")
@click.option("--region", help="Fylke eller region.")
@click.option("--theme", "themes", multiple=True, help="Tema-id (kan gis flere ganger).")
@click.option("--target-group", "target_groups", multiple=True, help="Målgruppe-id.")
@click.option("--actor", "actors", multiple=True, help="Aktør-id.")
@click.option("--evidence", default="erfaring", show_default=True, help="Evidensnivå-id.")
@click.option("--source", "source_id", help="Kilde-id fra content/sources/.")
@click.option("--section", default="", help="Avsnittsnummer i kilden, f.eks. 4.1.")
@click.option("--lines", nargs=2, type=int, help="Første og siste linje i kilden.")
@click.option(
    "--pages", help="Trykte sider, f.eks. 20-22 (fylles ut fra sidekartet når de mangler)."
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    default=None,
    help="Mappen filen skrives til (standard: content/grep).",
)
@content_option
def new(
    title,
    case_id,
    kommuner,
    region,
    themes,
    target_groups,
    actors,
    evidence,
    source_id,
    section,
    lines,
    pages,
    folder,
    content_dir,
) -> None:
    """Lag et nytt grep fra en mal (spør når noe mangler og du sitter ved en terminal)."""
    from kb.content.fields import ID_PATTERN
    from kb.content.pages import parse_pages_option, registry_page_range
    from kb.editor.new import suggest_id, write_case

    content_dir = resolve_config(content_dir=content_dir).content_dir
    ask = interactive()
    title = title or (click.prompt("Tittel") if ask else None)
    source_id = source_id or (click.prompt("Kilde-id (fra content/sources/)") if ask else None)
    try:
        pages = parse_pages_option(pages) if pages else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pages") from None
    if not lines and not pages and ask:
        lines = (
            click.prompt("Første linje i kilden", type=int),
            click.prompt("Siste linje i kilden", type=int),
        )
    if not title or not source_id or not (lines or pages):
        raise click.UsageError("oppgi --title, --source og --lines (eller kjør i en terminal)")
    case_id = case_id or suggest_id(title)
    if not ID_PATTERN.match(case_id):
        raise click.BadParameter(
            f"«{case_id}» er ikke en gyldig id — bruk små bokstaver a–z, tall og bindestrek, "
            "f.eks. --id oslo-startlan",
            param_hint="--id",
        )
    if ask and not themes:
        themes = tuple(click.prompt("Tema-id-er, skilt med komma", default="bolig").split(","))
    source = {"source": source_id, "section": section or "?"}
    if lines:
        source["lines"] = list(lines)
    pages = pages or registry_page_range(content_dir, source_id, lines)
    if pages:
        source["pages"] = list(pages)
    fields = {
        "id": case_id,
        "title": title,
        "kommuner": kommuner,
        "region": region,
        "themes": [t.strip() for t in themes] or ["bolig"],
        "target_groups": list(target_groups) or ["kommuner"],
        "actors": list(actors) or ["kommune"],
        "evidence": evidence,
        "source": source,
        "as_of": _registry_as_of(content_dir, source_id),
    }
    try:
        path = write_case(folder or content_dir / "grep", fields)
    except FileExistsError:
        click.echo(
            f"{folder or content_dir / 'grep'}/{case_id}.md finnes allerede — "
            "velg en annen id med --id; ingenting er overskrevet",
            err=True,
        )
        sys.exit(1)
    click.echo(str(path))


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github: annotasjoner for GitHub Actions (::error file=…).",
)
@content_option
@sources_option
def check_cmd(paths, fmt, content_dir, source_dirs) -> None:
    """Sjekk grep før gjennomgang: validate --strict, nesten-duplikater og ubrukte kilder."""
    from indexer.pagetext import pages_text
    from kb.editor.check import check, github_line

    _check_paths(paths)
    config = resolve_config(source_dirs, content_dir=content_dir)
    root = _content_root(paths, config.content_dir)
    content, problems = check(root, list(paths) or None, config.sources, pages_text)
    note = " — alt må rettes før fletting" if problems else ""
    line = github_line if fmt == "github" else str
    _report(content, problems, fmt, not problems, "grep sjekket", note, line)


@cli.command("suggest")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Skriv kandidatene som JSON.")
@click.option(
    "--limit",
    default=30,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Antall kandidater.",
)
@click.option("--write", is_flag=True, help="Skriv utkast til content/utkast/ (overskriver aldri).")
@click.option(
    "--pick", help="Kandidatene som skrives med --write, f.eks. 1,3,5 (standard: alle som vises)."
)
@content_option
@sources_option
def suggest_cmd(source, as_json, limit, write, pick, content_dir, source_dirs) -> None:
    """Finn mulige grep i en rapport (kilde-id eller fil), med sitat, kommuner, aktører og tema."""
    from indexer.sources import extract_source
    from kb.content.loader import load_context
    from kb.content.sources import text_lines
    from kb.editor.suggest import describe, find_source, rank_candidates

    config = resolve_config(source_dirs, content_dir=content_dir)
    content_dir = config.content_dir
    ctx = load_context(content_dir, config.sources)
    found = find_source(source, ctx)
    if found is None:
        raise click.UsageError(f"«{source}» er verken en registrert kilde-id eller en fil")
    passages = extract_source(
        found.path,
        found.id or found.path.stem,
        found.sha256,
        found.format,
        max_pages=config.pdf_max_pages,
        max_seconds=config.pdf_max_seconds,
    )
    lines = text_lines(found.path) if found.format == "text" else None
    candidates = rank_candidates(passages, ctx, lines)[:limit]
    if as_json:
        click.echo(
            json.dumps(
                {"candidates": [c.to_dict() for c in candidates]}, ensure_ascii=False, indent=2
            )
        )
    else:
        click.echo("\n".join(describe(i, c) for i, c in enumerate(candidates, 1)))
    if write:
        _write_drafts(candidates, pick, found.id, ctx, content_dir)


def _write_drafts(candidates, pick, source_id, ctx, content_dir: Path) -> None:
    """Write the picked candidates (1-based) as drafts in content/utkast/."""
    from kb.editor.suggest import draft_fields, write_draft

    if source_id is None:
        click.echo(
            "filen er ikke en registrert kilde — registrer den i content/sources/ "
            "(se CONTRIBUTING.md) før du lager utkast",
            err=True,
        )
        sys.exit(1)
    try:
        chosen = [int(n) for n in pick.split(",")] if pick else range(1, len(candidates) + 1)
    except ValueError:
        raise click.UsageError(f"--pick «{pick}»: skriv numre med komma, f.eks. 1,3,5") from None
    if any(not 1 <= n <= len(candidates) for n in chosen):
        raise click.UsageError(f"--pick: velg numre mellom 1 og {len(candidates)}")
    taken = {p.stem for p in (content_dir / "grep").glob("*.md")}
    for n in chosen:
        fields = draft_fields(candidates[n - 1], source_id, ctx.register, ctx.sources[source_id])
        click.echo(f"skrev {write_draft(content_dir / 'utkast', fields, taken)}", err=True)
    click.echo(
        f"Fyll ut avsnittene merket SKRIV:, og kjør `kb check {content_dir / 'utkast'}`.", err=True
    )


@cli.command("settings")
@click.option("--markdown", is_flag=True, help="Skriv tabellen som står i docs/innstillinger.md.")
def settings_cmd(markdown) -> None:
    """Vis og sjekk alle innstillinger: verdien som gjelder, hvor den kommer fra, og forklaring.

    Avslutter med kode 2 og én linje per feil når en innstilling har feil verdi.
    """
    if markdown:
        click.echo(settings.markdown_table(), nl=False)
        return
    config = resolve_config()
    for s in settings.SETTINGS:
        value = settings.shown(config[s.name])
        shown = "(satt, vises ikke)" if s.name == "SECRET_KEY" and value else value
        click.echo(f"{s.env}={shown}  ({config.origins[s.name]})\n    {s.help}")


def _registry_as_of(content_dir: Path, source_id: str) -> int | None:
    """The year the registered source's facts describe, the new case's as_of."""
    from kb.content.sources import load_sources

    registered = load_sources(content_dir / "sources")[0].get(source_id)
    return registered.as_of if registered else None
