"""The ways in: the start page and the listing pages per theme, group, fylke, approach, source."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kb.content.loader import Content
from kb.content.model import Case, Source
from web.static_site.markup import bullet_list, front_matter, md_link, page, slug, text

# (URL folder, vocabulary, page title, the case field that holds the ids)
FACETS = (
    ("tema", "themes", "Tema", "themes"),
    ("malgruppe", "target_groups", "Målgrupper", "target_groups"),
    ("innganger", "approaches", "Innganger", "approaches"),
)
NO_SEARCH = {"search": {"exclude": True}}  # listings stay out of the search results


def case_list(cases: list[Case], src: str) -> str:
    """Linked case titles with their summaries, sorted by title."""
    items = [
        f"{md_link(c.title, src, page('grep', c.id))}  \n  {text(c.summary)}"
        for c in sorted(cases, key=lambda c: (c.title.lower(), c.id))
    ]
    return bullet_list(items, "Ingen grep ennå.") + "\n"


def listing(title: str, intro: str, cases: list[Case], src: str) -> str:
    """A listing page: heading, introduction, count and the cases."""
    count = f"{len(cases)} grep" if len(cases) != 1 else "1 grep"
    body = f"# {text(title)}\n\n{intro}\n\n*{count}*\n\n" if intro else f"# {text(title)}\n\n"
    return front_matter(NO_SEARCH) + body + case_list(cases, src)


def facet_pages(content: Content) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) for every vocabulary term page and each facet's index."""
    for kind, vocab_name, title, field in FACETS:
        vocab = content.ctx.vocabularies[vocab_name]
        entries = []
        for term in vocab.terms:
            cases = [c for c in content.cases.values() if term.id in getattr(c, field)]
            src = page(kind, term.id)
            yield src, listing(term.label, text(term.description), cases, src)
            entries.append((term.label, src, len(cases), term.description))
        yield page(kind), index_page(title, entries, page(kind))


def fylke_pages(content: Content) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) for every fylke in the register and the fylke index."""
    names = [f.name for f in content.ctx.register.fylker] if content.ctx.register else []
    names += sorted({f for c in content.cases.values() for f in c.fylker} - set(names))
    entries = []
    for name in names:
        cases = [c for c in content.cases.values() if name in c.fylker]
        src = page("fylke", slug(name))
        yield (
            src,
            listing(name, f"Grep fra kommuner i {text(name)} og regionale grep der.", cases, src),
        )
        entries.append((name, src, len(cases), ""))
    yield page("fylke"), index_page("Fylker", sorted(entries), page("fylke"))


def index_page(title: str, entries: list[tuple[str, str, int, str]], src: str) -> str:
    """The index of one way in: every entry with its count of cases."""
    items = [
        md_link(label, src, dst) + f" ({n})" + (f"  \n  {text(desc)}" if desc else "")
        for label, dst, n, desc in entries
    ]
    return front_matter(NO_SEARCH) + f"# {text(title)}\n\n" + bullet_list(items, "Ingen.") + "\n"


def source_pages(content: Content, describe: Callable[[Source], str]) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) for every registered source and the source index."""
    entries = []
    for source in sorted(content.sources.values(), key=lambda s: s.id):
        cases = [c for c in content.cases.values() if source.id in {x.source for x in c.sources}]
        src = page("kilder", source.id)
        yield src, source_page(source, describe(source), cases, src)
        entries.append((source.title, src, len(cases), source.series or source.publisher))
    yield page("kilder"), index_page("Kilder", entries, page("kilder"))


def source_page(source: Source, reference: str, cases: list[Case], src: str) -> str:
    """One source: its reference, the facts we know, its description and the cases citing it."""
    facts = [
        ("Undertittel", source.subtitle),
        ("Forfattere", ", ".join(source.authors)),
        ("Utgiver", source.publisher),
        ("År", str(source.year or "")),
        ("Serie", source.series),
        ("ISBN", source.isbn),
        ("ISSN", source.issn),
        ("Oppdragsgiver", source.commissioned_by),
        ("Nettadresse", source.url),
        ("Mangler i kilden", source.missing),
    ]
    rows = "\n\n".join(f"{k}\n:   {text(v)}" for k, v in facts if v)
    return (
        f'# {text(source.title)}\n\n<p class="gg-referanse">{reference}</p>\n\n'
        f'<div class="gg-fakta" markdown>\n\n{rows}\n\n</div>\n\n'
        f"{source.description}\n\n## Grep fra denne kilden\n\n{case_list(cases, src)}"
    )


def all_cases_page(content: Content) -> str:
    """The page listing every case, with the open-data files."""
    src = page("grep")
    data = "Alle grep som åpne data: [grep.json](../grep.json) · [grep.csv](../grep.csv)"
    return listing("Alle grep", data, list(content.cases.values()), src)


SEARCH_BOX = '<div id="sok"><p>Søket krever JavaScript.</p></div>\n'


def search_page() -> str:
    """The search page: Pagefind's UI is mounted on #sok by assets/sok.js."""
    tips = (
        "Søket finner bøyde former (*boligskolen* finner *boligskole*) og deler av "
        "sammensatte ord (*fattigdom* finner *barnefattigdom*). Alle ordene må finnes i "
        "grepet. Vil du avgrense, gå inn via tema, målgruppe, fylke eller tilnærming.\n"
    )
    return front_matter(NO_SEARCH) + "# Søk\n\n" + SEARCH_BOX + "\n" + tips


def start_page(content: Content) -> str:
    """The start page: what the site is and the ways in."""
    src = "index.md"
    ways = [
        md_link("Alle grep", src, page("grep")) + f" ({len(content.cases)})",
        md_link("Tema", src, page("tema")) + " – boligsosialt arbeid, bosetting, barnevern …",
        md_link("Målgrupper", src, page("malgruppe")) + " – hvem grepet er for",
        md_link("Fylker", src, page("fylke")) + " – hvor grepet ble gjort",
        md_link("Innganger", src, page("innganger")) + " – Menons fem innganger til beste praksis",
        md_link("Kilder", src, page("kilder")) + " – rapportene grepene bygger på",
    ]
    return (
        front_matter(NO_SEARCH)
        + "# Gode grep\n\n"
        + "En åpen kunnskapsbase med god praksis fra norske kommuner. Hvert grep bygger på en "
        + "kilde, med henvisning til avsnitt, side og linje.\n\n"
        + SEARCH_BOX
        + "\nEller gå inn via:\n\n"
        + bullet_list(ways, "")
        + "\n\n## Åpne data\n\n"
        + "Alle grep kan lastes ned som [JSON](grep.json) og [CSV](grep.csv) "
        + "(samme felt; lister er skilt med «; » i CSV).\n"
    )
