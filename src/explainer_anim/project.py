"""Open a storyboard ready to render: parsed, its scene code imported, every exhibit checked
against its scene. Nothing is rendered until all of this has passed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .content import load_content_package
from .errors import StoryboardError
from .scene import check_exhibit_against_scene
from .storyboard import Storyboard, load_storyboard

DEFAULT_STORYBOARD = Path("scenes/why-llms-hallucinate/storyboard.yaml")


def open_storyboard(path: Path) -> Storyboard:
    storyboard = load_storyboard(path)
    from . import kinds  # noqa: F401  (registers the generic exhibit kinds)

    if (storyboard.folder / "__init__.py").exists():
        try:
            load_content_package(storyboard.folder)
        except SyntaxError as exc:
            raise StoryboardError(None, "", f"{exc.filename}:{exc.lineno}: scene code has a syntax error: {exc.msg}") from None
    for exhibit in storyboard.exhibits:
        check_exhibit_against_scene(storyboard, exhibit)
    return storyboard


def code_fingerprint(storyboard: Storyboard) -> str:
    """A hash of the scene code a clip depends on: the engine's and the content folder's Python."""
    h = hashlib.sha256()
    engine = Path(__file__).parent
    for folder in (engine, storyboard.folder):
        for py in sorted(folder.rglob("*.py")):
            h.update(str(py.relative_to(folder)).encode())
            h.update(py.read_bytes())
    return h.hexdigest()
