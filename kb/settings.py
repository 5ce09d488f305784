"""Every setting, declared once: name, default and help, read by the CLI, the app and docs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """One setting: read from the environment as KB_<NAME>, else the default."""

    name: str
    default: object
    help: str

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return f"KB_{self.name}"


SETTINGS = (
    Setting(
        "CONTENT_DIR", str(ROOT / "content"), "Mappen med grep, kilder, vokabularer og registre."
    ),
    Setting("INDEX_DIR", str(ROOT / "index"), "Mappen der søkeindeksen ligger."),
    Setting("SOURCES", "", "Ekstra mapper med kildefiler (rapportene), skilt med «:»."),
    Setting("HOST", "127.0.0.1", "Adressen `kb serve` lytter på."),
    Setting("PORT", 5000, "Porten `kb serve` lytter på."),
    Setting("MAX_QUERY_CHARS", 500, "Lengste søk som tas imot, i tegn."),
    Setting("MAX_PARAMS", 40, "Flest spørreparametre i én forespørsel."),
    Setting("PAGE_SIZE", 20, "Treff per side i søkeresultatene."),
    Setting("PDF_MAX_PAGES", 400, "Flest sider som leses fra én PDF."),
    Setting("PDF_MAX_SECONDS", 60, "Lengste tid uttrekket av én PDF får bruke, i sekunder."),
    Setting(
        "SITE_URL", "http://127.0.0.1:5000", "Nettstedets adresse, brukt i siteringer og sitemap."
    ),
    Setting(
        "EDIT_URL",
        "https://github.com/gode-grep/gode-grep/edit/main/content/grep/",
        "Adressen for «Rediger denne siden»; filnavnet legges til.",
    ),
    Setting(
        "REPO_URL",
        "https://github.com/gode-grep/gode-grep",
        "Repositoriet der endringer foreslås (pull request).",
    ),
    Setting("DATABASE", str(ROOT / "instance" / "innsendt.sqlite"), "SQLite-filen med forslag."),
    Setting("EMAIL_RETENTION_DAYS", 90, "Dager en e-postadresse i et forslag beholdes."),
    Setting(
        "SECRET_KEY",
        "",
        "Nøkkel som signerer økten til skjemaet «Foreslå et godt grep»; tom gir en tilfeldig "
        "nøkkel per prosess. Flere prosesser må dele samme nøkkel.",
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str, overrides: dict | None = None) -> object:
    """A setting's value: overrides, then the environment, then the default (typed like it)."""
    setting = BY_NAME[name]
    if overrides and name in overrides:
        return overrides[name]
    raw = os.environ.get(setting.env)
    if raw is None:
        return setting.default
    return type(setting.default)(raw) if isinstance(setting.default, int) else raw


def path(name: str, overrides: dict | None = None) -> Path:
    """A setting that names a folder."""
    return Path(str(get(name, overrides)))


def markdown_table() -> str:
    """The settings as the Markdown table in docs/innstillinger.md."""
    rows = ["| miljøvariabel | standard | hva den gjør |", "|---|---|---|"]
    for s in SETTINGS:
        default = str(s.default).replace(str(ROOT), "<repo>")
        rows.append(f"| `{s.env}` | `{default}` | {s.help} |")
    return "\n".join(rows) + "\n"
