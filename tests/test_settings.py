"""Every setting is declared once and documented."""

from pathlib import Path

from kb import settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "innstillinger.md"


def test_docs_list_every_setting_as_declared():
    table = DOC.read_text(encoding="utf-8").split("<!-- settings-table -->\n", 1)[1]
    assert table == settings.markdown_table(), "kjør: kb settings --markdown, og oppdater docs"


def test_environment_overrides_default_with_the_type_of_the_default(monkeypatch):
    monkeypatch.setenv("KB_PORT", "8081")
    assert settings.get("PORT") == 8081
    assert settings.get("PORT", {"PORT": 9000}) == 9000
    monkeypatch.delenv("KB_PORT")
    assert settings.get("PORT") == 5000
