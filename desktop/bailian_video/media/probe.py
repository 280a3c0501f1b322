"""What a media file is: kind, format, size, duration, codecs — and whether it is whole.

Images are identified with Pillow and then decoded completely (``Image.load``; JPEGs at
1/8 scale, which still reads every byte of the compressed data); audio and video with
PyAV container metadata, then every packet is read to the end of the file without
decoding the frames (plus the first frame of each track is decoded). A file that was cut
short or damaged is refused here, locally, instead of being uploaded, paid for and failed
by the service. The kind is decided by the content: an ``.mp4`` holding only an audio
track is ``audio``, a ``.png`` that is really a JPEG is ``jpeg``.
"""
from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageOps

from ..i18n import T

__all__ = [
    "AUDIO_EXTENSIONS",
    "IMAGE_EXTENSIONS",
    "VIDEO_EXTENSIONS",
    "MediaError",
    "MediaInfo",
    "first_frame",
    "incomplete",
    "probe",
    "waveform",
]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif", ".tif", ".tiff")
AUDIO_EXTENSIONS = (".wav", ".mp3", ".aac", ".m4a", ".flac", ".ogg", ".opus")
VIDEO_EXTENSIONS = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".flv", ".ts", ".mpg", ".mpeg", ".mxf", ".m4v")


class MediaError(Exception):
    """A file that is missing, unreadable, damaged or not a recognisable image/audio/video.

    ``message`` is the problem in both languages (``str(error)`` shows the current one, after
    the file name); ``code`` is ``"incomplete"`` for a file that is cut short or damaged.
    """

    def __init__(self, path: str | os.PathLike | None, problem: str | T, *, code: str | None = None):
        self.path = str(path) if path is not None else ""
        self.message = problem if isinstance(problem, T) else T(problem, problem)
        self.problem = self.message.en
        self.code = code
        self.name = os.path.basename(self.path) if self.path else ""
        super().__init__(f"{self.name}: {self.problem}" if self.name else self.problem)

    def __str__(self) -> str:
        return f"{self.name}: {self.message}" if self.name else str(self.message)


def incomplete(path: str | os.PathLike, fraction: float | None = None) -> MediaError:
    """The error for a file that is cut short or damaged (``fraction``: how much of it is there)."""
    if fraction is not None and 0.0 <= fraction < 0.995:
        pct = min(99, max(0, int(fraction * 100)))
        msg = T(f"文件不完整或已损坏（在 {pct}% 处截断）；请重新导出或换一个文件",
                f"The file is incomplete or damaged (cut off at {pct}%); export it again or pick another file")
    else:
        msg = T("文件不完整或已损坏；请重新导出或换一个文件",
                "The file is incomplete or damaged; export it again or pick another file")
    return MediaError(path, msg, code="incomplete")


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
        if e.errno is None:   # Pillow knew the format but could not start on the data (a cut-off WebP)
            raise incomplete(path) from None
        raise MediaError(path, f"cannot read the file ({e.strerror or e})") from None
    return im


def _probe_image(path: Path, im: Image.Image, size: int, deep: bool = True) -> MediaInfo:
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
        info = MediaInfo(path=str(path), kind="image", format=fmt, size_bytes=size, width=w, height=h,
                         duration=None, fps=None, has_audio=False, has_alpha=_image_has_alpha(im))
        if deep:
            _decode_image(path, im)
        return info


#: What Pillow raises on pixel data that is cut short or damaged.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


def _decode_image(path: Path, im: Image.Image) -> None:
    """Decode every pixel (every frame of an animation): header-only checks pass a truncated file.

    ``verify()`` is not enough (it passes a truncated JPEG, BMP or GIF); ``load()`` raises on
    any of them. A JPEG is decoded at 1/8 scale: the whole entropy-coded stream is still read,
    at a fraction of the time and memory.
    """
    try:
        if im.format in ("JPEG", "MPO"):
            im.draft(None, (max(1, im.width // 8), max(1, im.height // 8)))
        im.load()
        frames = int(getattr(im, "n_frames", 1) or 1)
        for i in range(1, frames):
            im.seek(i)
            im.load()
    except Image.DecompressionBombError as e:
        raise MediaError(path, f"image is too large to open safely ({e})") from None
    except MemoryError:
        raise MediaError(path, "image is too large to decode on this computer") from None
    except _DECODE_ERRORS:
        raise incomplete(path) from None


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
    except (AttributeError, ValueError, av.FFmpegError):   # a stream FFmpeg has no decoder for
        try:
            return stream.codec_context.name
        except (AttributeError, ValueError, av.FFmpegError):
            return None


def _is_real_video(stream) -> bool:
    """A video stream that is not just embedded cover art (as in MP3/M4A files)."""
    try:
        disp = stream.disposition
        if disp is not None and (int(disp) & int(av.stream.Disposition.attached_pic)):
            return False
    except (AttributeError, TypeError, ValueError):   # an older PyAV without dispositions
        pass
    ctx = stream.codec_context
    return bool(getattr(ctx, "width", 0)) and bool(getattr(ctx, "height", 0))


def _stream_duration(stream) -> float | None:
    if stream.duration is not None and stream.time_base:
        d = float(stream.duration * stream.time_base)
        if d > 0:
            return d
    return None


def _open_av(path: Path, damaged: MediaError | None = None):
    """The PyAV container; ``damaged`` is raised instead of "not recognisable" when the bytes
    already showed the file to be cut short (a truncated MP4 has lost its index)."""
    try:
        return av.open(str(path), "r", metadata_errors="ignore")
    except av.error.FileNotFoundError:
        raise MediaError(path, "file does not exist") from None
    except av.error.PermissionError:
        raise MediaError(path, "permission denied") from None
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError) as e:
        if damaged is not None:
            raise damaged from e
        raise MediaError(path, "not a recognisable image, audio or video file") from e


# -- is the whole file there? ------------------------------------------------------------------
_MAX_CHUNKS = 4096


def _riff_truncation(fh, size: int) -> float | None:
    """For a WAV file: the fraction of its declared ``data`` chunk present, when that is short."""
    head = fh.read(12)
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
        return None
    order = "<" if head[:4] == b"RIFF" else ">"
    pos = 12
    for _ in range(_MAX_CHUNKS):
        if pos + 8 > size:
            return None
        fh.seek(pos)
        cid, n = struct.unpack(order + "4sI", fh.read(8))
        if cid == b"data":
            if n in (0, 0xFFFFFFFF):          # streamed WAV: the length was never filled in
                return None
            have = size - pos - 8
            return max(0.0, have / n) if have < n else None
        if pos + 8 + n > size:
            return 0.0                          # cut off before the samples even start
        pos += 8 + n + (n & 1)
    return None


def _bmff_truncation(fh, size: int) -> float | None:
    """For MP4/MOV/M4A (ISO boxes): the fraction present when the last top-level box runs past the end."""
    fh.seek(0)
    head = fh.read(8)
    if len(head) < 8 or head[4:8] not in (b"ftyp", b"styp"):
        return None
    pos = 0
    for _ in range(_MAX_CHUNKS):
        if pos + 8 > size:
            return None
        fh.seek(pos)
        n, kind = struct.unpack(">I4s", fh.read(8))
        if n == 1:
            if pos + 16 > size:
                return None
            (n,) = struct.unpack(">Q", fh.read(8))
        elif n == 0:                            # "to the end of the file"
            return None
        if n < 8 or not all(0x20 <= b < 0x7F for b in kind):
            return None                         # not a box: trailing bytes of some other kind
        if pos + n > size:
            return size / (pos + n)
        pos += n
    return None


def _byte_truncation(path: Path, size: int) -> tuple[bool, float | None]:
    """``(is_bmff, fraction)`` from the container's own length fields, before any demuxing."""
    try:
        with path.open("rb") as fh:
            riff = _riff_truncation(fh, size)
            if riff is not None:
                return False, riff
            fh.seek(0)
            head = fh.read(8)
            is_bmff = len(head) == 8 and head[4:8] in (b"ftyp", b"styp")
            return is_bmff, _bmff_truncation(fh, size) if is_bmff else None
    except (OSError, struct.error):
        return False, None


# Demuxers whose duration comes from the file's header or index, so that packets ending early mean
# the file was cut short. (Raw streams such as ADTS AAC only have a bitrate estimate.)
_INDEXED_DEMUXERS = {"mov", "matroska", "webm", "flac", "avi", "flv", "asf", "wav", "w64", "mxf", "ogg",
                     "mpegts", "mpeg"}
_PROBE_DECODE_PACKETS = 120


def _mp3_has_length_tag(path: Path) -> bool:
    """Whether an MP3 states its own length (a Xing/Info/VBRI frame) rather than letting it be guessed."""
    try:
        with path.open("rb") as fh:
            head = fh.read(10)
            skip = 0
            if head[:3] == b"ID3" and len(head) == 10:
                skip = 10 + ((head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7
                             | (head[9] & 0x7F))
            fh.seek(skip)
            first = fh.read(4096)
    except OSError:
        return False
    return any(tag in first for tag in (b"Xing", b"Info", b"VBRI"))


def _check_whole(path: Path, c, streams: list, demuxer: str) -> None:
    """Read every packet of ``streams`` to the end (no frame decoding except the first of each
    track) and raise :func:`incomplete` when the file stops before its declared end."""
    tbase = {s.index: s.time_base for s in streams}
    ends: dict[int, float] = {}
    counts = dict.fromkeys(tbase, 0)
    last_corrupt = dict.fromkeys(tbase, False)
    decoded: dict[int, bool] = {s.index: False for s in streams}
    tried = dict.fromkeys(tbase, 0)
    failed = False
    try:
        for pkt in c.demux(*streams):
            if pkt.size == 0:
                continue                      # the demuxer's end-of-stream marker
            i = pkt.stream.index
            counts[i] += 1
            last_corrupt[i] = bool(pkt.is_corrupt)
            t = pkt.pts if pkt.pts is not None else pkt.dts
            if t is not None and tbase[i]:
                ends[i] = max(ends.get(i, float("-inf")), float((t + (pkt.duration or 0)) * tbase[i]))
            if not decoded[i] and tried[i] < _PROBE_DECODE_PACKETS:
                tried[i] += 1
                try:
                    decoded[i] = bool(pkt.stream.codec_context.decode(pkt))
                except av.error.FFmpegError:
                    pass                       # a leading packet may need a keyframe first
    except av.error.FFmpegError:
        failed = True
    for s in streams:
        if not decoded[s.index] and counts[s.index]:
            try:
                decoded[s.index] = bool(s.codec_context.decode(None))
            except av.error.FFmpegError:
                pass
    # How far the packets reached against how long the file says it is, stream by stream.
    ratios: list[float] = []
    short = False
    for s in streams:
        i = s.index
        declared = _stream_duration(s)
        start = float(s.start_time * s.time_base) if s.start_time is not None and s.time_base else None
        if declared is None and c.duration and c.duration > 0:
            declared = c.duration / av.time_base
            start = c.start_time / av.time_base if c.start_time is not None else start
        if declared and i in ends:
            reached = ends[i] - (start or 0.0)
            ratios.append(max(0.0, min(1.0, reached / declared)))
            if demuxer in _INDEXED_DEMUXERS or (demuxer == "mp3" and _mp3_has_length_tag(path)):
                short = short or reached < declared - max(0.1, 0.02 * declared)
        if s.frames and counts[i] < s.frames:
            short = True
            if not ratios:
                ratios.append(counts[i] / s.frames)
    fraction = max(ratios) if ratios else None
    if failed or short or any(last_corrupt.values()):
        raise incomplete(path, fraction)
    if any(counts[s.index] and not decoded[s.index] for s in streams):
        raise incomplete(path, None)
    if not any(counts.values()):
        raise incomplete(path, 0.0)


# Demuxers that accept almost anything (text shown as ANSI art) or only still images, which Pillow
# has already turned down by the time PyAV is asked.
_NOT_MEDIA_DEMUXERS = {"tty", "bin", "xbin", "adf", "idf", "image2", "image2pipe", "lavfi", "ffmetadata"}
_NOT_MEDIA_CODECS = {"ansi", "bintext", "xbin", "idf"}


def _probe_av(path: Path, size: int, deep: bool = True) -> MediaInfo:
    damaged = None
    if deep:
        is_bmff, fraction = _byte_truncation(path, size)
        if fraction is not None:
            raise incomplete(path, fraction)
        damaged = incomplete(path) if is_bmff else None
    with _open_av(path, damaged) as c:
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
        if deep:
            _check_whole(path, c, [x for x in (v, a) if x is not None], demuxer)
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


def probe(path: str | os.PathLike, *, deep: bool = True) -> MediaInfo:
    """Describe an image, audio or video file. Raises :class:`MediaError`.

    ``deep`` (the default) also proves the file is whole: every pixel of an image is decoded,
    every packet of audio/video is read to the end (frames are not decoded, except the first
    of each track). A file cut short or damaged raises :func:`incomplete`. ``deep=False``
    reads headers only (for a quick look; never for what is about to be uploaded).
    """
    p, size = _check_file(path)
    im = _open_image(p)
    if im is not None:
        return _probe_image(p, im, size, deep)
    return _probe_av(p, size, deep)


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
    im = _open_image(p)
    if im is not None:
        im.close()
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
