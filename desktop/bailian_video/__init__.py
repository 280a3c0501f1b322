"""Bailian Video Studio: a desktop studio for DashScope video generation."""
import sys

__version__ = "0.1.0"

# httpx imports its own command line when it can (``httpx._main``, which loads click, rich and pygments
# where they are installed: 20–45 ms at the first request). The frozen app leaves it out
# (packaging/bailian-video.spec); a run from the source tree does the same, so both start alike. httpx
# then gives ``httpx.main`` a stub that says how to install its command line.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
