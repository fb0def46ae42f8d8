"""Audio quality: one rate, sample-exact placement with faded joins, lossless WAVs, loudness to
the storyboard's target with a true-peak ceiling kept by the limiter, and the check of the
encoded MP4 that turns a miss into an error."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from conftest import MINI, run_cli
from explainer_anim.audio import FADE_SECONDS, place, read_wav, write_wav
from explainer_anim.errors import UserError
from explainer_anim.loudness import encode_to_target, limit, measure, normalize, true_peak_dbtp
from explainer_anim.media import decode_audio_args, run_ffmpeg
from explainer_anim.narration import BeatAudio
from explainer_anim.pipeline import narration_track
from explainer_anim.quality import SAMPLE_RATE
from explainer_anim.storyboard import load_storyboard
from explainer_anim.timeline import exhibit_timing, frame_to_sample

RNG = np.random.default_rng(7)


def speechlike(seconds: float, harmonics: int = 11, noise: float = 0.3) -> np.ndarray:
    """Syllable-rate bursts of a buzzy voiced tone with noise, and pauses: peaky like speech."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    voiced = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, harmonics + 1))
    envelope = np.clip(np.sin(2 * np.pi * 3.5 * t), 0, None) ** 2 * (np.sin(2 * np.pi * 0.4 * t) > -0.6)
    return (0.05 * envelope * (voiced + noise * RNG.standard_normal(len(t)))).astype(np.float32)


def independent_true_peak(samples: np.ndarray) -> float:
    """BS.1770 true peak, 4x oversampled, computed here rather than by the code under test."""
    return 20 * np.log10(np.max(np.abs(resample_poly(samples.astype(np.float64), 4, 1))))


def test_a_loud_transient_is_limited_not_clipped_and_the_target_is_met() -> None:
    x = speechlike(8.0, harmonics=1, noise=0)  # at -16 LUFS its own peaks stay under -4 dBTP
    at = 3 * SAMPLE_RATE + 2000
    x[at:at + 96] += 0.9 * np.sign(np.sin(np.arange(96) * 0.7))  # a 2 ms click 25 dB above the tone
    assert true_peak_dbtp(x) > 0  # it would clip as it is, before any gain
    y = normalize(x, -16.0, -1.0)
    meter = pyloudnorm.Meter(SAMPLE_RATE)
    assert abs(meter.integrated_loudness(y.astype(np.float64)) + 16.0) < 0.1
    assert independent_true_peak(y) <= -1.0
    assert np.max(np.abs(y)) < 1.0  # no sample at or beyond full scale
    # The limiter touches only the click: 20 ms from it, y is x times one gain.
    away = np.abs(np.arange(len(x)) - at) > SAMPLE_RATE // 50
    sounding = away & (np.abs(x) > 1e-4)
    ratio = y[sounding] / x[sounding]
    assert np.ptp(ratio) < 1e-4 * ratio.mean()
    assert np.max(np.abs(y[at:at + 96])) < 0.9 * ratio.mean() * np.max(np.abs(x[at:at + 96]))


def test_limiter_keeps_every_signal_under_its_ceiling() -> None:
    for ceiling in (-1.0, -3.0, -6.0):
        for x in (speechlike(2.0) * 40, RNG.uniform(-2, 2, SAMPLE_RATE).astype(np.float32)):
            y = limit(x, ceiling)
            assert independent_true_peak(y) <= ceiling + 0.05, ceiling
            assert np.all(np.abs(y) <= np.abs(x) + 1e-7)  # only ever turns down


def test_normalize_leaves_silence_alone_and_raises_quiet_speech_without_limiting() -> None:
    assert not np.any(normalize(np.zeros(SAMPLE_RATE * 2, dtype=np.float32), -16, -1))
    x = speechlike(6.0) * 0.1
    y = normalize(x, -23.0, -1.0)
    assert measure(y).integrated_lufs == pytest.approx(-23.0, abs=0.05)
    quiet = np.abs(x) > 1e-4
    assert np.std(y[quiet] / x[quiet]) < 1e-4  # one gain: nothing needed limiting


def test_wavs_are_float_so_nothing_over_full_scale_is_clipped_on_disk(tmp_path: Path) -> None:
    x = np.array([0.0, 0.5, 1.25, -1.5, 1e-6], dtype=np.float32)
    write_wav(tmp_path / "a.wav", x)
    y, rate = read_wav(tmp_path / "a.wav")
    assert rate == SAMPLE_RATE and np.array_equal(x, y)
    # 16-bit caches written by earlier versions still read
    with wave.open(str(tmp_path / "old.wav"), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(np.array([16384, -16384, 32767, 32767], dtype="<i2").tobytes())
    y, rate = read_wav(tmp_path / "old.wav")
    assert rate == 22050 and np.allclose(y, [0.0, 32767 / 32768])


def test_place_is_sample_exact_and_fades_every_piece() -> None:
    master = np.zeros(10_000, dtype=np.float32)
    place(master, np.ones(2_000, dtype=np.float32), 1_234)
    n = round(FADE_SECONDS * SAMPLE_RATE)
    assert np.flatnonzero(master)[[0, -1]].tolist() == [1_235, 3_232]  # ramps start (and end) at 0
    assert master[1_234 + n - 1] < 1.0 == master[1_234 + n] == master[3_233 - n] > master[3_234 - n]
    with pytest.raises(ValueError):
        place(master, np.ones(10, dtype=np.float32), 9_995)


@pytest.mark.parametrize("fps", [15, 30, 60])
def test_narration_track_places_each_beat_on_its_exact_sample(fps: int) -> None:
    sb = load_storyboard(MINI)
    lead, tail = 12_001, 7_777  # deliberately not whole milliseconds
    audio, timings, start = {}, {}, 0
    for e in sb.exhibits:
        lengths = [48_017 + 3 * i if b.narration.strip() else 0 for i, b in enumerate(e.beats)]
        audio[e.id] = [BeatAudio(e.id, i, b.narration, np.ones(n, dtype=np.float32), None)
                       for i, (b, n) in enumerate(zip(e.beats, lengths))]
        timings[e.id] = exhibit_timing(e.id, start, lengths, [0] * len(lengths), lead, tail, fps)
        start += timings[e.id].frames
    track = narration_track(audio, timings, fps, list(sb.exhibits))
    assert len(track) == frame_to_sample(start, fps)
    for e in sb.exhibits:
        t = timings[e.id]
        for b in t.beats:
            if not b.speech_samples:
                continue
            first = frame_to_sample(t.start_frame + b.start_frame, fps) + lead
            assert track[first] == 0.0 and track[first + 1] > 0.0, (e.id, b.index)
            assert track[first + b.speech_samples // 2] == 1.0
            assert track[first + b.speech_samples] == 0.0 and track[first + b.speech_samples - 2] > 0.0


def test_decoding_for_measurement_keeps_the_streams_own_rate_and_floats() -> None:
    assert decode_audio_args(Path("a.mp4"), Path("a.wav")) == [
        "ffmpeg", "-y", "-nostdin", "-v", "error", "-i", "a.mp4", "-map", "0:a:0", "-c:a", "pcm_f32le", "a.wav"]


def test_an_encoded_file_that_misses_the_target_is_an_error(tmp_path: Path) -> None:
    """The check reads the encoded file, not the PCM handed to the encoder: an encode that
    comes out 6 dB too loud (here, a mux of the wrong WAV) fails, naming file:line and field."""
    loud = tmp_path / "loud.wav"
    write_wav(loud, speechlike(4.0) * 8)
    out = tmp_path / "out.m4a"

    def bad_encode(_wav: Path) -> Path:
        run_ffmpeg(["ffmpeg", "-y", "-v", "error", "-i", str(loud), "-c:a", "aac", "-b:a", "160k", str(out)], "encode")
        return out

    with pytest.raises(UserError) as err:
        encode_to_target(speechlike(4.0), -16.0, -1.0, tmp_path / "n.wav", bad_encode, "sb.yaml:12:3", "x.mp4")
    assert str(err.value).startswith("sb.yaml:12:3: audio.")
    assert "x.mp4" in str(err.value) and "after the AAC encode" in str(err.value)

    def good_encode(wav: Path) -> Path:
        run_ffmpeg(["ffmpeg", "-y", "-v", "error", "-i", str(wav), "-c:a", "aac", "-b:a", "160k", str(out)], "encode")
        return out

    check = encode_to_target(speechlike(4.0), -16.0, -1.0, tmp_path / "n.wav", good_encode, "sb.yaml", "x.mp4")
    assert abs(check.encoded.integrated_lufs + 16) <= 1 and check.encoded.true_peak_dbtp <= -1
    assert set(check.to_json()) >= {"target", "pcm", "mp4"}


def with_audio(tmp_path: Path, block: str, name: str = "storyboard.yaml") -> Path:
    text = MINI.read_text().replace("voice:\n", f"{block}\nvoice:\n", 1)
    path = tmp_path / name
    path.write_text(text)
    return path


def setting_line(path: Path) -> int:
    """The line of the first setting under ``audio:`` (where a bad value is reported)."""
    return path.read_text().splitlines().index("audio:") + 2


def test_audio_settings_default_and_parse(tmp_path: Path) -> None:
    assert (load_storyboard(MINI).audio.loudness, load_storyboard(MINI).audio.true_peak) == (-16.0, -1.0)
    sb = load_storyboard(with_audio(tmp_path, "audio:\n  loudness: -19\n  true_peak: -2.5"))
    assert (sb.audio.loudness, sb.audio.true_peak) == (-19.0, -2.5)


@pytest.mark.parametrize("block, field", [
    ("audio:\n  loudness: 3", "audio.loudness"),
    ("audio:\n  true_peak: 1", "audio.true_peak"),
    ("audio:\n  loudness: loud", "audio.loudness"),
    ("audio:\n  lufs: -16", "audio.lufs"),
])
def test_bad_audio_settings_stop_before_anything_is_lost(tmp_path: Path, block: str, field: str) -> None:
    path = with_audio(tmp_path, block)
    line = setting_line(path)
    out = tmp_path / "renders"
    old = out / "mini-test" / "mini-test.mp4"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"an earlier render")
    proc = run_cli("render", "all", "-s", str(path), "-q", "preview", "--out", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) <= 2 and f"{path}:{line}:" in lines[-1] and f"{field}:" in lines[-1], proc.stderr
    assert "Traceback" not in proc.stderr
    assert old.read_bytes() == b"an earlier render" and sorted(p.name for p in old.parent.iterdir()) == ["mini-test.mp4"]


@pytest.mark.render
def test_rendered_video_meets_the_target_measured_from_the_mp4(tmp_path: Path) -> None:
    out = tmp_path / "renders"
    proc = run_cli("render", "all", "-s", str(MINI), "-q", "preview", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    folder = out / "mini-test"
    for mp4 in (folder / "mini-test.mp4", *sorted((folder / "clips").glob("*.mp4"))):
        decoded = tmp_path / f"{mp4.stem}.wav"
        run_ffmpeg(["ffmpeg", "-v", "error", "-i", str(mp4), "-map", "0:a:0", "-c:a", "pcm_f32le", str(decoded)],
                   "decode")
        samples, rate = read_wav(decoded)
        assert rate == SAMPLE_RATE
        lufs = pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64))
        peak = independent_true_peak(samples)
        assert abs(lufs + 16.0) <= 1.0 and peak <= -1.0, (mp4.name, lufs, peak)
        if mp4.stem == "mini-test":
            report = json.loads((folder / "mini-test.loudness.json").read_text())
            assert report["target"] == {"integrated_lufs": -16.0, "true_peak_dbtp": -1.0}
            assert report["mp4"]["integrated_lufs"] == pytest.approx(lufs, abs=0.02)
            assert report["mp4"]["true_peak_dbtp"] == pytest.approx(peak, abs=0.02)
            assert report["pcm"]["true_peak_dbtp"] <= -1.0
    assert "loudness -1" in proc.stdout and "LUFS" in proc.stdout

    # A target the ceiling cannot allow is an error, after which the published render is intact.
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and ".work" not in p.parts}
    path = with_audio(tmp_path, "audio:\n  loudness: -9\n  true_peak: -9", "impossible.yaml")
    proc = run_cli("render", "all", "-s", str(path), "-q", "preview", "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert f"{path}:{setting_line(path)}:" in last and "audio.loudness:" in last and "lower audio.loudness" in last
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and ".work" not in p.parts} == before
