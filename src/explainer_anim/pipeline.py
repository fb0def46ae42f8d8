"""``render``: narration first, then a timeline from its measured lengths, then silent clips,
then one narration master laid on that timeline and muxed once."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .audio import place, write_wav
from .loudness import normalize
from .media import concat_args, concat_list, mux_args, normalize_clip_args, run_ffmpeg
from .narration import BeatAudio, narrate
from .outputs import OutputLayout, Staging, staging
from .probe import probe
from .progress import Progress
from .project import code_fingerprint, open_storyboard
from .provenance import jsonable
from .quality import Quality
from .render import render_clip
from .scene import ExhibitPlan, scene_class
from .storyboard import Exhibit, Storyboard
from .timeline import ExhibitTiming, exhibit_timing, frame_to_sample, seconds_to_samples
from .tts import Engine, make_engine

LOUDNESS_TARGET_LUFS = -16.0
TRUE_PEAK_CEILING_DBTP = -1.0


@dataclass(frozen=True)
class RenderRequest:
    storyboard: Path
    quality: Quality
    exhibit_ids: tuple[str, ...] | None = None  # None: the whole video
    voice: str | None = None  # ENGINE[:VOICE], overriding the storyboard for this run
    out_root: Path = Path("renders")


@dataclass
class RenderResult:
    master: Path | None
    clips: list[Path] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # exhibits re-rendered (not from cache)
    duration_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def choose_engine(storyboard: Storyboard, override: str | None) -> tuple[Engine, str | None]:
    if override:
        engine, _, voice = override.partition(":")
        return make_engine(engine, voice, storyboard.voice.speed)
    return make_engine(storyboard.voice.engine, storyboard.voice.voice, storyboard.voice.speed)


def plan_timings(storyboard: Storyboard, audio: dict[str, list[BeatAudio]], fps: int) -> dict[str, ExhibitTiming]:
    lead = seconds_to_samples(storyboard.timing.lead_in)
    tail = seconds_to_samples(storyboard.timing.tail)
    out: dict[str, ExhibitTiming] = {}
    start = 0
    for exhibit in storyboard.exhibits:
        if exhibit.id not in audio:
            continue
        t = exhibit_timing(exhibit.id, start, [len(b.samples) for b in audio[exhibit.id]],
                           [seconds_to_samples(b.hold) for b in exhibit.beats], lead, tail, fps)
        out[exhibit.id] = t
        start += t.frames
    return out


def clip_key(fingerprint: str, plan: ExhibitPlan) -> str:
    """Exactly what changes a clip's pixels: scene code, exhibit, theme, quality, timing."""
    def strip(obj: object) -> object:
        data = jsonable(obj)
        if isinstance(data, dict):
            return {k: strip(v) for k, v in data.items() if k not in ("location", "scene_location")}
        if isinstance(data, list):
            return [strip(v) for v in data]
        return data
    payload = {"code": fingerprint, "exhibit": strip(dataclasses.asdict(plan.exhibit)),
               "meta": strip(dataclasses.asdict(plan.meta)), "theme": strip(dataclasses.asdict(plan.theme)),
               "quality": dataclasses.asdict(plan.quality), "frames": [b.frames for b in plan.timing.beats]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def narration_track(audio: dict[str, list[BeatAudio]], timings: dict[str, ExhibitTiming],
                    fps: int, exhibits: list[Exhibit], start_frame: int = 0) -> np.ndarray:
    """One PCM track for ``exhibits``: each beat's speech placed on its exact sample."""
    frames = sum(timings[e.id].frames for e in exhibits)
    track = np.zeros(frame_to_sample(frames, fps), dtype=np.float32)
    for e in exhibits:
        t = timings[e.id]
        for beat, timing in zip(audio[e.id], t.beats, strict=True):
            at = frame_to_sample(t.start_frame - start_frame + timing.start_frame, fps) + timing.speech_offset
            place(track, beat.samples, at)
    return track


def verify_av(path: Path, fps: int) -> float:
    """One video and one audio stream whose durations agree within one frame."""
    info = probe(path)
    video, audio = info.of("video"), info.of("audio")
    if len(video) != 1 or len(audio) != 1:
        raise RuntimeError(f"{path}: expected one video and one audio stream, found {len(video)} and {len(audio)}")
    dv, da = video[0].duration or 0.0, audio[0].duration or 0.0
    if abs(dv - da) > 1.0 / fps + 1e-6:
        raise RuntimeError(f"{path}: video lasts {dv:.3f}s but audio {da:.3f}s")
    return dv


@dataclass
class Run:
    """One ``render`` call's state, handed from stage to stage."""

    request: RenderRequest
    storyboard: Storyboard
    exhibits: list[Exhibit]
    layout: OutputLayout
    progress: Progress
    result: RenderResult
    audio: dict[str, list[BeatAudio]] = field(default_factory=dict)
    timings: dict[str, ExhibitTiming] = field(default_factory=dict)

    @property
    def quality(self) -> Quality:
        return self.request.quality

    @property
    def whole(self) -> bool:
        return self.request.exhibit_ids is None

    def metadata(self) -> dict[str, str]:
        m = self.storyboard.meta
        return {"title": m.title, "artist": ", ".join(m.authors),
                "comment": f"{m.paper.citation} {m.paper.url} — quoted text {m.license}"}


def start(request: RenderRequest, progress: Progress | None) -> Run:
    """Open and check everything before any audio or frame is made."""
    storyboard = open_storyboard(request.storyboard)
    wanted = list(request.exhibit_ids) if request.exhibit_ids else [e.id for e in storyboard.exhibits]
    exhibits = sorted((storyboard.exhibit(i) for i in dict.fromkeys(wanted)), key=storyboard.exhibits.index)
    layout = OutputLayout(request.out_root, storyboard.meta.id, request.quality.name)
    run = Run(request, storyboard, exhibits, layout, progress or Progress(len(exhibits)),
              RenderResult(master=None, warnings=list(storyboard.warnings)))
    for w in storyboard.warnings:
        run.progress.note(w)
    return run


def narrate_stage(run: Run) -> None:
    engine, warning = choose_engine(run.storyboard, run.request.voice)
    if warning:
        run.result.warnings.append(warning)
        run.progress.note(f"warning: {warning}")
    ids = [e.id for e in run.exhibits]
    run.audio = narrate(run.storyboard, engine, run.layout.narration_cache, ids,
                        on_exhibit=lambda i: run.progress.step("narrate", ids.index(i) + 1, i))
    run.timings = plan_timings(run.storyboard, run.audio, run.quality.fps)


def render_stage(run: Run) -> None:
    """Render the clips whose pixels changed; reuse the others."""
    layout, q = run.layout, run.quality
    fingerprint = code_fingerprint(run.storyboard)
    for n, exhibit in enumerate(run.exhibits, 1):
        plan = ExhibitPlan(exhibit, run.storyboard.meta, run.storyboard.theme, q, run.timings[exhibit.id])
        key = clip_key(fingerprint, plan)
        silent, key_file = layout.silent_clip(exhibit.id), layout.clip_key(exhibit.id)
        if silent.exists() and key_file.exists() and key_file.read_text() == key:
            run.progress.step("cached", n, exhibit.id)
            continue
        run.progress.step("render", n, exhibit.id)
        raw, scene = render_clip(scene_class(run.storyboard, exhibit), plan, layout.manim_media(exhibit.id))
        for problem in scene.layout_problems:
            warning = f"{exhibit.id}: layout: {problem}"
            run.result.warnings.append(warning)
            run.progress.note(f"warning: {warning}")
        silent.parent.mkdir(parents=True, exist_ok=True)
        tmp = silent.with_name(f".{silent.name}")
        run_ffmpeg(normalize_clip_args(raw, tmp, q), f"encode the clip of {exhibit.id}")
        scene.values.write(layout.clip_values(exhibit.id))
        tmp.replace(silent)
        key_file.write_text(key)
        shutil.rmtree(layout.manim_media(exhibit.id), ignore_errors=True)
        run.result.rendered.append(exhibit.id)


def publish_clip(run: Run, stage: Staging, n: int, exhibit: Exhibit) -> None:
    """One exhibit's clip with its own narration slice, and the values it showed."""
    run.progress.step("clip", n, exhibit.id)
    layout, q = run.layout, run.quality
    t = run.timings[exhibit.id]
    track = narration_track(run.audio, run.timings, q.fps, [exhibit], start_frame=t.start_frame)
    wav = stage.dir / f"{exhibit.id}.wav"
    write_wav(wav, normalize(track, LOUDNESS_TARGET_LUFS, TRUE_PEAK_CEILING_DBTP))
    out = stage.path_for(layout.clip(exhibit.id))
    run_ffmpeg(mux_args(layout.silent_clip(exhibit.id), wav, out, {**run.metadata(), "title": exhibit.title}),
               f"mux the clip of {exhibit.id}")
    verify_av(out, q.fps)
    shutil.copyfile(layout.clip_values(exhibit.id), stage.path_for(layout.values(exhibit.id)))
    run.result.clips.append(layout.clip(exhibit.id))


def publish_master(run: Run, stage: Staging) -> None:
    """All clips joined by stream copy, the narration master encoded once and muxed."""
    layout, q = run.layout, run.quality
    run.progress.step("stitch", None, f"{len(run.exhibits)} clips + narration")
    list_file = stage.dir / "clips.txt"
    list_file.write_text(concat_list([layout.silent_clip(e.id) for e in run.exhibits]))
    video = stage.dir / "video.mp4"
    run_ffmpeg(concat_args(list_file, video), "join the clips")
    track = normalize(narration_track(run.audio, run.timings, q.fps, run.exhibits),
                      LOUDNESS_TARGET_LUFS, TRUE_PEAK_CEILING_DBTP)
    wav = stage.dir / "narration.wav"
    write_wav(wav, track)
    master = stage.path_for(layout.master)
    run_ffmpeg(mux_args(video, wav, master, run.metadata()), "mux the narration")
    run.result.duration_seconds = verify_av(master, q.fps)
    expected = sum(run.timings[e.id].frames for e in run.exhibits)
    frames = probe(master, count_frames=True).of("video")[0].frames
    if frames != expected:
        raise RuntimeError(f"{master}: {frames} frames, planned {expected}")
    run.result.master = layout.master


def render(request: RenderRequest, progress: Progress | None = None) -> RenderResult:
    run = start(request, progress)
    narrate_stage(run)
    render_stage(run)
    with staging(run.layout.folder) as stage:
        for n, exhibit in enumerate(run.exhibits, 1):
            publish_clip(run, stage, n, exhibit)
        if run.whole:
            publish_master(run, stage)
    return run.result
