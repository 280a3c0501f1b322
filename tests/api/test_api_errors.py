"""Error classification, explanations and secret masking."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bailian_video.api import errors as E
from bailian_video.i18n import T

CASES = [
    # (status, code, class)
    (401, "InvalidApiKey", E.AuthenticationError),
    (403, "AccessDenied", E.PermissionDeniedError),
    (403, "Workspace.AccessDenied", E.PermissionDeniedError),
    (403, "Model.AccessDenied", E.PermissionDeniedError),
    (403, "AccessDenied.Unpurchased", E.PermissionDeniedError),
    (400, "Arrearage", E.QuotaExhaustedError),
    (429, "Throttling.AllocationQuota", E.QuotaExhaustedError),
    (403, "AllocationQuota.FreeTierOnly", E.QuotaExhaustedError),
    (429, "PrepaidBillOverdue", E.QuotaExhaustedError),
    (429, "PostpaidBillOverdue", E.QuotaExhaustedError),
    (429, "CommodityNotPurchased", E.QuotaExhaustedError),
    (429, "Throttling", E.ThrottledError),
    (429, "Throttling.RateQuota", E.ThrottledError),
    (429, "LimitRequests", E.ThrottledError),
    (400, "InvalidParameter", E.InvalidParameterError),
    (400, "InvalidParameter.UnsupportedFileFormat", E.InvalidParameterError),
    (400, "BadRequest.EmptyInput", E.InvalidParameterError),
    (400, "BadRequest.EmptyParameters", E.InvalidParameterError),
    (400, "BadRequest.EmptyModel", E.InvalidParameterError),
    (413, "BadRequest.TooLarge", E.InvalidParameterError),
    (415, "BadRequest.InputDownloadFailed", E.InvalidParameterError),
    (415, "BadRequest.UnsupportedFileFormat", E.InvalidParameterError),
    (400, "InvalidURL", E.InvalidParameterError),
    (400, "InvalidURL.ConnectionRefused", E.InvalidParameterError),
    (400, "InvalidURL.Timeout", E.InvalidParameterError),
    (400, "InvalidFile.Size", E.InvalidParameterError),
    (400, "InvalidFile.Resolution", E.InvalidParameterError),
    (400, "InvalidFile.AspectRatio", E.InvalidParameterError),
    (400, "InvalidFile.Template.Content", E.InvalidParameterError),
    (400, "InvalidFile.FacePose", E.InvalidParameterError),
    (400, "UnsupportedOperation", E.InvalidParameterError),
    (404, "ModelNotFound", E.InvalidParameterError),
    (400, "DataInspectionFailed", E.ContentModerationError),
    (400, "IPInfringementSuspect", E.ContentModerationError),
    (400, "DataInspection.Output", E.ContentModerationError),
    (200, "DataInspectionFailed", E.ContentModerationError),   # a FAILED task's output.code
    (500, "InternalError", E.ServerError),
    (500, "InternalError.Timeout", E.ServerError),
    (500, "InternalError.Algo", E.ServerError),
    (500, "SystemError", E.ServerError),
    (503, "ModelUnavailable", E.ServerError),
    (503, "ServiceUnavailable", E.ServerError),
    (408, "RequestTimeOut", E.ServerError),
]


@pytest.mark.parametrize(("status", "code", "cls"), CASES)
def test_classify_by_code(status: int, code: str, cls: type) -> None:
    err = E.classify(status, code, "msg", "rid-1", None)
    assert type(err) is cls
    assert err.code == code and err.message == "msg" and err.request_id == "rid-1"
    assert err.http_status == status


@pytest.mark.parametrize(("status", "cls"), [
    (401, E.AuthenticationError), (403, E.PermissionDeniedError), (429, E.ThrottledError),
    (400, E.InvalidParameterError), (404, E.InvalidParameterError), (413, E.InvalidParameterError),
    (415, E.InvalidParameterError), (408, E.ServerError), (500, E.ServerError), (502, E.ServerError),
    (503, E.ServerError), (504, E.ServerError), (418, E.DashScopeError),
])
def test_classify_falls_back_to_status(status: int, cls: type) -> None:
    err = E.classify(status, None, "", None, None)
    assert type(err) is cls


def test_code_wins_over_status() -> None:
    # a quota code under 429 is not retryable throttling; a moderation code under 400 is not a bad parameter
    assert type(E.classify(429, "Throttling.AllocationQuota", "", None)) is E.QuotaExhaustedError
    assert type(E.classify(400, "DataInspectionFailed", "", None)) is E.ContentModerationError
    assert type(E.classify(400, "Arrearage", "", None)) is E.QuotaExhaustedError


def test_internal_error_under_4xx_is_about_the_input() -> None:
    err = E.classify(400, "InternalError.Algo", "Missing Content-Length of multimodal url.", "r")
    assert isinstance(err, E.InvalidParameterError)


def test_retry_after_is_kept() -> None:
    err = E.classify(429, "Throttling.RateQuota", "slow down", "r", 3.5)
    assert isinstance(err, E.ThrottledError) and err.retry_after == 3.5
    assert "about 4 s" in err.explain().en   # rounded up


def test_every_class_explains_in_both_languages() -> None:
    now = datetime.now(UTC)
    samples = [cls("m", code="C") for cls in (
        E.DashScopeError, E.AuthenticationError, E.PermissionDeniedError, E.QuotaExhaustedError, E.ThrottledError,
        E.InvalidParameterError, E.CannotCancelError, E.ContentModerationError, E.ServerError, E.NetworkError,
        E.ApiTimeoutError, E.UploadError)]
    samples += [E.DownloadError("x", expired=True), E.DownloadError("x"),
                E.SubmissionUncertainError("lost", model="wan2.2-t2v-plus", endpoint="services/x",
                                           submitted_at=now, gave_up_at=now, request_fingerprint="ab" * 32)]
    texts = set()
    for err in samples:
        t = err.explain()
        assert isinstance(t, T)
        assert t.zh and t.en and t.zh != t.en
        texts.add(t.en)
    assert len(texts) >= 13     # each class says something of its own


def test_explanations_say_what_to_do() -> None:
    assert "region" in E.AuthenticationError().explain().en
    assert "地域" in E.AuthenticationError().explain().zh
    unc = E.SubmissionUncertainError("x", model="m", endpoint="e", submitted_at=datetime.now(UTC),
                                     gave_up_at=datetime.now(UTC), request_fingerprint="0" * 64)
    assert "not be charged twice" in unc.explain().en and "不会重复扣费" in unc.explain().zh
    assert "24 hours" in E.DownloadError(expired=True).explain().en
    assert E.DownloadError(expired=True).expired and not E.DownloadError().expired


def test_cannot_cancel_is_an_invalid_parameter() -> None:
    assert issubclass(E.CannotCancelError, E.InvalidParameterError)


def test_download_error_fields() -> None:
    err = E.DownloadError("gone", expired=True, bytes_written=123, http_status=403, code="AccessDenied")
    assert err.expired and err.bytes_written == 123 and err.http_status == 403


def test_submission_uncertain_fields() -> None:
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    cause = E.ServerError("x")
    err = E.SubmissionUncertainError("x", model="wan2.2-t2v-plus", endpoint="services/a", submitted_at=t0,
                                     gave_up_at=t0, request_fingerprint="f" * 64, cause=cause, http_status=500)
    assert err.model == "wan2.2-t2v-plus" and err.endpoint == "services/a"
    assert err.submitted_at.tzinfo is not None and err.cause is cause and err.code == "SubmissionUncertain"
    assert isinstance(err, E.DashScopeError)


def test_secrets_never_show() -> None:
    key = "sk-9f8e7d6c5b4a39281706"
    E.register_secret(key)
    err = E.classify(401, "InvalidApiKey", f"Invalid API-key provided: {key}", f"rid {key}")
    for text in (str(err), repr(err), err.message, str(err.explain()), err.explain().both(), str(err.args)):
        assert key not in text
    # unregistered keys of the usual shape and bearer tokens are masked too
    other = E.DashScopeError("header was Authorization: Bearer abc.def.ghi and sk-abcdef1234567890")
    assert "abc.def.ghi" not in str(other) and "sk-abcdef1234567890" not in repr(other)


def test_redact_leaves_normal_text_alone() -> None:
    assert E.redact("Model access denied.") == "Model access denied."
    assert E.redact(None) == ""


def test_parse_oss_error() -> None:
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>EntityTooLarge</Code>\n'
           '  <Message>Your proposed upload exceeds the maximum allowed size.</Message>\n'
           '  <RequestId>5C3D9175B6FC201293AD****</RequestId>\n  <HostId>x</HostId>\n</Error>')
    assert E.parse_oss_error(xml) == ("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
                                      "5C3D9175B6FC201293AD****")
    assert E.parse_oss_error(xml.encode()) [0] == "EntityTooLarge"
    assert E.parse_oss_error("not xml") == (None, None, None)
    assert E.parse_oss_error(b"") == (None, None, None)
