"""OCR damage: detection, word repair against the lexicon, and the repaired reading of passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import ocr
from indexer.sources import extract_source
from kb.search import lexicon

CLEAN = (
    "Kommunen har økt innsatsen for barnefamilier som står i fare for å miste boligen. "
    "Aktørene møtes hver måned for å løse utfordringer på tvers av tjenestene, og det er "
    "særlig viktig at både Østfold og Viken deltar. I denne rapporten ser vi på hvordan "
    "samarbeidet kan være til nytte for de ansatte og for familiene."
)


def damage(text: str) -> str:
    """Damage text the way report 001 was: ø → g, å → a, æ → ae, Ø → @, I → |."""
    for good, bad in (("ø", "g"), ("å", "a"), ("æ", "ae"), ("Ø", "@"), ("Å", "A"), ("I ", "| ")):
        text = text.replace(good, bad)
    return text


def test_lexicon_knows_bokmal_words_in_any_case():
    """wordfreq's bokmål list, case-insensitive; unknown words have zipf 0."""
    assert lexicon.is_word("økt") and lexicon.is_word("Aktører")
    assert not lexicon.is_word("aktgrer")
    assert lexicon.zipf("og") > lexicon.zipf("aktører") > 0
    assert not lexicon.is_word("velferdsbolighjelpsteam")
    assert lexicon.zipf("velferdsbolighjelpsteam") == 0


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("gkt", "økt"),
        ("aktgrer", "aktører"),
        ("@stfold", "Østfold"),
        ("veere", "være"),
        ("vaere", "være"),
        ("ogsa", "også"),
        ("Pa", "På"),
        ("lgsninger", "løsninger"),
        ("verktay", "verktøy"),
        ("giennom", "gjennom"),
    ],
)
def test_repair_word(damaged, repaired):
    """Damaged words get the most frequent reading the lexicon knows."""
    assert ocr.repair_word(damaged) == repaired


@pytest.mark.parametrize("word", ["meter", "lese", "far", "NAV", "2020", "kommunen", "Halden"])
def test_real_words_are_kept(word):
    """Words the lexicon knows well (or acronyms, numbers, names) are left alone."""
    assert ocr.repair_word(word) == word


def test_repair_text_standalone_signs_and_punctuation():
    """A lone &, 8, @ or a before a lower-case word is «å»; names with & are kept."""
    text, changed = ocr.repair_text("for & lase, til 8 samordne og | denne (Braun & Clarke).")
    assert text == "for å løse, til å samordne og I denne (Braun & Clarke)."
    assert changed == 4
    assert ocr.repair_text("til 3 kommuner")[0] == "til 3 kommuner"
    assert ocr.repair_text("til 3 reflektere")[0] == "til å reflektere"


def test_damage_is_detected_only_without_special_letters():
    """Long Norwegian text without æ/ø/å is damaged; the clean original and English are not."""
    assert ocr.is_damaged(damage(CLEAN) * 20)
    assert not ocr.is_damaged(CLEAN * 20)
    assert not ocr.is_damaged(damage(CLEAN))  # too short to judge
    assert not ocr.is_damaged("The council met the families to plan the work together. " * 80)


def test_extracted_damaged_text_gets_repaired_reading(tmp_path):
    """Passages of a damaged file keep the original text and carry a repaired reading."""
    path = tmp_path / "skadet.txt"
    paragraphs = [damage(CLEAN)] * 12
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    passages = extract_source(path, "skadet", "x")
    assert passages and all(p.repaired for p in passages)
    first = passages[0]
    assert first.text.startswith("Kommunen har gkt innsatsen")
    assert first.repaired.startswith("Kommunen har økt innsatsen for barnefamilier")
    assert "Aktørene møtes" in first.repaired and "Østfold" in first.repaired


def test_clean_text_gets_no_repaired_reading(tmp_path):
    """Clean text is not touched: `repaired` stays empty."""
    path = tmp_path / "ren.txt"
    path.write_text("\n\n".join([CLEAN] * 12) + "\n", encoding="utf-8")
    assert all(p.repaired == "" for p in extract_source(path, "ren", "x"))


@pytest.mark.seeds
def test_report_001_is_repaired(seeds_dir: Path):
    """Report 001: «gkt», «aktgrer» and «@stfold» read as «økt», «aktører», «Østfold»."""
    passages = extract_source(seeds_dir / "001_9721b27851a48b6d.txt", "001", "x")
    assert all(p.repaired for p in passages)
    repaired = " ".join(p.repaired for p in passages)
    original = " ".join(p.text for p in passages)
    for word in ("økt", "aktører", "Østfold", "være", "også", "på"):
        assert f" {word} " in f" {repaired} ", word
    assert "gkt" in original and " gkt " not in repaired
    assert "aktgrer" not in repaired and "@stfold" not in repaired


@pytest.mark.seeds
def test_clean_reports_are_not_repaired(seeds_dir: Path):
    """Reports with æ/ø/å intact get no repaired reading."""
    for name in ("002_74f5ac91a7bbca78.txt", "004_55901672651bf447.txt"):
        assert all(p.repaired == "" for p in extract_source(seeds_dir / name, name[:3], "x"))
