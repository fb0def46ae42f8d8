"""Storyboard format, version 1: a YAML file validated into typed, frozen objects.

Every error names file, line, column and the field path (``exhibits[3].beats[0].narration``).
The format is documented in docs/storyboard.md; keep the two in step.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import Location, StoryboardError
from .lexicon import Lexicon, LexiconEntry, find_phrase
from .yamlsource import Located, load_yaml

FORMAT_VERSION = 1
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_STEP = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Paper:
    citation: str
    arxiv: str
    url: str
    year: int | None = None
    title: str | None = None  # the paper's own title, for attributions (default: the explainer's)


@dataclass(frozen=True)
class Source:
    """The document quotes are checked against (issue: verbatim means verified)."""

    title: str
    url: str
    sha256: str | None = None
    filename: str | None = None


@dataclass(frozen=True)
class Meta:
    id: str
    title: str
    authors: tuple[str, ...]
    paper: Paper
    license: str
    summary: str = ""
    source: Source | None = None


@dataclass(frozen=True)
class Fonts:
    body: str = "Noto Serif"
    heading: str = "Noto Sans"
    mono: str = "DejaVu Sans Mono"


@dataclass(frozen=True)
class Theme:
    background: str = "#F4F1EA"
    ink: str = "#1B1B1B"
    accent: str = "#B5451B"
    muted: str = "#5C5A55"
    fonts: Fonts = Fonts()


@dataclass(frozen=True)
class Voice:
    engine: str = "piper"
    voice: str = ""
    speed: float = 1.0


@dataclass(frozen=True)
class Timing:
    """Silence around each beat's narration, in seconds (converted to samples once)."""

    lead_in: float = 0.25
    tail: float = 0.5


@dataclass(frozen=True)
class Audio:
    """What the published narration must measure, after its AAC encode: integrated loudness
    (LUFS, ITU-R BS.1770) and the true-peak ceiling (dBTP) a limiter keeps it under."""

    loudness: float = -16.0
    true_peak: float = -1.0
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Cue:
    """Play ``step`` when the narration speaks ``at`` (its first occurrence, in written form)."""

    at: str
    step: str
    location: Location = field(compare=False)


@dataclass(frozen=True)
class Beat:
    narration: str
    step: str | None
    hold: float
    location: Location = field(compare=False)
    id: str | None = None  # names the beat's recorded take: assets/narration/<explainer>/<exhibit>/<id>.wav
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True)
class Quote:
    text: str
    section: str | None
    page: int | str | None
    location: Location = field(compare=False)


@dataclass(frozen=True)
class Exhibit:
    id: str
    title: str
    scene: str
    params: dict[str, Any]
    beats: tuple[Beat, ...]
    quotes: tuple[Quote, ...]
    location: Location = field(compare=False)
    scene_location: Location = field(compare=False)
    section: str | None = None  # consecutive exhibits of one section make one chapter


@dataclass(frozen=True)
class Thumbnail:
    """The frame the video's thumbnail is taken from: the end of ``beat`` (1-based; None: the
    last beat) of exhibit ``exhibit``."""

    exhibit: str
    beat: int | None
    location: Location = field(compare=False)


@dataclass(frozen=True)
class Storyboard:
    path: Path
    meta: Meta
    theme: Theme
    voice: Voice
    timing: Timing
    exhibits: tuple[Exhibit, ...]
    warnings: tuple[str, ...] = ()
    thumbnail: Thumbnail | None = None
    audio: Audio = Audio()
    lexicon: Lexicon = Lexicon()

    @property
    def folder(self) -> Path:
        return self.path.parent

    def exhibit(self, exhibit_id: str) -> Exhibit:
        for e in self.exhibits:
            if e.id == exhibit_id:
                return e
        known = ", ".join(e.id for e in self.exhibits)
        raise StoryboardError(None, "", f"{self.path}: no exhibit {exhibit_id!r} (exhibits: {known})")


_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list", dict: "a mapping"}


class _Fields:
    """Reads one YAML mapping, field by field, and refuses fields nobody read."""

    def __init__(self, node: Located, path: str, warnings: list[str]) -> None:
        if not isinstance(node.value, dict):
            raise StoryboardError(node.location, path, "must be a mapping of fields")
        self.node = node
        self.path = path
        self.seen: set[str] = set()
        self.warnings = warnings

    def _sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind: type, default: Any = ..., check: Callable[[Any], str | None] | None = None) -> Any:
        self.seen.add(key)
        child = self.node.value.get(key)
        if child is None or child.value is None:
            if default is ...:
                loc = child.location if child is not None else self.node.location
                raise StoryboardError(loc, self._sub(key), "required")
            return default
        return self.value(child, self._sub(key), kind, check)

    def value(self, child: Located, path: str, kind: type, check: Callable[[Any], str | None] | None = None) -> Any:
        v = child.value
        if kind is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if kind is str and isinstance(v, bool) and child.plain:
            raise StoryboardError(child.location, path, f"must be text, but YAML read the bare word as "
                                  f"{str(v).lower()}; put it in quotes")
        if kind is str and isinstance(v, (int, float)) and not isinstance(v, bool) and child.plain:
            raise StoryboardError(child.location, path, "must be text, but YAML read a number; put it in quotes")
        if not isinstance(v, kind) or (kind in (int, float) and isinstance(v, bool)):
            raise StoryboardError(child.location, path, f"must be {_TYPE_NAMES[kind]}")
        if check is not None:
            problem = check(v)
            if problem:
                raise StoryboardError(child.location, path, problem)
        if kind is str and child.comment_after:
            self.warnings.append(
                f"{child.location}: {path}: warning: text after ' #' on this line is a YAML comment "
                "and was dropped; put the whole text in quotes"
            )
        return v

    def node_of(self, key: str) -> Located | None:
        self.seen.add(key)
        return self.node.value.get(key)

    def done(self) -> None:
        for key, loc in self.node.keys.items():
            if key not in self.seen:
                close = difflib.get_close_matches(key, sorted(self.seen), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(sorted(self.seen))})"
                raise StoryboardError(loc, self._sub(key), f"unknown field{hint}")


def _slug(v: str) -> str | None:
    return None if _SLUG.match(v) else "must be a slug: lower-case letters, digits and single hyphens"


def _hex(v: str) -> str | None:
    return None if _HEX.match(v) else "must be a colour written #RRGGBB"


def _nonblank(v: str) -> str | None:
    return None if v.strip() else "must not be empty"


def _positive(v: float) -> str | None:
    return None if v > 0 else "must be greater than 0"


MAX_HOLD_SECONDS = 600.0  # ten minutes of still frame is a mistake, not a pause


def _hold(v: float) -> str | None:
    if not math.isfinite(v):
        return "must be a finite number of seconds"
    if not 0 <= v <= MAX_HOLD_SECONDS:
        return f"must be between 0 and {MAX_HOLD_SECONDS:g} seconds"
    return None


def _non_negative(v: float) -> str | None:
    return None if v >= 0 else "must not be negative"


def _list(f: _Fields, key: str, required: bool = True) -> list[tuple[str, Located]]:
    node = f.node_of(key)
    if node is None or node.value is None:
        if required:
            raise StoryboardError(f.node.location, f._sub(key), "required")
        return []
    if not isinstance(node.value, list):
        raise StoryboardError(node.location, f._sub(key), "must be a list")
    return [(f"{f._sub(key)}[{i}]", item) for i, item in enumerate(node.value)]


def _paper(node: Located, path: str, w: list[str]) -> Paper:
    f = _Fields(node, path, w)
    p = Paper(
        citation=f.get("citation", str, check=_nonblank),
        arxiv=f.get("arxiv", str, check=lambda v: None if re.match(r"^\d{4}\.\d{4,5}(v\d+)?$", v)
                    else "must be an arXiv id such as 2509.04664"),
        url=f.get("url", str, check=_nonblank),
        year=f.get("year", int, None),
        title=f.get("title", str, None, _nonblank),
    )
    f.done()
    return p


def _source(node: Located, path: str, w: list[str]) -> Source:
    f = _Fields(node, path, w)
    s = Source(
        title=f.get("title", str, check=_nonblank),
        url=f.get("url", str, check=_nonblank),
        sha256=f.get("sha256", str, None, check=lambda v: None if re.match(r"^[0-9a-f]{64}$", v)
                     else "must be 64 lower-case hex digits"),
        # a plain name: ``source fetch`` writes assets/sources/<filename>, never elsewhere
        filename=f.get("filename", str, None, check=lambda v: None if v not in (".", "..")
                       and re.match(r"^[^/\\\s][^/\\]*$", v) else "must be a plain file name (no folders)"),
    )
    f.done()
    return s


def _meta(node: Located, w: list[str]) -> Meta:
    f = _Fields(node, "explainer", w)
    authors = tuple(f.value(n, p, str, _nonblank) for p, n in _list(f, "authors"))
    paper_node = f.node_of("paper")
    if paper_node is None:
        raise StoryboardError(node.location, "explainer.paper", "required")
    source_node = f.node_of("source")
    m = Meta(
        id=f.get("id", str, check=_slug),
        title=f.get("title", str, check=_nonblank),
        authors=authors,
        paper=_paper(paper_node, "explainer.paper", w),
        license=f.get("license", str, check=_nonblank),
        summary=f.get("summary", str, ""),
        source=_source(source_node, "explainer.source", w) if source_node is not None else None,
    )
    if not authors:
        raise StoryboardError(node.location, "explainer.authors", "needs at least one author")
    f.done()
    return m


def _theme(node: Located | None, w: list[str]) -> Theme:
    if node is None:
        return Theme()
    f = _Fields(node, "theme", w)
    d = Theme()
    fonts_node = f.node_of("fonts")
    fonts = Fonts()
    if fonts_node is not None:
        ff = _Fields(fonts_node, "theme.fonts", w)
        fonts = Fonts(body=ff.get("body", str, fonts.body, _nonblank),
                      heading=ff.get("heading", str, fonts.heading, _nonblank),
                      mono=ff.get("mono", str, fonts.mono, _nonblank))
        ff.done()
    t = Theme(
        background=f.get("background", str, d.background, _hex),
        ink=f.get("ink", str, d.ink, _hex),
        accent=f.get("accent", str, d.accent, _hex),
        muted=f.get("muted", str, d.muted, _hex),
        fonts=fonts,
    )
    f.done()
    return t


def _voice(node: Located | None, w: list[str]) -> Voice:
    if node is None:
        return Voice()
    f = _Fields(node, "voice", w)
    v = Voice(engine=f.get("engine", str, "piper", _nonblank), voice=f.get("voice", str, ""),
              speed=f.get("speed", float, 1.0, lambda s: None if 0.5 <= s <= 2.0 else "must be between 0.5 and 2.0"))
    f.done()
    return v


def _timing(node: Located | None, w: list[str]) -> Timing:
    if node is None:
        return Timing()
    f = _Fields(node, "timing", w)
    d = Timing()
    t = Timing(lead_in=f.get("lead_in", float, d.lead_in, _non_negative),
               tail=f.get("tail", float, d.tail, _non_negative))
    f.done()
    return t


def _audio(node: Located | None, w: list[str]) -> Audio:
    if node is None:
        return Audio()
    f = _Fields(node, "audio", w)
    d = Audio()
    a = Audio(loudness=f.get("loudness", float, d.loudness,
                             lambda v: None if -36 <= v <= -9 else "must be between -36 and -9 LUFS (e.g. -16)"),
              true_peak=f.get("true_peak", float, d.true_peak,
                              lambda v: None if -9 <= v <= 0 else "must be between -9 and 0 dBTP (e.g. -1)"),
              location=node.location)
    f.done()
    return a


def _lexicon(node: Located | None, w: list[str]) -> Lexicon:
    """``written: spoken`` pairs, or ``written: {say: spoken, ignore_case: true}``."""
    if node is None or node.value is None:
        return Lexicon()
    if not isinstance(node.value, dict):
        raise StoryboardError(node.location, "lexicon", "must be a mapping of written forms to spoken forms")
    f = _Fields(node, "lexicon", w)
    entries = []
    for key, child in node.value.items():
        path = f"lexicon.{key}"
        if not key.strip() or key != key.strip():
            raise StoryboardError(node.keys[key], path, "a written form must be a word without surrounding spaces")
        if isinstance(child.value, dict):
            ef = _Fields(child, path, w)
            entry = LexiconEntry(key, ef.get("say", str, check=_nonblank), ef.get("ignore_case", bool, False),
                                 child.location)
            ef.done()
        else:
            entry = LexiconEntry(key, f.value(child, path, str, _nonblank), location=child.location)
        entries.append(entry)
    return Lexicon(tuple(entries))


def _cues(f: _Fields, path: str, narration: str, w: list[str]) -> tuple[Cue, ...]:
    node = f.node_of("cue")
    if node is None or node.value is None:
        return ()
    items = [(f"{path}.cue[{i}]", n) for i, n in enumerate(node.value)] if isinstance(node.value, list) \
        else [(f"{path}.cue", node)]
    cues = []
    for p, n in items:
        cf = _Fields(n, p, w)
        at_node = n.value.get("at")
        cue = Cue(at=cf.get("at", str, check=_nonblank),
                  step=cf.get("step", str, check=lambda v: None if _STEP.match(v) else "must be a step name (letters, digits, _)"),
                  location=at_node.location if at_node is not None else n.location)
        cf.done()
        found = find_phrase(narration, cue.at)
        if not found:
            close = difflib.get_close_matches(cue.at, _phrases(narration, len(cue.at.split())), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise StoryboardError(cue.location, f"{p}.at", f"{cue.at!r} is not in this beat's narration{hint}")
        if len(found) > 1:
            w.append(f"{cue.location}: {p}.at: warning: {cue.at!r} occurs {len(found)} times in the narration; "
                     "the cue plays at the first")
        cues.append(cue)
    return tuple(cues)


def _phrases(text: str, n: int) -> list[str]:
    words = [t.strip(".,;:!?\"'()“”‘’") for t in text.split()]
    return [" ".join(words[i:i + n]) for i in range(max(0, len(words) - n + 1))]


def _beat_id(v: str) -> str | None:
    if not re.match(r"^[a-z0-9][a-z0-9_-]*$", v):
        return "must be lower-case letters, digits, - and _ (it names a file)"
    return "must not be only digits (beat numbers already name files)" if v.isdigit() else None


def _beat(node: Located, path: str, w: list[str]) -> Beat:
    if isinstance(node.value, str):  # shorthand: a beat that is only its narration
        f0 = _Fields(Located({"narration": node}, node.location, node.tag), path, w)
        return Beat(f0.get("narration", str), None, 0.0, node.location)
    f = _Fields(node, path, w)
    narration = f.get("narration", str, "")
    b = Beat(
        narration=narration,
        step=f.get("step", str, None, lambda v: None if _STEP.match(v) else "must be a step name (letters, digits, _)"),
        hold=f.get("hold", float, 0.0, _hold),
        location=node.location,
        id=f.get("id", str, None, _beat_id),
        cues=_cues(f, path, narration, w),
    )
    f.done()
    if not b.narration.strip() and b.hold == 0:
        raise StoryboardError(node.location, f"{path}.narration", "required (or give a hold for a silent beat)")
    written = node.value.get("narration")
    if written is not None and not b.narration.strip():
        w.append(f"{written.location}: {path}.narration: warning: empty, so this beat is silent "
                 "(leave the field out for a hold-only beat)")
    return b


def _quote(node: Located, path: str, w: list[str]) -> Quote:
    f = _Fields(node, path, w)
    page_node = f.node_of("page")
    page: int | str | None = None
    if page_node is not None and page_node.value is not None:
        page = page_node.value
        if isinstance(page, bool) or not isinstance(page, (int, str)) or (
            isinstance(page, str) and not re.match(r"^\d+(-\d+)?$", page)):
            raise StoryboardError(page_node.location, f"{path}.page", "must be a page number such as 7 or a range 13-14")
    section_node = f.node_of("section")
    section: str | None = None
    if section_node is not None and section_node.value is not None:
        # ``section: 3.1`` is natural to write; YAML reads it as a number, we keep its text.
        section = section_node.raw if isinstance(section_node.value, (int, float)) else section_node.value
        if not isinstance(section, str) or not section.strip():
            raise StoryboardError(section_node.location, f"{path}.section", "must be a section such as 3.1 or Abstract")
    q = Quote(text=f.get("text", str, check=_nonblank), section=section, page=page, location=node.location)
    f.done()
    return q


def _exhibit(node: Located, path: str, w: list[str]) -> Exhibit:
    f = _Fields(node, path, w)
    params_node = f.node_of("params")
    params: dict[str, Any] = {}
    if params_node is not None and params_node.value is not None:
        if not isinstance(params_node.value, dict):
            raise StoryboardError(params_node.location, f"{path}.params", "must be a mapping")
        params = params_node.plain_value()
    scene_node = node.value.get("scene")
    e = Exhibit(
        id=f.get("id", str, check=_slug),
        title=f.get("title", str, check=_nonblank),
        scene=f.get("scene", str, check=lambda v: None if re.match(r"^[A-Za-z_]\w*$", v) else "must be a scene class name"),
        params=params,
        beats=tuple(_beat(n, p, w) for p, n in _list(f, "beats")),
        quotes=tuple(_quote(n, p, w) for p, n in _list(f, "quotes", required=False)),
        location=node.location,
        scene_location=scene_node.location if scene_node is not None else node.location,
        section=f.get("section", str, None, _nonblank),
    )
    if not e.beats:
        raise StoryboardError(node.location, f"{path}.beats", "needs at least one beat")
    ids: dict[str, int] = {}
    for j, beat in enumerate(e.beats):
        if beat.id is not None and beat.id in ids:
            raise StoryboardError(beat.location, f"{path}.beats[{j}].id",
                                  f"duplicated beat id {beat.id!r} (first at beats[{ids[beat.id]}])")
        if beat.id is not None:
            ids[beat.id] = j
    f.done()
    return e


def _check_sections(exhibits: tuple[Exhibit, ...]) -> None:
    """A section becomes one chapter, so its exhibits must be consecutive."""
    ended: dict[str, Exhibit] = {}
    for i, e in enumerate(exhibits):
        before = exhibits[i - 1].section if i else None
        if e.section == before:
            continue
        if before is not None:
            ended[before] = exhibits[i - 1]
        if e.section in ended:
            raise StoryboardError(e.location, f"exhibits[{i}].section",
                                  f"section {e.section!r} ended at exhibit {ended[e.section].id!r}; "
                                  "a section's exhibits must be consecutive")


def _thumbnail(node: Located, exhibits: tuple[Exhibit, ...], w: list[str]) -> Thumbnail:
    f = _Fields(node, "thumbnail", w)
    exhibit_id = f.get("exhibit", str, check=_slug)
    beat = f.get("beat", int, None, lambda b: None if b >= 1 else "must be 1 or more (the first beat is 1)")
    f.done()
    chosen = next((e for e in exhibits if e.id == exhibit_id), None)
    if chosen is None:
        raise StoryboardError(node.value["exhibit"].location, "thumbnail.exhibit",
                              f"no exhibit {exhibit_id!r} (exhibits: {', '.join(e.id for e in exhibits)})")
    if beat is not None and beat > len(chosen.beats):
        raise StoryboardError(node.value["beat"].location, "thumbnail.beat",
                              f"exhibit {exhibit_id!r} has {len(chosen.beats)} beats")
    return Thumbnail(exhibit_id, beat, node.location)


def load_storyboard(path: Path) -> Storyboard:
    """Parse and validate ``path``. Scene names are checked later, against the registry."""
    root = load_yaml(path)
    warnings: list[str] = []
    f = _Fields(root, "", warnings)
    version = f.get("version", int)
    if version != FORMAT_VERSION:
        raise StoryboardError(root.value["version"].location, "version",
                              f"unsupported storyboard version {version} (this explainer-anim reads {FORMAT_VERSION})")
    meta_node = f.node_of("explainer")
    if meta_node is None:
        raise StoryboardError(root.location, "explainer", "required")
    meta = _meta(meta_node, warnings)
    theme = _theme(f.node_of("theme"), warnings)
    voice = _voice(f.node_of("voice"), warnings)
    timing = _timing(f.node_of("timing"), warnings)
    audio = _audio(f.node_of("audio"), warnings)
    lexicon = _lexicon(f.node_of("lexicon"), warnings)
    exhibits = tuple(_exhibit(n, p, warnings) for p, n in _list(f, "exhibits"))
    thumbnail_node = f.node_of("thumbnail")
    f.done()
    if not exhibits:
        raise StoryboardError(root.location, "exhibits", "needs at least one exhibit")
    seen: dict[str, Exhibit] = {}
    for i, e in enumerate(exhibits):
        if e.id in seen:
            raise StoryboardError(e.location, f"exhibits[{i}].id",
                                  f"duplicated exhibit id {e.id!r} (first at line {seen[e.id].location.line})")
        seen[e.id] = e
    _check_sections(exhibits)
    thumbnail = _thumbnail(thumbnail_node, exhibits, warnings) if thumbnail_node is not None else None
    return Storyboard(path=path, meta=meta, theme=theme, voice=voice, timing=timing,
                      exhibits=exhibits, warnings=tuple(warnings), thumbnail=thumbnail,
                      audio=audio, lexicon=lexicon)


def locate(path: Path, field_path: str) -> Location | None:
    """Where ``field_path`` (``exhibits[3].params.values.p.expr``) is written in ``path``, or the
    deepest part of it that is. Scene parameters reach scenes without positions, so an error
    found in one is placed by reading the file again (once, and only when there is an error)."""
    try:
        node = load_yaml(path)
    except StoryboardError:
        return None
    for part in re.findall(r"\[(\d+)\]|([^.\[\]]+)", field_path):
        index, key = part
        if index and isinstance(node.value, list) and int(index) < len(node.value):
            node = node.value[int(index)]
        elif key and isinstance(node.value, dict) and key in node.value:
            node = node.value[key]
        else:
            break
    return node.location
