"""The UI's own preferences, in one INI file under the data folder (tests point it at a temp dir).

Nothing secret lives here: the API key is in the OS keychain (``bailian_video.keys``) or, on a
machine without one, only in memory for the session.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

# The engine's defaults (intake, outputs), json and QStandardPaths are imported where they are used: this
# module is read before the window's first paint (and the engine's intake brings the whole catalogue).

DEFAULT_REGION = "cn-beijing"

#: The group of the app-wide choices. Not "general": Qt's INI writer saves a group of that name as
#: ``[%General]``, which reads back as ``General/…`` — a new process would find nothing (Linux keys are
#: case-sensitive), so the backend, language and region were forgotten at every restart.
APP = "app"
#: Keys that older versions wrote under ``general/`` and that :meth:`UiConfig._migrate` moves to ``app/``.
MOVED_KEYS = ("backend", "language", "region")


def default_videos_dir() -> Path:
    """The user's Videos folder (Qt knows it on every OS), with a folder of our own inside."""
    from PySide6.QtCore import QStandardPaths
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
        self._migrate()

    def _migrate(self) -> None:
        """Move the values older versions stored under ``general/`` (read back as ``General/``) to ``app/``."""
        moved = False
        for name in MOVED_KEYS:
            for old in (f"General/{name}", f"general/{name}"):
                if not self.qs.contains(old):
                    continue
                if not self.qs.contains(f"{APP}/{name}"):
                    self.qs.setValue(f"{APP}/{name}", self.qs.value(old))
                self.qs.remove(old)
                moved = True
        if moved:
            self.qs.sync()

    # -- generic ---------------------------------------------------------------------------
    def _get(self, key: str, default: Any = None) -> Any:
        v = self.qs.value(key, default)
        return default if v is None else v

    def _set(self, key: str, value: Any) -> None:
        self.qs.setValue(key, value)

    def sync(self) -> None:
        self.qs.sync()

    # -- the app ---------------------------------------------------------------------------
    @property
    def language(self) -> str:
        """'' follows the OS; 'zh' or 'en' when the user chose."""
        return str(self._get(f"{APP}/language", ""))

    @language.setter
    def language(self, value: str) -> None:
        self._set(f"{APP}/language", value or "")

    @property
    def backend(self) -> str:
        """'' (not chosen yet), 'sandbox' or 'service'."""
        return str(self._get(f"{APP}/backend", ""))

    @backend.setter
    def backend(self, value: str) -> None:
        self._set(f"{APP}/backend", value)

    @property
    def region(self) -> str:
        return str(self._get(f"{APP}/region", DEFAULT_REGION)) or DEFAULT_REGION

    @region.setter
    def region(self, value: str) -> None:
        self._set(f"{APP}/region", value)

    @property
    def workspace(self) -> str:
        """The workspace id of the region ('' when none): Wan 3.0 and Frankfurt answer only on its host."""
        return str(self._get(f"{APP}/workspace", "") or "").strip()

    @workspace.setter
    def workspace(self, value: str | None) -> None:
        self._set(f"{APP}/workspace", (value or "").strip())

    # -- spending ----------------------------------------------------------------------------
    @property
    def confirm_videos(self) -> int:
        """One click that queues more videos than this asks first (by default the engine's limit, which the
        CLI uses too)."""
        from ..engine.intake import CONSENT_VIDEOS
        return max(1, _int(self._get("confirm/videos", CONSENT_VIDEOS), CONSENT_VIDEOS))

    @confirm_videos.setter
    def confirm_videos(self, value: int) -> None:
        self._set("confirm/videos", max(1, int(value)))

    @property
    def confirm_amount(self) -> float:
        """One click whose estimate exceeds this (yuan) asks first (by default the engine's limit)."""
        from ..engine.intake import CONSENT_AMOUNT
        try:
            return max(0.0, float(self._get("confirm/amount", CONSENT_AMOUNT)))
        except (TypeError, ValueError):
            return CONSENT_AMOUNT

    @confirm_amount.setter
    def confirm_amount(self, value: float) -> None:
        self._set("confirm/amount", max(0.0, float(value)))

    @property
    def confirm_in_sandbox(self) -> bool:
        """Ask in the sandbox too (nothing is charged there; off by default, on in tests and demos)."""
        v = self._get("confirm/in_sandbox", False)
        return v is True or str(v).lower() in ("true", "1", "yes")

    @confirm_in_sandbox.setter
    def confirm_in_sandbox(self, value: bool) -> None:
        self._set("confirm/in_sandbox", bool(value))

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
        from ..engine.outputs import DEFAULT_TEMPLATE
        return str(self._get("output/name_template", DEFAULT_TEMPLATE)) or DEFAULT_TEMPLATE

    @name_template.setter
    def name_template(self, value: str) -> None:
        from ..engine.outputs import DEFAULT_TEMPLATE
        self._set("output/name_template", value or DEFAULT_TEMPLATE)

    # -- engine ----------------------------------------------------------------------------
    @property
    def global_concurrency(self) -> int:
        return _int(self._get("engine/global_concurrency", 0), 0)     # 0: no hold here, the service queues

    @global_concurrency.setter
    def global_concurrency(self, value: int) -> None:
        self._set("engine/global_concurrency", int(value))

    @property
    def model_concurrency(self) -> dict[str, int]:
        try:
            import json
            d = json.loads(str(self._get("engine/model_concurrency", "{}")))
            return {str(k): int(v) for k, v in d.items()}
        except (ValueError, TypeError, AttributeError):
            return {}

    @model_concurrency.setter
    def model_concurrency(self, value: dict[str, int]) -> None:
        import json
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

    @property
    def page(self) -> str:
        """"create", "library" or "sequences": the page on show when the window closed."""
        v = str(self._get("window/page", "create"))
        return v if v in ("create", "library", "sequences") else "create"

    @page.setter
    def page(self, value: str) -> None:
        self._set("window/page", value)

    def splitter_state(self, name: str) -> QByteArray | None:
        v = self._get(f"window/splitter_{name}")
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    def set_splitter_state(self, name: str, state: QByteArray) -> None:
        self._set(f"window/splitter_{name}", state)

    def pref(self, key: str, default: Any = None) -> Any:
        """A small remembered preference by its key, e.g. "player/loop" (QSettings types come back as text
        from an INI file: the caller converts)."""
        return self._get(f"prefs/{key}", default)

    def set_pref(self, key: str, value: Any) -> None:
        self._set(f"prefs/{key}", value)

    @property
    def appearance(self) -> str:
        """"" follows the system's light/dark setting; "light" or "dark" is the person's choice."""
        v = str(self._get(f"{APP}/appearance", ""))
        return v if v in ("", "light", "dark") else ""

    @appearance.setter
    def appearance(self, value: str) -> None:
        self._set(f"{APP}/appearance", value)

    @property
    def notify_sound(self) -> bool:
        """Play a sound with the notification when a task or batch ends while the window is in the back."""
        v = self._get("notify/sound", False)
        return v is True or str(v).lower() in ("true", "1")

    @notify_sound.setter
    def notify_sound(self, value: bool) -> None:
        self._set("notify/sound", bool(value))

    # -- per-tab form state ----------------------------------------------------------------
    def tab_state(self, family: str) -> dict[str, Any]:
        try:
            import json
            d = json.loads(str(self._get(f"tabs/{family}", "{}")))
            return d if isinstance(d, dict) else {}
        except ValueError:
            return {}

    def set_tab_state(self, family: str, state: dict[str, Any]) -> None:
        import json
        self._set(f"tabs/{family}", json.dumps(state, ensure_ascii=False))


def _int(v: Any, default: int) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return default
