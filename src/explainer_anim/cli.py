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
assets_option = click.option(
    "--assets", type=click.Path(path_type=Path), default=Path("assets"), show_default=True,
    help="Recorded takes in ASSETS/narration/<explainer>/ replace the voice for their beats.")
source_option = click.option(
    "--source", type=click.Path(path_type=Path), default=None,
    help="Check quotes against this file (default: explainer.source's file in assets/sources/, "
         "then ../shared/sources/).")


def _fail(exc: UserError | OSError) -> None:
    if isinstance(exc, OSError):
        # The machine refused a file (read-only folder, a file where a folder should be, disk
        # full): the user can fix that, so it is said in one line, not a traceback.
        where = f" {exc.filename}" if exc.filename else ""
        exc = UserError(f"cannot write{where}: {exc.strerror or exc}")
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
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Clips rendered at once (default: one per core).")
@click.option("--burn-captions", is_flag=True,
              help="Also write <explainer>.burned.mp4 with the captions drawn into the frames.")
@source_option
@click.option("--allow-unverified", is_flag=True,
              help="Render quotes that are not verbatim in the source, marked unverified.")
@assets_option
def render(exhibits: tuple[str, ...], storyboard: Path, quality: str, voice: str | None, out_root: Path,
           jobs: int | None, burn_captions: bool, source: Path | None, allow_unverified: bool, assets: Path) -> None:
    """Render the whole video (``all``) or just the named exhibits' clips.

    Narration is synthesized first; its length times every beat. Outputs go to
    OUT/<explainer>/: <explainer>.mp4 (with a caption track) and its .srt, .vtt and
    .loudness.json; clips/<exhibit>.mp4 with <exhibit>.vtt and <exhibit>.values.json.
    """
    from .pipeline import RenderRequest
    from .pipeline import render as run
    from .quality import quality as get_quality

    ids = None if exhibits == ("all",) else tuple(exhibits)
    if ids is not None and "all" in ids:
        _fail(UserError("'all' renders everything; give it alone, or list exhibit ids"))
    try:
        result = run(RenderRequest(storyboard, get_quality(quality), ids, voice, out_root, jobs=jobs,
                                   burn_captions=burn_captions, source=source, allow_unverified=allow_unverified,
                                   assets=assets))
    except (UserError, OSError) as exc:
        _fail(exc)
        return
    if result.master:
        click.echo(f"wrote {result.master} ({result.duration_seconds:.1f}s)")
    if result.loudness:
        mp4 = result.loudness.encoded
        click.echo(f"loudness {mp4.integrated_lufs:.1f} LUFS, true peak {mp4.true_peak_dbtp:.1f} dBTP "
                   f"(target {result.loudness.target_lufs:g} LUFS, ceiling {result.loudness.ceiling_dbtp:g} dBTP)")
    if result.burned:
        click.echo(f"wrote {result.burned}")
    for clip in result.clips:
        click.echo(f"wrote {clip}")
    if result.web:
        click.echo(f"wrote {result.web} (web kit)")


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@storyboard_option
def validate(path: Path | None, storyboard: Path) -> None:
    """Check a storyboard's format, scenes, steps and params without rendering anything
    (PATH or --storyboard; default: the shipped one). `quotes check` checks its quotes."""
    from .project import open_storyboard

    path = path or storyboard
    try:
        sb = open_storyboard(path)
    except (UserError, OSError) as exc:
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
    except (UserError, OSError) as exc:
        _fail(exc)
        return
    width = max(len(e.id) for e in sb.exhibits)
    for e in sb.exhibits:
        click.echo(f"{e.id:<{width}}  {e.scene:<22} {e.title}  ({len(e.beats)} beats)")


@main.group()
def quotes() -> None:
    """The storyboard's quotes, checked against the paper."""


@quotes.command("check")
@storyboard_option
@source_option
def quotes_check(storyboard: Path, source: Path | None) -> None:
    """Check every quote: verbatim in the source, on its cited page and section, drawable in the
    theme's fonts and short enough for the frame. Exit 2 if any fails."""
    from .project import open_storyboard
    from .quality import quality as get_quality
    from .quote_gate import verify_quotes
    from .screen_check import quote_problems

    try:
        sb = open_storyboard(storyboard)
        report = verify_quotes(sb, sb.exhibits, source)
        if report.source is None:
            raise UserError(f"cannot check the quotes: {report.why_unverified}")
        problems = [v.message() for v in report.failures]
        problems += quote_problems(sb, sb.exhibits, get_quality(DEFAULT_QUALITY))
    except (UserError, OSError) as exc:
        _fail(exc)
        return
    for p in problems:
        click.echo(p, err=True)
    if problems:
        click.echo(f"error: {len(problems)} problem{'s' if len(problems) > 1 else ''} with quotes; "
                   f"{report.summary()}", err=True)
        sys.exit(EXIT_USER_ERROR)
    click.echo(f"{storyboard}: {report.summary()}")


@main.group()
def source() -> None:
    """The source document the quotes are checked against."""


@source.command("fetch")
@storyboard_option
def source_fetch(storyboard: Path) -> None:
    """Download explainer.source.url into assets/sources/<filename>, checking its SHA-256."""
    from .sources import fetch_source
    from .storyboard import load_storyboard

    try:
        sb = load_storyboard(storyboard)
        fetched = fetch_source(sb)
    except (UserError, OSError) as exc:
        _fail(exc)
        return
    if not fetched.downloaded:
        click.echo(f"{fetched.path}: already there, SHA-256 {fetched.sha256} as the storyboard names")
    elif sb.meta.source is not None and sb.meta.source.sha256:
        click.echo(f"wrote {fetched.path} (SHA-256 {fetched.sha256}, as the storyboard names)")
    else:
        click.echo(f"wrote {fetched.path} (SHA-256 {fetched.sha256}); the storyboard names no SHA-256: "
                   "add it as explainer.source.sha256 to pin this version")


@main.command()
@storyboard_option
@click.option("--voice", metavar="ENGINE[:VOICE]", help="Use this voice for this run: piper, espeak-ng, festival, recorded[:FOLDER].")
@click.option("--out", "out_root", type=click.Path(path_type=Path), default=Path("renders"), show_default=True,
              help="Output folder.")
@click.option("--quality", "-q", type=click.Choice(list(QUALITIES)), default=DEFAULT_QUALITY, show_default=True,
              help="Time beats at this quality's frame rate, as render would.")
@assets_option
@click.option("--lint", is_flag=True, help="Only list words the voice will likely misread (exit 1 if any).")
def narrate(storyboard: Path, voice: str | None, out_root: Path, quality: str, assets: Path, lint: bool) -> None:
    """Narration only, fast: OUT/<explainer>/narration-preview.m4a (the whole video's sound,
    timed as render times it) and narration-timing.csv (exhibit, beat, start, duration, words
    per minute); no frame is rendered."""
    from .draft import draft, lint as lint_storyboard, table_text
    from .pipeline import RenderRequest
    from .project import open_storyboard
    from .quality import quality as get_quality

    try:
        if lint:
            problems = lint_storyboard(open_storyboard(storyboard))
            for line in problems:
                click.echo(line)
            click.echo(f"{storyboard}: {len(problems)} word{'' if len(problems) == 1 else 's'} the voice may misread",
                       err=True)
            sys.exit(1 if problems else 0)
        result = draft(RenderRequest(storyboard, get_quality(quality), voice=voice, out_root=out_root, assets=assets))
    except (UserError, OSError) as exc:
        _fail(exc)
        return
    click.echo(table_text(result.rows))
    click.echo(f"wrote {result.preview} ({result.duration_seconds:.1f}s)")
    click.echo(f"wrote {result.table}")
