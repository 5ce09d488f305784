"""Run MkDocs on the generated docs folder, then add sitemap.xml and robots.txt."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from kb import settings
from kb.errors import ContentError

ROOT = Path(__file__).resolve().parents[2]
BASE_CONFIG = ROOT / "mkdocs.yml"
HOOKS = Path(__file__).with_name("hooks.py")
NAV = (
    ("Start", "index.md"),
    ("Grep", "grep/index.md"),
    ("Tema", "tema/index.md"),
    ("Målgrupper", "malgruppe/index.md"),
    ("Fylker", "fylke/index.md"),
    ("Innganger", "innganger/index.md"),
    ("Kilder", "kilder/index.md"),
    ("Søk", "sok/index.md"),
)
SEARCHES = ("pagefind", "lunr")  # lunr only for comparison (bench/bench_export.py --search)
LUNR = {"search": {"lang": "no", "separator": r"[\s\-«»,.:;!?()\[\]/]+"}}


def write_config(
    folder: Path, docs: Path, out: Path, site_url: str, repo_url: str, search: str = "pagefind"
) -> Path:
    """The generated MkDocs config: the base config plus this build's folders and nav."""
    config: dict = {
        "INHERIT": str(BASE_CONFIG),
        "docs_dir": str(docs),
        "site_dir": str(out.resolve()),
        "site_url": site_url.rstrip("/") + "/",
        "repo_url": repo_url,
        "edit_uri": "",
        "hooks": [str(HOOKS)],
        "nav": [{label: path} for label, path in NAV],
    }
    if search == "lunr":
        config["plugins"] = [LUNR]
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def run_mkdocs(config: Path, epoch: int, progress: Callable[[str], None]) -> None:
    """`mkdocs build --strict`; raises ContentError with MkDocs' warnings when it fails."""
    env = settings.child_environment(SOURCE_DATE_EPOCH=str(epoch))
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    log = [line for line in done.stderr.splitlines() if line.strip()]
    problems = [line for line in log if line.startswith(("WARNING", "ERROR"))]
    if done.returncode or problems:
        details = "\n".join(problems or log[-20:])
        raise ContentError(f"mkdocs build --strict feilet:\n{details}")
    for line in log:
        if "Documentation built" in line:
            progress("MkDocs: " + line.split("-", 1)[-1].strip())


def run_pagefind(out: Path, progress: Callable[[str], None]) -> None:
    """Index the built site with Pagefind into out/pagefind/ (Norwegian stemming from lang)."""
    cmd = [sys.executable, "-m", "pagefind_bin", "--site", str(out), "--quiet"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise ContentError(f"pagefind feilet:\n{done.stderr.strip() or done.stdout.strip()}")
    progress("Pagefind: søkeindeksen er bygget")


def write_sitemap(out: Path, site_url: str, pages: list[tuple[str, str]]) -> None:
    """sitemap.xml (and its gzip) from (site path, lastmod) pairs, replacing MkDocs' own."""
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
