"""The UI's own preferences, in one INI file under the data folder (tests point it at a temp dir).

Nothing secret lives here: the API key is in the OS keychain (``bailian_video.keys``) or, on a
machine without one, only in memory for the session.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from ..engine.outputs import DEFAULT_TEMPLATE

DEFAULT_REGION = "cn-beijing"


def default_videos_dir() -> Path:
    """The user's Videos folder (Qt knows it on every OS), with a folder of our own inside."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
    if not base:
        base = str(Path.home() / "Videos")
    return Path(base) / "Bailian Video Studio"


class UiConfig:
    """Typed access to ``ui.ini``. Engine settings are kept here and applied at start."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / "ui.ini"
        self.qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    # -- generic ---------------------------------------------------------------------------
    def _get(self, key: str, default: Any = None) -> Any:
        v = self.qs.value(key, default)
        return default if v is None else v

    def _set(self, key: str, value: Any) -> None:
        self.qs.setValue(key, value)

    def sync(self) -> None:
        self.qs.sync()

    # -- general ---------------------------------------------------------------------------
    @property
    def language(self) -> str:
        """'' follows the OS; 'zh' or 'en' when the user chose."""
        return str(self._get("general/language", ""))

    @language.setter
    def language(self, value: str) -> None:
        self._set("general/language", value or "")

    @property
    def backend(self) -> str:
        """'' (not chosen yet), 'sandbox' or 'service'."""
        return str(self._get("general/backend", ""))

    @backend.setter
    def backend(self, value: str) -> None:
        self._set("general/backend", value)

    @property
    def region(self) -> str:
        return str(self._get("general/region", DEFAULT_REGION))

    @region.setter
    def region(self, value: str) -> None:
        self._set("general/region", value)

    # -- output ----------------------------------------------------------------------------
    @property
    def out_dir(self) -> Path:
        v = self._get("output/dir", "")
        return Path(v) if v else default_videos_dir()

    @out_dir.setter
    def out_dir(self, value: Path | str) -> None:
        self._set("output/dir", str(value))

    @property
    def name_template(self) -> str:
        return str(self._get("output/name_template", DEFAULT_TEMPLATE)) or DEFAULT_TEMPLATE

    @name_template.setter
    def name_template(self, value: str) -> None:
        self._set("output/name_template", value or DEFAULT_TEMPLATE)

    # -- engine ----------------------------------------------------------------------------
    @property
    def global_concurrency(self) -> int:
        return _int(self._get("engine/global_concurrency", 8), 8)

    @global_concurrency.setter
    def global_concurrency(self, value: int) -> None:
        self._set("engine/global_concurrency", int(value))

    @property
    def model_concurrency(self) -> dict[str, int]:
        try:
            d = json.loads(str(self._get("engine/model_concurrency", "{}")))
            return {str(k): int(v) for k, v in d.items()}
        except (ValueError, TypeError, AttributeError):
            return {}

    @model_concurrency.setter
    def model_concurrency(self, value: dict[str, int]) -> None:
        self._set("engine/model_concurrency", json.dumps(value))

    @property
    def poll_deadline_hours(self) -> float:
        try:
            return float(self._get("engine/poll_deadline_hours", 6.0))
        except (TypeError, ValueError):
            return 6.0

    @poll_deadline_hours.setter
    def poll_deadline_hours(self, value: float) -> None:
        self._set("engine/poll_deadline_hours", float(value))

    @property
    def sandbox_task_seconds(self) -> float:
        try:
            return float(self._get("sandbox/task_seconds", 6.0))
        except (TypeError, ValueError):
            return 6.0

    @sandbox_task_seconds.setter
    def sandbox_task_seconds(self, value: float) -> None:
        self._set("sandbox/task_seconds", float(value))

    # -- window ----------------------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        v = self._get("window/geometry")
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    def window_state(self) -> QByteArray | None:
        v = self._get("window/state")
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._set("window/geometry", geometry)
        self._set("window/state", state)

    @property
    def current_tab(self) -> str:
        return str(self._get("window/current_tab", ""))

    @current_tab.setter
    def current_tab(self, family: str) -> None:
        self._set("window/current_tab", family)

    # -- per-tab form state ----------------------------------------------------------------
    def tab_state(self, family: str) -> dict[str, Any]:
        try:
            d = json.loads(str(self._get(f"tabs/{family}", "{}")))
            return d if isinstance(d, dict) else {}
        except ValueError:
            return {}

    def set_tab_state(self, family: str, state: dict[str, Any]) -> None:
        self._set(f"tabs/{family}", json.dumps(state, ensure_ascii=False))


def _int(v: Any, default: int) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return default
