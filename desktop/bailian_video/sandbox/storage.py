"""The sandbox's two storage origins: the OSS-like upload host and the signed result host.

``StorageOrigins`` is mixed into :class:`~bailian_video.sandbox.server.Sandbox`; it uses
the sandbox's counters, registry, signer, clock and fault plan. Neither origin accepts
an ``Authorization`` header: one that arrives is refused and counted in ``auth_leaks``.
"""
from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .faults import FaultPlan
from .httpd import BodyTooLarge, Request, Response
from .inputs import InputError
from .oss import (
    RESULT_PREFIX,
    UPLOAD_ACCESS_KEY_ID,
    MultipartError,
    Signer,
    decode_policy,
    error_xml,
    parse_multipart,
    policy_condition,
    policy_expired,
)
from .state import Registry, Stats, Upload

MB = 1024 * 1024


class StorageOrigins:
    """Handlers of the upload host (``_upload``) and the result host (``_result``)."""

    stats: Stats
    registry: Registry
    faults: FaultPlan
    data_dir: Path
    upload_max_bytes: int
    upload_ttl: float
    upload_origin: str
    result_origin: str
    _signer: Signer
    _results: dict[str, Path]
    _results_lock: threading.Lock
    clock: Callable[[], float]
    _slow_and_early: Callable[[str, bool], Response | None]

    def _oss_error(self, status: int, code: str, message: str, extra: dict[str, str] | None = None) -> Response:
        self.stats.add("errors", key=code)
        rid = uuid.uuid4().hex[:24].upper()
        resp = Response.xml(status, error_xml(code, message, rid, "sandbox.oss.local", extra))
        resp.headers["x-oss-request-id"] = rid
        return resp

    # =============================================================================================
    # upload origin (OSS PostObject)
    # =============================================================================================
    def _leak(self, req: Request) -> Response | None:
        if req.header("Authorization") is None:
            return None
        self.stats.add("auth_leaks")
        return self._oss_error(400, "InvalidArgument", "Authorization header is not allowed with a signed "
                                                       "request (the API key must never reach the storage host).")

    def _upload(self, req: Request) -> Response:
        self.stats.add("requests", key="upload")
        early = self._slow_and_early("upload", False)
        if early is not None:
            return early
        leak = self._leak(req)
        if leak is not None:
            return leak
        if req.method != "POST":
            return self._oss_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        try:
            body = req.body(limit=self.upload_max_bytes + MB)
        except BodyTooLarge:
            resp = self._oss_error(413, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.")
            resp.close = True
            return resp
        try:
            fields, file_part = parse_multipart(body, req.header("Content-Type") or "")
        except MultipartError as exc:
            return self._oss_error(400, "InvalidArgument", f"Bad multipart form: {exc}")
        for name in ("OSSAccessKeyId", "policy", "Signature", "key"):
            if not fields.get(name):
                return self._oss_error(400, "InvalidArgument", f"Missing form field {name}.")
        if file_part is None:
            return self._oss_error(400, "InvalidArgument", "The file field is missing.")
        if fields["OSSAccessKeyId"] != UPLOAD_ACCESS_KEY_ID:
            return self._oss_error(403, "InvalidAccessKeyId",
                                   "The OSS Access Key Id you provided does not exist in our records.")
        if not self._signer.check(fields["policy"], fields["Signature"]):
            return self._oss_error(403, "SignatureDoesNotMatch",
                                   "The request signature we calculated does not match the signature you provided.")
        try:
            doc = decode_policy(fields["policy"])
        except ValueError:
            return self._oss_error(400, "InvalidPolicyDocument", "Invalid Policy: cannot decode the policy.")
        now = self.clock()
        if policy_expired(doc, now):
            return self._oss_error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        key = fields["key"]
        cond = policy_condition(doc, "$key")
        pol = self.registry.policy_for_key(key)
        if cond is None or not key.startswith(str(cond[2])) or pol is None or ".." in key.split("/"):
            return self._oss_error(403, "AccessDenied",
                                   f'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", '
                                   f'"{cond[2] if cond else ""}"]')
        _filename, ctype, data = file_part
        size_cond = policy_condition(doc, "content-length-range")
        max_bytes = int(size_cond[2]) if size_cond else pol.max_bytes
        if len(data) > max_bytes:
            return self._oss_error(413, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
                                   {"ProposedSize": str(len(data)), "MaxSizeAllowed": str(max_bytes)})
        sha = hashlib.sha256(data).hexdigest()
        folder = self.data_dir / "uploads" / hashlib.sha1(key.encode()).hexdigest()[:20]
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / (os.path.basename(key) or "file")
        upload = Upload(key=key, path=dest, model=pol.model, sha256=sha, size=len(data),
                        content_type=fields.get("x-oss-content-type") or ctype, created=now,
                        expires_at=now + self.upload_ttl)
        if fields.get("x-oss-forbid-overwrite", "false").lower() == "true" and self.registry.upload(key) is not None:
            return self._oss_error(409, "FileAlreadyExists", "The object you specified already exists and can not "
                                                             "be overwritten.")
        dest.write_bytes(data)
        if not self.registry.add_upload(upload):
            self.registry.uploads[key] = upload
        self.stats.add("uploads")
        status = fields.get("success_action_status", "204")
        etag = '"' + hashlib.md5(data).hexdigest().upper() + '"'
        headers = {"ETag": etag, "x-oss-request-id": uuid.uuid4().hex[:24].upper()}
        if status == "200":
            return Response(200, b"", None, headers)
        if status == "201":
            xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Bucket>dashscope-instant</Bucket>'
                   f"<Location>{self.upload_origin}/{key}</Location><Key>{key}</Key><ETag>{etag}</ETag>"
                   f"</PostResponse>")
            return Response(201, xml.encode(), "application/xml", headers)
        return Response(204, b"", None, headers)

    # =============================================================================================
    # result origin
    # =============================================================================================
    def _result_file(self, path: str, query: dict[str, str]) -> tuple[Path | None, Response | None]:
        if not path.startswith(RESULT_PREFIX):
            return None, self._oss_error(404, "NoSuchKey", "The specified key does not exist.")
        problem = self._signer.check_result(path, query, self.clock())
        if problem is not None:
            status, code, message = problem
            return None, self._oss_error(status, code, message)
        name = path[len(RESULT_PREFIX):]
        with self._results_lock:
            file = self._results.get(name.removesuffix(".mp4"))
        if file is None or not file.exists():
            return None, self._oss_error(404, "NoSuchKey", "The specified key does not exist.")
        return file, None

    def _own_file(self, netloc: str, path: str, query: dict[str, str]) -> Path:
        """A file the service would download from one of its own origins (for inputs)."""
        if netloc == self.result_origin.split("://", 1)[1]:
            file, bad = self._result_file(path, query)
            if file is not None:
                return file
            code = bad.status if bad is not None else 404
            raise InputError(400, "InvalidURL", f"Failed to download the input file from "
                                                f"http://{netloc}{path}: HTTP {code}.")
        raise InputError(400, "InvalidURL", f"Failed to download the input file from http://{netloc}{path}: HTTP 403.")

    def _result(self, req: Request) -> Response:
        self.stats.add("requests", key="download")
        early = self._slow_and_early("download", False)
        if early is not None:
            return early
        leak = self._leak(req)
        if leak is not None:
            return leak
        if req.method not in ("GET", "HEAD"):
            return self._oss_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        file, bad = self._result_file(req.path, req.query)
        if bad is not None:
            return bad
        assert file is not None
        size = file.stat().st_size
        st = file.stat()
        headers = {"Accept-Ranges": "bytes", "ETag": f'"{st.st_ino:x}{size:x}"',
                   "Last-Modified": datetime.fromtimestamp(st.st_mtime, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT"),
                   "x-oss-request-id": uuid.uuid4().hex[:24].upper()}
        start, end = 0, size - 1
        status = 200
        rng = req.header("Range")
        if rng:
            parsed = _parse_range(rng, size)
            if parsed is None:
                resp = self._oss_error(416, "InvalidRange", "The requested range is not satisfiable")
                resp.headers["Content-Range"] = f"bytes */{size}"
                return resp
            start, end = parsed
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        resp = Response(status, b"", "video/mp4", headers, file=file, offset=start, length=end - start + 1)
        trunc = self.faults.take("download", ("truncate",))
        if trunc and req.method == "GET":
            self.stats.add("faults", key="truncate")
            resp.truncate_at = resp.length // 2
        if req.method == "GET":
            self.stats.add("downloads")
        return resp


def _parse_range(value: str, size: int) -> tuple[int, int] | None:
    """A single ``bytes=`` range clipped to the file, or None when unsatisfiable/unsupported."""
    unit, _, spec = value.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            n = int(last)
            if n <= 0:
                return None
            return max(0, size - n), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)
