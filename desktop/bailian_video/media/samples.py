"""Synthetic inputs: images with a face-like figure, speech-like tones, and moving test videos.

Used by the tests and by the app's built-in samples, so every model can be tried without
hunting for files.
"""
from __future__ import annotations

import math
import os
import wave
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

from .render import AUDIO_RATE, _encode, _even, _font, _frame_count, _Layer, _rate, _text_layer

__all__ = ["make_audio", "make_image", "make_video", "speech_envelope"]

_PIL_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP", ".webp": "WEBP",
                ".gif": "GIF", ".tif": "TIFF", ".tiff": "TIFF"}


def _shade(color, k: float) -> tuple[int, int, int]:
    r, g, b = (int(max(0, min(255, c * k))) for c in color)
    return r, g, b


def make_image(path: str | os.PathLike, width: int, height: int, text: str = "",
               color: tuple[int, int, int] = (70, 110, 170), fmt: str | None = None) -> Path:
    """A picture of a simple person (head, eyes, mouth, shoulders) on a gradient, plus ``text``.

    The format comes from the suffix (png/jpg/jpeg/bmp/webp/gif/tif) unless ``fmt`` names one.
    A 4th ``color`` value makes the background that transparent (RGBA; the figure stays opaque)
    for formats with alpha; JPEG and BMP are always saved opaque.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt_name = (fmt or "").upper().replace("JPG", "JPEG") or _PIL_FORMATS.get(path.suffix.lower())
    if not fmt_name:
        raise ValueError(f"unknown image format for {path.name}")
    alpha = color[3] if len(color) > 3 else None
    rgb = tuple(color[:3])
    w, h = int(width), int(height)
    # vertical gradient background
    top, bottom = np.array(_shade(rgb, 1.25), np.float32), np.array(_shade(rgb, 0.55), np.float32)
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    bg = (top * (1 - t) + bottom * t).astype(np.uint8)
    arr = np.broadcast_to(bg, (h, w, 3)).copy()
    im = Image.fromarray(arr, "RGB")
    d = ImageDraw.Draw(im)
    s = min(w, h)
    cx, cy = w / 2, h * 0.42
    skin, hair, shirt = (236, 196, 164), (52, 36, 30), _shade((rgb[2], rgb[0], rgb[1]), 0.9)
    # shoulders / body
    d.ellipse((cx - s * 0.42, cy + s * 0.26, cx + s * 0.42, cy + s * 0.95), fill=shirt)
    d.rectangle((cx - s * 0.07, cy + s * 0.14, cx + s * 0.07, cy + s * 0.32), fill=_shade(skin, 0.9))
    # hair, head
    d.ellipse((cx - s * 0.24, cy - s * 0.31, cx + s * 0.24, cy + s * 0.12), fill=hair)
    d.ellipse((cx - s * 0.2, cy - s * 0.25, cx + s * 0.2, cy + s * 0.25), fill=skin)
    d.chord((cx - s * 0.22, cy - s * 0.3, cx + s * 0.22, cy + s * 0.02), 180, 360, fill=hair)
    # eyes, brows, nose, mouth
    for ex in (-0.075, 0.075):
        x = cx + ex * s
        d.ellipse((x - s * 0.03, cy - s * 0.035, x + s * 0.03, cy + s * 0.02), fill=(255, 255, 255))
        d.ellipse((x - s * 0.014, cy - s * 0.022, x + s * 0.014, cy + s * 0.012), fill=(40, 30, 30))
        d.line((x - s * 0.035, cy - s * 0.065, x + s * 0.035, cy - s * 0.07), fill=hair,
               width=max(1, int(s * 0.01)))
    d.line((cx, cy + s * 0.0, cx - s * 0.015, cy + s * 0.07), fill=_shade(skin, 0.75), width=max(1, int(s * 0.008)))
    d.chord((cx - s * 0.07, cy + s * 0.08, cx + s * 0.07, cy + s * 0.16), 0, 180, fill=(170, 60, 70))
    if text:
        size = max(10, int(s / 12))
        font = _font(size, bold=True)
        while size > 10 and font.getlength(text) > w * 0.92:
            size = int(size * 0.85)
            font = _font(size, bold=True)
        tw = font.getlength(text)
        y = h - size * 1.6
        d.text(((w - tw) / 2, y), text, font=font, fill=(255, 255, 255), stroke_width=max(1, size // 14),
               stroke_fill=(0, 0, 0))
    if alpha is not None:
        im = im.convert("RGBA")
        a = np.full((h, w), int(alpha), np.uint8)
        # the figure stays opaque; only the background takes the requested alpha
        yy, xx = np.mgrid[0:h, 0:w]
        inside = ((xx - cx) / (s * 0.45)) ** 2 + ((yy - (cy + s * 0.2)) / (s * 0.62)) ** 2 <= 1
        a[inside] = 255
        im.putalpha(Image.fromarray(a, "L"))
    save = {}
    if fmt_name == "JPEG":
        im = im.convert("RGB")
        save = {"quality": 92}
    elif fmt_name == "WEBP":
        save = {"quality": 90}
    elif fmt_name == "BMP" and im.mode == "RGBA":
        im = im.convert("RGB")
    tmp = path.with_name(path.name + ".part")
    try:
        im.save(tmp, fmt_name, **save)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# -- audio ---------------------------------------------------------------------------------------
def speech_envelope(n: int, sample_rate: int, seed: int = 1) -> np.ndarray:
    """0..1 amplitude with syllables (~4/s) grouped into phrases separated by short pauses."""
    rng = np.random.default_rng(seed)
    env = np.zeros(n, np.float32)
    total = n / sample_rate
    pos = 0.05
    while pos < total:
        end = min(total, pos + rng.uniform(0.8, 1.8))
        s = pos
        while s < end:
            length = rng.uniform(0.12, 0.28)
            i0, i1 = int(s * sample_rate), min(n, int((s + length) * sample_rate))
            if i1 > i0:
                x = np.arange(i1 - i0, dtype=np.float32) / max(1, int(length * sample_rate))
                syl = rng.uniform(0.55, 1.0) * np.maximum(0.0, np.sin(np.pi * np.clip(x, 0, 1))) ** 0.7
                np.maximum(env[i0:i1], syl.astype(np.float32), out=env[i0:i1])
            s += length + rng.uniform(0.02, 0.08)
        pos = end + rng.uniform(0.2, 0.45)
    return env


def _tone(seconds: float, freq: float, sample_rate: int) -> np.ndarray:
    n = max(1, int(round(seconds * sample_rate)))
    t = np.arange(n, dtype=np.float64) / sample_rate
    vib = 1 + 0.03 * np.sin(2 * np.pi * 5.5 * t)
    phase = 2 * np.pi * freq * np.cumsum(vib) / sample_rate
    sig = np.sin(phase) + 0.45 * np.sin(2 * phase) + 0.2 * np.sin(3 * phase)
    sig = sig / 1.65 * speech_envelope(n, sample_rate) * 0.8
    return sig.astype(np.float32)


def make_audio(path: str | os.PathLike, seconds: float, freq: float = 440.0, sample_rate: int = 16000) -> Path:
    """A tone with a speech-like envelope: .wav (stdlib), .mp3/.m4a/.aac/.flac/.ogg (PyAV encoders)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sig = _tone(seconds, freq, sample_rate)
    ext = path.suffix.lower()
    tmp = path.with_name(path.name + ".part")
    if ext == ".wav":
        pcm = (np.clip(sig, -1, 1) * 32767).astype("<i2")
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(sample_rate)
            w.writeframes(pcm.tobytes())
        os.replace(tmp, path)
        return path
    spec = {".mp3": ("mp3", "libmp3lame"), ".m4a": ("ipod", "aac"), ".aac": ("adts", "aac"),
            ".flac": ("flac", "flac"), ".ogg": ("ogg", "libvorbis")}.get(ext)
    if spec is None:
        raise ValueError(f"unsupported audio format {ext!r}")
    fmt, codec = spec
    try:
        av.codec.Codec(codec, "w")
    except av.codec.codec.UnknownCodecError:
        if codec == "libmp3lame":
            codec = "mp3"
        av.codec.Codec(codec, "w")  # raises if this FFmpeg has no encoder for it
    try:
        with av.open(str(tmp), "w", format=fmt) as c:
            s = c.add_stream(codec, rate=sample_rate, layout="mono")
            assert isinstance(s, av.AudioStream)
            if codec in ("aac", "libmp3lame", "mp3"):
                s.bit_rate = 64000
            fmtname = s.codec_context.format.name if s.codec_context.format else "fltp"
            chunk = 1152 if codec in ("libmp3lame", "mp3") else 1024
            for k in range(0, len(sig), chunk):
                part = sig[k:k + chunk]
                if fmtname.startswith("s16"):
                    arr = (np.clip(part, -1, 1) * 32767).astype(np.int16)[None, :]
                    frame = av.AudioFrame.from_ndarray(arr, format="s16p" if fmtname.endswith("p") else "s16",
                                                       layout="mono")
                elif fmtname.startswith("s32"):
                    arr = (np.clip(part, -1, 1) * 2147483647).astype(np.int32)[None, :]
                    frame = av.AudioFrame.from_ndarray(arr, format="s32p" if fmtname.endswith("p") else "s32",
                                                       layout="mono")
                else:
                    frame = av.AudioFrame.from_ndarray(part[None, :].astype(np.float32),
                                                       format="fltp" if fmtname.endswith("p") else "flt",
                                                       layout="mono")
                frame.sample_rate = sample_rate
                frame.pts = k
                for p in s.encode(frame):
                    c.mux(p)
            for p in s.encode():
                c.mux(p)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# -- video ---------------------------------------------------------------------------------------
def make_video(path: str | os.PathLike, width: int, height: int, seconds: float, fps: float = 25,
               with_audio: bool = False, text: str = "") -> Path:
    """H.264 MP4 with moving content: a colour wash, a bouncing ball, a sweeping bar and ``text``."""
    path = Path(path)
    W, H = _even(width), _even(height)
    fps = float(_rate(fps))
    n = _frame_count(seconds, fps)
    ys = np.linspace(0, 1, H, dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, W, dtype=np.float32)[None, :]
    r = max(3, int(min(W, H) * 0.12))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    disc = np.clip((r + 0.5 - np.sqrt(xx * xx + yy * yy)) * 255, 0, 255).astype(np.uint8)
    ball = _Layer(disc, np.broadcast_to(np.array([250, 220, 60], np.uint8), disc.shape + (3,)))
    text_layer = None
    if text:
        text_layer, tx, ty = _text_layer(text, W, H, 0)

    def frames() -> Iterator[np.ndarray]:
        for i in range(n):
            frame = np.empty((H, W, 3), np.uint8)
            t = i / fps
            u = 0.5 + 0.5 * np.sin(2 * np.pi * (ys * 1.2 + 0.25 * t))
            v = 0.5 + 0.5 * np.sin(2 * np.pi * (xs * 0.9 - 0.2 * t))
            frame[..., 0] = (40 + 150 * u * 0.5 + 60 * v).astype(np.uint8)
            frame[..., 1] = (30 + 120 * v * 0.8 + 40 * u).astype(np.uint8)
            frame[..., 2] = (90 + 120 * (1 - u) * 0.9).astype(np.uint8)
            bx = int((0.5 + 0.4 * math.sin(2 * math.pi * t / 2.3)) * W) - r
            by = int((0.5 + 0.35 * math.cos(2 * math.pi * t / 1.7)) * H) - r
            ball.apply(frame, bx, by)
            bar = int((i / max(1, n - 1)) * (W - 1))
            frame[H - max(2, H // 40):, :bar] = (230, 70, 90)
            if text_layer is not None:
                text_layer.apply(frame, W, H, tx, ty)
            yield frame

    audio = None
    if with_audio:
        mono = _tone(n / fps, 330.0, AUDIO_RATE)
        audio = np.stack([mono, mono])
    _encode(path, W, H, fps, n, frames(), audio=audio)
    return path
