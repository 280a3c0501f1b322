"""Where the app keeps its data and puts videos, per OS, overridable for tests and scripts."""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "BailianVideoStudio"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir, then $BAILIAN_VIDEO_HOME, then the OS-standard app-data folder."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("BAILIAN_VIDEO_HOME")
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / APP_DIR_NAME


def default_output_dir() -> Path:
    """The user's Videos folder (Movies on macOS), with a subfolder of our own."""
    home = Path.home()
    if sys.platform == "darwin":
        base = home / "Movies"
    else:
        base = home / "Videos"
        xdg = _xdg_user_dir("VIDEOS")
        if xdg:
            base = xdg
    return base / "Bailian Video Studio"


def _xdg_user_dir(name: str) -> Path | None:
    cfg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "user-dirs.dirs"
    try:
        for line in cfg.read_text(encoding="utf-8").splitlines():
            if line.startswith(f"XDG_{name}_DIR="):
                value = line.split("=", 1)[1].strip().strip('"').replace("$HOME", str(Path.home()))
                return Path(value)
    except OSError:
        return None
    return None


def store_path(data_folder: Path, sandbox: bool) -> Path:
    """The one place that decides where a backend's tasks live: the paid service's and the built-in
    sandbox's tasks never share a database."""
    return data_folder / "sandbox" / "tasks.sqlite3" if sandbox else data_folder / "tasks.sqlite3"
