"""``render``: narration first, then a timeline from its measured lengths, then silent clips,
then one narration master laid on that timeline and muxed once."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .audio import place
from .captions import build_cues, stage_captions
from .errors import UserError
from .loudness import LoudnessCheck, encode_to_target
from .media import burn_captions_args, concat_args, concat_list, mux_args, run_ffmpeg
from .narration import BeatAudio, narrate, recordings_folder
from .outputs import OutputLayout, Staging, staging
from .probe import probe
from .progress import Progress
from .project import code_fingerprint, open_storyboard
from .provenance import jsonable
from .publish.chapters import Chapter
from .publish.master_check import verify_clips_joinable
from .publish.platform import chapters_stage, finish_master, write_chapter_files
from .publish.webkit import publish_web_kit
from .quality import Quality
from .recorded import Recordings
from .quote_gate import QuoteReport, gate, quote_status, quotes_file, verify_quotes, write_quote_status
from .render import build_silent_clips, render_jobs
from .scene import ExhibitPlan
from .screen_check import screen_problems
from .storyboard import Exhibit, Storyboard
from .timeline import ExhibitTiming, exhibit_timing, frame_to_sample, seconds_to_samples
from .tts import Engine, make_engine

@dataclass(frozen=True)
class RenderRequest:
    storyboard: Path
    quality: Quality
    exhibit_ids: tuple[str, ...] | None = None  # None: the whole video
    voice: str | None = None  # ENGINE[:VOICE], overriding the storyboard for this run
    out_root: Path = Path("renders")
    jobs: int | None = None  # render processes; None: one per core
    burn_captions: bool = False  # also <explainer>.burned.mp4, captions drawn into the frames
    source: Path | None = None  # check quotes against this file instead of looking the source up
    allow_unverified: bool = False  # render quotes that fail the check, marked unverified
    assets: Path = Path("assets")  # recorded takes in assets/narration/<explainer>/ replace TTS


@dataclass
class RenderResult:
    master: Path | None
    clips: list[Path] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # exhibits re-rendered (not from cache)
    duration_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    web: Path | None = None  # the web kit's index.html
    burned: Path | None = None
    loudness: LoudnessCheck | None = None  # the master's, measured from the MP4


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
                           [seconds_to_samples(b.hold) for b in exhibit.beats], lead, tail, fps,
                           cues=[b.cues for b in audio[exhibit.id]])
        out[exhibit.id] = t
        start += t.frames
    return out


def clip_key(fingerprint: str, plan: ExhibitPlan) -> str:
    """Exactly what changes a clip's pixels: scene code, exhibit, theme, quality, timing."""
    def strip(obj: object) -> object:
        data = jsonable(obj)
        if isinstance(data, dict):
            return {k: strip(v) for k, v in data.items() if k not in ("location", "scene_location", "section")}
        if isinstance(data, list):
            return [strip(v) for v in data]
        return data
    payload = {"code": fingerprint, "exhibit": strip(dataclasses.asdict(plan.exhibit)),
               "meta": strip(dataclasses.asdict(plan.meta)), "theme": strip(dataclasses.asdict(plan.theme)),
               "quality": dataclasses.asdict(plan.quality), "frames": [b.frames for b in plan.timing.beats],
               "cues": [[(c.frame, c.step) for c in b.cues] for b in plan.timing.beats]}
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
    chapters: list[Chapter] = field(default_factory=list)  # the whole video's; [] when too few to show
    quotes: QuoteReport = field(default_factory=QuoteReport)  # each quote verified or not, and why

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
    # A refusal here, before any sound or frame is made, leaves every earlier output as it was.
    quotes, quote_warnings = gate(verify_quotes(storyboard, exhibits, request.source), request.allow_unverified)
    layout = OutputLayout(request.out_root, storyboard.meta.id, request.quality.name)
    problems = screen_problems(storyboard, exhibits, request.quality, request.out_root / ".cache" / "quote-cards")
    if problems:
        raise UserError("\n".join(problems))
    run = Run(request, storyboard, exhibits, layout, progress or Progress(len(exhibits)),
              RenderResult(master=None, warnings=list(storyboard.warnings)), quotes=quotes)
    for w in storyboard.warnings:
        run.progress.note(w)
    for w in quote_warnings:
        run.result.warnings.append(w)
        run.progress.note(f"warning: {w}")
    return run


def narrate_stage(run: Run) -> None:
    engine, warning = choose_engine(run.storyboard, run.request.voice)
    if warning:
        run.result.warnings.append(warning)
        run.progress.note(f"warning: {warning}")
    ids = [e.id for e in run.exhibits]

    def warn(message: str) -> None:
        run.result.warnings.append(message)
        run.progress.note(message)

    recordings = Recordings(run.storyboard, recordings_folder(run.storyboard, engine, run.request.assets))
    run.audio = narrate(run.storyboard, engine, run.layout.narration_cache, ids, recordings,
                        on_exhibit=lambda i: run.progress.step("narrate", ids.index(i) + 1, i), warn=warn)
    run.timings = plan_timings(run.storyboard, run.audio, run.quality.fps)


def render_stage(run: Run) -> None:
    """Render the clips whose pixels changed, in parallel; reuse the others."""
    layout, q = run.layout, run.quality
    fingerprint = code_fingerprint(run.storyboard)
    index = {e.id: n for n, e in enumerate(run.exhibits, 1)}
    work = []
    for exhibit in run.exhibits:
        plan = ExhibitPlan(exhibit, run.storyboard.meta, run.storyboard.theme, q, run.timings[exhibit.id])
        key = clip_key(fingerprint, plan)
        silent, key_file = layout.silent_clip(exhibit.id), layout.clip_key(exhibit.id)
        if silent.exists() and key_file.exists() and key_file.read_text() == key:
            run.progress.step("cached", index[exhibit.id], exhibit.id)
        else:
            work.append((plan, key))

    def started(exhibit_id: str) -> None:
        run.progress.step("render", index[exhibit_id], exhibit_id)

    def finished(exhibit_id: str, problems: list[str]) -> None:
        for problem in problems:
            warning = f"{exhibit_id}: layout: {problem}"
            run.result.warnings.append(warning)
            run.progress.note(f"warning: {warning}")
        run.result.rendered.append(exhibit_id)

    build_silent_clips(run.storyboard, work, layout, render_jobs(run.request.jobs, len(work)), started, finished)


def publish_clip(run: Run, stage: Staging, n: int, exhibit: Exhibit) -> None:
    """One exhibit's clip with its own narration slice, and the values it showed."""
    run.progress.step("clip", n, exhibit.id)
    layout, q = run.layout, run.quality
    t = run.timings[exhibit.id]
    track = narration_track(run.audio, run.timings, q.fps, [exhibit], start_frame=t.start_frame)
    srt = stage_captions(stage, build_cues(run, [exhibit], t.start_frame), layout.clip(exhibit.id).with_suffix(".vtt"))
    out = stage.path_for(layout.clip(exhibit.id))

    def mux(wav: Path) -> Path:
        run_ffmpeg(mux_args(layout.silent_clip(exhibit.id), wav, out, {**run.metadata(), "title": exhibit.title},
                            subtitles=srt), f"mux the clip of {exhibit.id}")
        return out

    encode_narration(run, track, stage.dir / f"{exhibit.id}.wav", mux, f"clips/{exhibit.id}.mp4")
    verify_av(out, q.fps)
    shutil.copyfile(layout.clip_values(exhibit.id), stage.path_for(layout.values(exhibit.id)))
    write_quote_status(stage.path_for(quotes_file(layout, exhibit.id)), quote_status(run)[exhibit.id])
    run.result.clips.append(layout.clip(exhibit.id))


def publish_master(run: Run, stage: Staging) -> None:
    """All clips joined by stream copy, the narration master encoded once and muxed."""
    layout, q = run.layout, run.quality
    run.progress.step("stitch", None, f"{len(run.exhibits)} clips + narration")
    verify_clips_joinable([(e.id, layout.silent_clip(e.id)) for e in run.exhibits], q)
    list_file = stage.dir / "clips.txt"
    list_file.write_text(concat_list([layout.silent_clip(e.id) for e in run.exhibits]))
    video = stage.dir / "video.mp4"
    run_ffmpeg(concat_args(list_file, video), "join the clips")
    srt = stage_captions(stage, build_cues(run, run.exhibits), layout.master.with_suffix(".vtt"),
                         layout.master.with_suffix(".srt"))
    master = stage.path_for(layout.master)
    chapters = write_chapter_files(run, stage)

    def mux(wav: Path) -> Path:
        run_ffmpeg(mux_args(video, wav, master, run.metadata(), subtitles=srt, ffmetadata=chapters),
                   "mux the narration")
        return master

    check = encode_narration(run, narration_track(run.audio, run.timings, q.fps, run.exhibits),
                             stage.dir / "narration.wav", mux, layout.master.name)
    stage.path_for(layout.master.with_suffix(".loudness.json")).write_text(json.dumps(check.to_json(), indent=2) + "\n")
    run.result.loudness = check
    # finish_master checks streams, durations and every frame's time against the plan, so the
    # planned length is the video's length.
    finish_master(run, stage, master, captions=srt is not None)
    run.result.duration_seconds = sum(run.timings[e.id].frames for e in run.exhibits) / q.fps
    run.result.master = layout.master
    if run.request.burn_captions and srt is not None:
        burned_final = layout.master.with_suffix(".burned.mp4")
        burned = stage.path_for(burned_final)
        theme = run.storyboard.theme
        run_ffmpeg(burn_captions_args(master, srt, burned, q, theme.fonts.body, theme.ink, theme.background),
                   "draw the captions into the frames")
        verify_av(burned, q.fps)
        run.result.burned = burned_final


def encode_narration(run: Run, track: np.ndarray, wav: Path, mux: Callable[[Path], Path], label: str) -> LoudnessCheck:
    """The narration normalized to the storyboard's loudness, muxed, and measured again in the MP4."""
    audio = run.storyboard.audio
    where = str(audio.location or run.storyboard.path)
    return encode_to_target(track, audio.loudness, audio.true_peak, wav, mux, where, label)


def render(request: RenderRequest, progress: Progress | None = None) -> RenderResult:
    run = start(request, progress)
    narrate_stage(run)
    chapters_stage(run)
    render_stage(run)
    with staging(run.layout.folder) as stage:
        for n, exhibit in enumerate(run.exhibits, 1):
            publish_clip(run, stage, n, exhibit)
        if run.whole:
            publish_master(run, stage)
    run.result.web = publish_web_kit(run)  # after the master is out: a failure here cannot touch it
    return run.result
