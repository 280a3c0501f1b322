"""Typed errors of the DashScope client, with plain-language explanations.

Every failure the client raises is a :class:`DashScopeError`. :func:`classify` turns a
service answer (HTTP status + ``code``) into the right subclass; :meth:`~DashScopeError.explain`
says in both languages what happened and what to do next. No message, ``str`` or ``repr``
ever contains the API key: registered secrets and anything shaped like ``sk-…`` are masked.
Nor do they carry terminal control sequences from the service: :func:`strip_control` removes
escape sequences and control characters from every ``code``, ``message`` and request id.
"""
from __future__ import annotations

import math
import re
import threading
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from ..i18n import T

# -- secret masking -------------------------------------------------------------------------
_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
_KEY_SHAPE = re.compile(r"sk-[A-Za-z0-9_\-]{6,}")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',;]+")


def register_secret(secret: str | None) -> None:
    """Remember a secret (the API key) so that :func:`redact` masks it everywhere."""
    if secret and len(secret) >= 4:
        with _SECRETS_LOCK:
            _SECRETS.add(secret)


def redact(text: Any) -> str:
    """``text`` as a string with every registered secret, bearer token and ``sk-…`` key masked."""
    s = "" if text is None else str(text)
    if not s:
        return s
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        if secret in s:
            s = s.replace(secret, "***")
    s = _BEARER.sub(r"\1***", s)
    return _KEY_SHAPE.sub("sk-***", s)


# -- text from the service ------------------------------------------------------------------
# ESC-introduced sequences (CSI with parameters, OSC/DCS/APC/PM/SOS strings up to their terminator,
# two-byte escapes) and the 8-bit CSI; whatever survives is dropped character by character below.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]")
# C0 and C1 controls (tab and line breaks become spaces first), DEL, and the bidirectional overrides
# that make a terminal show text in an order other than the one it is in.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n\r\v\f\u2028\u2029]+")


def strip_control(text: Any) -> str:
    """``text`` as one line of plain characters: terminal escape sequences and control characters
    removed, tabs and line breaks turned into single spaces. For anything the service wrote."""
    s = "" if text is None else str(text)
    if not s:
        return s
    s = _ESCAPES.sub("", s)
    s = _LINE_BREAKS.sub(" ", s)
    return _CONTROLS.sub("", s)


def _clean(text: Any) -> str:
    return strip_control(redact(text))


# -- the hierarchy --------------------------------------------------------------------------
class DashScopeError(Exception):
    """Any failure talking to DashScope (or its upload/result hosts).

    ``task_failed`` marks an error that is a task's final outcome (status FAILED), not a failed
    request: nothing is retried then, and :meth:`explain` says so (see :func:`explain_task_failure`).
    """

    default_code: str | None = None

    def __init__(self, message: str = "", *, code: str | None = None, request_id: str | None = None,
                 http_status: int | None = None, retry_after: float | None = None, task_failed: bool = False):
        self.code = (_clean(code) or None) if code else self.default_code
        self.message = _clean(message)
        self.request_id = (_clean(request_id) or None) if request_id else None
        self.http_status = http_status
        self.retry_after = retry_after
        self.task_failed = task_failed
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = []
        if self.code:
            parts.append(self.code)
        if self.message:
            parts.append(self.message)
        text = ": ".join(parts) or type(self).__name__
        extra = []
        if self.http_status is not None:
            extra.append(f"HTTP {self.http_status}")
        if self.request_id:
            extra.append(f"request_id={self.request_id}")
        if extra:
            text += f" ({', '.join(extra)})"
        return redact(text)

    def __repr__(self) -> str:
        return redact(f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
                      f"http_status={self.http_status!r}, request_id={self.request_id!r})")

    def _detail(self) -> str:
        return self.message or self.code or ""

    def _task_failed_text(self) -> T:
        """A task that ended FAILED for a reason on the service's side: nothing retries it."""
        d = self._detail()
        rid = self.request_id or "（无）"
        rid_en = self.request_id or "(none)"
        return T(f"生成失败（服务端错误：{d}）；不会自动重试，重新生成会按新任务计费。如果一直失败，请把请求编号 {rid} 提供给阿里云客服。",
                 f"The generation failed on the service's side ({d}); nothing retries it, and generating again is "
                 f"charged as a new task. If it keeps failing, give request id {rid_en} to Alibaba Cloud support.")

    def explain(self) -> T:
        """What happened and what to do next, in plain words."""
        if self.task_failed:
            return self._task_failed_text()
        d = self._detail()
        return T(f"百炼服务返回了错误：{d}。请稍后重试；如果一直出现，请把请求编号 {self.request_id or '（无）'} 提供给阿里云客服。",
                 f"The Bailian service returned an error: {d}. Try again later; if it keeps happening, give "
                 f"request id {self.request_id or '(none)'} to Alibaba Cloud support.")


class AuthenticationError(DashScopeError):
    """401 ``InvalidApiKey``: no key, a wrong key, or a key of another region."""

    default_code = "InvalidApiKey"

    def explain(self) -> T:
        return T("API Key 无效或未填写。请在设置中检查 API Key；注意 API Key 分地域，北京的 Key 不能用于新加坡，反之亦然。",
                 "The API key is missing or invalid. Check it in Settings; keys are per region — a Beijing "
                 "key does not work in Singapore and vice versa.")


class InvalidKeyFormatError(AuthenticationError):
    """The key cannot be a DashScope key at all (spaces, line breaks, invisible or non-ASCII
    characters inside it): refused before it is sent, so it never reaches a header."""

    default_code = "InvalidKeyFormat"

    def __init__(self, message: str = "", *, visible_non_ascii: bool = False, **kw: Any):
        super().__init__(message, **kw)
        self.visible_non_ascii = visible_non_ascii

    def explain(self) -> T:
        if self.visible_non_ascii:
            return T("这不是有效的 API Key（包含全角或非英文字符）；请从百炼控制台重新复制。",
                     "This is not a valid API key (it contains full-width or other non-ASCII characters); copy it "
                     "again from the Model Studio console.")
        return T("这不是有效的 API Key（包含空格、换行或不可见字符）；请从百炼控制台重新复制。",
                 "This is not a valid API key (it contains spaces, line breaks or invisible characters); copy it "
                 "again from the Model Studio console.")


class InsecureConnectionError(DashScopeError, ValueError):
    """A base URL that would carry the API key over plain ``http://`` to a host other than this
    computer. Raised when the client is created; ``BAILIAN_VIDEO_ALLOW_HTTP=1`` allows it."""

    default_code = "InsecureHttp"

    def __init__(self, host: str, **kw: Any):
        self.host = strip_control(host)
        super().__init__(f"refusing to send the API key in clear text (http) to {self.host}", **kw)

    def explain(self) -> T:
        return T(f"不会把 API Key 以明文 http 发送到 {self.host}；请使用 https，或设置 BAILIAN_VIDEO_ALLOW_HTTP=1"
                 f"（仅限公司代理等可信网络）。",
                 f"Refusing to send the API key in clear text (http) to {self.host}; use https, or set "
                 f"BAILIAN_VIDEO_ALLOW_HTTP=1 for a trusted corporate proxy.")

    def __str__(self) -> str:
        return str(self.explain())


class PermissionDeniedError(DashScopeError):
    """403: the key may not use this model / workspace, the model is not bought, or not in this region."""

    default_code = "AccessDenied"

    def explain(self) -> T:
        return T(f"没有使用该模型的权限（{self._detail()}）。请在百炼控制台开通该模型，确认工作空间授权，"
                 "并确认该模型在所选地域可用。",
                 f"Access to this model was denied ({self._detail()}). Activate the model in the Bailian "
                 "console, check the workspace permissions, and make sure the model exists in the chosen region.")


class QuotaExhaustedError(DashScopeError):
    """Billing or allocation problems: arrears, quota used up, product not purchased. Not worth retrying."""

    default_code = "Arrearage"

    def explain(self) -> T:
        return T(f"账户额度或余额不足（{self._detail()}）。请在阿里云控制台充值、开通按量付费或提高额度后再试；"
                 "本次请求未生成视频，也未扣费。",
                 f"Your account is out of quota or credit ({self._detail()}). Top up, enable pay-as-you-go "
                 "or raise the quota in the Alibaba Cloud console, then try again. Nothing was generated or charged.")


class ThrottledError(DashScopeError):
    """429 rate limiting: retry later (``retry_after`` seconds when the service said)."""

    default_code = "Throttling"

    def explain(self) -> T:
        if self.task_failed:
            return self._task_failed_text()
        wait = str(math.ceil(self.retry_after)) if self.retry_after else None
        return T(f"请求太频繁，服务暂时限流。{'约 ' + wait + ' 秒后' if wait else '稍后'}会自动重试，无需操作。",
                 f"Too many requests; the service is throttling for now. It will retry automatically "
                 f"{'in about ' + wait + ' s' if wait else 'shortly'} — nothing to do.")


class InvalidParameterError(DashScopeError):
    """400-family: the request (parameters, input files, URLs) was rejected. Fix and resubmit."""

    default_code = "InvalidParameter"

    def explain(self) -> T:
        return T(f"服务拒绝了这次请求的参数或输入文件：{self._detail()}。请按提示修改输入后重新提交；本次未扣费。",
                 f"The service rejected the request's parameters or input files: {self._detail()}. Change "
                 "the inputs as the message says and submit again; nothing was charged.")


class CannotCancelError(InvalidParameterError):
    """``UnsupportedOperation`` on cancel: the task has left PENDING and can no longer be cancelled."""

    default_code = "UnsupportedOperation"

    def explain(self) -> T:
        return T("任务已开始生成，服务端无法再取消（只能取消排队中的任务），完成后仍会计费。",
                 "The task has already started, so the service can no longer cancel it (only queued tasks "
                 "can be cancelled); it will be billed when it finishes.")


class ContentModerationError(DashScopeError):
    """The input or output failed the content safety check (``DataInspectionFailed`` and friends)."""

    default_code = "DataInspectionFailed"

    def explain(self) -> T:
        return T("输入或生成内容未通过内容安全审核。请修改提示词或更换图片/视频后再试。",
                 "The input or the generated content did not pass the content safety check. Change the "
                 "prompt or use other images/videos and try again.")


class ServerError(DashScopeError):
    """5xx / internal errors / model temporarily unavailable / server-side timeout."""

    default_code = "InternalError"

    def explain(self) -> T:
        if self.task_failed:
            return self._task_failed_text()
        if self.code == "ResponseTooLarge":
            return T("百炼服务（或中间的代理）返回了异常巨大的应答，已停止读取。请稍后再试；如果一直出现，请检查代理或 "
                     "DASHSCOPE_HTTP_BASE_URL 设置。",
                     "The Bailian service (or a proxy in between) sent an abnormally large answer; it was not read. "
                     "Try again later; if it keeps happening, check the proxy or the DASHSCOPE_HTTP_BASE_URL setting.")
        return T(f"百炼服务内部出错或暂时不可用（{self._detail()}）。会自动重试；如果持续出现，请稍后再试。",
                 f"The Bailian service had an internal error or is temporarily unavailable "
                 f"({self._detail()}). It is retried automatically; if it persists, try again later.")


class ResponseTooLargeError(ServerError):
    """An API answer over the client's cap (``MAX_ANSWER_BYTES``): reading stopped there."""

    default_code = "ResponseTooLarge"


class NetworkError(DashScopeError):
    """The connection could not be made or broke (DNS, refused, reset, proxy)."""

    default_code = "NetworkError"

    def explain(self) -> T:
        if self.task_failed:
            return self._task_failed_text()
        return T("无法连接到百炼服务。请检查网络、代理或防火墙设置；恢复后会自动重试。",
                 "Cannot reach the Bailian service. Check the network, proxy or firewall; it retries "
                 "automatically once the connection is back.")


class ApiTimeoutError(DashScopeError):
    """The request timed out on our side."""

    default_code = "Timeout"

    def explain(self) -> T:
        if self.task_failed:
            return self._task_failed_text()
        return T("连接百炼服务超时。网络可能较慢或不稳定；会自动重试。",
                 "The request to the Bailian service timed out. The network may be slow or unstable; it "
                 "retries automatically.")


class UploadError(DashScopeError):
    """Uploading a local file to the temporary OSS storage failed."""

    default_code = "UploadFailed"

    def explain(self) -> T:
        return T(f"上传本地文件失败（{self._detail()}）。请检查文件大小和网络后重试；文件需小于模型的限制。",
                 f"Uploading the local file failed ({self._detail()}). Check the file size and the network "
                 "and try again; the file must be within the model's limits.")


class DownloadError(DashScopeError):
    """Downloading a result failed. ``expired``: the link is no longer valid (403/404/expired)."""

    default_code = "DownloadFailed"

    def __init__(self, message: str = "", *, expired: bool = False, bytes_written: int = 0, **kw: Any):
        super().__init__(message, **kw)
        self.expired = expired
        self.bytes_written = bytes_written

    #: Codes a later attempt cannot fix: the link itself is unusable, or the file is over the limit.
    PERMANENT_CODES = frozenset({"BadURL", "UnsafeURL", "TooLarge"})

    @property
    def permanent(self) -> bool:
        """Retrying the same link cannot help (an unusable link, a file over the size limit)."""
        return self.code in self.PERMANENT_CODES

    def explain(self) -> T:
        if self.expired:
            return T("视频下载链接已失效（结果链接有效期为 24 小时）或被拒绝访问，无法再下载。",
                     "The video link is no longer valid (result links last 24 hours) or access was refused; "
                     "it can no longer be downloaded.")
        if self.code in ("BadURL", "UnsafeURL"):
            return T(f"服务返回了无法使用的视频链接（{self._detail()}），为安全起见没有下载。请到百炼控制台查看该任务；"
                     "如果一直出现，请检查代理或 DASHSCOPE_HTTP_BASE_URL 设置。",
                     f"The service returned an unusable video link ({self._detail()}); for safety it was not "
                     "downloaded. Look the task up in the Model Studio console; if it keeps happening, check the "
                     "proxy or the DASHSCOPE_HTTP_BASE_URL setting.")
        if self.code == "TooLarge":
            return T(f"视频文件超出大小上限（{self._detail()}），已停止下载并删除未完成的部分。",
                     f"The video file is over the size limit ({self._detail()}); the download was stopped and the "
                     "partial file removed.")
        return T(f"视频下载失败（{self._detail()}）。链接有效期内可以重新下载，已下载的部分会续传。",
                 f"The video download failed ({self._detail()}). You can retry while the link is valid; "
                 "the part already downloaded is resumed.")


class SubmissionUncertainError(DashScopeError):
    """A task-creating POST whose outcome is unknown: the service may or may not have created the task.

    Never resend blindly — reconcile with the task list (``list_tasks(model_name=...)`` around
    ``submitted_at``..``gave_up_at``) first. ``request_fingerprint`` is the sha256 of the exact
    JSON body that was sent.
    """

    default_code = "SubmissionUncertain"

    def __init__(self, message: str = "", *, model: str, endpoint: str, submitted_at: datetime,
                 gave_up_at: datetime, request_fingerprint: str, cause: BaseException | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.model = model
        self.endpoint = endpoint
        self.submitted_at = submitted_at
        self.gave_up_at = gave_up_at
        self.request_fingerprint = request_fingerprint
        self.cause = cause

    def __repr__(self) -> str:
        return redact(f"SubmissionUncertainError(model={self.model!r}, endpoint={self.endpoint!r}, "
                      f"submitted_at={self.submitted_at.isoformat()!r}, message={self.message!r}, "
                      f"http_status={self.http_status!r}, fingerprint={self.request_fingerprint[:12]!r})")

    def explain(self) -> T:
        return T("提交后没有收到服务的确认（网络中断或服务出错），任务可能已经创建。程序会先到服务端核对："
                 "找到就继续跟踪，确认没有才重新提交——不会重复扣费。",
                 "The submission was sent but its confirmation never arrived (network drop or service "
                 "error), so the task may already exist. The app checks the service first: it keeps "
                 "tracking the task if it is found and resubmits only if it is not — you will not be charged twice.")


# -- classification -------------------------------------------------------------------------
_AUTH_CODES = {"invalidapikey", "noapikey"}
_PERMISSION_CODES = {"accessdenied", "workspace.accessdenied", "model.accessdenied", "accessdenied.unpurchased",
                     "workspacenotfound", "model.notavailableinregion"}
_QUOTA_CODES = {"arrearage", "throttling.allocationquota", "allocationquota.freetieronly", "prepaidbilloverdue",
                "postpaidbilloverdue", "commoditynotpurchased"}
_THROTTLE_CODES = {"throttling", "throttling.ratequota", "limitrequests", "throttling.user", "throttling.api"}
_PARAM_CODES = {"unsupportedoperation", "modelnotfound", "model.notexist", "invalidurl"}
_PARAM_PREFIXES = ("invalidparameter", "badrequest", "invalidurl", "invalidfile")
_MODERATION_CODES = {"datainspectionfailed", "ipinfringementsuspect"}
_SERVER_CODES = {"modelunavailable", "serviceunavailable", "systemerror", "requesttimeout"}
_SERVER_PREFIXES = ("internalerror",)


def class_for_code(code: str | None) -> type[DashScopeError] | None:
    """The error class a service ``code`` means, or ``None`` when the code alone does not tell."""
    if not code:
        return None
    c = code.strip().lower()
    if "datainspection" in c or c in _MODERATION_CODES:
        return ContentModerationError
    if c in _AUTH_CODES:
        return AuthenticationError
    if c in _QUOTA_CODES:
        return QuotaExhaustedError
    if c in _PERMISSION_CODES or c.startswith("accessdenied"):
        return PermissionDeniedError
    if c in _THROTTLE_CODES or c.startswith("throttling"):   # quota variants were caught above
        return ThrottledError
    if c in _PARAM_CODES or c.startswith(_PARAM_PREFIXES):
        return InvalidParameterError
    if c in _SERVER_CODES or c.startswith(_SERVER_PREFIXES):
        return ServerError
    return None


def class_for_status(http_status: int | None) -> type[DashScopeError]:
    s = http_status or 0
    if s == 401:
        return AuthenticationError
    if s == 403:
        return PermissionDeniedError
    if s == 429:
        return ThrottledError
    if s == 408 or s >= 500:
        return ServerError
    if s in (400, 404, 405, 409, 411, 413, 414, 415, 422):
        return InvalidParameterError
    return DashScopeError


def classify(http_status: int | None, code: str | None, message: str | None, request_id: str | None,
             retry_after: float | None = None, *, task_failed: bool = False) -> DashScopeError:
    """Map one service answer to an error instance (by ``code`` first, then by HTTP status).

    One exception to "code first": an ``InternalError*`` code under a 4xx status (the documented
    400 ``InternalError.Algo`` "Missing Content-Length of multimodal url") is about the input,
    so it counts as an invalid parameter, not a server fault.

    ``task_failed=True``: the code and message are a task's final outcome (``output.code`` /
    ``output.message`` of a FAILED task), so the explanation never promises an automatic retry.
    """
    cls = class_for_code(code) or class_for_status(http_status)
    if cls is ServerError and http_status is not None and 400 <= http_status < 500 and http_status != 408:
        cls = InvalidParameterError
    return cls(message or "", code=code or None, request_id=request_id, http_status=http_status,
               retry_after=retry_after, task_failed=task_failed)


def explain_task_failure(code: str | None, message: str | None, request_id: str | None = None) -> T:
    """Plain words for a task the service ended as FAILED (nothing retries it; a new run is a new charge).

    Service-side faults (``InternalError*``, timeouts, unavailable models, unknown codes) say
    "the generation failed on the service's side; generating again is charged as a new task"
    (the price pages bill only successfully generated seconds, so the failed run itself is not
    said to be charged); causes the
    person can fix (parameters, content moderation, quota, key) keep their own explanation.
    """
    return classify(200, code, message, request_id, None, task_failed=True).explain()


def parse_oss_error(text: str | bytes | None) -> tuple[str | None, str | None, str | None]:
    """``(Code, Message, RequestId)`` from an OSS XML error document (``None`` for what is missing)."""
    if not text:
        return None, None, None
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    try:
        root = ElementTree.fromstring(text.strip())
    except ElementTree.ParseError:
        return None, None, None

    def find(tag: str) -> str | None:
        el = root.find(tag)
        return el.text.strip() if el is not None and el.text else None

    return find("Code"), find("Message"), find("RequestId")


__all__ = [
    "ApiTimeoutError", "AuthenticationError", "CannotCancelError", "ContentModerationError", "DashScopeError",
    "DownloadError", "InsecureConnectionError", "InvalidKeyFormatError", "InvalidParameterError", "NetworkError",
    "PermissionDeniedError", "QuotaExhaustedError", "ResponseTooLargeError", "ServerError",
    "SubmissionUncertainError", "ThrottledError", "UploadError", "class_for_code", "class_for_status", "classify",
    "explain_task_failure", "parse_oss_error", "redact", "register_secret", "strip_control",
]
