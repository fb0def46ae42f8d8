"""Quote checker: is an on-screen quote verbatim in the source paper, on the cited page and section?

The engine is paper-agnostic. ``load_source`` reads a plain-text extraction or a PDF (text
extracted with pdfminer.six, one page per PDF page) into a :class:`SourceDocument`: normalized
text with a map back to pages and section headings. ``check_quote`` then looks for the quote
verbatim and, on failure, finds the closest passage and says what differs, character by character.

Normalization — the only differences allowed between a quote and the source:

1. White space: line breaks and runs of white space (in the quote and in the source) count as
   one space; leading and trailing space is ignored. Both are NFC-normalized (invisible).
2. A line break right after an em/en dash or a slash, or right before a dash, may be absent from
   the quote: "mysterious—\\nthey" matches "mysterious—they" and "mysterious— they".
3. Hyphenation: a line ending in letter + "-" followed by a line starting with a letter or digit
   is joined, and the quote may have either form: "plausible-\\nsounding" matches
   "plausible-sounding" and "plausiblesounding"; "hallucina-\\ntions" matches "hallucinations"
   (and, unavoidably, "hallucina-tions"). The extraction cannot tell a real compound split at
   its hyphen from a word broken by the typesetter, so both readings are accepted. A soft
   hyphen (U+00AD) at a line end is always joined.
4. Page furniture is skipped: the page-number line of each page (a line holding only the page's
   number, possibly with a constant offset, among the first or last three lines of the page),
   running heads/feet (a line repeated at the top or bottom of many pages, digits ignored) and
   form feeds.
5. Footnote markers glued to the source may be absent from the quote: 1–2 digits right after a
   lower-case letter ("model1 output", "Sonnet2") or after a lower-case letter and punctuation
   ("models.3 None"), digits opening a footnote line ("1The language model"), and the symbols
   ∗ † ‡ glued to a word or opening a line.
6. Typographic ligatures produced by PDF extraction (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) are expanded in the source.

Everything else is compared exactly: letters and their case, digits, punctuation, quote marks
(“ ” ‘ ’ are not " '), dashes (— – - − are all different) and ellipses.

Omissions: "…" in a quote marks an omission; ". . ." too, unless the quote matches with it as
literal text (the paper prints ". . ." itself). Each part must match in order, each starting at
most ``MAX_GAP`` characters (of normalized text) after the previous part ends.

Pages are counted from the source's own page breaks: form feeds in a text file (page 1 is
before the first form feed), the PDF's pages in a PDF. A cited page is right when the quote is on
it; a quote spanning a page break may cite either page, or the range ("13-14"); a cited range is
right when every page in it holds part of the quote. A cited section ("§3.1", "3.1",
"Section 3.1", "Appendix F.2", "Abstract", or a heading title) is right when the quote stands in
that section or in one of its subsections.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = [
    "MAX_GAP",
    "QuoteCheck",
    "QuoteSourceError",
    "Section",
    "SourceDocument",
    "check_quote",
    "load_source",
    "sha256_of",
]

MAX_GAP = 600
"""Most characters of normalized source text allowed between two parts of an elided quote."""

OMISSION = "…"
PRINTED_ELLIPSIS = ". . ."

# Optional stretches of the source (hyphens of hyphenation, footnote markers, line-break spaces
# after dashes) are wrapped in these two control characters in the internal "marked" text; the
# public ``SourceDocument.text`` holds the same text without them.
_OPEN = "\x01"
_CLOSE = "\x02"

_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WS = re.compile(r"\s+")

# Footnote markers glued to the text (see the module docstring, rule 5).
_FOOTNOTE_AFTER_WORD = re.compile(r"(?<=[a-z])(\d{1,2})(?=[\s.,;:)”’]|$)")
_FOOTNOTE_AFTER_PUNCT = re.compile(r"(?<=[a-z][.,;:)”’])(\d{1,2})(?=\s|$)")
_FOOTNOTE_LINE_START = re.compile(r"^(\d{1,2})(?=[A-Za-z])")
_SYMBOL_MARK_AFTER_WORD = re.compile(r"(?<=[\w.,)])([∗†‡]+)")
_SYMBOL_MARK_LINE_START = re.compile(r"^([∗†‡]+)(?=\S)")

_DASH_BREAK_BEFORE = ("—", "–", "/")  # a line ending in one of these: the break may vanish
_DASH_BREAK_AFTER = ("—", "–")  # a line starting with one of these: the break may vanish

# Section headings.
_LABEL = r"(?:\d{1,2}(?:\.\d{1,2}){0,3}|[A-Z](?:\.\d{1,2}){0,3})"
_TITLE_WORD = r"[\w’'()\-–:,/&?]+"
_TITLE = rf"[A-Z]{_TITLE_WORD[:-1]}*(?: {_TITLE_WORD}){{0,14}}"
_HEADING_ONE_LINE = re.compile(rf"^({_LABEL})\.? +({_TITLE})$")
_HEADING_LABEL_ONLY = re.compile(rf"^({_LABEL})\.?$")
_HEADING_TITLE_ONLY = re.compile(rf"^({_TITLE})$")
_NAMED_HEADINGS = {
    "abstract": "Abstract",
    "references": "References",
    "bibliography": "References",
    "acknowledgments": "Acknowledgments",
    "acknowledgements": "Acknowledgments",
    "appendix": "Appendix",
    "appendices": "Appendix",
}

_QUOTE_MARKS = set("\"'“”‘’„‚«»‹›`´′″")
_DASHES = set("-‐‑‒–—―−")


class QuoteSourceError(Exception):
    """The source document cannot be read (missing, unreadable, not UTF-8, no text in the PDF)."""


# --------------------------------------------------------------------------------------------
# The source document
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A section heading detected in the source."""

    label: str  # "3.3.1", "A", "F.2", or a name: "Abstract", "References", "Acknowledgments"
    title: str  # "Arbitrary-fact hallucinations" ("" for named headings)
    offset: int  # where the heading starts in SourceDocument.text
    page: int

    @property
    def numbered(self) -> bool:
        return self.label not in _NAMED_HEADINGS.values()

    def ref(self) -> str:
        """Human form: "§3.3.1 Arbitrary-fact hallucinations", "Appendix B …", "Abstract"."""
        if not self.numbered:
            return self.label
        prefix = "Appendix " if self.label[0].isalpha() else "§"
        return f"{prefix}{self.label} {self.title}".rstrip()


@dataclass(frozen=True)
class SourceDocument:
    """A source's normalized text with a map back to its pages and sections.

    Offsets everywhere are offsets into ``text``: the source with white space folded to single
    spaces, lines joined, page furniture removed (hyphens of hyphenation and footnote markers are
    kept in ``text``; the checker treats them as optional).
    """

    path: Path
    sha256: str
    text: str = field(repr=False)
    page_starts: tuple[int, ...] = field(repr=False)  # page_starts[i]: where page i + 1 begins
    sections: tuple[Section, ...] = field(repr=False)
    _marked: str = field(repr=False, compare=False)
    _marker_pos: tuple[int, ...] = field(repr=False, compare=False)
    _optional: bytes = field(repr=False, compare=False)
    _tok_starts: tuple[int, ...] = field(repr=False, compare=False)
    _tok_ends: tuple[int, ...] = field(repr=False, compare=False)
    _tok_index: dict = field(repr=False, compare=False)

    @property
    def page_count(self) -> int:
        return len(self.page_starts)

    @property
    def name(self) -> str:
        return self.path.name

    def page_of(self, offset: int) -> int:
        """The page (1-based) holding ``offset`` of ``text``."""
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def section_of(self, offset: int) -> str | None:
        """The label of the section holding ``offset`` ("3.3.1", "Abstract"), None before any."""
        sec = self.section_at(offset)
        return sec.label if sec else None

    def section_at(self, offset: int) -> Section | None:
        i = bisect.bisect_right([s.offset for s in self.sections], offset) - 1
        return self.sections[i] if i >= 0 else None

    def find_section(self, label: str) -> Section | None:
        for sec in self.sections:
            if sec.label == label:
                return sec
        return None

    # internal helpers ------------------------------------------------------------------------
    def _to_text(self, marked_offset: int) -> int:
        return marked_offset - bisect.bisect_left(self._marker_pos, marked_offset)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 16), b""):
                digest.update(block)
    except OSError as exc:
        raise QuoteSourceError(f"cannot read source {path}: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def load_source(path: Path) -> SourceDocument:
    """Load a ``.txt`` (UTF-8, pages split by form feeds) or ``.pdf`` source."""
    path = Path(path)
    if not path.is_file():
        raise QuoteSourceError(f"source not found: {path}")
    sha = sha256_of(path)
    with open(path, "rb") as fh:
        head = fh.read(5)
    if path.suffix.lower() == ".pdf" or head == b"%PDF-":
        pages = _pdf_pages(path)
    else:
        try:
            raw = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise QuoteSourceError(
                f"source {path} is not UTF-8 text (byte {exc.start}: {exc.reason})"
            ) from exc
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
        pages = raw.split("\f")
        if len(pages) > 1 and not pages[-1].strip():
            pages.pop()  # the form feed ending the last page
    if not any(p.strip() for p in pages):
        raise QuoteSourceError(f"source {path} holds no text")
    return _build(path, sha, pages)


def _pdf_pages(path: Path) -> list[str]:
    try:
        from io import StringIO

        from pdfminer.converter import TextConverter
        from pdfminer.layout import LAParams
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage
    except ImportError as exc:  # pragma: no cover - pdfminer.six is a dependency
        raise QuoteSourceError(f"cannot read PDF {path}: pdfminer.six is not installed") from exc
    pages: list[str] = []
    try:
        rsrc = PDFResourceManager()
        with open(path, "rb") as fh:
            for page in PDFPage.get_pages(fh):
                buf = StringIO()
                device = TextConverter(rsrc, buf, laparams=LAParams())
                PDFPageInterpreter(rsrc, device).process_page(page)
                device.close()
                pages.append(buf.getvalue().replace("\f", "\n"))
    except Exception as exc:  # pdfminer raises many kinds: PDFSyntaxError, PSEOF, ...
        raise QuoteSourceError(
            f"cannot extract text from PDF {path}: {type(exc).__name__}: {exc}"
        ) from exc
    if not any(p.strip() for p in pages):
        raise QuoteSourceError(
            f"no text could be extracted from PDF {path} ({len(pages)} pages; scanned images?)"
        )
    return pages


# --------------------------------------------------------------------------------------------
# Building the normalized text
# --------------------------------------------------------------------------------------------


def _clean_line(line: str) -> str:
    line = _CONTROL.sub(" ", line)
    line = unicodedata.normalize("NFC", line.translate(_LIGATURES))
    return _WS.sub(" ", line).strip()


def _edge_indices(lines: list[str], n: int) -> list[int]:
    """Indices of the first n and last n non-blank lines (last ones first)."""
    nonblank = [i for i, ln in enumerate(lines) if ln]
    last = nonblank[-n:][::-1]
    first = [i for i in nonblank[:n] if i not in last]
    return last + first


def _strip_furniture(pages: list[list[str]]) -> None:
    """Blank out page-number lines and running heads, in place."""
    n = len(pages)
    # Page numbers: a constant offset between the printed number and the page index.
    offsets: Counter[int] = Counter()
    for i, lines in enumerate(pages, start=1):
        found = {int(lines[j]) - i for j in _edge_indices(lines, 3) if re.fullmatch(r"\d{1,4}", lines[j])}
        offsets.update(found)
    if offsets:
        delta, count = offsets.most_common(1)[0]
        if count >= max(1, math.ceil(n / 2)):
            for i, lines in enumerate(pages, start=1):
                for j in _edge_indices(lines, 3):
                    if lines[j] == str(i + delta):
                        lines[j] = ""
                        break
    # Running heads and feet: the same line (digits ignored) at an edge of many pages.
    if n >= 3:
        keyed: Counter[str] = Counter()
        for lines in pages:
            keyed.update({re.sub(r"\d+", "#", lines[j]) for j in _edge_indices(lines, 2)})
        need = max(3, math.ceil(0.4 * n))
        heads = {
            k for k, c in keyed.items() if c >= need and sum(ch.isalpha() for ch in k) >= 2
        }
        if heads:
            for lines in pages:
                for j in _edge_indices(lines, 2):
                    if re.sub(r"\d+", "#", lines[j]) in heads:
                        lines[j] = ""


def _mark_footnotes(line: str) -> str:
    wrap = lambda m: f"{_OPEN}{m.group(1)}{_CLOSE}"  # noqa: E731
    line = _FOOTNOTE_LINE_START.sub(wrap, line)
    line = _SYMBOL_MARK_LINE_START.sub(wrap, line)
    line = _FOOTNOTE_AFTER_WORD.sub(wrap, line)
    line = _FOOTNOTE_AFTER_PUNCT.sub(wrap, line)
    line = _SYMBOL_MARK_AFTER_WORD.sub(wrap, line)
    return line


def _parse_label(label: str) -> tuple:
    parts = label.split(".")
    head: int | str = int(parts[0]) if parts[0].isdigit() else parts[0]
    return (head, *(int(p) for p in parts[1:]))


def _next_value(a: int | str, b: int | str) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return b == a + 1
    if isinstance(a, str) and isinstance(b, str):
        return ord(b) == ord(a) + 1
    return False


def _follows(prev: tuple | None, cand: tuple) -> bool:
    """May heading ``cand`` come right after heading ``prev`` in a well-numbered document?"""
    if prev is None:
        return cand == (1,)  # not "A": a title like "A Tiny Paper" is no appendix
    if isinstance(cand[0], str) and isinstance(prev[0], int):
        return cand == ("A",)  # the appendices begin
    if type(cand[0]) is not type(prev[0]):
        return False
    k, m = len(prev), len(cand)
    if m == k + 1 and cand[:k] == prev and cand[-1] == 1:
        return True
    return m <= k and cand[: m - 1] == prev[: m - 1] and _next_value(prev[m - 1], cand[m - 1])


def _title_ok(title: str) -> bool:
    return (
        len(title) <= 90
        and not title.endswith((".", ",", ";", ":"))
        and re.search(r"[^\W\d_]{2,}", title) is not None
    )


def _build(path: Path, sha: str, raw_pages: list[str]) -> SourceDocument:
    pages = [[_clean_line(ln) for ln in page.split("\n")] for page in raw_pages]
    _strip_furniture(pages)

    out: list[str] = []
    length = 0
    page_starts_m: list[int] = []
    heading_marks: list[tuple[int, str, str, int]] = []  # (marked offset, label, title, page)
    prev_label: tuple | None = None
    pending: str | None = None  # the last content line, not yet written

    def flush(next_line: str | None) -> None:
        nonlocal pending, length
        if pending is None:
            return
        text = pending
        if next_line is not None:
            if text.endswith("\u00ad") and next_line[:1].isalnum():
                text = text[:-1]
            elif re.search(r"[^\W\d_]-$", text) and next_line[:1].isalnum():
                text = text[:-1] + f"{_OPEN}-{_CLOSE}"
            elif text.endswith(_DASH_BREAK_BEFORE) or next_line.startswith(_DASH_BREAK_AFTER):
                text += f"{_OPEN} {_CLOSE}"
            else:
                text += " "
        out.append(text)
        length += len(text)
        pending = None

    for page_no, lines in enumerate(pages, start=1):
        first_on_page = True
        for j, line in enumerate(lines):
            if not line:
                continue
            flush(line)
            if first_on_page:
                page_starts_m.append(length)
                first_on_page = False
            # Section headings (on the clean line, before footnote marking).
            blank_before = j == 0 or not lines[j - 1]
            blank_after = j + 1 >= len(lines) or not lines[j + 1]
            heading: tuple[str, str] | None = None
            if blank_before and blank_after:
                named = _NAMED_HEADINGS.get(line.lower())
                m1 = _HEADING_ONE_LINE.match(line)
                m2 = _HEADING_LABEL_ONLY.match(line)
                if named:
                    heading = (named, "")
                elif m1 and _title_ok(m1.group(2)):
                    heading = (m1.group(1), m1.group(2))
                elif m2:
                    k = j + 1
                    while k < len(lines) and not lines[k]:
                        k += 1
                    if k < len(lines) and (k + 1 >= len(lines) or not lines[k + 1]):
                        m3 = _HEADING_TITLE_ONLY.match(lines[k])
                        if m3 and _title_ok(lines[k]) and not _HEADING_ONE_LINE.match(lines[k]):
                            heading = (m2.group(1), lines[k])
            if heading is not None:
                label, title = heading
                if label in _NAMED_HEADINGS.values():
                    heading_marks.append((length, label, title, page_no))
                else:
                    cand = _parse_label(label)
                    if prev_label is not None and cand == prev_label and heading_marks:
                        heading_marks.pop()  # the same label again: keep the later one
                        heading_marks.append((length, label, title, page_no))
                    elif _follows(prev_label, cand):
                        heading_marks.append((length, label, title, page_no))
                        prev_label = cand
            pending = _mark_footnotes(line)
        if first_on_page:  # an empty page
            page_starts_m.append(length + (1 if pending is not None else 0))
    flush(None)

    marked = "".join(out)
    marker_pos = tuple(i for i, ch in enumerate(marked) if ch in (_OPEN, _CLOSE))
    text = marked.replace(_OPEN, "").replace(_CLOSE, "")
    optional = bytearray(len(text))
    inside = False
    t = 0
    for ch in marked:
        if ch == _OPEN:
            inside = True
        elif ch == _CLOSE:
            inside = False
        else:
            if inside:
                optional[t] = 1
            t += 1

    def to_text(m: int) -> int:
        return m - bisect.bisect_left(marker_pos, m)

    page_starts = tuple(to_text(m) for m in page_starts_m)
    sections = tuple(Section(lbl, ttl, to_text(m), pg) for m, lbl, ttl, pg in heading_marks)

    tok_starts: list[int] = []
    tok_ends: list[int] = []
    index: dict[str, list[int]] = defaultdict(list)
    for k, m in enumerate(re.finditer(r"[^\W_]+", text)):
        tok_starts.append(m.start())
        tok_ends.append(m.end())
        index[m.group().lower()].append(k)

    return SourceDocument(
        path=path,
        sha256=sha,
        text=text,
        page_starts=page_starts,
        sections=sections,
        _marked=marked,
        _marker_pos=marker_pos,
        _optional=bytes(optional),
        _tok_starts=tuple(tok_starts),
        _tok_ends=tuple(tok_ends),
        _tok_index=dict(index),
    )


# --------------------------------------------------------------------------------------------
# Checking a quote
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteCheck:
    """The verdict on one quote. ``problems`` is empty when ``ok``."""

    ok: bool
    quote: str
    page_cited: int | str | None
    section_cited: str | None
    page_found: int | None
    section_found: str | None
    closest: str | None
    problems: tuple[str, ...]
    detail: str = ""  # the character-by-character comparison, when the text differs
    source: str = ""  # the source file's name
    location: str = ""  # where the (closest) passage is, e.g. "page 13, §4.2 Explicit …"

    def explain(self) -> str:
        """A human message: the quote, the closest passage, what differs and where."""
        src = f" in {self.source}" if self.source else ""
        cited = _cited_str(self.page_cited, self.section_cited)
        if self.ok:
            return f"OK: quote found verbatim{src}, {self.location}{cited}:\n  “{self.quote}”"
        lines = [f"QUOTE CHECK FAILED{src}{cited}", f"  quote:   {self.quote}"]
        if self.closest is not None:
            lines.append(f"  closest: {self.closest}")
            if self.location:
                lines.append(f"           ({self.location})")
        else:
            lines.append("  closest: (no passage of the source resembles the quote)")
        lines.append("  problems:")
        lines.extend(f"    - {p}" for p in self.problems)
        if self.detail:
            lines.append("  character by character (q = quote, s = source, ^ = differs):")
            lines.extend("    " + ln for ln in self.detail.splitlines())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()


def _cited_str(page: int | str | None, section: str | None) -> str:
    bits = []
    if section:
        bits.append(f"section {section}")
    if page is not None:
        bits.append(f"page {page}")
    return f" (cited: {', '.join(bits)})" if bits else ""


def _normalize_quote(text: str) -> str:
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=512)
def _pattern(fragment: str) -> re.Pattern[str]:
    """A regex matching ``fragment`` in the marked text, optional stretches present or absent."""
    skip = f"(?:{_OPEN}[^{_CLOSE}]*{_CLOSE})?"
    parts = []
    for i, ch in enumerate(fragment):
        piece = f"{_OPEN}?{re.escape(ch)}{_CLOSE}?"
        parts.append(piece if i == 0 else skip + piece)
    return re.compile("".join(parts))


@dataclass
class _Span:
    start: int  # text offsets
    end: int
    parts: list[tuple[int, int]]


def _find_all(doc: SourceDocument, fragment: str) -> list[tuple[int, int]]:
    """Text spans of every (non-overlapping) exact match of ``fragment``, at most 2000."""
    found = []
    for m in _pattern(fragment).finditer(doc._marked):
        found.append((doc._to_text(m.start()), doc._to_text(m.end())))
        if len(found) >= 2000:
            break
    return found


def _chains(doc: SourceDocument, fragments: list[str]) -> list[_Span]:
    """All in-order placements of the fragments, each within MAX_GAP of the previous (capped)."""
    occ = [_find_all(doc, f) for f in fragments]
    if any(not o for o in occ):
        return []
    starts = [[s for s, _ in o] for o in occ]
    results: list[_Span] = []

    def extend(k: int, parts: list[tuple[int, int]]) -> None:
        if len(results) >= 50:
            return
        if k == len(fragments):
            results.append(_Span(parts[0][0], parts[-1][1], list(parts)))
            return
        prev_end = parts[-1][1]
        i = bisect.bisect_left(starts[k], prev_end)
        while i < len(occ[k]) and occ[k][i][0] <= prev_end + MAX_GAP:
            extend(k + 1, parts + [occ[k][i]])
            i += 1

    for first in occ[0]:
        extend(1, [first])
        if len(results) >= 50:
            break
    return results


def _split_variants(quote: str) -> list[list[str]]:
    """The ways to read the quote: literal first, then with omissions."""
    variants = [[quote]]
    if OMISSION in quote:
        variants.append([p.strip() for p in quote.split(OMISSION) if p.strip()])
    if PRINTED_ELLIPSIS in quote:
        parts = re.split(rf"\s*{re.escape(OMISSION)}\s*|\s*{re.escape(PRINTED_ELLIPSIS)}\s*", quote)
        variants.append([p.strip() for p in parts if p.strip()])
    out: list[list[str]] = []
    for v in variants:
        if v and v not in out:
            out.append(v)
    return out


# --- citations -------------------------------------------------------------------------------


def _parse_page(cited: int | str) -> tuple[int, int] | None:
    if isinstance(cited, bool):
        return None
    if isinstance(cited, int):
        return (cited, cited)
    s = str(cited).strip()
    s = re.sub(r"^(?:pp?\.|pages?)\s*", "", s, flags=re.IGNORECASE)
    m = re.fullmatch(r"(\d+)\s*(?:[-–—]\s*(\d+))?", s)
    if not m:
        return None
    a = int(m.group(1))
    b = int(m.group(2)) if m.group(2) else a
    return (a, b) if a <= b else None


def _pages_str(pages: list[int]) -> str:
    if len(pages) == 1:
        return f"page {pages[0]}"
    return f"pages {pages[0]}–{pages[-1]}"


def _page_problem(cited: int | str | None, pages: list[int]) -> str | None:
    if cited is None:
        return None
    rng = _parse_page(cited)
    if rng is None:
        return f"cannot read the cited page {cited!r} (write 13 or \"13-14\")"
    a, b = rng
    if all(p in pages for p in range(a, b + 1)):
        return None
    return f"wrong page: found on {_pages_str(pages)}, cited {cited}"


def _cited_label(doc: SourceDocument, cited: str) -> tuple[str | None, str]:
    """(label, display) for a cited section; label None when it names nothing in the source."""
    s = cited.strip()
    s = re.sub(r"^(?:§+|sections?\b\.?|sec\.|appendix\b|app\.)\s*", "", s, flags=re.IGNORECASE)
    s = s.strip()
    named = _NAMED_HEADINGS.get(s.lower().rstrip("."))
    if named:
        return named, named
    m = re.match(rf"^({_LABEL})\.?(?:\s+(.*))?$", s)
    if m:
        return m.group(1), f"§{m.group(1)}" if m.group(1)[0].isdigit() else m.group(1)
    for sec in doc.sections:
        if sec.title and sec.title.casefold() == s.casefold():
            return sec.label, cited
    return None, cited


def _sections_touched(doc: SourceDocument, start: int, end: int) -> list[Section | None]:
    touched: list[Section | None] = [doc.section_at(start)]
    for sec in doc.sections:
        if start < sec.offset < end:
            touched.append(sec)
    return touched


def _section_problem(doc: SourceDocument, cited: str | None, start: int, end: int) -> str | None:
    if not cited:
        return None
    label, display = _cited_label(doc, cited)
    touched = _sections_touched(doc, start, end)
    if label is not None:
        for sec in touched:
            if sec is not None and (sec.label == label or sec.label.startswith(label + ".")):
                return None
    found = touched[0]
    where = found.ref() if found else "the front matter (before any section heading)"
    if label is None or not any(s.label == label or s.label.startswith(label + ".") for s in doc.sections):
        return f"wrong section: found in {where}, cited {cited} (no such section heading in the source)"
    return f"wrong section: found in {where}, cited {display}"


def _location(doc: SourceDocument, start: int, end: int) -> tuple[list[int], Section | None, str]:
    p0, p1 = doc.page_of(start), doc.page_of(max(start, end - 1))
    pages = list(range(p0, p1 + 1))
    sec = doc.section_at(start)
    where = _pages_str(pages) + (f", {sec.ref()}" if sec else ", front matter")
    return pages, sec, where


# --- fuzzy search ------------------------------------------------------------------------------


def _closest(doc: SourceDocument, fragment: str, prefer_pages: tuple[int, int] | None) -> tuple[int, int, float] | None:
    """(start, end, similarity) of the passage of the source closest to ``fragment``."""
    qtoks = [t.lower() for t in re.findall(r"[^\W_]+", fragment)]
    if not qtoks:
        return None
    index = doc._tok_index
    votes: dict[int, float] = defaultdict(float)
    usable = [(qi, w) for qi, w in enumerate(qtoks) if w in index]
    common_cut = 400 if any(len(index[w]) <= 400 for _, w in usable) else None
    for qi, w in usable:
        pos = index[w]
        if common_cut is not None and len(pos) > common_cut:
            continue
        weight = 1.0 / math.log(2.0 + len(pos))
        for sj in pos:
            votes[sj - qi] += weight
    if not votes:
        return None
    nq = len(qtoks)
    smooth: dict[int, float] = {}
    for d in votes:
        smooth[d] = sum(votes.get(d + k, 0.0) for k in range(-3, 4))
    ranked = sorted(smooth, key=lambda d: -smooth[d])
    picked: list[int] = []
    for d in ranked:
        if all(abs(d - p) > max(3, nq // 2) for p in picked):
            picked.append(d)
        if len(picked) >= 6:
            break
    ntok = len(doc._tok_starts)
    text = doc.text
    best: tuple[float, int, int] | None = None
    for d in picked:
        a = min(max(0, d - 4), ntok - 1)
        b = min(ntok - 1, max(a, d + nq + 3))
        ws, we = doc._tok_starts[a], doc._tok_ends[b]
        window = text[ws:we]
        sm = difflib.SequenceMatcher(None, fragment, window, autojunk=False)
        blocks = [blk for blk in sm.get_matching_blocks() if blk.size >= 3]
        if not blocks:
            continue
        s = max(0, blocks[0].b - blocks[0].a)
        last = blocks[-1]
        e = min(len(window), last.b + last.size + (len(fragment) - last.a - last.size))
        s, e = ws + s, ws + e
        while s > 0 and text[s - 1].isalnum() and (s >= len(text) or text[s].isalnum()):
            s -= 1  # do not start inside a word
        while 0 < e < len(text) and text[e].isalnum() and text[e - 1].isalnum():
            e += 1  # nor end inside one
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        ratio = difflib.SequenceMatcher(None, fragment, text[s:e], autojunk=False).ratio()
        if prefer_pages and prefer_pages[0] <= doc.page_of(s) <= prefer_pages[1]:
            ratio += 1e-6
        if best is None or ratio > best[0]:
            best = (ratio, s, e)
    if best is None:
        return None
    return best[1], best[2], best[0]


def _passage_for(doc: SourceDocument, start: int, end: int, quote: str) -> str:
    """The source passage [start, end) with each optional stretch in or out, as the quote has it."""
    text, opt = doc.text, doc._optional
    pieces: list[str] = []
    i = start
    while i < end:
        if not opt[i]:
            j = i
            while j < end and not opt[j]:
                j += 1
            pieces.append(text[i:j])
            i = j
            continue
        j = i
        while j < end and opt[j]:
            j += 1
        left = i
        while left > start and not text[left - 1].isspace():
            left -= 1
        right = j
        while right < end and not text[right].isspace():
            right += 1
        if text[left:right] in quote:
            pieces.append(text[i:j])
        i = j
    return "".join(pieces)


# --- describing differences ---------------------------------------------------------------------


def _char_class(a: str, b: str) -> str:
    """Classify the difference between source chars ``a`` and quote chars ``b``."""
    changed = set(a) | set(b)
    if not changed:
        return "characters changed"
    if changed <= _QUOTE_MARKS:
        return "quote marks"
    if changed <= _DASHES:
        return "dashes"
    if ("…" in changed or "..." in a or "..." in b) and changed <= set("…. "):
        return "ellipsis"
    if changed <= {" "}:
        return "spacing"
    if a.lower() == b.lower() and a != b:
        return "capitalization"
    if all(c.isalpha() for c in changed):
        return "letter changed"
    if all(c.isdigit() for c in changed):
        return "digit changed"
    if all(unicodedata.category(c)[0] in "PS" for c in changed):
        return "punctuation"
    return "characters changed"


def _pair_class(src: str, qt: str) -> str:
    sm = difflib.SequenceMatcher(None, src, qt, autojunk=False)
    classes: list[str] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        c = _char_class(src[i1:i2], qt[j1:j2])
        if c == "capitalization" or (c == "letter changed" and src[i1:i2].lower() == qt[j1:j2].lower()):
            c = "capitalization"
        if c not in classes:
            classes.append(c)
    if src.lower() == qt.lower() and src != qt:
        return "capitalization"
    return ", ".join(classes) if classes else "characters changed"


def _show(words: list[str]) -> str:
    return " ".join(words)


def _describe(quote: str, passage: str) -> list[str]:
    """What differs between the quote and the source passage, in words."""
    qt, st = quote.split(" "), passage.split(" ")
    sm = difflib.SequenceMatcher(None, st, qt, autojunk=False)
    ops = [op for op in sm.get_opcodes()]
    problems: list[str] = []
    used: set[int] = set()
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if k in used or tag == "equal":
            continue
        # words swapped, seen as delete … insert (or insert … delete) of the same words
        if tag in ("delete", "insert") and k + 2 < len(ops) and ops[k + 1][0] == "equal":
            t2, a1, a2, b1, b2 = ops[k + 2]
            eq = ops[k + 1]
            if (
                {tag, t2} == {"delete", "insert"}
                and eq[2] - eq[1] <= 3
                and (st[i1:i2] if tag == "delete" else qt[j1:j2])
                == (st[a1:a2] if t2 == "delete" else qt[b1:b2])
            ):
                used.update({k, k + 2})
                problems.append(
                    f"words swapped: '{_show(qt[j1:b2])}' (quote) ≠ '{_show(st[i1:a2])}' (source)"
                )
                continue
        if tag == "replace":
            src_w, q_w = st[i1:i2], qt[j1:j2]
            if len(src_w) > 1 and sorted(src_w) == sorted(q_w):
                problems.append(
                    f"words swapped: '{_show(q_w)}' (quote) ≠ '{_show(src_w)}' (source)"
                )
            elif len(src_w) == len(q_w):
                groups: list[tuple[str, list[str], list[str]]] = []
                for s_word, q_word in zip(src_w, q_w):
                    c = _pair_class(s_word, q_word)
                    if groups and groups[-1][0] == c:
                        groups[-1][1].append(s_word)
                        groups[-1][2].append(q_word)
                    else:
                        groups.append((c, [s_word], [q_word]))
                for c, s_words, q_words in groups:
                    problems.append(_format_change(c, _show(q_words), _show(s_words)))
            else:
                c = _pair_class(_show(src_w), _show(q_w))
                if c in ("quote marks", "dashes", "ellipsis", "spacing", "capitalization", "punctuation"):
                    problems.append(_format_change(c, _show(q_w), _show(src_w)))
                else:
                    problems.append(
                        f"words changed: '{_show(q_w)}' (quote) ≠ '{_show(src_w)}' (source)"
                    )
        elif tag == "delete":
            ctx = _show(st[max(0, i1 - 2) : min(len(st), i2 + 2)])
            noun = "word missing" if i2 - i1 == 1 else f"{i2 - i1} words missing"
            problems.append(f"{noun}: '{_show(st[i1:i2])}' (source has '{ctx}')")
        elif tag == "insert":
            ctx = _show(qt[max(0, j1 - 2) : min(len(qt), j2 + 2)])
            noun = "word added" if j2 - j1 == 1 else f"{j2 - j1} words added"
            problems.append(f"{noun}: '{_show(qt[j1:j2])}' (quote has '{ctx}')")
    return problems


def _format_change(cls: str, q: str, s: str) -> str:
    if cls == "quote marks":  # shown bare: wrapping them in quote marks would confuse
        return f"{cls}: {q} (quote) ≠ {s} (source){_char_names(q, s)}"
    if cls == "dashes":
        return f"{cls}: '{q}' (quote) ≠ '{s}' (source){_char_names(q, s)}"
    return f"{cls}: '{q}' (quote) ≠ '{s}' (source)"


def _char_names(q: str, s: str) -> str:
    """" [" QUOTATION MARK ≠ “ LEFT DOUBLE QUOTATION MARK; ...]" for each distinct change."""
    pairs: list[str] = []
    sm = difflib.SequenceMatcher(None, q, s, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "replace" or i2 - i1 != j2 - j1:
            continue
        for a, b in zip(q[i1:i2], s[j1:j2]):
            pair = f"{a} {unicodedata.name(a, '?')} ≠ {b} {unicodedata.name(b, '?')}"
            if pair not in pairs:
                pairs.append(pair)
    return f" [{'; '.join(pairs)}]" if pairs else ""


def _aligned(quote: str, passage: str, width: int = 76) -> str:
    """Quote over source, aligned, with ^ under each difference; only rows that differ."""
    sm = difflib.SequenceMatcher(None, quote, passage, autojunk=False)
    q_row, s_row, mark = [], [], []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        a, b = quote[i1:i2], passage[j1:j2]
        if tag == "equal":
            q_row.append(a)
            s_row.append(b)
            mark.append(" " * len(a))
            continue
        n = max(len(a), len(b))
        q_row.append(a.ljust(n, "·" if not a else " "))
        s_row.append(b.ljust(n, "·" if not b else " "))
        mark.append("^" * n)
    q_line, s_line, m_line = "".join(q_row), "".join(s_row), "".join(mark)
    rows = []
    for k in range(0, len(m_line), width):
        if "^" in m_line[k : k + width]:
            rows += [
                "q: " + q_line[k : k + width],
                "s: " + s_line[k : k + width],
                "   " + m_line[k : k + width].rstrip(),
            ]
    return "\n".join(rows)


# --- the check -----------------------------------------------------------------------------------


def check_quote(
    doc: SourceDocument,
    text: str,
    page: int | str | None = None,
    section: str | None = None,
) -> QuoteCheck:
    """Check that ``text`` is verbatim in ``doc`` (see the module docstring for the rules)."""
    quote = _normalize_quote(text)
    base = dict(quote=quote, page_cited=page, section_cited=section, source=doc.name)
    if not quote or not _normalize_quote(quote.replace(OMISSION, "").replace(PRINTED_ELLIPSIS, "")):
        return QuoteCheck(False, page_found=None, section_found=None, closest=None,
                          problems=("empty quote",), **base)
    rng = _parse_page(page) if page is not None else None

    def location_problems(start: int, end: int) -> list[str]:
        pages, _, _ = _location(doc, start, end)
        probs = [_page_problem(page, pages), _section_problem(doc, section, start, end)]
        return [p for p in probs if p]

    # 1. Exact matches, for each reading of the quote (literal, then with omissions).
    variants = _split_variants(quote)
    first_found: _Span | None = None
    for fragments in variants:
        for span in _chains(doc, fragments):
            if first_found is None:
                first_found = span
            if not location_problems(span.start, span.end):
                return _verdict(doc, quote, span, [], base)
    if first_found is not None:
        # the text is right, the citation is not: prefer a placement on the cited page
        spans = [s for v in variants for s in _chains(doc, v)]
        if rng:
            on_page = [s for s in spans if rng[0] <= doc.page_of(s.start) <= rng[1]
                       or rng[0] <= doc.page_of(s.end - 1) <= rng[1]]
            if on_page:
                first_found = on_page[0]
        return _verdict(doc, quote, first_found, location_problems(first_found.start, first_found.end), base)

    # 2. No exact match: explain.
    fragments = variants[-1]
    problems: list[str] = []
    if "..." in quote:
        problems.append('"..." (three full stops) is not in the source: write an omission as … '
                        'and the paper\'s own ellipsis as ". . ."')
    if len(fragments) > 1:
        occ = [_find_all(doc, f) for f in fragments]
        missing = [k for k, o in enumerate(occ) if not o]
        if not missing:
            # every part is in the source; their order or distance is wrong
            for k in range(len(fragments) - 1):
                a_occ, b_occ = occ[k], occ[k + 1]
                after = _nearest_gap([e for _, e in a_occ], [s for s, _ in b_occ])
                if after is not None and after <= MAX_GAP:
                    continue
                before = _nearest_gap([e for _, e in b_occ], [s for s, _ in a_occ])
                a_short, b_short = _short(fragments[k]), _short(fragments[k + 1])
                if before is not None and (after is None or before <= MAX_GAP):
                    problems.append(f"fragments out of order: '{b_short}' comes before "
                                    f"'{a_short}' in the source")
                else:
                    problems.append(f"fragments too far apart: '{a_short}' … '{b_short}' "
                                    f"are {after} characters apart (at most {MAX_GAP})")
            if not problems:
                problems.append(f"the parts are in the source but not in this order within "
                                f"{MAX_GAP} characters of each other")
            first = occ[0][0]
            pages, sec, where = _location(doc, first[0], first[1])
            closest = " … ".join(doc.text[s:e] for s, e in (o[0] for o in occ))
            return QuoteCheck(False, page_found=pages[0], section_found=sec.label if sec else None,
                              closest=closest, problems=tuple(problems), location=where, **base)
        # explain the first part that is not in the source
        bad = missing[0]
        target = fragments[bad]
        problems.append(f"part {bad + 1} of {len(fragments)} is not in the source: '{_short(target)}'")
    else:
        target = fragments[0]

    near = _closest(doc, target, rng)
    if near is None:
        problems.append("not in the source: no passage resembles it")
        return QuoteCheck(False, page_found=None, section_found=None, closest=None,
                          problems=tuple(problems), **base)
    s, e, _ = near
    passage = _passage_for(doc, s, e, target)
    similarity = difflib.SequenceMatcher(None, target, passage, autojunk=False).ratio()
    pages, sec, where = _location(doc, s, e)
    detail = ""
    if similarity < 0.6:
        problems.append(f"not in the source: the closest passage is only {similarity:.0%} similar")
    else:
        diffs = _describe(target, passage)
        problems.extend(diffs or ["text differs (see character by character)"])
        detail = _aligned(target, passage)
    problems.extend(location_problems(s, e))
    return QuoteCheck(False, page_found=pages[0], section_found=sec.label if sec else None,
                      closest=passage, problems=tuple(problems), detail=detail, location=where, **base)


def _nearest_gap(ends: list[int], starts: list[int]) -> int | None:
    """The smallest ``start - end`` >= 0 over an end and a later start, None if none."""
    starts = sorted(starts)
    best: int | None = None
    for end in ends:
        i = bisect.bisect_left(starts, end)
        if i < len(starts) and (best is None or starts[i] - end < best):
            best = starts[i] - end
    return best


def _short(fragment: str, n: int = 40) -> str:
    return fragment if len(fragment) <= n else fragment[: n - 1] + "…"


def _verdict(doc: SourceDocument, quote: str, span: _Span, problems: list[str], base: dict) -> QuoteCheck:
    pages, sec, where = _location(doc, span.start, span.end)
    closest = " … ".join(_passage_for(doc, s, e, quote) for s, e in span.parts)
    return QuoteCheck(
        ok=not problems,
        page_found=pages[0],
        section_found=sec.label if sec else None,
        closest=closest,
        problems=tuple(problems),
        location=where,
        **base,
    )
