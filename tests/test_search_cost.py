"""What makes a search page cheap must not change what it shows: cached results, fast snippets,
facet links built in one pass. (Speed itself is measured in bench/, never asserted here.)"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import nh3
import numpy as np
import pytest
from conftest import live_copy
from markupsafe import Markup, escape
from rankingtools import searcher_over
from werkzeug.datastructures import MultiDict

from indexer.build import update_case
from kb.content.loader import load_content
from kb.content.model import SECTION_ORDER
from kb.search import positional, proximity, snippets, termcache
from kb.search.searcher import open_searcher
from web.model import results
from web.model.params import FILTERS, SearchRequest, facet_blocks, facet_html, parse_request
from web.templating import facet_boxes, facet_items, hit_items, html_escape, snippet

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = (FIXTURES / "seeds",)
TEXTS = (
    "Barnefattigdom i Bergen: bustad og startlån for flyktninger, 2.1 prosent (kap:3).",
    "Kommunen hjelper barnefamiliar med bustad; Fattigdom blant barn minker.",
    "Boligsosialt arbeid, bosetting og samarbeid med NAV-kontoret i kommunen.",
    "İSTANBUL-bolig for flyktninger: lower() lengthens İ, so the text is searched as written.",
    "ſtartlån, BOLIG og \u212abolig (long s, Kelvin sign): case folds beyond lower().",
)
QUERIES = (
    "barnefattigdom",
    "bustad",
    "bosetting av flyktninger",
    "2.1",
    "nav kommunen",
    "bolig",
    "startlån",
)


def scan_every_word(text, terms, analysis, start=0, stop=None):
    """The word-by-word scan the snippets used before: the reference for the fast one."""
    out = []
    for m in snippets.WORD.finditer(text, snippets._word_start(text, start)):
        if stop is not None and m.start() >= stop:
            break
        if analysis.forms(m.group()) & terms:
            out.append(m.span())
    return out


@pytest.mark.parametrize("folded", [False, True], ids=["as-written", "lower-cased"])
@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("query", QUERIES)
def test_fast_snippet_scan_marks_the_same_words(analysis, text, query, folded):
    terms = {form for word in query.split() for form in analysis.forms(word)}
    low = snippets._folded(text) if folded else None
    expected = scan_every_word(text, terms, analysis)
    assert snippets.marked_spans(text, terms, analysis, low=low) == expected
    assert snippets.marked_spans(text, terms, analysis, 20, 60, low) == scan_every_word(
        text, terms, analysis, 20, 60
    )
    first = snippets._first_span(text, terms, analysis, low=low)
    assert first == (expected[0] if expected else None)


def test_fast_snippet_scan_on_the_indexed_texts(index_dir, analysis):
    searcher = open_searcher(index_dir)
    reader = searcher._searcher.reader()
    stored = [reader.stored_fields(d) for d in reader.all_doc_ids()]
    for query in QUERIES:
        terms = searcher.search(query)["hits"] and {
            form for word in query.split() for form in analysis.forms(word)
        }
        for fields in stored:
            text, low = snippets._prepared(fields.get("text") or "")
            assert snippets.marked_spans(
                text, terms or set(), analysis, low=low
            ) == scan_every_word(text, terms or set(), analysis)
    searcher.close()


def requests() -> list[SearchRequest]:
    args = [
        MultiDict(),
        MultiDict([("q", "bolig & barn")]),
        MultiDict([("q", "startlån"), ("tema", "bolig"), ("fylke", "Vestland")]),
        MultiDict([("tema", "bolig"), ("tema", "bosetting"), ("type", "grep"), ("side", "3")]),
        MultiDict([("q", "x"), ("kommune", "Ås"), ("aar", "2020"), ("sort", "nyeste")]),
        MultiDict([("q", "bolig"), ("min_kommune", "Bergen"), ("fylke", "Vestland")]),
        MultiDict([("min_kommune", "Ås"), ("storrelse", ""), ("type", "rapport"), ("side", "2")]),
    ]
    return [parse_request(a, 500) for a in args]


@pytest.mark.parametrize("req", requests())
def test_facet_links_built_in_one_pass_equal_one_by_one(req):
    values = ["bolig", "bosetting", "Ås", "2020", "a&b=c", "Vestland"]
    for name in ["kind", *FILTERS.values()]:
        wanted = ["case", "passage"] if name == "kind" else values
        assert req.toggles(name, wanted) == [req.toggle(name, v) for v in wanted]


@pytest.mark.parametrize("req", requests())
def test_query_strings_equal_urlencode(req):
    odd = replace(req, q=f"{req.q} a&b=c+d %/?# Å ✓", min_kommune=req.min_kommune and "Ås &")
    for one in (req, odd, replace(odd, page=2, sort="title")):
        assert one.query() == "?" + urlencode(list(one._pairs()))


@pytest.mark.parametrize("req", requests())
def test_page_kind_and_sort_links_equal_the_plain_way(req):
    odd = replace(req, q=f"{req.q} type=x&sort=y", min_kommune=req.min_kommune and "type=Ås")
    odder = replace(odd, min_kommune=req.min_kommune and "sort=Ås")
    for one in (req, odd, odder, replace(odd, page=2, sort="title", kind="case")):
        for page in range(1, 5):
            assert one.at_page(page) == replace(one, page=page).query()
        for kind in ("case", "passage"):
            toggled = None if one.kind == kind else kind
            assert one.toggle("kind", kind) == replace(one, kind=toggled, page=1).query()
        for sort in ("relevance", "newest", "title"):
            assert one.sorted_by(sort) == replace(one, sort=sort, page=1).query()


@pytest.mark.parametrize("req", requests())
def test_facet_link_html_is_escaped(req):
    values = [["bolig", 3], ["a&b=c", 2], ["<Ås> \"x\" 'y'", 1]]
    facets = {name: values for name in FILTERS.values()}
    facets["kind"] = [["case", 2], ["passage", 1]]
    for _name, links in facet_blocks(req, facets, lambda _n, v: f"{v} & <{v}>", "/a&b/sok"):
        for link in links:
            href = escape("/a&b/sok" + link.href)
            assert f'href="{href}"' in link.html
            assert f"{escape(link.text)} <span" in link.html


@pytest.mark.parametrize("req", requests())
def test_facet_html_equals_the_facet_blocks(req):
    """The page's links written straight from the values are facet_blocks()' html, for every
    kind of search (filters chosen or not, «Min kommune», odd text) and either path."""
    values = [["bolig", 3], ["a&b=c", 2], ["<Ås> \"x\" 'y'", 1], ["Vestland", 4], ["2020", 1]]
    facets = {name: values for name in FILTERS.values()} | {"grants": []}
    facets["kind"] = [["case", 2], ["passage", 1]]
    for label in (lambda _n, v: f"{v} & <{v}>", lambda n, v: f"{n}: {v}"):
        blocks = facet_blocks(req, facets, label, "/a&b/sok")
        expected = [(name, [link.html for link in links]) for name, links in blocks]
        assert facet_html(req, facets, label, "/a&b/sok") == expected
    for name in FILTERS.values():
        assert req.link_halves(name) == req.halves(name)[:2]


def test_facet_blocks_skip_empty_facets_and_mark_active_values():
    req = parse_request(MultiDict([("q", "bolig"), ("tema", "bolig")]), 500)
    facets = {"kind": [["case", 2]], "themes": [["bolig", 2], ["bosetting", 1]], "fylke": []}
    blocks = facet_blocks(req, facets, lambda name, value: value.upper())
    assert [name for name, _ in blocks] == ["kind", "themes"]
    themes = blocks[1][1]
    assert [(link.text, link.count, link.active) for link in themes] == [
        ("BOLIG", 2, True),
        ("BOSETTING", 1, False),
    ]
    assert themes[0].href == "?q=bolig" and themes[1].href == "?q=bolig&tema=bolig&tema=bosetting"


def test_a_remembered_result_equals_a_fresh_one_and_ignores_spacing(index_dir):
    searcher = open_searcher(index_dir)
    first = searcher.search("startlån  bolig", filters={"fylke": ["Innlandet", "Vestland"]})
    again = searcher.search(" startlån bolig ", filters={"fylke": ["Vestland", "Innlandet"]})
    first.pop("took_ms"), again.pop("took_ms")
    assert again == first
    fresh = open_searcher(index_dir).search(
        "startlån bolig", filters={"fylke": ["Innlandet", "Vestland"]}
    )
    fresh.pop("took_ms")
    assert fresh == first
    searcher.close()


def test_remembered_results_are_dropped_when_one_case_is_updated(corpus, tmp_path):
    root, live, searcher = live_copy(corpus, tmp_path)
    assert searcher.search("hus", kind="case")["total"] == 0
    path = root / "grep" / "lillehammer-startlan.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kjøper bolig med", "kjøper hus med"), encoding="utf-8")
    assert update_case(live, path, root) == ("oppdatert", [])
    assert searcher.search("hus", kind="case")["hits"][0]["id"] == "lillehammer-startlan"
    searcher.close()


def section_by_scanning(fragment, case):
    """The word-by-word section lookup the snippets used before: the reference."""
    run = results.words(fragment)[: results.RUN]
    if len(run) < 2:
        return ""
    n = len(run)
    found = [
        heading
        for heading, md in case.sections
        if any(results.words(md)[i : i + n] == run for i in range(len(results.words(md))))
    ]
    return found[0] if len(found) == 1 else ""


def test_snippet_sections_found_as_text_equal_the_word_scan(corpus):
    content = load_content(corpus, source_dirs=SEEDS)
    checked = 0
    for case in content.cases.values():
        for _heading, md in case.sections:
            ws = results.words(md)
            for start in (0, 3, len(ws) // 2):
                fragment = " ".join(ws[start : start + 6])
                for text in (fragment, fragment[1:], f"{fragment} <mark>x</mark>"):
                    expected = section_by_scanning(text, case)
                    assert results._section_of(text, case) == expected
                    checked += bool(expected)
    assert checked > 20  # most fragments name their section


@pytest.mark.parametrize(
    "html",
    [
        "… kommunen <mark>bosetter</mark> flyktninger &amp; barn &lt;5 år&gt; «sitat» 'a' \"b\" …",
        "<mark>a</mark><mark></mark>",
        "ikke\u00a0brytbart",  # nh3 writes &nbsp;
        "nul\x00 og cr\r",
        "&amp;lt; &quot; &#39; &nbsp; & løs",
        "<mark>uten slutt",
        "<mark><mark>dobbel</mark></mark>",
        '<mark class="x">a</mark><script>alert(1)</script><b>fet</b>',
        "</mark>a<mark>",
        "",
    ],
)
def test_snippet_filter_gives_what_nh3_gives(html):
    assert snippet(html) == nh3.clean(html, tags={"mark"}, attributes={})


PLAIN_HEADINGS = re.compile(  # one pattern of every heading, as before: the reference
    r"(?:^|(?<=\s))(" + "|".join(results._heading_pattern(h) for h in SECTION_ORDER) + r")\s"
)


def parts_by_plain_scan(snippet, case):
    """snippet_parts as it was: every heading of SECTION_ORDER found by one pattern, then
    checked against the case's sections."""
    sections = results._section_words(case)
    cuts = []
    for m in PLAIN_HEADINGS.finditer(snippet):
        heading = " ".join(results.TAG.sub("", m.group(1)).split())
        after = results.words(snippet[m.end() :])[:3]
        if heading in sections and after and sections[heading][: len(after)] == after:
            cuts.append((m.start(), m.end(), heading))
    parts = []
    first = snippet[: cuts[0][0]] if cuts else snippet
    if first.strip():
        parts.append((section_by_scanning(first.removeprefix("… "), case), first))
    for i, (_, end, heading) in enumerate(cuts):
        stop = cuts[i + 1][0] if i + 1 < len(cuts) else len(snippet)
        parts.append((heading, snippet[end:stop]))
    return parts


def odd_snippets(case) -> list[str]:
    """Snippets of a case with its headings where they begin their sections and where they do
    not: marked, glued to a word, at the start, twice, another section's heading."""
    out = ["", "ingen overskrift her", "xResultater er ikke en overskrift, Resultatene heller ikke"]
    sections = list(case.sections)
    for i, (heading, md) in enumerate(sections):
        body = " ".join(md.split()[:8])
        tail = " ".join(sections[i - 1][1].split()[-5:]) if i else "Innledning."
        marked = " ".join(f"<mark>{w}</mark>" for w in heading.split())
        other = sections[i - 1][0]
        word, _, rest = body.partition(" ")
        out += [
            f"… {tail} {heading} {body} …",
            f"{heading} {body}",
            f"{tail} {marked} {body}",
            f"{tail} <mark>{heading}</mark> {body}",
            f"{tail}\n{heading}\n<mark>{word}</mark> {rest}",
            f"{tail} x{heading} {body} {heading}: {body}",
            f"{tail} {other} {body} {heading} {body} {heading} {body}",
            f"Dette skal til Fallgruver {heading} {heading} {body}",
        ]
    return out


def test_snippet_parts_equal_the_plain_scan(corpus):
    content = load_content(corpus, source_dirs=SEEDS)
    cut = 0
    for case in content.cases.values():
        for text in odd_snippets(case):
            parts = results.snippet_parts(text, case)
            assert [(p.section, str(p.html)) for p in parts] == parts_by_plain_scan(text, case)
            assert results.first_words(text, 3) == results.words(text)[:3]
            cut += len(parts) > 1
    assert cut > 20  # most of them hold a heading where its section begins


def test_kept_snippet_parts_follow_the_case_sections(corpus):
    """The parts are kept by snippet and the case's sections: the same snippet of a case whose
    text changed (a new version of the content) is split by the new sections."""
    case = load_content(corpus, source_dirs=SEEDS).cases["lillehammer-startlan"]
    heading, body = case.sections[1]
    snippet = f"… leide dyrt {heading} {' '.join(results.words(body)[:5])} …"
    for _ in range(2):
        parts = results.snippet_parts(snippet, case)
        assert [p.section for p in parts] == [case.sections[0][0], heading]
    sections = tuple((h, "helt annen tekst" if h == heading else md) for h, md in case.sections)
    changed = replace(case, sections=sections)
    assert [p.section for p in results.snippet_parts(snippet, changed)] == [""]


def positions_by_matcher(reader, field, terms, docs):
    """Positions read one candidate at a time with Whoosh's matcher: the reference."""
    out = {}
    for sub, offset in reader.leaf_readers():
        local = [int(d) - offset for d in np.sort(docs) if 0 <= d - offset < sub.doc_count_all()]
        for term in terms:
            if not local or (field, term) not in sub:
                continue
            m = sub.postings(field, term)
            for d in local:
                if not m.is_active():
                    break
                if m.id() < d:
                    m.skip_to(d)
                if m.is_active() and m.id() == d:
                    out.setdefault(d + offset, []).extend(m.value_as("positions"))
    return {d: sorted(p) for d, p in out.items()}


FILLER = "og det ble skrevet en rapport om arbeidet i mange kommuner".split()


def spread_texts(n: int = 300) -> list[str]:
    """Passages with the words «bosetting», «flyktninger» and «bolig» near or far apart (or
    missing): enough of them for posting lists of several blocks."""
    texts = []
    for i in range(n):
        words = FILLER * (1 + i % 3)
        for k, word in enumerate(("bosetting", "flyktninger", "bolig")):
            if (i + k) % 4:
                words.insert((i * (k + 3)) % len(words), word)
        texts.append(" ".join(words) + ".")
    return texts


@pytest.fixture(scope="module")
def spread(corpus, tmp_path_factory):
    searcher = searcher_over(corpus, tmp_path_factory.mktemp("spread") / "index", spread_texts())
    yield searcher
    searcher.close()


@pytest.mark.parametrize("query", ["bosetting flyktninger", "bolig bosetting flyktninger"])
@pytest.mark.parametrize("every", [1, 2, 7])
def test_proximity_reads_the_same_positions_and_boosts(spread, analysis, query, every):
    engine, reader = spread.engine, spread.engine.reader
    needs = [set(analysis.forms(w)) for w in query.split()]
    docs = np.arange(engine.size)[::every]  # with gaps: some blocks hold no candidate
    best = np.zeros(len(docs), dtype=np.float32)
    for field in proximity.FIELDS:
        found = [positions_by_matcher(reader, field, terms, docs) for terms in needs]
        for terms, by_matcher in zip(needs, found, strict=True):
            assert positional.positions(reader, field, terms, docs) == by_matcher
            having = {t: docs[np.isin(docs, engine.postings(field, t)[0])] for t in terms}
            by_having = positional.positions(reader, field, terms, docs, having=having)
            assert by_having == by_matcher  # only the documents with the term looked in
        for k, d in enumerate(docs.tolist()):
            c = proximity.closeness([p.get(d, []) for p in found], len(needs))
            best[k] = max(best[k], c)
    expected = 1 + proximity.PROXIMITY_BOOST * best
    assert len(set(expected.tolist())) > 3  # near, far and missing words score apart
    assert np.array_equal(proximity.boosts(reader, needs, docs, engine.postings), expected)
    assert np.array_equal(proximity.boosts(reader, needs, docs), expected)


@pytest.mark.parametrize("query", ["bosetting flyktninger", "bolig bosetting flyktninger"])
def test_proximity_from_the_blocks_read_for_scores_equals_reading_them_again(
    spread, analysis, query, monkeypatch
):
    """The engine keeps the encoded positions of the blocks it read for a term's scores;
    proximity decodes its candidates' from them: the same positions and boosts."""
    engine, reader = spread.engine, spread.engine.reader
    for cache in (engine._postings, engine._segments, engine._values, engine._positions):
        cache.clear()
    needs = [set(analysis.forms(w)) for w in query.split()]
    terms = set().union(*needs)
    for field in proximity.FIELDS:
        for term in terms:
            engine.postings(field, term)
    present = {(n, t) for n in proximity.FIELDS for t in terms if reader.doc_frequency(n, t)}
    assert present and present <= {(n, t) for _segment, n, t in engine._values}
    docs = np.arange(engine.size)[::3]
    expected = proximity.boosts(reader, needs, docs, engine.postings)
    by_matcher = [
        positions_by_matcher(reader, n, ts, docs) for n in proximity.FIELDS for ts in needs
    ]

    def refuse(*args):
        raise AssertionError("the blocks were read again")

    monkeypatch.setattr(positional, "segment_positions", refuse)
    read = engine.read_positions
    found = [
        positional.positions(reader, n, ts, docs, read=read)
        for n in proximity.FIELDS
        for ts in needs
    ]
    assert found == by_matcher
    assert np.array_equal(
        proximity.boosts(reader, needs, docs, engine.postings, read=read), expected
    )


def test_kept_positions_stay_within_their_budget_and_read_the_same(spread, analysis, monkeypatch):
    """The encoded positions kept from the reads are bounded by values, not terms: the least
    recently used go first, a term asked for again moves to the end, and proximity answers
    the same whether a term's values were kept or evicted (its blocks read again)."""
    engine = spread.engine
    for cache in (engine._postings, engine._segments, engine._values, engine._positions):
        cache.clear()
    engine._values_size = 0
    needs = [set(analysis.forms(w)) for w in ("bosetting", "flyktninger", "bolig")]
    docs = np.arange(engine.size)[::2]
    expected = proximity.boosts(engine.reader, needs, docs)  # the blocks read by Whoosh
    for field in proximity.FIELDS:
        for term in set().union(*needs):
            engine.postings(field, term)
    sizes = {key: len(kept[1]) for key, kept in engine._values.items()}
    assert len(sizes) >= 3 and engine._values_size == sum(sizes.values())
    budget = sum(sorted(sizes.values())[-2:])  # room for the two largest, not for all
    monkeypatch.setattr(termcache, "CACHED_VALUES", budget)
    first = next(iter(engine._values))
    engine._keep_values(first, engine._values[first])  # asked again: now the newest
    for key, kept in list(engine._values.items()):
        engine._keep_values(key, kept)
        assert engine._values_size <= budget or len(engine._values) == 1
        assert engine._values_size == sum(len(v[1]) for v in engine._values.values())
    assert len(engine._values) < len(sizes)
    read, has = engine.read_positions, engine.has_term
    assert np.array_equal(
        proximity.boosts(engine.reader, needs, docs, engine.postings, None, read, has), expected
    )


def also_words_by_scanning(stored, terms, analysis):
    """«også: …» word by word, as before the first-letter search: the reference."""
    found = {}
    for name in ("title", "summary", "text"):
        for m in snippets.WORD.finditer((stored.get(name) or "")[: snippets.ALSO_CHARS]):
            if analysis.forms(m.group()) & terms:
                found.setdefault(m.group().lower())
                if len(found) == 3:
                    return list(found)
    return list(found)


def test_also_words_equal_the_word_scan_on_the_indexed_texts(index_dir, analysis):
    searcher = open_searcher(index_dir)
    reader = searcher._searcher.reader()
    stored = [reader.stored_fields(d) for d in reader.all_doc_ids()]
    stored.append({"title": "Tab\tog\nlinje\r\nBUSTAD", "text": "İSTANBUL bolig\n\nbustader"})
    found = 0
    for query in (*QUERIES, "bolig husvære", "flyktning busetjing"):
        terms = {form for word in query.split() for form in analysis.forms(word)}
        for fields in stored:
            expected = also_words_by_scanning(fields, terms, analysis)
            assert snippets.also_words(fields, terms, analysis) == expected
            found += bool(expected)
    assert found > 10
    searcher.close()


NYNORSK = "busetjinga kommunane tenestene heimetenesta barnehagane kjærlegt trivlegt hyggelegt"


def test_every_term_a_word_gives_starts_with_key_letters_found_in_the_word(index_dir, analysis):
    """The snippets look only at words holding some term's first KEY_CHARS letters: that is
    exact only if every form of every word starts with letters found in the word itself."""
    searcher = open_searcher(index_dir)
    reader = searcher._searcher.reader()
    texts = [NYNORSK, *TEXTS]
    texts += [v for d in reader.all_doc_ids() for v in reader.stored_fields(d).values()]
    words = {
        m.group() for text in texts if isinstance(text, str) for m in snippets.WORD.finditer(text)
    }
    checked = 0
    for word in words:
        for term in analysis.forms(word):
            assert term[: snippets.KEY_CHARS] in word.lower(), (word, term)
            checked += len(term) > snippets.KEY_CHARS
    assert checked > 100  # terms longer than the key, whose first letters are what counts
    searcher.close()


# The Jinja loops the search page had before web/templating.py's hit_items and facet_boxes:
# the reference they must equal, byte for byte.
JINJA_HITS = """{% for hit in hits %}
      <li class="hit hit-{{ hit['kind'] }}">
        {% if hit['kind'] == 'case' %}
        <p class="badge badge-case">Grep</p>
        <{{ h }} class="hit-title"><a href="{{ hit['url'] }}">{{ hit['title'] }}</a></{{ h }}>
        <p class="meta">{{ hit['meta'] }}</p>
        {% else %}
        <p class="badge badge-passage">Fra rapport</p>
        <{{ h }} class="hit-title"><a href="{{ hit['url'] }}">{{ hit['title'] }}</a></{{ h }}>
        <p class="meta">{{ hit['meta'] }}</p>
        {% endif %}
        <p class="snippet">{% for part in hit['parts'] %}<span class="snippet-part">{% if part.section %}<span class="snippet-section">I «{{ part.section }}»:</span> {% endif %}{{ part.html|snippet }}</span>{% endfor %}</p>
        {% if hit['why'] and hit['why']['text'] %}<p class="why">{{ hit['why']['text'][:1]|upper }}{{ hit['why']['text'][1:] }}</p>{% endif %}
      </li>
      {% endfor %}"""  # noqa: E501
JINJA_FACETS = """{% for name, links in facets %}
      <section class="facet" aria-labelledby="facet-{{ name }}">
        <h3 id="facet-{{ name }}">{{ FACET_LABELS[name] }}</h3>
        {% if name == 'approaches' %}<p class="facet-hint">Spørsmålet grepet svarer på. <a href="{{ url_for('pages.home') }}#innganger">Om de fem inngangene</a></p>{% endif %}
        {#- the first six values, then the rest behind «Vis alle» #}
        {% for part in [links[:6], links[6:]] if part %}
        {% if not loop.first %}<details>
          <summary>Vis alle {{ links|length }}<span class="visually-hidden"> under {{ FACET_LABELS[name] }}</span></summary>{% endif %}
        <ul>
          {#- each link's markup #}
          {{ part|facet_items }}
        </ul>
        {% if not loop.first %}</details>{% endif %}
        {% endfor %}
      </section>
    {% endfor %}"""  # noqa: E501
ODD = "Å & <b>\"x\" 'y'"


def odd_hits() -> list[dict]:
    """Dressed hits with every branch of the markup: kinds, sections, reasons, odd text."""
    parts = [
        results.SnippetPart("", Markup("… <mark>bolig</mark> &amp; mer")),
        results.SnippetPart(ODD, Markup("<mark>x</mark><script>y</script>")),  # nh3 cleans
    ]
    hit = {"url": "/grep/a?b=1&c=<2>", "title": ODD, "meta": ODD, "parts": parts}
    return [
        {**hit, "kind": "case", "why": {"text": "ßtreff på «bolig» & <mer>"}},
        {**hit, "kind": "passage", "why": {"text": ""}, "parts": []},
        {**hit, "kind": "other", "why": None},
        {**hit, "kind": ODD},
    ]


@pytest.mark.parametrize("h", ["h3", "h4"])
def test_hit_items_equal_the_jinja_loop(app, h):
    with app.test_request_context("/sok"):
        expected = app.jinja_env.from_string(JINJA_HITS).render(hits=odd_hits(), h=h)
        assert str(hit_items(odd_hits(), h)) == expected


def test_facet_boxes_equal_the_jinja_loop(app):
    req = parse_request(MultiDict([("q", "bolig"), ("tema", "bolig"), ("aktor", ODD)]), 500)
    values = [[f"v{i} {ODD}", i] for i in range(9)] + [["bolig", 2], [ODD, 1]]
    facets = {"kind": [["case", 2]], "themes": values, "approaches": values[:6]}
    facets |= {"actors": values[:7], "fylke": values[:1]}
    blocks = facet_blocks(req, facets, lambda _name, value: f"{value} <&>", "/a&b/sok")
    blocks = [(name, [link.html for link in links]) for name, links in blocks]
    env = app.jinja_env.overlay()
    env.filters["facet_items"] = lambda links: Markup(facet_items(links))
    with app.test_request_context("/sok"):
        expected = env.from_string(JINJA_FACETS).render(facets=blocks)
        assert str(facet_boxes(blocks)) == expected


@pytest.mark.parametrize(
    "value",
    ["", "plain", "<b> & \"q\" 'a' ø", ODD, Markup("<mark>x</mark>"), 12, None, 1.5],
)
def test_html_escape_gives_what_markupsafe_gives(value):
    assert html_escape(value) == str(escape(value))


def test_api_body_equals_jsonify_and_follows_new_locations(app):
    """The body with each hit's locations encoded once per list is jsonify()'s, also when the
    same hits come again, when a document comes with new locations (an updated index), and when
    the placeholder is in the query."""
    from flask import jsonify

    from web.jsonbody import MARK, jsonify_text

    searcher = open_searcher(app.config["INDEX_DIR"])
    result = searcher.search("bolig")
    assert result["hits"] and all("locations" in hit for hit in result["hits"])
    moved = [
        {**hit, "locations": [{**loc, "lines": [1, 2]} for loc in hit["locations"]]}
        for hit in result["hits"]
    ]
    odd = {**result, "query": MARK, "hits": [*moved, {"kind": "case", "title": MARK}]}
    with app.app_context():
        for data in (result, result, {**result, "hits": moved}, odd, {**result, "hits": []}):
            assert jsonify_text(app, data) == jsonify(data).get_data(as_text=True)
    searcher.close()
