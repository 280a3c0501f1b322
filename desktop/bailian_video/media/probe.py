"""What a media file is: kind, format, size, duration, codecs — read from headers only.

Images are identified with Pillow (``Image.open`` reads the header, not the pixels);
audio and video with PyAV container metadata. The kind is decided by the content:
an ``.mp4`` holding only an audio track is ``audio``, a ``.png`` that is really a JPEG
is ``jpeg``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageOps

__all__ = [
    "AUDIO_EXTENSIONS",
    "IMAGE_EXTENSIONS",
    "VIDEO_EXTENSIONS",
    "MediaError",
    "MediaInfo",
    "first_frame",
    "probe",
    "waveform",
]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif", ".tif", ".tiff")
AUDIO_EXTENSIONS = (".wav", ".mp3", ".aac", ".m4a", ".flac", ".ogg", ".opus")
VIDEO_EXTENSIONS = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".flv", ".ts", ".mpg", ".mpeg", ".mxf", ".m4v")


class MediaError(Exception):
    """A file that is missing, unreadable or not a recognisable image/audio/video."""

    def __init__(self, path: str | os.PathLike | None, problem: str):
        self.path = str(path) if path is not None else ""
        self.problem = problem
        name = os.path.basename(self.path) if self.path else ""
        super().__init__(f"{name}: {problem}" if name else problem)


@dataclass(frozen=True)
class MediaInfo:
    path: str
    kind: str                    # "image" | "audio" | "video"
    format: str                  # "png", "jpeg", "mp4", "wav", ...
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    has_audio: bool = False
    has_alpha: bool = False

    @property
    def aspect(self) -> float | None:
        """Long side over short side (≥ 1), or None without a picture."""
        if not self.width or not self.height:
            return None
        return max(self.width, self.height) / min(self.width, self.height)

    @property
    def short_side(self) -> int | None:
        return min(self.width, self.height) if self.width and self.height else None

    @property
    def long_side(self) -> int | None:
        return max(self.width, self.height) if self.width and self.height else None


# -- images ------------------------------------------------------------------------------------
# Formats Pillow may claim a file for. TGA has no magic number, so it is only tried for .tga files;
# MPEG is Pillow's identify-only video plugin and is left to PyAV.
_PIL_FORMATS = ("PNG", "JPEG", "MPO", "BMP", "DIB", "WEBP", "GIF", "TIFF", "ICO", "AVIF",
                "JPEG2000", "PPM", "QOI", "PSD", "SGI")
_PIL_NAMES = {"MPO": "jpeg", "DIB": "bmp", "JPEG2000": "jp2", "TIFF": "tiff"}


def _pil_formats(path: Path) -> list[str]:
    Image.init()
    wanted = list(_PIL_FORMATS)
    if path.suffix.lower() == ".tga":
        wanted.append("TGA")
    return [f for f in wanted if f in Image.OPEN]


def _image_has_alpha(im: Image.Image) -> bool:
    """An alpha channel, or a palette/colour key marked transparent (PNG tRNS, GIF)."""
    return im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info


def _open_image(path: Path) -> Image.Image | None:
    """Pillow image (header only) or None if Pillow does not recognise the file as an image."""
    try:
        im = Image.open(path, formats=_pil_formats(path))
    except (Image.UnidentifiedImageError, SyntaxError, ValueError):
        return None
    except Image.DecompressionBombError as e:
        raise MediaError(path, f"image is too large to open safely ({e})") from None
    except OSError as e:
        raise MediaError(path, f"cannot read the file ({e.strerror or e})") from None
    return im


def _probe_image(path: Path, im: Image.Image, size: int) -> MediaInfo:
    with im:
        fmt = _PIL_NAMES.get(im.format or "", (im.format or "").lower())
        w, h = im.size
        # EXIF orientation 5..8 means the picture is shown rotated by 90°.
        try:
            orientation = im.getexif().get(0x0112, 1)
        except Exception:  # broken EXIF must not make a good image unreadable
            orientation = 1
        if orientation in (5, 6, 7, 8):
            w, h = h, w
        if w <= 0 or h <= 0:
            raise MediaError(path, "image has no pixels")
        return MediaInfo(path=str(path), kind="image", format=fmt, size_bytes=size, width=w, height=h,
                         duration=None, fps=None, has_audio=False, has_alpha=_image_has_alpha(im))


# -- audio / video -----------------------------------------------------------------------------
def _container_format(path: Path, names: str, has_video: bool) -> str:
    """Short name for a demuxer like "mov,mp4,m4a,3gp,3g2,mj2" (the extension picks among them)."""
    ext = path.suffix.lower().lstrip(".")
    parts = names.split(",")
    if names.startswith("mov,mp4"):
        if ext in ("mp4", "mov", "m4a", "m4v", "3gp", "3g2"):
            return ext
        return "mp4" if has_video else "m4a"
    if names.startswith("matroska"):
        return "webm" if ext == "webm" else "mkv"
    simple = {"mpegts": "ts", "mpeg": "mpg", "mpegvideo": "mpg", "mxf": "mxf", "wav": "wav", "w64": "wav",
              "mp3": "mp3", "aac": "aac", "flv": "flv", "avi": "avi", "ogg": "ogg", "flac": "flac",
              "asf": "wmv" if has_video else "wma", "h264": "h264", "hevc": "hevc"}
    if parts[0] in simple:
        return simple[parts[0]]
    if ext and ext in parts:
        return ext
    return parts[0]


def _codec_name(stream) -> str | None:
    try:
        codec = stream.codec_context.codec
        return getattr(codec, "canonical_name", None) or codec.name
    except Exception:
        try:
            return stream.codec_context.name
        except Exception:
            return None


def _is_real_video(stream) -> bool:
    """A video stream that is not just embedded cover art (as in MP3/M4A files)."""
    try:
        disp = stream.disposition
        if disp is not None and (int(disp) & int(av.stream.Disposition.attached_pic)):
            return False
    except Exception:
        pass
    ctx = stream.codec_context
    return bool(getattr(ctx, "width", 0)) and bool(getattr(ctx, "height", 0))


def _stream_duration(stream) -> float | None:
    if stream.duration is not None and stream.time_base:
        d = float(stream.duration * stream.time_base)
        if d > 0:
            return d
    return None


def _open_av(path: Path):
    try:
        return av.open(str(path), "r", metadata_errors="ignore")
    except av.error.FileNotFoundError:
        raise MediaError(path, "file does not exist") from None
    except av.error.PermissionError:
        raise MediaError(path, "permission denied") from None
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError) as e:
        raise MediaError(path, "not a recognisable image, audio or video file") from e


# Demuxers that accept almost anything (text shown as ANSI art) or only still images, which Pillow
# has already turned down by the time PyAV is asked.
_NOT_MEDIA_DEMUXERS = {"tty", "bin", "xbin", "adf", "idf", "image2", "image2pipe", "lavfi", "ffmetadata"}
_NOT_MEDIA_CODECS = {"ansi", "bintext", "xbin", "idf"}


def _probe_av(path: Path, size: int) -> MediaInfo:
    with _open_av(path) as c:
        demuxer = c.format.name.split(",")[0]
        if demuxer in _NOT_MEDIA_DEMUXERS or demuxer.endswith("_pipe"):
            raise MediaError(path, "not a recognisable image, audio or video file")
        videos = [s for s in c.streams.video if _is_real_video(s)]
        audios = [s for s in c.streams.audio if getattr(s.codec_context, "sample_rate", 0)]
        if not videos and not audios:
            raise MediaError(path, "no audio or video track found")
        v = videos[0] if videos else None
        a = audios[0] if audios else None
        if v is not None and _codec_name(v) in _NOT_MEDIA_CODECS:
            raise MediaError(path, "not a recognisable image, audio or video file")
        duration = None
        if c.duration is not None and c.duration > 0:
            duration = c.duration / av.time_base
        if duration is None:
            durs = [d for d in (_stream_duration(s) for s in (v, a) if s is not None) if d]
            duration = max(durs) if durs else None
        fmt = _container_format(path, c.format.name, v is not None)
        if v is None:
            return MediaInfo(path=str(path), kind="audio", format=fmt, size_bytes=size, duration=duration,
                             audio_codec=_codec_name(a), has_audio=True)
        fps = None
        for rate in (v.average_rate, getattr(v, "guessed_rate", None), v.base_rate):
            if rate:
                fps = float(rate)
                if 0 < fps < 1000:
                    break
                fps = None
        if duration is None and v.frames and fps:
            duration = v.frames / fps
        ctx = v.codec_context
        w, h = int(ctx.width), int(ctx.height)
        try:
            rot = int(float(v.metadata.get("rotate", "0"))) % 180
        except (TypeError, ValueError):
            rot = 0
        if rot == 90:
            w, h = h, w
        return MediaInfo(path=str(path), kind="video", format=fmt, size_bytes=size, width=w, height=h,
                         duration=duration, fps=fps, video_codec=_codec_name(v),
                         audio_codec=_codec_name(a) if a is not None else None, has_audio=a is not None)


def _check_file(path: str | os.PathLike) -> tuple[Path, int]:
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise MediaError(p, "file does not exist") from None
    except OSError as e:
        raise MediaError(p, f"cannot read the file ({e.strerror or e})") from None
    if not p.is_file():
        raise MediaError(p, "not a regular file")
    if st.st_size == 0:
        raise MediaError(p, "file is empty")
    if not os.access(p, os.R_OK):
        raise MediaError(p, "permission denied")
    return p, st.st_size


def probe(path: str | os.PathLike) -> MediaInfo:
    """Describe an image, audio or video file without decoding it. Raises :class:`MediaError`."""
    p, size = _check_file(path)
    im = _open_image(p)
    if im is not None:
        return _probe_image(p, im, size)
    return _probe_av(p, size)


# -- thumbnails ----------------------------------------------------------------------------------
def _flatten(im: Image.Image, background=(255, 255, 255)) -> Image.Image:
    """RGB copy of an image; transparent parts become ``background``."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        bg = Image.new("RGB", rgba.size, background)
        bg.paste(rgba, mask=rgba.getchannel("A"))
        return bg
    return im.convert("RGB")


def load_image(path: str | os.PathLike, max_side: int | None = None) -> Image.Image:
    """A still as RGB, EXIF-rotated, transparency on white, optionally shrunk to ``max_side``."""
    p, _ = _check_file(path)
    im = _open_image(p)
    if im is None:
        raise MediaError(p, "not a recognisable image file")
    try:
        with im:
            if max_side and im.format == "JPEG":
                im.draft("RGB", (max_side, max_side))
            out = _flatten(ImageOps.exif_transpose(im) or im)
    except MediaError:
        raise
    except Exception as e:
        raise MediaError(p, f"image data is damaged ({e})") from None
    if max_side and max(out.size) > max_side:
        out.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    return out


def first_frame(path: str | os.PathLike, max_side: int = 320) -> Image.Image:
    """RGB thumbnail: the image itself or the first decoded video frame (cover art for audio)."""
    p, _ = _check_file(path)
    if _open_image(p) is not None:
        return load_image(p, max_side)
    with _open_av(p) as c:
        streams = [s for s in c.streams.video if _is_real_video(s)] or list(c.streams.video)
        if not streams:
            raise MediaError(p, "has no picture")
        s = streams[0]
        s.thread_type = "AUTO"
        try:
            for frame in c.decode(s):
                w, h = frame.width, frame.height
                scale = min(1.0, max_side / max(w, h)) if max_side else 1.0
                tw, th = max(1, round(w * scale)), max(1, round(h * scale))
                return frame.reformat(width=tw, height=th, format="rgb24").to_image()
        except av.error.FFmpegError as e:
            raise MediaError(p, f"video data is damaged ({e})") from None
    raise MediaError(p, "no video frame could be decoded")


# -- waveform ------------------------------------------------------------------------------------
class _PeakBins:
    """Peak |amplitude| per bin, folded in chunk by chunk (memory independent of the length).

    With ``total`` samples known up front, sample k goes to bin ``k * bins // total`` (later
    samples to the last bin). Without it, peaks are kept per block of 1024 samples and grouped
    into ``bins`` at the end.
    """

    BLOCK = 1024

    def __init__(self, bins: int, total: int | None):
        self.bins = max(1, int(bins))
        self.total = total if total and total > 0 else None
        self.peaks = np.zeros(self.bins, np.float32)
        self.pos = 0
        self.blocks: list[float] = []
        self.carry = 0.0
        self.carry_n = 0

    def add(self, mono: np.ndarray) -> None:
        n = int(mono.shape[0])
        if n == 0:
            return
        if self.total:
            idx = (np.arange(self.pos, self.pos + n, dtype=np.int64) * self.bins) // self.total
            np.minimum(idx, self.bins - 1, out=idx)
            starts = np.concatenate(([0], np.flatnonzero(np.diff(idx)) + 1))
            seg = np.maximum.reduceat(mono, starts)
            np.maximum.at(self.peaks, idx[starts], seg)
        else:
            i, B = 0, self.BLOCK
            if self.carry_n:
                take = min(B - self.carry_n, n)
                self.carry = max(self.carry, float(mono[:take].max()))
                self.carry_n += take
                i = take
                if self.carry_n == B:
                    self.blocks.append(self.carry)
                    self.carry, self.carry_n = 0.0, 0
            full = (n - i) // B
            if full:
                self.blocks.extend(mono[i:i + full * B].reshape(full, B).max(axis=1).tolist())
                i += full * B
            if i < n:
                self.carry = max(self.carry, float(mono[i:].max()))
                self.carry_n += n - i
        self.pos += n

    def result(self) -> list[float]:
        if not self.total:
            blocks = self.blocks + ([self.carry] if self.carry_n else [])
            if blocks:
                arr = np.asarray(blocks, np.float32)
                edges = np.linspace(0, len(arr), self.bins + 1)
                for b in range(self.bins):
                    lo = int(edges[b])
                    hi = max(lo + 1, int(edges[b + 1]))
                    self.peaks[b] = arr[lo:hi].max() if lo < len(arr) else 0.0
        return [float(x) for x in np.clip(self.peaks, 0.0, 1.0)]


def waveform(path: str | os.PathLike, bins: int = 200) -> list[float]:
    """Peak amplitude (0..1) of the audio in ``bins`` equal slices of its duration.

    Memory stays bounded: each decoded frame is folded into the bins and dropped.
    Raises :class:`MediaError` for files without an audio track.
    """
    p, _ = _check_file(path)
    with _open_av(p) as c:
        if not c.streams.audio:
            raise MediaError(p, "has no audio track")
        s = c.streams.audio[0]
        rate = s.codec_context.sample_rate or 44100
        dur = c.duration / av.time_base if c.duration and c.duration > 0 else _stream_duration(s)
        acc = _PeakBins(bins, int(round(dur * rate)) if dur else None)
        resampler = av.AudioResampler(format="fltp")

        def fold(frames) -> None:
            for f in frames:
                arr = np.abs(f.to_ndarray())
                acc.add(arr.max(axis=0) if arr.ndim == 2 else arr)

        try:
            for frame in c.decode(s):
                fold(resampler.resample(frame))
            fold(resampler.resample(None))
        except av.error.FFmpegError as e:
            if acc.pos == 0:
                raise MediaError(p, f"audio data is damaged ({e})") from None
    return acc.result()
