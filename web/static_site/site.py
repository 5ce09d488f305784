"""The export's last steps: Pagefind's search index, sitemap.xml and robots.txt."""

from __future__ import annotations

import gzip
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from kb.errors import ContentError
from web.static_site.stable import stabilise

STATIC = Path(__file__).resolve().parents[1] / "static"  # the service's CSS, JS and icons
CONFIG = Path(__file__).resolve().parents[2] / "mkdocs.yml"  # the export's own settings
PAGEFIND = ["-m", "pagefind_bin"]  # run with this Python: the pagefind-bin package
PAGEFIND_WAIT = 1800  # seconds the export waits for Pagefind after its own files are written


def export_config(path: Path | None = None) -> dict:
    """mkdocs.yml: site_name, site_url and theme ({} when the file is missing)."""
    try:
        return yaml.safe_load((path or CONFIG).read_text("utf-8")) or {}
    except FileNotFoundError:
        return {}


class Pagefind:
    """Pagefind indexing the built site's HTML pages in the background (into out/pagefind/).

    It reads only the HTML files, so the export writes its other files while it runs; leaving
    the `with` block ends it if the export failed before finish(). Norwegian stemming comes
    from the pages' lang.
    """

    def __init__(self, out: Path):
        self.out = out
        self.logs = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # stdout, stderr
        cmd = [sys.executable, *PAGEFIND, "--site", str(out), "--quiet"]
        self.process = subprocess.Popen(cmd, stdout=self.logs[0], stderr=self.logs[1])

    def __enter__(self) -> Pagefind:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for log in self.logs:
            log.close()

    def finish(self, progress: Callable[[str], None]) -> None:
        """Wait for Pagefind; a failure is a build error. Its filter index made reproducible."""
        try:
            failed = self.process.wait(timeout=PAGEFIND_WAIT)
        except subprocess.TimeoutExpired:  # leaving the `with` block ends it
            raise ContentError(f"pagefind ble ikke ferdig på {PAGEFIND_WAIT} sekunder") from None
        if failed:
            stdout, stderr = (self._read(log) for log in self.logs)
            raise ContentError(f"pagefind feilet:\n{stderr or stdout}")
        stabilise(self.out / "pagefind")
        progress("Pagefind: søkeindeksen er bygget")

    @staticmethod
    def _read(log) -> str:
        log.seek(0)
        return log.read().decode("utf-8", "replace").strip()


def write_sitemap(out: Path, site_url: str, pages: list[tuple[str, str]]) -> None:
    """sitemap.xml (and its gzip) from (site path, lastmod) pairs."""
    base = site_url.rstrip("/")
    rows = []
    for url, lastmod in sorted(pages):
        mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        rows.append(f"  <url><loc>{escape(base + url)}</loc>{mod}</url>")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    )
    (out / "sitemap.xml").write_text(xml, "utf-8")
    with gzip.GzipFile(out / "sitemap.xml.gz", "wb", mtime=0) as f:
        f.write(xml.encode())


def write_robots(out: Path, site_url: str) -> None:
    """robots.txt: everything may be crawled; points to the sitemap."""
    sitemap = site_url.rstrip("/") + "/sitemap.xml"
    (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n", "utf-8")
