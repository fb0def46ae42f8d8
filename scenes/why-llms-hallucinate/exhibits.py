"""Exhibits of "Why Language Models Hallucinate" that need more than the generic kinds.

Every number drawn here is a call of a function in ``formulas`` made through ``self.compute``,
so it is recorded in the exhibit's values.json with its inputs. Data the paper prints (wrong
dates, model names, Figure 1's examples) come from the storyboard's ``params``; the paper's own
words only from its ``quotes``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Axes, Circumscribe, Create, DashedLine, Dot,
                   FadeIn, FadeOut, Indicate, Line, Rectangle, ReplacementTransform, RoundedRectangle,
                   Square, SurroundingRectangle, VGroup, VMobject, Write, config)

from explainer_anim.citation import cite
from explainer_anim.scene import ExplainerScene, Step, register_scene
from explainer_anim.storyboard import Exhibit, Quote

from . import formulas as F

CONTENT_TOP = 2.65  # just under the heading, in scene units


def percent(digits: int):  # type: ignore[no-untyped-def]
    return lambda v: f"{100 * v:.{digits}f}%"


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def signed(spec: str):  # type: ignore[no-untyped-def]
    """A number with its sign, negative ones with a true minus sign (U+2212), not a hyphen."""
    return lambda v: format(v, spec).replace("-", "−")


def _need_quotes(exhibit: Exhibit, n: int, what: str) -> str | None:
    return None if len(exhibit.quotes) >= n else f"needs {n} quotes ({what}); it has {len(exhibit.quotes)}"


class PaperScene(ExplainerScene):
    """Helpers shared by this paper's exhibits (not a scene of its own)."""

    def build(self) -> None:
        self.head = self.heading(self.exhibit.title)
        self.add(self.head)

    def centred(self, s: str, size: str = "body", width: float | None = None, buff: float = 0.12,
                **kwargs: Any) -> VGroup:
        """Wrapped text whose lines are centred on each other (Text aligns them left)."""
        block = self.wrapped(s, size=size, width=width, **kwargs)
        lines = [self.text(line, size=size, **kwargs) for line in block.original_text.split("\n")]
        return VGroup(*lines).arrange(DOWN, buff=buff)

    def quote_at_top(self, quote: Quote, size: str = "small", width: float | None = None) -> VGroup:
        """A quote under the heading, aligned with it."""
        card = self.quote_card(quote, size=size, width=width)
        return card.to_edge(UP, buff=config.frame_height / 2 - CONTENT_TOP).align_to(self.head, LEFT)

    def plain_axes(self, x_range: list[float], y_range: list[float], x_length: float, y_length: float,
                   x_ticks: bool = True) -> Axes:
        """Axes in ink without numbers (labels are added as computed values) and without y ticks,
        which would mean nothing unlabelled."""
        return Axes(x_range=x_range, y_range=y_range, x_length=x_length, y_length=y_length, tips=False,
                    axis_config={"color": self.theme.ink, "stroke_width": 2, "include_numbers": False,
                                 "tick_size": 0.06},
                    x_axis_config={"include_ticks": x_ticks}, y_axis_config={"include_ticks": False})

    def curve(self, axes: Axes, xs: list[float], ys: list[float], color: str | None = None,
              width: float = 4) -> VMobject:
        line = VMobject(stroke_color=color or self.theme.ink, stroke_width=width)
        line.set_points_as_corners([axes.c2p(x, y) for x, y in zip(xs, ys)])
        return line

    def markers(self, points: list[np.ndarray], plus: bool, r: float = 0.08) -> VMobject:
        """± markers as one path (+ in the accent, − in ink): one mobject per sign, not one per
        point, keeps every animation's copies cheap."""
        path = VMobject(stroke_color=self.theme.accent if plus else self.theme.ink, stroke_width=3)
        for at in points:
            for d in ((LEFT, UP) if plus else (LEFT,)):
                path.start_new_path(at + r * d)
                path.add_line_to(at - r * d)
        return path


@register_scene
class OpeningTitle(PaperScene):
    """The paper's title, authors and reference, centred; then the abstract's opening image."""

    def build(self) -> None:
        meta = self.plan.meta
        title = self.centred(meta.title, size="title", font=self.theme.fonts.heading, weight="BOLD")
        authors = self.text(", ".join(meta.authors), size="body")
        if authors.width > self.safe_width:
            half = (len(meta.authors) + 1) // 2
            authors = VGroup(self.text(", ".join(meta.authors[:half]) + ",", size="body"),
                             self.text(", ".join(meta.authors[half:]), size="body")).arrange(DOWN, buff=0.12)
        ref = self.text(f"arXiv:{meta.paper.arxiv}" + (f" · {meta.paper.year}" if meta.paper.year else ""),
                        size="small", color=self.theme.muted)
        self.parts = [title, authors, ref]
        self.card = VGroup(*self.parts).arrange(DOWN, buff=0.45).move_to(0.2 * UP)

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        return _need_quotes(exhibit, 1, "the abstract's opening")

    def step_all(self) -> Step:
        return Step((Write(self.parts[0]), *(FadeIn(p, shift=0.2 * UP) for p in self.parts[1:])), seconds=1.5)

    def step_quote(self) -> list:
        quote = self.quote_card(self.next_quote(), size="small", width=self.safe_width * 0.85)
        quote.to_edge(DOWN, buff=0.8)
        return [self.card.animate.to_edge(UP, buff=0.6), FadeIn(quote, shift=0.2 * UP)]


@register_scene
class BirthdayPrompt(PaperScene):
    """§1: the birthday prompt, three confident wrong answers, and the odds of a blind guess."""

    PARAMS = {"answers": ["03-07", "15-06", "01-01"], "days": 365}

    def build(self) -> None:
        super().build()
        self.prompt = self.quote_at_top(self.exhibit.quotes[0], size="body")

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        return _need_quotes(exhibit, 2, "the prompt, then the autumn remark")

    def step_prompt(self) -> list:
        self._quote_index = 1
        return self.fade_in(self.prompt)

    def step_answers(self) -> Step:
        boxes = VGroup()
        for i, a in enumerate(self.param("answers"), 1):
            label = self.text(f"attempt {i}", size="small", color=self.theme.muted)
            value = self.text(f"“{a}”", size="heading", font=self.theme.fonts.mono, color=self.theme.accent)
            boxes.add(VGroup(label, value).arrange(DOWN, buff=0.15))
        boxes.arrange(RIGHT, buff=1.4).next_to(self.prompt, DOWN, buff=0.6).set_x(0)
        self.answers = boxes
        return Step(tuple(FadeIn(b, shift=0.2 * DOWN) for b in boxes), seconds=1.5)

    def step_chance(self) -> list:
        days = self.param("days")
        chance = self.compute("blind_guess_chance", F.blind_guess_chance, n_days=days)
        errors = self.compute("birthday_error_count", F.birthday_error_count, n_days=days)
        line1 = self.text(f"A blind guess is right with probability 1/{days} = {chance.show(percent(2))}")
        line2 = self.text(f"and wrong for {errors.show('{}')} of the {days} days.", color=self.theme.muted)
        self.chance = VGroup(line1, line2).arrange(DOWN, buff=0.2).next_to(self.answers, DOWN, buff=0.55)
        return self.fade_in(self.chance)

    def step_autumn(self) -> list:
        q = self.quote_card(self.next_quote(), size="small").to_edge(DOWN, buff=0.55).set_x(0)
        return self.fade_in(q)


@register_scene
class DissertationTitles(PaperScene):
    """Table 1 (§1, p. 2): three models' confident dissertation titles, and the real one."""

    PARAMS = {"models": ["ChatGPT (GPT-4o)", "DeepSeek", "Llama"]}

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        n = len(exhibit.params.get("models", cls.PARAMS["models"]))
        return _need_quotes(exhibit, n + 3, f"the prompt, one excerpt per model ({n}), the real title and "
                                            "the caption, in that order")

    def build(self) -> None:
        super().build()
        q = self.exhibit.quotes
        n = len(self.param("models"))
        self.excerpts, self.real, self.caption = q[1:1 + n], q[1 + n], q[2 + n]
        self.prompt = self.quote_at_top(q[0], size="body")

    def step_prompt(self) -> list:
        return self.fade_in(self.prompt)

    def step_excerpts(self) -> Step:
        rows = VGroup()
        label_width, mark_width = 2.6, 0.6
        for model, quote in zip(self.param("models"), self.excerpts):
            label = self.wrapped(model, size="small", width=label_width, font=self.theme.fonts.heading,
                                 weight="BOLD", color=self.theme.muted)
            body = self.wrapped(quote.text, size="small", width=self.safe_width - label_width - 0.4 - mark_width,
                                slant="ITALIC")
            label.move_to(ORIGIN, aligned_edge=UP + LEFT)
            body.move_to((label_width + 0.4) * RIGHT, aligned_edge=UP + LEFT)
            rows.add(VGroup(label, body))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.28).next_to(self.prompt, DOWN, buff=0.4)
        rows.align_to(self.head, LEFT)
        credit = self.text(f"— excerpts from Table 1, {cite(self.plan.meta, self.excerpts[0])}", size="small",
                           color=self.theme.muted)
        credit.next_to(rows, DOWN, buff=0.25).align_to(rows[0][1], LEFT)
        self.rows, self.credit = rows, credit
        return Step((*(FadeIn(r, shift=0.1 * RIGHT) for r in rows), FadeIn(credit)), seconds=1.5)

    def step_verdict(self) -> Step:
        marks = []
        for i, (row, quote) in enumerate(zip(self.rows, self.excerpts)):
            claimed = self.compute(f"claimed_title_{i + 1}", F.quoted_title, excerpt=quote.text)
            ok = self.compute(f"title_is_right_{i + 1}", F.same_title, claimed=claimed.value, actual=self.real.text)
            m = self.text(ok.show(mark), size="heading", color=self.theme.accent)
            marks.append(m.to_edge(RIGHT, buff=config.frame_width * 0.05 + 0.1).align_to(row[1], UP))
        # The real title takes the prompt's place: the question is answered.
        head = self.text("The real title:", size="small", font=self.theme.fonts.heading, weight="BOLD",
                         color=self.theme.accent)
        real = self.quote_card(self.real, size="small", width=self.safe_width - head.width - 0.3)
        block = VGroup(head, real).arrange(RIGHT, buff=0.3, aligned_edge=UP)
        block.move_to(self.prompt, aligned_edge=UP + LEFT)
        return Step((*(FadeIn(m, scale=1.4) for m in marks), FadeOut(self.prompt), FadeIn(block, shift=0.1 * DOWN)),
                    seconds=1.5)

    def step_caption(self) -> list:
        """Table 1's caption replaces the excerpts' credit line: it cites the same table."""
        cap = self.quote_card(self.caption, size="small")
        cap.next_to(self.rows, DOWN, buff=0.4).align_to(self.credit, LEFT)
        return [FadeOut(self.credit), FadeIn(cap, shift=0.1 * UP)]


@register_scene
class LetterCount(PaperScene):
    """§1 and §3.3.2: how many Ds in DEEPSEEK, counted from the string, and the tokens a model sees."""

    PARAMS = {"tokens": ["D", "EEP", "SEE", "K"], "letter": "D", "reasoner": "DeepSeek-R1"}

    @classmethod
    def check_param(cls, key, value):  # type: ignore[no-untyped-def]
        problem = super().check_param(key, value)
        if problem:
            return problem
        if key == "tokens" and (not value or not all(isinstance(t, str) and t for t in value)):
            return "must be a list of non-empty strings (the tokens that spell the word)"
        if key == "letter" and len(value) != 1:
            return f"must be a single character, not {value!r}"
        return None

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        return _need_quotes(exhibit, 4, "the prompt, the answers, the tokens remark, R1's count")

    def build(self) -> None:
        super().build()
        self.prompt = self.quote_at_top(self.exhibit.quotes[0], size="body")
        self.count = self.compute("letter_count", F.count_letter_by_tokens, tokens=self.param("tokens"),
                                  letter=self.param("letter"))

    def step_prompt(self) -> list:
        return self.fade_in(self.prompt)

    def step_answers(self) -> list:
        q = self.quote_card(self.exhibit.quotes[1], size="small")
        self.answers = q.next_to(self.prompt, DOWN, buff=0.4).align_to(self.prompt, LEFT)
        return self.fade_in(q)

    def _box(self, s: str, accent: bool) -> VGroup:
        color = self.theme.accent if accent else self.theme.ink
        label = self.text(s, size="heading", font=self.theme.fonts.mono, color=color)
        frame = RoundedRectangle(corner_radius=0.08, width=max(0.75, label.width + 0.3), height=0.85,
                                 stroke_color=color, stroke_width=3 if accent else 2)
        return VGroup(frame, label.move_to(frame))

    def step_letters(self) -> Step:
        c = self.count.value
        word = self.count.show("{}", "word")
        self.letters = VGroup(*(self._box(ch, ch == c.letter) for ch in word)).arrange(RIGHT, buff=0.12)
        self.letters.move_to(0.55 * DOWN)
        n = self.count.show("{}", "n_letters")
        k = self.count.show("{}", "count")
        self.letter_note = self.text(f"{n} letters, of which {k} " + ("is" if c.count == 1 else "are") + f" {c.letter}",
                                     size="body")
        self.letter_note.next_to(self.letters, DOWN, buff=0.35)
        return Step((FadeOut(self.answers), *(FadeIn(b, shift=0.1 * UP) for b in self.letters),
                     FadeIn(self.letter_note)), seconds=1.5)

    def step_tokens(self) -> Step:
        c = self.count.value
        tokens = VGroup(*(self._box(t, c.letter in t) for t in c.tokens)).arrange(RIGHT, buff=0.35)
        tokens.move_to(self.letters)
        shown = self.count.show(lambda v: " / ".join(v), "tokens")
        n = self.count.show("{}", "n_tokens")
        note = self.text(f"But a model reads {n} tokens: {shown}", size="body")
        note.next_to(tokens, DOWN, buff=0.35)
        # Each token's letters merge into its box; the scene then holds the tokens alone.
        merges, at = [], 0
        for box, t in zip(tokens, c.tokens):
            merges.append(ReplacementTransform(VGroup(*self.letters[at:at + len(t)]), box))
            at += len(t)
        return Step((*merges, ReplacementTransform(self.letter_note, note)), seconds=1.5)

    def step_reasoning(self) -> list:
        tokens_quote, r1 = self.exhibit.quotes[2], self.exhibit.quotes[3]
        q1 = self.quote_at_top(tokens_quote, size="small")
        who = self.text(f"{self.param('reasoner')}, reasoning:", size="small", font=self.theme.fonts.heading,
                        weight="BOLD", color=self.theme.accent)
        q2 = VGroup(who, self.quote_card(r1, size="small")).arrange(RIGHT, buff=0.3, aligned_edge=UP)
        q2.to_edge(DOWN, buff=0.5).align_to(self.head, LEFT)
        return [FadeOut(self.prompt), FadeIn(q1, shift=0.1 * DOWN), FadeIn(q2, shift=0.1 * UP)]


@register_scene
class IsItValidFigure(PaperScene):
    """Figure 1 (§1.1) redrawn: ± examples, then three concepts, each with a linear classifier fit
    live to seeded synthetic data and its error rate measured on fresh data."""

    PARAMS = {"valid": [""], "errors": [""], "panels": [""], "n_points": 40, "n_test": 2000, "seed": 0}

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        p = exhibit.params
        if len(p.get("valid", [])) != len(p.get("errors", [])) or not p.get("valid"):
            return "params.valid and params.errors need the same, non-zero number of examples (Figure 1, left)"
        if len(p.get("panels", [])) != len(F.FIGURE1_CONCEPTS):
            return f"params.panels needs {len(F.FIGURE1_CONCEPTS)} titles, for {', '.join(F.FIGURE1_CONCEPTS)}"
        return _need_quotes(exhibit, 2, "the reduction's idea, then Figure 1's caption")

    def step_idea(self) -> list:
        self.idea = self.quote_at_top(self.exhibit.quotes[0], size="small")
        return self.fade_in(self.idea)

    def step_examples(self) -> Step:
        rows = [["Valid (+)", "Error (−)"], *zip(self.param("valid"), self.param("errors"))]
        self.examples = self.table([list(r) for r in rows], size="small", col_buff=1.0, row_buff=0.14,
                                   col_alignments="ll")
        self.examples.next_to(self.idea, DOWN, buff=0.45).set_x(0)
        return Step((FadeIn(self.examples, shift=0.1 * UP),), seconds=1.5)

    def _panel(self, concept: str, title: str, side: float, centre: np.ndarray) -> VGroup:
        panel = self.compute(f"figure1_{concept}", F.figure1_panel, concept=concept, n=self.param("n_points"),
                             n_test=self.param("n_test"), seed=self.param("seed"))
        v = panel.value
        self.panel_values.append(panel)
        frame = Square(side, stroke_color=self.theme.muted, stroke_width=1.5).move_to(centre)
        scale = side / 2 * 0.9

        def at(x: float, y: float) -> np.ndarray:
            return frame.get_center() + scale * (x * RIGHT + y * UP)

        markers = VGroup(*(self.markers([at(x, y) for (x, y), lab in zip(v.points, v.labels) if lab == sign], sign)
                           for sign in (True, False)))
        ends = _segment_in_square(v.w1, v.w2, v.b, 1 / 0.9)
        line = DashedLine(at(*ends[0]), at(*ends[1]), dash_length=0.12, color=self.theme.ink,
                          stroke_width=2.5) if ends else VGroup()
        head = self.text(title, size="small", font=self.theme.fonts.heading, weight="BOLD")
        head.next_to(frame, UP, buff=0.2)
        err = self.text(f"error {panel.show(percent(0), 'test_error')}", size="body", color=self.theme.accent)
        err.next_to(frame, DOWN, buff=0.2)
        return VGroup(head, frame, markers, line, err)

    def step_panels(self) -> Step:
        side, gap = 2.8, 4.25
        self.panel_values: list[Any] = []
        n = len(F.FIGURE1_CONCEPTS)
        panels = VGroup(*(self._panel(c, t, side, ((i - (n - 1) / 2) * gap) * RIGHT + 0.7 * UP)
                          for i, (c, t) in enumerate(zip(F.FIGURE1_CONCEPTS, self.param("panels")))))
        self.panels = panels
        return Step((FadeOut(self.idea), FadeOut(self.examples), *(FadeIn(p) for p in panels)), seconds=1.5)

    def step_errors(self) -> list:
        n = self.panel_values[-1].show("{:,}", "n_test")
        note = self.text(f"(errors measured on {n} new examples of each)", size="small", color=self.theme.muted)
        self.note = note.next_to(self.panels, DOWN, buff=0.25)
        return [*(Indicate(p[-1], color=self.theme.accent) for p in self.panels), FadeIn(note)]

    def step_caption(self) -> list:
        cap = self.quote_card(self.exhibit.quotes[1], size="small", width=self.safe_width)
        cap.to_edge(DOWN, buff=config.frame_height * 0.05).set_x(0)
        return [FadeOut(self.note), FadeIn(cap, shift=0.1 * UP)]


def _segment_in_square(w1: float, w2: float, b: float, half: float) -> tuple[tuple[float, float], ...] | None:
    """Where the line w1·x + w2·y + b = 0 crosses the square [−half, half]² (None if it misses)."""
    hits: list[tuple[float, float]] = []
    for fixed in (-half, half):
        if abs(w2) > 1e-12:
            y = -(w1 * fixed + b) / w2
            if -half <= y <= half:
                hits.append((fixed, y))
        if abs(w1) > 1e-12:
            x = -(w2 * fixed + b) / w1
            if -half <= x <= half:
                hits.append((x, fixed))
    distinct = list(dict.fromkeys((round(x, 9), round(y, 9)) for x, y in hits))
    if len(distinct) < 2:
        return None
    a, c = max(((p, q) for p in distinct for q in distinct), key=lambda pq: math.dist(*pq))
    return a, c


@register_scene
class IsItValidReduction(PaperScene):
    """Corollary 1 (§3.1) on a small finite example computed from the definitions."""

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        return _need_quotes(exhibit, 1, "the tightness remark")

    def build(self) -> None:
        super().build()
        self.bound = self.math(r"\mathrm{err} \;\ge\; 2\cdot\mathrm{err}_{\mathrm{iiv}}"
                               r" - \frac{|\mathcal V|}{|\mathcal E|} - \delta")
        self.bound.next_to(self.head, DOWN, buff=0.3).set_x(0)

    def step_bound(self) -> Step:
        return Step((Write(self.bound),), seconds=1.5)

    def step_example(self) -> Step:
        m = self.compute("small_iiv_example", F.small_iiv_example)
        self.model = m
        ex = m.value
        rows = [["x", "f(x)", "p(x)", "p̂(x)", "D(x)"]]
        for i, label in enumerate(ex.labels):
            rows.append([label, "+" if ex.is_valid[i] else "−",
                         m.show(lambda v, i=i: f"{v[i]:.2f}", "p"), m.show(lambda v, i=i: f"{v[i]:.2f}", "p_hat"),
                         m.show(lambda v, i=i: f"{v[i]:.3f}", "D")])
        accepted = {(i + 1, c) for i, pos in enumerate(ex.f_hat_positive) if pos for c in (0, 3)}
        self.grid = self.table(rows, size="small", row_buff=0.1, col_buff=0.45, col_alignments="lcrrr",
                               highlight=accepted)
        self.grid.to_edge(LEFT, buff=1.0).to_edge(DOWN, buff=0.45)
        note = self.text(f"f̂ says + where p̂(x) > 1/|E| = 1/{m.show('{}', 'n_errors')} (in colour)",
                         size="small", color=self.theme.muted)
        self.example = ex
        self.note = note.next_to(self.bound, DOWN, buff=0.3)
        return Step((FadeIn(self.grid), FadeIn(self.note)), seconds=1.5)

    def step_values(self) -> Step:
        m = self.model
        rows = VGroup(
            self.text(f"err = p̂(E) = {m.show('{:.3f}', 'err')}"),
            self.text(f"errᵢᵢᵥ = {m.show('{:.3f}', 'err_iiv')}"),
            self.text(f"δ = |p̂(A) − p(A)| = {m.show('{:.3f}', 'delta')}"),
            self.text(f"|V|/|E| = {m.show('{}', 'n_valid')}/{m.show('{}', 'n_errors')}"),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.28)
        rows.next_to(self.grid, RIGHT, buff=0.8).align_to(self.grid, UP).shift(0.35 * DOWN)
        self.values_block = rows
        return Step(tuple(FadeIn(r, shift=0.1 * RIGHT) for r in rows), seconds=1.5)

    def step_verdict(self) -> list:
        ex = self.example
        bound = self.compute("corollary1_bound", F.corollary1_bound, err_iiv=ex.err_iiv,
                             n_valid=ex.n_valid, n_errors=ex.n_errors, delta=ex.delta)
        line = self.text(f"bound = {bound.show('{:.3f}')}  ≤  err = {self.model.show('{:.3f}', 'err')}",
                         color=self.theme.accent)
        line.next_to(self.values_block, DOWN, buff=0.5).align_to(self.values_block, LEFT)
        self.verdict = line
        return [FadeIn(line), Circumscribe(line, color=self.theme.accent)]

    def step_quote(self) -> list:
        q = self.quote_card(self.next_quote(), size="small").move_to(self.note)
        return [FadeOut(self.note), FadeIn(q, shift=0.2 * UP)]


@register_scene
class CalibrationSlope(PaperScene):
    """§3.1 and Figure 2: the loss as a function of a rescaling s, its slope δ at s = 1, the
    minimum moving to s = 1 once calibrated, and GPT-4's cited ECE before and after RL."""

    PARAMS = {"s_range": [0.5, 1.5], "ece_source": ""}

    @classmethod
    def check_param(cls, key, value):  # type: ignore[no-untyped-def]
        problem = super().check_param(key, value)
        if problem:
            return problem
        if key == "s_range" and not (len(value) == 2 and 0 < value[0] < 1 < value[1]):
            return "must be [low, high] with 0 < low < 1 < high (the plot must contain s = 1)"
        return None

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        if not exhibit.params.get("ece_source", "").strip():
            return "params.ece_source must say where the ECE figures come from"
        return _need_quotes(exhibit, 2, "δ as a derivative, then Figure 2's caption")

    def build(self) -> None:
        super().build()
        self.example = self.compute("small_iiv_example", F.small_iiv_example).value

    def step_idea(self) -> Step:
        self.formula = self.math(r"\delta \;=\; \left|\,\frac{d}{ds}\,\mathcal L(\hat p_s)\Big|_{s=1}\right|")
        self.formula.next_to(self.head, DOWN, buff=0.25).set_x(0)
        self.idea = self.quote_card(self.exhibit.quotes[0], size="small")
        self.idea.next_to(self.formula, DOWN, buff=0.3).set_x(0)
        return Step((Write(self.formula), FadeIn(self.idea, shift=0.1 * UP)), seconds=1.5)

    def _curve_of(self, name: str, p_hat: Any) -> Any:
        lo, hi = self.param("s_range")
        ex = self.example
        return self.compute(name, F.calibration_curve, p=list(ex.p), p_hat=list(p_hat), threshold=ex.threshold,
                            s_min=lo, s_max=hi, n_points=41)

    def step_curve(self) -> Step:
        c = self._curve_of("loss_curve", self.example.p_hat)
        self.c = c
        v = c.value
        lo, hi = v.s[0], v.s[-1]
        ys = v.loss
        span = max(ys) - min(ys)
        self.y_range = [min(ys) - 0.15 * span, max(ys) + 0.15 * span]
        ax = self.plain_axes([lo, hi, (hi - lo) / 4], [*self.y_range, span / 2], x_length=6.4, y_length=3.6)
        ax.to_edge(LEFT, buff=1.1).to_edge(DOWN, buff=1.55)
        self.ax = ax
        ticks = VGroup()
        for i in (0, len(v.s) // 2, len(v.s) - 1):
            t = self.text(c.show(lambda s, i=i: f"{s[i]:g}", "s"), size="small")
            ticks.add(t.next_to(ax.c2p(v.s[i], self.y_range[0]), DOWN, buff=0.15))
        x_label = self.text("rescaling s", size="small", color=self.theme.muted).next_to(ax.x_axis, DOWN, buff=0.55)
        y_label = self.text("loss L(p̂ₛ)", size="small", color=self.theme.muted)
        y_label.next_to(ax.y_axis, UP, buff=0.15).align_to(ax.y_axis, LEFT)
        self.line = self.curve(ax, v.s, ys)
        self.at_one = Dot(ax.c2p(1.0, v.loss_at_1), color=self.theme.ink, radius=0.07)
        self.tangent = self._tangent(v.loss_at_1, v.slope_at_1)
        self.minimum = Dot(ax.c2p(v.best_s, v.best_loss), color=self.theme.accent, radius=0.08)
        self.frame = VGroup(ax, ticks, x_label, y_label)
        return Step((FadeOut(self.idea), Create(ax), FadeIn(ticks), FadeIn(x_label), FadeIn(y_label),
                     Create(self.line), FadeIn(self.at_one)), seconds=1.5)

    def _tangent(self, y1: float, slope: float) -> Line:
        d = 0.22
        return Line(self.ax.c2p(1 - d, y1 - slope * d), self.ax.c2p(1 + d, y1 + slope * d),
                    color=self.theme.accent, stroke_width=5)

    def _readout(self, c: Any) -> VGroup:
        rows = VGroup(
            self.text(f"slope at s = 1: {c.show('{:+.3f}', 'slope_at_1')}"),
            self.text(f"δ = {c.show('{:.3f}', 'delta')}", color=self.theme.accent),
            self.text(f"lowest loss at s = {c.show('{:.2f}', 'best_s')}", color=self.theme.muted),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        return rows.next_to(self.ax, RIGHT, buff=0.9).align_to(self.ax, UP)

    def step_slope(self) -> Step:
        self.readout = self._readout(self.c)
        return Step((Create(self.tangent), FadeIn(self.minimum, scale=1.5), FadeIn(self.readout)), seconds=1.5)

    def step_calibrate(self) -> Step:
        ex = self.example
        q = self.compute("recalibrated_model", F.recalibrated_model, p=list(ex.p), p_hat=list(ex.p_hat),
                         threshold=ex.threshold)
        c = self._curve_of("loss_curve_recalibrated", q.value)
        v = c.value
        new_line = self.curve(self.ax, v.s, v.loss)
        new_dot = Dot(self.ax.c2p(1.0, v.loss_at_1), color=self.theme.ink, radius=0.07)
        new_min = Dot(self.ax.c2p(v.best_s, v.best_loss), color=self.theme.accent, radius=0.08)
        readout = self._readout(c)
        new_tangent = self._tangent(v.loss_at_1, v.slope_at_1)
        moves = [ReplacementTransform(a, b) for a, b in ((self.line, new_line), (self.at_one, new_dot),
                                                          (self.tangent, new_tangent), (self.minimum, new_min),
                                                          (self.readout, readout))]
        self.line, self.at_one, self.tangent, self.minimum, self.readout = new_line, new_dot, new_tangent, new_min, readout
        return Step(tuple(moves), seconds=2.0)

    def step_ece(self) -> Step:
        before = self.compute("gpt4_ece_pretrain", F.cited_gpt4_ece, model="pre-train")
        after = self.compute("gpt4_ece_ppo", F.cited_gpt4_ece, model="ppo")
        head = self.text("GPT-4, calibration error (ECE):", size="small", font=self.theme.fonts.heading, weight="BOLD")
        rows = self.table([["pretrained", before.show("{:.3f}")], ["after RL", after.show("{:.3f}")]],
                          header=False, size="body", row_buff=0.12, col_buff=0.6, highlight={(1, 1)})
        source = self.wrapped(f"({self.param('ece_source')})", size="small", width=5.2, color=self.theme.muted)
        caption = self.quote_card(self.exhibit.quotes[1], size="small", width=5.2)
        block = VGroup(head, rows, source, caption).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        block.next_to(self.ax, RIGHT, buff=0.9).align_to(self.ax, UP).shift(0.25 * UP)
        return Step((FadeOut(self.readout), FadeIn(block, shift=0.1 * LEFT)), seconds=1.5)


@register_scene
class SingletonRate(PaperScene):
    """Theorem 2 (§3.3.1): a simulated corpus of arbitrary facts, its singletons, sr, and the
    bounds on the hallucination rate as the corpus grows."""

    PARAMS = {"n_samples": 1_000_000, "n_prompts": 3_000_000, "seed": 0, "max_count": 8,
              "n_min": 1e3, "n_max": 1e12}

    @classmethod
    def check_param(cls, key, value):  # type: ignore[no-untyped-def]
        problem = super().check_param(key, value)
        if problem:
            return problem
        if key in ("n_samples", "n_prompts", "max_count") and value < 1:
            return "must be at least 1"
        return None

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        p = {**cls.PARAMS, **exhibit.params}
        if not 1 <= p["n_min"] < p["n_max"]:
            return "params.n_min must be at least 1 and below params.n_max"
        return _need_quotes(exhibit, 2, "the Einstein remark, then the 20% illustration")

    def step_quote(self) -> list:
        self.top_quote = self.quote_at_top(self.exhibit.quotes[0], size="small", width=self.safe_width)
        return self.fade_in(self.top_quote)

    def step_corpus(self) -> Step:
        s = self.compute("arbitrary_facts", F.arbitrary_facts_summary, n_samples=self.param("n_samples"),
                         n_prompts=self.param("n_prompts"), n_responses=365, alpha=0.9, zipf_exponent=1.0,
                         seed=self.param("seed"), max_count=self.param("max_count"))
        self.summary = s
        v = s.value
        counts = v.counts
        ax = self.plain_axes([0.4, len(counts) + 0.6, 1], [0, counts[0] * 1.05, counts[0]], x_length=5.6,
                             y_length=2.6, x_ticks=False)
        ax.to_edge(LEFT, buff=1.0).to_edge(DOWN, buff=1.5)
        bars = VGroup()
        labels = VGroup()
        for k, n in enumerate(counts, 1):
            h = max(ax.c2p(0, n)[1] - ax.c2p(0, 0)[1], 0.01)
            bar = Rectangle(width=0.45, height=h, stroke_width=0,
                            fill_color=self.theme.accent if k == 1 else self.theme.ink, fill_opacity=1)
            bars.add(bar.move_to(ax.c2p(k, 0), aligned_edge=DOWN))
            labels.add(self.text(s.show(lambda c, k=k: f"{k}", "ks"), size="small").next_to(ax.c2p(k, 0), DOWN, buff=0.15))
        x_label = self.text("times a person’s birthday appears", size="small", color=self.theme.muted)
        x_label.next_to(labels, DOWN, buff=0.15)
        single = self.text(f"{s.show('{:,}', 'n_singletons')} singletons", size="small", color=self.theme.accent)
        single.next_to(bars[0], RIGHT, buff=0.2).align_to(bars[0], UP)
        facts = self.text(f"{s.show('{:,}', 'n_samples')} facts, simulated", size="small", color=self.theme.muted)
        facts.next_to(ax, UP, buff=0.25).align_to(ax, LEFT)
        self.hist = VGroup(ax, bars, labels, x_label, single, facts)
        return Step((FadeIn(facts), Create(ax), *(FadeIn(b, shift=0.1 * UP) for b in bars), FadeIn(labels),
                     FadeIn(x_label), FadeIn(single)), seconds=2.0)

    def step_rate(self) -> Step:
        s = self.summary
        rows = VGroup(
            self.math(r"\mathrm{sr} = \frac{|S|}{N}"),
            self.text(f"= {s.show('{:,}', 'n_singletons')} / {s.show('{:,}', 'n_samples')} = {s.show('{:.3f}', 'sr')}"),
            self.text(f"Theorem 2: {s.show('{:.3f}', 'lower_bound')} ≤ err ≤ {s.show('{:.3f}', 'upper_bound')}",
                      size="small"),
            self.text(f"a calibrated learner’s err: {s.show('{:.3f}', 'err')}", size="small", color=self.theme.accent),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        rows.to_edge(RIGHT, buff=0.9).align_to(self.hist[0], UP)
        self.rate = rows
        return Step(tuple(FadeIn(r, shift=0.1 * LEFT) for r in rows), seconds=1.5)

    def step_bounds(self) -> Step:
        sr = self.summary.value.sr
        c = self.compute("theorem2_curve", F.theorem2_bounds_over_n, sr=sr, min_errors=364, max_errors=364,
                         delta=0.0, n_min=self.param("n_min"), n_max=self.param("n_max"), n_points=46)
        cross = self.compute("theorem2_positive_from", F.theorem2_min_n_informative, sr=sr, min_errors=364, delta=0.0)
        v = c.value
        logs = [math.log10(n) for n in v.n]
        top = max(v.upper[0], 2 * sr)
        ax = self.plain_axes([logs[0], logs[-1], 1], [0, top, top / 4], x_length=5.6, y_length=2.6)
        ax.move_to(self.hist[0])
        upper = self.curve(ax, logs, v.upper)
        keep = [(x, y) for x, y in zip(logs, v.lower) if y >= 0]
        lower = self.curve(ax, [math.log10(cross.value)] + [x for x, _ in keep], [0.0] + [y for _, y in keep],
                           color=self.theme.accent)
        sr_line = DashedLine(ax.c2p(logs[0], sr), ax.c2p(logs[-1], sr), color=self.theme.muted, dash_length=0.1)
        ticks = VGroup()
        for i in range(0, len(v.n), 15):
            t = self.math(c.show(lambda n, i=i: f"10^{{{round(math.log10(n[i]))}}}", "n"), size="small")
            ticks.add(t.next_to(ax.c2p(logs[i], 0), DOWN, buff=0.15))
        x_label = self.text("training facts N", size="small", color=self.theme.muted).next_to(ticks, DOWN, buff=0.1)
        up_label = self.text("upper bound", size="small").next_to(ax.c2p(logs[4], v.upper[4]), RIGHT, buff=0.15)
        lo_label = self.text("lower bound", size="small", color=self.theme.accent)
        lo_label.next_to(ax.c2p(logs[-1], v.lower[-1]), DOWN, buff=0.2).align_to(ax.c2p(logs[-1], 0), RIGHT)
        here = Dot(ax.c2p(math.log10(self.summary.value.n_samples), self.summary.value.err), color=self.theme.ink,
                   radius=0.07)
        title = self.text(f"bounds at sr = {c.show('{:.3f}', 'sr')} as N grows", size="small", color=self.theme.muted)
        title.move_to(self.hist[-1], aligned_edge=LEFT)
        self.plot = VGroup(ax, upper, lower, sr_line, ticks, x_label, up_label, lo_label, here, title)
        return Step((FadeOut(self.hist), Create(ax), Create(upper), Create(lower), FadeIn(sr_line), FadeIn(ticks),
                     FadeIn(x_label), FadeIn(up_label), FadeIn(lo_label), FadeIn(here), FadeIn(title)), seconds=2.0)

    def step_illustration(self) -> list:
        q = self.quote_at_top(self.exhibit.quotes[1], size="small", width=self.safe_width)
        return [FadeOut(self.top_quote), FadeIn(q, shift=0.1 * DOWN)]


@register_scene
class PoorModelTrigram(PaperScene):
    """Theorem 3 and Corollary 2 (§3.3.2): a trigram model sees "out of" in both prompts, so it
    cannot tell her mind from his mind: opt(G) = 1/2, hence err ≥ 1/2."""

    PARAMS = {"grid": 101}

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        return _need_quotes(exhibit, 2, "the trigram remark, then Corollary 2")

    def build(self) -> None:
        super().build()
        self.theorem = self.math(r"\mathrm{err} \;\ge\; 2\left(1-\frac{1}{C}\right)\cdot\mathrm{opt}(\mathcal G)")
        self.theorem.next_to(self.head, DOWN, buff=0.3).set_x(0)
        self.brute = self.compute("trigram_opt", F.trigram_opt_by_brute_force, grid=self.param("grid"))

    def step_theorem(self) -> Step:
        q = self.quote_card(self.exhibit.quotes[0], size="small", width=self.safe_width)
        self.remark = q.next_to(self.theorem, DOWN, buff=0.3).set_x(0)
        return Step((Write(self.theorem), FadeIn(q)), seconds=1.5)

    def step_prompts(self) -> Step:
        b = self.brute
        prompts, arrows, answers = VGroup(), VGroup(), VGroup()
        for c in range(2):  # pairs are (c1, r1), (c1, r2), (c2, r1), (c2, r2): c's answer is r_c
            prompts.add(self.line_text(b.show(lambda v, c=c: v[2 * c][0], "pairs"), t2c={"out of": self.theme.accent}))
            arrows.add(self.line_text("→", color=self.theme.muted))
            answers.add(self.line_text(b.show(lambda v, c=c: v[3 * c][1], "pairs")))
        prompts.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        for prompt, arrow, answer in zip(prompts, arrows, answers):
            arrow.next_to(prompt, RIGHT, buff=0.3).set_x(prompts.get_right()[0] + 0.3 + arrow.width / 2)
            answer.next_to(arrow, RIGHT, buff=0.3)
        rows = VGroup(prompts, arrows, answers).next_to(self.remark, DOWN, buff=0.45).set_x(0)
        note = self.text("A trigram model sees only the last two words, “out of”, in both.", size="small",
                         color=self.theme.muted)
        note.next_to(rows, DOWN, buff=0.3)
        self.prompts, self.prompt_note = rows, note
        return Step((FadeIn(rows, shift=0.1 * UP), FadeIn(note)), seconds=1.5)

    def step_opt(self) -> Step:
        b = self.brute
        factor = self.compute("multiple_choice_factor", F.multiple_choice_factor, n_choices=2)
        floor = self.compute("theorem3_bound", F.theorem3_bound, n_choices=2, opt_g=b.value.opt)
        rows = VGroup(
            self.text(f"Best of {b.show('{}', 'n_models')} × {b.show('{}', 'n_thresholds')} trigram models and "
                      f"thresholds: opt(G) = {b.show('{:.2f}', 'opt')}", size="small"),
            self.text(f"Two choices per prompt: 2(1 − 1/C) = {factor.show('{:.2f}')}", size="small"),
            self.text(f"So every trigram model errs at least {floor.show('{:.0%}')} of the time.", size="body",
                      color=self.theme.accent),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        rows.next_to(self.prompt_note, DOWN, buff=0.4).set_x(0)
        self.opt_rows = rows
        return Step(tuple(FadeIn(r, shift=0.1 * UP) for r in rows), seconds=1.5)

    def step_corollary(self) -> list:
        q = self.quote_card(self.exhibit.quotes[1], size="small", width=self.safe_width).move_to(self.remark)
        return [FadeOut(self.remark), FadeIn(q, shift=0.1 * UP), Circumscribe(self.opt_rows[-1], color=self.theme.accent)]


@register_scene
class BinaryGrading(PaperScene):
    """Observation 1 (§4.1) and Models A and B (§1.2): under 0-1 grading, guessing beats IDK."""

    PARAMS = {"share_uncertain": 0.3, "guess_accuracy": 0.25, "n_choices": 4}

    @classmethod
    def check_param(cls, key, value):  # type: ignore[no-untyped-def]
        problem = super().check_param(key, value)
        if problem:
            return problem
        if key in ("share_uncertain", "guess_accuracy") and not 0 <= value <= 1:
            return "must be a probability, between 0 and 1"
        if key == "n_choices" and value < 2:
            return "must be at least 2"
        return None

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        return _need_quotes(exhibit, 2, "Model B outperforming A, then Observation 1's gloss")

    def build(self) -> None:
        super().build()
        self.cmp = self.compute("model_a_vs_b", F.model_a_vs_b, share_uncertain=self.param("share_uncertain"),
                                guess_accuracy=self.param("guess_accuracy"), accuracy_when_certain=1.0)

    def step_models(self) -> Step:
        self.top = self.quote_at_top(self.exhibit.quotes[0], size="small")
        c = self.cmp
        a = self.text("Model A says “I don’t know” when unsure", size="small")
        b = self.text("Model B always guesses when unsure", size="small")
        setup = self.text(f"Both are unsure on {c.show(percent(0), 'share_uncertain')} of the questions; "
                          f"a guess is right {c.show(percent(0), 'guess_accuracy')} of the time.",
                          size="small", color=self.theme.muted)
        self.setup_lines = VGroup(a, b, setup).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        self.setup_lines.next_to(self.top, DOWN, buff=0.35).align_to(self.top, LEFT)
        return Step((FadeIn(self.top), *(FadeIn(m, shift=0.1 * UP) for m in self.setup_lines)), seconds=1.5)

    def step_scores(self) -> Step:
        c = self.cmp
        groups = (("score (0-1 grading)", "score_a", "score_b"), ("wrong answers", "error_rate_a", "error_rate_b"),
                  ("“I don’t know”", "abstention_rate_a", "abstention_rate_b"))
        base_y = -3.05
        scale = 1.9  # scene units for a rate of 1
        chart = VGroup()
        x = -4.6
        for title, a_attr, b_attr in groups:
            pair = VGroup()
            for model, attr, color in (("A", a_attr, self.theme.muted), ("B", b_attr, self.theme.accent)):
                value = getattr(c.value, attr)
                bar = Rectangle(width=0.75, height=max(value * scale, 0.02), stroke_width=0, fill_color=color,
                                fill_opacity=1).move_to([x, base_y, 0], aligned_edge=DOWN)
                number = self.text(c.show(percent(1), attr), size="small").next_to(bar, UP, buff=0.1)
                name = self.text(model, size="small", font=self.theme.fonts.heading, weight="BOLD", color=color)
                name.next_to(bar, DOWN, buff=0.1)
                pair.add(VGroup(bar, number, name))
                x += 1.2
            label = self.line_text(title, size="small", color=self.theme.muted)
            label.move_to([pair.get_center()[0], base_y + scale + 0.3, 0])
            chart.add(VGroup(pair, label))
            x += 1.1
        self.chart = chart.set_x(0)
        return Step(tuple(FadeIn(g, shift=0.1 * UP) for g in chart), seconds=1.5)

    def step_observation(self) -> Step:
        n = self.param("n_choices")
        guess = self.compute("score_of_a_guess", F.expected_score, p_correct=1 / n, penalty=0.0)
        idk = self.compute("score_of_idk", F.expected_score, p_correct=1 / n, penalty=0.0, abstain=True)
        line = self.text(f"A guess among {n} choices expects {guess.show('{:.2f}')} points; “I don’t know”, "
                         f"{idk.show('{:g}')}.", size="body", color=self.theme.accent)
        q = self.quote_at_top(self.exhibit.quotes[1], size="small")
        line.next_to(q, DOWN, buff=0.35).align_to(q, LEFT)
        return Step((FadeOut(self.top), FadeOut(self.setup_lines), FadeIn(q), FadeIn(line)), seconds=1.5)


@register_scene
class BenchmarksTable(PaperScene):
    """Table 2 (§4.1): how ten popular benchmarks grade, and how few give credit for IDK."""

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        return _need_quotes(exhibit, 1, "the meta-evaluation's finding")

    def step_quote(self) -> list:
        self.top = self.quote_at_top(self.exhibit.quotes[0], size="body")
        return self.fade_in(self.top)

    def step_table(self) -> Step:
        t = self.compute("table2", F.table2)
        self.table2 = t
        self.rows_value = t.value
        rows = [["Benchmark", "Scoring method", "Binary\ngrading", "IDK\ncredit"]]
        for i, _ in enumerate(t.value):
            rows.append([t.show(lambda v, i=i: v[i].name), t.show(lambda v, i=i: v[i].scoring_method),
                         t.show(lambda v, i=i: "Yes" if v[i].binary_grading else "No"),
                         t.show(lambda v, i=i: v[i].idk_credit)])
        self.grid = self.table(rows, size="small", row_buff=0.07, col_buff=0.45, col_alignments="llcc")
        self.grid.next_to(self.head, DOWN, buff=0.25).set_x(0)
        return Step((FadeOut(self.top), FadeIn(self.grid, shift=0.1 * UP)), seconds=1.5)

    def _mark(self, column: int, wanted: Any, line: Any) -> Step:
        """Colour the column's cells that count, frame the column, and state the count under the table.
        The colour changes at once (animating 20-odd text cells costs more than it shows)."""
        n = len(self.rows_value)
        for i, b in enumerate(self.rows_value):
            if wanted(b):
                self.grid[4 * (i + 1) + column].set_color(self.theme.accent)
        frame = SurroundingRectangle(VGroup(*(self.grid[4 * (i + 1) + column] for i in range(n))), buff=0.08,
                                     corner_radius=0.08, color=self.theme.accent, stroke_width=2)
        return Step((Create(frame), FadeIn(line)), seconds=1.5)

    def step_binary(self) -> Step:
        n = self.compute("count_binary_graded", F.count_binary_graded)
        line = self.text(f"{n.show('{}')} of {self.table2.show(lambda v: str(len(v)))} grade an answer only right "
                         "or wrong", size="small", color=self.theme.accent)
        self.line1 = line.next_to(self.grid, DOWN, buff=0.3).align_to(self.grid, LEFT)
        return self._mark(2, lambda b: b.binary_grading, line)

    def step_idk(self) -> Step:
        n = self.compute("count_no_idk_credit", F.count_no_idk_credit)
        line = self.text(f"{n.show('{}')} of {self.table2.show(lambda v: str(len(v)))} give no credit for "
                         "“I don’t know”", size="small", color=self.theme.accent)
        line.next_to(self.line1, DOWN, buff=0.15).align_to(self.line1, LEFT)
        return self._mark(3, lambda b: b.idk_credit == "None", line)


@register_scene
class ConfidenceTargets(PaperScene):
    """§4.2: penalty t/(1 − t) and the expected score of answering, (p − t)/(1 − t)."""

    PARAMS = {"targets": [0.0, 0.5, 0.75, 0.9], "confidence": 0.8}

    @classmethod
    def check_param(cls, key, value):  # type: ignore[no-untyped-def]
        problem = super().check_param(key, value)
        if problem:
            return problem
        if key == "targets" and not all(isinstance(t, (int, float)) and 0 <= t < 1 for t in value):
            return "every target t must be a number with 0 ≤ t < 1 (the penalty t/(1 − t) is infinite at 1)"
        if key == "confidence" and not 0 <= value <= 1:
            return "must be a probability, between 0 and 1"
        return None

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        return _need_quotes(exhibit, 1, "the confidence-target instruction")

    def build(self) -> None:
        super().build()
        self.quote = self.quote_at_top(self.exhibit.quotes[0], size="small")

    def step_rule(self) -> list:
        self._quote_index = 1
        return self.fade_in(self.quote)

    def step_table(self) -> Step:
        p = self.param("confidence")
        rows = [["target t", "penalty t/(1 − t)", f"score of answering at p = {p:g}"]]
        for t in self.param("targets"):
            pen = self.compute(f"penalty_t{t:g}", F.confidence_penalty, t=t)
            score = self.compute(f"score_p{p:g}_t{t:g}", F.expected_score_of_answering, p=p, t=t)
            rows.append([f"{t:g}", pen.show("{:g}"), score.show(signed("+.2f"))])
        self.grid = self.table(rows, size="body", row_buff=0.12, col_buff=0.6)
        self.grid.next_to(self.quote, DOWN, buff=0.45).set_x(0)
        return Step((FadeIn(self.grid, shift=0.1 * UP),), seconds=1.5)

    def step_erratum(self) -> list:
        targets = self.param("targets")
        if 0.75 not in targets:
            return []
        row = 1 + targets.index(0.75)
        cell = self.grid[row * 3 + 1]
        pen = self.compute("penalty_at_0.75", F.confidence_penalty, t=0.75)
        note = self.text(f"The paper prints “penalty 2” for t = 0.75; t/(1 − t) gives {pen.show('{:g}')}.",
                         size="small", color=self.theme.accent)
        note.next_to(self.grid, DOWN, buff=0.35)
        self.erratum = note
        return [Indicate(cell, color=self.theme.accent), FadeIn(note)]

    def step_break_even(self) -> list:
        line = self.text("Answering pays only when confidence p is above t (break-even at p = t).",
                         size="small", color=self.theme.muted)
        line.next_to(getattr(self, "erratum", self.grid), DOWN, buff=0.25)
        return self.fade_in(line)


@register_scene
class SimpleQARescored(PaperScene):
    """The companion blog post's SimpleQA numbers (cited as such), re-scored with §4.2's rule."""

    PARAMS = {"models": ["gpt-5-thinking-mini", "OpenAI o4-mini"], "targets": [0.0, 0.5, 0.75, 0.9], "source": ""}

    @classmethod
    def check_param(cls, key, value):  # type: ignore[no-untyped-def]
        problem = super().check_param(key, value)
        if problem:
            return problem
        if key == "models":
            known = [r.model for r in F.SIMPLEQA]
            if sorted(value) != sorted(known):
                return f"must name the blog post's two models, {known}"
        if key == "targets" and not all(isinstance(t, (int, float)) and 0 <= t < 1 for t in value):
            return "every target t must be a number with 0 ≤ t < 1"
        return None

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        if not exhibit.params.get("source", "").strip():
            return "params.source must cite the blog post the SimpleQA numbers come from"
        return _need_quotes(exhibit, 1, "one of the paper's words on binary grading")

    def step_quote(self) -> list:
        self.top = self.quote_at_top(self.exhibit.quotes[0], size="body")
        return self.fade_in(self.top)

    def step_table(self) -> Step:
        models = self.param("models")
        results = [self.compute(f"simpleqa_{i + 1}", F.simpleqa_result, model=m) for i, m in enumerate(models)]
        rows = [["SimpleQA", *models]]
        for label, attr in (("abstains", "abstention_pct"), ("right", "accuracy_pct"), ("wrong", "error_pct")):
            rows.append([label, *(r.show("{}%", attr) for r in results)])
        self.rows = rows
        self.grid = self.table(rows, size="small", row_buff=0.13, col_buff=0.9)
        self.grid.next_to(self.head, DOWN, buff=0.4).set_x(0)
        self.source = self.wrapped(f"({self.param('source')})", size="small", color=self.theme.muted)
        self.source.to_edge(DOWN, buff=0.45).set_x(0)
        return Step((FadeOut(self.top), FadeIn(self.grid, shift=0.1 * UP), FadeIn(self.source)), seconds=1.5)

    def step_rescore(self) -> Step:
        models = self.param("models")
        rows = [[f"score at t = {t:g}", *(self.compute(f"rescored_{j + 1}_t{t:g}", F.simpleqa_rescored, model=m, t=t)
                                          for j, m in enumerate(models))]
                for t in self.param("targets")]
        best = {(len(self.rows) + i, 1 + max(range(len(models)), key=lambda j: r[1 + j].value)) for i, r in enumerate(rows)}
        shown = [[r[0], *(c.show(signed("+.0f")) for c in r[1:])] for r in rows]
        grid = self.table(self.rows + shown, size="small", row_buff=0.13, col_buff=0.9, highlight=best)
        grid.move_to(self.grid, aligned_edge=UP)
        # The published rows slide into the wider table; a rule separates them from our re-scoring.
        n_old = len(self.rows) * len(self.rows[0])
        y = (grid[n_old - 1].get_bottom()[1] + grid[n_old].get_top()[1]) / 2
        rule = Line([grid.get_left()[0], y, 0], [grid.get_right()[0], y, 0], color=self.theme.muted, stroke_width=1.5)
        old, self.grid = self.grid, grid
        return Step((ReplacementTransform(old, VGroup(*grid[:n_old])), *(FadeIn(c) for c in grid[n_old:]),
                     Create(rule)), seconds=1.5)

    def step_flip(self) -> list:
        flip = self.compute("flip_threshold", F.simpleqa_flip_threshold)
        a, b = self.param("models")
        line = self.text(f"{b} ranks first only while t < {flip.show('{:.3f}')}", size="body", color=self.theme.accent)
        line.next_to(self.source, UP, buff=0.3)
        return self.fade_in(line)


@register_scene
class Takeaways(PaperScene):
    """§6: the argument in three lines, then the paper's own conclusions."""

    PARAMS = {"points": [""]}

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        points = exhibit.params.get("points", [])
        if not points or not all(isinstance(p, str) and p.strip() for p in points):
            return "params.points needs one or more takeaways, each a non-empty text"
        steps = sum(b.step == "point" for b in exhibit.beats)
        if steps > len(points):
            return f"{steps} beats show a point but params.points has only {len(points)}"
        return _need_quotes(exhibit, 1, "a conclusion of the paper")

    def build(self) -> None:
        super().build()
        self._point = 0
        self.points = VGroup()

    def step_point(self) -> Step:
        text = self.param("points")[self._point]
        self._point += 1
        bullet = Dot(radius=0.07, color=self.theme.accent)
        line = self.wrapped(text, size="body", width=self.safe_width - 1.0)
        item = VGroup(bullet, line).arrange(RIGHT, buff=0.3, aligned_edge=UP)
        bullet.shift(0.14 * DOWN)
        if len(self.points):
            item.next_to(self.points, DOWN, buff=0.35, aligned_edge=LEFT)
        else:
            item.to_edge(UP, buff=config.frame_height / 2 - CONTENT_TOP).to_edge(LEFT, buff=1.0)
        self.points.add(item)
        return Step((FadeIn(item, shift=0.1 * RIGHT),), seconds=1.0)

    def step_quote(self) -> list:
        old = [m for m in self.mobjects if getattr(m, "is_quote", False)]
        card = self.quote_card(self.next_quote(), size="small", width=self.safe_width * 0.97)
        card.to_edge(DOWN, buff=0.5).to_edge(LEFT, buff=1.0)
        card.is_quote = True
        return [*(FadeOut(m) for m in old), FadeIn(card, shift=0.1 * UP)]
