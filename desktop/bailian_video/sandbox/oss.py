"""The OSS-like parts: upload policies (PostObject) and signed, expiring result URLs."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from email.message import Message
from urllib.parse import quote
from xml.sax.saxutils import escape

ACCESS_KEY_ID = "sandbox"
UPLOAD_ACCESS_KEY_ID = "LTAI5tSandboxUploadKey"
RESULT_PREFIX = "/dashscope-result/"


class Signer:
    """HMAC-SHA1 signatures in the OSS style, with a per-sandbox secret."""

    def __init__(self, secret: bytes):
        self._secret = secret

    def sign(self, text: str) -> str:
        digest = hmac.new(self._secret, text.encode("utf-8"), hashlib.sha1).digest()
        return base64.b64encode(digest).decode("ascii")

    def check(self, text: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(text), signature)

    # -- result URLs -----------------------------------------------------------------------
    @staticmethod
    def _string_to_sign(object_path: str, expires: int) -> str:
        return f"GET\n\n\n{expires}\n{object_path}"

    def result_url(self, origin: str, object_name: str, expires: int) -> str:
        path = RESULT_PREFIX + object_name
        sig = self.sign(self._string_to_sign(path, expires))
        return f"{origin}{path}?Expires={expires}&OSSAccessKeyId={ACCESS_KEY_ID}&Signature={quote(sig, safe='')}"

    def check_result(self, path: str, query: dict[str, str], now: float | None = None) -> tuple[int, str, str] | None:
        """``None`` when the signed URL is good, else ``(status, oss_code, message)``."""
        expires, key_id, sig = query.get("Expires"), query.get("OSSAccessKeyId"), query.get("Signature")
        if not (expires and key_id and sig):
            return 403, "AccessDenied", "You have no right to access this object because of bucket acl."
        if key_id != ACCESS_KEY_ID:
            return 403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records."
        try:
            exp = int(expires)
        except ValueError:
            return 403, "AccessDenied", "Invalid Expires."
        if not self.check(self._string_to_sign(path, exp), sig):
            return 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
        if exp < (time.time() if now is None else now):
            return 403, "AccessDenied", "Request has expired."
        return None

    # -- upload policies -------------------------------------------------------------------
    def policy(self, upload_dir: str, max_bytes: int, expires_at: float) -> tuple[str, str]:
        """A base64 PostObject policy and its signature."""
        doc = {
            "expiration": datetime.fromtimestamp(expires_at, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conditions": [
                {"bucket": "dashscope-instant-sandbox"},
                ["starts-with", "$key", upload_dir + "/"],
                ["content-length-range", 0, max_bytes],
                {"x-oss-object-acl": "private"},
                {"x-oss-forbid-overwrite": "true"},
            ],
        }
        policy = base64.b64encode(json.dumps(doc, separators=(",", ":")).encode("utf-8")).decode("ascii")
        return policy, self.sign(policy)


def decode_policy(policy: str) -> dict:
    return json.loads(base64.b64decode(policy.encode("ascii"), validate=True).decode("utf-8"))


def policy_expired(doc: dict, now: float | None = None) -> bool:
    try:
        exp = datetime.strptime(doc["expiration"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC)
    except (KeyError, ValueError):
        return True
    return exp.timestamp() < (time.time() if now is None else now)


def policy_condition(doc: dict, name: str) -> list | None:
    for cond in doc.get("conditions", []):
        if isinstance(cond, list) and cond and (cond[0] == name or (len(cond) > 1 and cond[1] == name)):
            return cond
    return None


def error_xml(code: str, message: str, request_id: str, host: str, extra: dict[str, str] | None = None) -> str:
    """An OSS-style XML error document."""
    parts = [f"<Code>{escape(code)}</Code>", f"<Message>{escape(message)}</Message>",
             f"<RequestId>{escape(request_id)}</RequestId>", f"<HostId>{escape(host)}</HostId>"]
    for k, v in (extra or {}).items():
        parts.append(f"<{k}>{escape(v)}</{k}>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  ' + "\n  ".join(parts) + "\n</Error>\n"


class MultipartError(ValueError):
    """A form body that cannot be parsed."""


def _header_params(value: str, header: str) -> dict[str, str]:
    msg = Message()
    msg[header] = value
    return {k.lower(): (v if isinstance(v, str) else v[2]) for k, v in (msg.get_params(header=header) or [])[1:]}


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], tuple[str, str, bytes] | None]:
    """Form fields and the (last) file part ``(filename, content_type, data)`` of a multipart body."""
    if "multipart/form-data" not in content_type.lower():
        raise MultipartError("expected multipart/form-data")
    boundary = _header_params(content_type, "content-type").get("boundary")
    if not boundary:
        raise MultipartError("missing boundary")
    delim = b"--" + boundary.encode("latin-1")
    fields: dict[str, str] = {}
    file_part: tuple[str, str, bytes] | None = None
    chunks = body.split(delim)
    if len(chunks) < 3:
        raise MultipartError("no parts")
    for part in chunks[1:]:
        if part.startswith(b"--"):
            break
        if part.startswith(b"\r\n"):
            part = part[2:]
        if part.endswith(b"\r\n"):
            part = part[:-2]
        head, sep, data = part.partition(b"\r\n\r\n")
        if not sep:
            raise MultipartError("part without headers")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disp = _header_params(headers.get("content-disposition", ""), "content-disposition")
        field_name = disp.get("name")
        if field_name is None:
            continue
        if "filename" in disp or field_name == "file":
            file_part = (disp.get("filename") or "file", headers.get("content-type", "application/octet-stream"),
                         data)
        else:
            fields[field_name] = data.decode("utf-8", "replace")
    return fields, file_part
