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


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="github: annotasjoner for GitHub Actions (::error file=…).")
@content_option
@sources_option
def check_cmd(paths, fmt, content_dir, source_dirs) -> None:
    """Sjekk grep før gjennomgang: validate --strict, nesten-duplikater og ubrukte kilder."""
    from kb.check import check, github_line

    for p in paths:
        if not p.exists():
            raise click.UsageError(f"{p} finnes ikke")
    root = _content_root(paths, content_dir)
    content, problems = check(root, list(paths) or None, tuple(source_dirs))
    if fmt == "json":
        click.echo(json.dumps({"ok": not problems, "cases": len(content.cases),
                               "problems": [p.to_dict() for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        for p in problems:
            click.echo(github_line(p) if fmt == "github" else str(p))
        errors = sum(p.severity == "error" for p in problems)
        click.echo(f"{len(content.cases)} grep sjekket; {errors} feil, {len(problems) - errors} "
                   "advarsler" + (" — alt må rettes før fletting" if problems else ""), err=True)
    sys.exit(1 if problems else 0)


@cli.command("suggest")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Skriv kandidatene som JSON.")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 1000),
              help="Antall kandidater.")
@click.option("--write", is_flag=True, help="Skriv utkast til content/utkast/ (overskriver aldri).")
@click.option("--pick", help="Kandidatene som skrives med --write, f.eks. 1,3,5 "
                             "(standard: alle som vises).")
@content_option
@sources_option
def suggest_cmd(source, as_json, limit, write, pick, content_dir, source_dirs) -> None:
    """Finn mulige grep i en rapport (kilde-id eller fil), med sitat, kommuner, aktører og tema."""
    from indexer.extract import extract_source
    from kb.errors import ContentError, ExtractionError
    from kb.loader import load_context
    from kb.sources import text_lines
    from kb.suggest import describe, find_source, rank_candidates

    ctx = load_context(content_dir, tuple(source_dirs))
    try:
        found = find_source(source, ctx)
        if found is None:
            raise click.UsageError(f"«{source}» er verken en registrert kilde-id eller en fil")
        passages = extract_source(found.path, found.id or found.path.stem, found.sha256,
                                  found.format)
    except (ContentError, ExtractionError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    lines = text_lines(found.path) if found.format == "text" else None
    candidates = rank_candidates(passages, ctx, lines)[:limit]
    if as_json:
        click.echo(json.dumps({"candidates": [c.to_dict() for c in candidates]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(describe(i, c) for i, c in enumerate(candidates, 1)))
    if write:
        _write_drafts(candidates, pick, found.id, ctx, content_dir)


def _write_drafts(candidates, pick, source_id, ctx, content_dir: Path) -> None:
    """Write the picked candidates (1-based) as drafts in content/utkast/."""
    from kb.suggest import draft_fields, write_draft

    if source_id is None:
        click.echo("filen er ikke en registrert kilde — registrer den i content/sources/ "
                   "(se CONTRIBUTING.md) før du lager utkast", err=True)
        sys.exit(1)
    try:
        chosen = [int(n) for n in pick.split(",")] if pick else range(1, len(candidates) + 1)
    except ValueError:
        raise click.UsageError(f"--pick «{pick}»: skriv numre med komma, f.eks. 1,3,5") from None
    if any(not 1 <= n <= len(candidates) for n in chosen):
        raise click.UsageError(f"--pick: velg numre mellom 1 og {len(candidates)}")
    taken = {p.stem for p in (content_dir / "grep").glob("*.md")}
    for n in chosen:
        fields = draft_fields(candidates[n - 1], source_id, ctx.register)
        click.echo(f"skrev {write_draft(content_dir / 'utkast', fields, taken)}", err=True)
    click.echo(f"Fyll ut avsnittene merket SKRIV:, og kjør `kb check {content_dir / 'utkast'}`.",
               err=True)


@cli.command("settings")
@click.option("--markdown", is_flag=True, help="Skriv tabellen som står i docs/innstillinger.md.")
def settings_cmd(markdown) -> None:
    """Vis alle innstillinger (miljøvariabler) med standardverdi og forklaring."""
    if markdown:
        click.echo(settings.markdown_table(), nl=False)
        return
    for s in settings.SETTINGS:
        value = settings.get(s.name)
        shown = "(satt, vises ikke)" if s.name == "SECRET_KEY" and value else value
        click.echo(f"{s.env}={shown}\n    {s.help}")


def index_option(f):
    """The --index option: the folder holding the search index."""
    return click.option("--index", "index_dir", type=click.Path(path_type=Path, file_okay=False),
                        default=lambda: settings.path("INDEX_DIR"), show_default="index/",
                        help=settings.BY_NAME["INDEX_DIR"].help)(f)


@cli.command("index")
@click.option("--case", "case_files", multiple=True, type=click.Path(path_type=Path),
              help="Oppdater bare denne grep-filen i indeksen (kan gis flere ganger).")
@sources_option
@content_option
@index_option
def index_cmd(case_files, source_dirs, content_dir, index_dir) -> None:
    """Bygg søkeindeksen av grepene og kildene (eller oppdater enkelte grep med --case)."""
    from indexer.build import build_index, update_case
    from indexer.progress import Progress
    from kb.errors import IndexMissing
    from kb.loader import load_content

    if case_files:
        try:
            for path in case_files:
                action, problems = update_case(index_dir, path, content_dir)
                for p in problems:
                    click.echo(str(p), err=True)
                click.echo(f"{path}: {action}")
        except IndexMissing as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        return
    content = load_content(content_dir, source_dirs=tuple(source_dirs))
    skipped = len({p.file for p in content.problems if p.severity == "error"})
    if skipped:
        click.echo(f"{skipped} filer har feil og er hoppet over — kjør `kb validate`", err=True)
    stats = build_index(content, index_dir, tuple(source_dirs), Progress())
    for problem in stats.problems:
        click.echo(problem, err=True)
    click.echo(stats.summary())
    sys.exit(1 if stats.problems else 0)


def _parse_filters(values) -> dict[str, list[str]]:
    """--filter FIELD=VALUE options as {field: [values]}; a bad one is a usage error."""
    from kb.schema import FACETS

    out: dict[str, list[str]] = {}
    for item in values:
        name, _, value = item.partition("=")
        if name.strip() not in FACETS or not value.strip():
            raise click.UsageError(f"ugyldig --filter «{item}»: skriv FELT=VERDI, der FELT er "
                                   f"en av {', '.join(FACETS)}")
        out.setdefault(name.strip(), []).append(value.strip())
    return out


@cli.command("search")
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON (som API-et).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="Antall treff.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Side.")
@click.option("--kind", type=click.Choice(["case", "passage"]), help="Bare grep eller bare kilder.")
@click.option("--filter", "filters", multiple=True, metavar="FELT=VERDI",
              help="Avgrens, f.eks. themes=bolig eller kommune=Bergen (kan gis flere ganger).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "title"]), default="relevance",
              show_default=True, help="Rekkefølge.")
@index_option
def search_cmd(query, as_json, limit, page, kind, filters, sort, index_dir) -> None:
    """Søk i grep og kilder, slik folk skriver (bøyninger, sammensatte ord, skrivefeil)."""
    from kb.errors import IndexMissing, QueryError
    from kb.hits import as_text
    from kb.search import open_searcher

    wanted = _parse_filters(filters)
    try:
        result = open_searcher(index_dir).search(" ".join(query), filters=wanted, kind=kind,
                                                 limit=limit, page=page, sort=sort)
    except IndexMissing as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        bold = lambda s: click.style(s, bold=True)  # noqa: E731 - stripped when not a terminal
        click.echo(as_text(result, (page - 1) * limit + 1, bold))


@cli.command("serve")
@click.option("--host", default=lambda: settings.get("HOST"), show_default="127.0.0.1",
              help=settings.BY_NAME["HOST"].help)
@click.option("--port", type=int, default=lambda: int(settings.get("PORT")), show_default="5000",
              help=settings.BY_NAME["PORT"].help)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Tråder i waitress (samtidige forespørsler per prosess).")
@click.option("--debug", is_flag=True,
              help="Flasks utviklingsserver med feilsøking (aldri i drift).")
@click.option("--watch", is_flag=True,
              help="Forhåndsvisning for redaktører: indekserer et grep på nytt når filen lagres, "
                   "og viser feilene i filen på siden til grepet.")
@sources_option
@content_option
@index_option
def serve(host, port, threads, debug, watch, source_dirs, content_dir, index_dir) -> None:
    """Start nettjenesten; bygger søkeindeksen først hvis den mangler."""
    from web.serve import run

    run(host, port, threads, debug, content_dir, index_dir, tuple(source_dirs), watch)


@cli.command("export")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Mappen nettstedet skrives til (tømmes først).")
@click.option("--site-url", default=lambda: settings.get("SITE_URL"), show_default="KB_SITE_URL",
              help="Nettstedets adresse, brukt i sitemap.xml og siteringer.")
@click.option("--strict", is_flag=True, help="Stopp hvis noen grep har feil eller advarsler.")
@sources_option
@content_option
def export_cmd(out, site_url, strict, source_dirs, content_dir) -> None:
    """Bygg et statisk nettsted (MkDocs) med søk og åpne data fra content/."""
    from kb.errors import ContentError
    from kb.export import build_site
    from kb.loader import load_content

    content = load_content(content_dir, None, tuple(source_dirs))
    for p in content.problems:
        click.echo(str(p), err=True)
    if content.problems:
        click.echo(f"{len(content.problems)} problemer i innholdet; grep med feil hoppes over"
                   + (" (--strict: stopper)" if strict else ""), err=True)
        if strict:
            sys.exit(1)
    try:
        result = build_site(content, out, site_url, str(settings.get("EDIT_URL")),
                            str(settings.get("REPO_URL")), lambda m: click.echo(m, err=True))
    except ContentError as exc:
        click.echo(f"Eksporten feilet: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{result.cases} grep og {result.pages} sider skrevet til {result.out} "
               f"({result.files} filer, {result.bytes / 1e6:.1f} MB) på {result.seconds:.1f} s")


def main() -> None:
    """Entry point for the console script."""
    cli()


if __name__ == "__main__":
    main()
