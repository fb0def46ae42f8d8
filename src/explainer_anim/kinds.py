"""Exhibit kinds any explainer can use from YAML alone, with no Python of its own."""

from __future__ import annotations

from manim import DOWN, UP, FadeIn, FadeOut, VGroup, Write

from .scene import ExplainerScene, Step, register_scene


@register_scene
class TitleCard(ExplainerScene):
    """The explainer's title, its authors and the paper's reference."""

    PARAMS = {"subtitle": ""}

    def build(self) -> None:
        meta = self.plan.meta
        title = self.wrapped(meta.title, size="title", font=self.theme.fonts.heading, weight="BOLD")
        authors = self.wrapped(", ".join(meta.authors), size="body")
        ref = self.text(f"arXiv:{meta.paper.arxiv}" + (f" · {meta.paper.year}" if meta.paper.year else ""),
                        size="small", color=self.theme.muted)
        parts = [title, authors, ref]
        if self.param("subtitle"):
            parts.insert(1, self.wrapped(self.param("subtitle"), size="heading", color=self.theme.accent))
        self.card = VGroup(*parts).arrange(DOWN, buff=0.45).move_to(0.3 * UP)
        self.card_parts = parts

    def step_title(self) -> Step:
        return Step((Write(self.card_parts[0]),), seconds=1.5)

    def step_authors(self) -> list:
        return [FadeIn(p, shift=0.2 * UP) for p in self.card_parts[1:]]

    def step_all(self) -> Step:
        return Step(tuple(FadeIn(p, shift=0.2 * UP) for p in self.card_parts), seconds=1.5)

    def step_quote(self) -> list:
        """Make room under the title and show the exhibit's next quote there."""
        quote = self.quote_card(self.next_quote(), size="small").to_edge(DOWN, buff=0.9)
        return [self.card.animate.to_edge(UP, buff=0.9), FadeIn(quote, shift=0.2 * UP)]


@register_scene
class QuoteCard(ExplainerScene):
    """One quote of the paper, large, with its citation; step ``quote`` shows the next quote."""

    def step_quote(self) -> list:
        old = [m for m in self.mobjects if getattr(m, "is_quote", False)]
        card = self.quote_card(self.next_quote()).move_to(0.3 * DOWN)
        card.is_quote = True
        return [*(FadeOut(m) for m in old), FadeIn(card, shift=0.2 * UP)]
