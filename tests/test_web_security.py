"""Security: headers, no inline script or style, sanitised Markdown, hostile parameters."""

from __future__ import annotations

from webtools import page, text

from web.model.render import markdown_html
from web.security import CSP

PAGES = (
    "/",
    "/sok?q=bolig",
    "/sok?q=qqqxyzzy",
    "/grep/lillehammer-startlan",
    "/kilder/",
    "/kilder/testkilde",
    "/kart",
    "/om",
    "/finnes-ikke",
)


def test_csp_and_security_headers_on_pages_api_and_errors(client):
    for url in (*PAGES, "/api/sok?q=bolig", "/api/grep.json", "/static/site.css"):
        with client.get(url) as response:
            headers = response.headers
        assert headers["Content-Security-Policy"] == CSP, url
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP


def test_pages_have_no_inline_script_or_style(client):
    for url in PAGES:
        html = page(client.get(url))
        assert all(s.get("src", "").startswith("/static/") for s in html.select("script")), url
        assert not html.select("style") and not html.select("[style]"), url
        assert not [t for t in html.find_all(True) if any(a.startswith("on") for a in t.attrs)]


def test_query_is_escaped_everywhere_it_is_shown(client):
    hostile = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    html = page(client.get("/sok", query_string={"q": hostile}))
    assert not html.select("img") and not html.select("script:not([src])")
    assert hostile in text(html.select_one("#treff-title"))
    assert html.select_one("input#q")["value"] == hostile


def test_too_long_query_and_too_many_parameters_get_a_friendly_400(client):
    long = client.get("/sok", query_string={"q": "bolig " * 100})
    assert long.status_code == 400
    assert "Søket er for langt" in text(page(long).select_one(".lead"))
    many = client.get("/sok?" + "&".join(f"tema=t{i}" for i in range(41)))
    assert many.status_code == 400
    assert "for mange parametre (41)" in text(page(many).select_one(".lead"))
    other = client.get("/om?" + "&".join(f"x{i}=1" for i in range(41)))
    assert other.status_code == 400
    filter_value = client.get("/sok", query_string={"kommune": "x" * 500})
    assert filter_value.status_code == 400


def test_unknown_parameters_and_values_are_ignored_but_malformed_numbers_are_400(client):
    plain = client.get("/api/sok?q=bolig").get_json()
    odd = client.get("/api/sok?q=bolig&hack=1&sort=DROP&type=<x>")
    assert odd.status_code == 200
    data = odd.get_json()
    assert data["total"] == plain["total"] and data["page"] == 1
    for bad in ("-3", "99999999999999", "9" * 5000):
        assert client.get("/api/sok?q=bolig&side=" + bad).status_code == 400
    assert client.get("/api/sok?q=bolig&side=2").get_json()["page"] == 2


def test_path_parameters_are_validated(client):
    for url in (
        "/grep/%3Cscript%3E",
        "/grep/a%20b",
        "/kilder/..",
        "/kilder/UPPER",
        "/api/grep/" + "a" * 200,
        "/innganger/%2e%2e",
    ):
        response = client.get(url)
        assert response.status_code == 404, url


def test_markdown_is_sanitised():
    html = str(
        markdown_html(
            "Tekst <script>alert(1)</script> [lenke](javascript:alert(1)) "
            '<img src=x onerror="alert(1)"> <a href="https://ok.example" onclick="x()">ok</a>\n\n'
            "## Overskrift",
            shift=1,
        )
    )
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert "onclick" not in html and "<img" not in html
    assert '<a href="https://ok.example" rel="noopener noreferrer nofollow">ok</a>' in html
    assert "<h3>Overskrift</h3>" in html


def test_api_is_open_to_other_origins_but_pages_are_not(client):
    assert client.get("/api/grep.json").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_large_pages_are_gzipped_only_for_clients_that_accept_it(client):
    import gzip

    plain = client.get("/kart")
    packed = client.get("/kart", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 3
    small = client.get("/finnes-ikke", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers  # errors and small pages stay plain
    icon = client.get("/static/favicon.svg", headers={"Accept-Encoding": "gzip"})
    assert icon.headers["Content-Encoding"] == "gzip"  # CSS, JS and SVG: see test_web_reader
    icon.close()


def test_large_pages_are_brotli_for_clients_that_accept_it(client):
    import brotli

    plain = client.get("/kart")
    packed = client.get("/kart", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == plain.data
    assert packed.data == brotli.compress(plain.data, quality=5)  # large: compressed once, kept
    unwanted = client.get("/kart", headers={"Accept-Encoding": "gzip, br;q=0"})
    assert unwanted.headers["Content-Encoding"] == "gzip"


def test_a_kept_session_cookie_is_checked_for_key_and_age_on_every_request(app):
    """Sessions keeps decoded cookies: one signed with another key, tampered with or older
    than the session lifetime opens as an empty session, as Flask's own loads() gives it."""
    from datetime import timedelta

    from itsdangerous import TimestampSigner
    from werkzeug.test import EnvironBuilder

    class Old(TimestampSigner):  # signs as if 100 seconds ago
        def get_timestamp(self) -> int:
            return super().get_timestamp() - 100

    sessions = app.session_interface
    signer = sessions.get_signing_serializer(app)
    signer.signer = Old
    cookie = signer.dumps({"csrf_token": "abc"})

    def opened() -> dict:
        environ = EnvironBuilder("/sok", headers={"Cookie": f"session={cookie}"}).get_environ()
        return dict(sessions.open_session(app, app.request_class(environ)))

    assert opened() == {"csrf_token": "abc"}
    assert opened() == {"csrf_token": "abc"}  # kept
    app.permanent_session_lifetime = timedelta(seconds=50)  # the kept cookie is now too old
    assert opened() == {}
    app.permanent_session_lifetime = timedelta(days=31)
    assert opened() == {"csrf_token": "abc"}
    key, app.secret_key = app.secret_key, "another key"
    assert opened() == {}
    app.secret_key = key
    assert opened() == {"csrf_token": "abc"}
    cookie = cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB")
    assert opened() == {}
