"""Text on screen, checked before anything is narrated or rendered: every character drawn from
a face of its own font (Pango would otherwise borrow it from another font, silently), and every
quote short enough to fit the frame even at the smallest text size.

Quote cards and headings are built with the exhibit's own scene helpers (``quote_card``,
``heading``), so the fonts, slants and line breaks checked are the ones that will be drawn.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import manim
from manim import Text, tempconfig

from . import citation, layout
from .errors import Location
from .glyphs import FontNotInstalled, describe, faces, missing_glyphs
from .quality import Quality
from .glyph_cache import glyph_cache
from .render import manim_settings
from .scene import SIZES, ExhibitPlan, scene_class
from .storyboard import Exhibit, Storyboard, Theme, locate

QUOTE_SIZE = "small"  # the smallest text size: a quote that does not fit at it fits at none
HEADING_GAP = 0.3  # scene units left between the heading and a quote card under it


def _role(theme: Theme, font: str) -> str:
    for role in ("body", "heading", "mono"):
        if getattr(theme.fonts, role) == font:
            return f"theme.fonts.{role}"
    return "the scene's font"


def _glyph_problem(path: str, text: str, font: str, theme: Theme, weight: str = "NORMAL",
                   slant: str = "NORMAL") -> str | None:
    missing = missing_glyphs(text, font, weight, slant)
    if not missing:
        return None
    it = "it" if len(missing) == 1 else "them"
    names = ", ".join(describe(c) for c in missing)
    where_from = " or ".join(str(f) for f in faces(font, weight, slant))
    return (f"{path}: {names} {'is' if it == 'it' else 'are'} not in the font {where_from}, and Pango would "
            f"draw {it} from another font without a word; name a font that has {it} in {_role(theme, font)} "
            f"(a list such as \"{font}, DejaVu Serif\" declares a fallback), or change the text")


def font_problems(storyboard: Storyboard) -> list[str]:
    """Theme fonts that are not installed: fontconfig would substitute another, silently."""
    problems = []
    for role in ("body", "heading", "mono"):
        try:
            faces(getattr(storyboard.theme.fonts, role))
        except FontNotInstalled as exc:
            field = f"theme.fonts.{role}"
            problems.append(f"{locate(storyboard.path, field) or storyboard.path}: {field}: {exc}")
    return problems


def _text_glyphs(storyboard: Storyboard, exhibits: Sequence[Exhibit]) -> list[str]:
    """Missing glyphs in titles, authors and narration (narration is shown as captions, in the
    body face)."""
    theme, fonts = storyboard.theme, storyboard.theme.fonts
    texts: list[tuple[Location | None, str, str, str, str]] = [
        (None, "explainer.title", storyboard.meta.title, fonts.heading, "BOLD"),
        *((None, f"explainer.authors[{k}]", a, fonts.body, "NORMAL") for k, a in enumerate(storyboard.meta.authors))]
    for e in exhibits:
        i = storyboard.exhibits.index(e)
        texts.append((None, f"exhibits[{i}].title", e.title, fonts.heading, "BOLD"))
        texts += [(b.location, f"exhibits[{i}].beats[{j}].narration", b.narration, fonts.body, "NORMAL")
                  for j, b in enumerate(e.beats)]
    problems = []
    for location, path, text, font, weight in texts:
        problem = _glyph_problem(path, text, font, theme, weight)
        if problem:  # fields without a kept location are found in the file again, on error only
            problems.append(f"{location or locate(storyboard.path, path) or storyboard.path}: {problem}")
    return problems


@dataclass(frozen=True)
class CardFacts:
    """What a quote card measures, as built by the exhibit's scene at the smallest size."""

    texts: tuple[tuple[str, str, str, str], ...]  # (text, font, weight, slant) of each Text drawn
    width: float
    height: float
    body_height: float
    lines: tuple[str, ...]  # the quote's lines as wrapped (with its “ ”)
    room_width: float  # the safe area's width
    room_height: float  # the safe area's height under the exhibit's heading


def _measure(storyboard: Storyboard, exhibit: Exhibit, quality: Quality) -> list[CardFacts]:
    # No timing yet (narration comes later); the text helpers never read it.
    plan = ExhibitPlan(exhibit, storyboard.meta, storyboard.theme, quality, None)  # type: ignore[arg-type]
    logging.getLogger("manim").setLevel(logging.ERROR)
    facts = []
    with tempfile.TemporaryDirectory(prefix="explainer-measure-") as tmp:
        with tempconfig({**manim_settings(plan, Path(tmp)), **glyph_cache(), "dry_run": True, "write_to_movie": False}):
            scene = scene_class(storyboard, exhibit)()
            scene.plan = plan
            room_height = scene.heading(exhibit.title).get_bottom()[1] - HEADING_GAP + scene.safe_height / 2
            for quote in exhibit.quotes:
                card = scene.quote_card(quote, size=QUOTE_SIZE)
                body = card[0]  # quote_card: the quote's wrapped lines, then the citation
                facts.append(CardFacts(
                    tuple((t.original_text, t.font, t.weight, t.slant) for t in card.get_family() if isinstance(t, Text)),
                    card.width, card.height, body.height, tuple(body.original_text.split("\n")),
                    scene.safe_width, room_height))
    return facts


def _card_code(storyboard: Storyboard, exhibit: Exhibit) -> str:
    """A hash of the code a card's measure depends on: the scene's own classes (which may
    override the text helpers), the citation, the safe margin, this module and Manim's version.
    Narrower than the clip cache's fingerprint, so that an unrelated edit does not re-measure."""
    cls = scene_class(storyboard, exhibit)
    ours = {inspect.getfile(c) for c in cls.__mro__ if c.__module__.startswith(("explainer_anim", "explainer_content_"))}
    h = hashlib.sha256(manim.__version__.encode())
    for file in sorted(ours | {citation.__file__, layout.__file__, __file__}):
        h.update(Path(file).read_bytes())
    return h.hexdigest()


def _cards(storyboard: Storyboard, exhibit: Exhibit, quality: Quality, cache: Path | None) -> list[CardFacts]:
    """``_measure``, remembered in ``cache`` by everything that changes a card: building the
    cards takes about half a second a quote, and the next run has the same quotes."""
    if cache is None:
        return _measure(storyboard, exhibit, quality)
    fonts = {role: [str(f.file) for style in (("NORMAL", "NORMAL"), ("BOLD", "NORMAL"), ("NORMAL", "ITALIC"))
                    for f in faces(getattr(storyboard.theme.fonts, role), *style)] for role in ("body", "heading")}
    key = hashlib.sha256(json.dumps({
        "code": _card_code(storyboard, exhibit), "scene": exhibit.scene, "title": exhibit.title,
        "quotes": [(q.text, q.section, q.page) for q in exhibit.quotes], "meta": dataclasses.asdict(storyboard.meta),
        "theme": dataclasses.asdict(storyboard.theme), "frame": (quality.width, quality.height), "fonts": fonts,
    }, sort_keys=True, default=str).encode()).hexdigest()
    path = cache / f"{key}.json"
    if path.exists():
        return [CardFacts(**{k: tuple(map(tuple, v)) if k == "texts" else tuple(v) if k == "lines" else v
                             for k, v in d.items()}) for d in json.loads(path.read_text(encoding="utf-8"))]
    facts = _measure(storyboard, exhibit, quality)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps([dataclasses.asdict(f) for f in facts]), encoding="utf-8")
    tmp.replace(path)
    return facts


def _quote_checks(storyboard: Storyboard, exhibits: Sequence[Exhibit], quality: Quality,
                  cache: Path | None) -> list[str]:
    problems = []
    for exhibit in exhibits:
        if not exhibit.quotes:
            continue
        i = storyboard.exhibits.index(exhibit)
        for j, (quote, card) in enumerate(zip(exhibit.quotes, _cards(storyboard, exhibit, quality, cache), strict=True)):
            path = f"exhibits[{i}].quotes[{j}].text"
            found = [_glyph_problem(path, text, font, storyboard.theme, weight, slant)
                     for text, font, weight, slant in card.texts]
            found.append(_fit_problem(path, quote.text, card))
            problems += [f"{quote.location}: {p}" for p in found if p]
    return problems


def quote_problems(storyboard: Storyboard, exhibits: Sequence[Exhibit], quality: Quality,
                   cache: Path | None = None) -> list[str]:
    """Missing glyphs in the quote cards as drawn, and quotes too long for the frame."""
    return font_problems(storyboard) or _quote_checks(storyboard, exhibits, quality, cache)


def _fit_problem(path: str, text: str, card: CardFacts) -> str | None:
    if card.height <= card.room_height + 1e-6 and card.width <= card.room_width + 1e-6:
        return None
    if card.width > card.room_width + 1e-6:  # lines are wrapped to fit, so only a word can be this wide
        return (f"{path}: a word of the quote is too wide for the frame ({card.width:.2f} of "
                f"{card.room_width:.2f} units) even at the smallest text size; break it or cut it")
    # Lines that fit, from the measured line pitch; what they hold is what the quote may keep.
    pitch = card.body_height / len(card.lines)
    fit = max(0, math.floor((card.room_height - (card.height - card.body_height)) / pitch))
    keep = max(0, sum(len(line) + 1 for line in card.lines[:fit]) - 2)  # the spaces between lines, less “
    cut = len(text) - keep
    return (f"{path}: too long for the frame even at the smallest text size ({SIZES[QUOTE_SIZE]} pt): "
            f"its {len(card.lines)} lines and citation need {card.height:.2f} units, {card.room_height:.2f} "
            f"are free under the heading; cut about {cut} of its {len(text)} characters (mark an omission "
            "with …) or split it into two quotes")


def screen_problems(storyboard: Storyboard, exhibits: Sequence[Exhibit], quality: Quality,
                    cache: Path | None = None) -> list[str]:
    """Everything ``render`` refuses about on-screen text, found before narration; quote cards'
    measurements are kept in ``cache`` (a folder) for the next run."""
    return font_problems(storyboard) or (_text_glyphs(storyboard, exhibits)
                                         + _quote_checks(storyboard, exhibits, quality, cache))
