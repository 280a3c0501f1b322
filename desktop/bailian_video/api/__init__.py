"""Async DashScope client (httpx, no Qt): typed errors, parsed answers, uploads and downloads."""
from __future__ import annotations

from .client import DashScopeClient
from .errors import (
    ApiTimeoutError,
    AuthenticationError,
    CannotCancelError,
    ContentModerationError,
    DashScopeError,
    DownloadError,
    InsecureConnectionError,
    InvalidKeyFormatError,
    InvalidParameterError,
    NetworkError,
    PermissionDeniedError,
    QuotaExhaustedError,
    ResponseTooLargeError,
    ServerError,
    SubmissionUncertainError,
    ThrottledError,
    UploadError,
    classify,
    explain_task_failure,
    strip_control,
)
from .requests import build_body, needs_oss_resolve
from .types import CreatedTask, DetectResult, TaskInfo, TaskListItem, TaskListPage, TaskStatus, Upload

__all__ = [
    "ApiTimeoutError", "AuthenticationError", "CannotCancelError", "ContentModerationError", "CreatedTask",
    "DashScopeClient", "DashScopeError", "DetectResult", "DownloadError", "InsecureConnectionError",
    "InvalidKeyFormatError", "InvalidParameterError", "NetworkError", "PermissionDeniedError", "QuotaExhaustedError",
    "ResponseTooLargeError", "ServerError", "SubmissionUncertainError", "TaskInfo", "TaskListItem", "TaskListPage",
    "TaskStatus", "ThrottledError", "Upload", "UploadError", "build_body", "classify", "explain_task_failure",
    "needs_oss_resolve", "strip_control",
]
