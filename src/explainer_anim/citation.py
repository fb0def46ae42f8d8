"""How a quote is cited on screen and in manifests: "Kalai et al. (2025), §4.2, p. 13"."""

from __future__ import annotations

from .storyboard import Meta, Quote


def short_reference(meta: Meta) -> str:
    """Author-year: "Kalai (2025)", "Kalai and Nachum (2025)", "Kalai et al. (2025)"."""
    surnames = [a.split()[-1] for a in meta.authors]
    names = surnames[0] if len(surnames) == 1 else (
        f"{surnames[0]} and {surnames[1]}" if len(surnames) == 2 else f"{surnames[0]} et al.")
    return f"{names} ({meta.paper.year})" if meta.paper.year else names


def section_label(section: str) -> str:
    """"3.1" → "§3.1"; words ("Abstract", "Appendix F") stay as written."""
    return section if section[:1].isalpha() else f"§{section}"


def cite(meta: Meta, quote: Quote) -> str:
    parts = [short_reference(meta)]
    if quote.section:
        parts.append(section_label(quote.section))
    if quote.page is not None:
        parts.append(f"pp. {quote.page}" if "-" in str(quote.page) else f"p. {quote.page}")
    return ", ".join(parts)
