"""The `kb` click group and the options its commands share."""

from __future__ import annotations

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
    return click.option(
        "--content",
        "content_dir",
        type=click.Path(path_type=Path),
        default=lambda: settings.path("CONTENT_DIR"),
        show_default="content/",
        help=settings.BY_NAME["CONTENT_DIR"].help,
    )(f)


def sources_option(f):
    """The --sources option: extra folders holding the registered report files."""
    return click.option(
        "--sources",
        "source_dirs",
        multiple=True,
        type=click.Path(path_type=Path, file_okay=False),
        help="Mappe med kildefilene (kan gis flere ganger). "
        "Standard: ../shared/seeds når den finnes, og KB_SOURCES.",
    )(f)
