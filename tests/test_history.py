"""«Endringslogg» and versioned citations, on a real git repository made in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, make_root
from webtools import make_app, page, text

from kb import history
from kb.content.loader import load_content
from web.static_site import build_site

CASE = "lillehammer-startlan"
OLD = "Flyktningfamilier leide dyrt og flyttet ofte mellom kommunale boliger."
NEW = "Flyktningfamilier betalte høy husleie og måtte ofte flytte."


def git(root: Path, *args: str, date: str = "2026-01-05T12:00:00+01:00") -> str:
    """Run git in root with a fixed author and date; returns its output."""
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    cmd = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str, str]:
    """A content root in a git repository whose case was committed twice: (root, old, new)."""
    if shutil.which("git") is None:
        pytest.skip("git er ikke installert")
    root = make_root(tmp_path)
    case = root / "grep" / f"{CASE}.md"
    shutil.copy(FIXTURES / "search" / case.name, case)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Første versjon av startlån")
    case.write_text(case.read_text("utf-8").replace(OLD, NEW), "utf-8")
    git(root, "commit", "-q", "-am", "Rettet utfordringen", date="2026-02-10T12:00:00+01:00")
    first, second = git(root, "log", "--format=%H").split()[::-1]
    return root, first, second


@pytest.fixture
def client(repo, tmp_path):
    """A client of the app on the repository's content (no index: «Lignende grep» falls back)."""
    return make_app(repo[0], tmp_path / "no-index").test_client()


def test_history_lists_every_commit_of_the_file_newest_first(client, repo):
    _root, first, second = repo
    html = page(client.get(f"/grep/{CASE}/historikk"))
    rows = [text(li) for li in html.select(".history-list li")]
    assert len(rows) == 2
    assert rows[0].startswith(f"10. februar 2026 · {second[:7]} · Rettet utfordringen")
    assert rows[1] == f"5. januar 2026 · {first[:7]} · Første versjon av startlån"
    assert [t["datetime"] for t in html.select(".history-list time")] == [
        "2026-02-10",
        "2026-01-05",
    ]
    links = [a["href"] for a in html.select(".history-list a")]
    assert links == [f"/grep/{CASE}?versjon={second[:7]}", f"/grep/{CASE}?versjon={first[:7]}"]


def test_case_page_links_the_history_and_cites_its_version(client, repo):
    second = repo[2]
    html = page(client.get(f"/grep/{CASE}"))
    assert html.find("a", string="Endringslogg")["href"] == f"/grep/{CASE}/historikk"
    assert f"versjon 2026-02-10, {second[:7]}" in text(html.select_one(".case-foot"))
    apa = html.select_one(".cite .cite-text")["data-copy"]
    assert f"(Versjon 2026-02-10, {second[:7]})" in apa
    assert NEW in text(html) and OLD not in text(html)
    bib = client.get(f"/grep/{CASE}/siter.bib").get_data(as_text=True)
    assert f"note = {{Versjon 2026-02-10, {second[:7]}}}" in bib


def test_an_older_version_shows_its_own_text_and_citation(client, repo):
    first = repo[1]
    for rev in (first[:7], first):
        response = client.get(f"/grep/{CASE}?versjon={rev}")
        assert response.status_code == 200
        html = page(response)
        assert OLD in text(html) and NEW not in text(html)
        assert "eldre versjon" in text(html.select_one(".version-notice"))
        apa = html.select_one(".cite .cite-text")["data-copy"]
        assert f"(Versjon 2026-01-05, {first[:7]})" in apa
        assert apa.endswith(f"/grep/{CASE}?versjon={first[:7]}")
    ris = client.get(f"/grep/{CASE}/siter.ris?versjon={first[:7]}").get_data(as_text=True)
    assert f"ET  - 2026-01-05, {first[:7]}" in ris


@pytest.mark.parametrize("rev", ["zzzzzzz", "abc", "0" * 40, "A" * 7, "1234567-"])
def test_unknown_or_malformed_versions_are_404_in_norwegian(client, rev):
    response = client.get(f"/grep/{CASE}?versjon={rev}")
    assert response.status_code == 404
    assert "Vi fant ingen versjon" in text(page(response).select_one(".error-page"))


def test_without_git_the_history_page_says_it_is_unavailable(tmp_path):
    root = make_root(tmp_path)  # a plain folder, as in an installed package
    shutil.copy(FIXTURES / "search" / f"{CASE}.md", root / "grep")
    client = make_app(root, tmp_path / "no-index").test_client()
    response = client.get(f"/grep/{CASE}/historikk")
    assert response.status_code == 200
    assert "Endringsloggen er ikke tilgjengelig" in text(page(response).select_one("article"))
    assert client.get(f"/grep/{CASE}?versjon=abcdef0").status_code == 404
    html = page(client.get(f"/grep/{CASE}"))
    assert "(Versjon 2026-03-01)" in html.select_one(".cite .cite-text")["data-copy"]


def test_an_untracked_case_file_has_no_history_yet(repo, tmp_path):
    root = repo[0]
    shutil.copy(FIXTURES / "search" / "bergen-bustad.md", root / "grep")
    client = make_app(root, tmp_path / "no-index").test_client()
    html = page(client.get("/grep/bergen-bustad/historikk"))
    assert "ikke lagret i versjonshistorikken" in text(html.select_one("article"))


def test_folder_history_and_text_at_read_the_repository(repo):
    root, first, second = repo
    revisions = history.folder_history(root / "grep")[f"{CASE}.md"]
    assert [r.rev for r in revisions] == [second, first]
    assert history.find(revisions, first[:9]) == revisions[1]
    assert OLD in history.text_at(root / "grep", f"{CASE}.md", revisions[1])
    assert history.folder_history(root.parent / "not-a-folder") is None


def test_the_export_carries_the_version_in_its_citations(repo, tmp_path):
    from indexer.build import build_index

    root, _first, second = repo
    content = load_content(root, source_dirs=(FIXTURES / "seeds",))
    build_index(content, tmp_path / "index")
    out = tmp_path / "site"
    site = "https://godegrep.example.no"
    build_site(
        content, out, site, "https://e.invalid/", "https://e.invalid", index_dir=tmp_path / "index"
    )
    folder = out / "grep" / CASE
    assert f"Versjon 2026-02-10, {second[:7]}" in (folder / "index.html").read_text("utf-8")
    assert f"Versjon 2026-02-10, {second[:7]}" in (folder / "siter.bib").read_text("utf-8")


def test_a_version_that_fails_todays_checks_is_explained_not_a_500(repo, tmp_path):
    root = repo[0]
    case = root / "grep" / f"{CASE}.md"
    good = case.read_text("utf-8")
    case.write_text(good.replace("evidence: erfaring", "evidence: mirakel"), "utf-8")
    git(root, "commit", "-q", "-am", "Ugyldig evidens", date="2026-03-01T12:00:00+01:00")
    broken = git(root, "log", "-1", "--format=%h", "--abbrev=7").strip()
    case.write_text(good, "utf-8")
    git(root, "commit", "-q", "-am", "Rettet evidens", date="2026-03-02T12:00:00+01:00")
    client = make_app(root, tmp_path / "no-index").test_client()
    response = client.get(f"/grep/{CASE}?versjon={broken}")
    assert response.status_code == 200
    article = text(page(response).select_one("article"))
    assert f"Versjonen fra 1. mars 2026 ({broken}) kan ikke vises" in article
    assert "mirakel" in article
