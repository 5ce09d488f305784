"""`kb` commands that build and serve: index, search, serve, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kb import settings
from kb.cli.group import (
    SettingType,
    cli,
    content_option,
    resolve_config,
    sources_option,
    stop_on_broken,
)


def index_option(f):
    """The --index option: the folder holding the search index."""
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        show_default="index/, eller KB_INDEX_DIR",
        help=settings.BY_NAME["INDEX_DIR"].help,
    )(f)


@cli.command("index")
@click.option(
    "--case",
    "case_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Oppdater bare denne grep-filen i indeksen (kan gis flere ganger).",
)
@sources_option
@content_option
@index_option
def index_cmd(case_files, source_dirs, content_dir, index_dir) -> None:
    """Bygg søkeindeksen av grepene og kildene (eller oppdater enkelte grep med --case)."""
    from indexer.build import build_index, update_case
    from indexer.progress import Progress
    from kb.content.loader import load_content
    from kb.errors import IndexMissing, IndexUnwritable

    config = resolve_config(source_dirs, content_dir=content_dir, index_dir=index_dir)
    content = load_content(config.content_dir, source_dirs=config.sources)
    stop_on_broken(content)
    if case_files:
        for path in case_files:
            action, problems = update_case(
                config.index_dir, path, config.content_dir, config.sources
            )
            for p in problems:
                click.echo(str(p), err=True)
            click.echo(f"{path}: {action}")
        return
    skipped = len({p.file for p in content.problems if p.severity == "error"})
    if skipped:
        click.echo(f"{skipped} filer har feil og er hoppet over — kjør `kb validate`", err=True)
    try:
        stats = build_index(content, config.index_dir, config.sources, Progress(), config=config)
    except (IndexMissing, IndexUnwritable) as exc:  # IndexBroken: the new index failed its check
        click.echo(str(exc), err=True)
        sys.exit(1)
    for problem in stats.problems:
        click.echo(problem, err=True)
    click.echo(stats.summary())
    sys.exit(1 if stats.problems else 0)


def _parse_filters(values) -> dict[str, list[str]]:
    """--filter FIELD=VALUE options as {field: [values]}; a bad one is a usage error."""
    from kb.search.schema import FACETS

    out: dict[str, list[str]] = {}
    for item in values:
        name, _, value = item.partition("=")
        if name.strip() not in FACETS or not value.strip():
            raise click.UsageError(
                f"ugyldig --filter «{item}»: skriv FELT=VERDI, der FELT er "
                f"en av {', '.join(FACETS)}"
            )
        out.setdefault(name.strip(), []).append(value.strip())
    return out


@cli.command("search")
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON (som API-et).")
@click.option(
    "--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="Antall treff."
)
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Side.")
@click.option("--kind", type=click.Choice(["case", "passage"]), help="Bare grep eller bare kilder.")
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="FELT=VERDI",
    help="Avgrens, f.eks. themes=bolig eller kommune=Bergen (kan gis flere ganger).",
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "title"]),
    default="relevance",
    show_default=True,
    help="Rekkefølge.",
)
@index_option
def search_cmd(query, as_json, limit, page, kind, filters, sort, index_dir) -> None:
    """Søk i grep og kilder, slik folk skriver (bøyninger, sammensatte ord, skrivefeil)."""
    from kb.errors import QueryError
    from kb.search.hits import as_text
    from kb.search.searcher import open_searcher

    wanted = _parse_filters(filters)
    config = resolve_config(index_dir=index_dir)
    try:
        result = open_searcher(config.index_dir, config).search(
            " ".join(query), filters=wanted, kind=kind, limit=limit, page=page, sort=sort
        )
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        bold = lambda s: click.style(s, bold=True)  # noqa: E731 - stripped when not a terminal
        click.echo(as_text(result, (page - 1) * limit + 1, bold))


@cli.command("serve")
@click.option(
    "--host",
    default=None,
    show_default="127.0.0.1, eller KB_HOST",
    help=settings.BY_NAME["HOST"].help,
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    show_default="5000, eller KB_PORT",
    help=settings.BY_NAME["PORT"].help,
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Tråder per prosess (samtidige forespørsler i hver).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=None,
    show_default="én per kjerne med gunicorn (Linux/macOS), ellers 1",
    help="Prosesser som svarer (gunicorn); 1 gir én prosess med waitress (også på Windows).",
)
@click.option(
    "--debug", is_flag=True, help="Flasks utviklingsserver med feilsøking (aldri i drift)."
)
@click.option(
    "--watch",
    is_flag=True,
    help="Forhåndsvisning for redaktører: indekserer et grep på nytt når filen lagres, "
    "og viser feilene i filen på siden til grepet.",
)
@sources_option
@content_option
@index_option
def serve(host, port, threads, workers, debug, watch, source_dirs, content_dir, index_dir) -> None:
    """Start nettjenesten; bygger søkeindeksen først hvis den mangler."""
    from kb.cli.serve import run

    config = resolve_config(
        source_dirs, host=host, port=port, content_dir=content_dir, index_dir=index_dir
    )
    run(config, threads, debug, watch, workers)


NO_SITE_URL = (
    "kb export trenger nettstedets offentlige adresse for siteringer, åpne data og sitemap: "
    "gi den med --site-url https://godegrep.example.no, miljøvariabelen KB_SITE_URL "
    "eller site_url i mkdocs.yml."
)


@cli.command("export")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="Mappen nettstedet skrives til (tømmes først).",
)
@click.option(
    "--site-url",
    type=SettingType("SITE_URL"),
    default=None,
    show_default="KB_SITE_URL",
    help="Nettstedets offentlige adresse, med mappen hvis det ligger i en "
    "(https://org.github.io/gode-grep/), brukt i sitemap.xml, siteringer og åpne data (påkrevd).",
)
@click.option("--strict", is_flag=True, help="Stopp hvis noen grep har feil eller advarsler.")
@click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Bruk denne søkeindeksen (fra `kb index`) i stedet for å bygge en ny for eksporten.",
)
@sources_option
@content_option
def export_cmd(out, site_url, strict, index_dir, source_dirs, content_dir) -> None:
    """Bygg et statisk nettsted med nettjenestens sider, søk og åpne data fra content/."""
    import tempfile

    from kb import cite
    from kb.content.loader import load_content
    from web.static_site.site import export_config

    config = resolve_config(source_dirs, content_dir=content_dir, site_url=site_url)
    if not config.site_url and export_config().get("site_url"):
        site_url = configured_site_url()  # mkdocs.yml, the export's own settings
        config = resolve_config(source_dirs, content_dir=content_dir, site_url=site_url)
    if not config.site_url:
        click.echo(NO_SITE_URL, err=True)
        sys.exit(2)
    content = load_content(config.content_dir, None, config.sources)
    stop_on_broken(content)
    cite.store_beside(config.index_dir)  # references of unchanged cases are not formatted again
    for p in content.problems:
        click.echo(str(p), err=True)
    if content.problems:
        click.echo(
            f"{len(content.problems)} problemer i innholdet; grep med feil hoppes over"
            + (" (--strict: stopper)" if strict else ""),
            err=True,
        )
        if strict:
            sys.exit(1)
    with tempfile.TemporaryDirectory(prefix="kb-export-index-") as tmp:
        index = index_dir or export_index(content, config, Path(tmp) / "index")
        result = run_export(content, config, out, index)
    click.echo(
        f"{result.cases} grep og {result.pages} sider skrevet til {result.out} "
        f"({result.files} filer, {result.bytes / 1e6:.1f} MB) på {result.seconds:.1f} s"
    )


def configured_site_url() -> str:
    """site_url in mkdocs.yml, checked like --site-url; a wrong one is exit code 2."""
    from web.static_site.site import export_config

    raw = export_config()["site_url"]
    setting = settings.BY_NAME["SITE_URL"]
    try:
        return setting.check(raw)
    except settings.Invalid as exc:
        click.echo(f"mkdocs.yml: site_url: «{raw}» {exc} — bruk f.eks. {setting.example}", err=True)
        sys.exit(2)


def export_index(content, config: settings.Config, folder: Path) -> Path:
    """A fresh search index of exactly this content, for the export's lists and reports."""
    from indexer.build import build_index
    from indexer.progress import Progress

    click.echo("Bygger søkeindeksen for eksporten …", err=True)
    stats = build_index(content, folder, config.sources, Progress(), config=config)
    for problem in stats.problems:
        click.echo(problem, err=True)
    return folder


def run_export(content, config: settings.Config, out: Path, index: Path):
    """build_site with the CLI's progress; a build error is one message and exit code 1."""
    from kb.errors import ContentError
    from web.static_site import build_site

    try:
        return build_site(
            content,
            out,
            config.site_url,
            config.edit_url,
            config.repo_url,
            lambda m: click.echo(m, err=True),
            index_dir=index,
            epoch=config.source_date_epoch,
        )
    except ContentError as exc:
        click.echo(f"Eksporten feilet: {exc}", err=True)
        sys.exit(1)
