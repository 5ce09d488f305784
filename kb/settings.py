"""Every setting, declared once (name, type, default, help), and the one Config resolved from them.

Resolution order: the defaults, then the instance file (instance/config.py), then the
environment (KB_<NAME>), then the caller's mapping (CLI flags, or create_app(config)). Every
wrong value is reported at once, as one Norwegian line each; this is the only module that
reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from kb.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_FILE = ROOT / "instance" / "config.py"


class Invalid(ValueError):
    """A raw value a parser cannot take; the message says what is wrong («er ikke et tall»)."""


def parse_int(raw: object) -> int:
    """A whole number: 5000."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        float(text.replace(",", "."))
    except ValueError:
        raise Invalid("er ikke et tall") from None
    raise Invalid("er ikke et helt tall")


def parse_float(raw: object) -> float:
    """A number, with a decimal point or comma: 1.5 or 1,5."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    try:
        return float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise Invalid("er ikke et tall") from None


def parse_path(raw: object) -> Path:
    """A folder or file; ~ is the home folder."""
    text = str(raw).strip()
    if not text:
        raise Invalid("er tom")
    return Path(text).expanduser()


def parse_paths(raw: object) -> tuple[Path, ...]:
    """Folders separated by the path separator («:»), or a list of them."""
    items = str(raw).split(os.pathsep) if isinstance(raw, str | Path) else list(raw)
    return tuple(Path(str(p).strip()).expanduser() for p in items if str(p).strip())


def parse_url(raw: object) -> str:
    """An absolute http(s) address."""
    text = str(raw).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid("er ikke en adresse som begynner med http:// eller https://")
    return text


def parse_optional_url(raw: object) -> str:
    """An absolute http(s) address, or empty (then the request's own address is used)."""
    return parse_url(raw) if str(raw).strip() else ""


def parse_site_url(raw: object) -> str:
    """The site's address: http(s), a host and maybe a folder, no «?» or «#»; or empty.

    Pages add their own paths to it («/grep/x»), so a query or fragment would end up in the
    middle of every link.
    """
    text = parse_optional_url(raw)
    if "?" in text or "#" in text:
        raise Invalid("har «?» eller «#», men nettstedets adresse er bare vert og eventuell mappe")
    return text


def parse_bool(raw: object) -> bool:
    """Yes or no: 1/0, ja/nei, true/false, on/off."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "ja", "true", "yes", "on"):
        return True
    if text in ("0", "nei", "false", "no", "off", ""):
        return False
    raise Invalid("er verken ja eller nei")


def parse_str(raw: object) -> str:
    """Any text."""
    return str(raw)


def optional(parse: Callable[[object], object]) -> Callable[[object], object]:
    """A parser that also takes an empty value, as None."""

    def parse_or_none(raw: object) -> object:
        return None if raw is None or str(raw).strip() == "" else parse(raw)

    parse_or_none.__doc__ = parse.__doc__
    return parse_or_none


@dataclass(frozen=True)
class Setting:
    """One setting: its type (parser), default, help, an example, and its environment name."""

    name: str
    parse: Callable[[object], object]
    default: object
    help: str
    example: str = ""
    minimum: float | None = None
    env_name: str = ""

    @property
    def env(self) -> str:
        """The environment variable that sets it (KB_<NAME> unless declared otherwise)."""
        return self.env_name or f"KB_{self.name}"

    def check(self, raw: object) -> object:
        """The typed value; raises Invalid when raw is not of the setting's type or too small."""
        value = self.parse(raw)
        if self.minimum is not None and value is not None and value < self.minimum:
            raise Invalid(f"er mindre enn {self.minimum:g}")
        return value

    def problem(self, raw: object, exc: Invalid) -> str:
        """The one line a wrong value gives: «KB_PORT: «abc» er ikke et tall — bruk f.eks. 5000»."""
        return f"{self.env}: «{raw}» {exc} — bruk f.eks. {self.example or self.default}"


SETTINGS = (
    Setting(
        "CONTENT_DIR",
        parse_path,
        ROOT / "content",
        "Mappen med grep, kilder, vokabularer og registre.",
        "content",
    ),
    Setting("INDEX_DIR", parse_path, ROOT / "index", "Mappen der søkeindeksen ligger.", "index"),
    Setting(
        "SOURCES",
        parse_paths,
        (),
        "Ekstra mapper med kildefiler (rapportene), skilt med «:».",
        "../shared/seeds:/data/rapporter",
    ),
    Setting("HOST", parse_str, "127.0.0.1", "Adressen `kb serve` lytter på.", "0.0.0.0"),
    Setting("PORT", parse_int, 5000, "Porten `kb serve` lytter på.", minimum=0),
    Setting("MAX_QUERY_CHARS", parse_int, 500, "Lengste søk som tas imot, i tegn.", minimum=1),
    Setting("MAX_PARAMS", parse_int, 40, "Flest spørreparametre i én forespørsel.", minimum=1),
    Setting("PAGE_SIZE", parse_int, 20, "Treff per side i søkeresultatene.", minimum=1),
    Setting("PDF_MAX_PAGES", parse_int, 400, "Flest sider som leses fra én PDF.", minimum=1),
    Setting(
        "PDF_MAX_SECONDS",
        parse_float,
        60.0,
        "Lengste tid uttrekket av én PDF får bruke, i sekunder (desimaltall går an).",
        "60 eller 1.5",
        minimum=0,
    ),
    Setting(
        "SITE_URL",
        parse_site_url,
        "",
        "Nettstedets offentlige adresse, brukt i siteringer, åpne data og sitemap; tom gir "
        "adressen forespørselen kom til. Den kan ha en mappe (https://org.github.io/gode-grep/), "
        "men ikke «?» eller «#». `kb export` krever den (eller `--site-url`).",
        "https://godegrep.example.no eller https://org.github.io/gode-grep/",
    ),
    Setting(
        "TRUSTED_PROXIES",
        parse_int,
        0,
        "Antall mellomtjenere foran tjenesten som X-Forwarded-* stoles på.",
        minimum=0,
    ),
    Setting(
        "EDIT_URL",
        parse_url,
        "https://github.com/gode-grep/gode-grep/edit/main/content/grep/",
        "Adressen for «Rediger denne siden»; filnavnet legges til.",
    ),
    Setting(
        "REPO_URL",
        parse_url,
        "https://github.com/gode-grep/gode-grep",
        "Repositoriet der endringer foreslås (pull request).",
    ),
    Setting(
        "DATABASE",
        parse_path,
        ROOT / "instance" / "innsendt.sqlite",
        "SQLite-filen med forslag fra det korte skjemaet.",
        "instance/innsendt.sqlite",
    ),
    Setting(
        "EMAIL_RETENTION_DAYS",
        parse_int,
        90,
        "Dager en e-postadresse i et forslag beholdes.",
        minimum=0,
    ),
    Setting(
        "FEEDBACK_EMAIL",
        parse_str,
        "tilbakemelding@godegrep.example.no",
        "E-postadressen for tilbakemeldinger (tilgjengelighetserklæringen på /om). Standarden er "
        "en plassholder: sett en ekte funksjonsadresse før tjenesten publiseres.",
        "postmottak@kommune.no",
    ),
    Setting(
        "SECRET_KEY",
        parse_str,
        "",
        "Nøkkel som signerer økten til skjemaet «Foreslå et godt grep»; tom gir en tilfeldig "
        "nøkkel per prosess. Flere prosesser må dele samme nøkkel.",
        "en lang tilfeldig tekst",
    ),
    Setting(
        "SOURCE_DATE_EPOCH",
        optional(parse_int),
        None,
        "Tidspunktet (sekunder siden 1970) `kb export` stempler sidene med, for like bygg; "
        "tom gir datoen til det sist oppdaterte grepet.",
        "1767225600",
        env_name="SOURCE_DATE_EPOCH",
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}
TYPE_NAMES = {
    parse_int: "heltall",
    parse_float: "tall",
    parse_path: "mappe",
    parse_paths: "mapper",
    parse_url: "adresse",
    parse_site_url: "adresse (kan stå tom)",
    parse_bool: "ja/nei",
    parse_str: "tekst",
}


@dataclass(frozen=True)
class Config:
    """The resolved settings: config["PORT"] or config.port; origins say where each came from."""

    values: Mapping[str, object]
    origins: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def __getattr__(self, name: str) -> object:
        if name.startswith("_") or name in ("values", "origins"):
            raise AttributeError(name)
        try:
            return self.values[name.upper()]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, origin: str = "kommandolinjen", **values: object) -> Config:
        """A copy with some settings given already typed (CLI flags); None leaves one as it is."""
        given = {k: v for k, v in values.items() if v is not None}
        unknown = sorted(set(given) - set(BY_NAME))
        if unknown:
            raise KeyError(f"unknown settings: {', '.join(unknown)}")
        return Config(
            MappingProxyType({**self.values, **given}),
            MappingProxyType({**self.origins, **dict.fromkeys(given, origin)}),
        )


def defaults() -> Config:
    """Every setting at its default (library use without a resolved Config)."""
    return Config(
        MappingProxyType({s.name: s.default for s in SETTINGS}),
        MappingProxyType(dict.fromkeys(BY_NAME, "standard")),
    )


def read_instance_file(path: Path) -> tuple[dict, list[str]]:
    """The upper-case names an instance file (Python, as Flask's) sets, and its problems."""
    if not path.is_file():
        return {}, []
    scope: dict = {"__file__": str(path)}
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), scope)
    except SyntaxError as exc:
        return {}, [f"{path}:{exc.lineno}: {exc.msg} — rett opp Python-koden"]
    except Exception as exc:  # the file is the operator's code; any failure is theirs to fix
        return {}, [f"{path}: kan ikke kjøres ({exc}) — rett opp Python-koden"]
    return {k: v for k, v in scope.items() if k.isupper()}, []


def resolve(
    overrides: Mapping | None = None,
    environ: Mapping[str, str] | None = None,
    instance_file: Path | None = INSTANCE_FILE,
) -> Config:
    """Defaults → instance file → environment → overrides; raises ConfigError with every problem."""
    environ = os.environ if environ is None else environ
    from_file, problems = read_instance_file(instance_file) if instance_file else ({}, [])
    layers = (
        (from_file, str(instance_file), lambda s: s.name),
        (environ, "miljøet", lambda s: s.env),
        (overrides or {}, "oppgitt", lambda s: s.name),
    )
    config = defaults()
    values, origins = dict(config.values), dict(config.origins)
    for layer, origin, key in layers:
        for s in SETTINGS:
            if key(s) not in layer:
                continue
            raw = layer[key(s)]
            try:
                values[s.name], origins[s.name] = s.check(raw), origin
            except Invalid as exc:
                problems.append(s.problem(raw, exc))
    if problems:
        raise ConfigError(problems)
    return Config(MappingProxyType(values), MappingProxyType(origins))


def get(name: str, overrides: dict | None = None) -> object:
    """One setting's value from a fresh resolution (for code not yet handed a Config)."""
    return resolve(overrides)[name]


def path(name: str, overrides: dict | None = None) -> Path:
    """A setting that names a folder (for code not yet handed a Config)."""
    return Path(str(get(name, overrides)))


def child_environment(**extra: str) -> dict[str, str]:
    """This process's whole environment plus extra, for a child process (mkdocs)."""
    return {**os.environ, **extra}


def shown(value: object) -> str:
    """A value as `kb settings` and the docs show it."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return os.pathsep.join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def markdown_table() -> str:
    """The settings as the Markdown table in docs/innstillinger.md."""
    rows = ["| miljøvariabel | type | standard | hva den gjør |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = shown(s.default).replace(str(ROOT), "<repo>")
        kind = TYPE_NAMES.get(s.parse, "heltall (kan stå tom)")
        rows.append(f"| `{s.env}` | {kind} | `{default}` | {s.help} |")
    return "\n".join(rows) + "\n"
