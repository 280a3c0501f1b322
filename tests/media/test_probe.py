"""media.probe on real files made by media.samples (no mocks)."""
from __future__ import annotations

import shutil
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from bailian_video.media.probe import MediaError, MediaInfo, first_frame, load_image, probe, waveform
from bailian_video.media.samples import make_audio, make_image, make_video


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("probe-clip")
    return make_video(d / "clip.mp4", 320, 240, 2.0, fps=25, with_audio=True, text="clip")


# -- images ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,fmt", [("a.png", "png"), ("a.jpg", "jpeg"), ("a.jpeg", "jpeg"),
                                      ("a.bmp", "bmp"), ("a.webp", "webp"), ("a.gif", "gif")])
def test_image_formats(tmp_path, name, fmt):
    p = make_image(tmp_path / name, 300, 200, text="hi 你好")
    info = probe(p)
    assert isinstance(info, MediaInfo)
    assert (info.kind, info.format, info.width, info.height) == ("image", fmt, 300, 200)
    assert info.size_bytes == p.stat().st_size > 0
    assert info.duration is None and info.fps is None
    assert info.video_codec is None and info.audio_codec is None and not info.has_audio
    assert not info.has_alpha
    assert info.aspect == pytest.approx(1.5) and info.short_side == 200 and info.long_side == 300


@pytest.mark.parametrize("name", ["alpha.png", "alpha.webp"])
def test_alpha_detected(tmp_path, name):
    p = make_image(tmp_path / name, 200, 200, color=(20, 40, 60, 0))
    assert probe(p).has_alpha


def test_palette_transparency_and_opaque_rgba_source(tmp_path):
    im = Image.new("P", (64, 64), 0)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    im.info["transparency"] = 0
    im.save(tmp_path / "p.png", transparency=0)
    assert probe(tmp_path / "p.png").has_alpha
    Image.new("RGB", (64, 64), (1, 2, 3)).save(tmp_path / "rgb.png")
    assert not probe(tmp_path / "rgb.png").has_alpha


def test_kind_and_format_come_from_content_not_extension(tmp_path):
    jpg = make_image(tmp_path / "real.jpg", 240, 240)
    fake = tmp_path / "looks.png"
    shutil.copy(jpg, fake)
    info = probe(fake)
    assert (info.kind, info.format) == ("image", "jpeg")


def test_exif_rotation_swaps_reported_size(tmp_path):
    im = Image.new("RGB", (400, 300), (200, 100, 50))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    im.save(tmp_path / "rot.jpg", exif=exif)
    info = probe(tmp_path / "rot.jpg")
    assert (info.width, info.height) == (300, 400)
    assert load_image(tmp_path / "rot.jpg").size == (300, 400)


# -- audio -------------------------------------------------------------------------------------
@pytest.mark.parametrize("ext,fmt,codec", [("wav", "wav", "pcm_s16le"), ("mp3", "mp3", "mp3"),
                                           ("m4a", "m4a", "aac"), ("aac", "aac", "aac")])
def test_audio_formats_and_duration(tmp_path, ext, fmt, codec):
    p = make_audio(tmp_path / f"voice.{ext}", 3.0)
    info = probe(p)
    assert (info.kind, info.format, info.audio_codec) == ("audio", fmt, codec)
    assert info.width is None and info.height is None and info.fps is None
    assert info.has_audio and info.video_codec is None
    assert info.duration == pytest.approx(3.0, abs=0.1)


def test_audio_only_mp4_is_audio(tmp_path):
    m4a = make_audio(tmp_path / "voice.m4a", 2.0)
    mp4 = tmp_path / "voice.mp4"
    shutil.copy(m4a, mp4)
    info = probe(mp4)
    assert (info.kind, info.format, info.audio_codec) == ("audio", "mp4", "aac")
    assert info.width is None and info.duration == pytest.approx(2.0, abs=0.1)


# -- video -------------------------------------------------------------------------------------
def test_video_with_audio(clip):
    info = probe(clip)
    assert (info.kind, info.format, info.video_codec, info.audio_codec) == ("video", "mp4", "h264", "aac")
    assert (info.width, info.height) == (320, 240)
    assert info.fps == pytest.approx(25.0)
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert info.has_audio and not info.has_alpha


def test_video_without_audio(tmp_path):
    p = make_video(tmp_path / "silent.mp4", 160, 96, 1.0, fps=24)
    info = probe(p)
    assert (info.kind, info.width, info.height, info.fps) == ("video", 160, 96, pytest.approx(24.0))
    assert not info.has_audio and info.audio_codec is None
    assert info.duration == pytest.approx(1.0, abs=0.05)


def test_video_extension_variants(tmp_path, clip):
    mov = tmp_path / "clip.mov"
    shutil.copy(clip, mov)
    assert probe(mov).format == "mov"
    assert probe(mov).kind == "video"


# -- errors ------------------------------------------------------------------------------------
def test_garbage_file_raises_with_file_name(tmp_path):
    p = tmp_path / "garbage.mp4"
    p.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(MediaError) as e:
        probe(p)
    assert "garbage.mp4" in str(e.value)


def test_text_file_raises(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("not a media file, just words\n" * 20)
    with pytest.raises(MediaError, match="notes.txt"):
        probe(p)


def test_missing_empty_and_directory(tmp_path):
    with pytest.raises(MediaError, match="missing.png.*does not exist"):
        probe(tmp_path / "missing.png")
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(MediaError, match="empty.wav.*empty"):
        probe(tmp_path / "empty.wav")
    with pytest.raises(MediaError):
        probe(tmp_path)


def test_truncated_png_header_is_not_an_image(tmp_path):
    good = make_image(tmp_path / "ok.png", 100, 100)
    bad = tmp_path / "bad.png"
    bad.write_bytes(good.read_bytes()[:10])
    with pytest.raises(MediaError, match="bad.png"):
        probe(bad)


# -- thumbnails and waveforms ------------------------------------------------------------------
def test_first_frame_of_image_and_video(tmp_path, clip):
    img = make_image(tmp_path / "big.png", 800, 400, color=(200, 40, 40, 0))
    th = first_frame(img, max_side=200)
    assert th.mode == "RGB" and th.size == (200, 100)
    vt = first_frame(clip, max_side=160)
    assert vt.mode == "RGB" and vt.size == (160, 120)
    assert np.asarray(vt).std() > 10  # real picture content, not a blank frame
    with pytest.raises(MediaError):
        first_frame(make_audio(tmp_path / "a.wav", 1.0))


def test_waveform_bins_and_range(tmp_path, clip):
    wav = make_audio(tmp_path / "v.wav", 3.0)
    w = waveform(wav, bins=60)
    assert len(w) == 60 and all(0.0 <= x <= 1.0 for x in w)
    assert max(w) > 0.3 and min(w) < 0.5 * max(w)  # loud syllables and quieter gaps
    mp3 = waveform(make_audio(tmp_path / "v.mp3", 3.0), bins=60)
    assert len(mp3) == 60 and max(mp3) > 0.3
    assert np.corrcoef(w, mp3)[0, 1] > 0.8  # same signal, same shape whatever the codec
    vw = waveform(clip, bins=20)
    assert len(vw) == 20 and max(vw) > 0.1
    with pytest.raises(MediaError, match="no audio"):
        waveform(make_video(tmp_path / "silent.mp4", 64, 64, 0.5))


@pytest.mark.parametrize("known", [True, False])
def test_peak_bins_fold_chunks_with_and_without_a_known_length(known):
    from bailian_video.media.probe import _PeakBins

    sig = np.zeros(48_000, np.float32)
    sig[12_000:12_010] = 0.9          # a click in the second quarter
    sig[40_000:] = 0.25               # a quiet tail
    acc = _PeakBins(4, len(sig) if known else None)
    for k in range(0, len(sig), 777):  # odd chunk sizes, as decoders deliver them
        acc.add(sig[k:k + 777])
    assert acc.result() == pytest.approx([0.0, 0.9, 0.0, 0.25])


@pytest.mark.parametrize("ext", ["ts", "flv", "mkv"])
def test_other_video_containers(tmp_path, clip, ext):
    fmt = {"ts": "mpegts", "flv": "flv", "mkv": "matroska"}[ext]
    out = tmp_path / f"remux.{ext}"
    with av.open(str(clip)) as src, av.open(str(out), "w", format=fmt) as dst:
        streams = {s.index: dst.add_stream_from_template(s) for s in src.streams}
        for pkt in src.demux():
            if pkt.dts is None:
                continue
            pkt.stream = streams[pkt.stream.index]
            dst.mux(pkt)
    info = probe(out)
    assert (info.kind, info.format, info.video_codec, info.audio_codec) == ("video", ext, "h264", "aac")
    assert (info.width, info.height) == (320, 240) and info.duration == pytest.approx(2.0, abs=0.15)
