"""A local DashScope-compatible service for end-to-end tests and offline demos.

``Sandbox`` serves the native video API on 127.0.0.1 (API, upload and result origins),
renders real H.264 MP4s with ``bailian_video.media`` and injects faults on demand.
Only ``catalog``, ``i18n`` and ``media`` are imported from the app; never Qt.
"""
from __future__ import annotations

from .faults import FaultPlan, FaultRule, FaultSpecError
from .server import Sandbox, SandboxCallError

__all__ = ["FaultPlan", "FaultRule", "FaultSpecError", "Sandbox", "SandboxCallError"]
