"""Every media decision as a small pure function returning exact ffmpeg arguments.

Tests pin these argument lists; ``run_ffmpeg`` is the only place that executes them.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .errors import UserError
from .quality import SAMPLE_RATE, Quality

X264_CRF = "18"  # flat ink-on-paper graphics: visually lossless without bloating the file
AAC_BITRATE = "160k"


def video_encode_args(q: Quality) -> list[str]:
    """H.264 High, yuv420p, constant frame rate, a keyframe every 2 s: the same for every clip,
    so that clips join by stream copy. No B-frames: with them each clip starts at a negative
    DTS and the concat demuxer shifts every later clip by a fraction of a frame. The movie
    timescale is the track's: the concat demuxer joins clips at the container's duration, which
    at MP4's default 1/1000 s is rounded off a 1/15 s frame grid."""
    return ["-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-preset", "medium",
            "-crf", X264_CRF, "-tune", "animation", "-r", str(q.fps), "-fps_mode", "cfr",
            "-g", str(2 * q.fps), "-keyint_min", str(2 * q.fps), "-sc_threshold", "0",
            "-bf", "0", "-video_track_timescale", str(q.fps * 1000), "-movie_timescale", str(q.fps * 1000)]


def normalize_clip_args(src: Path, dst: Path, q: Quality) -> list[str]:
    """Re-encode a rendered clip to the project's one set of video settings: the quality's
    exact size (even, scaled and padded if it must be) and frame rate, no audio."""
    vf = (f"scale={q.width}:{q.height}:force_original_aspect_ratio=decrease,"
          f"pad={q.width}:{q.height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={q.fps}")
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", str(src), "-an", "-sn", "-vf", vf,
            *video_encode_args(q), "-movflags", "+faststart", str(dst)]


def concat_list(clips: list[Path]) -> str:
    """The concat demuxer's list file; paths are absolute and single quotes escaped."""
    def esc(p: Path) -> str:
        return str(p.resolve()).replace("'", "'\\''")
    return "".join(f"file '{esc(c)}'\n" for c in clips)


def concat_args(list_file: Path, dst: Path) -> list[str]:
    """Join identically encoded clips without re-encoding."""
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", "-f", "concat", "-safe", "0",
            "-i", str(list_file), "-c", "copy", "-an", str(dst)]


def frame_args(src: Path, frame: int, dst: Path, size: tuple[int, int] | None = None) -> list[str]:
    """Frame number ``frame`` (0-based, counted as decoded) as one still image (JPEG or PNG by
    ``dst``'s suffix), optionally scaled to fill ``size`` and cropped to it exactly."""
    vf = f"select=eq(n\\,{frame})"
    if size:
        w, h = size
        vf += f",scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1"
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", str(src), "-vf", vf, "-fps_mode", "passthrough",
            "-frames:v", "1", "-q:v", "2", "-update", "1", str(dst)]


def web_mp4_args(src: Path, dst: Path) -> list[str]:
    """A clip for the web: its picture and narration only, by stream copy, index first."""
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", str(src), "-map", "0:v:0", "-map", "0:a:0",
            "-c", "copy", "-movflags", "+faststart", str(dst)]


def silent_loop_args(src: Path, dst: Path) -> list[str]:
    """The picture alone, for muted inline autoplay: browsers autoplay a file with no audio track."""
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", str(src), "-map", "0:v:0", "-c", "copy",
            "-an", "-sn", "-dn", "-movflags", "+faststart", str(dst)]


VP9_CRF = "34"
OPUS_BITRATE = "96k"


def webm_args(src: Path, dst: Path, fps: int) -> list[str]:
    """VP9 + Opus for browsers without H.264, keyframes every 2 s as in the MP4. The fastest
    VP9 preset: on flat graphics it keeps SSIM at 0.9992 (0.9994 with ``-deadline good
    -cpu-used 4``) for 12% more bytes, in a quarter of the time."""
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", str(src), "-map", "0:v:0", "-map", "0:a:0",
            "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-crf", VP9_CRF, "-b:v", "0", "-deadline", "realtime",
            "-cpu-used", "8", "-row-mt", "1", "-g", str(2 * fps), "-c:a", "libopus", "-b:a", OPUS_BITRATE,
            "-ar", "48000", str(dst)]


def mux_args(video: Path, narration_wav: Path, dst: Path, metadata: dict[str, str],
             subtitles: Path | None = None, ffmetadata: Path | None = None) -> list[str]:
    """Video by stream copy, the narration master encoded once to AAC-LC 48 kHz, faststart;
    optionally a caption track (an SRT file, stored as mov_text) and chapters (an ffmetadata file).

    ffmpeg's MP4 muxer writes an edit list for the AAC encoder's priming samples, so audio
    starts at 0 and its duration equals the PCM master's."""
    inputs = ["-i", str(video), "-i", str(narration_wav)]
    maps = ["-map", "0:v:0", "-map", "1:a:0"]
    extra: list[str] = []
    n = 2
    if subtitles is not None:
        inputs += ["-i", str(subtitles)]
        maps += ["-map", f"{n}:s:0"]
        extra += ["-c:s", "mov_text", "-metadata:s:s:0", "language=eng"]
        n += 1
    if ffmetadata is not None:
        inputs += ["-f", "ffmetadata", "-i", str(ffmetadata)]
        extra += ["-map_metadata", str(n), "-map_chapters", str(n)]
        n += 1
    meta: list[str] = []
    for key, value in metadata.items():
        meta += ["-metadata", f"{key}={value}"]
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", *inputs, *maps, "-c:v", "copy",
            "-c:a", "aac", "-profile:a", "aac_low", "-b:a", AAC_BITRATE, "-ar", str(SAMPLE_RATE),
            *extra, *meta, "-movflags", "+faststart", str(dst)]


def audio_only_args(narration_wav: Path, dst: Path, metadata: dict[str, str]) -> list[str]:
    """The narration alone (a draft to listen to): AAC-LC 48 kHz in an M4A, as in the MP4s."""
    meta: list[str] = []
    for key, value in metadata.items():
        meta += ["-metadata", f"{key}={value}"]
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", str(narration_wav), "-map", "0:a:0",
            "-c:a", "aac", "-profile:a", "aac_low", "-b:a", AAC_BITRATE, "-ar", str(SAMPLE_RATE),
            *meta, "-movflags", "+faststart", str(dst)]


def decode_audio_args(src: Path, dst: Path) -> list[str]:
    """The first audio stream decoded as a player does (edit list honoured, so no priming
    samples), to a float WAV at the stream's own rate: what is measured is what is heard."""
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", str(src), "-map", "0:a:0", "-c:a", "pcm_f32le",
            str(dst)]


def filter_option(value: str) -> str:
    """``value`` as one filter option inside a -vf graph: escaped for the option parser, then
    for the graph parser (ffmpeg-filters, "Notes on filtergraph escaping")."""
    option = re.sub(r"([\\':])", r"\\\1", value)
    return re.sub(r"([\\'\[\],;])", r"\\\1", option)


def ass_colour(hex_rgb: str, alpha: int = 0) -> str:
    """#RRGGBB as ASS's &HAABBGGRR (alpha 0 is opaque, 255 transparent)."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"&H{alpha:02X}{b}{g}{r}".upper()


CAPTION_FONT_SIZE = 16  # libass lays SRT out on 288 lines: a line is 1/18 of the frame's height
CAPTION_BOX_ALPHA = 0x30  # the box lets a little of the scene through, the text none


def burn_captions_args(src: Path, srt: Path, dst: Path, q: Quality, font: str, ink: str, paper: str) -> list[str]:
    """Captions drawn into the frames, for platforms that ignore caption tracks: ink text on a
    box of the theme's paper colour; video re-encoded with the project's settings, audio copied."""
    style = ",".join([f"FontName={font}", f"FontSize={CAPTION_FONT_SIZE}", f"PrimaryColour={ass_colour(ink)}",
                      "BorderStyle=3", f"OutlineColour={ass_colour(paper, CAPTION_BOX_ALPHA)}", "Outline=2",
                      "Shadow=0", "MarginV=12"])
    vf = f"subtitles=filename={filter_option(str(srt))}:charenc=UTF-8:force_style={filter_option(style)}"
    return ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", str(src), "-map", "0:v:0", "-map", "0:a:0", "-sn",
            "-vf", vf, *video_encode_args(q), "-c:a", "copy", "-map_metadata", "0", "-movflags", "+faststart",
            str(dst)]


def run_ffmpeg(args: list[str], what: str) -> None:
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = " ".join(proc.stderr.strip().splitlines()[-3:])
        raise UserError(f"ffmpeg failed to {what}: {tail}")
