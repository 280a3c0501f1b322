"""Real H.264 MP4 renders whose content visibly comes from their inputs.

The local DashScope-compatible sandbox uses these so that whoever opens a result sees
their prompt, images, video and audio flow through: the prompt typeset over a moving
gradient, a Ken-Burns move over the first frame, a cross-dissolve from first to last
frame, a restyled copy of a video, a portrait that bobs to the loudness of the speech,
and so on.

Every function writes ``out`` atomically (``out.with_suffix('.tmp.mp4')`` then
``os.replace``), at exactly the requested size (rounded down to even), frame rate and
frame count (``round(duration * fps)``), as H.264/yuv420p with optional 44.1 kHz stereo
AAC. Frames are made one at a time by a few worker threads while the calling thread
encodes, so memory stays bounded and 1080p renders take seconds.
"""
from __future__ import annotations

import colorsys
import functools
import hashlib
import itertools
import logging
import math
import os
import queue
import re
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .probe import MediaError, _flatten, _is_real_video, _open_av, first_frame, load_image, probe

__all__ = [
    "AUDIO_RATE",
    "STYLE_NAMES",
    "RenderResult",
    "reference_board",
    "render_animate",
    "render_continuation",
    "render_edit",
    "render_image_motion",
    "render_images",
    "render_portrait",
    "render_references",
    "render_restyle",
    "render_retalk",
    "render_text",
    "render_transition",
]

AUDIO_RATE = 44100
_AAC_FRAME = 1024
STYLE_NAMES = ("manga", "comic", "fresh", "cartoon3d", "guofeng", "paper", "illustration", "inkwash")

PathLike = str | os.PathLike
ImageInput = str | os.PathLike | Image.Image

log = logging.getLogger("bailian_video.media")


@dataclass(frozen=True)
class RenderResult:
    path: Path
    width: int
    height: int
    duration: float
    fps: float
    frames: int
    has_audio: bool


# =============================================================================================
# small helpers
# =============================================================================================
def _even(n: float) -> int:
    n = int(n)
    return max(2, n - (n % 2))


def _frame_count(duration: float, fps: float) -> int:
    return max(1, int(round(float(duration) * float(fps))))


def _rate(fps: float) -> Fraction:
    fps = float(fps)
    if fps <= 0 or not math.isfinite(fps):
        raise ValueError(f"fps must be positive, not {fps!r}")
    return Fraction(fps).limit_denominator(1001)


def _check_size(width: int, height: int) -> tuple[int, int]:
    if width is None or height is None or int(width) < 2 or int(height) < 2:
        raise ValueError(f"invalid output size {width}x{height}")
    return _even(width), _even(height)


def _smoothstep(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def _as_image(image: ImageInput, max_side: int | None = None) -> Image.Image:
    if isinstance(image, Image.Image):
        im = image
        if im.mode != "RGB":
            im = _flatten(im)
        return im
    return load_image(image, max_side)


def _image_seed(im: Image.Image) -> int:
    thumb = im.resize((8, 8), Image.Resampling.BILINEAR).tobytes()
    return int.from_bytes(hashlib.blake2b(thumb, digest_size=4).digest(), "little")


# =============================================================================================
# fonts
# =============================================================================================
_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-{w}.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-{w}.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-{w}.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-{w}.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "C:/Windows/Fonts/msyh{b}.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)


def _fc_match(pattern: str) -> tuple[str, int] | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        r = subprocess.run([exe, "-f", "%{file}|%{index}|%{lang}", pattern], capture_output=True, check=False,
                           text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    parts = r.stdout.strip().split("|")
    if r.returncode != 0 or len(parts) < 3 or not parts[0] or not os.path.isfile(parts[0]):
        return None
    if "zh" not in parts[2]:
        return None
    try:
        return parts[0], int(parts[1] or 0)
    except ValueError:
        return parts[0], 0


def _sc_index(path: str) -> int:
    """Index of the Simplified-Chinese face in a font collection (0 if none is named so)."""
    if not path.lower().endswith(".ttc"):
        return 0
    for i in range(12):
        try:
            name = ImageFont.truetype(path, 12, index=i).getname()[0] or ""
        except OSError:
            break
        if name.endswith(" SC") or "GB" in name or "SC " in name:
            return i
    return 0


@lru_cache(maxsize=2)
def _font_file(bold: bool) -> tuple[str, int] | None:
    found: list[tuple[str, int]] = []
    for pattern in (("Noto Sans CJK SC:bold" if bold else "Noto Sans CJK SC"),
                    ("sans-serif:lang=zh-cn:bold" if bold else "sans-serif:lang=zh-cn")):
        hit = _fc_match(pattern)
        if hit:
            found.append(hit)
    for cand in _FONT_CANDIDATES:
        path = cand.format(w="Bold" if bold else "Regular", b="bd" if bold else "")
        if os.path.isfile(path):
            found.append((path, _sc_index(path)))
    for path, index in found:
        try:
            ImageFont.truetype(path, 16, index=index)
            return path, index
        except OSError:
            continue
    return None


@lru_cache(maxsize=64)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    size = max(6, int(size))
    hit = _font_file(bold) or (_font_file(False) if bold else None)
    if hit:
        try:
            return ImageFont.truetype(hit[0], size, index=hit[1])
        except OSError:
            pass
    return ImageFont.load_default(size)


# =============================================================================================
# text layout
# =============================================================================================
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKEN = re.compile(rf"\n|[^\S\n]+|[{_CJK}]|[^\s{_CJK}]+")
_NO_LINE_START = set("，。、！？；：）》」』】〉,.!?;:)]}%…’”")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _wrap(text: str, font, max_w: float) -> list[str]:
    """Greedy wrap: CJK per character, other scripts per word (overlong words per character)."""
    cache: dict[str, float] = {}

    def width(s: str) -> float:
        w = cache.get(s)
        if w is None:
            w = cache[s] = font.getlength(s)
        return w

    lines: list[str] = []
    cur: list[str] = []
    cur_w = 0.0

    def flush() -> None:
        nonlocal cur, cur_w
        while cur and cur[-1].isspace():
            cur.pop()
        lines.append("".join(cur))
        cur, cur_w = [], 0.0

    for tok in _tokens(text):
        if tok == "\n":
            flush()
            continue
        if tok.isspace():
            if cur:
                cur.append(" ")
                cur_w += width(" ")
            continue
        w = width(tok)
        if w <= max_w or len(tok) == 1:
            # closing punctuation may overhang rather than start a line
            if cur and cur_w + w > max_w and tok not in _NO_LINE_START:
                flush()
            cur.append(tok)
            cur_w += w
            continue
        for ch in tok:   # a word wider than the whole line: break it per character
            cw = width(ch)
            if cur and cur_w + cw > max_w:
                flush()
            cur.append(ch)
            cur_w += cw
    if cur:
        flush()
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def _ellipsize(line: str, font, max_w: float) -> str:
    ell = "…"
    s = line.rstrip()
    while s and font.getlength(s + ell) > max_w:
        s = s[:-1].rstrip()
    return s + ell


def _layout(text: str, max_w: float, max_h: float, start: int, minimum: int, bold: bool = True):
    """(font, lines, line_height): largest size that fits, else the minimum size, ellipsized."""
    size = max(minimum, start)
    while True:
        font = _font(size, bold)
        lh = int(math.ceil(size * 1.32))
        lines = _wrap(text, font, max_w)
        if len(lines) * lh <= max_h:
            return font, lines, lh
        if size <= minimum:
            keep = max(1, int(max_h // lh))
            lines = lines[:keep]
            lines[-1] = _ellipsize(lines[-1], font, max_w)
            return font, lines, lh
        size = max(minimum, int(size * 0.9))


# =============================================================================================
# pixels: RGB → YUV 4:2:0 and alpha layers composited with integer numpy ops
# =============================================================================================
# Frames travel as RGB (H, W, 3), RGBX (H, W, 4; the 4th byte is ignored) or planar YUV 4:2:0
# (H * 3 // 2, W: the Y plane, then U and V packed as PyAV's ``yuv420p`` ndarray layout). YUV is
# BT.601 limited range, as swscale produces it and as the stream is tagged.
def _rgb_to_y(rgb: np.ndarray) -> np.ndarray:
    f = rgb[..., :3].astype(np.float32)
    y = 16.0 + (65.481 * f[..., 0] + 128.553 * f[..., 1] + 24.966 * f[..., 2]) / 255.0
    return np.clip(np.rint(y), 0, 255).astype(np.uint8)


def _rgb_to_uv(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """U and V (uint8) of float RGB values."""
    u = 128.0 + (-37.797 * c[..., 0] - 74.203 * c[..., 1] + 112.0 * c[..., 2]) / 255.0
    v = 128.0 + (112.0 * c[..., 0] - 93.786 * c[..., 1] - 18.214 * c[..., 2]) / 255.0
    return np.clip(np.rint(u), 0, 255).astype(np.uint8), np.clip(np.rint(v), 0, 255).astype(np.uint8)


def _rgb_to_yuv420(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Y, U, V) uint8 planes of an RGB image with even width and height (chroma: 2×2 average)."""
    h, w = rgb.shape[:2]
    c = rgb[..., :3].astype(np.float32).reshape(h // 2, 2, w // 2, 2, 3).mean(axis=(1, 3))
    u, v = _rgb_to_uv(c)
    return _rgb_to_y(rgb), u, v


def _yuv_planes(frame: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y, U and V planes of a packed yuv420p ndarray."""
    q = (height // 2) * (width // 2)
    flat = frame.reshape(-1)
    y = flat[:width * height].reshape(height, width)
    u = flat[width * height:width * height + q].reshape(height // 2, width // 2)
    v = flat[width * height + q:width * height + 2 * q].reshape(height // 2, width // 2)
    return y, u, v


class _Layer:
    """A sprite with alpha: ``frame = frame * (1 - a) + colour * a`` in uint16 (works on RGB or a plane)."""

    def __init__(self, alpha: np.ndarray, color: np.ndarray):
        # alpha: (h, w) uint8; color: (h, w, C) uint8, straight (not premultiplied)
        a256 = (alpha.astype(np.uint16) * 256 + 127) // 255
        self.inv = (256 - a256)[:, :, None]
        self.add = (color.astype(np.uint16) * a256[:, :, None]).astype(np.uint16)
        self.h, self.w = alpha.shape

    def apply(self, frame: np.ndarray, x: int, y: int) -> None:
        H, W = frame.shape[:2]
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(W, x + self.w), min(H, y + self.h)
        if x1 <= x0 or y1 <= y0:
            return
        sx, sy = x0 - x, y0 - y
        inv = self.inv[sy:sy + y1 - y0, sx:sx + x1 - x0]
        add = self.add[sy:sy + y1 - y0, sx:sx + x1 - x0]
        if frame.ndim == 2:
            region = frame[y0:y1, x0:x1]
            inv, add = inv[:, :, 0], add[:, :, 0]
        else:
            region = frame[y0:y1, x0:x1, :add.shape[2]]
        tmp = region.astype(np.uint16)
        tmp *= inv
        tmp += add
        tmp >>= 8
        region[...] = tmp


class _Overlay:
    """An RGBA picture placed at (x, y), ready for RGB/RGBX frames and for YUV 4:2:0 frames."""

    def __init__(self, alpha: np.ndarray, color: np.ndarray, x: int, y: int):
        h, w = alpha.shape
        # even size and position so the chroma planes line up
        if h % 2 or w % 2:
            alpha = np.pad(alpha, ((0, h % 2), (0, w % 2)))
            color = np.pad(color, ((0, h % 2), (0, w % 2), (0, 0)))
        self.x, self.y = x - x % 2, y - y % 2
        self.rgb = _Layer(alpha, color)
        self.yl = _Layer(alpha, _rgb_to_y(color)[:, :, None])
        # chroma: the colour averaged over each 2×2 block, weighted by alpha
        hh, ww = alpha.shape[0] // 2, alpha.shape[1] // 2
        w4 = alpha.reshape(hh, 2, ww, 2).astype(np.float32)
        cw = w4.sum(axis=(1, 3))
        num = (color.astype(np.float32).reshape(hh, 2, ww, 2, 3) * w4[..., None]).sum(axis=(1, 3))
        u, v = _rgb_to_uv(num / np.maximum(cw[..., None], 1e-6))
        a2 = np.rint(cw / 4).astype(np.uint8)
        self.ul = _Layer(a2, u[:, :, None])
        self.vl = _Layer(a2, v[:, :, None])

    def apply(self, frame: np.ndarray, width: int, height: int, x: int | None = None,
              y: int | None = None) -> None:
        """Composite onto an RGB/RGBX or yuv420p frame, at (x, y) if given (any integers)."""
        x = self.x if x is None else int(x)
        y = self.y if y is None else int(y)
        if frame.ndim == 3:
            self.rgb.apply(frame, x, y)
            return
        py, pu, pv = _yuv_planes(frame, width, height)
        self.yl.apply(py, x, y)
        self.ul.apply(pu, x // 2, y // 2)
        self.vl.apply(pv, x // 2, y // 2)


def _label_overlay(label: str, width: int, height: int) -> _Overlay:
    """Small caption in a translucent rounded box, bottom-right."""
    size = max(10, min(28, int(min(width, height) / 22)))
    font = _font(size, bold=False)
    text = label.strip().replace("\n", " ")
    max_w = width * 0.6
    if font.getlength(text) > max_w:
        text = _ellipsize(text, font, max_w)
    pad = max(3, size // 3)
    tw = int(math.ceil(font.getlength(text)))
    asc, desc = font.getmetrics() if hasattr(font, "getmetrics") else (size, size // 4)
    bw, bh = tw + 2 * pad, asc + desc + pad
    bw, bh = min(bw + bw % 2, width), min(bh + bh % 2, height)
    alpha = Image.new("L", (bw, bh), 0)
    ImageDraw.Draw(alpha).rounded_rectangle((0, 0, bw - 1, bh - 1), radius=max(2, pad), fill=150)
    fill = Image.new("L", (bw, bh), 0)
    ImageDraw.Draw(fill).text((pad, pad // 2), text, font=font, fill=255)
    a = np.maximum(np.asarray(alpha), np.asarray(fill))
    col = np.repeat(np.asarray(fill)[:, :, None], 3, axis=2)  # white text on a dark box
    margin = max(4, int(min(width, height) * 0.025))
    return _Overlay(a, col, max(0, width - bw - margin), max(0, height - bh - margin))


# =============================================================================================
# audio
# =============================================================================================
def _decode_audio(path: PathLike, max_seconds: float | None = None) -> np.ndarray | None:
    """Audio of a file as (2, n) float32 at 44.1 kHz, or None if it has no audio track."""
    limit = int(round(max_seconds * AUDIO_RATE)) if max_seconds else None
    with _open_av(Path(path)) as c:
        if not c.streams.audio:
            return None
        s = c.streams.audio[0]
        res = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE)
        chunks: list[np.ndarray] = []
        total = 0
        try:
            done = False
            for frame in c.decode(s):
                for f in res.resample(frame):
                    arr = f.to_ndarray()
                    chunks.append(arr)
                    total += arr.shape[1]
                if limit is not None and total >= limit:
                    done = True
                    break
            if not done:
                for f in res.resample(None):
                    arr = f.to_ndarray()
                    chunks.append(arr)
                    total += arr.shape[1]
        except av.error.FFmpegError as e:
            if not chunks:
                raise MediaError(path, f"audio data is damaged ({e})") from None
    if not chunks:
        return np.zeros((2, 0), np.float32)
    a = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    if limit is not None:
        a = a[:, :limit]
    return np.ascontiguousarray(a)


def _require_audio(path: PathLike, max_seconds: float | None = None) -> np.ndarray:
    a = _decode_audio(path, max_seconds)
    if a is None or a.shape[1] == 0:
        raise MediaError(path, "has no audio track")
    return a


def _loudness(audio: np.ndarray, fps: float, n: int) -> np.ndarray:
    """Per-video-frame loudness 0..1 (RMS per frame window, normalised, attack/release smoothed)."""
    mono = audio.mean(axis=0) if audio.ndim == 2 else audio
    spf = AUDIO_RATE / fps
    out = np.zeros(n, np.float32)
    for i in range(n):
        a, b = int(i * spf), int((i + 1) * spf)
        seg = mono[a:b]
        if seg.size:
            out[i] = float(np.sqrt(np.mean(seg * seg)))
    ref = float(np.percentile(out, 95)) if n else 0.0
    if ref > 1e-4:
        out = np.clip(out / ref, 0, 1)
    else:
        out[:] = 0
    sm = np.zeros_like(out)
    v = np.float32(0.0)
    for i, x in enumerate(out):
        v += (x - v) * (0.6 if x > v else 0.25)
        sm[i] = v
    return sm


# =============================================================================================
# encoder: frames from a worker thread, H.264 + AAC into an atomically written MP4
# =============================================================================================
_END = object()


class _Failed:
    def __init__(self, exc: BaseException):
        self.exc = exc


def _same(frame: np.ndarray) -> np.ndarray:
    return frame


def _x264_options(width: int, height: int, fps: float) -> dict[str, object]:
    big = width * height >= 1280 * 720
    return {
        "preset": "ultrafast" if big else "veryfast",
        "crf": "23",
        "g": str(max(1, int(round(fps * 2)))),
        "x264-params": "colorprim=smpte170m:transfer=smpte170m:colormatrix=smpte170m",
    }


def _encode(out: PathLike, width: int, height: int, fps: float, nframes: int,
            frames: Iterable[np.ndarray] | Callable[[int], np.ndarray], audio: np.ndarray | None = None,
            label: str | None = None,
            transform: Callable[[np.ndarray, int], np.ndarray] | None = None) -> RenderResult:
    """Encode ``nframes`` frames to ``out`` (H.264 + optional AAC), atomically.

    ``frames`` is an iterable (consumed in a worker thread; a short one has its last frame held)
    or a function ``i -> frame`` (called from a small thread pool); ``transform(frame, i)``, if
    given, post-processes an iterable's frames in that pool. Frames are RGB (H, W, 3),
    RGBX (H, W, 4) or yuv420p (H*3//2, W) uint8 arrays; writable arrays may get the label
    drawn into them, read-only ones are copied first. ``audio`` is (2, n) float32 at 44.1 kHz,
    trimmed or padded with silence to the video's length.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.mp4")
    rate = _rate(fps)
    fps = float(rate)
    overlay = _label_overlay(label, width, height) if label and label.strip() else None
    source = None if callable(frames) else iter(frames)
    yuv_shape = (height * 3 // 2, width)

    q: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def to_frame(arr: np.ndarray) -> av.VideoFrame:
        if arr.dtype != np.uint8 or not (arr.shape == yuv_shape or (
                arr.ndim == 3 and arr.shape[:2] == (height, width) and arr.shape[2] in (3, 4))):
            raise ValueError(f"frame {arr.shape} {arr.dtype}: expected {(height, width, 3)} or {yuv_shape} uint8")
        if overlay is not None:
            if not arr.flags.writeable:
                arr = arr.copy()
            overlay.apply(arr, width, height)
        arr = np.ascontiguousarray(arr)
        if arr.ndim == 2:
            return av.VideoFrame.from_ndarray(arr, format="yuv420p")
        vf = av.VideoFrame.from_ndarray(arr, format="rgb24" if arr.shape[2] == 3 else "rgba")
        return vf.reformat(format="yuv420p")

    def jobs() -> Iterator[Callable[[], np.ndarray]]:
        """One zero-argument function per output frame, in order."""
        if callable(frames):
            for i in range(nframes):
                yield functools.partial(frames, i)
            return
        assert source is not None
        last = None
        count = 0
        for arr in source:
            if count >= nframes:
                return
            last = arr
            yield functools.partial(transform, arr, count) if transform else functools.partial(_same, arr)
            count += 1
        if last is None:
            raise ValueError("no frames were produced")
        final = transform(last, count - 1) if transform else last   # a short source holds its last frame
        if final.flags.writeable and overlay is not None:
            final.flags.writeable = False
        for _ in range(count, nframes):
            yield lambda: final

    def produce() -> None:
        # Frames are made and converted by a few threads and handed on in order; Pillow, numpy and
        # swscale release the GIL, so this uses the cores x264 leaves idle. An iterable source is
        # still read in this one thread (decoders are sequential).
        workers = max(1, min(4, os.cpu_count() or 1))
        pending: deque = deque()

        def made(job: Callable[[], np.ndarray]) -> av.VideoFrame:
            return to_frame(job())
        try:
            with ThreadPoolExecutor(workers, thread_name_prefix="render-frame") as ex:
                try:
                    for job in jobs():
                        pending.append(ex.submit(made, job))
                        while len(pending) > workers * 2:
                            if stop.is_set() or not put(pending.popleft().result()):
                                return
                    while pending:
                        if stop.is_set() or not put(pending.popleft().result()):
                            return
                finally:
                    for f in pending:
                        f.cancel()
            put(_END)
        except BaseException as e:  # hand any failure to the encoding thread
            put(_Failed(e))
        finally:
            close = getattr(source, "close", None)
            if close:
                try:
                    close()
                except Exception as e:  # noqa: BLE001 — the render's own outcome matters more than this
                    log.debug("closing a render source failed: %s", e)

    def take():
        while True:
            try:
                return q.get(timeout=0.5)
            except queue.Empty:
                if not worker.is_alive():
                    try:
                        return q.get_nowait()
                    except queue.Empty:
                        raise RuntimeError("the frame producer stopped unexpectedly") from None

    a_total = 0
    if audio is not None:
        a_total = int(round(nframes / fps * AUDIO_RATE))
        if audio.shape[1] >= a_total:
            audio = audio[:, :a_total]
        else:
            audio = np.concatenate([audio, np.zeros((2, a_total - audio.shape[1]), np.float32)], axis=1)
        audio = np.ascontiguousarray(audio, dtype=np.float32)

    worker = threading.Thread(target=produce, name="render-frames", daemon=True)
    try:
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as c:
            vs = c.add_stream("libx264", rate=rate)
            vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
            vs.options = _x264_options(width, height, fps)
            vs.codec_context.thread_count = 0
            vs.codec_context.thread_type = "FRAME"
            vtb = vs.codec_context.time_base or Fraction(1) / rate
            as_ = None
            if audio is not None:
                as_ = c.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
                as_.bit_rate = 128000
            a_pos = 0
            atb = Fraction(1, AUDIO_RATE)

            def push_audio(upto: int, final: bool = False) -> None:
                nonlocal a_pos
                assert audio is not None and as_ is not None      # called only when there is audio
                while a_pos < upto and (final or a_pos + _AAC_FRAME <= upto):
                    end = min(a_pos + _AAC_FRAME, a_total)
                    af = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio[:, a_pos:end]),
                                                    format="fltp", layout="stereo")
                    af.sample_rate = AUDIO_RATE
                    af.pts = a_pos
                    af.time_base = atb
                    for p in as_.encode(af):
                        c.mux(p)
                    a_pos = end

            worker.start()
            for i in range(nframes):
                item = take()
                if isinstance(item, _Failed):
                    raise item.exc
                if item is _END:
                    raise RuntimeError("frame source ended early")
                item.pts = int(round(i / rate / vtb)) if vtb != Fraction(1) / rate else i
                item.time_base = vtb
                for p in vs.encode(item):
                    c.mux(p)
                if as_ is not None:
                    push_audio(int((i + 1) / fps * AUDIO_RATE))
            tail = take()
            if isinstance(tail, _Failed):
                raise tail.exc
            for p in vs.encode():
                c.mux(p)
            if as_ is not None:
                push_audio(a_total, final=True)
                for p in as_.encode():
                    c.mux(p)
        os.replace(tmp, out)
    except BaseException:
        stop.set()
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    finally:
        stop.set()
        if worker.is_alive():
            worker.join(timeout=5)
    return RenderResult(path=out, width=width, height=height, duration=nframes / fps, fps=fps,
                        frames=nframes, has_audio=audio is not None)


# =============================================================================================
# stills: cover-fit once, then cheap zoomed views
# =============================================================================================
class _Still:
    """An image cover-cropped to the output aspect, kept as YUV planes.

    ``view(zoom, fx, fy)`` gives a W×H yuv420p frame showing ``1/zoom`` of the picture, its
    window placed at fractions ``fx``/``fy`` of the free room. Zoom and pan are sub-pixel
    (Pillow resizes each plane with a float box), so slow Ken-Burns moves do not jitter.
    """

    def __init__(self, image: ImageInput, width: int, height: int, oversample: float = 1.25):
        self.W, self.H = width, height
        im = _as_image(image, max_side=int(max(width, height) * oversample * 2) + 16)
        sw, sh = im.size
        aspect = width / height
        if sw / sh > aspect:
            cw, ch = sh * aspect, float(sh)
        else:
            cw, ch = float(sw), sw / aspect
        x0, y0 = (sw - cw) / 2, (sh - ch) / 2
        scale = min(oversample, max(1.0, cw / width))
        bw, bh = _even(max(width, round(width * scale))), _even(max(height, round(height * scale)))
        base = im.resize((bw, bh), Image.Resampling.BICUBIC, box=(x0, y0, x0 + cw, y0 + ch), reducing_gap=3.0)
        self.bw, self.bh = bw, bh
        self.seed = _image_seed(base)
        y, u, v = _rgb_to_yuv420(np.asarray(base))
        self.planes = (Image.fromarray(y), Image.fromarray(u), Image.fromarray(v))
        self._full: np.ndarray | None = None

    def full(self) -> np.ndarray:
        """The whole cover-cropped picture (what frame 0 of a Ken-Burns move shows); read-only."""
        if self._full is None:
            self._full = self._render(0.0, 0.0, float(self.bw), float(self.bh))
            self._full.flags.writeable = False
        return self._full

    def view(self, zoom: float = 1.0, fx: float = 0.5, fy: float = 0.5) -> np.ndarray:
        zoom = max(1.0, zoom)
        if zoom <= 1.0 + 1e-6:
            return self.full()
        cw, ch = self.bw / zoom, self.bh / zoom
        x0 = (self.bw - cw) * min(1.0, max(0.0, fx))
        y0 = (self.bh - ch) * min(1.0, max(0.0, fy))
        return self._render(x0, y0, cw, ch)

    def _render(self, x0: float, y0: float, cw: float, ch: float) -> np.ndarray:
        W, H = self.W, self.H
        out = np.empty((H * 3 // 2, W), np.uint8)
        py, pu, pv = _yuv_planes(out, W, H)
        bil = Image.Resampling.BILINEAR
        same = (x0, y0, cw, ch) == (0.0, 0.0, float(W), float(H))
        py[...] = np.asarray(self.planes[0] if same else self.planes[0].resize((W, H), bil,
                                                                                box=(x0, y0, x0 + cw, y0 + ch)))
        cbox = (x0 / 2, y0 / 2, (x0 + cw) / 2, (y0 + ch) / 2)
        for src, dst in ((self.planes[1], pu), (self.planes[2], pv)):
            dst[...] = np.asarray(src if same else src.resize((W // 2, H // 2), bil, box=cbox))
        return out


def _blend(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    """(1 - w)·a + w·b for uint8 frames, w in 0..1."""
    if w <= 0.0:
        return a
    if w >= 1.0:
        return b
    wi = int(round(w * 256))
    t = a.astype(np.uint16)
    t *= 256 - wi
    t += b.astype(np.uint16) * wi
    t >>= 8
    return t.astype(np.uint8)


_PANS = ((0.15, 0.2), (0.85, 0.25), (0.2, 0.8), (0.8, 0.75), (0.5, 0.15), (0.5, 0.85))


def _motion(still: _Still, n: int, zoom_to: float = 1.18) -> Callable[[int], np.ndarray]:
    """Frame ``i`` of a Ken-Burns move: the full picture at 0, then zooming while panning."""
    tx, ty = _PANS[still.seed % len(_PANS)]

    def frame(i: int) -> np.ndarray:
        p = i / (n - 1) if n > 1 else 0.0
        e = _smoothstep(p) * 0.7 + p * 0.3        # visible from the first second, eased at the end
        return still.view(1.0 + (zoom_to - 1.0) * e, 0.5 + (tx - 0.5) * e, 0.5 + (ty - 0.5) * e)

    return frame


# =============================================================================================
# video input
# =============================================================================================
def _video_stream(c, path):
    streams = [s for s in c.streams.video if _is_real_video(s)]
    if not streams:
        raise MediaError(path, "has no video track")
    s = streams[0]
    s.thread_type = "AUTO"
    return s


def _frame_time(frame, fallback: float) -> float:
    t = frame.time
    return float(t) if t is not None else fallback


def _conv(frame, width: int, height: int, fmt: str) -> np.ndarray:
    """A decoded frame scaled to width×height as a read-only rgb24 or yuv420p ndarray."""
    arr = frame.reformat(width=width, height=height, format=fmt, interpolation="BILINEAR").to_ndarray()
    arr.flags.writeable = False
    return arr


def _iter_video(path: PathLike, width: int, height: int, fps: float, n: int,
                fmt: str = "rgb24") -> Iterator[np.ndarray]:
    """``n`` frames at ``fps`` sampled from a video by timestamp (the last frame held at the end)."""
    with _open_av(Path(path)) as c:
        s = _video_stream(c, path)
        in_fps = float(s.average_rate or s.guessed_rate or 25)
        dec = c.decode(s)
        k = 0

        def nxt():
            nonlocal k
            try:
                f = next(dec)
            except (StopIteration, av.error.EOFError):
                return None
            except av.error.FFmpegError:
                return None
            k += 1
            return f

        cur = nxt()
        if cur is None:
            raise MediaError(path, "no video frame could be decoded")
        t0 = _frame_time(cur, 0.0)
        ahead = nxt()
        cached: np.ndarray | None = None
        cached_for = None
        half = 0.5 / fps
        for i in range(n):
            t = i / fps
            while ahead is not None:
                at = _frame_time(ahead, t0 + (k - 1) / in_fps) - t0
                if at <= t + half * 0.5:
                    cur, ahead = ahead, nxt()
                else:
                    break
            if cached_for is not cur:
                cached = _conv(cur, width, height, fmt)
                cached_for = cur
            assert cached is not None
            yield cached


def _pingpong(path: PathLike, width: int, height: int, n: int, fmt: str = "rgb24",
              mem_budget: int = 160 * 1024 * 1024) -> Iterator[np.ndarray]:
    """The video's frames forward, then backward, then forward … until ``n`` frames were given.

    Backward passes decode chunks of at most ``mem_budget`` bytes after seeking, so memory stays
    bounded whatever the length. Files whose frames lack timestamps loop forward instead.
    """
    def conv(f) -> np.ndarray:
        return _conv(f, width, height, fmt)

    emitted = 0
    with _open_av(Path(path)) as c:
        s = _video_stream(c, path)
        pts: list[int | None] = []
        last = None
        for f in c.decode(s):
            pts.append(f.pts)
            last = conv(f)
            yield last
            emitted += 1
            if emitted >= n:
                return
        if last is None:
            raise MediaError(path, "no video frame could be decoded")
        N = len(pts)
        if N < 2:
            while emitted < n:
                yield last
                emitted += 1
            return
        known = [p for p in pts if p is not None]
        seekable = len(known) == len(pts) and all(b > a for a, b in itertools.pairwise(known))
        chunk = max(2, min(120, mem_budget // (width * height * (3 if fmt == "rgb24" else 2))))

        def forward(start: int) -> Iterator[np.ndarray]:
            try:
                if seekable:
                    c.seek(known[0], stream=s, backward=True, any_frame=False)
                else:
                    c.seek(0)
            except av.error.FFmpegError:
                while True:         # cannot rewind this file: hold the last frame
                    yield last
            j = 0
            for f in c.decode(s):
                if seekable and f.pts is not None and f.pts < pts[0]:
                    continue
                if j >= start:
                    yield conv(f)
                j += 1
                if j >= N:
                    break

        def backward() -> Iterator[np.ndarray]:     # only when seekable: every frame's pts is known
            hi = N - 2
            prev = None
            while hi >= 1:
                lo = max(1, hi - chunk + 1)
                got: dict[int, np.ndarray] = {}
                try:
                    c.seek(known[lo], stream=s, backward=True, any_frame=False)
                    for f in c.decode(s):
                        if f.pts is None or f.pts < known[lo]:
                            continue
                        if f.pts > known[hi]:
                            break
                        got[f.pts] = conv(f)
                except av.error.FFmpegError:
                    pass    # a damaged stretch: the nearest frame we have stands in
                for idx in range(hi, lo - 1, -1):
                    fr = got.get(known[idx])
                    if fr is None:
                        fr = prev if prev is not None else (next(iter(got.values())) if got else last)
                    prev = fr
                    yield fr
                got.clear()
                hi = lo - 1

        while emitted < n:
            before = emitted
            for src in ((backward(), forward(0)) if seekable else (forward(0),)):
                for fr in src:
                    yield fr
                    emitted += 1
                    if emitted >= n:
                        return
            if emitted == before:   # nothing could be decoded again: hold the last frame
                while emitted < n:
                    yield last
                    emitted += 1


# =============================================================================================
# 1. text to video
# =============================================================================================
def _hsv(h: float, s: float, v: float) -> np.ndarray:
    return np.array(colorsys.hsv_to_rgb(h % 1.0, s, v), np.float32) * 255


def _text_layer(text: str, width: int, height: int, reserve_bottom: int) -> tuple[_Overlay | None, int, int]:
    """The prompt typeset once (white, soft dark shadow), centred; returns (overlay, x, y)."""
    text = (text or "").strip()
    if not text:
        return None, 0, 0
    max_w = width * 0.84
    max_h = height * 0.78 - reserve_bottom
    start = int(min(height / 7.5, width / 11))
    minimum = max(10, int(min(width, height) / 30))
    font, lines, lh = _layout(text, max_w, max_h, start, minimum)
    size = font.size if hasattr(font, "size") else lh
    stroke = max(1, int(size / 16))
    pad = stroke * 2 + max(2, size // 6)
    tw = int(math.ceil(max(font.getlength(ln) for ln in lines))) if lines else 1
    th = lh * len(lines)
    lw, lhh = tw + 2 * pad, th + 2 * pad
    fill = Image.new("L", (lw, lhh), 0)
    shadow = Image.new("L", (lw, lhh), 0)
    df, ds = ImageDraw.Draw(fill), ImageDraw.Draw(shadow)
    y = pad + (lh - int(size * 1.16)) // 2
    off = max(1, size // 24)
    for ln in lines:
        x = pad + (tw - font.getlength(ln)) / 2
        df.text((x, y), ln, font=font, fill=255)
        ds.text((x + off, y + off), ln, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
        y += lh
    shadow = shadow.filter(ImageFilter.GaussianBlur(max(1, size / 14)))
    f = np.asarray(fill)
    sh = (np.asarray(shadow).astype(np.uint16) * 190 // 255).astype(np.uint8)
    alpha = np.maximum(f, sh)
    grey = (f.astype(np.uint16) * 255 // np.maximum(alpha, 1)).astype(np.uint8)
    x = (width - lw) // 2
    y0 = max(0, (height - reserve_bottom - lhh) // 2)
    return _Overlay(alpha, np.repeat(grey[:, :, None], 3, axis=2), x, y0), x, y0


def render_text(out: PathLike, text: str, width: int, height: int, duration: float, fps: float,
                seed: int = 0, audio: PathLike | None = None, label: str | None = None) -> RenderResult:
    """Text-to-video: the prompt typeset large over a drifting, slowly zooming gradient."""
    W, H = _check_size(width, height)
    n = _frame_count(duration, fps)
    fps = float(_rate(fps))
    rng = np.random.default_rng(int(seed) & 0xFFFFFFFF)
    h0 = float(rng.random())
    c1 = _hsv(h0, 0.55 + 0.3 * rng.random(), 0.55 + 0.15 * rng.random())
    c2 = _hsv(h0 + 0.12 + 0.25 * rng.random(), 0.6 + 0.3 * rng.random(), 0.35 + 0.2 * rng.random())
    c3 = _hsv(h0 + 0.45 + 0.2 * rng.random(), 0.5 + 0.3 * rng.random(), 0.4 + 0.2 * rng.random())
    c4 = _hsv(h0 - 0.1 - 0.2 * rng.random(), 0.5 + 0.3 * rng.random(), 0.3 + 0.2 * rng.random())
    ph = rng.random(4) * 2 * math.pi
    sp = 0.05 + rng.random(2) * 0.06  # cycles per second

    reserve = int(min(W, H) * 0.1) if label else 0
    layer, lx, ly = _text_layer(text, W, H, reserve)
    ys = (np.arange(H, dtype=np.float32) - H / 2) / H
    xs = (np.arange(W, dtype=np.float32) - W / 2) / H
    amp = max(1.0, min(W, H) * 0.012)
    audio_arr = _require_audio(audio, n / fps + 0.1) if audio is not None else None

    kY = np.array([65.481, 128.553, 24.966], np.float32) / 255
    kU = np.array([-37.797, -74.203, 112.0], np.float32) / 255
    kV = np.array([112.0, -93.786, -18.214], np.float32) / 255

    def frames() -> Iterator[np.ndarray]:
        # The background is (row colour) + (column colour), and so is each YUV plane, because the
        # RGB→YUV conversion is linear: every plane is one contiguous (h,1)+(1,w) uint8 add.
        for i in range(n):
            frame = np.empty((H * 3 // 2, W), np.uint8)   # a new one each time: frames are encoded later
            py, pu, pv = _yuv_planes(frame, W, H)
            t = i / fps
            z = 1.0 + 0.25 * (i / max(1, n - 1))            # slow zoom into the pattern
            u = np.sin(2 * math.pi * (ys / z * 0.9 + sp[0] * t) + ph[0]) * 0.5 + 0.5
            v = np.sin(2 * math.pi * (xs / z * 0.7 - sp[1] * t) + ph[1]) * 0.5 + 0.5
            A = (c1[None, :] * u[:, None] + c2[None, :] * (1 - u[:, None])) * 0.5     # (H, 3) RGB
            B = (c3[None, :] * v[:, None] + c4[None, :] * (1 - v[:, None])) * 0.5     # (W, 3) RGB
            np.add(np.rint(16 + A @ kY).astype(np.uint8)[:, None], np.rint(B @ kY).astype(np.uint8)[None, :],
                   out=py)
            A2 = A[: H // 2 * 2].reshape(H // 2, 2, 3).mean(axis=1)
            B2 = B[: W // 2 * 2].reshape(W // 2, 2, 3).mean(axis=1)
            for k, plane in ((kU, pu), (kV, pv)):
                a, b = 128 + A2 @ k, B2 @ k
                shift = max(0.0, -float(b.min()))
                np.add(np.clip(np.rint(a - shift), 0, 255).astype(np.uint8)[:, None],
                       np.clip(np.rint(b + shift), 0, 255).astype(np.uint8)[None, :], out=plane)
            if layer is not None:
                dx = int(round(amp * math.sin(2 * math.pi * t / 7.0 + ph[2])))
                dy = int(round(amp * 0.6 * math.sin(2 * math.pi * t / 5.0 + ph[3])))
                layer.apply(frame, W, H, lx + dx, ly + dy)
            yield frame

    return _encode(out, W, H, fps, n, frames(), audio=audio_arr, label=label)


# =============================================================================================
# 2. first frame to video / first and last frame
# =============================================================================================
def render_image_motion(out: PathLike, image: ImageInput, width: int, height: int, duration: float,
                        fps: float, audio: PathLike | None = None, label: str | None = None) -> RenderResult:
    """Image-to-video: frame 0 is the image cover-fitted to the frame, then a Ken-Burns zoom and pan."""
    W, H = _check_size(width, height)
    n = _frame_count(duration, fps)
    fps = float(_rate(fps))
    still = _Still(image, W, H)
    audio_arr = _require_audio(audio, n / fps + 0.1) if audio is not None else None
    return _encode(out, W, H, fps, n, _motion(still, n), audio=audio_arr, label=label)


def render_transition(out: PathLike, first: ImageInput, last: ImageInput | None, width: int, height: int,
                      duration: float, fps: float, label: str | None = None,
                      audio: PathLike | None = None) -> RenderResult:
    """First-and-last-frame video: starts on ``first``, dissolves with a slight zoom, ends on ``last``."""
    if last is None:
        return render_image_motion(out, first, width, height, duration, fps, audio=audio, label=label)
    W, H = _check_size(width, height)
    n = _frame_count(duration, fps)
    fps = float(_rate(fps))
    same = not isinstance(first, Image.Image) and not isinstance(last, Image.Image) and \
        os.path.abspath(first) == os.path.abspath(last)
    a = _Still(first, W, H, 1.15)
    b = a if same else _Still(last, W, H, 1.15)
    audio_arr = _require_audio(audio, n / fps + 0.1) if audio is not None else None

    def frame(i: int) -> np.ndarray:
        p = i / (n - 1) if n > 1 else 1.0
        if same:   # one picture for both ends: push in, then back out to it
            return a.view(1.0 + 0.12 * math.sin(math.pi * p))
        w = _smoothstep((p - 0.2) / 0.6)
        fa = a.view(1.0 + 0.1 * p) if w < 1.0 else None
        fb = b.view(1.1 - 0.1 * p) if w > 0.0 else None
        if fa is None:
            assert fb is not None                                        # w < 1 or w > 0: one of them is made
            return fb
        return fa if fb is None else _blend(fa, fb, w)

    return _encode(out, W, H, fps, n, frame, audio=audio_arr, label=label)


# =============================================================================================
# 3. video style transform
# =============================================================================================
def _gray(img: np.ndarray) -> np.ndarray:
    g = img[..., 0].astype(np.uint16) * 77
    g += img[..., 1].astype(np.uint16) * 150
    g += img[..., 2].astype(np.uint16) * 29
    g >>= 8
    return g.astype(np.uint8)


def _edges(gray: np.ndarray) -> np.ndarray:
    """|∂x| + |∂y| of a uint8 image, as int16 of the same shape."""
    g = gray.astype(np.int16)
    e = np.zeros_like(g)
    e[:, 1:] = np.abs(g[:, 1:] - g[:, :-1])
    e[1:, :] += np.abs(g[1:, :] - g[:-1, :])
    return e


def _thicken(mask: np.ndarray) -> np.ndarray:
    m = mask.copy()
    m[1:, :] |= mask[:-1, :]
    m[:, 1:] |= mask[:, :-1]
    return m


def _soften(img: np.ndarray, factor: int) -> np.ndarray:
    """Cheap blur: shrink by ``factor`` and scale back up (bilinear)."""
    H, W = img.shape[:2]
    im = Image.fromarray(img)
    small = im.resize((max(1, W // factor), max(1, H // factor)), Image.Resampling.BILINEAR, reducing_gap=None)
    return np.asarray(small.resize((W, H), Image.Resampling.BILINEAR))


def _lut3(stops: Sequence[tuple[float, tuple[int, int, int]]]) -> np.ndarray:
    xs = np.array([s[0] for s in stops], np.float32) * 255
    cols = np.array([s[1] for s in stops], np.float32)
    g = np.arange(256, dtype=np.float32)
    return np.stack([np.interp(g, xs, cols[:, k]) for k in range(3)], axis=1).clip(0, 255).astype(np.uint8)


class _Styler:
    """Eight cheap numpy looks, named after the Bailian style-transform presets."""

    def __init__(self, style: int, width: int, height: int, seed: int = 0):
        self.style = style
        self.W, self.H = width, height
        rng = np.random.default_rng(seed + 17 * style)
        yy, xx = np.mgrid[0:height, 0:width]
        s = max(4, int(min(width, height) / 90))
        # halftone screen (manga screentone): distance to the cell centre, as thresholds
        cx = (xx % s) - (s - 1) / 2
        cy = (yy % s) - (s - 1) / 2
        self.screen = (np.sqrt(cx * cx + cy * cy) / (s * 0.72) * 255).clip(0, 255).astype(np.uint8)
        noise = rng.random((height // 4 + 1, width // 4 + 1)).astype(np.float32)
        noise = np.asarray(Image.fromarray((noise * 255).astype(np.uint8)).resize((width, height),
                                                                                  Image.Resampling.BILINEAR))
        self.grain = noise  # uint8 paper fibre texture
        r = np.sqrt(((xx - width / 2) / (width / 2)) ** 2 + ((yy - height / 2) / (height / 2)) ** 2)
        self.vignette = (np.clip(1.08 - 0.35 * r * r, 0.55, 1.0) * 256).astype(np.uint16)[:, :, None]
        self.post3 = np.array([(v // 64) * 85 for v in range(256)], np.uint8)
        self.post4 = np.array([min(255, (v // 52) * 60 + 20) for v in range(256)], np.uint8)
        sat = np.clip((np.arange(256) - 128) * 1.35 + 128, 0, 255).astype(np.uint8)
        self.contrast = sat
        self.guofeng = _lut3([(0.0, (28, 20, 24)), (0.3, (120, 30, 30)), (0.55, (196, 62, 44)),
                              (0.78, (226, 178, 92)), (1.0, (248, 238, 214))])
        self.ink = _lut3([(0.0, (24, 24, 28)), (0.22, (62, 62, 68)), (0.45, (150, 148, 142)),
                          (0.62, (224, 216, 198)), (1.0, (242, 234, 214))])
        self.palette = np.array([(36, 42, 60), (58, 112, 186), (70, 170, 110), (80, 196, 200),
                                 (212, 76, 80), (170, 100, 190), (246, 206, 90), (250, 246, 236)], np.uint8)

    def __call__(self, img: np.ndarray, i: int) -> np.ndarray:
        return getattr(self, f"_s{self.style}")(img, i)

    # 0 日式漫画 — black-and-white ink with screentone
    def _s0(self, img, i):
        g = _gray(_soften(img, 2))
        tone = g > self.screen
        out = np.where(g > 190, True, np.where(g < 60, False, tone))
        ink = _edges(g) > 28
        out &= ~ink
        return np.repeat((out.astype(np.uint8) * 245 + 5)[:, :, None], 3, axis=2)

    # 1 美式漫画 — saturated posterized colour with bold black outlines
    def _s1(self, img, i):
        soft = _soften(img, 3)
        col = self.post4[self.contrast[soft]]
        ink = _thicken(_edges(_gray(soft)) > 18)
        col[ink] = (15, 12, 20)
        return col

    # 2 清新漫画 — pale pastel colours with thin coloured lines
    def _s2(self, img, i):
        soft = _soften(img, 2).astype(np.uint16)
        light = 255 - ((255 - soft) * 100 >> 8)
        light = light.astype(np.uint8)
        ink = _edges(_gray(img)) > 40
        light[ink] = (soft[ink] * 150 >> 8).astype(np.uint8)
        return light

    # 3 3D 卡通 — smooth banded shading, vivid colour and soft lighting
    def _s3(self, img, i):
        soft = _soften(img, 6)
        g = _gray(soft).astype(np.uint16)
        band = (g // 48) * 48 + 40
        col = self.contrast[soft].astype(np.uint16)
        col = (col * (band[:, :, None] + 64)) >> 8
        col = (col * self.vignette) >> 8
        return np.minimum(col + 12, 255).astype(np.uint8)

    # 4 国风卡通 — vermilion/gold palette with ink outlines
    def _s4(self, img, i):
        soft = _soften(img, 3)
        g = _gray(soft)
        col = self.guofeng[g]
        ink = _edges(g) > 22
        col[ink] = (30, 18, 18)
        return col

    # 5 纸艺风格 — flat cut-paper blocks on fibrous paper
    def _s5(self, img, i):
        H, W = self.H, self.W
        b = max(4, int(min(W, H) / 36))
        small = Image.fromarray(img).resize((max(1, W // b), max(1, H // b)), Image.Resampling.BOX)
        blocks = np.asarray(small.resize((W, H), Image.Resampling.NEAREST))
        flat = self.post3[blocks]
        col = (flat.astype(np.uint16) * (self.grain[:, :, None].astype(np.uint16) // 4 + 192)) >> 8
        col += 28
        edge = _edges(_gray(flat)) > 0
        col[edge] = col[edge] * 140 >> 8
        return np.minimum(col, 255).astype(np.uint8)

    # 6 简易插画 — eight flat illustration colours
    def _s6(self, img, i):
        soft = _soften(img, 4)
        med = soft.reshape(-1, 3).mean(axis=0)
        bits = (soft[..., 0] > med[0]).astype(np.uint8) * 4
        bits |= (soft[..., 1] > med[1]).astype(np.uint8) * 2
        bits |= (soft[..., 2] > med[2]).astype(np.uint8)
        return self.palette[bits]

    # 7 国风水墨 — ink wash on rice paper
    def _s7(self, img, i):
        g = _gray(_soften(img, 4))
        g = self.contrast[g]
        wash = self.ink[g].astype(np.uint16)
        wash = (wash * (self.grain[:, :, None].astype(np.uint16) // 8 + 224)) >> 8
        ink = _edges(_gray(_soften(img, 2))) > 26
        wash[ink] = (40, 38, 40)
        return np.minimum(wash, 255).astype(np.uint8)


def render_restyle(out: PathLike, video: PathLike, style: int, width: int | None = None,
                   height: int | None = None, fps: float | None = None, max_duration: float | None = None,
                   audio_from_input: bool = True, label: str | None = None,
                   audio: PathLike | None = None) -> RenderResult:
    """Video style transform: every frame of ``video`` redrawn in one of 8 looks (0..7)."""
    style = int(style)
    if not 0 <= style < len(STYLE_NAMES):
        raise ValueError(f"style must be 0..{len(STYLE_NAMES) - 1}, not {style}")
    info = probe(video)
    if info.kind != "video":
        raise MediaError(video, f"is {info.kind}, not a video")
    iw, ih = info.width or 2, info.height or 2
    want_w: float | None = width
    want_h: float | None = height
    if want_w and not want_h:
        want_h = ih * want_w / iw
    elif want_h and not want_w:
        want_w = iw * want_h / ih
    W, H = _even(want_w or iw), _even(want_h or ih)
    fps = float(_rate(fps or info.fps or 25))
    dur = info.duration or 0.0
    if max_duration:
        dur = min(dur, float(max_duration)) if dur else float(max_duration)
    n = _frame_count(dur or 1 / fps, fps)
    audio_arr = None
    if audio is not None:
        audio_arr = _require_audio(audio, n / fps + 0.1)
    elif audio_from_input and info.has_audio:
        audio_arr = _decode_audio(video, n / fps + 0.1)
    styler = _Styler(style, W, H)

    return _encode(out, W, H, fps, n, _iter_video(video, W, H, fps, n), audio=audio_arr, label=label,
                   transform=styler)


# =============================================================================================
# 4. portraits: talking portrait and lip-sync stand-ins
# =============================================================================================
def render_portrait(out: PathLike, image: ImageInput, audio: PathLike, width: int, height: int, fps: float,
                    max_duration: float | None = None, label: str | None = None) -> RenderResult:
    """A talking-portrait stand-in: the image bobs and zooms with the loudness of ``audio``."""
    W, H = _check_size(width, height)
    fps = float(_rate(fps))
    a = _require_audio(audio, max_duration)
    dur = a.shape[1] / AUDIO_RATE
    n = _frame_count(dur, fps)
    still = _Still(image, W, H, 1.2)
    env = _loudness(a, fps, n)

    def frame(i: int) -> np.ndarray:
        t = i / fps
        e = float(env[i])
        zoom = 1.03 + 0.045 * e + 0.01 * (1 - math.cos(2 * math.pi * t / 4.0))
        fx = 0.5 + 0.18 * math.sin(2 * math.pi * t / 3.3)
        fy = 0.5 - 0.45 * e + 0.1 * math.sin(2 * math.pi * t / 2.1)
        return still.view(zoom, fx, fy)

    return _encode(out, W, H, fps, n, frame, audio=a, label=label)


def render_retalk(out: PathLike, video: PathLike, audio: PathLike, max_duration: float | None = None,
                  extend: bool = False, label: str | None = None) -> RenderResult:
    """A lip-sync stand-in: the video's frames with its sound replaced by ``audio``.

    The result lasts as long as the audio (capped by ``max_duration``). A shorter video is
    played forward and backward alternately when ``extend``; otherwise the audio is cut to
    the video's length.
    """
    info = probe(video)
    if info.kind != "video":
        raise MediaError(video, f"is {info.kind}, not a video")
    W, H = _even(info.width or 2), _even(info.height or 2)
    fps = float(_rate(info.fps or 25))
    a = _require_audio(audio, max_duration)
    dur = a.shape[1] / AUDIO_RATE
    vdur = info.duration or dur
    longer = dur > vdur + 0.5 / fps
    if longer and not extend:
        dur = vdur
    n = _frame_count(dur, fps)
    frames = (_pingpong(video, W, H, n, "yuv420p") if longer and extend
              else _iter_video(video, W, H, fps, n, "yuv420p"))
    return _encode(out, W, H, fps, n, frames, audio=a, label=label)


# =============================================================================================
# 5. several reference images
# =============================================================================================
def _contain(im: Image.Image, w: int, h: int) -> Image.Image:
    s = min(w / im.width, h / im.height)
    return im.resize((max(1, int(im.width * s)), max(1, int(im.height * s))), Image.Resampling.BICUBIC,
                     reducing_gap=3.0)


def _montage(images: list[Image.Image], W: int, H: int) -> Image.Image:
    n = len(images)
    aspects = sorted(im.width / im.height for im in images)
    target = aspects[len(aspects) // 2]
    best = None
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        cell = (W / cols) / (H / rows)
        score = abs(math.log(cell / target)) + 0.05 * (cols * rows - n)
        if best is None or score < best[0]:
            best = (score, cols, rows)
    assert best is not None                                              # n ≥ 1: the loop ran
    _, cols, rows = best
    gap = max(2, int(min(W, H) * 0.02))
    canvas = Image.new("RGB", (W, H), (24, 26, 32))
    cw, ch = (W - gap * (cols + 1)) / cols, (H - gap * (rows + 1)) / rows
    for k, im in enumerate(images):
        r, c = divmod(k, cols)
        in_row = min(cols, n - r * cols)
        x_off = (W - (in_row * cw + (in_row + 1) * gap)) / 2  # centre a short last row
        fit = _contain(im, int(cw), int(ch))
        x = int(x_off + gap + c * (cw + gap) + (cw - fit.width) / 2)
        y = int(gap + r * (ch + gap) + (ch - fit.height) / 2)
        canvas.paste(fit, (x, y))
    return canvas


def render_images(out: PathLike, images: Sequence[ImageInput], width: int, height: int, duration: float,
                  fps: float, label: str | None = None, audio: PathLike | None = None) -> RenderResult:
    """Several reference images: first side by side, then each in turn with a slow zoom and dissolves."""
    if not images:
        raise ValueError("render_images needs at least one image")
    if len(images) == 1:
        return render_image_motion(out, images[0], width, height, duration, fps, audio=audio, label=label)
    W, H = _check_size(width, height)
    n = _frame_count(duration, fps)
    fps = float(_rate(fps))
    pics = [_as_image(im, max_side=int(max(W, H) * 1.5)) for im in images]
    stills = [_Still(_montage(pics, W, H), W, H, 1.0)] + [_Still(p, W, H, 1.15) for p in pics]
    del pics
    m = len(stills)
    seg = n / m
    fade = min(seg / 3, 0.4 * fps)
    audio_arr = _require_audio(audio, n / fps + 0.1) if audio is not None else None

    def view(k: int, i: int) -> np.ndarray:
        local = (i - k * seg) / max(1.0, seg)
        z = 1.0 + 0.08 * min(1.3, max(0.0, local))
        return stills[k].view(z) if k > 0 else stills[0].view(1.0 + 0.03 * max(0.0, local))

    def frame(i: int) -> np.ndarray:
        k = min(m - 1, int(i / seg))
        end = (k + 1) * seg
        if k < m - 1 and i >= end - fade:
            return _blend(view(k, i), view(k + 1, i), _smoothstep((i - (end - fade)) / fade))
        return view(k, i)

    return _encode(out, W, H, fps, n, frame, audio=audio_arr, label=label)



# =============================================================================================
# 6. continuing a clip, reference scenes, instruction edits, animating a person
# =============================================================================================
def _caption_overlay(text: str, width: int, height: int, lines: int = 2) -> _Overlay | None:
    """``text`` in a translucent box across the top (at most ``lines`` lines, ellipsized)."""
    text = (text or "").strip().replace("\n", " ")
    if not text:
        return None
    size = max(10, min(40, int(min(width, height) / 16)))
    font = _font(size, bold=True)
    margin = max(4, int(min(width, height) * 0.025))
    max_w = width - 4 * margin
    wrapped = _wrap(text, font, max_w)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = _ellipsize(wrapped[-1], font, max_w)
    lh = int(math.ceil(size * 1.3))
    pad = max(3, size // 3)
    tw = int(math.ceil(max(font.getlength(ln) for ln in wrapped))) if wrapped else 1
    bw, bh = min(width - 2 * margin, tw + 2 * pad), lh * len(wrapped) + pad
    bw, bh = bw + bw % 2, bh + bh % 2
    alpha = Image.new("L", (bw, bh), 0)
    ImageDraw.Draw(alpha).rounded_rectangle((0, 0, bw - 1, bh - 1), radius=max(2, pad), fill=160)
    fill = Image.new("L", (bw, bh), 0)
    draw = ImageDraw.Draw(fill)
    for k, ln in enumerate(wrapped):
        draw.text((pad, pad // 2 + k * lh), ln, font=font, fill=255)
    a = np.maximum(np.asarray(alpha), np.asarray(fill))
    col = np.repeat(np.asarray(fill)[:, :, None], 3, axis=2)
    return _Overlay(a, col, (width - bw) // 2, margin)


def _cover(im: Image.Image, w: int, h: int) -> Image.Image:
    """``im`` scaled to cover w×h and centre-cropped."""
    s = max(w / im.width, h / im.height)
    sw, sh = max(w, round(im.width * s)), max(h, round(im.height * s))
    im = im.resize((sw, sh), Image.Resampling.BICUBIC, reducing_gap=3.0)
    x, y = (sw - w) // 2, (sh - h) // 2
    return im.crop((x, y, x + w, y + h))


def _picture(path: PathLike, media: str, max_side: int) -> Image.Image:
    """An image, or a frame from the middle of a video, as RGB."""
    if media != "video":
        return load_image(path, max_side)
    info = probe(path, deep=False)
    n = max(1, _frame_count(info.duration or 0.04, 25))
    pick = n // 2
    w, h = info.width or 2, info.height or 2
    s = min(1.0, max_side / max(w, h))
    for k, arr in enumerate(_iter_video(path, _even(w * s), _even(h * s), 25, n)):
        if k >= pick:
            return Image.fromarray(np.array(arr))
    return first_frame(path, max_side)


def render_continuation(out: PathLike, clip: PathLike, width: int, height: int, duration: float, fps: float,
                        last: ImageInput | None = None, text: str | None = None, audio: PathLike | None = None,
                        audio_from_clip: bool = False, label: str | None = None) -> RenderResult:
    """A clip continued: the clip's own frames first (scaled to the frame), then its last frame moves on
    (towards ``last`` when given), with ``text`` shown over the new part. ``duration`` is the total."""
    W, H = _check_size(width, height)
    n = _frame_count(duration, fps)
    fps = float(_rate(fps))
    info = probe(clip)
    if info.kind != "video":
        raise MediaError(clip, f"is {info.kind}, not a video")
    n_clip = min(n, _frame_count(info.duration or 1 / fps, fps))
    end = _Still(last, W, H, 1.15) if last is not None else None
    caption = _caption_overlay(text or "", W, H)
    audio_arr = None
    if audio is not None:
        audio_arr = _require_audio(audio, n / fps + 0.1)
    elif audio_from_clip and info.has_audio:
        audio_arr = _decode_audio(clip, n / fps + 0.1)

    def frames() -> Iterator[np.ndarray]:
        tail = None
        for arr in _iter_video(clip, W, H, fps, n_clip, "rgb24"):
            tail = arr
            yield arr
        if tail is None or n_clip >= n:
            return
        still = _Still(Image.fromarray(np.array(tail)), W, H, 1.2)
        tx, ty = _PANS[still.seed % len(_PANS)]
        rest = n - n_clip
        for j in range(rest):
            p = (j + 1) / rest
            e = _smoothstep(p) * 0.7 + p * 0.3
            fa = still.view(1.0 + 0.15 * e, 0.5 + (tx - 0.5) * e, 0.5 + (ty - 0.5) * e)
            frame = _blend(fa, end.view(1.1 - 0.1 * p), _smoothstep((p - 0.3) / 0.6)) if end is not None else fa
            if caption is not None:
                frame = np.array(frame)
                caption.apply(frame, W, H)
            yield frame

    return _encode(out, W, H, fps, n, frames(), audio=audio_arr, label=label)


def _backdrop(width: int, height: int, seed: int) -> Image.Image:
    """A soft two-colour diagonal gradient picked by ``seed``."""
    rng = np.random.default_rng(int(seed) & 0xFFFFFFFF)
    h0 = float(rng.random())
    a, b = _hsv(h0, 0.45, 0.32), _hsv(h0 + 0.3, 0.5, 0.18)
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    t = np.clip(0.6 * ys + 0.4 * xs, 0, 1)[:, :, None]
    return Image.fromarray((a * (1 - t) + b * t).astype(np.uint8), "RGB")


def reference_board(refs: Sequence[dict], width: int, height: int, text: str = "", seed: int = 0) -> Image.Image:
    """The still a reference scene is made of: one card per reference (``{"tag", "path", "media"}``),
    each picture whole and labelled with its tag (图1, 视频1 …), the prompt along the bottom."""
    W, H = _even(width), _even(height)
    canvas = _backdrop(W, H, seed)
    draw = ImageDraw.Draw(canvas)
    short = min(W, H)
    gap = max(4, int(short * 0.03))
    band = 0
    text = (text or "").strip()
    if text:
        font, lines, lh = _layout(text, W - 4 * gap, H * 0.2, max(12, int(short / 14)), max(10, int(short / 30)))
        band = lh * len(lines) + 2 * gap
        y = H - band + gap
        for ln in lines:
            draw.text(((W - font.getlength(ln)) / 2, y), ln, font=font, fill=(245, 245, 245))
            y += lh
    n = max(1, len(refs))
    area_h = H - band
    best = None
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        cw, ch = (W - gap * (cols + 1)) / cols, (area_h - gap * (rows + 1)) / rows
        score = min(cw, ch)
        if best is None or score > best[0]:
            best = (score, cols, rows, cw, ch)
    assert best is not None
    _, cols, rows, cw, ch = best
    tag_size = max(10, int(min(cw, ch) / 9))
    tag_font = _font(tag_size, bold=True)
    for k, ref in enumerate(refs):
        r, c = divmod(k, cols)
        in_row = min(cols, n - r * cols)
        x0 = (W - (in_row * cw + (in_row - 1) * gap)) / 2 + c * (cw + gap)
        y0 = gap + r * (ch + gap)
        pic = _picture(ref["path"], str(ref.get("media", "image")), int(max(cw, ch) * 1.5) + 8)
        fit = _contain(pic, max(2, int(cw) - 8), max(2, int(ch) - 8))
        draw.rounded_rectangle((x0, y0, x0 + cw, y0 + ch), radius=max(3, gap // 2), fill=(236, 236, 232))
        canvas.paste(fit, (int(x0 + (cw - fit.width) / 2), int(y0 + (ch - fit.height) / 2)))
        tag = str(ref.get("tag") or f"{k + 1}")
        tw = tag_font.getlength(tag)
        pad = max(2, tag_size // 4)
        draw.rounded_rectangle((x0 + 2, y0 + 2, x0 + 2 + tw + 2 * pad, y0 + 2 + tag_size * 1.3 + pad),
                               radius=pad, fill=(200, 40, 40))
        draw.text((x0 + 2 + pad, y0 + 2 + pad // 2), tag, font=tag_font, fill=(255, 255, 255))
    return canvas


def render_references(out: PathLike, refs: Sequence[dict], width: int, height: int, duration: float, fps: float,
                      text: str = "", seed: int = 0, audio: PathLike | None = None, first: ImageInput | None = None,
                      label: str | None = None) -> RenderResult:
    """A reference scene: every reference visible on its own labelled card (images whole, videos by a
    frame from their middle), the prompt below, the camera slowly moving in. With ``first`` the video
    opens on that picture and dissolves into the scene."""
    if not refs:
        raise ValueError("render_references needs at least one reference")
    W, H = _check_size(width, height)
    n = _frame_count(duration, fps)
    fps = float(_rate(fps))
    move = _motion(_Still(reference_board(refs, W, H, text, seed), W, H, 1.1), n, zoom_to=1.08)
    start = _Still(first, W, H, 1.1) if first is not None else None
    audio_arr = _require_audio(audio, n / fps + 0.1) if audio is not None else None

    def frame(i: int) -> np.ndarray:
        if start is None:
            return move(i)
        p = i / (n - 1) if n > 1 else 1.0
        w = _smoothstep((p - 0.15) / 0.4)
        return start.full() if w <= 0.0 else _blend(start.view(1.0 + 0.05 * p), move(i), w)

    return _encode(out, W, H, fps, n, frame, audio=audio_arr, label=label)


#: Looks an instruction edit gives its source (an RGB tint and how strongly it is laid over).
_EDIT_LOOKS = ((255, 150, 60), (60, 140, 255), (120, 220, 110), (230, 80, 200), (250, 230, 90), (90, 230, 230))


def render_edit(out: PathLike, video: PathLike, text: str, width: int, height: int, duration: float, fps: float,
                refs: Sequence[PathLike] = (), look: int = 0, audio: PathLike | None = None,
                audio_from_input: bool = False, label: str | None = None) -> RenderResult:
    """An instruction edit: the source video's frames, visibly changed (a colour look, a little
    posterized), the instruction across the top and the reference pictures in a strip at the bottom."""
    info = probe(video)
    if info.kind != "video":
        raise MediaError(video, f"is {info.kind}, not a video")
    W, H = _check_size(width, height)
    n = _frame_count(duration, fps)
    fps = float(_rate(fps))
    tint = np.array(_EDIT_LOOKS[int(look) % len(_EDIT_LOOKS)], np.uint16)
    caption = _caption_overlay(text, W, H)
    strip = None
    if refs:
        th = max(8, _even(min(W, H) * 0.2))
        thumbs = [_contain(load_image(p, th * 4), th * 2, th) for p in refs]
        sw = sum(t.width for t in thumbs) + 4 * (len(thumbs) + 1)
        board = Image.new("RGB", (_even(sw), th + 8 - (th + 8) % 2), (250, 250, 250))
        x = 4
        for t in thumbs:
            board.paste(t, (x, 4 + (th - t.height) // 2))
            x += t.width + 4
        if board.width > W:
            board = board.resize((_even(W - 8), _even(board.height * (W - 8) / board.width)))
        arr = np.asarray(board)
        margin = max(4, int(min(W, H) * 0.025))
        strip = _Overlay(np.full(arr.shape[:2], 235, np.uint8), arr, margin, H - arr.shape[0] - margin)
    audio_arr = None
    if audio is not None:
        audio_arr = _require_audio(audio, n / fps + 0.1)
    elif audio_from_input and info.has_audio:
        audio_arr = _decode_audio(video, n / fps + 0.1)

    def edit(img: np.ndarray, i: int) -> np.ndarray:
        rgb: np.ndarray = img[..., :3].astype(np.uint16)
        rgb = (rgb & 0xE0) + 16                         # posterize a little
        rgb = (rgb * 150 + tint * 106) >> 8             # then lay the look over it
        frame = rgb.astype(np.uint8)
        if caption is not None:
            caption.apply(frame, W, H)
        if strip is not None:
            strip.apply(frame, W, H)
        return frame

    return _encode(out, W, H, fps, n, _iter_video(video, W, H, fps, n, "rgb24"), audio=audio_arr, label=label,
                   transform=edit)


def render_animate(out: PathLike, image: ImageInput, video: PathLike, width: int, height: int, duration: float,
                   fps: float, mode: str = "move", label: str | None = None) -> RenderResult:
    """A person moved by a driving video. ``move``: the photo (its own background) moves for the video's
    length, the driving video playing in a corner; ``mix``: the driving video with the person from the
    photo standing in it, following its motion."""
    W, H = _check_size(width, height)
    n = _frame_count(duration, fps)
    fps = float(_rate(fps))
    info = probe(video)
    if info.kind != "video":
        raise MediaError(video, f"is {info.kind}, not a video")
    vw, vh = info.width or 2, info.height or 2
    if mode == "mix":
        ph = _even(H * 0.55)
        pw = _even(max(2, min(W * 0.6, ph * 0.75)))
        card = np.asarray(_cover(_as_image(image, max(pw, ph) * 2), pw, ph))
        cy, cu, cv = _rgb_to_yuv420(card)

        def mixed() -> Iterator[np.ndarray]:
            for i, arr in enumerate(_iter_video(video, W, H, fps, n, "yuv420p")):
                frame = np.array(arr)
                py, pu, pv = _yuv_planes(frame, W, H)
                t = i / fps
                x = _even((W - pw) / 2 + (W - pw) * 0.25 * math.sin(2 * math.pi * t / 3.0))
                y = _even((H - ph) * (0.6 + 0.25 * math.sin(2 * math.pi * t / 1.6)))
                py[y:y + ph, x:x + pw] = cy
                pu[y // 2:(y + ph) // 2, x // 2:(x + pw) // 2] = cu
                pv[y // 2:(y + ph) // 2, x // 2:(x + pw) // 2] = cv
                yield frame

        return _encode(out, W, H, fps, n, mixed(), audio=None, label=label)
    still = _Still(image, W, H, 1.2)
    move = _motion(still, n, zoom_to=1.12)
    iw = _even(max(2, W * 0.3))
    ih = _even(max(2, iw * vh / vw))
    if ih > H // 2:
        ih = _even(H // 2)
        iw = _even(max(2, ih * vw / vh))
    m = _even(max(4, min(W, H) * 0.03))

    def moved() -> Iterator[np.ndarray]:
        for i, arr in enumerate(_iter_video(video, iw, ih, fps, n, "yuv420p")):
            frame = np.array(move(i))
            py, pu, pv = _yuv_planes(frame, W, H)
            sy, su, sv = _yuv_planes(arr, iw, ih)
            y0 = H - ih - m
            py[y0:y0 + ih, m:m + iw] = sy
            pu[y0 // 2:(y0 + ih) // 2, m // 2:(m + iw) // 2] = su
            pv[y0 // 2:(y0 + ih) // 2, m // 2:(m + iw) // 2] = sv
            yield frame

    return _encode(out, W, H, fps, n, moved(), audio=None, label=label)
