"""The `kb` click group, its one error handler, and the options and Config its commands share."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from kb import settings
from kb.errors import ConfigError, KbError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# Each command's module, imported when the command is run or listed: `kb search` then loads
# neither Flask nor the editor's modules (each module attaches its commands to the group).
COMMAND_MODULES = {
    **dict.fromkeys(("validate", "new", "check", "suggest", "settings"), "kb.cli.content"),
    **dict.fromkeys(("index", "search", "serve", "export"), "kb.cli.service"),
    "innsendt": "kb.cli.submissions",
}


class KbGroup(click.Group):
    """The group whose invoke is the CLI's one error handler: no tracebacks for user errors.

    Its commands are imported when first asked for (COMMAND_MODULES).

    A wrong setting exits 2, a content, index or query error (KbError) exits 1; each prints
    its message only. `kb --debug …` re-raises instead, with the traceback.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(COMMAND_MODULES[cmd_name])
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KbError as exc:
            if ctx.params.get("debug"):
                raise
            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(line, err=True)
            if isinstance(exc, ConfigError):
                click.echo("Rett innstillingene (se `kb settings`) og prøv igjen.", err=True)
            ctx.exit(2 if isinstance(exc, ConfigError) else 1)


@click.group(cls=KbGroup, context_settings=CONTEXT)
@click.version_option(package_name="gode-grep", prog_name="kb")
@click.option("--debug", is_flag=True, help="Vis hele feilen (traceback) ved feil.")
def cli(debug: bool) -> None:
    """Gode grep: kunnskapsbase og søk for god praksis i kommunene."""


def resolve_config(source_dirs: tuple[Path, ...] = (), **flags: object) -> settings.Config:
    """This command's one Config: defaults → instance/config.py → KB_* → its flags.

    --sources adds folders in front of KB_SOURCES; other flags replace their setting.
    """
    config = settings.resolve().replace(**{k.upper(): v for k, v in flags.items()})
    if source_dirs:
        config = config.replace(SOURCES=tuple(source_dirs) + tuple(config.sources))
    return config


class SettingType(click.ParamType):
    """A flag typed and checked like its setting, with the same Norwegian message."""

    def __init__(self, name: str):
        self.setting = settings.BY_NAME[name]
        self.name = name.lower()

    def convert(self, value, param, ctx):
        try:
            return self.setting.check(value)
        except settings.Invalid as exc:
            self.fail(
                f"«{value}» {exc} — bruk f.eks. {self.setting.example or self.setting.default}"
            )


def content_option(f):
    """The --content option shared by the commands that read content/."""
    return click.option(
        "--content",
        "content_dir",
        type=click.Path(path_type=Path),
        default=None,
        show_default="content/, eller KB_CONTENT_DIR",
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


def stop_on_broken(content) -> None:
    """Print every problem and exit 1 when a vocabulary, synonym or register file is broken.

    Called before index, serve and export start work, so nothing is extracted or written first.
    """
    broken = content.ctx.broken()
    if not broken:
        return
    for problem in broken:
        click.echo(str(problem), err=True)
    click.echo(
        f"{len(broken)} feil i vokabularene, synonymene eller registeret — rett dem og "
        "kjør `kb validate`; ingenting er bygget",
        err=True,
    )
    raise click.exceptions.Exit(1)
