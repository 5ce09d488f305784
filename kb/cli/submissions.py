"""`kb innsendt`: read the suggestions sent through /foresla and turn one into a draft case."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from kb import settings, submissions
from kb.cli.group import cli, content_option


def database_option(f):
    """--database: the SQLite file (KB_DATABASE)."""
    return click.option(
        "--database",
        "database",
        type=click.Path(path_type=Path, dir_okay=False),
        default=lambda: settings.path("DATABASE"),
        show_default="instance/innsendt.sqlite",
        help=settings.BY_NAME["DATABASE"].help,
    )(f)


@contextlib.contextmanager
def opened(database: Path):
    """The database with e-mail addresses past the retention period removed first."""
    db = submissions.connect(database)
    try:
        submissions.forget_emails(db, int(settings.get("EMAIL_RETENTION_DAYS")))
        yield db
    finally:
        db.close()


def found(db, number: int) -> submissions.Submission:
    """The suggestion with this number, or exit 1 saying how to find the numbers."""
    s = submissions.get(db, number)
    if s is None:
        click.echo(f"fant ikke forslag nr. {number} — se numrene med `kb innsendt list`", err=True)
        raise SystemExit(1)
    return s


@cli.group()
def innsendt() -> None:
    """Forslag sendt inn gjennom skjemaet på /foresla."""


@innsendt.command("list")
@database_option
def list_(database: Path) -> None:
    """Vis alle forslag, eldste først."""
    with opened(database) as db:
        rows = submissions.listing(db)
    for s in rows:
        email = " (e-post)" if s.email else ""
        click.echo(f"{s.id}\t{s.created[:10]}\t{s.place}\t{' '.join(s.what.split())[:70]}{email}")
    click.echo(f"{len(rows)} forslag", err=True)


@innsendt.command()
@click.argument("number", type=int)
@database_option
def show(number: int, database: Path) -> None:
    """Vis ett forslag."""
    with opened(database) as db:
        s = found(db, number)
    for label, value in (
        ("Nummer", s.id),
        ("Sendt", s.created),
        ("Hvor", s.place),
        ("Rapporten", s.report),
        ("Hvem vi kan spørre", s.contact),
        ("E-post", s.email or "ikke oppgitt (eller slettet)"),
    ):
        click.echo(f"{label}: {value}")
    click.echo(f"\nHva ble gjort:\n{s.what}")


@innsendt.command()
@click.argument("number", type=int)
@database_option
@content_option
def draft(number: int, database: Path, content_dir: Path) -> None:
    """Lag et utkast til grep i content/utkast/ fra et forslag (overskriver aldri)."""
    with opened(database) as db:
        s = found(db, number)
    path = submissions.write_draft(content_dir / "utkast", s)
    click.echo(f"skrev {path}")
    click.echo(f"Fyll ut feltene merket SKRIV:, og kjør `kb check {path}`.", err=True)


@innsendt.command()
@click.argument("number", type=int)
@database_option
def delete(number: int, database: Path) -> None:
    """Slett et forslag, med e-postadressen."""
    with opened(database) as db:
        found(db, number)
        submissions.delete(db, number)
    click.echo(f"slettet forslag nr. {number}")
