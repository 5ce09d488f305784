"""The Norwegian analysis: stems, å/ø/æ, compounds, stop words, synonyms and query parsing."""

from __future__ import annotations

import pytest
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StandardAnalyzer, StemFilter

from kb.search.analysis import analyzer, compound_parts, language, stem
from kb.search.query import parse
from kb.search.synonyms import SynonymTable, load_groups, phrase_stems, vocabulary_dir


def texts(text: str, **kwargs) -> list[str]:
    return [t.text for t in analyzer(**kwargs)(text)]


@pytest.mark.parametrize("code", ["nb", "nn", "no", "NB", None])
def test_norwegian_codes_map_to_whoosh_no(code):
    assert language(code) == "no"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("boligene", "bolig"),
        ("flyktningenes", "flyktning"),
        ("kommunene", "kommune"),
        ("flyktningane", "flyktning"),
    ],
)
def test_inflections_share_a_stem_where_the_standard_analyzer_does_not(a, b):
    assert texts(a, compounds=False) == texts(b, compounds=False)
    plain = StandardAnalyzer()
    assert [t.text for t in plain(a)] != [t.text for t in plain(b)]


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"),
    [
        ("vanskeleg", "vanskelig"),
        ("offentlege", "offentlige"),
        ("tryggleik", "tryggleik"),
        ("openheit", "openhet"),
        ("tydelegare", "tydeligere"),
    ],
)
def test_regular_nynorsk_endings_share_the_bokmal_stem(nynorsk, bokmal):
    assert texts(nynorsk, compounds=False) == texts(bokmal, compounds=False)
    assert stem(nynorsk) == stem(bokmal)


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"), [("openheit", "openhet"), ("tydelegare", "tydeligere")]
)
def test_snowball_alone_does_not_join_these_nynorsk_forms(nynorsk, bokmal):
    plain = RegexTokenizer() | LowercaseFilter() | StemFilter(lang="no")
    assert [t.text for t in plain(nynorsk)] != [t.text for t in plain(bokmal)]


@pytest.mark.parametrize(
    ("a", "b"), [("bål", "bal"), ("mål", "mal"), ("sær", "saer"), ("søke", "soke")]
)
def test_norwegian_letters_stay_distinct_in_clean_text(a, b):
    assert texts(a) != texts(b)
    assert set("åøæ") & set("".join(texts(f"{a} {b}")))


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("barnefattigdom", ["barn", "fattigdom"]),  # linking -e-
        ("levekårsutsatte", ["levekår", "utsatte"]),  # linking -s-
        ("kommunalbolig", ["kommunal", "bolig"]),
        ("barnevernstjenesten", ["barnevern", "tjenesten"]),  # fewer, longer parts preferred
        ("tjenesteinnovasjon", ["tjeneste", "innovasjon"]),  # "tjenest" is no word: -e- stays
    ],
)
def test_compounds_split_into_known_parts(word, parts):
    assert compound_parts(word) == parts


@pytest.mark.parametrize(
    "word", ["samarbeid", "kommunen", "forvaltning", "bolig", "aktgrer", "2018-2020", "", "x" * 40]
)
def test_words_that_are_not_compounds_stay_whole(word):
    assert compound_parts(word) == []


def test_compound_parts_are_indexed_at_the_same_position():
    tokens = [(t.text, t.pos) for t in analyzer()("barnefattigdom vokser", positions=True)]
    assert tokens == [("barnefattigdom", 0), ("barn", 0), ("fattigdom", 0), ("voks", 1)]
    assert "fattigdom" not in texts("barnefattigdom", compounds=False)


def test_stop_words_are_dropped_but_one_letter_words_kept():
    assert texts("og i på 0–24") == ["0", "24"]


def test_synonym_file_has_the_renamed_bodies():
    table = SynonymTable.from_groups(load_groups(vocabulary_dir()))
    for a, b in [
        ("Fylkesmannen", "Statsforvalteren"),
        ("rådmann", "kommunedirektør"),
        ("satsing", "satsning"),
        ("bofellesskap", "bofelleskap"),
        ("KMD", "KDD"),
        ("leie til eie", "leie-til-eie"),
        ("0-24-samarbeid", "0–24"),
        ("flyktning", "flykting"),
    ]:
        if phrase_stems(a) == phrase_stems(b):
            continue  # the analyzer alone makes them equal ("leie-til-eie" is "leie til eie")
        n, group = table.match(list(phrase_stems(a)), 0)
        assert n and phrase_stems(b) in group, (a, b)


def test_synonym_table_prefers_the_longest_expression():
    table = SynonymTable.from_groups([["leie til eie", "leiekjøp"], ["eie", "eierskap"]])
    stems = [stem(w) for w in ["leie", "eie", "bolig"]]  # "til" is a stop word
    assert table.match(stems, 0) == (2, [("leie", "eie"), ("leiekjøp",)])
    assert table.match(stems, 1)[0] == 1
    assert SynonymTable.from_json(table.to_json()).by_phrase == table.by_phrase


def test_query_keeps_phrases_and_expands_synonyms():
    table = SynonymTable.from_groups([["Fylkesmannen", "Statsforvalteren"]])
    parsed = parse("«leie til eie» fylkesmannen barnefattigdom", table, 500)
    leie, fylke, barn = parsed.clauses
    assert leie.quoted and leie.alternatives == [("leie", "eie")]
    assert fylke.alternatives == [("fylkesmann",), ("statsforvalter",)]
    assert barn.parts == ["barn", "fattigdom"]


@pytest.mark.parametrize("raw", ['"ubalansert', "((bolig", "bolig\x00\x07\u202e", "bolig OR:*"])
def test_query_syntax_characters_are_ignored(raw):
    parsed = parse(raw, SynonymTable(), 500)
    assert [c.text for c in parsed.clauses][:1] == ["ubalansert" if '"' in raw else "bolig"]
    assert not any(ch in parsed.text for ch in "\x00\x07\u202e")


def test_long_queries_are_cut_with_a_message():
    parsed = parse("bolig " * 2000, SynonymTable(), 500)
    assert len(parsed.text) <= 500
    assert "500" in parsed.message


def test_only_stop_words_gives_a_message():
    parsed = parse("og i på", SynonymTable(), 500)
    assert parsed.clauses == [] and "småord" in parsed.message


@pytest.mark.parametrize(
    ("noun", "verb"),
    [("bosetting", "bosetter"), ("samordning", "samordne"), ("kartleggingen", "kartlegge")],
)
def test_verbal_nouns_share_the_verb_stem(noun, verb):
    assert texts(noun, compounds=False) == texts(verb, compounds=False)
    snowball = RegexTokenizer() | LowercaseFilter() | StemFilter(lang="no")
    assert [t.text for t in snowball(noun)] != [t.text for t in snowball(verb)]


@pytest.mark.parametrize("word", ["ordning", "regning", "ledning", "bolig"])
def test_words_ending_in_ing_without_a_verb_keep_their_stem(word):
    snowball = RegexTokenizer() | LowercaseFilter() | StemFilter(lang="no")
    assert texts(word, compounds=False) == [t.text for t in snowball(word)]
