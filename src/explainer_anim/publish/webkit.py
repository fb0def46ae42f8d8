"""The web embed kit, ``renders/<explainer>/web/``: for every clip an H.264 MP4 and a VP9/Opus
WebM with its own narration, a silent loop for inline autoplay, its poster and WebVTT captions
(times from the clip's start), an ``embed.html``; and for the kit a ``manifest.json`` and an
``index.html``. Every path in it is relative, so the folder works wherever it is copied.

``render ID...`` rebuilds only those clips' files and manifest entries and keeps the others.
The kit is built after the master is published, in a staging folder, and moved into place only
when every file of it is built: a failed transcode leaves the master and the previous kit as
they were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..captions import build_cues, to_vtt
from ..citation import cite
from ..errors import UserError
from ..media import run_ffmpeg, silent_loop_args, web_mp4_args, webm_args
from ..outputs import Staging, staging
from ..probe import Stream, probe
from ..quote_gate import quote_status
from ..storyboard import Exhibit
from .chapters import attribution, clock
from .stills import beat_end_frame, write_still

if TYPE_CHECKING:
    from ..pipeline import Run

MANIFEST_VERSION = 1
WEBM_TYPE = 'video/webm; codecs="vp9, opus"'
AVC_PROFILES = {"Baseline": 0x42, "Constrained Baseline": 0x42, "Main": 0x4D, "High": 0x64}
AAC_LC = "mp4a.40.2"
ROLES = ("mp4", "webm", "loop", "poster", "captions", "embed")  # the files of one clip


@dataclass(frozen=True)
class ClipFiles:
    """Where one clip's files go, and their paths relative to the kit and to the clip folder."""

    web: Path
    exhibit_id: str

    def name(self, role: str) -> str:
        return {"mp4": f"{self.exhibit_id}.mp4", "webm": f"{self.exhibit_id}.webm",
                "loop": f"{self.exhibit_id}.loop.mp4", "poster": f"{self.exhibit_id}.poster.jpg",
                "captions": f"{self.exhibit_id}.vtt", "embed": "embed.html"}[role]

    def path(self, role: str) -> Path:
        return self.web / self.exhibit_id / self.name(role)

    def href(self, role: str) -> str:
        return f"{self.exhibit_id}/{self.name(role)}"


def avc_codec(video: Stream) -> str:
    """RFC 6381 ``avc1.PPCCLL`` for ``<source type>``: profile, constraints, level."""
    profile = AVC_PROFILES.get(video.profile or "")
    if profile is None or not video.level:
        raise UserError(f"cannot name the H.264 codec for the web: profile {video.profile}, level {video.level}")
    return f"avc1.{profile:02x}00{video.level:02x}"


def quote_records(run: Run, exhibit: Exhibit) -> list[dict[str, Any]]:
    """Each quote as shown, its citation, and whether it was verified against the source, and why."""
    meta = run.storyboard.meta
    i = run.storyboard.exhibits.index(exhibit)
    status = {r["path"]: r for r in quote_status(run).get(exhibit.id, [])}
    records = []
    for j, q in enumerate(exhibit.quotes):
        record = {"text": q.text, "section": q.section, "page": q.page, "citation": cite(meta, q),
                  "url": meta.paper.url}
        checked = status.get(f"exhibits[{i}].quotes[{j}]")
        if checked is not None:
            record |= {"verified": checked["verified"], "reason": checked["reason"]}
        records.append(record)
    return records


def build_clip(run: Run, stage: Staging, n: int, exhibit: Exhibit) -> dict[str, Any]:
    """One clip's files, staged, and its manifest entry."""
    run.progress.step("web", n, exhibit.id)
    layout, q = run.layout, run.quality
    t = run.timings[exhibit.id]
    files = ClipFiles(layout.web, exhibit.id)
    out = {role: stage.path_for(files.path(role)) for role in ROLES}
    src = layout.clip(exhibit.id)
    run_ffmpeg(web_mp4_args(src, out["mp4"]), f"make the web MP4 of clip {exhibit.id!r}")
    run_ffmpeg(webm_args(src, out["webm"], q.fps), f"make the WebM of clip {exhibit.id!r}")
    run_ffmpeg(silent_loop_args(src, out["loop"]), f"make the silent loop of clip {exhibit.id!r}")
    poster_frame = beat_end_frame(t)
    write_still(layout.silent_clip(exhibit.id), poster_frame, out["poster"], f"the poster of clip {exhibit.id!r}")
    cues = build_cues(run, [exhibit], start_frame=t.start_frame)
    out["captions"].write_text(to_vtt(cues), encoding="utf-8", newline="\n")
    avc = avc_codec(probe(out["mp4"]).of("video")[0])

    def file(role: str, kind: str, mime: str, type_: str | None = None) -> dict[str, Any]:
        return {"role": role, "kind": kind, "path": files.href(role), "mime": mime, "type": type_ or mime,
                "bytes": out[role].stat().st_size}

    entry = {
        "id": exhibit.id, "title": exhibit.title, "section": exhibit.section,
        "duration": round(t.frames / q.fps, 3), "frames": t.frames, "fps": q.fps,
        "width": q.width, "height": q.height, "embed": files.href("embed"),
        "files": [file("mp4", "video", "video/mp4", f'video/mp4; codecs="{avc}, {AAC_LC}"'),
                  file("webm", "video", "video/webm", WEBM_TYPE),
                  file("loop", "silent-loop", "video/mp4", f'video/mp4; codecs="{avc}"')],
        "poster": {**file("poster", "poster", "image/jpeg"), "frame": poster_frame},
        "captions": {**file("captions", "captions", "text/vtt"), "srclang": "en", "cues": len(cues)},
        "quotes": quote_records(run, exhibit),
        "values": json.loads(layout.values(exhibit.id).read_text(encoding="utf-8")),
    }
    out["embed"].write_text(embed_html(entry, run), encoding="utf-8")
    return entry


def video_html(entry: dict[str, Any], prefix: str = "") -> str:
    """The clip's player: poster until play, MP4 then WebM (the first the browser can play),
    captions on by default. ``prefix`` turns the kit's paths into the page's."""
    def href(path: str) -> str:
        return escape(path[len(prefix):] if prefix and path.startswith(prefix) else path)

    sources = "".join(f'\n  <source src="{href(f["path"])}" type="{escape(f["type"])}">'
                      for f in entry["files"] if f["kind"] == "video")
    cap = entry["captions"]
    return (f'<video controls preload="metadata" playsinline width="{entry["width"]}" height="{entry["height"]}" '
            f'poster="{href(entry["poster"]["path"])}">{sources}\n'
            f'  <track kind="captions" src="{href(cap["path"])}" srclang="{cap["srclang"]}" label="English" default>\n'
            "</video>")


def _style(run: Run) -> str:
    th = run.storyboard.theme
    return (f":root{{--paper:{th.background};--ink:{th.ink};--accent:{th.accent};--muted:{th.muted}}}"
            f"body{{margin:0;background:var(--paper);color:var(--ink);"
            f"font-family:{css_families(th.fonts.body)},Georgia,serif;line-height:1.45}}"
            f"h1,h2,h3{{font-family:{css_families(th.fonts.heading)},system-ui,sans-serif;line-height:1.2}}"
            "video{display:block;width:100%;height:auto;background:var(--paper)}")


def _page(title: str, style: str, body: str) -> str:
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<link rel=\"icon\" href=\"data:,\">\n"
            f"<style>{style}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def embed_html(entry: dict[str, Any], run: Run) -> str:
    """A page holding only the player, for an ``<iframe>``; its paths are the clip folder's."""
    return _page(entry["title"], _style(run) + "body{overflow:hidden}",
                 video_html(entry, prefix=f"{entry['id']}/"))


def _size(n: int) -> str:
    if n >= 1_048_576:
        return f"{n / 1_048_576:.1f} MB"
    return f"{n / 1024:.0f} kB" if n >= 1024 else f"{n} B"


def _clip_section(entry: dict[str, Any]) -> str:
    quotes = "".join(
        f'<blockquote>“{escape(q["text"])}”<footer>— {escape(q["citation"])}'
        + ("" if "verified" not in q else
           f' <span class="{"ok" if q["verified"] else "no"}">{"verified" if q["verified"] else "not verified"}'
           "</span>")
        + "</footer></blockquote>" for q in entry["quotes"])
    values = "".join(f"<tr><td><code>{escape(v['name'])}</code></td><td>{escape('; '.join(v['displayed']))}</td>"
                     f"<td><code>{escape(v['formula'])}</code></td></tr>" for v in entry["values"])
    files = [*entry["files"], entry["poster"], entry["captions"]]
    rows = "".join(f'<tr><td>{escape(f["kind"])}</td><td><a href="{escape(f["path"])}">{escape(f["path"])}</a></td>'
                   f'<td><code>{escape(f["type"])}</code></td><td class="n">{_size(f["bytes"])}</td></tr>' for f in files)
    loop = next(f for f in entry["files"] if f["kind"] == "silent-loop")
    snippet = (f'<iframe src="{entry["embed"]}" width="{entry["width"]}" height="{entry["height"]}" '
               'style="border:0;max-width:100%" allowfullscreen></iframe>')
    return (f'<article class="clip" id="clip-{escape(entry["id"])}">\n'
            f'<h2>{escape(entry["title"])} <span class="dur">{clock(entry["frames"], entry["fps"])}</span></h2>\n'
            f'<div class="player">{video_html(entry)}</div>\n'
            + (f"<h3>Quoted</h3>{quotes}\n" if quotes else "")
            + (f"<h3>Computed values shown</h3><table>{values}</table>\n" if values else "")
            + f"<h3>Files</h3><table>{rows}</table>\n"
            f'<h3>Silent loop</h3><video class="loop" autoplay muted loop playsinline preload="metadata" '
            f'poster="{escape(entry["poster"]["path"])}" src="{escape(loop["path"])}"></video>\n'
            f"<h3>Embed</h3><pre><code>{escape(snippet)}</code></pre>\n</article>")


def css_families(families: str) -> str:
    """A theme's Pango font list ("Noto Serif, DejaVu Serif") as CSS: each family quoted alone."""
    return ",".join(f"'{f.strip()}'" for f in families.split(",") if f.strip())


def index_html(manifest: dict[str, Any], run: Run) -> str:
    """A page showing the whole kit: every clip's player, quotes, values, files and embed code."""
    ex = manifest["explainer"]
    style = _style(run) + (
        "main{max-width:60rem;margin:0 auto;padding:1.5rem}"
        ".clip{border-top:2px solid var(--ink);padding:1rem 0 2rem}"
        ".dur{color:var(--muted);font-weight:normal;font-size:.7em}"
        "blockquote{margin:.5rem 0 1rem;padding-left:1rem;border-left:4px solid var(--accent);font-style:italic}"
        "blockquote footer{font-style:normal;color:var(--muted);font-size:.9em}"
        ".ok{color:#1d6b2f}.no{color:var(--accent);font-weight:bold}"
        "table{border-collapse:collapse;font-size:.9em;width:100%}td{padding:.2rem .6rem .2rem 0;"
        "vertical-align:top;border-bottom:1px solid #d8d3c7}.n{text-align:right;white-space:nowrap}"
        "video.loop{width:16rem}pre{white-space:pre-wrap;background:#fff8;padding:.5rem;font-size:.8em}"
        "a{color:var(--accent)}")
    clips = "\n".join(_clip_section(e) for e in manifest["clips"])
    body = (f"<main>\n<header><h1>{escape(ex['title'])}</h1>\n"
            f"<p>{escape(', '.join(ex['authors']))}</p>\n"
            + (f"<p>{escape(ex['summary'])}</p>\n" if ex["summary"] else "")
            + f'<p><a href="{escape(ex["url"])}">{escape(ex["citation"])}</a></p>\n'
            f'<p class="attribution">{escape(ex["attribution"])}</p>\n'
            f'<p><a href="manifest.json">manifest.json</a> · {len(manifest["clips"])} clips</p></header>\n'
            f"{clips}\n</main>")
    return _page(ex["title"], style, body)


def merged_manifest(run: Run, built: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """This run's entries, and the previous kit's for exhibits it did not rebuild, in storyboard order."""
    old: dict[str, dict[str, Any]] = {}
    path = run.layout.web / "manifest.json"
    if path.exists():
        try:
            old = {c["id"]: c for c in json.loads(path.read_text(encoding="utf-8")).get("clips", [])}
        except (ValueError, KeyError, TypeError, AttributeError):
            old = {}  # an unreadable manifest is rebuilt from this run's clips
    meta = run.storyboard.meta
    clips = [built.get(e.id) or old[e.id] for e in run.storyboard.exhibits if e.id in built or e.id in old]
    return {"version": MANIFEST_VERSION, "generator": f"explainer-anim {__version__}",
            "explainer": {"id": meta.id, "title": meta.title, "authors": list(meta.authors),
                          "summary": meta.summary, "citation": meta.paper.citation, "url": meta.paper.url,
                          "license": meta.license, "attribution": attribution(meta)},
            "quality": run.quality.name, "clips": clips}


def publish_web_kit(run: Run) -> Path:
    """Build this run's clips into the kit and publish it; on failure, the kit stays as it was."""
    web = run.layout.web
    try:
        with staging(web) as stage:
            built = {e.id: build_clip(run, stage, n, e) for n, e in enumerate(run.exhibits, 1)}
            manifest = merged_manifest(run, built)
            stage.path_for(web / "manifest.json").write_text(
                json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            stage.path_for(web / "index.html").write_text(index_html(manifest, run), encoding="utf-8")
    except UserError as exc:
        raise UserError(f"web kit not updated (it is as it was; the video and clips were published): {exc}") from None
    return web / "index.html"
