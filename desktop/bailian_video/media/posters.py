"""Posters and filmstrips of videos, made into JPEG files: the picture making behind the library's
thumbnails (``ui/thumbs.py``). Nothing here imports Qt, so it runs in a worker process: decoding video
there keeps the window's interpreter free (in a thread it held the interpreter lock often enough to stall
the UI thread while a person scrolled the library).
"""
from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

log = logging.getLogger("bailian_video.media")

POSTER = "poster"
STRIP = "strip"
#: frames in a filmstrip, and the box (width, height) each frame — and the poster — is fitted into
STRIP_FRAMES = 8
STRIP_BOX = (320, 180)
POSTER_BOX = (480, 270)

MISSING = "missing"         # the file is not there any more
UNREADABLE = "unreadable"   # there, but no picture can be read from it


def cache_name(path: str, size: int, mtime_ns: int, kind: str, box: tuple[int, int]) -> str:
    """The cache file's name for one picture of one version of a file."""
    ident = f"{os.path.abspath(path)}\0{size}\0{mtime_ns}\0{kind}\0{box[0]}x{box[1]}"
    return hashlib.sha1(ident.encode("utf-8", "surrogatepass")).hexdigest() + ".jpg"


def fit(w: int, h: int, box: tuple[int, int]) -> tuple[int, int]:
    """``w``×``h`` scaled to fit in ``box`` (never up), aspect kept."""
    scale = min(1.0, box[0] / max(1, w), box[1] / max(1, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def _poster(path: str, box: tuple[int, int]):  # -> PIL.Image.Image
    from .probe import first_frame
    im = first_frame(path, max(box))
    return im.resize(fit(im.width, im.height, box)) if im.width > box[0] or im.height > box[1] else im


def _strip(path: str, box: tuple[int, int], frames: int):  # -> PIL.Image.Image
    """``frames`` frames spread evenly over the video, side by side (one decoding pass for short
    videos; a seek to each frame's key frame when they are far apart)."""
    import av
    from PIL import Image

    from .probe import MediaError
    try:
        container = av.open(path, "r", metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError) as e:
        raise MediaError(path, f"not a readable video ({e})") from None
    with container as c:
        if not c.streams.video:
            raise MediaError(path, "has no picture")
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        w, h = fit(s.codec_context.width or box[0], s.codec_context.height or box[1], box)
        duration = float(s.duration * s.time_base) if s.duration and s.time_base else (c.duration or 0) / 1e6
        targets = [duration * (i + 0.5) / frames for i in range(frames)]
        picked: list = []
        decoded = None
        last = None
        at = -1.0
        try:
            for t in targets:
                if decoded is None or t - at > 2.0:
                    if decoded is not None or t > 2.0:
                        c.seek(int(t * 1_000_000), backward=True, any_frame=False)   # microseconds
                    decoded = c.decode(s)
                for frame in decoded:
                    last, at = frame, float(frame.time or 0.0)
                    if at >= t:
                        break
                if last is None:
                    raise MediaError(path, "no video frame could be decoded")
                picked.append(last.reformat(width=w, height=h, format="rgb24").to_image())
        except av.error.FFmpegError as e:
            raise MediaError(path, f"video data is damaged ({e})") from None
    strip = Image.new("RGB", (w * frames, h))
    for i, im in enumerate(picked):
        strip.paste(im, (i * w, 0))
    return strip


def make_picture(path: str, kind: str, target: str) -> tuple[str | None, tuple[bytes, int, int] | None]:
    """Decode the poster or filmstrip of ``path`` and store it as the JPEG ``target``. Returns (problem,
    picture): ``(UNREADABLE, None)`` when no picture can be read from the file; ``(None, None)`` when it is
    stored; ``(None, (rgb, width, height))`` when it could not be stored (a full or read-only disk), so it
    can be shown anyway."""
    from .probe import MediaError
    box = STRIP_BOX if kind == STRIP else POSTER_BOX
    try:
        im = _strip(path, box, STRIP_FRAMES) if kind == STRIP else _poster(path, box)
    except (MediaError, OSError) as e:
        log.info("no %s for %s: %s", kind, path, e)
        return UNREADABLE, None
    dest = Path(target)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f"{dest.stem}.{os.getpid()}.{id(im)}.tmp")
        im.save(tmp, "JPEG", quality=85)
        os.replace(tmp, dest)
    except OSError as e:
        log.info("could not keep the %s of %s: %s", kind, path, e)
        rgb = im.convert("RGB")
        return None, (rgb.tobytes(), rgb.width, rgb.height)
    return None, None
