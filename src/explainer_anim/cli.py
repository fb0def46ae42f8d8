"""The ``explainer-anim`` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_USER_ERROR, UserError
from .project import DEFAULT_STORYBOARD
from .quality import DEFAULT_QUALITY, QUALITIES

storyboard_option = click.option(
    "--storyboard", "-s", "storyboard", type=click.Path(path_type=Path), default=DEFAULT_STORYBOARD,
    show_default=True, help="The storyboard YAML file.")


def _fail(exc: UserError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(EXIT_USER_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="explainer-anim")
def main() -> None:
    """Turn a research paper's storyboard into a narrated, animated explainer video."""


@main.command()
@click.argument("exhibits", nargs=-1, required=True, metavar="all | ID...")
@storyboard_option
@click.option("--quality", "-q", type=click.Choice(list(QUALITIES)), default=DEFAULT_QUALITY, show_default=True,
              help="preview 854x480@15, hd 1920x1080@30, production 1920x1080@60.")
@click.option("--voice", metavar="ENGINE[:VOICE]", help="Use this voice for this run (e.g. espeak-ng for a quick draft).")
@click.option("--out", "out_root", type=click.Path(path_type=Path), default=Path("renders"), show_default=True,
              help="Output folder.")
def render(exhibits: tuple[str, ...], storyboard: Path, quality: str, voice: str | None, out_root: Path) -> None:
    """Render the whole video (``all``) or just the named exhibits' clips.

    Narration is synthesized first; its length times every beat. Outputs go to
    OUT/<explainer>/: <explainer>.mp4 and clips/<exhibit>.mp4 with <exhibit>.values.json.
    """
    from .pipeline import RenderRequest
    from .pipeline import render as run
    from .quality import quality as get_quality

    ids = None if exhibits == ("all",) else tuple(exhibits)
    if ids is not None and "all" in ids:
        _fail(UserError("'all' renders everything; give it alone, or list exhibit ids"))
    try:
        result = run(RenderRequest(storyboard, get_quality(quality), ids, voice, out_root))
    except UserError as exc:
        _fail(exc)
        return
    if result.master:
        click.echo(f"wrote {result.master} ({result.duration_seconds:.1f}s)")
    for clip in result.clips:
        click.echo(f"wrote {clip}")


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path), default=DEFAULT_STORYBOARD)
def validate(path: Path) -> None:
    """Check a storyboard (default: the shipped one) without rendering anything."""
    from .project import open_storyboard

    try:
        sb = open_storyboard(path)
    except UserError as exc:
        _fail(exc)
        return
    for w in sb.warnings:
        click.echo(w, err=True)
    beats = sum(len(e.beats) for e in sb.exhibits)
    quotes = sum(len(e.quotes) for e in sb.exhibits)
    click.echo(f"{path}: ok — {len(sb.exhibits)} exhibits, {beats} beats, {quotes} quotes")


@main.command("list")
@storyboard_option
def list_exhibits(storyboard: Path) -> None:
    """List the storyboard's exhibits in order: id, scene and title."""
    from .project import open_storyboard

    try:
        sb = open_storyboard(storyboard)
    except UserError as exc:
        _fail(exc)
        return
    width = max(len(e.id) for e in sb.exhibits)
    for e in sb.exhibits:
        click.echo(f"{e.id:<{width}}  {e.scene:<22} {e.title}  ({len(e.beats)} beats)")
