"""The deep probe: files cut short are refused locally (real files from media.samples, then cut)."""
from __future__ import annotations

import time
from pathlib import Path

import av
import pytest

from bailian_video.i18n import set_language
from bailian_video.media.probe import MediaError, incomplete, probe
from bailian_video.media.samples import make_audio, make_image, make_video


def cut(src: Path, fraction: float, name: str | None = None) -> Path:
    """The first ``fraction`` of ``src`` as a new file beside it."""
    data = src.read_bytes()
    out = src.with_name(name or f"cut{round(fraction * 100)}_{src.name}")
    out.write_bytes(data[: int(len(data) * fraction)])
    return out


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return make_video(tmp_path_factory.mktemp("deep") / "clip.mp4", 320, 240, 3.0, fps=25, with_audio=True)


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language("en")


def percent(err: MediaError) -> int:
    return int(err.message.en.split("cut off at ")[1].split("%")[0])


def refused(path: Path) -> MediaError:
    with pytest.raises(MediaError) as e:
        probe(path)
    assert e.value.code == "incomplete", str(e.value)
    assert path.name in str(e.value)
    return e.value


# -- images ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["photo.png", "photo.jpg", "photo.webp", "photo.bmp"])
def test_an_image_cut_to_a_third_is_refused(tmp_path, name):
    good = make_image(tmp_path / name, 800, 600, text="whole")
    assert probe(good).kind == "image"
    err = refused(cut(good, 1 / 3))
    assert err.message.en == "The file is incomplete or damaged; export it again or pick another file"
    assert err.message.zh == "文件不完整或已损坏；请重新导出或换一个文件"


def test_the_header_only_look_still_passes_a_cut_png(tmp_path):
    """The reason for the deep look: the header of the first third of a PNG describes the whole picture."""
    bad = cut(make_image(tmp_path / "p.png", 800, 600), 1 / 3)
    info = probe(bad, deep=False)
    assert (info.kind, info.width, info.height) == ("image", 800, 600)
    refused(bad)


def test_a_jpeg_missing_only_its_last_bytes_is_refused(tmp_path):
    good = make_image(tmp_path / "end.jpg", 640, 480)
    data = good.read_bytes()
    bad = tmp_path / "noend.jpg"
    bad.write_bytes(data[:-2])       # just the end-of-image marker gone
    refused(bad)


def test_a_cut_png_is_refused_in_chinese_too(tmp_path):
    bad = cut(make_image(tmp_path / "图.png", 400, 300), 0.5)
    set_language("zh")
    with pytest.raises(MediaError) as e:
        probe(bad)
    assert str(e.value) == f"{bad.name}: 文件不完整或已损坏；请重新导出或换一个文件"


# -- audio -------------------------------------------------------------------------------------
@pytest.mark.parametrize("ext", ["wav", "mp3"])
def test_audio_cut_at_63_percent_says_where(tmp_path, ext):
    good = make_audio(tmp_path / f"voice.{ext}", 5.0)
    assert probe(good).duration == pytest.approx(5.0, abs=0.1)
    err = refused(cut(good, 0.63))
    pct = percent(err)
    assert 58 <= pct <= 64, err.message.en
    assert err.message.en == (f"The file is incomplete or damaged (cut off at {pct}%); "
                              "export it again or pick another file")
    assert err.message.zh == f"文件不完整或已损坏（在 {pct}% 处截断）；请重新导出或换一个文件"


def test_a_wav_cut_exactly_between_samples_is_refused(tmp_path):
    """No partial packet to give it away: the RIFF header's data length does."""
    good = make_audio(tmp_path / "even.wav", 4.0)
    data = good.read_bytes()
    bad = tmp_path / "even_cut.wav"
    bad.write_bytes(data[: 44 + 16000 * 2])      # header + exactly one second of 16-bit mono
    assert "cut off at 25%" in refused(bad).message.en


def test_an_m4a_cut_before_its_index_is_incomplete_not_unrecognisable(tmp_path):
    good = make_audio(tmp_path / "voice.m4a", 4.0)   # this muxer writes the index at the end
    assert 45 <= percent(refused(cut(good, 0.5))) <= 55


# -- video -------------------------------------------------------------------------------------
def test_mp4_cut_at_63_percent_says_where(clip):
    assert probe(clip).duration == pytest.approx(3.0, abs=0.05)
    bad = cut(clip, 0.63)
    assert probe(bad, deep=False).duration == pytest.approx(3.0, abs=0.05)   # the header still says 3 s
    err = refused(bad)
    import re
    at = re.search(r"\(cut off at (\d+)%\)", err.message.en)
    assert at and 55 <= int(at.group(1)) <= 70, err.message.en      # where, give or take a packet
    assert f"在 {at.group(1)}% 处截断" in err.message.zh


@pytest.mark.parametrize("fraction", [0.2, 0.95, 0.999])
def test_mp4_cut_anywhere_is_refused(clip, fraction):
    refused(cut(clip, fraction))


def remux(clip: Path, out: Path, fmt: str, options: dict[str, str] | None = None) -> Path:
    """The same streams in another container (or with other muxer options), without re-encoding."""
    with av.open(str(clip)) as src, av.open(str(out), "w", format=fmt, options=options or {}) as dst:
        streams = {s.index: dst.add_stream_from_template(s) for s in src.streams}
        for pkt in src.demux():
            if pkt.dts is None:
                continue
            pkt.stream = streams[pkt.stream.index]
            dst.mux(pkt)
    return out


@pytest.mark.parametrize("ext,fmt", [("mkv", "matroska"), ("mov", "mov")])
def test_other_containers_cut_short_are_refused(tmp_path, clip, ext, fmt):
    out = remux(clip, tmp_path / f"remux.{ext}", fmt)
    assert probe(out).kind == "video"
    refused(cut(out, 0.5))


@pytest.mark.parametrize("opts", [{"movflags": "faststart"}, {"movflags": "frag_keyframe+empty_moov"}])
def test_whole_mp4_variants_pass(tmp_path, clip, opts):
    out = remux(clip, tmp_path / "variant.mp4", "mp4", opts)
    info = probe(out)
    assert info.kind == "video" and info.has_audio
    refused(cut(out, 0.6))


def test_whole_files_of_every_sample_kind_pass(tmp_path):
    files = [make_audio(tmp_path / f"a.{e}", 3.0) for e in ("wav", "mp3", "m4a", "aac", "flac")]
    files += [make_image(tmp_path / f"i.{e}", 320, 240) for e in ("png", "jpg", "webp", "bmp", "gif")]
    files.append(make_video(tmp_path / "silent.mp4", 160, 96, 1.0, fps=24))
    for f in files:
        assert probe(f).size_bytes == f.stat().st_size


def test_the_deep_look_is_cheap_for_a_clip(clip):
    probe(clip)
    t0 = time.perf_counter()
    for _ in range(5):
        probe(clip)
    per_call = (time.perf_counter() - t0) / 5
    assert per_call < 1.0, per_call      # a generous bound for a busy CI box; ~5 ms here


def test_incomplete_without_a_measure_has_no_percentage(tmp_path):
    e = incomplete(tmp_path / "x.mp4", None)
    assert "%" not in e.message.en and "%" not in e.message.zh
    assert "cut off at 0%" in incomplete(tmp_path / "x.mp4", 0.0).message.en
    assert "%" not in incomplete(tmp_path / "x.mp4", 0.999).message.en
