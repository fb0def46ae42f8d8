"""Where Manim keeps the SVGs of Text and TeX between runs."""

from __future__ import annotations

import os
from pathlib import Path


def glyph_cache() -> dict[str, str]:
    """Manim settings that keep its Text and TeX SVGs across runs (Manim names each file by a
    hash of its source and style, so a hit is the same drawing). For single-process callers
    only: two processes compiling the same TeX file at once would overwrite each other."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "explainer-anim" / "manim"
    return {"tex_dir": str(root / "Tex"), "text_dir": str(root / "texts")}
