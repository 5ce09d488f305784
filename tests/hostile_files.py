"""Hostile files, built on demand (never committed): YAML, PDF and HTML bombs.

Used by tests/test_hostile_input.py and bench/bench_hostile.py.
"""

from __future__ import annotations

import zlib
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID_CASE = FIXTURES / "cases" / "gyldig.md"


def alias_bomb(levels: int) -> str:
    """YAML «billion laughs»: each anchor lists the previous one ten times (10**levels items)."""
    lines = ["lol0: &lol0 [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]"]
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]")
    return "\n".join(lines)


def nested_brackets(depth: int = 600) -> str:
    """A flow list nested `depth` levels deep."""
    return "themes: " + "[" * depth + "bolig" + "]" * depth


def case_with(extra_yaml: str, case_id: str = "gyldig") -> str:
    """The valid fixture case with extra YAML lines put before `updated:`."""
    text = VALID_CASE.read_text("utf-8").replace("id: gyldig", f"id: {case_id}")
    return text.replace("updated:", extra_yaml + "\nupdated:", 1)


def hostile_cases() -> dict[str, str]:
    """name -> case text for every front-matter bomb."""
    return {
        "alias-bomb-7": case_with(alias_bomb(7), "alias-bomb-7"),
        "alias-bomb-9": case_with(alias_bomb(9), "alias-bomb-9"),
        "nested-600": case_with(nested_brackets(600), "nested-600"),
        "duplicate-keys": case_with("status: pågående", "duplicate-keys"),
        "huge-front-matter": case_with("evidence_note: " + "x" * 200_000, "huge-front-matter"),
    }


def pdf_bytes(content: bytes, filters: str = "", extra_objects: list[bytes] = ()) -> bytes:
    """A one-page PDF whose page content stream is `content` (already encoded for `filters`)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d %s>>\nstream\n" % (len(content), filters.encode())
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def zeros_deflated(size: int) -> bytes:
    """`size` zero bytes, deflated in chunks (1 GB becomes about 1 MB) without holding them."""
    comp = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    parts = [comp.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + comp.flush()


def flate_bomb_pdf(size: int = 1 << 30) -> bytes:
    """A PDF whose page content inflates to `size` bytes (1 GB by default)."""
    return pdf_bytes(zeros_deflated(size), "/Filter /FlateDecode ")


def text_operator_pdf(operators: int = 5_000_000) -> bytes:
    """A PDF with millions of text-showing operators on one page (deflated: a few hundred kB)."""
    ops = b"BT /F1 1 Tf 10 10 Td " + b"(a) Tj " * operators + b"ET"
    return pdf_bytes(zlib.compress(ops, 9), "/Filter /FlateDecode ")


def nested_html(depth: int = 100_000) -> str:
    """An HTML page nested `depth` <div> levels deep."""
    return "<html><body>" + "<div>" * depth + "tekst" + "</div>" * depth + "</body></html>"


def operand_pdf(operators: int = 5_000_000) -> bytes:
    """A PDF with millions of cheap path operators (no text) on one page."""
    ops = b"1 1 m " * operators
    return pdf_bytes(zlib.compress(ops, 9), "/Filter /FlateDecode ")


def long_words_case() -> str:
    """The valid case with absurd words in its body: 1 000 × «bolig» and 2 000 000 × «a»."""
    return case_with("").replace("id: gyldig", "id: lange-ord") + (
        "\n" + "bolig" * 1000 + " og " + "a" * 2_000_000 + "\n"
    )


def long_token_text(chars: int = 200_000) -> str:
    """A text report whose one paragraph is a single `chars`-character token."""
    return "# Rapport\n\nInnledning om bolig.\n\n" + "x" * chars + "\n"
