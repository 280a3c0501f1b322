"""Handing files to the operating system: open with the default app, reveal in the file manager.

Kept apart from the player so these work (and tests can replace them) without loading Qt Multimedia.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices


def open_path(path: str | Path) -> bool:
    """Open a file or folder with the system's default application (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_in_folder(path: str | Path) -> bool:
    """Reveal a file in the file manager, selected where the OS allows it."""
    p = Path(path)
    try:
        if sys.platform == "win32":
            subprocess.Popen(["explorer", "/select,", str(p)])
            return True
        if sys.platform == "darwin":
            subprocess.Popen(["open", "-R", str(p)])
            return True
    except OSError:
        pass
    return open_path(p.parent if p.is_file() else p)
