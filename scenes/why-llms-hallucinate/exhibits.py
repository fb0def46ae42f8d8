"""Exhibits of "Why Language Models Hallucinate" that need more than the generic kinds.

Every number drawn here is a call of a function in ``formulas`` made through ``self.compute``,
so it is recorded in the exhibit's values.json with its inputs.
"""

from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Circumscribe, Create, FadeIn, FadeOut, Indicate,
                   SurroundingRectangle, VGroup, Write)

from explainer_anim.scene import ExplainerScene, Step, register_scene

from . import formulas as F


def percent(digits: int):  # type: ignore[no-untyped-def]
    return lambda v: f"{100 * v:.{digits}f}%"


@register_scene
class BirthdayPrompt(ExplainerScene):
    """§1: the birthday prompt, three confident wrong answers, and the odds of a blind guess."""

    PARAMS = {"answers": ["03-07", "15-06", "01-01"], "days": 365}

    def build(self) -> None:
        super().build()
        self.prompt = self.quote_card(self.exhibit.quotes[0]).to_edge(UP, buff=1.45)

    @classmethod
    def check_exhibit(cls, exhibit):  # type: ignore[no-untyped-def]
        return None if exhibit.quotes else "needs the prompt as its first quote"

    def step_prompt(self) -> list:
        self._quote_index = 1
        return self.fade_in(self.prompt)

    def step_answers(self) -> Step:
        boxes = VGroup()
        for i, a in enumerate(self.param("answers"), 1):
            label = self.text(f"attempt {i}", size="small", color=self.theme.muted)
            value = self.text(f"“{a}”", size="heading", font=self.theme.fonts.mono, color=self.theme.accent)
            boxes.add(VGroup(label, value).arrange(DOWN, buff=0.15))
        boxes.arrange(RIGHT, buff=1.4).next_to(self.prompt, DOWN, buff=0.7)
        self.answers = boxes
        return Step(tuple(FadeIn(b, shift=0.2 * DOWN) for b in boxes), seconds=1.5)

    def step_chance(self) -> list:
        days = self.param("days")
        chance = self.compute("blind_guess_chance", F.blind_guess_chance, n_days=days)
        errors = self.compute("birthday_error_count", F.birthday_error_count, n_days=days)
        line1 = self.text(f"A blind guess is right with probability 1/{days} = {chance.show(percent(2))}",
                          size="body")
        line2 = self.text(f"and wrong {errors.show('{}')} times out of {days}.", size="body", color=self.theme.muted)
        self.chance = VGroup(line1, line2).arrange(DOWN, buff=0.2).next_to(self.answers, DOWN, buff=0.6)
        return self.fade_in(self.chance)

    def step_autumn(self) -> list:
        q = self.quote_card(self.next_quote(), size="small").to_edge(DOWN, buff=0.55)
        return self.fade_in(q)


@register_scene
class IsItValidReduction(ExplainerScene):
    """Corollary 1 (§3.1) on a small finite example computed from the definitions."""

    def build(self) -> None:
        super().build()
        self.bound = self.math(r"\mathrm{err} \;\ge\; 2\cdot\mathrm{err}_{\mathrm{iiv}}"
                               r" - \frac{|\mathcal V|}{|\mathcal E|} - \delta").to_edge(UP, buff=1.35)

    def step_bound(self) -> Step:
        return Step((Write(self.bound),), seconds=1.5)

    def step_example(self) -> Step:
        m = self.compute("small_iiv_example", F.small_iiv_example)
        self.model = m
        ex = m.value
        rows = [["x", "valid?", "p(x)", "p̂(x)", "D(x)"]]
        for i, label in enumerate(ex.labels):
            rows.append([label, "✓" if ex.is_valid[i] else "✗",
                         m.show(lambda v, i=i: f"{v[i]:.2f}", "p"), m.show(lambda v, i=i: f"{v[i]:.2f}", "p_hat"),
                         m.show(lambda v, i=i: f"{v[i]:.3f}", "D")])
        accepted = {(i + 1, 0) for i, pos in enumerate(ex.f_hat_positive) if pos}
        self.grid = self.table(rows, size="small", row_buff=0.12, col_buff=0.5, highlight=accepted)
        self.grid.to_edge(LEFT, buff=1.0).to_edge(DOWN, buff=0.5)
        note = self.text(f"threshold 1/|E| = 1/{m.show('{}', 'n_errors')}: f̂ says + for p̂(x) above it "
                         "(orange)", size="small", color=self.theme.muted)
        self.example = ex
        self.note = note.next_to(self.bound, DOWN, buff=0.3)
        return Step((FadeIn(self.grid), FadeIn(self.note)), seconds=1.5)

    def step_values(self) -> Step:
        m, ex = self.model, self.example
        rows = VGroup(
            self.text(f"err = p̂(E) = {m.show('{:.3f}', 'err')}"),
            self.text(f"errᵢᵢᵥ = {m.show('{:.3f}', 'err_iiv')}"),
            self.text(f"δ = |p̂(A) − p(A)| = {m.show('{:.3f}', 'delta')}"),
            self.text(f"|V|/|E| = {m.show('{}', 'n_valid')}/{m.show('{}', 'n_errors')}"),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        rows.next_to(self.grid, RIGHT, buff=1.0).align_to(self.grid, UP)
        self.values_block = rows
        return Step(tuple(FadeIn(r, shift=0.1 * RIGHT) for r in rows), seconds=1.5)

    def step_verdict(self) -> list:
        ex = self.example
        bound = self.compute("corollary1_bound", F.corollary1_bound, err_iiv=ex.err_iiv,
                             n_valid=ex.n_valid, n_errors=ex.n_errors, delta=ex.delta)
        line = self.text(f"bound = {bound.show('{:.3f}')}  ≤  err = {self.model.show('{:.3f}', 'err')}",
                         color=self.theme.accent)
        line.next_to(self.values_block, DOWN, buff=0.45).align_to(self.values_block, LEFT)
        self.verdict = line
        return [FadeIn(line), Circumscribe(line, color=self.theme.accent)]

    def step_quote(self) -> list:
        q = self.quote_card(self.next_quote(), size="small").move_to(self.note)
        return [FadeOut(self.note), FadeIn(q, shift=0.2 * UP)]


@register_scene
class ConfidenceTargets(ExplainerScene):
    """§4.2: penalty t/(1 − t) and the expected score of answering, (p − t)/(1 − t)."""

    PARAMS = {"targets": [0.0, 0.5, 0.75, 0.9], "confidence": 0.8}

    def build(self) -> None:
        super().build()
        self.quote = self.quote_card(self.exhibit.quotes[0], size="small").to_edge(UP, buff=1.5)

    def step_rule(self) -> list:
        self._quote_index = 1
        return self.fade_in(self.quote)

    def step_table(self) -> Step:
        p = self.param("confidence")
        rows = [["target t", "penalty t/(1−t)", f"score of answering at p = {p:g}"]]
        for t in self.param("targets"):
            pen = self.compute(f"penalty_t{t:g}", F.confidence_penalty, t=t)
            score = self.compute(f"score_p{p:g}_t{t:g}", F.expected_score_of_answering, p=p, t=t)
            rows.append([f"{t:g}", pen.show("{:g}"), score.show("{:+.2f}")])
        self.grid = self.table(rows, size="body", row_buff=0.12)
        self.grid.next_to(self.quote, DOWN, buff=0.45)
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
