"""Turning the input URLs of a request into local files, the way the service downloads them.

Accepted: ``http(s)`` URLs on loopback (the sandbox's own result host is read from disk,
other loopback servers are fetched), ``oss://`` keys from the upload store (only with the
resolve header, for the model they were uploaded for) and ``data:`` URIs where the
catalogue allows them. Anything else fails with the service's error codes.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import mimetypes
import os
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from .. import catalog
from .state import Registry

DOWNLOAD_TIMEOUT = 10.0
MAX_DOWNLOAD = 1024 * 1024 * 1024
MEDIA_EXTS = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff", ".wav", ".mp3", ".aac", ".m4a",
              ".flac", ".ogg", ".mp4", ".mov", ".avi", ".mkv", ".flv", ".ts", ".mpg", ".mpeg", ".mxf", ".webm"}
_MIME_EXT = {"image/jpeg": ".jpg", "image/jpg": ".jpg", "image/png": ".png", "image/bmp": ".bmp",
             "image/webp": ".webp", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/mpeg": ".mp3",
             "audio/mp3": ".mp3", "video/mp4": ".mp4"}


class InputError(Exception):
    """A request-level error while fetching an input (HTTP status, code, message)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ResolvedFile:
    path: Path
    sha256: str
    name: str        # the file name the client gave (URL path / oss key / "data-uri")
    source: str      # the value as sent


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _ext_from(name: str, content_type: str | None) -> str:
    ext = os.path.splitext(name)[1].lower()
    if ext in MEDIA_EXTS:
        return ext
    if content_type:
        mime = content_type.split(";", 1)[0].strip().lower()
        return _MIME_EXT.get(mime) or mimetypes.guess_extension(mime) or ".bin"
    return ".bin"


class Resolver:
    """Resolves input values to content-addressed files under ``inputs_dir``."""

    def __init__(self, inputs_dir: Path, registry: Registry, own_result: Callable[[str, str, dict[str, str]], Path],
                 own_netlocs: Callable[[], set[str]], clock: Callable[[], float]):
        self.dir = inputs_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self._registry = registry
        self._own_result = own_result      # (netloc, path, query) -> file, raises InputError
        self._own_netlocs = own_netlocs
        self._clock = clock
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # -- storage ------------------------------------------------------------------------------
    def _store_bytes(self, data: bytes, ext: str) -> tuple[Path, str]:
        sha = hashlib.sha256(data).hexdigest()
        path = self.dir / f"{sha}{ext}"
        if not path.exists():
            tmp = path.with_name(f".{sha}.{os.getpid()}.{id(data)}.part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return path, sha

    def _store_file(self, src: Path, ext: str, copy: bool = True) -> tuple[Path, str]:
        h = hashlib.sha256()
        with src.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        sha = h.hexdigest()
        path = self.dir / f"{sha}{ext}"
        if not path.exists():
            tmp = path.with_name(f".{sha}.{os.getpid()}.{id(src)}.part")
            if copy:
                shutil.copyfile(src, tmp)
            else:
                os.replace(src, tmp)
            os.replace(tmp, path)
        elif not copy:
            src.unlink(missing_ok=True)
        return path, sha

    # -- resolution ---------------------------------------------------------------------------
    def resolve(self, value: str, field: str, model: str, *, oss_resolve: bool, data_uri: bool) -> ResolvedFile:
        if not isinstance(value, str) or not value:
            raise InputError(400, "InvalidParameter", f"{field}: a file URL is required.")
        if value.startswith("data:"):
            return self._data_uri(value, field, data_uri)
        if value.startswith("oss://"):
            return self._oss(value, field, model, oss_resolve)
        if value.startswith(("http://", "https://")):
            return self._http(value, field)
        raise InputError(400, "InvalidParameter",
                         f"{field}: The provided URL does not appear to be valid. Ensure it is correctly formatted "
                         f"(http://, https:// or oss://).")

    def _data_uri(self, value: str, field: str, allowed: bool) -> ResolvedFile:
        if not allowed:
            raise InputError(400, "InvalidParameter",
                             f"{field}: base64 data is not supported for this field; provide an http(s) or oss:// URL.")
        head, sep, payload = value.partition(",")
        if not sep or ";base64" not in head:
            raise InputError(400, "InvalidParameter", f"{field}: malformed data URI; expected data:<mime>;base64,<data>.")
        mime = head[5:].split(";", 1)[0]
        try:
            data = base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            raise InputError(400, "InvalidParameter", f"{field}: the base64 data cannot be decoded.") from None
        if not data:
            raise InputError(400, "InvalidParameter", f"{field}: the base64 data is empty.")
        path, sha = self._store_bytes(data, _ext_from("", mime or "application/octet-stream"))
        return ResolvedFile(path, sha, "data-uri", value[:64])

    def _oss(self, value: str, field: str, model: str, oss_resolve: bool) -> ResolvedFile:
        if not oss_resolve:
            raise InputError(400, "InvalidParameter",
                             f"{field}: The provided URL does not appear to be valid. Ensure it is correctly formatted. "
                             f"(oss:// URLs need the header X-DashScope-OssResourceResolve: enable)")
        key = value[len("oss://"):]
        up = self._registry.upload(key)
        if up is None or up.expires_at < self._clock() or not up.path.exists():
            raise InputError(400, "InvalidParameter",
                             f"{field}: the temporary file {value} does not exist or has expired.")
        want, have = catalog.get(model), catalog.get(up.model)
        same = (want is not None and want is have) or up.model == model
        if not same:
            raise InputError(400, "InvalidParameter",
                             f"{field}: the temporary file {value} was uploaded for model {up.model}, "
                             f"not {model}; upload it again for {model}.")
        return ResolvedFile(up.path, up.sha256, os.path.basename(key), value)

    def _http(self, value: str, field: str) -> ResolvedFile:
        split = urlsplit(value)
        host = split.hostname or ""
        name = unquote(os.path.basename(split.path)) or "download"
        if not is_loopback(host):
            raise InputError(400, "InvalidURL.ConnectionRefused",
                             f"Connection to {value} refused, please provide available URL")
        if split.netloc in self._own_netlocs():
            src = self._own_result(split.netloc, unquote(split.path), dict(parse_qsl(split.query)))
            path, sha = self._store_file(src, _ext_from(name, None))
            return ResolvedFile(path, sha, name, value)
        fd, tmp_name = tempfile.mkstemp(dir=self.dir, prefix=".dl-", suffix=".part")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            req = urllib.request.Request(value, headers={"User-Agent": "dashscope-sandbox-fetcher"})
            with self._opener.open(req, timeout=DOWNLOAD_TIMEOUT) as resp, tmp.open("wb") as out:
                ctype = resp.headers.get("Content-Type")
                total = 0
                for chunk in iter(lambda: resp.read(1 << 20), b""):
                    total += len(chunk)
                    if total > MAX_DOWNLOAD:
                        raise InputError(400, "InvalidFile.Size", f"{field}: the file at {value} is too large.")
                    out.write(chunk)
            path, sha = self._store_file(tmp, _ext_from(name, ctype), copy=False)
            return ResolvedFile(path, sha, name, value)
        except urllib.error.HTTPError as exc:
            raise InputError(400, "InvalidURL",
                             f"{field}: Failed to download the input file from {value}: HTTP {exc.code}.") from None
        except TimeoutError:
            raise InputError(400, "InvalidURL.Timeout",
                             f"Download {value} timeout, please check network connection.") from None
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise InputError(400, "InvalidURL.Timeout",
                                 f"Download {value} timeout, please check network connection.") from None
            raise InputError(400, "InvalidURL.ConnectionRefused",
                             f"Connection to {value} refused, please provide available URL") from None
        finally:
            tmp.unlink(missing_ok=True)
