"""The client against ``httpx.MockTransport``: headers, retries, uncertainty, uploads, key hygiene."""
from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from api_helpers import BASE, KEY, Script, created, error, json_body, make_client, reply, run

from bailian_video import catalog
from bailian_video.api import errors as E
from bailian_video.api.client import DashScopeClient, canonical_json, parse_retry_after
from bailian_video.api.types import DetectResult, TaskStatus

T2V = "services/aigc/video-generation/video-synthesis"
FACE = "services/aigc/image2video/face-detect"


def create(client: DashScopeClient, **kw):
    return client.create_task(kw.pop("model", "wan2.2-t2v-plus"), kw.pop("input", {"prompt": "a cat"}),
                              kw.pop("parameters", {"size": "832*480"}), endpoint=kw.pop("endpoint", T2V))


# -- construction -------------------------------------------------------------------------------
def test_base_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    assert DashScopeClient("sk-x").base_url == "https://dashscope.aliyuncs.com/api/v1"
    assert DashScopeClient("sk-x", region=catalog.SINGAPORE).base_url == "https://dashscope-intl.aliyuncs.com/api/v1"
    monkeypatch.setenv("DASHSCOPE_HTTP_BASE_URL", "http://127.0.0.1:9/api/v1/")
    assert DashScopeClient("sk-x").base_url == "http://127.0.0.1:9/api/v1"
    assert DashScopeClient("sk-x", base_url="https://other/api/v1").base_url == "https://other/api/v1"
    monkeypatch.delenv("DASHSCOPE_HTTP_BASE_URL")
    with pytest.raises(ValueError):
        DashScopeClient("sk-x", region="mars-1")
    with pytest.raises(ValueError):
        DashScopeClient("sk-x", base_url="ftp://host/api/v1")


def test_key_from_env_and_repr_hides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", KEY)
    client = DashScopeClient(None, base_url=BASE)
    assert client.has_key
    assert KEY not in repr(client) and KEY not in str(vars(client))
    assert "<set>" in repr(client)
    assert not DashScopeClient("", base_url=BASE).has_key


def test_missing_key_fails_locally() -> None:
    script = Script(created())
    client, _ = make_client(script, api_key="")
    with pytest.raises(E.AuthenticationError) as info:
        run(create(client))
    assert info.value.code == "NoApiKey" and script.requests == []


# -- create_task --------------------------------------------------------------------------------
def test_create_sends_the_documented_request() -> None:
    script = Script(created("task-9", "req-9"))
    client, _ = make_client(script)
    task = run(create(client))
    assert task.task_id == "task-9" and task.status is TaskStatus.PENDING and task.request_id == "req-9"
    (req,) = script.requests
    assert req.method == "POST" and str(req.url) == f"{BASE}/{T2V}"
    assert req.headers["Authorization"] == f"Bearer {KEY}"
    assert req.headers["X-DashScope-Async"] == "enable"
    assert req.headers["Content-Type"] == "application/json"
    assert "X-DashScope-OssResourceResolve" not in req.headers
    assert json_body(req) == {"model": "wan2.2-t2v-plus", "input": {"prompt": "a cat"},
                              "parameters": {"size": "832*480"}}


def test_create_omits_parameters_and_flags_oss_inputs() -> None:
    script = Script(created())
    client, _ = make_client(script)
    run(client.create_task("wanx2.1-vace-plus", {"function": "image_reference", "prompt": "p",
                                                 "ref_images_url": ["https://a/x.png", "oss://dashscope-instant/y"]},
                           None, endpoint=T2V))
    (req,) = script.requests
    assert req.headers["X-DashScope-OssResourceResolve"] == "enable"
    assert "parameters" not in json_body(req)


def test_429_then_200_gives_one_task_and_honours_retry_after() -> None:
    script = Script(error(429, "Throttling.RateQuota", headers={"Retry-After": "7"}), created("t-2"))
    client, sleep = make_client(script)
    task = run(create(client))
    assert task.task_id == "t-2"
    assert len(script.requests) == 2 and sleep.delays == [7.0]
    assert script.bodies[0] == script.bodies[1]


def test_throttle_without_retry_after_uses_capped_jitter() -> None:
    script = Script(error(429, "Throttling"), error(429, "Throttling"), error(429, "Throttling"), created())
    client, sleep = make_client(script, backoff_base=1.0, backoff_cap=3.0)
    run(create(client))
    assert len(sleep.delays) == 3
    for attempt, d in enumerate(sleep.delays):
        assert 0.0 <= d <= min(3.0, 1.0 * 2 ** attempt)


def test_throttled_for_too_long_is_handed_to_the_caller() -> None:
    script = Script(error(429, "Throttling.RateQuota", headers={"Retry-After": "3600"}), created())
    client, sleep = make_client(script)
    with pytest.raises(E.ThrottledError) as info:
        run(create(client))
    assert info.value.retry_after == 3600 and len(script.requests) == 1 and sleep.delays == []


def test_throttling_gives_up_after_max_retries() -> None:
    script = Script(error(429, "Throttling"))
    client, sleep = make_client(script, max_retries=2)
    with pytest.raises(E.ThrottledError):
        run(create(client))
    assert len(script.requests) == 3 and len(sleep.delays) == 2


@pytest.mark.parametrize(("status", "code", "cls"), [
    (429, "Throttling.AllocationQuota", E.QuotaExhaustedError),
    (400, "Arrearage", E.QuotaExhaustedError),
    (400, "InvalidParameter", E.InvalidParameterError),
    (401, "InvalidApiKey", E.AuthenticationError),
    (403, "AccessDenied", E.PermissionDeniedError),
    (400, "DataInspectionFailed", E.ContentModerationError),
    (404, "ModelNotFound", E.InvalidParameterError),
])
def test_definite_rejections_are_never_retried(status: int, code: str, cls: type) -> None:
    script = Script(error(status, code, request_id="rid-x"), created())
    client, sleep = make_client(script)
    with pytest.raises(cls) as info:
        run(create(client))
    assert info.value.request_id == "rid-x" and info.value.http_status == status
    assert len(script.requests) == 1 and sleep.delays == []


def test_connection_refused_is_retried() -> None:
    script = Script(httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, created("t-3"))
    client, sleep = make_client(script)
    assert run(create(client)).task_id == "t-3"
    assert len(script.requests) == 4 and len(sleep.delays) == 3


def test_connection_refused_forever_is_a_network_error() -> None:
    script = Script(httpx.ConnectError)
    client, _ = make_client(script, max_retries=2)
    with pytest.raises(E.NetworkError):
        run(create(client))
    assert len(script.requests) == 3


def test_503_with_an_error_body_is_retried() -> None:
    script = Script(error(503, "ModelUnavailable"), created("t-4"))
    client, sleep = make_client(script)
    assert run(create(client)).task_id == "t-4"
    assert len(script.requests) == 2 and len(sleep.delays) == 1


@pytest.mark.parametrize("answer", [
    error(500, "InternalError"),
    error(504, "GatewayTimeout"),
    error(502, "BadGateway"),
    error(408, "RequestTimeOut"),
    reply(503, b"<html>Service Unavailable</html>"),
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    reply(200, b"{not json"),
    reply(200, {"output": {}, "request_id": "r"}),
], ids=["500", "504", "502", "408", "503-no-body", "read-timeout", "write-timeout", "dropped", "read-error",
        "200-garbage", "200-no-task-id"])
def test_ambiguous_outcomes_are_uncertain_and_sent_once(answer: object) -> None:
    script = Script(answer, created())
    client, sleep = make_client(script)
    before = datetime.now(UTC)
    with pytest.raises(E.SubmissionUncertainError) as info:
        run(create(client))
    err = info.value
    assert len(script.requests) == 1 and sleep.delays == []
    assert err.model == "wan2.2-t2v-plus" and err.endpoint == T2V
    assert err.request_fingerprint == hashlib.sha256(script.bodies[0]).hexdigest()
    assert err.request_fingerprint == hashlib.sha256(canonical_json(json_body(script.requests[0]))).hexdigest()
    assert err.submitted_at.tzinfo is not None and err.gave_up_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= err.submitted_at <= err.gave_up_at
    assert err.cause is not None
    assert "charged twice" in err.explain().en


def test_uncertain_after_a_retry_keeps_the_first_send_time() -> None:
    script = Script(error(429, "Throttling", headers={"Retry-After": "1"}), error(500, "InternalError"))
    client, _ = make_client(script)
    with pytest.raises(E.SubmissionUncertainError) as info:
        run(create(client))
    assert len(script.requests) == 2 and info.value.http_status == 500


def test_200_with_code_and_no_output_is_an_error() -> None:
    script = Script(reply(200, {"code": "InvalidParameter", "message": "bad size", "request_id": "r9"}), created())
    client, _ = make_client(script)
    with pytest.raises(E.InvalidParameterError) as info:
        run(create(client))
    assert info.value.message == "bad size" and info.value.request_id == "r9" and len(script.requests) == 1


def test_redirects_are_not_followed_and_carry_no_key_elsewhere() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "dashscope.test":
            return httpx.Response(302, headers={"Location": "https://evil.example/steal"})
        return created()

    client, _ = make_client(handler)
    with pytest.raises(E.DashScopeError) as info:
        run(create(client))
    assert info.value.http_status == 302
    assert [r.url.host for r in seen] == ["dashscope.test"]
    with pytest.raises(E.DashScopeError):
        run(client.get_task("t"))
    assert all(r.url.host == "dashscope.test" for r in seen)


def test_key_only_goes_under_the_base_path() -> None:
    client, _ = make_client(Script(created()), base_url="https://gw.test/proxy/api/v1")
    assert client.is_api_url("https://gw.test/proxy/api/v1/tasks/x")
    assert client.is_api_url("https://gw.test/proxy/api/v1")
    assert not client.is_api_url("https://gw.test/proxy/api/v10/tasks")
    assert not client.is_api_url("https://gw.test/other")
    assert not client.is_api_url("http://gw.test/proxy/api/v1/tasks")
    assert not client.is_api_url("https://gw.test:8443/proxy/api/v1/tasks")
    assert not client.is_api_url("https://gw.test.evil/proxy/api/v1/tasks")
    assert not client.is_api_url("https://gw.test/proxy/api/v1/../../x")
    with pytest.raises(ValueError):
        client.url("https://elsewhere/api/v1/x")


# -- sync calls ---------------------------------------------------------------------------------
def test_detect_call_has_no_async_header_and_is_normalised() -> None:
    script = Script(error(500, "InternalError"), httpx.ReadTimeout,
                    reply(200, {"output": {"bbox_face": [1, 2, 3, 4], "ext_bbox_face": [0, 0, 8, 8]},
                                "usage": {"image_count": 1}, "request_id": "d1"}))
    client, sleep = make_client(script)
    res = run(client.call_sync("emoji-detect-v1", {"image_url": "oss://dashscope-instant/f.png"},
                               {"ratio": "1:1"}, endpoint=FACE, detect_rule="bbox_face"))
    assert isinstance(res, DetectResult) and res.passed and res.face_bbox == [1, 2, 3, 4]
    assert res.ext_bbox == [0, 0, 8, 8] and res.request_id == "d1"
    assert len(script.requests) == 3 and len(sleep.delays) == 2
    for req in script.requests:
        assert "X-DashScope-Async" not in req.headers
        assert req.headers["X-DashScope-OssResourceResolve"] == "enable"


def test_sync_call_without_rule_returns_the_body() -> None:
    body = {"output": {"pass": False, "message": "No human face detected."}, "request_id": "q"}
    client, _ = make_client(Script(reply(200, body)))
    assert run(client.call_sync("liveportrait-detect", {"image_url": "https://a"}, None, endpoint=FACE)) == body


def test_sync_call_does_not_retry_parameter_errors() -> None:
    script = Script(error(400, "InvalidParameter.UnsupportedFileFormat"), reply(200, {"output": {}}))
    client, _ = make_client(script)
    with pytest.raises(E.InvalidParameterError):
        run(client.call_sync("liveportrait-detect", {"image_url": "https://a"}, None, endpoint=FACE,
                             detect_rule="pass"))
    assert len(script.requests) == 1


# -- get / list / cancel ------------------------------------------------------------------------
def _task_body(status: str = "SUCCEEDED", **out: object) -> dict:
    return {"request_id": "rq", "output": {"task_id": "t1", "task_status": status, **out}}


def test_get_task_retries_transient_failures() -> None:
    script = Script(error(503, "ServiceUnavailable"), error(429, "Throttling", headers={"Retry-After": "2"}),
                    httpx.ConnectError, httpx.ReadTimeout, reply(200, {"code": "InternalError", "request_id": "x"}),
                    reply(200, {"request_id": "no-output"}),
                    reply(200, _task_body(results={"video_url": "https://r/v.mp4"})))
    client, sleep = make_client(script, max_retries=6)
    info = run(client.get_task("t1", model="emo-v1"))
    assert info.status is TaskStatus.SUCCEEDED and info.result_url == "https://r/v.mp4"
    assert len(script.requests) == 7 and sleep.delays[1] == 2.0
    assert all(str(r.url) == f"{BASE}/tasks/t1" and r.method == "GET" for r in script.requests)
    assert "X-DashScope-Async" not in script.requests[0].headers


def test_get_task_gives_up_with_a_typed_error() -> None:
    client, _ = make_client(Script(httpx.ReadTimeout), max_retries=1)
    with pytest.raises(E.ApiTimeoutError):
        run(client.get_task("t1"))
    client, _ = make_client(Script(error(500, "InternalError")), max_retries=1)
    with pytest.raises(E.ServerError):
        run(client.get_task("t1"))
    client, _ = make_client(Script(error(401, "InvalidApiKey")))
    with pytest.raises(E.AuthenticationError):
        run(client.get_task("t1"))
    with pytest.raises(ValueError):
        run(client.get_task(""))


def test_list_tasks_sends_beijing_times() -> None:
    script = Script(reply(200, {"request_id": "r", "total": 1, "total_page": 1, "page_no": 1, "page_size": 10,
                                "data": [{"task_id": "a", "status": "RUNNING", "model_name": "emo-v1",
                                          "gmt_create": 1745568428109}]}))
    client, _ = make_client(script)
    page = run(client.list_tasks(start=datetime(2025, 4, 25, 0, 0, tzinfo=UTC),
                                 end=datetime(2025, 4, 25, 12, 0, tzinfo=UTC), model_name="emo-v1",
                                 status="RUNNING"))
    q = dict(script.requests[0].url.params)
    assert q == {"start_time": "20250425080000", "end_time": "20250425200000", "model_name": "emo-v1",
                 "status": "RUNNING", "page_no": "1", "page_size": "10"}
    assert script.requests[0].url.path == "/api/v1/tasks"
    assert page.items[0].task_id == "a" and page.items[0].model == "emo-v1"


def test_iter_tasks_pages_and_splits_long_windows() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        q = request.url.params
        page = int(q["page_no"])
        window = q["start_time"]
        data = [{"task_id": f"{window}-{page}-{i}", "status": "SUCCEEDED"} for i in range(2)]
        if page == 2:
            data.append({"task_id": f"{window}-1-0", "status": "SUCCEEDED"})   # shifted item: a duplicate
        return reply(200, {"total": 5, "total_page": 2, "page_no": page, "page_size": 2, "data": data})

    client, _ = make_client(handler)
    start = datetime(2025, 1, 1, tzinfo=UTC)

    async def collect() -> list:
        return [i async for i in client.iter_tasks(start=start, end=start + timedelta(hours=30), page_size=2)]

    items = run(collect())
    assert len(items) == 8 and len({i.task_id for i in items}) == 8


def test_cancel() -> None:
    script = Script(reply(200, {"request_id": "c"}))
    client, _ = make_client(script)
    assert run(client.cancel_task("t1")) is None
    assert script.requests[0].method == "POST" and str(script.requests[0].url) == f"{BASE}/tasks/t1/cancel"


def test_cancel_of_a_running_task_is_refused() -> None:
    script = Script(error(400, "UnsupportedOperation", "Failed to cancel the task"),
                    reply(200, _task_body("RUNNING")))
    client, _ = make_client(script)
    with pytest.raises(E.CannotCancelError) as info:
        run(client.cancel_task("t1"))
    assert isinstance(info.value, E.InvalidParameterError) and info.value.code == "UnsupportedOperation"


def test_cancel_whose_first_answer_was_lost_still_succeeds() -> None:
    script = Script(httpx.ReadTimeout, error(400, "UnsupportedOperation"), reply(200, _task_body("CANCELED")))
    client, _ = make_client(script)
    assert run(client.cancel_task("t1")) is None
    assert len(script.requests) == 3


# -- uploads ------------------------------------------------------------------------------------
POLICY = {"policy": "cG9saWN5", "signature": "c2ln", "upload_dir": "dashscope-instant/abc/2025-01-01/u1",
          "upload_host": "https://upload.oss.test", "expire_in_seconds": 300, "max_file_size_mb": 1,
          "capacity_limit_mb": 999999999, "oss_access_key_id": "LTAIupload", "x_oss_object_acl": "private",
          "x_oss_forbid_overwrite": "true"}


class OssStub:
    """getPolicy on the API host and PostObject on the upload host, scripted per host."""

    def __init__(self, *upload_answers: httpx.Response | type) -> None:
        self.upload_answers = list(upload_answers) or [reply(200, b"")]
        self.policy_calls: list[httpx.Request] = []
        self.uploads: list[tuple[httpx.Request, bytes]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "dashscope.test":
            self.policy_calls.append(request)
            return reply(200, {"request_id": "p", "data": dict(POLICY, upload_dir=f"{POLICY['upload_dir']}"
                                                                                  f"{len(self.policy_calls)}")})
        self.uploads.append((request, request.read()))
        answer = self.upload_answers.pop(0) if len(self.upload_answers) > 1 else self.upload_answers[0]
        if isinstance(answer, type):
            raise answer("scripted", request=request)
        return answer


def _form_fields(request: httpx.Request, body: bytes) -> list[tuple[str, bytes]]:
    ctype = request.headers["Content-Type"]
    boundary = ctype.split("boundary=", 1)[1].encode()
    parts = body.split(b"--" + boundary)
    fields = []
    for part in parts[1:-1]:
        head, _, value = part[2:].partition(b"\r\n\r\n")
        name = head.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
        fields.append((name, value[:-2]))
    assert parts[-1].startswith(b"--")
    return fields


def test_upload_file(tmp_path: Path) -> None:
    src = tmp_path / "我的 portrait.PNG"
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 1200
    src.write_bytes(data)
    stub = OssStub()
    client, _ = make_client(stub)
    seen: list[tuple[int, int]] = []
    up = run(client.upload_file("wan2.2-i2v-plus", src, progress=lambda d, t: seen.append((d, t))))
    (pol_req,) = stub.policy_calls
    assert pol_req.headers["Authorization"] == f"Bearer {KEY}"
    assert dict(pol_req.url.params) == {"action": "getPolicy", "model": "wan2.2-i2v-plus"}
    (req, body) = stub.uploads[0]
    assert str(req.url) == "https://upload.oss.test" and "Authorization" not in req.headers
    assert int(req.headers["Content-Length"]) == len(body)
    fields = _form_fields(req, body)
    names = [n for n, _ in fields]
    assert names == ["OSSAccessKeyId", "Signature", "policy", "key", "x-oss-object-acl", "x-oss-forbid-overwrite",
                     "success_action_status", "x-oss-content-type", "file"]
    values = dict(fields)
    key = values["key"].decode()
    assert key.startswith(POLICY["upload_dir"]) and key.endswith(".PNG") and key.isascii()
    assert values["OSSAccessKeyId"] == b"LTAIupload" and values["success_action_status"] == b"200"
    assert values["x-oss-content-type"] == b"image/png" and values["file"] == data
    assert up.oss_url == f"oss://{key}" and up.size == len(data)
    assert timedelta(hours=47) < up.expires_at - datetime.now(UTC) <= timedelta(hours=48)
    assert seen[-1] == (len(data), len(data)) and all(t == len(data) for _, t in seen)


def test_upload_policy_is_reused_per_model(tmp_path: Path) -> None:
    a = tmp_path / "a.png"
    a.write_bytes(b"a" * 10)
    stub = OssStub()
    client, _ = make_client(stub)
    up1 = run(client.upload_file("emo-v1", a))
    up2 = run(client.upload_file("emo-v1", a))      # same name again: a fresh key, same policy
    assert len(stub.policy_calls) == 1 and up1.oss_url != up2.oss_url
    run(client.upload_file("liveportrait", a))
    assert len(stub.policy_calls) == 2
    client._policies["emo-v1"].fetched -= 1000       # past expire_in_seconds
    run(client.upload_file("emo-v1", a))
    assert len(stub.policy_calls) == 3


def test_upload_errors_are_parsed_from_oss_xml(tmp_path: Path) -> None:
    f = tmp_path / "a.png"
    f.write_bytes(b"x")
    xml = (b'<?xml version="1.0"?><Error><Code>InvalidArgument</Code><Message>Bad form</Message>'
           b"<RequestId>RID1</RequestId></Error>")
    client, _ = make_client(OssStub(reply(400, xml)))
    with pytest.raises(E.UploadError) as info:
        run(client.upload_file("emo-v1", f))
    assert info.value.code == "InvalidArgument" and info.value.message == "Bad form"
    assert info.value.request_id == "RID1" and info.value.http_status == 400


def test_upload_refreshes_an_expired_policy(tmp_path: Path) -> None:
    f = tmp_path / "a.png"
    f.write_bytes(b"x")
    expired = reply(403, b"<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired."
                         b"</Message></Error>")
    stub = OssStub(expired, reply(200, b""))
    client, _ = make_client(stub)
    up = run(client.upload_file("emo-v1", f))
    assert len(stub.policy_calls) == 2 and up.oss_url.startswith(f"oss://{POLICY['upload_dir']}2/")


def test_upload_retries_network_errors_and_accepts_its_own_landed_copy(tmp_path: Path) -> None:
    f = tmp_path / "a.png"
    f.write_bytes(b"x" * 100)
    exists = reply(409, b"<Error><Code>FileAlreadyExists</Code><Message>exists</Message></Error>")
    stub = OssStub(httpx.ConnectError, httpx.ReadTimeout, exists)
    client, sleep = make_client(stub)
    up = run(client.upload_file("emo-v1", f))
    assert len(stub.uploads) == 3 and len(sleep.delays) == 2
    assert up.oss_url.endswith("/a.png")


def test_upload_size_limit_is_checked_before_sending(tmp_path: Path) -> None:
    f = tmp_path / "big.mp4"
    f.write_bytes(b"\0" * (1024 * 1024 + 1))
    stub = OssStub()
    client, _ = make_client(stub)
    with pytest.raises(E.UploadError) as info:
        run(client.upload_file("emo-v1", f))
    assert info.value.code == "FileTooLarge" and stub.uploads == []


def test_resolve_input(tmp_path: Path) -> None:
    stub = OssStub()
    client, _ = make_client(stub)
    for v in ("https://a/b.png", "http://a/b.png", "oss://dashscope-instant/x.png"):
        assert run(client.resolve_input("emo-v1", v, data_uri_ok=False)) == v
    assert run(client.resolve_input("wan2.2-i2v-plus", "data:image/png;base64,AAAA", data_uri_ok=True)).startswith(
        "data:")
    with pytest.raises(ValueError):
        run(client.resolve_input("emo-v1", "data:image/png;base64,AAAA", data_uri_ok=False))
    f = tmp_path / "face one%20.png"
    f.write_bytes(b"img")
    assert run(client.resolve_input("emo-v1", str(f), data_uri_ok=False)).startswith("oss://dashscope-instant/")
    assert run(client.resolve_input("emo-v1", f.as_uri(), data_uri_ok=False)).startswith("oss://")
    assert len(stub.uploads) == 2
    with pytest.raises(FileNotFoundError):
        run(client.resolve_input("emo-v1", str(tmp_path / "missing.png"), data_uri_ok=False))


# -- secrets ------------------------------------------------------------------------------------
def test_key_never_appears_in_errors_or_logs(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    echo = f"Invalid API-key provided: {KEY}"
    answers = [error(401, "InvalidApiKey", echo, request_id=KEY), error(500, "InternalError", echo),
               reply(502, f"<html>{KEY}</html>".encode()), httpx.ReadTimeout(f"timeout {KEY}"),
               httpx.ConnectError(f"refused {KEY}")]
    raised: list[BaseException] = []
    for answer in answers:
        client, _ = make_client(Script(answer), max_retries=0)
        for call in (lambda c: create(c), lambda c: c.get_task("t1"), lambda c: c.list_tasks(),
                     lambda c: c.cancel_task("t1"),
                     lambda c: c.call_sync("emo-detect-v1", {"image_url": "https://a"}, {}, endpoint=FACE,
                                           detect_rule="check_pass")):
            with pytest.raises(E.DashScopeError) as info:
                run(call(client))
            raised.append(info.value)
    f = tmp_path / "a.png"
    f.write_bytes(b"x")
    client, _ = make_client(OssStub(reply(400, f"<Error><Code>X</Code><Message>{KEY}</Message></Error>".encode())))
    with pytest.raises(E.UploadError) as info:
        run(client.upload_file("emo-v1", f))
    raised.append(info.value)
    for exc in raised:
        chain: BaseException | None = exc
        while chain is not None:
            if isinstance(chain, E.DashScopeError):
                for text in (str(chain), repr(chain), str(chain.explain()), chain.explain().both()):
                    assert KEY not in text
            chain = chain.__cause__ if chain.__cause__ is not chain else None
    for rec in caplog.records:
        assert KEY not in rec.getMessage()
        assert "Bearer" not in rec.getMessage()
    assert any(r.name == "bailian_video.api" for r in caplog.records)


def test_parse_retry_after() -> None:
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("-3") == 0.0
