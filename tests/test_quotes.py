"""Tests for the quote checker (src/explainer_anim/quotes.py).

Most tests run against the real paper extraction in ``../shared/sources/`` (relative to the repo
root) and skip, printing why, when that folder is absent. The synthetic-text and PDF tests build
their own sources in ``tmp_path``; the PDF test skips when pdflatex is missing.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from explainer_anim.quotes import (
    MAX_GAP,
    QuoteCheck,
    QuoteSourceError,
    SourceDocument,
    check_quote,
    load_source,
    sha256_of,
)

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / ".." / "shared" / "sources"
PAPER = SOURCES / "kalai2025-why-language-models-hallucinate.txt"


@pytest.fixture(scope="module")
def paper() -> SourceDocument:
    if not PAPER.is_file():
        reason = f"shared source text not available ({PAPER.resolve()} is absent)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return load_source(PAPER)


def ok(doc: SourceDocument, text: str, page=None, section=None) -> QuoteCheck:
    result = check_quote(doc, text, page, section)
    assert result.ok, result.explain()
    assert result.problems == ()
    return result


def fails(doc: SourceDocument, text: str, page=None, section=None, *expect: str) -> QuoteCheck:
    result = check_quote(doc, text, page, section)
    assert not result.ok, f"expected a failure for {text!r}"
    message = result.explain()
    for want in expect:
        assert want in message, f"{want!r} not in:\n{message}"
    return result


# --------------------------------------------------------------------------------------------
# The loaded paper: pages, sections, furniture
# --------------------------------------------------------------------------------------------


def test_paper_pages_and_sections(paper: SourceDocument) -> None:
    assert paper.page_count == 36
    assert paper.sha256 == hashlib.sha256(PAPER.read_bytes()).hexdigest() == sha256_of(PAPER)
    labels = [s.label for s in paper.sections]
    assert labels == [
        "Abstract", "1", "1.1", "1.2", "2", "3", "3.1", "3.2", "3.3", "3.3.1", "3.3.2", "3.4",
        "4", "4.1", "4.2", "5", "6", "References", "A", "B", "C", "D", "E", "F", "F.1", "F.2",
        "F.3",
    ]
    titles = {s.label: s.title for s in paper.sections}
    assert titles["1"] == "Introduction"  # printed as "1", blank line, "Introduction"
    assert titles["3.3.1"] == "Arbitrary-fact hallucinations"
    assert titles["A"] == "Proof of the main theorem"
    assert titles["F.2"] == "Open LLM Leaderboard"
    assert paper.find_section("4.2").page == 13
    # offsets map back to pages and sections
    at = paper.text.index("Answer only if you are > t confident")
    assert paper.page_of(at) == 13
    assert paper.section_of(at) == "4.2"
    assert paper.section_of(paper.text.index("Adam Tauman Kalai")) is None  # front matter
    assert paper.section_of(paper.text.index("Like students")) == "Abstract"


def test_page_furniture_is_removed(paper: SourceDocument) -> None:
    # the page number and the form feed between pages 9 and 10 are gone
    assert "one may expect even more hallucinations" in paper.text
    assert "\f" not in paper.text
    for page, start in enumerate(paper.page_starts, start=1):
        before = paper.text[max(0, start - 8) : start].strip()
        assert not before.endswith(f" {page - 1}"), (page, paper.text[start - 40 : start])


# --------------------------------------------------------------------------------------------
# Real quotes that must pass
# --------------------------------------------------------------------------------------------

PLANNED = [
    ("What is Adam Tauman Kalai’s birthday? If you know, just respond with DD-MM.", 1, "§1"),
    ("The constant 2 in the above bound is relatively tight", 7, "§3.1"),
    (
        "Answer only if you are > t confident, since mistakes are penalized t/(1 − t) points, "
        "while correct answers receive 1 point, and an answer of “I don’t know” receives 0 points.",
        13,
        "§4.2",
    ),
    (
        "Like students facing hard exam questions, large language models sometimes guess when "
        "uncertain, producing plausible yet incorrect statements instead of admitting uncertainty.",
        1,
        "Abstract",
    ),
]


@pytest.mark.parametrize("text,page,section", PLANNED)
def test_planned_quotes(paper: SourceDocument, text: str, page: int, section: str) -> None:
    result = ok(paper, text, page, section)
    assert result.page_found == page
    assert result.section_found == section.lstrip("§")


def test_quote_spanning_line_breaks(paper: SourceDocument) -> None:
    # three source lines; the quote has single spaces, or its own line breaks
    ok(paper, "We argue that language models hallucinate because the training and evaluation "
              "procedures reward guessing over acknowledging uncertainty", 1, "Abstract")
    ok(paper, "We argue that\nlanguage models   hallucinate because", 1)


def test_word_hyphenated_across_lines(paper: SourceDocument) -> None:
    # "hallucina-\ntions": the quote writes the word whole
    ok(paper, "The persistence of hallucinations, despite extensive work on the problem, is "
              "explained by the recognition that hallucination-like guessing is rewarded by most "
              "primary evaluations.", 4, "§1.2")
    # "plausible-\nsounding": a real compound split at its hyphen; both forms are accepted
    ok(paper, "humans also occasionally fabricate plausible-sounding information", 4, "1.2")
    ok(paper, "humans also occasionally fabricate plausiblesounding information", 4, "1.2")
    # but a hyphen or a space where the source has none is a difference
    fails(paper, "humans also occasionally fabricate plausible sounding information", 4, None)
    fails(paper, "training data contain IDK. The persistence of halluci-nations, despite", None,
          None)  # no line break after "halluci" in the source


def test_quote_spanning_a_page_break(paper: SourceDocument) -> None:
    text = ("However, we again note that one may expect even more hallucinations with multiple "
            "ways to state each fact.")
    for cited in (9, 10, "9-10", "9–10", "pp. 9–10"):
        result = ok(paper, text, cited, "3.3.1")
    assert result.page_found == 9
    assert "pages 9–10" in result.explain()
    fails(paper, text, 11, None, "wrong page: found on pages 9–10, cited 11")
    fails(paper, text, "9-11", None, "wrong page")


def test_footnote_markers_may_be_absent(paper: SourceDocument) -> None:
    # source: "a state-of-the-art open-source language model1 output three incorrect dates"
    ok(paper, "a state-of-the-art open-source language model output three incorrect dates", 1, "§1")
    ok(paper, "a state-of-the-art open-source language model1 output three incorrect dates", 1)
    # "Claude 3.7 Sonnet2\nperformed": marker then line break
    ok(paper, "Meta AI and Claude 3.7 Sonnet performed similarly", 2, "§1")
    # "popular language models.3 None generated": marker after the full stop
    ok(paper, "Table 1: Excerpts from responses to “What was the title of Adam Kalai’s "
              "dissertation?” from three popular language models. None generated the correct "
              "title or year (Kalai, 2001).", 2, "§1")
    # a footnote's own text: "1The language model was DeepSeek-V3 ..."
    ok(paper, "The language model was DeepSeek-V3 (600 B parameters)", 1)
    # a marker that is not the source's is a difference
    fails(paper, "open-source language model2 output three incorrect dates", None, None,
          "digit changed")


def test_omissions(paper: SourceDocument) -> None:
    ok(paper, "Like students facing hard exam questions … producing plausible yet incorrect "
              "statements instead of admitting uncertainty.", 1, "Abstract")
    # ". . ." as the paper prints an ellipsis, used for an omission
    ok(paper, "Like students facing hard exam questions, large language models . . . producing "
              "plausible yet incorrect statements", 1, "Abstract")
    # ". . ." that is the paper's own text (Table 1 and the trigram prompts)
    ok(paper, "DeepSeek: “Algebraic Methods in Interactive Machine Learning”. . . at Harvard "
              "University in 2005.", 2, "§1")
    ok(paper, "She lost it and was completely out of . . .", 11, "§3.3.2")
    # an omission spanning a page break, cited as the range
    ok(paper, "Under binary … IDK-type responses are maximally penalized", "12-13", "4.1")
    # the parts must be close together
    far = check_quote(paper, "Like students facing hard exam questions … This paper demystifies "
                             "hallucinations in modern language models")
    assert not far.ok and "fragments too far apart" in far.explain()
    assert str(MAX_GAP) in far.explain()


def test_abstract_and_subsections(paper: SourceDocument) -> None:
    text = "Intuitively, singletons act as a proxy for how many more novel outcomes"
    for cited in ("§3.3.1", "3.3.1", "§3.3", "3", "Section 3.3.1", "Arbitrary-fact hallucinations"):
        ok(paper, text, 10, cited)
    ok(paper, "Hallucinations need not be mysterious—they originate simply as errors in binary "
              "classification.", 1, "Abstract")
    ok(paper, "F.2 Open LLM Leaderboard", 35, "Appendix F")


# --------------------------------------------------------------------------------------------
# Tampered quotes that must fail, with the right explanation
# --------------------------------------------------------------------------------------------


def test_straight_instead_of_curly_quotes(paper: SourceDocument) -> None:
    result = fails(paper, 'an answer of "I don\'t know" receives 0 points.', 13, "§4.2",
                   "quote marks", '"I don\'t know" (quote) ≠ “I don’t know” (source)')
    assert result.closest == "an answer of “I don’t know” receives 0 points."
    assert result.page_found == 13 and result.section_found == "4.2"
    # the character-by-character view marks the three changed characters
    assert result.detail.splitlines()[-1].count("^") == 3


def test_one_letter_changed(paper: SourceDocument) -> None:
    result = fails(paper, "We argue that language models hallucinates because the training and "
                          "evaluation procedures reward guessing", 1, "Abstract",
                   "letter changed: 'hallucinates' (quote) ≠ 'hallucinate' (source)")
    assert result.page_found == 1
    fails(paper, "producing plausible yet incorrect statememts", 1, None,
          "letter changed: 'statememts' (quote) ≠ 'statements' (source)")
    fails(paper, "Trigram models were dominant in the 1970s and 1990s.", 11, None,
          "digit changed: '1970s' (quote) ≠ '1980s' (source)")


def test_one_word_dropped(paper: SourceDocument) -> None:
    fails(paper, "Like students facing hard exam questions, large language models sometimes guess "
                 "when uncertain, producing plausible incorrect statements instead of admitting "
                 "uncertainty.", 1, "Abstract", "word missing: 'yet'")


def test_two_words_swapped(paper: SourceDocument) -> None:
    fails(paper, "producing yet plausible incorrect statements instead of admitting uncertainty",
          1, "Abstract",
          "words swapped: 'yet plausible' (quote) ≠ 'plausible yet' (source)")


def test_right_quote_wrong_page(paper: SourceDocument) -> None:
    result = fails(paper, PLANNED[2][0], 5, "§4.2", "wrong page: found on page 13, cited 5")
    assert result.page_found == 13
    assert result.closest == PLANNED[2][0]
    assert not any("section" in p for p in result.problems)


def test_fragments_in_wrong_order(paper: SourceDocument) -> None:
    # in the source, "When uncertain, students may guess" comes first, a few lines earlier
    fails(paper, "Bluffs are often overconfident and specific … When uncertain, students may "
                 "guess on multiple-choice exams", 4, None, "fragments out of order")


def test_wrong_section(paper: SourceDocument) -> None:
    fails(paper, "The constant 2 in the above bound is relatively tight", 7, "§3.2",
          "wrong section: found in §3.1 The reduction without prompts, cited §3.2")
    fails(paper, "Intuitively, singletons act as a proxy", 10, "§3.3.2", "wrong section")
    fails(paper, "Hallucinations need not be mysterious", 1, "§1", "found in Abstract")
    fails(paper, "Hallucinations need not be mysterious", 1, "§9",
          "no such section heading in the source")


def test_other_tamperings(paper: SourceDocument) -> None:
    fails(paper, "Hallucinations need not be mysterious-they originate simply as errors", 1, None,
          "dashes")
    fails(paper, "like students facing hard exam questions", 1, None, "capitalization")
    fails(paper, "Like students facing hard exam questions... producing plausible", 1, None,
          "three full stops")
    nowhere = fails(paper, "Quantum chromodynamics explains the proton spin crisis entirely.")
    assert nowhere.page_found is None or "similar" in nowhere.explain()
    fails(paper, "   ", None, None, "empty quote")


# --------------------------------------------------------------------------------------------
# Speed: 40 quotes well under 2 seconds
# --------------------------------------------------------------------------------------------

MORE = [
    "How many Ds are in DEEPSEEK? If you know, just say the number with no commentary.",
    "Figure 1: Is-It-Valid requires learning to identify valid generations using labeled ± "
    "examples (left).",
    "(generative error rate) ≳ 2 · (IIV misclassification rate).",
    "As our derivations show, calibration—and, hence, errors—is a natural consequence of the "
    "standard cross-entropy objective.",
    "For instance, if 20% of birthday facts appear exactly once in the pretraining data, then one "
    "expects base models to hallucinate on at least 20% of birthday facts.",
    "Trigram models, however, regularly output ungrammatical sentences.",
    "Binary evaluations of language models impose a false right-wrong dichotomy",
    "IDK-type responses are maximally penalized while an overconfident “best guess” is optimal.",
    "Table 2: Summary of evaluation benchmarks analyzed in this work and their treatment of "
    "abstentions.",
    "In contrast, we argue that the majority of mainstream evaluations reward hallucinatory "
    "behavior.",
]


def test_forty_quotes_are_fast(paper: SourceDocument) -> None:
    quotes: list[tuple[str, object, object]] = [(q, p, s) for q, p, s in PLANNED]
    quotes += [(q, None, None) for q in MORE]
    tampered = [
        'an answer of "I don\'t know" receives 0 points.',
        "producing yet plausible incorrect statements",
        "producing plausible incorrect statements",
        "Bluffs are often overconfident and specific … When uncertain, students may guess",
        "We argue that language models hallucinates because",
    ]
    while len(quotes) < 40:
        quotes += [(q, None, None) for q in MORE + tampered]
    quotes = quotes[:40]
    start = time.perf_counter()
    results = [check_quote(paper, q, p, s) for q, p, s in quotes]
    elapsed = time.perf_counter() - start
    print(f"checked {len(results)} quotes in {elapsed:.3f} s")
    assert sum(r.ok for r in results) >= 20
    assert elapsed < 2.0


# --------------------------------------------------------------------------------------------
# Synthetic sources: the rules, and errors
# --------------------------------------------------------------------------------------------

SYNTHETIC = (
    "Journal of Synthetic Tests\n\nA Tiny Paper\n\nAbstract\n\nWe test every rule.\n\n"
    "1 Introduction\n\nThe “checker” compares text—exactly. A well-\nknown example is non-\n"
    "trivial, and the hallu-\ncinations vanish.\n\n1\n\f"
    "Journal of Synthetic Tests\n\nThe model2 answered.\n\n1.1 Details\n\nMore text on page two.\n\n"
    "2Footnote text here.\n\n2\n\f"
    "Journal of Synthetic Tests\n\n2 Method\n\nWe count pages.\n\n3\n\f"
)


@pytest.fixture()
def synthetic(tmp_path: Path) -> SourceDocument:
    path = tmp_path / "tiny.txt"
    path.write_text(SYNTHETIC, encoding="utf-8")
    return load_source(path)


def test_synthetic_structure(synthetic: SourceDocument) -> None:
    assert synthetic.page_count == 3
    assert "Journal of Synthetic Tests" not in synthetic.text  # running head
    assert [s.label for s in synthetic.sections] == ["Abstract", "1", "1.1", "2"]
    assert synthetic.page_of(synthetic.text.index("We count pages")) == 3
    assert synthetic.section_of(synthetic.text.index("More text")) == "1.1"
    assert synthetic.section_of(synthetic.text.index("A Tiny Paper")) is None


def test_synthetic_rules(synthetic: SourceDocument) -> None:
    ok(synthetic, "The “checker” compares text—exactly.", 1, "1")
    ok(synthetic, "A well-known example is non-trivial", 1)
    ok(synthetic, "A wellknown example is nontrivial", 1)  # documented: both forms accepted
    ok(synthetic, "and the hallucinations vanish. The model answered.", "1-2", "§1")
    ok(synthetic, "The model2 answered.", 2, "§1")
    ok(synthetic, "Footnote text here.", 2, "1.1")
    ok(synthetic, "vanish. … More text on page two.", 2)
    fails(synthetic, 'The "checker" compares text—exactly.', None, None, "quote marks")
    fails(synthetic, "The “checker” compares text–exactly.", None, None, "dashes")
    fails(synthetic, "The “checker” compares text - exactly.", None, None)
    fails(synthetic, "We count pages.", 2, "§2", "wrong page: found on page 3, cited 2")
    fails(synthetic, "We count pages.", 3, "1", "wrong section: found in §2 Method, cited §1")
    fails(synthetic, "We count pages.", "three", None, "cannot read the cited page")


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(QuoteSourceError, match="not found"):
        load_source(tmp_path / "missing.txt")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(QuoteSourceError, match="not UTF-8"):
        load_source(latin)
    bogus = tmp_path / "bogus.pdf"
    bogus.write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    with pytest.raises(QuoteSourceError, match="PDF"):
        load_source(bogus)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\f\n", encoding="utf-8")
    with pytest.raises(QuoteSourceError, match="no text"):
        load_source(empty)
    with pytest.raises(QuoteSourceError):
        sha256_of(tmp_path / "missing.txt")


# --------------------------------------------------------------------------------------------
# A PDF source, typeset here with pdflatex
# --------------------------------------------------------------------------------------------

TEX = r"""\documentclass[11pt]{article}
\usepackage[utf8]{inputenc}
\input{glyphtounicode}
\pdfgentounicode=1
\setlength{\textwidth}{6cm}
\setlength{\textheight}{9cm}
\begin{document}
\section{Introduction}
A checker reads ``curly quotes'' and it doesn't straighten them. Notwithstanding
incomprehensibilities, internationalization and characteristically
uncharacteristic counterrevolutionaries, the text extraction stays faithful.

Second paragraph: an unusually long paragraph that keeps going so that it must
continue on the following page, because the page is deliberately short and the
column is deliberately narrow. Representatives of the establishment
reconsidered their disproportionate responsibilities. Meanwhile the
intercontinental telecommunication infrastructure was reorganized repeatedly.
Eventually everything concluded satisfactorily and the paragraph ends here.

\section{Method}
The method compares every character exactly, except white space.
\end{document}
"""

SECOND_PARAGRAPH = (
    "Second paragraph: an unusually long paragraph that keeps going so that it must continue on "
    "the following page, because the page is deliberately short and the column is deliberately "
    "narrow. Representatives of the establishment reconsidered their disproportionate "
    "responsibilities. Meanwhile the intercontinental telecommunication infrastructure was "
    "reorganized repeatedly. Eventually everything concluded satisfactorily and the paragraph "
    "ends here."
)


@pytest.fixture(scope="module")
def pdf_doc(tmp_path_factory: pytest.TempPathFactory) -> SourceDocument:
    if shutil.which("pdflatex") is None:
        reason = "pdflatex is not installed (Debian texlive), so no PDF can be typeset"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("pdf")
    (work / "tiny.tex").write_text(TEX, encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "tiny.tex"],
        cwd=work, capture_output=True, text=True, timeout=180,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    return load_source(work / "tiny.pdf")


def test_pdf_pages_and_sections(pdf_doc: SourceDocument) -> None:
    from pdfminer.high_level import extract_text

    raw = extract_text(str(pdf_doc.path))
    assert re.search(r"[a-z]-\n[a-z]", raw), "expected TeX to hyphenate a word across lines"
    assert pdf_doc.page_count == 2
    assert [(s.label, s.title, s.page) for s in pdf_doc.sections] == [
        ("1", "Introduction", 1), ("2", "Method", 2)
    ]


def test_pdf_quotes(pdf_doc: SourceDocument) -> None:
    first = ok(pdf_doc, "A checker reads “curly quotes” and it doesn’t straighten them.", 1,
               "§1")
    assert first.page_found == 1
    # hyphenated words and the page break (page number "1" and the form feed) inside
    spanning = ok(pdf_doc, SECOND_PARAGRAPH, "1-2", "Introduction")
    assert spanning.location.startswith("pages 1–2")
    ok(pdf_doc, SECOND_PARAGRAPH, 1)
    ok(pdf_doc, SECOND_PARAGRAPH, 2)
    method = ok(pdf_doc, "The method compares every character exactly, except white space.", 2,
                "§2")
    assert method.page_found == 2 and method.section_found == "2"
    fails(pdf_doc, 'A checker reads "curly quotes" and it doesn’t straighten them.', 1, None,
          "quote marks")
    fails(pdf_doc, "The method compares every character exactly", 1, None,
          "wrong page: found on page 2, cited 1")
