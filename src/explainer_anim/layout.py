"""The legibility check run at the end of every beat: text inside the safe margin, no two
text or formula boxes overlapping, text large enough, and enough contrast with the paper."""

from __future__ import annotations

from dataclasses import dataclass

from manim import Mobject, SingleStringMathTex, Text, VMobject, config
from manim.utils.color import ManimColor

SAFE_MARGIN = 0.05
MIN_TEXT_FRACTION = 1 / 28  # of the frame height, for one line of text
MIN_CONTRAST = 4.5  # WCAG AA for body text
LINE_HEIGHT_PER_POINT = 0.0139  # scene units per font point, one line of Noto (measured)
OVERLAP_TOLERANCE = 0.02  # scene units: glyph boxes that merely touch are not overlapping


@dataclass(frozen=True)
class LayoutProblem:
    beat: int
    kind: str  # "outside", "overlap", "small", "contrast"
    what: str

    def __str__(self) -> str:
        return f"beat {self.beat}: {self.kind}: {self.what}"


def _label(m: Mobject) -> str:
    if isinstance(m, Text):
        s = m.original_text.replace("\n", " ")
    elif isinstance(m, SingleStringMathTex):
        s = m.get_tex_string()
    else:
        s = type(m).__name__
    return repr(s[:40] + ("…" if len(s) > 40 else ""))


def text_blocks(mobjects: list[Mobject]) -> list[VMobject]:
    """The visible Text and MathTex objects on screen (the units a reader sees as blocks)."""
    out: list[VMobject] = []
    for top in mobjects:
        for m in top.get_family():
            if isinstance(m, (Text, SingleStringMathTex)) and m not in out:
                if max(m.get_fill_opacity(), m.get_stroke_opacity()) > 0.05 and m.width > 0:
                    out.append(m)
    return out


def relative_luminance(color: str) -> float:
    rgb = ManimColor(color).to_rgb()

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(float(c)) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _line_height(m: VMobject) -> float:
    if isinstance(m, Text):
        return m.font_size * LINE_HEIGHT_PER_POINT
    # A formula's size is its text's: MathTex font_size 1 ~ Text font_size 1/1.3 in height.
    return m.font_size / 1.3 * LINE_HEIGHT_PER_POINT


def check_layout(mobjects: list[Mobject], background: str, beat: int) -> list[LayoutProblem]:
    problems: list[LayoutProblem] = []
    w, h = config.frame_width, config.frame_height
    x0, x1 = -w / 2 + w * SAFE_MARGIN, w / 2 - w * SAFE_MARGIN
    y0, y1 = -h / 2 + h * SAFE_MARGIN, h / 2 - h * SAFE_MARGIN
    blocks = text_blocks(mobjects)
    boxes = []
    for m in blocks:
        left, bottom = m.get_corner([-1, -1, 0])[:2]
        right, top = m.get_corner([1, 1, 0])[:2]
        boxes.append((left, bottom, right, top))
        if left < x0 - 1e-6 or right > x1 + 1e-6 or bottom < y0 - 1e-6 or top > y1 + 1e-6:
            problems.append(LayoutProblem(beat, "outside", f"{_label(m)} leaves the 5% safe margin"))
        size = _line_height(m) / h
        if size < MIN_TEXT_FRACTION - 1e-9:
            problems.append(LayoutProblem(beat, "small", f"{_label(m)} is 1/{1 / size:.0f} of the frame height "
                                          f"(at least 1/{1 / MIN_TEXT_FRACTION:.0f})"))
        color = m.get_fill_color() if m.get_fill_opacity() > 0 else m.get_stroke_color()
        ratio = contrast_ratio(color.to_hex(), background)
        if ratio < MIN_CONTRAST:
            problems.append(LayoutProblem(beat, "contrast", f"{_label(m)} has contrast {ratio:.1f}:1 (at least {MIN_CONTRAST}:1)"))
    for i in range(len(blocks)):
        for j in range(i + 1, len(blocks)):
            a, b = boxes[i], boxes[j]
            if (min(a[2], b[2]) - max(a[0], b[0]) > OVERLAP_TOLERANCE
                    and min(a[3], b[3]) - max(a[1], b[1]) > OVERLAP_TOLERANCE):
                problems.append(LayoutProblem(beat, "overlap", f"{_label(blocks[i])} overlaps {_label(blocks[j])}"))
    return problems
