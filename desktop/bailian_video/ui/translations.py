"""Qt translations: find the compiled catalogues, follow the OS locale, switch at run time.

Installing or removing a translator makes Qt send ``QEvent.LanguageChange`` to every widget;
each widget re-labels itself in ``changeEvent``. Catalogue and engine texts (``i18n.T``) follow
:func:`bailian_video.i18n.set_language`, which :func:`apply_language` sets first.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from .. import i18n

APP_CATALOGUE = "bailian_video"
LANGUAGES = ("zh", "en")

_installed: list[QTranslator] = []
_current: str | None = None


def translations_dirs() -> list[Path]:
    """Where the .qm files may be: env override, the package, the source tree, a frozen bundle."""
    here = Path(__file__).resolve()
    dirs = []
    env = os.environ.get("BAILIAN_VIDEO_TRANSLATIONS")
    if env:
        dirs.append(Path(env))
    dirs.append(here.parent.parent / "resources" / "translations")        # bailian_video/resources/…
    dirs.append(here.parents[3] / "resources" / "translations")           # repo root: resources/…
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        dirs.append(Path(meipass) / "resources" / "translations")
        dirs.append(Path(meipass) / "bailian_video" / "resources" / "translations")
    return dirs


def catalogue_path(lang: str = "zh") -> Path | None:
    name = f"{APP_CATALOGUE}_{qt_locale_name(lang)}.qm"
    for d in translations_dirs():
        p = d / name
        if p.is_file():
            return p
    return None


def qt_locale_name(lang: str) -> str:
    return "zh_CN" if lang == "zh" else "en"


def system_language() -> str:
    """'zh' or 'en': BAILIAN_VIDEO_LANG, then the OS locale as Qt sees it."""
    env = os.environ.get("BAILIAN_VIDEO_LANG")
    if env:
        return "zh" if env.lower().startswith("zh") else "en"
    for name in QLocale.system().uiLanguages():
        n = name.lower()
        if n.startswith("zh"):
            return "zh"
        if n.startswith("en"):
            return "en"
    return "zh" if QLocale.system().name().lower().startswith("zh") else "en"


def normalize(lang: str | None) -> str:
    """'' / None / 'system' → the OS language; anything starting with 'zh' → 'zh'; else 'en'."""
    if not lang or lang == "system":
        return system_language()
    return "zh" if lang.lower().startswith("zh") else "en"


def current_language() -> str:
    return _current or i18n.language()


def apply_language(lang: str | None) -> bool:
    """Install the catalogue for ``lang`` (removing the previous one). True when it loaded (or is English)."""
    global _current
    lang = normalize(lang)
    app = QCoreApplication.instance()
    i18n.set_language(lang)
    if lang == _current and (_installed or (lang == "en" and catalogue_path("en") is None)):
        return True
    ok = True
    for t in _installed:
        if app is not None:
            app.removeTranslator(t)
    _installed.clear()
    if lang == "zh":
        path = catalogue_path("zh")
        own = QTranslator(app)
        ok = bool(path) and own.load(str(path))
        if ok:
            _installed.append(own)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for base in ("qtbase", "qtmultimedia"):
            t = QTranslator(app)
            if t.load(f"{base}_zh_CN", qt_dir):
                _installed.append(t)
    else:
        # English is the source language; its catalogue only carries the plural forms of %n strings.
        path = catalogue_path("en")
        plurals = QTranslator(app)
        if path and plurals.load(str(path)):
            _installed.append(plurals)
    if app is not None:
        for t in _installed:
            app.installTranslator(t)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    _current = lang
    return ok


def check_catalogue() -> tuple[bool, str]:
    """For the smoke test: does the zh_CN catalogue load and translate a known string?"""
    path = catalogue_path("zh")
    if path is None:
        return False, "bailian_video_zh_CN.qm not found in " + ", ".join(str(d) for d in translations_dirs())
    t = QTranslator()
    if not t.load(str(path)):
        return False, f"{path} could not be loaded"
    probe = t.translate("MainWindow", "Settings…")
    if not probe:
        return False, f"{path} loaded but has no translation for a known string"
    return True, f"{path} ({probe})"
