"""The `kb` command: a thin face over kb, indexer and web. Exit 0 ok, 1 problems, 2 usage."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kb import settings

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="gode-grep", prog_name="kb")
def cli() -> None:
    """Gode grep: kunnskapsbase og søk for god praksis i kommunene."""


def content_option(f):
    """The --content option shared by the commands that read content/."""
    return click.option("--content", "content_dir", type=click.Path(path_type=Path),
                        default=lambda: settings.path("CONTENT_DIR"), show_default="content/",
                        help=settings.BY_NAME["CONTENT_DIR"].help)(f)


def sources_option(f):
    """The --sources option: extra folders holding the registered report files."""
    return click.option("--sources", "source_dirs", multiple=True,
                        type=click.Path(path_type=Path, file_okay=False),
                        help="Mappe med kildefilene (kan gis flere ganger). "
                             "Standard: ../shared/seeds når den finnes, og KB_SOURCES.")(f)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Advarsler teller som feil (brukes i CI).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@content_option
@sources_option
def validate(paths, strict, fmt, content_dir, source_dirs) -> None:
    """Sjekk grep-filer (standard: hele content/) og vis alle problemer."""
    from kb.loader import load_content
    from kb.problems import has_failures

    root = _content_root(paths, content_dir)
    for p in paths:
        if not p.exists():
            raise click.UsageError(f"{p} finnes ikke")
    content = load_content(root, list(paths) or None, tuple(source_dirs))
    problems = content.problems
    failed = has_failures(problems, strict)
    if fmt == "json":
        click.echo(json.dumps({"ok": not failed, "cases": len(content.cases),
                               "problems": [p.to_dict() for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        for p in problems:
            click.echo(str(p), err=False)
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        click.echo(f"{len(content.cases)} grep er i orden; {errors} feil, {warnings} advarsler"
                   + (" (--strict: advarsler teller som feil)" if strict and warnings else ""),
                   err=True)
    sys.exit(1 if failed else 0)


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
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=None,
              help="Mappen filen skrives til (standard: content/grep).")
@content_option
def new(title, case_id, kommuner, region, themes, target_groups, actors, evidence, source_id,
        section, lines, folder, content_dir) -> None:
    """Lag et nytt grep fra en mal (spør når noe mangler og du sitter ved en terminal)."""
    from kb.new import suggest_id, write_case

    ask = sys.stdin.isatty()
    title = title or (click.prompt("Tittel") if ask else None)
    source_id = source_id or (click.prompt("Kilde-id (fra content/sources/)") if ask else None)
    if not lines and ask:
        lines = (click.prompt("Første linje i kilden", type=int),
                 click.prompt("Siste linje i kilden", type=int))
    if not title or not source_id or not lines:
        raise click.UsageError("oppgi --title, --source og --lines (eller kjør i en terminal)")
    case_id = case_id or suggest_id(title)
    if ask and not themes:
        themes = tuple(click.prompt("Tema-id-er, skilt med komma", default="bolig").split(","))
    source = {"source": source_id, "section": section or "?", "lines": list(lines)}
    fields = {"id": case_id, "title": title, "kommuner": kommuner, "region": region,
              "themes": [t.strip() for t in themes] or ["bolig"],
              "target_groups": list(target_groups) or ["kommuner"],
              "actors": list(actors) or ["kommune"], "evidence": evidence, "source": source}
    try:
        path = write_case(folder or content_dir / "grep", fields)
    except FileExistsError:
        click.echo(f"{folder or content_dir / 'grep'}/{case_id}.md finnes allerede — "
                   "velg en annen id med --id; ingenting er overskrevet", err=True)
        sys.exit(1)
    click.echo(str(path))


@cli.command("settings")
@click.option("--markdown", is_flag=True, help="Skriv tabellen som står i docs/innstillinger.md.")
def settings_cmd(markdown) -> None:
    """Vis alle innstillinger (miljøvariabler) med standardverdi og forklaring."""
    if markdown:
        click.echo(settings.markdown_table(), nl=False)
        return
    for s in settings.SETTINGS:
        click.echo(f"{s.env}={settings.get(s.name)}\n    {s.help}")


def main() -> None:
    """Entry point for the console script."""
    cli()


if __name__ == "__main__":
    main()
