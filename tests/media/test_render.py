"""media.render: every output is probed and decoded back (real files, no mocks)."""
from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from bailian_video.media import render as R
from bailian_video.media.probe import MediaError, probe
from bailian_video.media.samples import make_audio, make_image, make_video


# -- helpers -----------------------------------------------------------------------------------
def frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def first_last(path: Path) -> tuple[np.ndarray, np.ndarray, int]:
    fr = frames(path)
    return fr[0], fr[-1], len(fr)


def mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def cover(path: Path, w: int, h: int) -> np.ndarray:
    im = Image.open(path).convert("RGB")
    s = max(w / im.width, h / im.height)
    im = im.resize((round(im.width * s), round(im.height * s)), Image.Resampling.BICUBIC)
    x, y = (im.width - w) // 2, (im.height - h) // 2
    return np.asarray(im.crop((x, y, x + w, y + h)))


def check(res: R.RenderResult, w: int, h: int, duration: float, fps: float, has_audio: bool) -> None:
    assert res.path.exists() and not res.path.with_suffix(".tmp.mp4").exists()
    info = probe(res.path)
    assert (info.kind, info.format, info.video_codec) == ("video", "mp4", "h264")
    assert (info.width, info.height) == (w, h) == (res.width, res.height)
    assert info.fps == pytest.approx(fps, rel=1e-3) and res.fps == pytest.approx(fps, rel=1e-3)
    assert res.frames == round(duration * fps)
    assert info.duration == pytest.approx(duration, abs=1.0 / fps + 0.05)
    assert res.duration == pytest.approx(duration, abs=1.0 / fps)
    assert info.has_audio is has_audio is res.has_audio
    if has_audio:
        assert info.audio_codec == "aac"
    with av.open(str(res.path)) as c:
        v = c.streams.video[0]
        assert v.codec_context.pix_fmt == "yuv420p"
        if has_audio:
            a = c.streams.audio[0]
            assert a.codec_context.sample_rate == R.AUDIO_RATE and a.codec_context.channels == 2


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("render-inputs")
    return {
        "face": make_image(d / "face.png", 480, 360, text="First 首帧", color=(60, 120, 200)),
        "last": make_image(d / "last.jpg", 300, 400, text="Last 尾帧", color=(210, 90, 50)),
        "third": make_image(d / "third.webp", 400, 400, text="third", color=(60, 170, 80)),
        "voice": make_audio(d / "voice.wav", 2.0),
        "short": make_audio(d / "short.mp3", 0.6),
        "clip": make_video(d / "clip.mp4", 320, 240, 1.2, fps=25, with_audio=True, text="clip"),
        "silent": make_video(d / "silent.mp4", 160, 120, 0.8, fps=20, text="x"),
    }


# -- text to video -----------------------------------------------------------------------------
def test_text_chinese_with_audio_and_label(tmp_path, inputs):
    res = R.render_text(tmp_path / "t.mp4", "一只小猫在月光下的屋顶上慢慢地走，远处是城市的灯火。", 320, 240, 1.5, 24,
                        seed=7, audio=inputs["voice"], label="wan2.5-t2v-preview")
    check(res, 320, 240, 1.5, 24, True)
    a, b, n = first_last(res.path)
    assert n == 36
    assert mad(a, b) > 1.0                   # the background moves
    centre = a[60:180, 40:280]
    assert (centre.min(axis=2) > 200).mean() > 0.02   # white glyphs drawn large in the middle
    # other seeds give other colours
    other = R.render_text(tmp_path / "t2.mp4", "一只小猫在月光下的屋顶上慢慢地走，远处是城市的灯火。", 320, 240,
                          0.5, 24, seed=8)
    assert mad(first_last(other.path)[0], a) > 8


@pytest.mark.parametrize("prompt", ["长" * 1500, ("A very long English prompt with many words " * 40)[:1500]])
def test_text_very_long_prompt_fits(tmp_path, prompt):
    res = R.render_text(tmp_path / "long.mp4", prompt, 320, 240, 0.5, 24)
    check(res, 320, 240, 0.5, 24, False)
    f = frames(res.path)[0]
    bright = f.min(axis=2) > 200
    rows = np.flatnonzero(bright.any(axis=1))
    assert rows.size and rows.min() > 2 and rows.max() < 237   # text kept inside the frame


def test_text_layout_wraps_and_ellipsizes():
    font = R._font(20)
    lines = R._wrap("春眠不觉晓处处闻啼鸟夜来风雨声花落知多少", font, 100)
    assert len(lines) > 1 and all(font.getlength(ln) <= 100 + 1 for ln in lines)
    words = R._wrap("the quick brown fox jumps over the lazy dog", font, 120)
    assert all(not w.startswith(" ") and not w.endswith(" ") for w in words)
    assert " ".join(words) == "the quick brown fox jumps over the lazy dog"  # breaks only between words
    _, fitted, lh = R._layout("字" * 1500, 300, 200, 40, 10)
    assert len(fitted) * lh <= 200 and fitted[-1].endswith("…")


def test_text_odd_size_rounds_down_to_even(tmp_path):
    res = R.render_text(tmp_path / "odd.mp4", "odd", 321, 243, 0.4, 10)
    check(res, 320, 242, 0.4, 10, False)


def test_text_1080p(tmp_path):
    res = R.render_text(tmp_path / "hd.mp4", "渲染 1080p 测试 render test", 1920, 1080, 1.0, 30,
                        label="wan2.5-t2v-preview")
    check(res, 1920, 1080, 1.0, 30, False)


# -- image to video ----------------------------------------------------------------------------
def test_image_motion_starts_on_the_image_then_moves(tmp_path, inputs):
    res = R.render_image_motion(tmp_path / "m.mp4", inputs["face"], 320, 240, 1.2, 25)
    check(res, 320, 240, 1.2, 25, False)
    a, b, _ = first_last(res.path)
    ref = cover(inputs["face"], 320, 240)
    assert mad(a, ref) < 6
    assert mad(b, ref) > 12


def test_image_motion_cover_crops_other_aspect_and_takes_short_audio(tmp_path, inputs):
    res = R.render_image_motion(tmp_path / "m2.mp4", inputs["last"], 256, 144, 1.0, 30, audio=inputs["short"],
                                label="wan2.2-i2v-flash")
    check(res, 256, 144, 1.0, 30, True)   # 0.6 s of audio, padded with silence to the video's length
    a = frames(res.path)[0]
    ref = cover(inputs["last"], 256, 144)
    assert mad(a[:100, :150], ref[:100, :150]) < 8   # away from the label corner


def test_transition_goes_from_first_to_last(tmp_path, inputs):
    res = R.render_transition(tmp_path / "tr.mp4", inputs["face"], inputs["last"], 320, 240, 1.2, 25)
    check(res, 320, 240, 1.2, 25, False)
    fr = frames(res.path)
    first, last = cover(inputs["face"], 320, 240), cover(inputs["last"], 320, 240)
    assert mad(fr[0], first) < 6 and mad(fr[0], last) > 20
    assert mad(fr[-1], last) < 6 and mad(fr[-1], first) > 20
    mid = fr[len(fr) // 2]
    assert mad(mid, first) > 6 and mad(mid, last) > 6   # a dissolve in between


def test_transition_to_the_same_picture_pushes_in_and_back(tmp_path, inputs):
    res = R.render_transition(tmp_path / "same.mp4", inputs["face"], str(inputs["face"]), 320, 240, 1.2, 25)
    fr = frames(res.path)
    ref = cover(inputs["face"], 320, 240)
    assert mad(fr[0], ref) < 6 and mad(fr[-1], ref) < 6 and mad(fr[len(fr) // 2], ref) > 8


def test_transition_without_last_is_image_motion(tmp_path, inputs):
    res = R.render_transition(tmp_path / "tr1.mp4", inputs["face"], None, 320, 240, 0.8, 25)
    check(res, 320, 240, 0.8, 25, False)
    a, b, _ = first_last(res.path)
    assert mad(a, cover(inputs["face"], 320, 240)) < 6 and mad(a, b) > 8


# -- style transform ---------------------------------------------------------------------------
def test_restyle_all_styles_differ_from_input_and_each_other(tmp_path, inputs):
    src = frames(inputs["clip"])[0]
    firsts = []
    for style in range(8):
        res = R.render_restyle(tmp_path / f"s{style}.mp4", inputs["clip"], style, max_duration=0.4)
        check(res, 320, 240, 0.4, 25, True)
        f = frames(res.path)[0]
        assert mad(f, src) > 20, f"style {style} looks too much like the input"
        firsts.append(f)
    for (i, a), (j, b) in itertools.combinations(enumerate(firsts), 2):
        assert mad(a, b) > 10, f"styles {i} and {j} look alike"


def test_restyle_size_fps_duration_and_audio_options(tmp_path, inputs):
    res = R.render_restyle(tmp_path / "r.mp4", inputs["clip"], 3, width=201, height=151, fps=15,
                           max_duration=0.8, audio_from_input=False, label="video-style-transform")
    check(res, 200, 150, 0.8, 15, False)
    res = R.render_restyle(tmp_path / "r2.mp4", inputs["clip"], 1, width=160)   # height follows the aspect
    check(res, 160, 120, 1.2, 25, True)
    res = R.render_restyle(tmp_path / "r3.mp4", inputs["silent"], 6)
    check(res, 160, 120, 0.8, 20, False)


def test_restyle_follows_the_input_motion(tmp_path, inputs):
    res = R.render_restyle(tmp_path / "mv.mp4", inputs["clip"], 6)
    fr = frames(res.path)
    assert mad(fr[0], fr[-1]) > 3


def test_restyle_rejects_bad_style_and_non_video(tmp_path, inputs):
    with pytest.raises(ValueError):
        R.render_restyle(tmp_path / "x.mp4", inputs["clip"], 8)
    with pytest.raises(MediaError):
        R.render_restyle(tmp_path / "x.mp4", inputs["voice"], 0)
    assert not (tmp_path / "x.mp4").exists() and not (tmp_path / "x.tmp.mp4").exists()


# -- portraits ---------------------------------------------------------------------------------
def test_portrait_lasts_as_long_as_the_audio(tmp_path, inputs):
    res = R.render_portrait(tmp_path / "p.mp4", inputs["face"], inputs["voice"], 240, 320, 25, label="emo-v1")
    check(res, 240, 320, 2.0, 25, True)
    fr = frames(res.path)
    moves = [mad(a, b) for a, b in itertools.pairwise(fr)]
    assert max(moves) > 1.0            # the head moves
    capped = R.render_portrait(tmp_path / "p2.mp4", inputs["face"], inputs["voice"], 200, 200, 20,
                               max_duration=1.0)
    check(capped, 200, 200, 1.0, 20, True)


def test_retalk_extend_plays_back_and_forth(tmp_path, inputs):
    src = frames(inputs["silent"])            # 16 frames at 20 fps, no audio
    res = R.render_retalk(tmp_path / "rt.mp4", inputs["silent"], inputs["voice"], extend=True, label="videoretalk")
    check(res, 160, 120, 2.0, 20, True)
    out = frames(res.path)
    n = len(src)

    def which(f: np.ndarray) -> int:          # the source frame this output frame shows (label corner left out)
        return int(np.argmin([mad(f[:90, :100], s[:90, :100]) for s in src]))

    order = [which(f) for f in out]
    assert order[:n] == list(range(n))                          # forward ...
    assert order[n:2 * n - 2] == list(range(n - 2, 0, -1))      # ... backward ...
    assert order[2 * n - 2:2 * n + 3] == [0, 1, 2, 3, 4]        # ... forward again


def test_retalk_without_extend_is_cut_to_the_video(tmp_path, inputs):
    res = R.render_retalk(tmp_path / "rt2.mp4", inputs["silent"], inputs["voice"], extend=False)
    check(res, 160, 120, 0.8, 20, True)
    res = R.render_retalk(tmp_path / "rt3.mp4", inputs["clip"], inputs["short"], extend=True)
    check(res, 320, 240, 0.6, 25, True)     # audio shorter than the video: the audio's length
    res = R.render_retalk(tmp_path / "rt4.mp4", inputs["silent"], inputs["voice"], extend=True, max_duration=1.5)
    check(res, 160, 120, 1.5, 20, True)


# -- several images ----------------------------------------------------------------------------
def test_images_side_by_side_then_in_turn(tmp_path, inputs):
    imgs = [inputs["face"], inputs["last"], inputs["third"]]
    res = R.render_images(tmp_path / "i.mp4", imgs, 320, 240, 2.0, 20, label="wan2.1-vace-plus")
    check(res, 320, 240, 2.0, 20, False)
    fr = frames(res.path)
    covers = [cover(p, 320, 240) for p in imgs]
    # the first frame is a montage: not any single picture
    assert min(mad(fr[0], c) for c in covers) > 15
    # each picture gets a turn, full-frame
    for c in covers:
        assert min(mad(f, c) for f in fr) < 12
    single = R.render_images(tmp_path / "i1.mp4", [inputs["third"]], 200, 200, 0.5, 20)
    check(single, 200, 200, 0.5, 20, False)
    with pytest.raises(ValueError):
        R.render_images(tmp_path / "i0.mp4", [], 200, 200, 0.5, 20)


# -- encoding details --------------------------------------------------------------------------
def test_label_is_drawn_in_a_corner(tmp_path, inputs):
    a = R.render_image_motion(tmp_path / "a.mp4", inputs["face"], 320, 240, 0.2, 10)
    b = R.render_image_motion(tmp_path / "b.mp4", inputs["face"], 320, 240, 0.2, 10, label="wanx-model-name")
    fa, fb = frames(a.path)[0], frames(b.path)[0]
    assert mad(fa[200:, 180:], fb[200:, 180:]) > 8     # bottom-right caption
    assert mad(fa[:120, :160], fb[:120, :160]) < 1     # the rest untouched


def test_fractional_fps_and_exact_frame_count(tmp_path, inputs):
    res = R.render_image_motion(tmp_path / "ntsc.mp4", inputs["face"], 160, 120, 1.0, 29.97)
    check(res, 160, 120, 1.0, 29.97, False)
    assert len(frames(res.path)) == 30


def test_failure_leaves_no_partial_files(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image at all")
    with pytest.raises(MediaError):
        R.render_image_motion(tmp_path / "out.mp4", bad, 160, 120, 0.5, 10)
    with pytest.raises(MediaError):
        R.render_text(tmp_path / "out.mp4", "x", 160, 120, 0.5, 10, audio=bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.png"]


def test_audio_is_trimmed_to_the_video(tmp_path, inputs):
    res = R.render_text(tmp_path / "trim.mp4", "trim", 160, 120, 0.5, 20, audio=inputs["voice"])
    check(res, 160, 120, 0.5, 20, True)
    with av.open(str(res.path)) as c:
        n = sum(f.samples for f in c.decode(audio=0))
    assert abs(n - 0.5 * R.AUDIO_RATE) <= 1024


def test_pingpong_backward_chunks_match_forward_decoding(tmp_path):
    # 3 s at 20 fps: keyframes every 40 frames, so backward chunks of 3 frames need real seeks
    clip = make_video(tmp_path / "gop.mp4", 96, 64, 3.0, fps=20)
    fwd = frames(clip)
    n = len(fwd)
    budget = 96 * 64 * 3 * 3
    out = list(R._pingpong(clip, 96, 64, 2 * n + 10, mem_budget=budget))
    want = list(range(n)) + list(range(n - 2, 0, -1)) + list(range(12))
    assert len(out) == len(want)
    for got, k in zip(out, want):
        assert np.array_equal(got, fwd[k]), k


def test_frames_stay_in_order_through_the_worker_pool(tmp_path, inputs):
    res = R.render_image_motion(tmp_path / "order.mp4", inputs["face"], 160, 120, 1.0, 30)
    fr = frames(res.path)
    d = [mad(f, fr[0]) for f in fr]
    assert all(b >= a - 0.6 for a, b in itertools.pairwise(d))   # the zoom only ever grows


def test_a_failing_frame_source_raises_and_leaves_nothing(tmp_path):
    def broken():
        yield np.zeros((64, 64, 3), np.uint8)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        R._encode(tmp_path / "broken.mp4", 64, 64, 10, 20, broken())
    with pytest.raises(ValueError, match="frame"):
        R._encode(tmp_path / "broken.mp4", 64, 64, 10, 5, lambda i: np.zeros((10, 10, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []
