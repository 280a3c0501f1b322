"""media.stitch: real clips joined, every output decoded back frame by frame (no mocks)."""
from __future__ import annotations

import threading
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from bailian_video.media.probe import MediaError, probe
from bailian_video.media.samples import make_audio, make_video
from bailian_video.media.stitch import Cut, StitchCanceled, can_copy, last_frame, stitch

FPS = 24
FRAME = 1 / FPS


# -- helpers -----------------------------------------------------------------------------------
def frames(path: Path) -> list[np.ndarray]:
    """Every frame as RGB; decoding stops with an error on a broken stream."""
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def samples(path: Path) -> np.ndarray:
    with av.open(str(path)) as c:
        return np.concatenate([f.to_ndarray() for f in c.decode(audio=0)], axis=1)


def mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def track_seconds(path: Path, kind: str) -> float:
    with av.open(str(path)) as c:
        s = c.streams.video[0] if kind == "video" else c.streams.audio[0]
        return float(s.duration * s.time_base)


class Progress(list):
    def __call__(self, value: float) -> None:
        self.append(value)

    def check(self) -> None:
        assert self and self[-1] == 1.0
        assert all(0.0 <= a <= b <= 1.0 for a, b in zip(self, self[1:], strict=False))


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("clips")
    return {
        "one": make_video(d / "one.mp4", 320, 180, 2.0, FPS, with_audio=True, text="1"),
        "two": make_video(d / "two.mp4", 320, 180, 3.0, FPS, with_audio=True, text="2"),
        "three": make_video(d / "three.mp4", 320, 180, 2.5, FPS, with_audio=True, text="3"),
        "square": make_video(d / "square.mp4", 256, 256, 2.0, 30, text="S"),
        "mute": make_video(d / "mute.mp4", 320, 180, 2.0, FPS, text="M"),
    }


def no_leftovers(out: Path) -> None:
    assert not out.with_suffix(".part.mp4").exists()


# -- stream copy -------------------------------------------------------------------------------
def test_same_format_clips_are_stream_copied(clips, tmp_path):
    one, two, three = clips["one"], clips["two"], clips["three"]
    assert can_copy([one, two, three])
    progress = Progress()
    out = tmp_path / "film.mp4"
    res = stitch([Cut(one), Cut(two), Cut(three)], out, progress=progress)

    assert res.mode == "copy" and res.path == out and out.exists()
    no_leftovers(out)
    assert (res.width, res.height, res.fps, res.has_audio) == (320, 180, FPS, True)
    assert res.offsets == pytest.approx([0.0, 2.0, 5.0])
    assert res.duration == pytest.approx(7.5, abs=3 * FRAME)
    info = probe(out)                                    # deep: every packet present
    assert (info.video_codec, info.audio_codec, info.has_audio) == ("h264", "aac", True)
    got = frames(out)
    assert abs(len(got) - 180) <= 3
    first, last = frames(one)[0], frames(three)[-1]
    assert mad(got[0], first) < 0.5 and mad(got[-1], last) < 0.5
    assert mad(got[48], frames(two)[0]) < 0.5            # clip 2 starts at 2.0 s
    assert track_seconds(out, "audio") == pytest.approx(track_seconds(out, "video"), abs=0.1)
    assert samples(out).shape[1] / 44100 == pytest.approx(7.5, abs=0.1)
    progress.check()


def test_a_cut_starting_on_a_keyframe_is_still_copied(clips, tmp_path):
    two = clips["two"]
    with av.open(str(two)) as c:   # the sample clips have a keyframe every 2 s
        keys = [p.pts * p.time_base for p in c.demux(video=0) if p.size and p.is_keyframe]
    assert 2 in keys
    res = stitch([Cut(clips["one"]), Cut(two, start=2.0)], tmp_path / "keyed.mp4")
    assert res.mode == "copy"
    got = frames(res.path)
    assert abs(len(got) - 72) <= 2 and res.duration == pytest.approx(3.0, abs=2 * FRAME)
    assert mad(got[48], frames(two)[48]) < 0.5


# -- re-encoding -------------------------------------------------------------------------------
def test_mixed_formats_are_encoded_at_the_most_common(clips, tmp_path):
    one, square, three = clips["one"], clips["square"], clips["three"]
    assert not can_copy([one, square, three])
    progress = Progress()
    res = stitch([Cut(square), Cut(one), Cut(three)], tmp_path / "mixed.mp4", progress=progress)

    assert res.mode == "encode"
    assert (res.width, res.height, res.fps) == (320, 180, FPS)     # two of three, though not the first
    info = probe(res.path)
    assert (info.width, info.height, info.fps, info.video_codec) == (320, 180, FPS, "h264")
    assert res.offsets == pytest.approx([0.0, 2.0, 4.0])
    assert res.duration == pytest.approx(6.5, abs=3 * FRAME)
    got = frames(res.path)
    assert abs(len(got) - 156) <= 3
    # The square clip is letterboxed: black bars left and right, its picture in the middle.
    square_mid = frames(square)[30]                                 # 1.0 s at 30 fps
    shown = got[24]                                                 # 1.0 s at 24 fps
    assert shown[:, :60].max() < 30 and shown[:, -60:].max() < 30
    fitted = np.asarray(Image.fromarray(square_mid).resize((180, 180), Image.Resampling.BICUBIC))
    assert mad(shown[:, 70:250], fitted) < 8
    assert mad(got[48], frames(one)[0]) < 6 and mad(got[-1], frames(three)[-1]) < 6
    with av.open(str(res.path)) as c:
        assert c.streams.video[0].codec_context.pix_fmt == "yuv420p"
    progress.check()


def test_a_tie_goes_to_the_first_cuts_format(clips, tmp_path):
    res = stitch([Cut(clips["square"]), Cut(clips["one"])], tmp_path / "tie.mp4")
    assert res.mode == "encode" and (res.width, res.height, res.fps) == (256, 256, 30)
    assert len(frames(res.path)) == pytest.approx(120, abs=2)


def test_a_trimmed_start_begins_on_the_exact_frame(clips, tmp_path):
    one, two, three = clips["one"], clips["two"], clips["three"]
    res = stitch([Cut(one), Cut(two, start=1.0), Cut(three)], tmp_path / "trim.mp4")
    assert res.mode == "encode"                          # 1.0 s is not a keyframe of clip 2
    assert res.duration == pytest.approx(7.5 - 1.0, abs=3 * FRAME)
    assert res.offsets == pytest.approx([0.0, 2.0, 4.0])
    got = frames(res.path)
    source = frames(two)
    at_cut = got[round(res.offsets[1] * FPS)]
    nearest = min(range(18, 31), key=lambda k: mad(at_cut, source[k]))
    assert nearest == 24 and mad(at_cut, source[24]) < 6          # the source frame at 1.0 s
    # and the end trimmed too: clip 2 from 1.0 s to 2.0 s only
    short = stitch([Cut(two, start=1.0, end=2.0)], tmp_path / "short.mp4")
    assert short.duration == pytest.approx(1.0, abs=FRAME)
    assert len(frames(short.path)) == 24


def test_a_crossfade_overlaps_and_blends(clips, tmp_path):
    one, two, three = clips["one"], clips["two"], clips["three"]
    progress = Progress()
    res = stitch([Cut(one), Cut(two), Cut(three)], tmp_path / "fade.mp4", crossfade=0.5, progress=progress)
    assert res.mode == "encode"
    assert res.duration == pytest.approx(7.5 - 0.5 * 2, abs=3 * FRAME)
    assert res.offsets == pytest.approx([0.0, 1.5, 4.0])
    got = frames(res.path)
    # 12 frames of fade; the 7th blends clip 1's frame 42 and clip 2's frame 6 at weight 7/13.
    a, b = frames(one)[42].astype(np.float32), frames(two)[6].astype(np.float32)
    mid = got[36 + 6]
    w = 7 / 13
    blend = ((1 - w) * a + w * b).round().astype(np.uint8)
    assert mad(mid, blend) < 5
    assert mad(mid, a.astype(np.uint8)) > 2 * mad(mid, blend)
    assert mad(mid, b.astype(np.uint8)) > 2 * mad(mid, blend)
    assert track_seconds(res.path, "audio") == pytest.approx(res.duration, abs=0.1)
    progress.check()


def test_a_crossfade_is_clamped_below_half_the_shortest_cut(clips, tmp_path):
    res = stitch([Cut(clips["one"], end=1.0), Cut(clips["two"])], tmp_path / "clamp.mp4", crossfade=3.0)
    # 1 s and 3 s: at most 11 of the short cut's 24 frames overlap.
    assert res.duration == pytest.approx(4.0 - 11 * FRAME, abs=FRAME)
    assert res.offsets[1] == pytest.approx(13 * FRAME)


# -- sound -------------------------------------------------------------------------------------
def test_a_clip_without_sound_contributes_silence(clips, tmp_path):
    res = stitch([Cut(clips["one"]), Cut(clips["mute"])], tmp_path / "sound.mp4")
    assert res.mode == "encode" and res.has_audio
    assert probe(res.path).has_audio
    assert track_seconds(res.path, "audio") == pytest.approx(track_seconds(res.path, "video"), abs=0.1)
    assert track_seconds(res.path, "video") == pytest.approx(4.0, abs=2 * FRAME)
    pcm = samples(res.path)
    with av.open(str(res.path)) as c:
        rate = c.streams.audio[0].codec_context.sample_rate
    assert rate == 44100                                  # both sources' rate kept
    first = pcm[:, int(0.1 * rate):int(1.9 * rate)]
    rest = pcm[:, int(2.1 * rate):int(3.9 * rate)]
    assert np.abs(first).max() > 0.1 and np.abs(rest).max() < 0.01
    # The sound of clip 1 is the source's own, sample for sample (only AAC's rounding differs).
    src = samples(clips["one"])[:, :first.shape[1] + int(0.1 * rate)]
    assert float(np.sqrt(((pcm[:, :src.shape[1]] - src) ** 2).mean())) < 0.01


# -- cancel and errors -------------------------------------------------------------------------
def test_cancel_midway_leaves_nothing(clips, tmp_path):
    cancel = threading.Event()
    seen: list[float] = []

    def progress(value: float) -> None:
        seen.append(value)
        if value > 0.0:
            cancel.set()

    out = tmp_path / "canceled.mp4"
    with pytest.raises(StitchCanceled):
        stitch([Cut(clips["one"]), Cut(clips["square"]), Cut(clips["two"])], out, crossfade=0.5,
               progress=progress, cancel=cancel)
    assert 0.0 < seen[-1] < 0.5
    assert not out.exists()
    no_leftovers(out)
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_clip_is_named(clips, tmp_path):
    bad = tmp_path / "broken clip.mp4"
    bad.write_bytes(b"this is not a video at all" * 100)
    with pytest.raises(MediaError) as err:
        stitch([Cut(clips["one"]), Cut(bad)], tmp_path / "out.mp4")
    assert "broken clip.mp4" in str(err.value)
    sound = make_audio(tmp_path / "voice.m4a", 1.0)
    with pytest.raises(MediaError, match="not a video"):
        stitch([Cut(sound)], tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()
    no_leftovers(tmp_path / "out.mp4")


# -- the last frame ----------------------------------------------------------------------------
def test_last_frame_is_the_exact_last_decoded_frame(clips, tmp_path):
    two = clips["two"]
    with av.open(str(two)) as c:
        packets = sorted((p.pts, p.is_keyframe) for p in c.demux(video=0) if p.size)
    assert packets[-1][1] is False                       # the last frame is not a keyframe
    png = last_frame(two, tmp_path / "stills" / "last.png")
    assert png == tmp_path / "stills" / "last.png"
    with Image.open(png) as im:
        assert (im.format, im.mode, im.size) == ("PNG", "RGB", (320, 180))
        saved = np.asarray(im)
    every = frames(two)
    assert np.array_equal(saved, every[-1])
    assert not np.array_equal(saved, every[48])          # not the last keyframe
    assert list(png.parent.iterdir()) == [png]


def test_last_frame_of_something_without_frames(tmp_path):
    sound = make_audio(tmp_path / "voice.m4a", 1.0)
    with pytest.raises(MediaError) as err:
        last_frame(sound, tmp_path / "x.png")
    assert "voice.m4a" in str(err.value) and not (tmp_path / "x.png").exists()
