"""Word tables of the snippet fields, stored at index time: snippets without a regex scan.

A hit's snippet marks the words whose analysis forms meet the query's terms (kb.search.snippets).
Found by scanning the text, that was most of a fresh search's cost: every word near the
terms' first letters analysed, for every hit. The build stores instead, per segment
(WORDS_DIR/<segment>/, memory-mapped), each snippet field's words: where each word of the
space-normalised text starts and its id in the segment's vocabulary of lower-cased words
(whose lengths are the words'); and, per analysis form, the ids of the words that give it.
A search looks its terms up (one binary search each), marks the words with those ids, and
finds the same spans the scan finds, in numpy.

The forms come from the index's own analysis (stored with the index; `kb index --case` uses
it too), and the folder records the analysis key: a folder of another analysis is ignored.
A text is served from the tables only where the scan provably marks the same words (see
kb.search.wordstore, which writes the tables); other texts, and segments without tables, are
scanned as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
from bisect import bisect_right
from collections import OrderedDict
from pathlib import Path

import numpy as np

from kb.search import schema as f
from kb.search.folders import mapped

WORDS_DIR = "kb_words"
FORMAT = 2  # bump when the files change shape: older folders are then ignored
FIELDS = (f.TEXT_FIELD, f.SUMMARY, f.REPAIRED, f.TITLE)  # snippets.snippet's fields
FIELD_NUMBERS = {name: i for i, name in enumerate(FIELDS)}
EXACT = 1  # flag: the text's words are served from the tables
CACHED_MASKS = 64  # term sets whose marked vocabulary each segment keeps
CACHED_TERMS = 4096  # terms whose words each segment keeps
ARRAYS = ("bounds", "flags", "also", "starts", "ids", "lengths", "hashes", "form_starts")
ARRAYS += ("form_words", "form_text_starts", "form_text")
log = logging.getLogger(__name__)


def form_hash(form: str) -> int:
    """A stable 64-bit hash of a form (the forms are sorted by it and found by it)."""
    return int.from_bytes(hashlib.blake2b(form.encode("utf-8"), digest_size=8).digest(), "little")


def folder_name(sub) -> str:
    """A segment's folder under WORDS_DIR (its id and FORMAT)."""
    return f"{sub.segment().segment_id()}-{FORMAT}"


class SegmentWords:
    """One segment's word tables, memory-mapped, and the marked vocabulary of recent terms."""

    def __init__(self, arrays: dict[str, np.ndarray], vocabulary: int):
        self.vocabulary = vocabulary
        for name in ARRAYS:
            setattr(self, name, arrays[name])
        self.text_bytes = self.form_text.tobytes()
        self._masks: OrderedDict[frozenset, np.ndarray] = OrderedDict()
        # Each term's words (a segment's tables never change): a new set of terms, such as
        # the stood-in terms of «treff på», mostly has terms looked up for the search.
        self._words: OrderedDict[str, np.ndarray] = OrderedDict()

    def mask(self, terms: frozenset[str]) -> np.ndarray:
        """Per vocabulary word: whether one of its forms is one of the terms."""
        if terms in self._masks:
            self._masks.move_to_end(terms)
            return self._masks[terms]
        out = np.zeros(self.vocabulary, dtype=bool)
        for term in terms:
            out[self._words_of(term)] = True
        self._masks[terms] = out
        if len(self._masks) > CACHED_MASKS:
            self._masks.popitem(last=False)
        return out

    def _words_of(self, term: str) -> np.ndarray:
        """The ids of the words that give the form `term` (none for the empty term), kept
        for the CACHED_TERMS terms used last."""
        found = self._words.get(term)
        if found is not None:
            self._words.move_to_end(term)
            return found
        found = self._words[term] = self._look_up(term)
        if len(self._words) > CACHED_TERMS:
            self._words.popitem(last=False)
        return found

    def _look_up(self, term: str) -> np.ndarray:
        """The ids of the words that give the form `term`, found in the tables."""
        key, raw = np.uint64(form_hash(term)), term.encode("utf-8")
        at = int(np.searchsorted(self.hashes, key))
        while term and at < len(self.hashes) and self.hashes[at] == key:
            a, b = self.form_text_starts[at], self.form_text_starts[at + 1]
            if self.text_bytes[a:b] == raw:
                return self.form_words[self.form_starts[at] : self.form_starts[at + 1]]
            at += 1
        return self.form_words[:0]

    def marked_many(
        self, docs: list[int], name: str, terms: frozenset[str], also: bool = False
    ) -> dict[int, tuple | None]:
        """marked() of several documents, {document: its answer}, in a few numpy calls for
        all of them (a page's hits) rather than a dozen per document."""
        i = np.array(docs, dtype=np.int64) * len(FIELDS) + FIELD_NUMBERS[name]
        exact = [flag & EXACT for flag in self.flags.take(i).tolist()]
        a, b = self.bounds.take(i), self.bounds.take(i + 1)
        cuts = [-1] * len(docs)
        if also:
            whole_cut = self.also.take(i, axis=0)
            b, cuts = a + whole_cut[:, 0], whole_cut[:, 1].tolist()
        counts = b - a  # 0 where the text is not served: it has no words in the tables
        bounds = np.cumsum(counts)
        # Where each word of the documents' ranges is in the segment's arrays, range by range.
        flat = np.arange(bounds[-1]) + np.repeat(a - (bounds - counts), counts)
        ids = self.ids.take(flat)
        k = self.mask(terms).take(ids).nonzero()[0]
        starts = self.starts.take(flat.take(k))
        ends = (starts + self.lengths.take(ids.take(k))).tolist()
        starts, upto = starts.tolist(), np.searchsorted(k, bounds).tolist()
        out, lo = {}, 0
        for doc, served, hi, cut in zip(docs, exact, upto, cuts, strict=True):
            spans = list(zip(starts[lo:hi], ends[lo:hi], strict=True))
            out[doc] = (spans, cut) if served else None
            lo = hi
        return out

    def marked(self, doc: int, name: str, terms: frozenset[str], also: bool = False):
        """The marked words' spans in a document's field (also: only those wholly within the
        stored text's first ALSO_CHARS characters) and where a word cut there starts in the
        stored text (also), else -1; None when the text is not served from the tables."""
        i = doc * len(FIELDS) + FIELD_NUMBERS[name]
        if not self.flags.item(i) & EXACT:
            return None
        a, b, cut = self.bounds.item(i), self.bounds.item(i + 1), -1
        if also:
            whole, cut = self.also[i].tolist()
            b = a + whole
        ids = self.ids[a:b]
        k = self.mask(terms).take(ids).nonzero()[0]  # take: half the time of mask[ids]
        if not len(k):
            return [], cut
        starts = self.starts[a:b].take(k)
        ends = starts + self.lengths.take(ids.take(k))
        return list(zip(starts.tolist(), ends.tolist(), strict=True)), cut


def _read(folder: Path, key: str) -> SegmentWords | None:
    """A segment's word tables, or None: none stored, unreadable, or of another analysis."""
    if not folder.is_dir():
        return None
    try:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        if meta.get("analysis") != key or meta.get("fields") != list(FIELDS):
            return None
        arrays = {name: mapped(folder / f"{name}.npy") for name in ARRAYS}
        vocabulary = int(meta["vocabulary"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("Ordtabellene i %s kan ikke leses (%s); tekstene leses.", folder, exc)
        return None
    return SegmentWords(arrays, vocabulary)


class Words:
    """The word tables of a reader's segments, by document number (see DocWords)."""

    def __init__(self, reader, index_dir: Path | None, key: str, known: dict | None = None):
        known = {} if known is None else known
        self.offsets, self.segments, names = [], [], []
        for sub, offset in reader.leaf_readers():
            name = f"{folder_name(sub)}-{key}"
            if name not in known:
                folder = Path(index_dir) / WORDS_DIR / folder_name(sub) if index_dir else None
                known[name] = _read(folder, key) if folder else None
            self.offsets.append(offset)
            self.segments.append(known[name])
            names.append(name)
        for name in set(known) - set(names):
            del known[name]

    def doc(self, doc: int) -> DocWords | None:
        """A document's word tables, or None when its segment has none."""
        at = bisect_right(self.offsets, doc) - 1
        segment = self.segments[at] if at >= 0 else None
        return DocWords(segment, doc - self.offsets[at]) if segment is not None else None

    def page(self, docs: list[int]) -> list[DocWords | None]:
        """doc() of each of a page's documents, marked together: the first question about a
        field and set of terms is answered for all of the page's documents of that segment
        at once (SegmentWords.marked_many)."""
        out, batches = [], {}
        for doc in docs:
            at = bisect_right(self.offsets, doc) - 1
            segment = self.segments[at] if at >= 0 else None
            if segment is None:
                out.append(None)
                continue
            batch = batches.get(at) or batches.setdefault(at, _Batch(segment))
            local = doc - self.offsets[at]
            batch.docs.append(local)
            out.append(DocWords(segment, local, batch))
        return out


class _Batch:
    """A page's documents of one segment, and what has been marked in all of them."""

    def __init__(self, segment: SegmentWords):
        self.segment, self.docs = segment, []
        self._found: dict[tuple, dict] = {}

    def marked(self, doc: int, name: str, terms: frozenset[str], also: bool = False):
        """SegmentWords.marked of one of the documents (answered for all of them at once)."""
        key = (name, terms, also)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self.segment.marked_many(self.docs, name, terms, also)
        return found[doc]


class DocWords:
    """One document's marked words, in the shapes kb.search.snippets uses (batch: marked together
    with the other documents of a page, Words.page)."""

    def __init__(self, segment: SegmentWords, doc: int, batch: _Batch | None = None):
        self.segment, self.doc = segment, doc
        self._marked = segment.marked if batch is None else batch.marked

    def spans(self, name: str, terms: set[str]) -> list[tuple[int, int]] | None:
        """Every marked word's span in the space-normalised text (None: scan the text)."""
        found = self._marked(self.doc, name, frozenset(terms))
        return None if found is None else found[0]

    def also(self, name: str, terms: set[str]) -> tuple[list[tuple[int, int]], int] | None:
        """The marked words wholly within the stored text's first ALSO_CHARS characters (their
        spans in the normalised text) and where a cut word starts in the stored text, else
        -1 (None: scan the text). Asked for a few hits only, with terms of their own: not
        marked together with the page's other documents."""
        return self.segment.marked(self.doc, name, frozenset(terms), also=True)
