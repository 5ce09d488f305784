"""The short /foresla form: stored in SQLite, CSRF, honeypot, rate limit, and `kb innsendt`."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from webtools import make_app, page, text

from kb import submissions
from kb.cli import cli

SUGGESTION = {
    "what": "Kommunen lot flyktninger øve på boligkjøp i norskopplæringen.",
    "place": "Lillehammer kommune",
    "report": "Fafo-rapport 2015:08",
    "contact": "Voksenopplæringen",
    "email": "tips@example.no",
}


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "instance" / "innsendt.sqlite"


@pytest.fixture
def client(corpus, index_dir, db_path):
    return make_app(corpus, index_dir, DATABASE=str(db_path)).test_client()


def token(client) -> str:
    return page(client.get("/foresla")).select_one("input[name=csrf_token]")["value"]


def send(client, data: dict, address: str = "192.0.2.1"):
    fields = {**data, "csrf_token": token(client)}
    return client.post("/foresla", data=fields, environ_base={"REMOTE_ADDR": address})


def stored(db_path) -> list[submissions.Submission]:
    db = submissions.connect(db_path)
    try:
        return submissions.listing(db)
    finally:
        db.close()


def test_the_short_form_has_five_labelled_fields_and_a_hidden_honeypot(client):
    html = page(client.get("/foresla"))
    form = html.select_one("form.suggest-form")
    assert form["action"] == "/foresla" and form["method"] == "post"
    for name in ("what", "place", "report", "contact", "email"):
        field = form.select_one(f"[name={name}]")
        assert html.select_one(f"label[for={field['id']}]"), name
    trap = form.select_one("input[name=nettsted]")
    assert trap["tabindex"] == "-1" and trap.find_parent(class_="honeypot")["aria-hidden"] == "true"
    assert html.select_one("a[href='/foresla/redaktor']")


def test_a_suggestion_survives_a_restart_and_shows_in_kb_innsendt_list(
    client, corpus, index_dir, db_path, runner
):
    response = send(client, SUGGESTION)
    assert response.status_code == 200
    html = page(response)
    assert text(html.select_one("h1")) == "Takk for forslaget"
    number = int(text(html.select_one(".lead strong")))
    assert not db_path.with_name("other").exists()

    restarted = make_app(corpus, index_dir, DATABASE=str(db_path)).test_client()
    assert restarted.get("/foresla").status_code == 200
    [row] = stored(db_path)
    assert (row.id, row.place, row.email) == (number, "Lillehammer kommune", "tips@example.no")

    result = runner.invoke(cli, ["innsendt", "list", "--database", str(db_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{number}\t")
    assert "Lillehammer kommune" in result.stdout and "1 forslag" in result.stderr


def test_a_post_without_the_token_is_refused_and_stores_nothing(client, db_path):
    client.get("/foresla")
    response = client.post("/foresla", data=SUGGESTION)
    assert response.status_code == 400
    assert "sikkerhetshensyn" in text(page(response).select_one("[role=alert]"))
    assert not db_path.exists() or stored(db_path) == []


def test_a_filled_honeypot_gets_a_receipt_but_nothing_is_stored(client, db_path):
    response = send(client, {**SUGGESTION, "nettsted": "http://spam.example"})
    assert response.status_code == 200
    assert text(page(response).select_one("h1")) == "Takk for forslaget"
    assert not db_path.exists() or stored(db_path) == []


def test_missing_fields_are_named_and_nothing_is_stored(client, db_path):
    response = send(client, {"email": "ikke-en-adresse"})
    assert response.status_code == 400
    html = page(response)
    assert {a["href"] for a in html.select(".error-summary a")} == {
        "#what", "#place", "#report", "#contact", "#email"
    }  # fmt: skip
    assert html.select_one("#place")["aria-invalid"] == "true"
    assert not db_path.exists() or stored(db_path) == []


def test_the_rate_limit_stops_one_address_but_not_another(client, db_path):
    for _ in range(submissions.RATE_LIMIT):
        assert send(client, SUGGESTION).status_code == 200
    refused = send(client, SUGGESTION)
    assert refused.status_code == 429
    assert "mange forslag" in text(page(refused).select_one("[role=alert]"))
    assert send(client, SUGGESTION, address="198.51.100.7").status_code == 200
    assert len(stored(db_path)) == submissions.RATE_LIMIT + 1
    db = sqlite3.connect(db_path)
    addresses = [a for (a,) in db.execute("SELECT address FROM attempts")]
    assert addresses and not any("192.0.2.1" in a for a in addresses)  # only keyed hashes
    db.close()


def test_the_limit_window_passes(tmp_path):
    db = submissions.connect(tmp_path / "db.sqlite")
    start = 1_000_000.0
    assert all(submissions.allow(db, "a", start) for _ in range(submissions.RATE_LIMIT))
    assert not submissions.allow(db, "a", start + 1)
    assert submissions.allow(db, "a", start + submissions.RATE_WINDOW + 1)


def test_migrations_run_once_and_bring_an_old_database_up_to_date(tmp_path):
    path = tmp_path / "db.sqlite"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    old.execute(*submissions.MIGRATIONS[0])
    old.execute("INSERT INTO schema_version VALUES (1)")
    old.execute(
        "INSERT INTO submissions (created, what, place, report) VALUES ('x', 'a', 'b', 'c')"
    )
    old.commit()
    old.close()
    for _ in range(2):
        db = submissions.connect(path)
        versions = [v for (v,) in db.execute("SELECT version FROM schema_version ORDER BY 1")]
        assert versions == list(range(1, len(submissions.MIGRATIONS) + 1))
        assert [s.what for s in submissions.listing(db)] == ["a"]
        db.close()


def test_email_goes_with_the_suggestion_and_after_the_retention_period(tmp_path):
    db = submissions.connect(tmp_path / "db.sqlite")
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    old = submissions.add(db, SUGGESTION, now - dt.timedelta(days=91))
    new = submissions.add(db, SUGGESTION, now - dt.timedelta(days=1))
    assert submissions.forget_emails(db, 90, now) == 1
    assert submissions.get(db, old).email is None
    assert submissions.get(db, new).email == "tips@example.no"
    assert submissions.delete(db, new)
    assert submissions.get(db, new) is None
    assert not db.execute("SELECT 1 FROM submissions WHERE email IS NOT NULL").fetchall()


def test_kb_innsendt_show_draft_and_delete(tmp_path, content_root, runner):
    path = tmp_path / "db.sqlite"
    db = submissions.connect(path)
    number = submissions.add(db, SUGGESTION)
    db.close()
    base = ["--database", str(path)]
    shown = runner.invoke(cli, ["innsendt", "show", str(number), *base])
    assert shown.exit_code == 0 and "Rapporten: Fafo-rapport 2015:08" in shown.stdout
    drafts = []
    for _ in range(2):
        result = runner.invoke(
            cli, ["innsendt", "draft", str(number), *base, "--content", str(content_root)]
        )
        assert result.exit_code == 0, result.output
        drafts.append(result.stdout.split("skrev ", 1)[1].strip())
    first, second = (content_root / "utkast" / d.rsplit("/", 1)[1] for d in drafts)
    assert first != second and first.exists() and second.exists()  # never overwritten
    draft = first.read_text(encoding="utf-8")
    assert "Forslaget sier: " + SUGGESTION["what"] in draft
    assert "Fafo-rapport 2015:08" in draft and "tips@example.no" not in draft
    assert second.read_text(encoding="utf-8").count(f"id: {second.stem}\n") == 1
    deleted = runner.invoke(cli, ["innsendt", "delete", str(number), *base])
    assert deleted.exit_code == 0
    missing = runner.invoke(cli, ["innsendt", "show", str(number), *base])
    assert missing.exit_code == 1 and "kb innsendt list" in missing.stderr


def test_om_says_what_is_stored_and_for_how_long(client):
    html = page(client.get("/om"))
    section = text(html.select_one("#personvern").find_next("ul"))
    assert "E-postadressen" in section and "90 dager" in section
