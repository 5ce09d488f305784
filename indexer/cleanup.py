"""Line-level clean-up: inline markup, page marks, page numbers, running heads, TOC, hyphens."""

from __future__ import annotations

import re
from collections import Counter

from indexer.extract.base import RawDoc, SourceLine
from kb.search import lexicon

SUP = re.compile(r"<sup>\s*[^<]{0,12}</sup>")
BREAK_TAGS = re.compile(r"</?(?:p|ul|ol|li|br|div|tr|td|th|table)\b[^>]*>", re.I)
TAGS = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
LINK = re.compile(r"\[([^\]]{1,300})\]\((?:https?://|mailto:|#)[^)]{0,500}\)")
EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
LONE_NUMBER = re.compile(r"^\s*(?:side\s+)?[-–]?\s*\d{1,3}\s*[-–]?\s*(?:av\s+\d{1,3})?\s*$", re.I)
LEADER_DOTS = re.compile(r"(?:\.\s?){4,}\s*(?:<b>)?\s*\d{1,3}\w?\s*(?:</b>)?\s*$")
TAB_PAGE = re.compile(r"^[^\t]+\t\s*(?:<b>)?\s*\d{1,3}\w?\s*(?:</b>)?\s*$")
URL_ONLY = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
PAGE_MARK = re.compile(r"^ \S")
HEADING_LIKE = re.compile(r"^#(?:\.#)*\.? \S")  # a folded numbered heading, never a running head
HYPHEN_MID = re.compile(r"(?<![\w-])([^\W\d_]{2,})-([^\W\d_]{2,})(?![\w-])")
LINE_END_HYPHEN = re.compile(r"([^\W\d_]{2,})-$")
SENTENCE_END = tuple('.!?:;»"”’)…')
ESCAPE = re.compile(r"\\+([_*\[\]()#.\-])")  # Markdown escapes such as «Tall\\_og\\_fakta»
MAX_MARKUP_LINE = 5000  # longer lines skip the emphasis pattern (it backtracks on long lines)
KEEP_SPACE_AFTER_HYPHEN = {"og", "eller", "samt", "enn", "til", "som", "and", "or"}


def clean_inline(text: str) -> str:
    """Strip inline markup (HTML tags, footnote markers, emphasis, links); tabs become « | »."""
    if "<" in text:
        text = BREAK_TAGS.sub(" ", SUP.sub("", text))
        text = TAGS.sub("", text)
    if "](" in text:
        text = LINK.sub(r"\1", text)
    if ("*" in text or "__" in text) and len(text) <= MAX_MARKUP_LINE:
        text = EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    text = ESCAPE.sub(r"\1", text.replace("**", "").replace("«<", "«"))
    text = text.replace("\u00ad", "").replace("\t", " | ").replace("\u00a0", " ")
    return " ".join(text.split())


def is_lone_page_number(text: str) -> bool:
    """A line holding nothing but a page number (e.g. «12», «- 12 -», «Side 12 av 40»)."""
    return bool(LONE_NUMBER.match(text)) and any(c.isdigit() for c in text)


def is_toc_line(text: str) -> bool:
    """A table-of-contents line: leader dots or a single tab before a page number."""
    return len(text) <= 300 and bool(LEADER_DOTS.search(text) or TAB_PAGE.match(text))


def is_noise(text: str) -> bool:
    """Lines never indexed: page numbers, TOC lines and bare URLs (stray footnotes)."""
    return is_lone_page_number(text) or is_toc_line(text) or bool(URL_ONLY.match(text))


def double_spaced(lines: list[SourceLine]) -> bool:
    """True when nearly every text line is followed by an empty line (report 003's layout)."""
    texts = [sl.text for sl in lines]
    filled = [i for i, t in enumerate(texts[:-1]) if t.strip()]
    if len(filled) < 20:
        return False
    followed = sum(1 for i in filled if texts[i + 1] == "")
    return followed / len(filled) > 0.8


def _page_starts(lines: list[SourceLine], double: bool) -> list[int]:
    """Indexes of lines that begin a page: a single leading space, or text after a footer."""
    starts, blanks, after_number = [], 0, False
    for i, sl in enumerate(lines):
        text = sl.text
        if not text.strip():
            blanks += 1 if text == "" else 0
            continue
        if is_lone_page_number(text):
            after_number = True
            continue
        if PAGE_MARK.match(text) or after_number or (blanks >= 3 and not double):
            starts.append(i)
        blanks, after_number = 0, False
    return starts


def mark_pages(lines: list[SourceLine]) -> bool:
    """Reconstruct pages of a converted PDF from its page marks; False when it has none."""
    double = double_spaced(lines)
    starts = _page_starts(lines, double)
    if sum(1 for i in starts if PAGE_MARK.match(lines[i].text)) < 3:
        return False
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    index = [0] * len(lines)
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        index[start:end] = [n + 1] * (end - start)
        lines[start].page_start = True
    offsets = Counter(
        int(sl.text) - index[i]
        for i, sl in enumerate(lines)
        if is_lone_page_number(sl.text) and sl.text.strip().isdigit()
    )
    offset = offsets.most_common(1)[0][0] if offsets else 0
    for i, sl in enumerate(lines):
        sl.page = index[i] + offset
    return True


def running_heads(lines: list[SourceLine], pages: int) -> set[str]:
    """Lines at the top or foot of many pages (running heads and footers), digits folded."""
    if pages < 4:
        return set()
    by_page: dict[int | None, list[str]] = {}
    for sl in lines:
        if sl.text.strip() and not is_lone_page_number(sl.text):
            by_page.setdefault(sl.page, []).append(sl.text)
    counts: Counter[str] = Counter()
    for texts in by_page.values():
        edge = {_fold(t) for t in texts[:2] + texts[-2:] if len(t.strip()) <= 100}
        counts.update(t for t in edge if not HEADING_LIKE.match(t))
    floor = max(3, pages // 3)
    return {text for text, n in counts.items() if n >= floor}


def _fold(text: str) -> str:
    """A line folded for repetition counting: digits as #, case and spacing ignored."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def drop_noise(doc: RawDoc) -> None:
    """Remove page numbers, TOC lines, bare URLs and running heads from the document's lines."""
    pages = len({sl.page for sl in doc.lines if sl.page is not None}) if doc.paged else 0
    heads = running_heads(doc.lines, pages)
    kept: list[SourceLine] = []
    carry = False  # a dropped line began a page: the next kept line of that page begins it
    for sl in doc.lines:
        if sl.text.strip() and (is_noise(sl.text) or (heads and _fold(sl.text) in heads)):
            carry = carry or sl.page_start
            continue
        if carry and sl.text.strip():
            sl.page_start, carry = True, False
        kept.append(sl)
    doc.lines[:] = kept


def word_counts(lines: list[SourceLine]) -> Counter[str]:
    """How often each word (hyphenated compounds whole) occurs in a document, lower-cased."""
    return Counter(w.lower() for sl in lines for w in lexicon.tokens(sl.text))


def should_join(left: str, right: str, counts: Counter[str] | None = None) -> bool:
    """True when «left-right» is a word split by a line-break hyphen, not a real compound.

    The joined word must be known to the lexicon, and the document must not use the
    hyphenated form more than once unless it uses the joined form as often.
    """
    if not right[:1].islower() or (left.isupper() and len(left) > 1):
        return False
    joined = (left + right).lower()
    if not lexicon.is_word(joined):
        return False
    counts = counts or Counter()
    hyphenated = counts[f"{left}-{right}".lower()]
    return hyphenated < 2 or counts[joined] >= hyphenated


def join_hyphens(text: str, counts: Counter[str] | None = None) -> str:
    """Join words in a line that keep a hyphen from an old line break («bosteds-løse»)."""
    if "-" not in text:
        return text
    return HYPHEN_MID.sub(lambda m: m[1] + m[2] if should_join(m[1], m[2], counts) else m[0], text)


def join_pair(prev: str, nxt: str, counts: Counter[str] | None = None) -> str:
    """Join two lines of running text, mending a word hyphenated across the break."""
    m = LINE_END_HYPHEN.search(prev)
    if m and nxt[:1].isalpha():
        word = re.match(r"[^\W\d_]+", nxt)
        right = word[0] if word else ""
        if right and should_join(m[1], right, counts):
            return prev[:-1] + nxt
        if right.lower() in KEEP_SPACE_AFTER_HYPHEN:
            return f"{prev} {nxt}"
        return prev + nxt
    if prev.endswith("-") and prev[-2:-1].isdigit() and nxt[:1].isdigit():
        return prev + nxt
    return f"{prev} {nxt}" if prev else nxt


def continues(prev: str, nxt: str) -> bool:
    """True when a paragraph was cut mid-sentence (by a page break) and the next goes on."""
    prev = prev.rstrip()
    if not prev or not nxt or prev.endswith(SENTENCE_END):
        return False
    return nxt[:1].islower() or (prev.endswith("-") and nxt[:1].isalpha())
