"""Each media decision is a pure function; these tests pin its exact ffmpeg arguments."""

from __future__ import annotations

from pathlib import Path

from explainer_anim.media import concat_args, concat_list, mux_args, normalize_clip_args, video_encode_args
from explainer_anim.quality import QUALITIES


def test_video_encode_args_are_pinned() -> None:
    assert video_encode_args(QUALITIES["hd"]) == [
        "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-preset", "medium",
        "-crf", "18", "-tune", "animation", "-r", "30", "-fps_mode", "cfr",
        "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-bf", "0",
        "-video_track_timescale", "30000", "-movie_timescale", "30000"]


def test_normalize_clip_forces_size_rate_and_no_audio() -> None:
    args = normalize_clip_args(Path("in.mp4"), Path("out.mp4"), QUALITIES["preview"])
    assert args[:8] == ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", "in.mp4", "-an"]
    vf = args[args.index("-vf") + 1]
    assert vf == ("scale=854:480:force_original_aspect_ratio=decrease,pad=854:480:(ow-iw)/2:(oh-ih)/2,"
                  "setsar=1,fps=15")
    assert args[-3:] == ["-movflags", "+faststart", "out.mp4"]


def test_concat_is_stream_copy(tmp_path: Path) -> None:
    assert concat_args(Path("l.txt"), Path("v.mp4")) == [
        "ffmpeg", "-y", "-nostdin", "-v", "error", "-f", "concat", "-safe", "0", "-i", "l.txt",
        "-c", "copy", "-an", "v.mp4"]
    odd = tmp_path / "it's.mp4"
    assert concat_list([odd]) == f"file '{str(odd).replace(chr(39), chr(39) + chr(92) + chr(39) + chr(39))}'\n"


def test_mux_encodes_audio_once_with_faststart() -> None:
    args = mux_args(Path("v.mp4"), Path("n.wav"), Path("o.mp4"), {"title": "T"})
    assert args == ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", "v.mp4", "-i", "n.wav",
                    "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", "aac", "-profile:a", "aac_low",
                    "-b:a", "160k", "-ar", "48000", "-metadata", "title=T", "-movflags", "+faststart", "o.mp4"]


def test_mux_with_captions_and_chapters() -> None:
    args = mux_args(Path("v.mp4"), Path("n.wav"), Path("o.mp4"), {}, subtitles=Path("c.srt"),
                    ffmetadata=Path("ch.txt"))
    assert args[args.index("c.srt") - 1] == "-i"
    assert ["-map", "2:s:0"] == args[args.index("2:s:0") - 1: args.index("2:s:0") + 1]
    assert ["-c:s", "mov_text"] == args[args.index("mov_text") - 1: args.index("mov_text") + 1]
    assert ["-f", "ffmetadata", "-i", "ch.txt"] == args[args.index("ch.txt") - 3: args.index("ch.txt") + 1]
    assert ["-map_metadata", "3", "-map_chapters", "3"] == args[args.index("-map_metadata"): args.index("-map_metadata") + 4]
