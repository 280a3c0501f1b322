"""Shared pieces of the catalogue tests."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Info:
    """What validation reads of a probed file (``media.probe.MediaInfo`` has these fields)."""

    kind: str = "image"
    format: str = "png"
    size_bytes: int = 1000
    width: int | None = 1280
    height: int | None = 720
    duration: float | None = None
    fps: float | None = None
    has_alpha: bool = False
