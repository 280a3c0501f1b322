"""Every test, whatever its layer: its own data, config and home folders, no real API key, no real
keychain (also for the processes a test starts), English messages."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends.null import Keyring as NullKeyring


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("env")
    for var, sub in (("HOME", "home"), ("BAILIAN_VIDEO_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_DATA_HOME", "share"), ("XDG_CACHE_HOME", "cache")):
        (root / sub).mkdir()
        monkeypatch.setenv(var, str(root / sub))
    for var in ("DASHSCOPE_API_KEY", "DASHSCOPE_HTTP_BASE_URL", "BAILIAN_VIDEO_ALLOW_HTTP"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("BAILIAN_VIDEO_LANG", "en")
    # Child processes (the CLI, a second app) never see the machine's keychain either.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(NullKeyring())
    from bailian_video import i18n
    i18n.set_language("en")
    yield root
    keyring.set_keyring(previous)
