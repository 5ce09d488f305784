"""Writing the word tables at index time: each snippet field's words and, per analysis form,
the words that give it, computed from a segment's stored fields and stored per segment
(read at search time by kb.search.words, which describes the tables)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from kb.search.folders import drop_unused, store_folder
from kb.search.snippets import ALSO_CHARS, KEY_CHARS, WORD
from kb.search.words import EXACT, FIELDS, WORDS_DIR, folder_name, form_hash


def _folds(text: str, low: str) -> bool:
    """Whether a text lowers character by character (same length; no Greek capital sigma,
    whose lower case depends on its neighbours)."""
    return len(low) == len(text) and "Σ" not in text


class _Builder:
    """A segment's word tables, filled one document at a time."""

    def __init__(self, analysis):
        self.analysis = analysis
        self.vocabulary: dict[str, int] = {}
        self.unkeyed: set[int] = set()  # ids of words without a form's first letters in them
        self.forms: dict[str, list[int]] = {}
        self.bounds, self.flags, self.also = [0], [], []
        self.starts, self.ids = [], []

    def word_id(self, low: str) -> int:
        """The id of a lower-cased word (added with its forms when new)."""
        found = self.vocabulary.get(low)
        if found is None:
            found = self.vocabulary[low] = len(self.vocabulary)
            forms = self.analysis.forms(low)
            if low.lower() != low or not all(t and t[:KEY_CHARS] in low for t in forms):
                self.unkeyed.add(found)
            for form in forms:
                self.forms.setdefault(form, []).append(found)
        return found

    def add(self, raw: str) -> None:
        """One field of one document (its stored text).

        Its words are served from the tables only where the scan of kb.search.snippets provably
        marks the same ones: the scan looks for the terms' first KEY_CHARS letters in the
        lower-cased text and analyses only the words where one starts. That is the same when
        the text lowers character by character and each of its words contains the first
        letters of every form it gives (true of every word the analysis knows of; see
        test_every_term_a_word_gives_starts_with_key_letters_found_in_the_word).
        """
        text = " ".join(raw.split())
        low = text.lower()
        exact = _folds(text, low)
        if exact and (spans := [m.span() for m in WORD.finditer(text)]):
            words = [low[a:b] for a, b in spans]
            ids = list(map(self.vocabulary.get, words))
            if None in ids:  # new words: added with their forms
                ids = list(map(self.word_id, words))
            exact = self.unkeyed.isdisjoint(ids)
            if exact:  # a word's length is its vocabulary entry's (the text lowers in place)
                self.ids += ids
                self.starts += [a for a, _ in spans]
        self.bounds.append(len(self.ids))
        self.flags.append(EXACT if exact else 0)
        self.also.append(_also(raw) if exact else (0, -1))

    def arrays(self) -> dict[str, np.ndarray]:
        forms = sorted(self.forms, key=form_hash)
        small = len(self.vocabulary) <= 1 << 16  # word ids fit in uint16
        text = [form.encode("utf-8") for form in forms]
        words = [self.forms[form] for form in forms]
        return {
            "bounds": np.array(self.bounds, dtype=np.int64),
            "flags": np.array(self.flags, dtype=np.uint8),
            "also": np.array(self.also, dtype=np.int32).reshape(-1, 2),
            "starts": np.array(self.starts, dtype=np.int32),
            "lengths": np.array(list(map(len, self.vocabulary)), dtype=np.int32),  # per word id
            "ids": np.array(self.ids, dtype=np.uint16 if small else np.int32),
            "hashes": np.array([form_hash(t) for t in forms], dtype=np.uint64),
            "form_starts": np.cumsum([0] + [len(w) for w in words], dtype=np.int64),
            "form_words": np.array([i for w in words for i in w], dtype=np.int32),
            "form_text_starts": np.cumsum([0] + [len(t) for t in text], dtype=np.int64),
            "form_text": np.frombuffer(b"".join(text), dtype=np.uint8),
        }


def _also(raw: str) -> tuple[int, int]:
    """(words wholly within the first ALSO_CHARS characters of the stored text, where the
    rest of those characters starts when a word is cut there, else -1): snippets.also_words.

    The words of the first ALSO_CHARS characters are the text's, but for the last one, which
    may be the start of a longer word.
    """
    found = list(WORD.finditer(raw, 0, ALSO_CHARS))
    if len(raw) <= ALSO_CHARS or not found:
        return len(found), -1
    if WORD.match(raw, found[-1].start()).end() <= ALSO_CHARS:
        return len(found), -1
    return len(found) - 1, found[-2].end() if len(found) > 1 else 0


def compute(sub, analysis) -> tuple[dict[str, np.ndarray], int]:
    """A segment's word tables from its stored fields (deleted documents: empty), and the
    size of its vocabulary."""
    builder = _Builder(analysis)
    for doc in range(sub.doc_count_all()):
        stored = {} if sub.is_deleted(doc) else sub.stored_fields(doc)
        for name in FIELDS:
            builder.add(stored.get(name) or "")
    return builder.arrays(), len(builder.vocabulary)


def store(index_dir: Path, sub, analysis) -> None:
    """Compute and write a segment's word tables into place."""
    arrays, vocabulary = compute(sub, analysis)

    def write(tmp: Path) -> None:
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", array)
        meta = {"analysis": analysis.key, "fields": list(FIELDS), "vocabulary": vocabulary}
        (tmp / "meta.json").write_text(json.dumps(meta), "utf-8")

    store_folder(Path(index_dir) / WORDS_DIR / folder_name(sub), write, "ordtabellene")


def store_new(index_dir: Path, reader, analysis) -> None:
    """Store the word tables of the reader's segments that have none (a new index; after
    `kb index --case`, its new segment and any merged one)."""
    for sub, _ in reader.leaf_readers():
        if not (Path(index_dir) / WORDS_DIR / folder_name(sub)).is_dir():
            store(index_dir, sub, analysis)


def remove_unused(index_dir: Path, reader) -> None:
    """Drop the word tables of segments the index no longer has (after a merge)."""
    drop_unused(Path(index_dir) / WORDS_DIR, {folder_name(sub) for sub, _ in reader.leaf_readers()})
