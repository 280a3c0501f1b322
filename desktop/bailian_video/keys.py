"""The API key in the OS keychain (keyring), never in a file. No Qt here: the CLI uses it too."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

SERVICE = "Bailian Video Studio"
USERNAME = "dashscope-api-key"

log = logging.getLogger("bailian_video")


@dataclass(frozen=True)
class KeychainStatus:
    usable: bool
    backend: str          # e.g. "SecretService Keyring", "macOS Keyring", "Windows WinVaultKeyring"
    reason: str = ""      # why it is not usable, in plain words


def keychain_status() -> KeychainStatus:
    try:
        import keyring
        from keyring.backends import fail
        kr = keyring.get_keyring()
    except Exception as e:  # keyring itself failed to load a backend
        return KeychainStatus(False, "none", f"keyring could not load: {type(e).__name__}")
    name = getattr(kr, "name", type(kr).__name__)
    if isinstance(kr, fail.Keyring):
        return KeychainStatus(False, name, "no keychain service is available on this system")
    try:
        priority = float(getattr(kr, "priority", 1))
    except (TypeError, ValueError, RuntimeError):   # some backends compute it and may refuse
        priority = 1.0
    if priority <= 0 and "Memory" not in type(kr).__name__:
        return KeychainStatus(False, name, "the keychain backend reports it cannot be used here")
    # chainer with no usable backends behaves like fail
    backends = getattr(kr, "backends", None)
    if backends is not None and not backends:
        return KeychainStatus(False, name, "no keychain service is available on this system")
    return KeychainStatus(True, name)


def load_key() -> str | None:
    """The stored key, or None (also when the keychain is unusable)."""
    try:
        import keyring
        return keyring.get_password(SERVICE, USERNAME)
    except Exception as e:  # noqa: BLE001 — any backend failure means "no stored key"; say why in the log
        log.warning("could not read the key from the keychain (%s); treating it as not stored", type(e).__name__)
        return None


def save_key(key: str) -> None:
    """Raises keyring.errors.KeyringError (or another error) when the keychain refuses."""
    import keyring
    keyring.set_password(SERVICE, USERNAME, key)


def delete_key() -> None:
    import keyring
    from keyring.errors import PasswordDeleteError
    try:
        keyring.delete_password(SERVICE, USERNAME)
    except PasswordDeleteError:
        pass


def key_from_env_or_keychain() -> str | None:
    return os.environ.get("DASHSCOPE_API_KEY") or load_key()


def mask(key: str | None) -> str:
    if not key:
        return ""
    return key[:3] + "•" * 8 + key[-4:] if len(key) > 10 else "•" * len(key)


def check_key(key: str | None) -> str:
    """The key as it will be sent: surrounding spaces (and invisible characters) trimmed.

    Raises ``api.errors.InvalidKeyFormatError`` (an ``AuthenticationError``, code
    ``InvalidKeyFormat``) when spaces, line breaks, control, invisible or non-ASCII characters
    are inside it, and ``AuthenticationError`` (code ``NoApiKey``) when it is empty. Their
    ``explain()`` says what to do, in both languages, without the key. The client applies the
    same rule; the settings dialog and the CLI call this to say so before anything is saved or sent.
    """
    from .api.client import normalise_key
    return normalise_key(key)
