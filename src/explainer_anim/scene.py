"""The base of every exhibit: a Manim scene that plays one step per beat in exactly the beat's
frames, in the storyboard's theme, and records every number it shows.

Scenes are registered by decorator (``@register_scene``) and named in storyboards by class
name. A scene's steps are its ``step_<name>`` methods; a beat names the step it plays.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from manim import (DOWN, LEFT, UP, Animation, FadeIn, Mobject, Scene, Text, VGroup,
                   config)
from manim import MathTex

from .citation import cite
from .errors import StoryboardError
from .layout import SAFE_MARGIN, LayoutProblem, check_layout
from .provenance import Computed, ValueLog
from .quality import Quality
from .storyboard import Exhibit, Meta, Quote, Storyboard, Theme, locate
from .timeline import ExhibitTiming

# Text sizes in Manim font points. One line of Noto at 1 pt is ~0.0139 scene units tall and
# the frame is 8 units, so 24 pt is 1/24 of the frame height: above the 1/28 floor.
SIZES = {"title": 56, "heading": 40, "body": 30, "small": 24}
DEFAULT_STEP_SECONDS = 1.0


@dataclass(frozen=True)
class Step:
    """What a step method may return when its animations need other than the default time."""

    animations: tuple[Animation, ...]
    seconds: float = DEFAULT_STEP_SECONDS


@dataclass(frozen=True)
class ExhibitPlan:
    """Everything a scene needs from outside: its exhibit, theme, quality and beat timing."""

    exhibit: Exhibit
    meta: Meta
    theme: Theme
    quality: Quality
    timing: ExhibitTiming


_SCENES: dict[str, type["ExplainerScene"]] = {}


def register_scene(cls: type["ExplainerScene"]) -> type["ExplainerScene"]:
    """Class decorator: make ``cls`` usable as ``scene: ClassName`` in storyboards."""
    other = _SCENES.get(cls.__name__)
    if other is not None and other is not cls and other.__qualname__ != cls.__qualname__:
        raise RuntimeError(f"two scenes are named {cls.__name__}: {other.__module__} and {cls.__module__}")
    _SCENES[cls.__name__] = cls
    return cls


def registered_scenes() -> dict[str, type["ExplainerScene"]]:
    return dict(_SCENES)


def scene_class(storyboard: Storyboard, exhibit: Exhibit) -> type["ExplainerScene"]:
    try:
        return _SCENES[exhibit.scene]
    except KeyError:
        i = storyboard.exhibits.index(exhibit)
        known = ", ".join(sorted(_SCENES))
        raise StoryboardError(exhibit.scene_location, f"exhibits[{i}].scene",
                              f"unknown scene {exhibit.scene!r} (known: {known})") from None


@dataclass(frozen=True)
class ParamProblem:
    """A problem inside the checked field: ``at`` continues its path (``.values.p.expr``)."""

    at: str
    message: str


def check_exhibit_against_scene(storyboard: Storyboard, exhibit: Exhibit) -> None:
    """Steps and params that the scene does not have are storyboard errors, caught before rendering."""
    cls = scene_class(storyboard, exhibit)
    i = storyboard.exhibits.index(exhibit)
    steps = cls.step_names()
    for j, beat in enumerate(exhibit.beats):
        if beat.step is not None and beat.step not in steps:
            raise StoryboardError(beat.location, f"exhibits[{i}].beats[{j}].step",
                                  f"scene {cls.__name__} has no step {beat.step!r} (steps: {', '.join(sorted(steps))})")
        for k, cue in enumerate(beat.cues):
            if cue.step not in steps:
                raise StoryboardError(cue.location, f"exhibits[{i}].beats[{j}].cue[{k}].step",
                                      f"scene {cls.__name__} has no step {cue.step!r} (steps: {', '.join(sorted(steps))})")

    def fail(field_path: str, problem: str | ParamProblem) -> None:
        if isinstance(problem, ParamProblem):
            field_path, problem = field_path + problem.at, problem.message
        raise StoryboardError(locate(storyboard.path, field_path) or exhibit.location, field_path, problem)

    for key, value in exhibit.params.items():
        if key not in cls.PARAMS:
            known = ", ".join(sorted(cls.PARAMS)) or "none"
            fail(f"exhibits[{i}].params.{key}", f"scene {cls.__name__} has no parameter {key!r} (parameters: {known})")
        problem = cls.check_param(key, value)
        if problem:
            fail(f"exhibits[{i}].params.{key}", problem)
    problem = cls.check_exhibit(exhibit)
    if problem:
        fail(f"exhibits[{i}]", problem)


class ExplainerScene(Scene):
    """Subclass, decorate with ``@register_scene``, and write ``step_<name>`` methods."""

    PARAMS: ClassVar[dict[str, Any]] = {}  # parameter name -> default (its type is the default's)
    plan: ExhibitPlan

    # ----- class-level contract, used by validation -------------------------------------
    @classmethod
    def step_names(cls) -> set[str]:
        return {name[5:] for name, _ in inspect.getmembers(cls, inspect.isfunction) if name.startswith("step_")}

    @classmethod
    def check_param(cls, key: str, value: Any) -> str | ParamProblem | None:
        default = cls.PARAMS[key]
        if default is None or isinstance(value, type(default)):
            return None
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            return None
        return f"must be of the same kind as {default!r}"

    @classmethod
    def check_exhibit(cls, exhibit: Exhibit) -> str | ParamProblem | None:
        """Hook for scene-specific checks of an exhibit (for instance, quotes it needs)."""
        return None

    # ----- set-up ----------------------------------------------------------------------
    def setup(self) -> None:
        self.values = ValueLog()
        self.layout_problems: list[LayoutProblem] = []
        self._quote_index = 0
        self.camera.background_color = self.theme.background

    @property
    def theme(self) -> Theme:
        return self.plan.theme

    @property
    def exhibit(self) -> Exhibit:
        return self.plan.exhibit

    def param(self, key: str) -> Any:
        return self.exhibit.params.get(key, self.PARAMS[key])

    # ----- the timeline ----------------------------------------------------------------
    def construct(self) -> None:
        self.build()
        fps = self.plan.quality.fps
        for beat, timing in zip(self.exhibit.beats, self.plan.timing.beats, strict=True):
            # The beat's step starts on its first frame, each cued step on its word's frame;
            # a step runs until the next one starts (sooner if it is shorter).
            events: list[tuple[int, list[str]]] = [(0, [beat.step] if beat.step else [])]
            for cue in timing.cues:
                if cue.frame == events[-1][0]:
                    events[-1][1].append(cue.step)
                else:
                    events.append((cue.frame, [cue.step]))
            ends = [at for at, _ in events[1:]] + [timing.frames]
            for (at, names), end in zip(events, ends, strict=True):
                self._play_in_frames([self._run_step(n) for n in names], end - at, fps)
            self.layout_problems += check_layout(self.mobjects, self.theme.background, timing.index)

    def _play_in_frames(self, steps: list[Step], frames: int, fps: int) -> None:
        """Play ``steps`` together, then hold: exactly ``frames`` frames in all."""
        animations = [a for s in steps for a in s.animations]
        rest = frames
        if animations:
            n = min(rest, max(1, round(max(s.seconds for s in steps) * fps)))
            # Manim samples times in [0, run_time) every 1/fps: run_time = (n - 0.5)/fps
            # gives exactly n frames whatever the float rounding.
            self.play(*animations, run_time=(n - 0.5) / fps)
            rest -= n
        if rest:
            # A frozen frame holds for int(duration * fps) frames: +0.5 makes that exact.
            self.wait((rest + 0.5) / fps, frozen_frame=True)

    def build(self) -> None:
        """Put what is on screen from the first frame (by default, the exhibit's heading)."""
        self.add(self.heading(self.exhibit.title))

    def _run_step(self, name: str) -> Step:
        result = getattr(self, f"step_{name}")()
        if isinstance(result, Step):
            return result
        if isinstance(result, Animation):
            return Step((result,))
        return Step(tuple(result))

    # ----- numbers ---------------------------------------------------------------------
    def compute(self, name: str, fn: Callable[..., Any], **inputs: Any) -> Computed:
        """Call a tested formula and record it; show its value with ``.show(fmt)``.

        A formula refuses inputs outside its domain with ValueError; those inputs come from the
        exhibit's params, so that is the producer's error, reported at the exhibit."""
        try:
            return self.values.compute(name, fn, **inputs)
        except ValueError as exc:
            raise StoryboardError(self.exhibit.location, f"exhibit {self.exhibit.id!r}: params",
                                  f"{name}: {exc}") from None

    # ----- drawing helpers: every text in the theme's faces, sizes and ink ---------------
    @property
    def safe_width(self) -> float:
        return config.frame_width * (1 - 2 * SAFE_MARGIN)

    @property
    def safe_height(self) -> float:
        return config.frame_height * (1 - 2 * SAFE_MARGIN)

    def text(self, s: str, size: str = "body", color: str | None = None, font: str | None = None,
             weight: str = "NORMAL", **kwargs: Any) -> Text:
        kwargs.setdefault("line_spacing", 1.0)  # Pango's default leading is too tight to read
        return Text(s, font=font or self.theme.fonts.body, font_size=SIZES[size],
                    color=color or self.theme.ink, weight=weight, **kwargs)

    def math(self, tex: str | list[str], size: str = "body", color: str | None = None) -> MathTex:
        """A formula; given a list of TeX pieces, each piece is its own submobject (to colour or
        highlight), typeset as one formula."""
        # MathTex's font_size runs ~1.3x smaller than Text's at the same number.
        return MathTex(*([tex] if isinstance(tex, str) else tex), font_size=SIZES[size] * 1.3,
                       color=color or self.theme.ink)

    def wrapped(self, s: str, size: str = "body", width: float | None = None, **kwargs: Any) -> Text:
        """Text broken into lines that fit ``width`` (default: the safe area)."""
        width = width or self.safe_width
        # A lone symbol ("−", "=", ">") stays on one line with its neighbours, so that
        # "t/(1 − t)" never breaks around its minus sign.
        glued = re.sub(r"(?<=\S) ([^\w\s“”‘’\"'(]) (?=\S)", "\u00a0\\1\u00a0", s)
        chars = len(glued) + 1
        while True:
            lines = textwrap.wrap(glued, chars, break_long_words=False, break_on_hyphens=False) or [glued]
            t = self.text("\n".join(lines).replace("\u00a0", " "), size=size, **kwargs)
            if t.width <= width or chars <= 12:
                return t
            chars = max(12, min(chars - 1, int(chars * width / t.width)))

    def heading(self, title: str) -> Text:
        t = self.text(title, size="heading", font=self.theme.fonts.heading, weight="BOLD")
        t.to_edge(UP, buff=config.frame_height * SAFE_MARGIN + 0.15)
        t.to_edge(LEFT, buff=config.frame_width * SAFE_MARGIN + 0.15)
        return t

    def quote_card(self, quote: Quote, width: float | None = None, size: str = "body") -> VGroup:
        """A verbatim quote in the paper's own typography, with its citation under it."""
        width = width or self.safe_width * 0.9
        body = self.wrapped(f"“{quote.text}”", size=size, width=width, slant="ITALIC")
        credit = self.text(f"— {cite(self.plan.meta, quote)}", size="small", color=self.theme.muted)
        credit.next_to(body, DOWN, buff=0.25).align_to(body, LEFT)
        return VGroup(body, credit)

    def next_quote(self) -> Quote:
        quotes = self.exhibit.quotes
        if not quotes:
            raise StoryboardError(self.exhibit.location, f"{self.exhibit.id}.quotes", "this step shows a quote; add one")
        q = quotes[self._quote_index % len(quotes)]
        self._quote_index += 1
        return q

    def line_text(self, s: str, size: str = "body", **kwargs: Any) -> Text:
        """Text whose box spans the font's whole line, ascender to descender, whatever its letters:
        texts centred on one row then share a baseline (table cells, labels side by side)."""
        # An invisible trailing "|" is that full-height glyph.
        t = self.text(f"{s}|", size=size, **kwargs)
        t[-1].set_opacity(0)
        return t

    def table(self, rows: list[list[str]], header: bool = True, size: str = "body",
              col_buff: float = 0.6, row_buff: float = 0.28, highlight: set[tuple[int, int]] | None = None,
              col_alignments: str | None = None) -> VGroup:
        """A grid of text cells, header row in the heading face, columns aligned right for
        numbers and left for words (``col_alignments``, one l/c/r per column, overrides)."""
        highlight = highlight or set()
        cells = VGroup()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                is_head = header and r == 0
                color = self.theme.accent if (r, c) in highlight else (self.theme.muted if is_head else None)
                cells.add(self.line_text(value, size=size, color=color,
                                         font=self.theme.fonts.heading if is_head else None,
                                         weight="BOLD" if is_head else "NORMAL"))
        n_cols = max(len(r) for r in rows)
        cells.arrange_in_grid(rows=len(rows), cols=n_cols, buff=(col_buff, row_buff),
                              col_alignments=col_alignments or "l" + "r" * (n_cols - 1))
        return cells

    def fade_in(self, *mobjects: Mobject, shift: Any = None) -> list[Animation]:
        return [FadeIn(m, shift=shift if shift is not None else 0.2 * UP) for m in mobjects]

