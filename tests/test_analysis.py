"""The Norwegian analysis: stems, å/ø/æ, compounds, stop words, synonyms and query parsing."""

from __future__ import annotations

import pytest
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StandardAnalyzer, StemFilter

from kb.search.analysis import CACHE_SIZE, MAX_WORD, AnalysisInputs, NorwegianAnalysis, language
from kb.search.query import parse


def texts(analysis: NorwegianAnalysis, text: str, **kwargs) -> list[str]:
    return [t.text for t in analysis.analyzer(**kwargs)(text)]


def with_synonyms(analysis: NorwegianAnalysis, *groups: tuple[str, ...]) -> NorwegianAnalysis:
    """The bundled analysis with only these synonym groups."""
    inputs = analysis.inputs
    return NorwegianAnalysis(AnalysisInputs(inputs.parts, inputs.verbs, inputs.domain, groups))


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
def test_inflections_share_a_stem_where_the_standard_analyzer_does_not(analysis, a, b):
    assert texts(analysis, a, compounds=False) == texts(analysis, b, compounds=False)
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
def test_regular_nynorsk_endings_share_the_bokmal_stem(analysis, nynorsk, bokmal):
    assert texts(analysis, nynorsk, compounds=False) == texts(analysis, bokmal, compounds=False)
    assert analysis.stem(nynorsk) == analysis.stem(bokmal)


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"), [("openheit", "openhet"), ("tydelegare", "tydeligere")]
)
def test_snowball_alone_does_not_join_these_nynorsk_forms(nynorsk, bokmal):
    plain = RegexTokenizer() | LowercaseFilter() | StemFilter(lang="no")
    assert [t.text for t in plain(nynorsk)] != [t.text for t in plain(bokmal)]


@pytest.mark.parametrize(
    ("a", "b"), [("bål", "bal"), ("mål", "mal"), ("sær", "saer"), ("søke", "soke")]
)
def test_norwegian_letters_stay_distinct_in_clean_text(analysis, a, b):
    assert texts(analysis, a) != texts(analysis, b)
    assert set("åøæ") & set("".join(texts(analysis, f"{a} {b}")))


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
def test_compounds_split_into_known_parts(analysis, word, parts):
    assert analysis.compound_parts(word) == parts


@pytest.mark.parametrize(
    "word", ["samarbeid", "kommunen", "forvaltning", "bolig", "aktgrer", "2018-2020", "", "x" * 40]
)
def test_words_that_are_not_compounds_stay_whole(analysis, word):
    assert analysis.compound_parts(word) == []


def test_compound_parts_are_indexed_at_the_same_position(analysis):
    analyze = analysis.analyzer()
    tokens = [(t.text, t.pos) for t in analyze("barnefattigdom vokser", positions=True)]
    assert tokens == [("barnefattigdom", 0), ("barn", 0), ("fattigdom", 0), ("voks", 1)]
    assert "fattigdom" not in texts(analysis, "barnefattigdom", compounds=False)


def test_web_addresses_split_into_words_but_numbers_stay_whole(analysis):
    words = texts(analysis, "Husbanken (www.veiviseren.no), kap:3, punkt 2.1 og 1,5 mill.")
    assert {"www", *texts(analysis, "veiviseren")} <= set(words)
    assert not [w for w in words if "." in w and not w.replace(".", "").isdigit()]
    assert {"kap:3", "2.1", "1,5"} <= set(words)


def test_stop_words_are_dropped_but_one_letter_words_kept(analysis):
    assert texts(analysis, "og i på 0–24") == ["0", "24"]


def test_synonym_file_has_the_renamed_bodies(analysis):
    table, phrase_stems = analysis.synonyms, analysis.phrase_stems
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


def test_synonym_table_prefers_the_longest_expression(analysis):
    table = with_synonyms(analysis, ("leie til eie", "leiekjøp"), ("eie", "eierskap")).synonyms
    stems = [analysis.stem(w) for w in ["leie", "eie", "bolig"]]  # "til" is a stop word
    assert table.match(stems, 0) == (2, [("leie", "eie"), ("leiekjøp",)])
    assert table.match(stems, 1)[0] == 1


def test_query_keeps_phrases_and_expands_synonyms(analysis):
    renamed = with_synonyms(analysis, ("Fylkesmannen", "Statsforvalteren"))
    parsed = parse("«leie til eie» fylkesmannen barnefattigdom", renamed, 500)
    leie, fylke, barn = parsed.clauses
    assert leie.quoted and leie.alternatives == [("leie", "eie")]
    assert fylke.alternatives == [("fylkesmann",), ("statsforvalter",)]
    assert barn.parts == ["barn", "fattigdom"]


@pytest.mark.parametrize("raw", ['"ubalansert', "((bolig", "bolig\x00\x07\u202e", "bolig OR:*"])
def test_query_syntax_characters_are_ignored(analysis, raw):
    parsed = parse(raw, with_synonyms(analysis), 500)
    assert [c.text for c in parsed.clauses][:1] == ["ubalansert" if '"' in raw else "bolig"]
    assert not any(ch in parsed.text for ch in "\x00\x07\u202e")


def test_long_queries_are_cut_with_a_message(analysis):
    parsed = parse("bolig " * 2000, with_synonyms(analysis), 500)
    assert len(parsed.text) <= 500
    assert "500" in parsed.message


def test_only_stop_words_gives_a_message(analysis):
    parsed = parse("og i på", with_synonyms(analysis), 500)
    assert parsed.clauses == [] and "småord" in parsed.message


@pytest.mark.parametrize(
    ("noun", "verb"),
    [("bosetting", "bosetter"), ("samordning", "samordne"), ("kartleggingen", "kartlegge")],
)
def test_verbal_nouns_share_the_verb_stem(analysis, noun, verb):
    assert texts(analysis, noun, compounds=False) == texts(analysis, verb, compounds=False)
    snowball = RegexTokenizer() | LowercaseFilter() | StemFilter(lang="no")
    assert [t.text for t in snowball(noun)] != [t.text for t in snowball(verb)]


@pytest.mark.parametrize("word", ["ordning", "regning", "ledning", "bolig"])
def test_words_ending_in_ing_without_a_verb_keep_their_stem(analysis, word):
    snowball = RegexTokenizer() | LowercaseFilter() | StemFilter(lang="no")
    assert texts(analysis, word, compounds=False) == [t.text for t in snowball(word)]


def test_long_compounds_split_without_recursion_up_to_the_limit(analysis):
    word = "bolig" * 12 + "barn"  # 64 letters: split bottom-up, no recursion per part
    assert len(word) == MAX_WORD and analysis.compound_parts(word) == ["bolig"] * 12 + ["barn"]
    assert analysis.compound_parts(word + "s") == []  # longer than any word: left whole
    assert analysis.compound_parts("bolig" * 1000) == []


def test_analysis_caches_belong_to_the_object_and_are_bounded(analysis):
    """Two analyses with different domain words split differently in the same process."""
    inputs = analysis.inputs
    own = NorwegianAnalysis(
        AnalysisInputs(inputs.parts, inputs.verbs, inputs.domain | {"gnurk"}, inputs.synonyms)
    )
    assert analysis.compound_parts("gnurkbolig") == []
    assert own.compound_parts("gnurkbolig") == ["gnurk", "bolig"]
    assert analysis.compound_parts("gnurkbolig") == []
    assert own.key != analysis.key
    assert own._split.cache_info().maxsize == CACHE_SIZE
