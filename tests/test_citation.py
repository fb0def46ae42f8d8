from pathlib import Path

from explainer_anim.citation import cite, section_label, short_reference
from explainer_anim.errors import Location
from explainer_anim.storyboard import Meta, Paper, Quote

LOC = Location(Path("s.yaml"), 1, 1)


def meta(*authors: str, year: int | None = 2025) -> Meta:
    return Meta("x", "T", authors, Paper("c", "2509.04664", "u", year), "CC BY 4.0")


def test_author_year_forms() -> None:
    assert short_reference(meta("Adam Tauman Kalai")) == "Kalai (2025)"
    assert short_reference(meta("Adam Kalai", "Ofir Nachum")) == "Kalai and Nachum (2025)"
    assert short_reference(meta("Adam Kalai", "Ofir Nachum", "Edwin Zhang", year=None)) == "Kalai et al."


def test_cite_with_section_and_pages() -> None:
    m = meta("A Kalai", "O Nachum", "S Vempala")
    assert cite(m, Quote("q", "4.2", 13, LOC)) == "Kalai et al. (2025), §4.2, p. 13"
    assert cite(m, Quote("q", "Abstract", "1-2", LOC)) == "Kalai et al. (2025), Abstract, pp. 1-2"
    assert cite(m, Quote("q", None, None, LOC)) == "Kalai et al. (2025)"
    assert section_label("Appendix F") == "Appendix F"
