"""The search index schema: one Whoosh index holds practice cases and report passages."""

from __future__ import annotations

from pathlib import Path

from whoosh import index
from whoosh.analysis import Analyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import FileIndex

from kb.search import mapped
from kb.search.analysis import NorwegianAnalysis, plain_analyzer

# Field names. Text fields are searched; facet fields are filtered and counted; the rest is
# stored for hits.
ID_FIELD = "id"  # unique: the case id, or "<source>-<nnnn>" for a passage
KIND = "kind"  # "case" or "passage"
PATH = "path"  # case file relative to the content root, so a changed file can be re-indexed
TITLE = "title"  # case title, or source title + section heading (boosted)
SUMMARY = "summary"  # case summary (boosted)
TEXT_FIELD = "text"  # case body as plain text, or the passage text (+ repaired words, if OCR)
REPAIRED = "repaired"  # OCR-repaired reading of a passage (its words are indexed in text)
TAGS = "tags"  # labels and synonyms of a case's vocabulary terms, kommune and fylke names
SPELL = "spell"  # every word unstemmed, the dictionary for «Mente du …?»
THEMES = "themes"  # facet: theme ids
TARGET_GROUPS = "target_groups"  # facet: target group ids
ACTORS = "actors"  # facet: actor ids
KOMMUNE = "kommune"  # facet: current kommune names
FYLKE = "fylke"  # facet: current fylke names
SIZE = "size"  # facet: size classes of the case's kommuner («under-5000» …; registers.py)
EVIDENCE = "evidence"  # facet: evidence level id
APPROACHES = "approaches"  # facet: Menon's entry points (approach ids)
GRANTS = "grants"  # facet: grant scheme ids
PHASE = "fase"  # facet: phase ids (oppstart, drift, avslutning-og-videreforing)
SOURCE = "source"  # facet: source ids (cited sources of a case; a passage's own source)
YEAR = "year"  # facet: the year the practice last ran, or the source's year
DATE = "date"  # sort key for «nyeste»: a case's year (as_of) and edit date, a passage's source year
SORT_TITLE = "sort_title"  # sort key for browsing by title
ORDER = "order"  # passage ordinal within its source (0 for cases), to list a source in order
DATA = "data"  # JSON with what a hit shows besides the text: url, locations, summary, …

FACETS = (KIND, THEMES, TARGET_GROUPS, ACTORS, KOMMUNE, FYLKE, SIZE, EVIDENCE, SOURCE, YEAR)
FACETS += (APPROACHES, GRANTS, PHASE)  # issue 13: inngang, tilskudd, fase
SEARCHED = {TITLE: 3.0, SUMMARY: 2.0, TAGS: 1.5, TEXT_FIELD: 1.0}
KINDS = ("case", "passage")


def _facet() -> KEYWORD:
    return KEYWORD(stored=True, commas=True, scorable=False, lowercase=False)


def build_schema(analysis: NorwegianAnalysis) -> Schema:
    """The schema of an index (fields above) whose text fields use that index's analysis."""
    return schema_with(analysis.analyzer())


def schema_with(norwegian: Analyzer) -> Schema:
    """The fields above, with this analyzer for the searched text fields."""
    return Schema(
        **{
            ID_FIELD: ID(stored=True, unique=True),
            KIND: ID(stored=True),
            PATH: ID(stored=True),
            TITLE: TEXT(analyzer=norwegian, stored=True, field_boost=SEARCHED[TITLE]),
            SUMMARY: TEXT(analyzer=norwegian, stored=True, field_boost=SEARCHED[SUMMARY]),
            TEXT_FIELD: TEXT(analyzer=norwegian, stored=True),
            REPAIRED: STORED(),
            TAGS: TEXT(analyzer=norwegian, field_boost=SEARCHED[TAGS]),
            SPELL: TEXT(analyzer=plain_analyzer(), phrase=False),
            **{name: _facet() for name in FACETS if name != KIND},
            DATE: ID(stored=True, sortable=True),
            SORT_TITLE: ID(sortable=True),
            ORDER: NUMERIC(stored=True, sortable=True),
            DATA: STORED(),
        }
    )


def index_exists(index_dir: Path) -> bool:
    """Whether the folder holds an index (a table of contents), without reading it.

    whoosh's exists_in reads the table of contents and raises on a damaged one; a damaged
    index exists, and is reported as unreadable when it is opened.
    """
    return any(Path(index_dir).glob("_MAIN_*.toc"))


def open_index(index_dir: Path) -> tuple[FileIndex, NorwegianAnalysis]:
    """An index and its analysis, read from the index folder.

    Whoosh would unpickle the schema it stored, whose analyzers only name their analysis;
    the schema is built again around the analysis stored beside it instead. Raises OSError,
    ValueError or whoosh's EmptyIndexError when the folder holds no complete index.
    """
    mapped.install()  # the segment files read in place, not copied per reader
    analysis = NorwegianAnalysis.load(index_dir)
    return index.open_dir(str(index_dir), schema=build_schema(analysis)), analysis
