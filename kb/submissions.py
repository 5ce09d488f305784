"""Suggestions sent through /foresla, kept in SQLite: storage, migrations, rate limit, drafts.

The web form writes here and `kb innsendt` reads here, so this lives in kb/, not web/.
E-mail addresses are the only personal data: deleted with the suggestion, or after
EMAIL_RETENTION_DAYS. Request addresses are kept only as keyed hashes, for one hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.content.model import PLACEHOLDER
from kb.editor.new import HINTS, render_text, suggest_id

# Numbered steps, each a tuple of statements; step n runs once, when schema_version is below n.
# Append new steps, never edit old ones.
MIGRATIONS = (
    (
        """CREATE TABLE submissions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created TEXT NOT NULL,             -- ISO timestamp, UTC
            what TEXT NOT NULL,                -- what was done
            place TEXT NOT NULL,               -- where: kommune, fylke or organisation
            report TEXT NOT NULL,              -- link to or name of the report
            contact TEXT NOT NULL DEFAULT '',  -- who to ask: a role in the organisation
            email TEXT                         -- optional, NULL after the retention period
        )""",
    ),
    (
        "CREATE TABLE attempts (address TEXT NOT NULL, at REAL NOT NULL)",
        "CREATE INDEX attempts_by_address ON attempts (address, at)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
)
RATE_LIMIT = 5  # suggestions per address …
RATE_WINDOW = 3600.0  # … per this many seconds
MAX_CHARS = {"what": 4000, "place": 200, "report": 500, "contact": 200, "email": 254}


@dataclass(frozen=True)
class Submission:
    """One stored suggestion."""

    id: int
    created: str
    what: str
    place: str
    report: str
    contact: str
    email: str | None


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating the file and folder on first use) and bring the schema up to date."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10, isolation_level=None)  # autocommit; BEGIN below
    db.execute("PRAGMA journal_mode=WAL")
    migrate(db)
    return db


def migrate(db: sqlite3.Connection) -> int:
    """Run the migration steps not yet applied; the schema version after."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    version = row[0] or 0
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        db.execute("BEGIN IMMEDIATE")
        current = db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
        if current < number:  # another process may have got here first
            for statement in step:
                db.execute(statement)
            db.execute("INSERT INTO schema_version VALUES (?)", (number,))
        db.execute("COMMIT")
    return len(MIGRATIONS)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def add(db: sqlite3.Connection, fields: dict[str, str], when: dt.datetime | None = None) -> int:
    """Store a suggestion; the new id."""
    values = {k: (fields.get(k) or "").strip()[:n] for k, n in MAX_CHARS.items()}
    cur = db.execute(
        "INSERT INTO submissions (created, what, place, report, contact, email) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ((when or now_utc()).isoformat(), *(values[k] for k in MAX_CHARS if k != "email"),
         values["email"] or None),
    )  # fmt: skip
    return int(cur.lastrowid)


def listing(db: sqlite3.Connection) -> list[Submission]:
    """Every stored suggestion, oldest first."""
    rows = db.execute("SELECT * FROM submissions ORDER BY id").fetchall()
    return [Submission(*row) for row in rows]


def get(db: sqlite3.Connection, number: int) -> Submission | None:
    row = db.execute("SELECT * FROM submissions WHERE id = ?", (number,)).fetchone()
    return Submission(*row) if row else None


def delete(db: sqlite3.Connection, number: int) -> bool:
    """Delete a suggestion (and with it its e-mail address); whether it existed."""
    return db.execute("DELETE FROM submissions WHERE id = ?", (number,)).rowcount > 0


def forget_emails(db: sqlite3.Connection, days: int, when: dt.datetime | None = None) -> int:
    """Remove e-mail addresses older than `days`; how many were removed."""
    cutoff = ((when or now_utc()) - dt.timedelta(days=days)).isoformat()
    sql = "UPDATE submissions SET email = NULL WHERE email IS NOT NULL AND created < ?"
    return db.execute(sql, (cutoff,)).rowcount


def _address_key(db: sqlite3.Connection, address: str) -> str:
    """A keyed hash of a request address (the key is random per database), never the address."""
    row = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
    if row is None:
        db.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_hex(16),))
        row = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
    return hmac.new(row[0].encode(), address.encode(), hashlib.sha256).hexdigest()


def allow(db: sqlite3.Connection, address: str, now: float | None = None) -> bool:
    """Count one attempt from an address; False when it is over RATE_LIMIT in RATE_WINDOW."""
    now = time.time() if now is None else now
    key = _address_key(db, address)
    db.execute("BEGIN IMMEDIATE")
    db.execute("DELETE FROM attempts WHERE at < ?", (now - RATE_WINDOW,))
    (count,) = db.execute("SELECT COUNT(*) FROM attempts WHERE address = ?", (key,)).fetchone()
    if count < RATE_LIMIT:
        db.execute("INSERT INTO attempts VALUES (?, ?)", (key, now))
    db.execute("COMMIT")
    return count < RATE_LIMIT


def draft_text(s: Submission) -> str:
    """A draft case for a suggestion: what it says where it belongs, SKRIV: for the rest."""
    title = " ".join(s.what.split()[:8]).rstrip(",.;:")
    meta = {
        "id": suggest_id(title),
        "title": f"{PLACEHOLDER} {title}",
        "summary": f"{PLACEHOLDER} {s.what}",
        "places": [],
        "region": s.place,
        "status": "ukjent",
        "themes": [],
        "target_groups": [],
        "actors": ["kommune"],
        "evidence": "erfaring",
        "sources": [{"source": f"{PLACEHOLDER} {s.report}", "section": "?"}],
        "contact": {"role": s.contact or f"{PLACEHOLDER} rolle", "organisation": s.place},
        "updated": dt.date.today(),
    }
    sections = {name: f"{PLACEHOLDER} {hint}" for name, hint in HINTS.items()}
    sections["Slik gjorde de det"] = f"{PLACEHOLDER} Forslaget sier: {s.what}"
    note = f"# Utkast fra forslag nr. {s.id} ({s.created}). Sjekk mot rapporten før publisering.\n"
    text = render_text(meta, sections)
    return text.replace("---\n", "---\n" + note, 1)


def write_draft(folder: Path, s: Submission) -> Path:
    """Write the draft under a free file name (id, id-2, …); never overwrites a file."""
    folder.mkdir(parents=True, exist_ok=True)
    text = draft_text(s)
    base = yaml.safe_load(text.split("---\n")[1])["id"]
    for n in range(1, 100):
        name = base if n == 1 else f"{base}-{n}"
        try:
            with open(folder / f"{name}.md", "x", encoding="utf-8") as fh:
                fh.write(text.replace(f"id: {base}\n", f"id: {name}\n", 1))
            return folder / f"{name}.md"
        except FileExistsError:
            continue
    raise FileExistsError(f"fant ikke et ledig filnavn for {base} i {folder}")
