"""Exhibit kinds any explainer can use from YAML alone, with no Python of its own.

Each kind is configured entirely by its ``params`` (docs/storyboard.md, "Exhibit kinds"), which
are checked before anything renders. Numbers typed in a storyboard are data and are shown as
written; a number given as a value spec (``{expr: "t / (1 - t)", args: {t: 0.75}}`` or
``{formula: NAME, args: {...}}``) is computed at render time through ``self.compute``, so it is
recorded in the exhibit's values.json.
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, UR, Animation, Axes, Circumscribe, Create, DashedLine, Dot,
                   FadeIn, FadeOut, GrowFromEdge, Indicate, Line, MathTex, Mobject, MoveToTarget, Rectangle,
                   SurroundingRectangle, VGroup, VMobject, Write, config, tempconfig)

from .formula_registry import ParamError, ValueSpec, parse_value_spec, tabulate
from .layout import LINE_HEIGHT_PER_POINT, SAFE_MARGIN
from .scene import SIZES, ExplainerScene, ParamProblem, Step, register_scene
from .storyboard import Exhibit

GAP = 0.35  # scene units between the heading, the body and the quote reserved under it


def centred(scene: ExplainerScene, s: str, size: str, **kwargs: Any) -> VGroup:
    """``s`` wrapped (to ``width``, default the safe width), each line centred: a wrapped Text
    aligns its lines left."""
    whole = scene.wrapped(s, size=size, **kwargs)
    lines = whole.original_text.split("\n")
    if len(lines) == 1:
        return VGroup(whole)
    kwargs.pop("width", None)
    pitch = SIZES[size] * LINE_HEIGHT_PER_POINT
    return VGroup(*(scene.text(line, size=size, **kwargs) for line in lines)).arrange(DOWN, buff=0.3 * pitch)


@register_scene
class TitleCard(ExplainerScene):
    """The explainer's title, its authors and the paper's reference."""

    PARAMS = {"subtitle": ""}

    def build(self) -> None:
        meta = self.plan.meta
        title = centred(self, meta.title, size="title", font=self.theme.fonts.heading, weight="BOLD")
        # a name never breaks across lines: the spaces inside names are not break points
        authors = centred(self, ", ".join(a.replace(" ", "\u00a0") for a in meta.authors), size="body")
        ref = self.text(f"arXiv:{meta.paper.arxiv}" + (f" · {meta.paper.year}" if meta.paper.year else ""),
                        size="small", color=self.theme.muted)
        parts = [title, authors, ref]
        if self.param("subtitle"):
            parts.insert(1, centred(self, self.param("subtitle"), size="heading", color=self.theme.accent))
        self.card = VGroup(*parts).arrange(DOWN, buff=0.45).move_to(0.3 * UP)
        self.card_parts = parts


    def step_title(self) -> Step:
        return Step((Write(self.card_parts[0]),), seconds=1.5)

    def step_authors(self) -> list:
        return [FadeIn(p, shift=0.2 * UP) for p in self.card_parts[1:]]

    def step_all(self) -> Step:
        return Step(tuple(FadeIn(p, shift=0.2 * UP) for p in self.card_parts), seconds=1.5)

    def step_quote(self) -> list:
        """Make room under the title (closing up its lines, shrinking only if they still do not
        fit) and show the exhibit's next quote there."""
        quote = self.quote_card(self.next_quote(), size="small").to_edge(DOWN, buff=0.7)
        top = config.frame_height / 2 * (1 - 2 * SAFE_MARGIN) - 0.1
        room = top - quote.get_top()[1] - GAP
        self.card.generate_target()
        self.card.target.arrange(DOWN, buff=0.3)
        if self.card.target.height > room:
            self.card.target.scale(room / self.card.target.height)
        self.card.target.move_to([0, top - self.card.target.height / 2, 0])
        return [MoveToTarget(self.card), FadeIn(quote, shift=0.2 * UP)]


@register_scene
class QuoteCard(ExplainerScene):
    """One quote of the paper, large, with its citation; step ``quote`` shows the next quote."""

    def step_quote(self) -> list:
        old = [m for m in self.mobjects if getattr(m, "is_quote", False)]
        card = self.quote_card(self.next_quote()).move_to(0.3 * DOWN)
        card.is_quote = True
        return [*(FadeOut(m) for m in old), FadeIn(card, shift=0.2 * UP)]


# ----- checking params: each checker raises ParamError naming the field below the param --------

def _text(v: Any, at: str = "", blank: bool = True) -> str:
    if isinstance(v, bool):
        raise ParamError(f"must be text, but YAML read a bare word as {str(v).lower()}; put it in quotes", at)
    if not isinstance(v, str):
        raise ParamError("must be text", at)
    if not blank and not v.strip():
        raise ParamError("must not be empty", at)
    return v


def _number(v: Any, at: str = "") -> float:
    if isinstance(v, bool):
        raise ParamError(f"must be a number, but YAML read a bare word as {str(v).lower()}", at)
    if not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ParamError("must be a number", at)
    return float(v)


def _list(v: Any, at: str = "", low: int = 0, high: int = 1000) -> list:
    if not isinstance(v, list):
        raise ParamError("must be a list", at)
    if not low <= len(v) <= high:
        raise ParamError(f"must have {low} to {high} items (has {len(v)})" if high < 1000
                         else f"must have at least {low} item(s)", at)
    return v


def _interval(v: Any, at: str = "") -> tuple[float, float]:
    pair = _list(v, at, 2, 2)
    a, b = (_number(x, f"{at}[{i}]") for i, x in enumerate(pair))
    if not a < b:
        raise ParamError(f"must be [low, high] with low < high (got [{a:g}, {b:g}])", at)
    return a, b


def _whole(v: Any, low: int, high: int, at: str = "") -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
        raise ParamError(f"must be a whole number from {low} to {high}", at)
    return v


def _alignment(v: Any, at: str = "") -> str:
    if not isinstance(v, str) or not re.match(r"^[lcr]*$", v):
        raise ParamError("must be one letter l, c or r per column, such as lrr", at)
    return v


def _choice(v: Any, options: tuple[str, ...], at: str = "") -> str:
    if v not in options:
        raise ParamError(f"must be one of {', '.join(options)}", at)
    return v


def _identifier(v: Any, at: str = "") -> str:
    if not isinstance(v, str) or not re.match(r"^[A-Za-z_]\w*$", v):
        raise ParamError("must be a name (letters, digits, _)", at)
    return v


def _mapping(v: Any, keys: tuple[str, ...], required: tuple[str, ...], at: str = "") -> dict:
    if not isinstance(v, dict):
        raise ParamError(f"must be a mapping with {', '.join(keys)}", at)
    for k in v:
        if k not in keys:
            raise ParamError(f"unknown field (known: {', '.join(keys)})", f"{at}.{k}")
    for k in required:
        if v.get(k) is None:
            raise ParamError("required", f"{at}.{k}")
    return v


def _spec(v: Any, at: str, free: tuple[str, ...] = ()) -> ValueSpec:
    try:
        return parse_value_spec(v, free)
    except ParamError as exc:
        raise ParamError(exc.message, at + exc.at) from None


def _specs(v: Any, at: str = "") -> dict[str, ValueSpec]:
    """``{name: value spec}``: the computed numbers a formula or a comparison shows by name."""
    if not isinstance(v, dict):
        raise ParamError("must be a mapping of names to value specs", at)
    return {_identifier(name, f"{at}.{name}"): _spec(spec, f"{at}.{name}") for name, spec in v.items()}


def _spec_text(spec: ValueSpec, value: Any, at: str) -> str:
    try:
        return spec.text(value)
    except ParamError as exc:
        raise ParamError(exc.message, at + exc.at) from None


def _cell(v: Any, at: str) -> ValueSpec | str:
    """A table cell or bar value: data (text or a number, shown as written) or a value spec."""
    if isinstance(v, dict):
        return _spec(v, at)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return _text(v, at)


def _placeholders(text: str) -> list[str]:
    return re.findall(r"\{([A-Za-z_]\w*)\}", text)


def _fill(text: str, shown: dict[str, str]) -> str:
    return re.sub(r"\{([A-Za-z_]\w*)\}", lambda m: shown[m.group(1)], text)


_TEX_SPECIALS = {"%": r"\%", "#": r"\#", "&": r"\&", "$": r"\$", "_": r"\_"}
_YAML_ESCAPES = {"\f": r"\f", "\b": r"\b", "\t": r"\t", "\n": r"\n", "\r": r"\r", "\a": r"\a", "\v": r"\v"}


def _tex(v: Any, at: str = "") -> str:
    tex = _text(v, at, blank=False)
    for char, escape in _YAML_ESCAPES.items():
        if char in tex:
            raise ParamError(f"holds a control character: in double quotes YAML reads {escape} (as in "
                             f"{escape}rac or {escape}imes) as one; write the TeX in single quotes", at)
    depth = 0
    for i, ch in enumerate(tex):
        if ch in "{}" and (i == 0 or tex[i - 1] != "\\"):
            depth += 1 if ch == "{" else -1
            if depth < 0:
                raise ParamError(f"has a }} without its {{ at character {i + 1}", at)
    if depth:
        raise ParamError("has a { without its }", at)
    if re.search(r"(^|\s)\{\{", tex):
        raise ParamError("{{ after a space is Manim's split mark; write { { … } } with a space", at)
    return tex


def tex_error(tex: str) -> str | None:
    """Compile ``tex`` as a formula, in a throwaway folder: LaTeX's complaint, or None."""
    manim_log = logging.getLogger("manim")
    level = manim_log.level
    manim_log.setLevel(logging.CRITICAL)  # Manim logs LaTeX's errors itself; we report them once
    try:
        with tempfile.TemporaryDirectory(prefix="explainer-tex-") as tmp, tempconfig({"media_dir": tmp}):
            try:
                MathTex(tex)
            except ValueError:
                errors = [line.strip() for log in Path(tmp).rglob("*.log")
                          for line in log.read_text(errors="replace").splitlines() if line.startswith("!")]
                return f"LaTeX cannot typeset it: {errors[0][1:].strip() if errors else 'unknown error'}"
    finally:
        manim_log.setLevel(level)
    return None


# ----- the shared frame of the kinds below ----------------------------------------------------

def played_steps(exhibit: Exhibit) -> set[str]:
    """Every step a beat plays, at its start or on a cue."""
    return {s for b in exhibit.beats for s in (b.step, *(c.step for c in b.cues)) if s}


class GenericKind(ExplainerScene):
    """Params checked field by field; a body laid out between the heading and the room kept for
    quotes; a ``quote`` step that shows the exhibit's next quote under the body."""

    CHECKS: ClassVar[dict[str, Callable[[Any], Any]]] = {}  # param -> checker raising ParamError
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    STEP_NEEDS: ClassVar[dict[str, str]] = {}  # step -> the param it shows
    SHOWN_BY: ClassVar[dict[str, str]] = {}  # param -> the only step that shows it

    @classmethod
    def check_param(cls, key: str, value: Any) -> str | ParamProblem | None:
        if key not in cls.CHECKS:
            return super().check_param(key, value)
        try:
            cls.CHECKS[key](value)
        except ParamError as exc:
            return ParamProblem(exc.at, exc.message)
        return None

    @classmethod
    def check_exhibit(cls, exhibit: Exhibit) -> str | ParamProblem | None:
        for key in cls.REQUIRED:
            if key not in exhibit.params:
                return ParamProblem(f".params.{key}", f"required by {cls.__name__}")
        steps = played_steps(exhibit)
        for step, key in cls.STEP_NEEDS.items():
            if step in steps and not exhibit.params.get(key):
                return ParamProblem(f".params.{key}", f"step {step} shows it; set it or drop that step")
        for key, step in cls.SHOWN_BY.items():
            if exhibit.params.get(key) and step not in steps:
                return ParamProblem(f".params.{key}", f"only step {step} shows it, and no beat plays that step")
        if "quote" in steps and not exhibit.quotes:
            return ParamProblem(".quotes", "step quote shows the exhibit's next quote; add one")
        if exhibit.quotes and "quote" not in steps:
            return ParamProblem(".quotes", "no beat plays step quote, so these quotes would never be shown")
        try:
            cls.check_together({k: exhibit.params.get(k, d) for k, d in cls.PARAMS.items()})
        except ParamError as exc:
            return ParamProblem(".params" + exc.at, exc.message)
        return None

    @classmethod
    def check_together(cls, params: dict[str, Any]) -> None:
        """Checks that need more than one param (their paths start at ``params``)."""

    def build(self) -> None:
        super().build()
        heading = self.mobjects[-1]
        self.area_top = heading.get_bottom()[1] - GAP
        self.area_bottom = -config.frame_height / 2 + config.frame_height * SAFE_MARGIN + 0.1
        self.quote_cards: list[VGroup] = []
        self.shown_quote: VGroup | None = None
        if "quote" in played_steps(self.exhibit):
            for q in self.exhibit.quotes:
                card = self.quote_card(q, size="small")
                self.quote_cards.append(card.move_to([0, self.area_bottom + card.height / 2, 0]))
            self.area_bottom += max(c.height for c in self.quote_cards) + GAP
        self.build_body()

    def build_body(self) -> None:
        """Make the kind's mobjects (not yet on screen) for its steps to show."""

    def fit(self, m: Mobject) -> Mobject:
        """Shrink ``m`` (never enlarge) into the body area and centre it there."""
        height = self.area_top - self.area_bottom
        factor = min(1.0, self.safe_width / m.width if m.width else 1.0, height / m.height if m.height else 1.0)
        m.scale(factor)
        return m.move_to([0, (self.area_top + self.area_bottom) / 2, 0])

    def on_screen(self, m: Mobject) -> bool:
        # not ``m in self.mobjects``: animating a part of a group splits the group on screen
        return m in self.get_mobject_family_members()

    def reveal(self, *mobjects: Mobject) -> list[Animation]:
        """Fade in whichever of ``mobjects`` is not on screen yet (a step that needs an earlier
        step's content brings it along)."""
        return [FadeIn(m) for m in mobjects if not self.on_screen(m)]

    def emphasise(self, m: Mobject, change: Callable[[Mobject], Any]) -> list[Animation]:
        """Apply ``change`` (a colour, say) to ``m``: animated if ``m`` is on screen, at once if
        it is about to fade in (two animations of one mobject in one play undo each other)."""
        if self.on_screen(m):
            return [change(m.animate)]
        change(m)
        return []

    def step_quote(self) -> list:
        quote = self.next_quote()
        card = self.quote_cards[self.exhibit.quotes.index(quote)]
        old = [FadeOut(self.shown_quote)] if self.shown_quote is not None and self.shown_quote is not card else []
        self.shown_quote = card
        return [*old, FadeIn(card, shift=0.2 * UP)]


# ----- formula card --------------------------------------------------------------------------

@register_scene
class FormulaCard(GenericKind):
    """A LaTeX formula with computed values put in at ``{name}``, and an optional caption."""

    PARAMS = {"tex": "", "values": {}, "caption": "", "size": "heading"}
    CHECKS = {"tex": _tex, "values": _specs, "caption": _text,
              "size": lambda v: _choice(v, ("title", "heading", "body"))}
    REQUIRED = ("tex",)
    STEP_NEEDS = {"caption": "caption"}

    @classmethod
    def check_together(cls, params: dict[str, Any]) -> None:
        tex, specs = params["tex"], _specs(params["values"], ".values")
        for name in specs:
            if f"{{{name}}}" not in tex:
                raise ParamError(f"is computed but not shown: put {{{name}}} in tex", f".values.{name}")
        pieces, _ = cls.pieces(tex, {n: s.text(s.call()) for n, s in specs.items()})
        problem = tex_error(" ".join(pieces))
        if problem:
            raise ParamError(problem, ".tex")

    @staticmethod
    def pieces(tex: str, shown: dict[str, str]) -> tuple[list[str], list[int]]:
        """``tex`` cut at its placeholders, the values put in (escaped for TeX), and which
        pieces are values."""
        if not shown:
            return [tex], []
        pattern = "|".join(re.escape(f"{{{n}}}") for n in shown)
        pieces: list[str] = []
        values: list[int] = []
        for i, part in enumerate(re.split(f"({pattern})", tex)):
            if i % 2:
                values.append(len(pieces))
                pieces.append("".join(_TEX_SPECIALS.get(c, c) for c in shown[part[1:-1]]))
            elif part.strip():
                pieces.append(part)
        return pieces, values

    def build_body(self) -> None:
        shown = {}
        for name, spec in _specs(self.param("values")).items():
            shown[name] = spec.compute(self.compute, name).show(spec.format)
        pieces, self.value_pieces = self.pieces(self.param("tex"), shown)
        self.formula = self.math(pieces, size=self.param("size"))
        for i in self.value_pieces:
            self.formula[i].set_color(self.theme.accent)
        parts = [self.formula]
        if self.param("caption"):
            self.caption = self.wrapped(self.param("caption"), size="body", color=self.theme.muted)
            parts.append(self.caption)
        self.fit(VGroup(*parts).arrange(DOWN, buff=0.6))

    def step_show(self) -> Step:
        # without a step of its own, the caption comes with the formula
        caption = [] if not self.param("caption") or "caption" in played_steps(self.exhibit) \
            else [FadeIn(self.caption, shift=0.2 * UP)]
        return Step((Write(self.formula), *caption), seconds=1.5)

    def step_caption(self) -> list:
        return [*self.reveal(self.formula), FadeIn(self.caption, shift=0.2 * UP)]

    def step_highlight(self) -> list:
        targets = [self.formula[i] for i in self.value_pieces] or [self.formula]
        return [*self.reveal(self.formula),
                *(Circumscribe(t, color=self.theme.accent, buff=0.12) for t in targets)]


# ----- function plot -------------------------------------------------------------------------

def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _ticks(lo: float, hi: float, step: float) -> list[float]:
    """The multiples of ``step`` in [lo, hi], rounded so that none reads 5.55e-17 or -0."""
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(k * step, 10) + 0.0 for k in range(first, last + 1)]


@register_scene
class FunctionPlot(GenericKind):
    """A registered formula (or an expression) plotted against one of its arguments, with
    marked points whose computed values are labelled."""

    PARAMS = {"function": None, "x": "x", "range": None, "y_range": None, "x_label": "", "y_label": "",
              "points": [], "highlight": [], "samples": 60}
    CHECKS = {"function": lambda v: _mapping(v, ("formula", "expr", "args", "format"), ()),
              "x": _identifier, "range": _interval, "y_range": _interval, "x_label": _text, "y_label": _text,
              "points": lambda v: [_number(p, f"[{i}]") for i, p in enumerate(_list(v, "", 0, 8))],
              "highlight": lambda v: [_number(p, f"[{i}]") for i, p in enumerate(_list(v))],
              "samples": lambda v: _whole(v, 2, 400)}
    REQUIRED = ("function", "range")
    STEP_NEEDS = {"points": "points", "highlight": "points"}
    SHOWN_BY = {"highlight": "highlight"}

    @classmethod
    def check_together(cls, params: dict[str, Any]) -> None:
        x = params["x"]
        spec = _spec(params["function"], ".function", free=(x,))
        lo, hi = _interval(params["range"], ".range")
        ys = [cls._y(spec, x, v, ".function") for v in np.linspace(lo, hi, params["samples"])]
        y_range = _interval(params["y_range"], ".y_range") if params["y_range"] is not None else None
        for i, p in enumerate(params["points"]):
            if not lo <= p <= hi:
                raise ParamError(f"{x} = {p:g} is outside range [{lo:g}, {hi:g}]", f".points[{i}]")
            y = cls._y(spec, x, p, f".points[{i}]")
            _spec_text(spec, y, ".function")
            if y_range and not y_range[0] <= y <= y_range[1]:
                raise ParamError(f"its value {y:g} is outside y_range [{y_range[0]:g}, {y_range[1]:g}]",
                                 f".points[{i}]")
        if y_range is None and min(0.0, *ys) == max(0.0, *ys):
            raise ParamError("the curve is 0 everywhere; give y_range", ".y_range")
        for i, h in enumerate(params["highlight"]):
            if h not in params["points"]:
                raise ParamError(f"{h:g} is not one of points", f".highlight[{i}]")

    @staticmethod
    def _y(spec: ValueSpec, x: str, v: float, at: str) -> float:
        try:
            y = spec.call(**{x: float(v)})
        except ParamError as exc:
            raise ParamError(exc.message, at + (exc.at if at == ".function" else "")) from None
        if isinstance(y, bool) or not isinstance(y, (int, float, np.floating, np.integer)) or not math.isfinite(y):
            raise ParamError(f"the formula gives {y!r} at {x} = {v:g}, not a finite number", at)
        return float(y)

    def build_body(self) -> None:
        x = self.param("x")
        spec = _spec(self.param("function"), "", free=(x,))
        lo, hi = self.param("range")
        xs = [float(v) for v in np.linspace(lo, hi, self.param("samples"))]
        ys = self.compute("curve", tabulate, formula=spec.formula, over=x, at=xs, args=spec.args).value
        points = [(p, spec.compute(self.compute, f"{x}={p:g}", **{x: float(p)})) for p in self.param("points")]
        if self.param("y_range") is not None:
            y0, y1 = self.param("y_range")
        else:
            y0, y1 = min(0.0, *ys), max(0.0, *ys)
        x_step, y_step = _nice_step(hi - lo), _nice_step(y1 - y0)
        y0, y1 = math.floor(y0 / y_step + 1e-9) * y_step, math.ceil(y1 / y_step - 1e-9) * y_step
        height = self.area_top - self.area_bottom - 1.3  # tick labels and the x label below
        axes = Axes(x_range=[lo, hi, x_step], y_range=[y0, y1, y_step], x_length=self.safe_width * 0.72,
                    y_length=max(1.5, height - 0.5), tips=False,
                    axis_config={"color": self.theme.ink, "stroke_width": 2, "include_ticks": True})
        # Manim's axes cross at 0 when 0 is in range: labels go along the axis lines, wherever they are
        ox, oy = min(max(0.0, lo), hi), min(max(0.0, y0), y1)
        x_ticks, y_ticks = VGroup(), VGroup()
        for v in _ticks(lo, hi, x_step):
            x_ticks.add(self.text(f"{v:g}", size="small", color=self.theme.muted)
                        .next_to(axes.c2p(v, oy), DOWN, buff=0.15))
        for v in _ticks(y0, y1, y_step):
            if v == 0 and ox > lo:
                continue  # the x axis's 0 already stands at the crossing
            y_ticks.add(self.text(f"{v:g}", size="small", color=self.theme.muted)
                        .next_to(axes.c2p(ox, v), LEFT, buff=0.25))
        labels = VGroup()
        if self.param("x_label"):
            labels.add(self.text(self.param("x_label"), size="small")
                       .next_to(VGroup(axes, x_ticks), DOWN, buff=0.2).set_x(axes.get_center()[0]))
        if self.param("y_label"):
            label = self.text(self.param("y_label"), size="small").next_to(axes.c2p(ox, y1), UP, buff=0.25)
            label.shift(UP * max(0.0, y_ticks.get_top()[1] + 0.25 - label.get_bottom()[1]))  # clear of the top tick
            labels.add(label.align_to(y_ticks, LEFT) if ox == lo else label)
        self.axes = VGroup(axes, x_ticks, y_ticks, labels)
        # the curve is drawn only inside y_range: one piece per stretch that stays inside
        self.curve = VGroup()
        piece: list[np.ndarray] = []
        for a, b in [*zip(xs, ys), (None, None)]:
            if a is not None and y0 - 1e-9 <= b <= y1 + 1e-9:
                piece.append(axes.c2p(a, b))
                continue
            if len(piece) > 1:
                self.curve.add(VMobject(stroke_color=self.theme.ink, stroke_width=4).set_points_as_corners(piece))
            piece = []
        self.marks: dict[float, VGroup] = {}
        for p, computed in points:
            y = float(computed.value)
            dot = Dot(axes.c2p(p, y), radius=0.08, color=self.theme.accent)
            drop = DashedLine(axes.c2p(p, oy), axes.c2p(p, y), color=self.theme.muted, stroke_width=2)
            rising = float(np.interp(min(hi, p + (hi - lo) / 50), xs, ys)) >= y
            label = self.text(f"{x} = {p:g}: {computed.show(spec.format)}", size="small", color=self.theme.accent)
            label.next_to(dot, UL if rising else UR, buff=0.12)
            self.marks[p] = VGroup(drop, dot, label)
        self.fit(VGroup(self.axes, self.curve, *self.marks.values()))

    def step_show(self) -> Step:
        return Step((*self.reveal(self.axes), Create(self.curve)), seconds=1.5)

    def step_points(self) -> Step:
        return Step(tuple(self.reveal(self.axes, self.curve, *self.marks.values())), seconds=1.2)

    def step_highlight(self) -> list:
        chosen = self.param("highlight") or list(self.marks)
        # marks that fade in now are emphasis enough; those on screen are pulsed, dot and label
        # one by one (animating a slice, a new group, would pull them out of their mark)
        parts = [m for p in chosen if self.on_screen(self.marks[p]) for m in self.marks[p].submobjects[1:]]
        return [*self.reveal(self.axes, self.curve, *self.marks.values()),
                *(Indicate(m, color=self.theme.accent, scale_factor=1.15) for m in parts)]


# ----- bar chart -----------------------------------------------------------------------------

def _bars(v: Any) -> list[tuple[str, ValueSpec | str]]:
    bars = []
    for i, bar in enumerate(_list(v, "", 1, 10)):
        _mapping(bar, ("label", "value"), ("label", "value"), f"[{i}]")
        label = _text(bar["label"], f"[{i}].label", blank=False)
        if any(label == b[0] for b in bars):
            raise ParamError(f"the label {label!r} is used twice", f"[{i}].label")
        raw = bar["value"]
        if isinstance(raw, dict):
            value: ValueSpec | str = _spec(raw, f"[{i}].value")
            _number(value.call(), f"[{i}].value")
        else:
            _number(raw, f"[{i}].value")
            value = str(raw)
        bars.append((label, value))
    return bars


@register_scene
class BarChart(GenericKind):
    """Bars from data or from computed values, labelled with their values; ``highlight`` picks
    some out."""

    PARAMS = {"bars": None, "unit": "", "y_label": "", "highlight": []}
    CHECKS = {"bars": _bars, "unit": _text, "y_label": _text,
              "highlight": lambda v: [_text(h, f"[{i}]") for i, h in enumerate(_list(v))]}
    REQUIRED = ("bars",)
    STEP_NEEDS = {"highlight": "highlight"}
    SHOWN_BY = {"highlight": "highlight"}

    @classmethod
    def check_together(cls, params: dict[str, Any]) -> None:
        labels = [label for label, _ in _bars(params["bars"])]
        for i, h in enumerate(params["highlight"]):
            if h not in labels:
                raise ParamError(f"{h!r} is not a bar's label (labels: {', '.join(labels)})", f".highlight[{i}]")

    def build_body(self) -> None:
        values: list[tuple[str, float, str]] = []
        for label, value in _bars(self.param("bars")):
            if isinstance(value, str):  # data: shown as the storyboard has it
                values.append((label, float(value), value))
            else:
                computed = value.compute(self.compute, label)
                values.append((label, float(computed.value), computed.show(value.format)))
        # Bars drawn one unit per unit of value first; the labels around them take the same room
        # at any scale, so one measurement gives the scale that fills the body area.
        span = (max(0.0, *(v for _, v, _ in values)) - min(0.0, *(v for _, v, _ in values))) or 1.0
        chart = self._chart(values, 1.0)
        fixed = chart.height - span
        self.chart = self.fit(self._chart(values, max(0.5, self.area_top - self.area_bottom - fixed) / span))

    def _chart(self, values: list[tuple[str, float, str]], scale: float) -> VGroup:
        n = len(values)
        slot = min(2.6, self.safe_width * 0.9 / n)
        self.baseline = Line(LEFT * slot * n / 2, RIGHT * slot * n / 2, color=self.theme.ink, stroke_width=2)
        self.bars: dict[str, VGroup] = {}
        for i, (label, v, text) in enumerate(values):
            x = (i - (n - 1) / 2) * slot
            h = abs(v) * scale
            rect = Rectangle(width=slot * 0.6, height=max(h, 1e-3), fill_color=self.theme.muted, fill_opacity=1,
                             stroke_width=0).move_to([x, (h / 2 if v >= 0 else -h / 2), 0])
            shown = self.text(text + self.param("unit"), size="small")
            shown.next_to(rect, UP if v >= 0 else DOWN, buff=0.12)
            name = centred(self, label, size="small", width=slot * 0.95, color=self.theme.muted)
            # the category label sits across the baseline from its bar, so bars below zero keep it clear
            name.next_to(self.baseline, DOWN if v >= 0 else UP, buff=0.15).set_x(x)
            rect.grow_edge = DOWN if v >= 0 else UP
            self.bars[label] = VGroup(rect, shown, name)
        chart = VGroup(self.baseline, *self.bars.values())
        self.extras: list[Mobject] = []  # what the chart shows besides its bars
        if self.param("y_label"):
            y_label = self.text(self.param("y_label"), size="small")
            self.extras.append(y_label.next_to(chart, UP, buff=0.3).align_to(chart, LEFT))
        return chart.add(*self.extras)

    def step_show(self) -> Step:
        grow = [GrowFromEdge(b[0], b[0].grow_edge) for b in self.bars.values()]
        rest = [FadeIn(VGroup(b[1], b[2])) for b in self.bars.values()]
        return Step((Create(self.baseline), *grow, *rest, *(FadeIn(m) for m in self.extras)), seconds=1.5)

    def step_highlight(self) -> list:
        anims: list[Animation] = []
        for label in self.param("highlight"):
            rect, shown, _ = self.bars[label]
            anims += self.emphasise(rect, lambda m: m.set_fill(self.theme.accent))
            anims += self.emphasise(shown, lambda m: m.set_color(self.theme.accent))
        return [*self.reveal(self.baseline, *self.extras, *self.bars.values()), *anims]


# ----- table ---------------------------------------------------------------------------------

def _rows(v: Any) -> list[list[ValueSpec | str]]:
    rows = _list(v, "", 1, 12)
    out = []
    for r, row in enumerate(rows):
        cells = _list(row, f"[{r}]", 1, 6)
        if out and len(cells) != len(out[0]):
            raise ParamError(f"has {len(cells)} cells; the first row has {len(out[0])}", f"[{r}]")
        out.append([_cell(c, f"[{r}][{i}]") for i, c in enumerate(cells)])
    return out


def _cell_refs(v: Any) -> list[int | tuple[int, int]]:
    refs: list[int | tuple[int, int]] = []
    for i, ref in enumerate(_list(v)):
        if isinstance(ref, int) and not isinstance(ref, bool):
            refs.append(ref)
        elif isinstance(ref, list) and len(ref) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in ref):
            refs.append((ref[0], ref[1]))
        else:
            raise ParamError("must be a row index (a whole row) or [row, column] (one cell), counted from 0",
                             f"[{i}]")
    return refs


@register_scene
class TableCard(GenericKind):
    """A table of data and computed cells; rows can appear one by one and cells be highlighted."""

    PARAMS = {"rows": None, "header": True, "highlight": [], "size": "body", "align": ""}
    CHECKS = {"rows": _rows, "highlight": _cell_refs, "size": lambda v: _choice(v, ("body", "small")),
              "align": _alignment}
    REQUIRED = ("rows",)
    STEP_NEEDS = {"highlight": "highlight"}
    SHOWN_BY = {"highlight": "highlight"}

    @classmethod
    def check_together(cls, params: dict[str, Any]) -> None:
        rows = _rows(params["rows"])
        for i, ref in enumerate(_cell_refs(params["highlight"])):
            r, c = (ref, 0) if isinstance(ref, int) else ref
            if not (0 <= r < len(rows) and 0 <= c < len(rows[0])):
                raise ParamError(f"no such {'row' if isinstance(ref, int) else 'cell'}: the table has "
                                 f"{len(rows)} rows of {len(rows[0])} cells, counted from 0", f".highlight[{i}]")
        if params["align"] and len(params["align"]) != len(rows[0]):
            raise ParamError(f"has {len(params['align'])} letters for {len(rows[0])} columns", ".align")

    def build_body(self) -> None:
        texts: list[list[str]] = []
        for r, row in enumerate(_rows(self.param("rows"))):
            texts.append([cell if isinstance(cell, str)
                          else cell.compute(self.compute, f"rows[{r}][{c}]").show(cell.format)
                          for c, cell in enumerate(row)])
        header = self.param("header")
        body = texts[1:] if header else texts
        numeric = [all(re.match(r"^[+-]?[\d.,]+%?$", row[c].strip()) for row in body) if body else False
                   for c in range(len(texts[0]))]
        align = self.param("align") or "".join("r" if n else "l" for n in numeric)
        height = self.area_top - self.area_bottom
        for size, wrap in (("body", False), ("small", False), ("small", True)):
            if self.param("size") == "small" and size == "body":
                continue
            cells = [[self.wrapped(t, size=size, width=self.safe_width / len(t_row) - 0.5).original_text
                      if wrap else t for t in t_row] for t_row in texts]
            grid = self.table(cells, header=header, size=size, row_buff=0.22, col_buff=0.5,
                              col_alignments=align)
            if grid.width <= self.safe_width and grid.height <= height:
                break
        self.grid = self.fit(grid)
        n = len(texts[0])
        self.rows = [VGroup(*self.grid[r * n:(r + 1) * n]) for r in range(len(texts))]
        self.rule = None
        if header:
            y = (self.rows[0].get_bottom()[1] + self.rows[1].get_top()[1]) / 2 if len(self.rows) > 1 \
                else self.rows[0].get_bottom()[1] - 0.1
            self.rule = Line([self.grid.get_left()[0], y, 0], [self.grid.get_right()[0], y, 0],
                             color=self.theme.muted, stroke_width=1.5)
        self.next_row = 0

    def _rows_until(self, last: int) -> list[Animation]:
        anims: list[Animation] = []
        while self.next_row <= last:
            anims.append(FadeIn(self.rows[self.next_row], shift=0.1 * UP))
            if self.next_row == 0 and self.rule is not None:
                anims.append(Create(self.rule))
            self.next_row += 1
        return anims

    def step_show(self) -> Step:
        return Step(tuple(self._rows_until(len(self.rows) - 1)), seconds=1.2)

    def step_header(self) -> list:
        return self._rows_until(0)

    def step_next_row(self) -> list:
        # the first call after the header (or with no header) shows the first body row
        return self._rows_until(max(self.next_row, 1 if self.param("header") else 0))

    def step_highlight(self) -> list:
        anims: list[Animation] = []
        for ref in _cell_refs(self.param("highlight")):
            target = self.rows[ref] if isinstance(ref, int) else self.rows[ref[0]][ref[1]]
            anims += self.emphasise(target, lambda m: m.set_color(self.theme.accent))
        return [*self._rows_until(len(self.rows) - 1), *anims]


# ----- side-by-side comparison ---------------------------------------------------------------

def _side(v: Any) -> tuple[str, list[str], dict[str, ValueSpec]]:
    _mapping(v, ("title", "lines", "values"), ("title", "lines"))
    title = _text(v["title"], ".title", blank=False)
    lines = [_text(line, f".lines[{i}]", blank=False) for i, line in enumerate(_list(v["lines"], ".lines", 1, 6))]
    specs = _specs(v.get("values") or {}, ".values")
    for i, line in enumerate(lines):
        for name in _placeholders(line):
            if name not in specs:
                raise ParamError(f"shows {{{name}}}, but values has no {name!r}", f".lines[{i}]")
    for name, spec in specs.items():
        if not any(f"{{{name}}}" in line for line in lines):
            raise ParamError(f"is computed but not shown: put {{{name}}} in a line", f".values.{name}")
    return title, lines, specs


@register_scene
class Comparison(GenericKind):
    """Two columns side by side (two rules, two models, before and after), each a title and a
    few lines in which ``{name}`` shows a computed value; a verdict may follow."""

    PARAMS = {"left": None, "right": None, "highlight": "", "verdict": ""}
    CHECKS = {"left": _side, "right": _side, "highlight": lambda v: _choice(v, ("left", "right", "")),
              "verdict": _text}
    REQUIRED = ("left", "right")
    STEP_NEEDS = {"verdict": "verdict", "highlight": "highlight"}
    SHOWN_BY = {"verdict": "verdict", "highlight": "highlight"}

    def build_body(self) -> None:
        gap = 0.8
        width = (self.safe_width - gap) / 2 - 0.3
        self.sides: dict[str, VGroup] = {}
        for side in ("left", "right"):
            title, lines, specs = _side(self.param(side))
            shown = {name: spec.compute(self.compute, f"{side}.{name}").show(spec.format)
                     for name, spec in specs.items()}
            head = self.wrapped(title, size="body", width=width, font=self.theme.fonts.heading, weight="BOLD")
            rows = [self.wrapped(_fill(line, shown), size="body", width=width) for line in lines]
            self.sides[side] = VGroup(head, *rows).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        left, right = self.sides["left"], self.sides["right"]
        left.move_to([-(gap / 2 + width / 2), 0, 0])
        right.move_to([gap / 2 + width / 2, 0, 0]).align_to(left, UP)
        tall = max(left.height, right.height)
        self.divider = Line(UP * tall / 2, DOWN * tall / 2, color=self.theme.muted, stroke_width=1.5)
        self.divider.move_to([0, right.get_top()[1] - tall / 2, 0])
        parts = [left, self.divider, right]
        self.verdict = None
        if self.param("verdict"):
            self.verdict = self.wrapped(self.param("verdict"), size="body", color=self.theme.accent)
            self.verdict.next_to(VGroup(left, right), DOWN, buff=0.5).set_x(0)
            parts.append(self.verdict)
        self.fit(VGroup(*parts))

    def step_left(self) -> list:
        return [FadeIn(self.sides["left"], shift=0.2 * RIGHT)]

    def step_right(self) -> list:
        return [*self.reveal(self.sides["left"], self.divider), FadeIn(self.sides["right"], shift=0.2 * LEFT)]

    def step_show(self) -> Step:
        return Step((*self.reveal(self.sides["left"], self.divider, self.sides["right"]),), seconds=1.2)

    def step_highlight(self) -> list:
        side = self.sides[self.param("highlight")]
        box = SurroundingRectangle(side, color=self.theme.accent, buff=0.2, corner_radius=0.08)
        title = self.emphasise(side[0], lambda m: m.set_color(self.theme.accent))
        return [*self.reveal(self.sides["left"], self.divider, self.sides["right"]), Create(box), *title]

    def step_verdict(self) -> list:
        return [*self.reveal(self.sides["left"], self.divider, self.sides["right"]),
                FadeIn(self.verdict, shift=0.2 * UP)]
