"""The synchronous detect models (§7.1, §8.1, §9.1, §10.1), each with its own response shape.

A face is "found" unless the image fails the catalogue limits, is not an image, or is
marked as faceless: a file name (or an embedded PNG/JPEG text) containing ``noface``, or
an almost black picture (mean luminance under 16). Boxes follow the image size.
"""
from __future__ import annotations

from typing import Any

from ..catalog import FieldError, ModelSpec

NOFACE = "noface"
DARK_LUMA = 16.0


def looks_faceless(path: str, name: str) -> bool:
    """The reproducible "no face here" rule."""
    if NOFACE in name.lower():
        return True
    try:
        from PIL import Image, ImageStat
        with Image.open(path) as im:
            for value in im.info.values():
                if isinstance(value, (str, bytes)) and NOFACE in str(value).lower():
                    return True
            gray = im.convert("L")
            gray.thumbnail((64, 64))
            return float(ImageStat.Stat(gray).mean[0]) < DARK_LUMA
    except (OSError, ValueError):  # unreadable: the probe decides elsewhere
        return False


def face_box(w: int, h: int) -> list[int]:
    """A square face box centred horizontally, in the upper part of the picture."""
    side = int(min(w, h) * 0.4)
    cx, cy = w / 2.0, min(h * 0.4, h - side / 2.0)
    x1, y1 = int(cx - side / 2), int(max(0, cy - side / 2))
    return [x1, y1, x1 + side, y1 + side]


def ext_box(w: int, h: int, face: list[int], ratio: str) -> list[int]:
    """A box with the requested aspect (``"1:1"`` or ``"3:4"`` = w:h) around the face, inside the image."""
    rw, rh = (3, 4) if ratio == "3:4" else (1, 1)
    bw = min(w, h * rw / rh) * 0.95
    bh = bw * rh / rw
    bw, bh = int(bw), int(bh)
    fcx, fcy = (face[0] + face[2]) / 2.0, (face[1] + face[3]) / 2.0
    x1 = int(min(max(0, fcx - bw / 2), w - bw))
    y1 = int(min(max(0, fcy - bh * 0.45), h - bh))
    return [x1, y1, x1 + bw, y1 + bh]


def _body_check(spec: ModelSpec) -> bool:
    """Whole-person checks (the ``aa-detect`` endpoint) answer ``bodystyle``/``reason``; face checks
    (``face-detect``) answer ``humanoid`` and ``code``/``message``."""
    return spec.endpoint.rstrip("/").endswith("aa-detect")


def detect_body(spec: ModelSpec, params: dict[str, Any], info: Any, found: bool,
                problems: list[FieldError], request_id: str) -> dict[str, Any]:
    """The detect answer (HTTP 200) for one image, in the dialect of ``spec.detect_rule``, with the
    fields ``spec.detect_outputs`` names (the boxes the next step takes) when a face is found."""
    usage = {"image_count": 1}
    w = int(info.width or 0) if info is not None else 0
    h = int(info.height or 0) if info is not None else 0
    reason = problems[0].message.en if problems else "No human face detected."
    rule = spec.detect_rule
    face = face_box(w, h) if found else []
    boxes = {"face_bbox": face, "ext_bbox": ext_box(w, h, face, params.get("ratio", "1:1"))} if found else {}
    out: dict[str, Any]
    if rule == "pass":
        out = {"pass": True, "message": ""} if found else {"pass": False, "message": reason}
    elif rule == "bbox_face":
        # this dialect names the boxes bbox_face / ext_bbox_face on the wire
        if not found:
            out = {"code": "InvalidFile.FacePose",
                   "message": "The pose of the detected face is invalid, please upload other image with the expected "
                              "oriention."}
        else:
            out = {"bbox_face": face, "ext_bbox_face": ext_box(w, h, face, "1:1")}
    elif _body_check(spec):
        if not found:
            out = {"check_pass": False, "reason": (reason if problems else
                                                   "The input image has no human body or multi human bodies. Please "
                                                   "upload other image with single person.")}
        else:
            out = {"check_pass": True, "bodystyle": "full" if h >= 1.3 * w else "half"}
    else:   # check_pass on a face: the boxes the chain hands on, and whether a person was seen
        if not found:
            out = {"check_pass": False, "humanoid": False, "code": "",
                   "message": (reason if problems else
                               "The input image has no human body. Please upload other image with single person.")}
        else:
            out = {"check_pass": True, **{k: boxes[k] for k in spec.detect_outputs if k in boxes}, "humanoid": True}
    return {"output": out, "usage": usage, "request_id": request_id}
