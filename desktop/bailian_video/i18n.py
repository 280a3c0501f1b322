"""Bilingual text for the layers below the UI (catalogue, client, engine, CLI).

The Qt layer translates its own strings with ``tr``; the lower layers cannot import Qt,
so their user-facing messages carry both languages in a :class:`T` and render in the
current language. The GUI calls :func:`set_language` when the user switches.
"""
from __future__ import annotations

import locale
import os
from dataclasses import dataclass

_LANG: str | None = None


def detect_language() -> str:
    """'zh' or 'en' from BAILIAN_VIDEO_LANG, then the usual locale variables."""
    for var in ("BAILIAN_VIDEO_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


def language() -> str:
    global _LANG
    if _LANG is None:
        _LANG = detect_language()
    return _LANG


def set_language(lang: str) -> None:
    global _LANG
    _LANG = "zh" if lang.lower().startswith("zh") else "en"


@dataclass(frozen=True)
class T:
    """A message in Simplified Chinese and English; ``str()`` gives the current language."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh if language() == "zh" else self.en

    def format(self, **kw: object) -> T:
        return T(self.zh.format(**kw), self.en.format(**kw))

    def get(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en

    def both(self) -> str:
        return self.zh if self.zh == self.en else f"{self.zh} / {self.en}"
