"""What an input value is: the one place that tells a local file from something the service fetches."""
from __future__ import annotations

import unicodedata
from typing import Any

#: Values the service (or its upload store) resolves itself; everything else is a local file.
REMOTE_PREFIXES = ("http://", "https://", "oss://", "data:")
FILE_URL = "file://"


def is_local(value: Any) -> bool:
    """A local file path (or ``file://`` URL), as opposed to an http(s)/oss URL or a data: URI."""
    return isinstance(value, str) and bool(value) and not value.startswith(REMOTE_PREFIXES)


def is_remote(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(REMOTE_PREFIXES)


def local_path(value: str) -> str:
    """The file system path of a local value (``file://`` stripped)."""
    if value.startswith(FILE_URL):
        from urllib.parse import unquote, urlsplit
        from urllib.request import url2pathname
        return url2pathname(unquote(urlsplit(value).path))
    return value


#: Characters that show as nothing although Unicode files them as letters or symbols (Hangul fillers,
#: the blank Braille pattern); a prompt made of them is as empty as one made of spaces.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(text: Any) -> bool:
    """A string with nothing visible in it: only spaces, line breaks, control characters or invisible
    format characters (zero-width space, byte-order mark, direction marks). ``""`` is blank too."""
    if not isinstance(text, str):
        return False
    for ch in text:
        if ch.isspace() or ch in _INVISIBLE_LETTERS:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            continue
        return False
    return True
