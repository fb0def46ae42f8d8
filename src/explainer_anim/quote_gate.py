"""Verbatim means verified: every quote is checked against the source before anything renders.

``verify_quotes`` checks the quotes of the exhibits about to be rendered against the source file
(see ``sources``) and returns a :class:`QuoteReport`; ``gate`` refuses a quote that is not
verbatim unless the run allows unverified quotes. With no source file on this machine the quotes
are rendered, said plainly to be unverified. Either way each quote's status is published next to
its clip (``clips/<exhibit>.quotes.json``) for the web manifest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UserError
from .outputs import OutputLayout
from .quotes import QuoteCheck, QuoteSourceError, check_quote, load_source
from .sources import find_source
from .storyboard import Exhibit, Quote, Storyboard

if TYPE_CHECKING:
    from .pipeline import Run


@dataclass(frozen=True)
class QuoteVerdict:
    exhibit_id: str
    path: str  # "exhibits[1].quotes[0]"
    quote: Quote
    verified: bool
    reason: str
    check: QuoteCheck | None = None  # None when there was no source to check against

    @property
    def failed(self) -> bool:
        return self.check is not None and not self.check.ok

    def message(self) -> str:
        """The checker's explanation, placed at the quote: ``file:line:col: exhibits[i].quotes[j]: …``."""
        return f"{self.quote.location}: {self.path}: {self.check.explain() if self.check else self.reason}"

    def record(self) -> dict[str, Any]:
        found = None
        if self.check is not None and self.check.page_found is not None:
            found = {"page": self.check.page_found, "section": self.check.section_found}
        return {"path": self.path, "text": self.quote.text, "page": self.quote.page,
                "section": self.quote.section, "verified": self.verified, "reason": self.reason,
                "found": found}


@dataclass(frozen=True)
class QuoteReport:
    """Every quote of the exhibits of one run, verified or not and why."""

    exhibit_ids: tuple[str, ...] = ()
    source: dict[str, Any] | None = None  # title, url, file, sha256 of the file checked against
    why_unverified: str = ""  # why nothing could be checked ("" when there was a source)
    verdicts: tuple[QuoteVerdict, ...] = ()

    @property
    def failures(self) -> list[QuoteVerdict]:
        return [v for v in self.verdicts if v.failed]

    def status(self) -> dict[str, list[dict[str, Any]]]:
        """Exhibit id -> one record per quote: path, text, verified, reason, where found."""
        out: dict[str, list[dict[str, Any]]] = {i: [] for i in self.exhibit_ids}
        for v in self.verdicts:
            out[v.exhibit_id].append({**v.record(), "source": self.source})
        return out

    def summary(self) -> str:
        if self.source is None:
            return f"{len(self.verdicts)} quotes not verified: {self.why_unverified}"
        ok = sum(1 for v in self.verdicts if v.verified)
        return (f"{ok} of {len(self.verdicts)} quotes verbatim in {self.source['file']} "
                f"(SHA-256 {self.source['sha256'][:12]}…)")


def verify_quotes(storyboard: Storyboard, exhibits: list[Exhibit] | tuple[Exhibit, ...],
                  source: Path | None = None, root: Path = Path(".")) -> QuoteReport:
    """Check the quotes of ``exhibits`` against the storyboard's source (or ``source``)."""
    lookup = find_source(storyboard, source, root)
    located = [(e, f"exhibits[{storyboard.exhibits.index(e)}].quotes[{j}]", q)
               for e in exhibits for j, q in enumerate(e.quotes)]
    ids = tuple(e.id for e in exhibits)
    if lookup.path is None:
        reason = f"not verified: {lookup.why_not}"
        return QuoteReport(ids, None, lookup.why_not,
                           tuple(QuoteVerdict(e.id, p, q, False, reason) for e, p, q in located))
    try:
        doc = load_source(lookup.path)
    except QuoteSourceError as exc:
        raise UserError(str(exc)) from None
    declared = storyboard.meta.source
    info = {"title": declared.title if declared else None, "url": declared.url if declared else None,
            "file": doc.name, "sha256": doc.sha256}
    verdicts = []
    for e, p, q in located:
        check = check_quote(doc, q.text, q.page, q.section)
        if check.ok:
            reason = f"verbatim in {doc.name} (SHA-256 {doc.sha256[:12]}…), {check.location}"
        else:
            reason = f"not verbatim in {doc.name}: " + "; ".join(check.problems)
        verdicts.append(QuoteVerdict(e.id, p, q, check.ok, reason, check))
    return QuoteReport(ids, info, "", tuple(verdicts))


def gate(report: QuoteReport, allow_unverified: bool) -> tuple[QuoteReport, list[str]]:
    """Refuse a run with a quote that is not verbatim, unless ``allow_unverified``; return the
    report with such quotes marked rendered on purpose, and the warnings to show."""
    failures = report.failures
    if failures and not allow_unverified:
        n = len(failures)
        raise UserError("\n".join([*(v.message() for v in failures),
                                   f"refusing to render: {n} quote{'s are' if n > 1 else ' is'} not verbatim "
                                   "in the source; correct the storyboard, or pass --allow-unverified to "
                                   "render them marked unverified"]))
    warnings = [f"{v.quote.location}: {v.path}: rendering a quote that is not verbatim in the source "
                f"(--allow-unverified), marked unverified: {'; '.join(v.check.problems)}"
                for v in failures if v.check is not None]
    if report.source is None and report.verdicts:
        warnings.append(f"the quotes were NOT verified against the paper and are marked unverified: "
                        f"{report.why_unverified}")
    marked = tuple(QuoteVerdict(v.exhibit_id, v.path, v.quote, False,
                                f"{v.reason} (rendered anyway: --allow-unverified)", v.check)
                   if v.failed else v for v in report.verdicts)
    return QuoteReport(report.exhibit_ids, report.source, report.why_unverified, marked), warnings


def quote_status(run: "Run") -> dict[str, list[dict[str, Any]]]:
    """For the web manifest: exhibit id -> its quotes' records (``verified``, ``reason``, …)."""
    return run.quotes.status()


def quotes_file(layout: OutputLayout, exhibit_id: str) -> Path:
    """Where an exhibit's quote records are published, next to its clip and values."""
    return layout.clips / f"{exhibit_id}.quotes.json"


def write_quote_status(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
