"""Stitch clips into one MP4, and take a video's exact last frame.

:func:`stitch` joins cuts (a clip, optionally trimmed to ``[start, end)``) end to end. When every
clip has the same video and audio layout, nothing is trimmed except at keyframes and there is no
cross-fade, the packets are copied as they are ("copy": fast, lossless). Otherwise the cuts are
decoded and encoded again ("encode") as H.264/yuv420p at the most common size and frame rate
among them (other clips letterboxed, frame rates converted on timestamps), with AAC audio when
any cut has sound (silence for those without). A cross-fade overlaps consecutive cuts with a
linear blend of picture and sound.

Both functions block; call them from a worker thread. The output is written next to ``out`` as
``<stem>.part.mp4`` and renamed at the end, so a crash or a cancel never leaves half a file.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ..i18n import T
from .probe import MediaError, MediaInfo, _open_av, probe
from .render import _AAC_FRAME, _blend, _even, _rate, _video_stream, _x264_options, _yuv_planes

__all__ = ["Cut", "StitchCanceled", "StitchResult", "can_copy", "last_frame", "stitch"]

log = logging.getLogger("bailian_video.media")

#: Sample rate of re-encoded sound when the clips do not share one.
AUDIO_RATE = 48000
_KINDS = {"image": T("图片", "an image"), "audio": T("音频", "audio")}


@dataclass(frozen=True)
class Cut:
    path: Path
    start: float = 0.0          # seconds into the source where this cut begins (in-point)
    end: float | None = None    # seconds into the source where it ends (None: the end of the file)


@dataclass
class StitchResult:
    path: Path
    duration: float             # seconds, probed from the written file
    mode: str                   # "copy" (stream copy) | "encode"
    width: int
    height: int
    fps: float
    has_audio: bool
    offsets: list[float]        # where each cut starts in the output (seconds)


class StitchCanceled(Exception):
    """The stitch was canceled; its partial output has been deleted."""


class _CopyFailed(Exception):
    """Stream copy turned out impossible for these files (the caller encodes instead)."""


# -- what each clip is ---------------------------------------------------------------------------
@dataclass
class _Source:
    path: Path
    width: int
    height: int
    rate: Fraction              # frames per second
    duration: Fraction          # of the video track, seconds
    video_layout: tuple         # what must match for a stream copy
    audio_layout: tuple | None
    audio_rate: int = 0
    audio_channels: int = 0
    _keys: list[Fraction] | None = field(default=None, repr=False)

    def keyframes(self) -> list[Fraction]:
        """Keyframe times (seconds from the video's start), read from the packets once."""
        if self._keys is None:
            keys: list[Fraction] = []
            with _open_av(self.path) as c:
                s = _video_stream(c, self.path)
                origin = _origin(s)
                for pkt in c.demux(s):
                    if pkt.size and pkt.is_keyframe and pkt.pts is not None:
                        keys.append(pkt.pts * s.time_base - origin)
            self._keys = sorted(keys)
        return self._keys


def _origin(stream) -> Fraction:
    """Presentation time of a stream's first frame."""
    return Fraction(stream.start_time or 0) * stream.time_base if stream.time_base else Fraction(0)


def _audio_stream(c):
    """The container's first real audio track, or None."""
    return next((s for s in c.streams.audio if getattr(s.codec_context, "sample_rate", 0)), None)


def _layouts(path: Path, info: MediaInfo) -> _Source:
    with _open_av(path) as c:
        v = _video_stream(c, path)
        ctx = v.codec_context
        rate = _rate(float(v.average_rate or v.guessed_rate or v.base_rate or info.fps or 25))
        if v.duration and v.time_base:
            duration = Fraction(v.duration) * v.time_base
        else:
            duration = Fraction(info.duration or 0).limit_denominator(1_000_000)
        src = _Source(path, int(ctx.width), int(ctx.height), rate, duration,
                      (ctx.name, int(ctx.width), int(ctx.height), rate, ctx.pix_fmt, bytes(ctx.extradata or b"")),
                      None)
        audio = _audio_stream(c)
        if audio is not None:
            a = audio.codec_context
            src.audio_rate, src.audio_channels = int(a.sample_rate), int(a.layout.nb_channels)
            src.audio_layout = (a.name, src.audio_rate, src.audio_channels, bytes(a.extradata or b""))
    if duration <= 0:
        raise MediaError(path, T("视频没有可播放的画面", "the video has no frames to play"))
    return src


def _source(path: Path, deep: bool = True) -> _Source:
    info = probe(path, deep=deep)
    if info.kind != "video":
        kind = _KINDS.get(info.kind, T(info.kind, info.kind))
        raise MediaError(path, T(f"这是{kind.zh}文件，不是视频", f"this is {kind.en}, not a video"))
    return _layouts(Path(path), info)


def _same_layout(sources: Sequence[_Source]) -> bool:
    first = sources[0]
    return all(s.video_layout == first.video_layout and s.audio_layout == first.audio_layout for s in sources)


def can_copy(paths: Sequence[Path]) -> bool:
    """Whether these videos can be joined by stream copy: the same codec (and codec setup), size,
    frame rate and pixel format, and the same audio (or none in all). Reads headers only; raises
    :class:`MediaError` for a file that is not a readable video."""
    sources = [_source(Path(p), deep=False) for p in paths]
    return bool(sources) and _same_layout(sources)


# -- progress and cancel -------------------------------------------------------------------------
class _Ticker:
    """Monotone, throttled progress calls plus the cancel check."""

    def __init__(self, progress: Callable[[float], None] | None, cancel: threading.Event | None):
        self.progress, self.cancel = progress, cancel
        self.value, self.at = 0.0, 0.0
        self.lo, self.hi = 0.0, 1.0

    def __call__(self, fraction: float, force: bool = False) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise StitchCanceled()
        if self.progress is None:
            return
        value = max(self.value, min(1.0, self.lo + (self.hi - self.lo) * max(0.0, fraction)))
        now = time.monotonic()
        if force or value - self.value >= 0.01 or now - self.at >= 0.1:
            self.value, self.at = value, now
            self.progress(value)

    def restart(self) -> None:
        """Report what follows in the range still left (after a stream copy that had to give up)."""
        self.lo = self.value


# -- stitching -----------------------------------------------------------------------------------
@dataclass
class _Span:
    source: _Source
    start: Fraction
    end: Fraction

    @property
    def duration(self) -> Fraction:
        return self.end - self.start


def _spans(cuts: Sequence[Cut], sources: dict[Path, _Source]) -> list[_Span]:
    spans = []
    for cut in cuts:
        src = sources[Path(cut.path)]
        start = max(Fraction(0), Fraction(cut.start).limit_denominator(1_000_000))
        end = src.duration if cut.end is None else min(src.duration,
                                                          Fraction(cut.end).limit_denominator(1_000_000))
        if end - start < Fraction(1, 1000):
            raise ValueError(f"{src.path.name}: the cut {cut.start}–{cut.end} s holds no video "
                             f"(the clip is {float(src.duration):.2f} s long)")
        spans.append(_Span(src, start, end))
    return spans


def stitch(cuts: Sequence[Cut], out: Path, *, crossfade: float = 0.0,
           progress: Callable[[float], None] | None = None,
           cancel: threading.Event | None = None) -> StitchResult:
    """Join ``cuts`` end to end into the MP4 ``out`` (see the module docstring).

    ``crossfade`` seconds overlap consecutive cuts (clamped below half the shortest cut);
    ``progress`` gets 0..1, monotone, ending with 1.0; setting ``cancel`` stops the work, deletes
    the partial file and raises :class:`StitchCanceled`. An unreadable clip raises
    :class:`MediaError` naming it.
    """
    if not cuts:
        raise ValueError("nothing to stitch")
    out = Path(out)
    tick = _Ticker(progress, cancel)
    tick(0.0, force=True)
    sources: dict[Path, _Source] = {}
    for cut in cuts:
        p = Path(cut.path)
        if p not in sources:
            sources[p] = _source(p)
            tick(0.0)
    spans = _spans(cuts, sources)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_suffix(".part.mp4")
    try:
        result = None
        if (crossfade <= 0 or len(spans) == 1) and _copyable(spans):
            try:
                result = _copy(spans, part, tick)
            except (_CopyFailed, av.FFmpegError) as e:
                log.info("stream copy of %d clips failed (%s); encoding them instead", len(spans), e)
                part.unlink(missing_ok=True)
                tick.restart()
        if result is None:
            result = _encode_all(spans, part, crossfade, tick)
        tick(1.0, force=True)
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    mode, width, height, rate, has_audio, offsets = result
    info = probe(out, deep=False)
    return StitchResult(path=out, duration=float(info.duration or 0.0), mode=mode, width=width, height=height,
                        fps=float(rate), has_audio=has_audio, offsets=[float(o) for o in offsets])


_Outcome = tuple[str, int, int, Fraction, bool, list[Fraction]]


# -- stream copy ---------------------------------------------------------------------------------
def _copyable(spans: Sequence[_Span]) -> bool:
    if not _same_layout([s.source for s in spans]):
        return False
    for span in spans:
        half = Fraction(1, 2) / span.source.rate
        if span.end < span.source.duration - half:
            return False
        if span.start > half:
            key = min(span.source.keyframes(), key=lambda k: abs(k - span.start), default=None)
            if key is None or abs(key - span.start) > Fraction(1, 1000):
                return False
            span.start = key
    return True


def _copy(spans: Sequence[_Span], part: Path, tick: _Ticker) -> _Outcome:
    total = sum((s.duration for s in spans), Fraction(0))
    first = spans[0].source
    offsets: list[Fraction] = []
    offset = Fraction(0)
    last_dts: dict[str, Fraction] = {}
    with av.open(str(part), "w", format="mp4", options={"movflags": "+faststart"}) as dst:
        with _open_av(first.path) as c:
            ov = dst.add_stream_from_template(_video_stream(c, first.path))
            oa = dst.add_stream_from_template(_audio_stream(c)) if first.audio_layout else None
        for k, span in enumerate(spans):
            offsets.append(offset)
            with _open_av(span.source.path) as c:
                v = _video_stream(c, span.source.path)
                a = _audio_stream(c) if oa is not None else None
                streams = {v.index: ("video", v, ov)}
                if a is not None:
                    streams[a.index] = ("audio", a, oa)
                origin = _origin(v)
                if span.start > 0:
                    c.seek(int((span.start + origin) / v.time_base), stream=v, backward=True)
                started = span.start == 0
                for pkt in c.demux(*[s for _, s, _ in streams.values()]):
                    if not pkt.size or pkt.dts is None:
                        continue
                    kind, s, o = streams[pkt.stream.index]
                    pts = pkt.pts if pkt.pts is not None else pkt.dts
                    t = pts * s.time_base - origin
                    if kind == "video":
                        if not started:
                            if not (pkt.is_keyframe and t == span.start):
                                continue
                            started = True
                        tick(float((offset + t - span.start) / total))
                    elif t >= span.end or (t < span.start and not (k == 0 and span.start == 0)):
                        continue          # sound outside the cut (or the encoder's lead-in of a later clip)
                    shift = round((offset - span.start - origin) / s.time_base)
                    dts = (pkt.dts + shift) * s.time_base
                    if dts <= last_dts.get(kind, Fraction(-(2 ** 62))):
                        if kind == "audio":
                            continue      # the tail of the clip before already covers it
                        raise _CopyFailed(f"{span.source.path.name}: its frames would overlap the clip before")
                    last_dts[kind] = dts
                    pkt.pts, pkt.dts = pts + shift, pkt.dts + shift
                    pkt.time_base = s.time_base      # PyAV rescales to the output stream's
                    pkt.stream = o
                    dst.mux(pkt)
            offset += span.duration
    return "copy", first.width, first.height, first.rate, oa is not None, offsets


# -- decode and encode ---------------------------------------------------------------------------
def _target(spans: Sequence[_Span]) -> tuple[int, int, Fraction]:
    """The most common (width, height, fps) among the cuts; ties go to the earliest."""
    keys = [(s.source.width, s.source.height, s.source.rate) for s in spans]
    counts = Counter(keys)
    w, h, rate = max(keys, key=lambda k: (counts[k], -keys.index(k)))
    return _even(w), _even(h), rate


def _audio_format(spans: Sequence[_Span]) -> tuple[int, str] | None:
    """(sample rate, layout) of the stitched sound: the clips' own when they agree, else 48 kHz
    stereo; None when no cut has sound."""
    sources = [s.source for s in spans if s.source.audio_layout]
    if not sources:
        return None
    rates = {s.audio_rate for s in sources}
    rate = rates.pop() if len(rates) == 1 else AUDIO_RATE
    mono = all(s.audio_channels == 1 for s in sources)
    return rate, "mono" if mono else "stereo"


def _letterbox(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """A decoded frame as a yuv420p (H*3//2, W) array: scaled to fit, black bars around."""
    if (frame.width, frame.height) == (width, height):
        same = frame if frame.format.name == "yuv420p" else frame.reformat(format="yuv420p")
        return same.to_ndarray()
    s = min(width / frame.width, height / frame.height)
    sw, sh = min(width, _even(round(frame.width * s))), min(height, _even(round(frame.height * s)))
    pic = frame.reformat(width=sw, height=sh, format="yuv420p", interpolation="BICUBIC").to_ndarray()
    canvas = np.empty((height * 3 // 2, width), np.uint8)
    y, u, v = _yuv_planes(canvas, width, height)
    y[...] = 16
    u[...] = 128
    v[...] = 128
    py, pu, pv = _yuv_planes(pic, sw, sh)
    x0, y0 = (width - sw) // 4 * 2, (height - sh) // 4 * 2
    y[y0:y0 + sh, x0:x0 + sw] = py
    u[y0 // 2:(y0 + sh) // 2, x0 // 2:(x0 + sw) // 2] = pu
    v[y0 // 2:(y0 + sh) // 2, x0 // 2:(x0 + sw) // 2] = pv
    return canvas


def _cut_frames(span: _Span, n: int, width: int, height: int,
                rate: Fraction) -> Generator[np.ndarray, None, None]:
    """``n`` frames at ``rate`` showing the source from ``span.start``: output frame j is the source
    frame on screen at ``start + j / rate`` (the last one held if the source runs out)."""
    path = span.source.path
    with _open_av(path) as c:
        s = _video_stream(c, path)
        origin = _origin(s)
        tb = s.time_base or Fraction(1, 90000)
        if span.start > 0:
            try:
                c.seek(int((span.start + origin) / tb), stream=s, backward=True)
            except av.FFmpegError:
                c.seek(0)
        step = 1 / float(span.source.rate)
        decoded = c.decode(s)
        last_t = None

        def next_frame() -> tuple[av.VideoFrame, float] | None:
            nonlocal last_t
            try:
                f = next(decoded)
            except (StopIteration, av.error.EOFError):
                return None
            except av.FFmpegError as e:
                raise MediaError(path, T(f"视频数据已损坏（{e}）", f"the video data is damaged ({e})")) from None
            t = float(f.pts * tb - origin) if f.pts is not None else (last_t + step if last_t is not None else 0.0)
            last_t = t
            return f, t

        cur = next_frame()
        if cur is None:
            raise MediaError(path, T("没有能解码的视频画面", "no video frame could be decoded"))
        ahead = next_frame()
        arr: np.ndarray | None = None
        shown = None
        start, eps = float(span.start), 1e-4
        for j in range(n):
            t = start + j / rate
            while ahead is not None and ahead[1] <= t + eps:
                cur, ahead = ahead, next_frame()
            if shown is not cur[0] or arr is None:
                arr = _letterbox(cur[0], width, height)
                arr.flags.writeable = False
                shown = cur[0]
            yield arr


def _cut_audio(span: _Span, count: int, rate: int, layout: str) -> np.ndarray:
    """The cut's first ``count`` samples of sound as (channels, count) float32, silence where it has none."""
    out = np.zeros((1 if layout == "mono" else 2, count), np.float32)
    if not span.source.audio_layout or count <= 0:
        return out
    path = span.source.path
    with _open_av(path) as c:
        origin = _origin(_video_stream(c, path))
        s = _audio_stream(c)
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        want = round(span.start * rate)     # the cut's first sample, counted from the video's start
        pos: int | None = None              # the same count for the next resampled sample
        filled = 0

        def take(frames: list[av.AudioFrame]) -> None:
            nonlocal filled, pos
            for f in frames:
                arr = f.to_ndarray()
                at = (pos or 0) - want      # where arr[:, 0] lands in out
                lo, hi = max(0, -at), min(arr.shape[1], count - at)
                if hi > lo:
                    out[:, at + lo:at + hi] = arr[:, lo:hi]
                    filled = at + hi
                pos = (pos or 0) + arr.shape[1]

        try:
            for frame in c.decode(s):
                if pos is None:
                    pos = round((Fraction(frame.pts or 0) * (frame.time_base or s.time_base) - origin) * rate)
                take(resampler.resample(frame))
                if filled >= count:
                    break
            else:
                take(resampler.resample(None))
        except av.FFmpegError as e:
            raise MediaError(path, T(f"音频数据已损坏（{e}）", f"the audio data is damaged ({e})")) from None
    return out


class _Sound:
    """AAC encoding of samples handed over in pieces of any length, written in step with the video."""

    def __init__(self, dst, rate: int, layout: str):
        self.dst, self.rate, self.layout = dst, rate, layout
        self.stream = dst.add_stream("aac", rate=rate, layout=layout)
        self.stream.bit_rate = 128000 if layout == "stereo" else 96000
        self.pending: deque[np.ndarray] = deque()
        self.ready = 0          # samples handed over
        self.sent = 0           # samples encoded

    def add(self, samples: np.ndarray) -> None:
        if samples.shape[1]:
            self.pending.append(samples)
            self.ready += samples.shape[1]

    def _take(self, n: int) -> np.ndarray:
        parts = []
        while n > 0:
            head = self.pending[0]
            if head.shape[1] <= n:
                parts.append(self.pending.popleft())
            else:
                parts.append(head[:, :n])
                self.pending[0] = head[:, n:]
            n -= parts[-1].shape[1]
        return np.ascontiguousarray(parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1))

    def write(self, upto: int, final: bool = False) -> None:
        """Encode what was handed over up to sample ``upto`` (whole AAC frames unless ``final``)."""
        upto = min(upto, self.ready)
        while upto - self.sent >= _AAC_FRAME or (final and upto > self.sent):
            frame = av.AudioFrame.from_ndarray(self._take(min(_AAC_FRAME, upto - self.sent)), format="fltp",
                                               layout=self.layout)
            frame.sample_rate = self.rate
            frame.pts = self.sent
            frame.time_base = Fraction(1, self.rate)
            self.sent += frame.samples
            for p in self.stream.encode(frame):
                self.dst.mux(p)

    def finish(self) -> None:
        self.write(self.ready, final=True)
        for p in self.stream.encode():
            self.dst.mux(p)


def _encode_all(spans: Sequence[_Span], part: Path, crossfade: float, tick: _Ticker) -> _Outcome:
    width, height, rate = _target(spans)
    counts = [max(1, round(s.duration * rate)) for s in spans]
    m = 0
    if crossfade > 0 and len(spans) > 1:
        m = min(round(Fraction(crossfade).limit_denominator(1_000_000) * rate), (min(counts) - 1) // 2)
    starts = [sum(counts[:k]) - k * m for k in range(len(counts))]      # first output frame of each cut
    total = starts[-1] + counts[-1]
    sound_format = _audio_format(spans)

    with av.open(str(part), "w", format="mp4", options={"movflags": "+faststart"}) as dst:
        vs = dst.add_stream("libx264", rate=rate)
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        vs.options = dict[str, object](_x264_options(width, height, float(rate)))
        vs.codec_context.thread_count = 0
        vs.codec_context.thread_type = "FRAME"
        vtb = vs.codec_context.time_base or 1 / rate
        arate, layout = sound_format or (1, "")
        sound = _Sound(dst, arate, layout) if sound_format else None

        def sample(frame_index: int) -> int:
            return round(Fraction(frame_index) / rate * arate)

        written = 0

        def emit(arr: np.ndarray) -> None:
            nonlocal written
            vf = av.VideoFrame.from_ndarray(arr, format="yuv420p")
            vf.pts = round(Fraction(written) / rate / vtb)
            vf.time_base = vtb
            for p in vs.encode(vf):
                dst.mux(p)
            written += 1
            if sound is not None:
                sound.write(sample(written))
            tick(written / total)

        tail: list[np.ndarray] = []          # the last m frames of the cut before, to blend
        sound_tail = np.zeros((1, 0), np.float32)
        for k, span in enumerate(spans):
            n, last = counts[k], k == len(spans) - 1
            if sound is not None:
                a0, a1 = sample(starts[k]), sample(starts[k] + n)
                samples = _cut_audio(span, a1 - a0, arate, layout)
                overlap = sound_tail.shape[1]
                if overlap:
                    w = (np.arange(overlap, dtype=np.float32) + 0.5) / overlap
                    samples[:, :overlap] = sound_tail * (1 - w) + samples[:, :overlap] * w
                keep = 0 if last else a1 - sample(starts[k + 1])
                sound.add(samples[:, :samples.shape[1] - keep])
                sound_tail = samples[:, samples.shape[1] - keep:]
            held: list[np.ndarray] = []
            with closing(_cut_frames(span, n, width, height, rate)) as frames:
                for j, arr in enumerate(frames):
                    if j < len(tail):
                        emit(_blend(tail[j], arr, (j + 1) / (m + 1)))
                    elif not last and j >= n - m:
                        held.append(arr)
                        tick(written / total)
                    else:
                        emit(arr)
            tail = held
        for p in vs.encode():
            dst.mux(p)
        if sound is not None:
            sound.finish()
    return "encode", width, height, rate, sound is not None, [Fraction(f) / rate for f in starts]


# -- the last frame --------------------------------------------------------------------------------
def last_frame(video: Path, out: Path) -> Path:
    """Save the video's very last decoded frame (not a keyframe near the end) as an RGB PNG."""
    video, out = Path(video), Path(out)
    frame = None
    for seek in (True, False):
        with _open_av(video) as c:
            s = _video_stream(c, video)
            if seek:
                if not (s.duration and s.time_base):
                    continue
                try:
                    c.seek((s.start_time or 0) + s.duration, stream=s, backward=True)
                except av.FFmpegError:
                    continue
            try:
                for f in c.decode(s):
                    frame = f
            except av.FFmpegError as e:
                raise MediaError(video, T(f"视频数据已损坏（{e}）", f"the video data is damaged ({e})")) from None
        if frame is not None:
            break
    if frame is None:
        raise MediaError(video, T("视频里没有能解码的画面", "the video has no frames that can be decoded"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        frame.to_image().save(tmp, "PNG")
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
