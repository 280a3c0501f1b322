"""A hostile or broken server cannot hurt the machine: huge answers, huge or endless downloads, links
into the local network, terminal escape sequences, and the wording of a task the service failed."""
from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import BASE, KEY, Script, error, make_client, reply, run, serving

from bailian_video.api import errors as E
from bailian_video.api.client import MAX_ANSWER_BYTES, DashScopeClient
from bailian_video.api.types import TaskInfo

MB = 1024 * 1024
ENDPOINT = "services/aigc/video-generation/video-synthesis"
ESCAPES = "\x1b[31mRED\x1b[0m \x1b]0;PWNED-TITLE\x07\x1b[2J\x07\x9b1m\u202eevil\r\nsecond line\tend"


# -- a programmable server on loopback ----------------------------------------------------------
Route = Callable[[BaseHTTPRequestHandler], None]


class Evil:
    """A real HTTP server on 127.0.0.1 whose answers are functions of the request path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _send_headers(h: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    h.send_response(status)
    for k, v in headers.items():
        h.send_header(k, v)
    h.end_headers()


def _write_quietly(h: BaseHTTPRequestHandler, data: bytes) -> bool:
    try:
        h.wfile.write(data)
        return True
    except (BrokenPipeError, ConnectionResetError):
        h.close_connection = True
        return False


def body_route(data: bytes, status: int = 200, headers: dict[str, str] | None = None,
               declare_length: bool = True) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        if declare_length:
            hdrs.setdefault("Content-Length", str(len(data)))
        else:
            hdrs["Connection"] = "close"       # length = until the connection closes
            h.close_connection = True
        _send_headers(h, status, hdrs)
        for i in range(0, len(data), 64 * 1024):
            if not _write_quietly(h, data[i:i + 64 * 1024]):
                return
    return route


def endless_route(limit: int = 64 * MB, content_type: str = "video/mp4") -> Route:
    """Streams ``limit`` bytes with no Content-Length (a client without a cap reads them all)."""
    def route(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        _send_headers(h, 200, {"Content-Type": content_type, "Connection": "close"})
        chunk = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (64 * 1024 - 16)
        sent = 0
        while sent < limit and _write_quietly(h, chunk):
            sent += len(chunk)
    return route


@pytest.fixture
def evil() -> Iterator[Evil]:
    state = Evil()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            path = self.path.split("?", 1)[0]
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                self.rfile.read(n)
            state.hits.append(path)
            route = state.routes.get(path)
            if route is None:
                body_route(b'{"code":"NotFound","message":"no route"}', 404)(self)
            else:
                route(self)

        do_GET = _serve
        do_POST = _serve

    with serving(Handler) as port:
        state.port = port
        yield state


def with_client(evil: Evil, fn: Callable[[DashScopeClient], Any], **kw: Any) -> Any:
    """Run ``fn(client)`` against the evil server (as the API), closing the client in the same loop."""
    async def go() -> Any:
        c = DashScopeClient(KEY, base_url=evil.url("/api/v1"), max_retries=kw.pop("max_retries", 2),
                            sleep=lambda s: asyncio.sleep(0), **kw)
        try:
            return await fn(c)
        finally:
            await c.aclose()
    return run(go())


def task_json(pad: int = 0, status: str = "RUNNING", **output: Any) -> bytes:
    body = {"request_id": "rid-1", "output": {"task_id": "t-1", "task_status": status, **output}}
    if pad:
        body["padding"] = "x" * pad
    return json.dumps(body).encode()


# -- API answers are capped ---------------------------------------------------------------------
@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "until-close"])
def test_a_20_mb_json_answer_is_refused_not_read(evil, declare_length):
    evil.routes["/api/v1/tasks/t-1"] = body_route(task_json(pad=20 * MB), declare_length=declare_length)
    with pytest.raises(E.ResponseTooLargeError) as info:
        with_client(evil, lambda c: c.get_task("t-1"))
    err = info.value
    assert isinstance(err, E.ServerError) and err.code == "ResponseTooLarge"
    assert "larger than 8 MB" in err.message and "abnormally large" in err.explain().en
    assert evil.hits == ["/api/v1/tasks/t-1"]          # asking again would only read the flood again


def test_a_compressed_answer_is_capped_after_decompression(evil):
    bomb = gzip.compress(task_json(pad=20 * MB))
    assert len(bomb) < MB
    evil.routes["/api/v1/tasks/t-1"] = body_route(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(E.ResponseTooLargeError):
        with_client(evil, lambda c: c.get_task("t-1"))


def test_answers_under_the_cap_still_work_compressed_or_not(evil):
    evil.routes["/api/v1/tasks/t-1"] = body_route(task_json(pad=MB))
    evil.routes["/api/v1/tasks/t-2"] = body_route(gzip.compress(task_json(pad=MB, status="SUCCEEDED")),
                                                  headers={"Content-Encoding": "gzip", "Date": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert with_client(evil, lambda c: c.get_task("t-1")).raw_status == "RUNNING"
    assert with_client(evil, lambda c: c.get_task("t-2")).raw_status == "SUCCEEDED"
    assert MAX_ANSWER_BYTES == 8 * MB


def test_a_huge_answer_to_a_submission_is_a_doubt_not_a_failure(evil):
    """The flood may have held a task id: the caller must reconcile, never resubmit blindly."""
    evil.routes["/api/v1/" + ENDPOINT] = body_route(task_json(pad=20 * MB))
    with pytest.raises(E.SubmissionUncertainError) as info:
        with_client(evil, lambda c: c.create_task("wan2.2-t2v-plus", {"prompt": "x"}, {}, endpoint=ENDPOINT))
    assert isinstance(info.value.cause, E.ResponseTooLargeError)
    assert evil.hits == ["/api/v1/" + ENDPOINT]


def test_the_cap_is_a_setting(evil):
    evil.routes["/api/v1/tasks/t-1"] = body_route(task_json(pad=200 * 1024))
    with pytest.raises(E.ResponseTooLargeError):
        with_client(evil, lambda c: c.get_task("t-1"), max_answer_bytes=100 * 1024)


# -- downloads are capped -----------------------------------------------------------------------
def download(evil: Evil, path: str, dest: Path, **kw: Any) -> Path:
    return with_client(evil, lambda c: c.download(evil.url(path), dest, **kw))


def test_a_declared_size_over_the_limit_is_refused_before_reading(evil, tmp_path):
    def lying(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        _send_headers(h, 200, {"Content-Type": "video/mp4", "Content-Length": str(5 * 1024 ** 3),
                               "Connection": "close"})
        _write_quietly(h, b"\x00" * 4096)
    evil.routes["/r/lying.mp4"] = lying
    dest = tmp_path / "out.mp4"
    with pytest.raises(E.DownloadError) as info:
        download(evil, "/r/lying.mp4", dest)               # the default limit: 4 GiB
    err = info.value
    assert err.code == "TooLarge" and err.permanent and not err.expired
    assert "5.0 GiB" in err.message and "4.0 GiB" in err.message
    assert "over the size limit" in err.explain().en and "partial file removed" in err.explain().en
    assert not dest.exists() and not dest.with_name("out.mp4.part").exists()
    assert evil.hits == ["/r/lying.mp4"]                 # not retried


def test_an_endless_body_stops_at_the_limit_and_the_part_is_removed(evil, tmp_path):
    evil.routes["/r/endless.mp4"] = endless_route()
    dest = tmp_path / "out.mp4"
    with pytest.raises(E.DownloadError) as info:
        download(evil, "/r/endless.mp4", dest, max_bytes=2 * MB, chunk_size=64 * 1024)
    assert info.value.code == "TooLarge" and info.value.bytes_written == 0
    assert "past the 2 MiB limit" in info.value.message
    assert not dest.exists() and not dest.with_name("out.mp4.part").exists()
    assert evil.hits == ["/r/endless.mp4"]


def test_a_resumed_range_whose_total_is_over_the_limit_is_refused(evil, tmp_path):
    def huge_total(h: BaseHTTPRequestHandler) -> None:
        _send_headers(h, 206, {"Content-Type": "video/mp4", "Content-Length": "10",
                               "Content-Range": f"bytes 100-109/{10 * 1024 ** 3}"})
        _write_quietly(h, b"0123456789")
    evil.routes["/r/range.mp4"] = huge_total
    dest = tmp_path / "out.mp4"
    dest.with_name("out.mp4.part").write_bytes(b"\x00" * 100)
    with pytest.raises(E.DownloadError) as info:
        download(evil, "/r/range.mp4", dest)
    assert info.value.code == "TooLarge"
    assert not dest.with_name("out.mp4.part").exists()


def test_an_expected_size_over_the_limit_is_refused_without_a_request(evil, tmp_path):
    evil.routes["/r/x.mp4"] = body_route(b"x" * 10, headers={"Content-Type": "video/mp4"})
    with pytest.raises(E.DownloadError) as info:
        download(evil, "/r/x.mp4", tmp_path / "x.mp4", expected_size=3 * MB, max_bytes=MB)
    assert info.value.code == "TooLarge" and evil.hits == []


def test_a_file_within_the_limit_downloads(evil, tmp_path):
    data = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4096
    evil.routes["/r/ok.mp4"] = body_route(data, headers={"Content-Type": "video/mp4"})
    got = download(evil, "/r/ok.mp4", tmp_path / "ok.mp4", max_bytes=len(data))
    assert got.read_bytes() == data


# -- result links against the real service (unit: one function, through MockTransport) ----------
UNSAFE = ["http://127.0.0.1:8080/admin/secret", "http://localhost/x.mp4", "http://[::1]/x.mp4",
          "http://10.1.2.3/x.mp4", "http://172.16.0.9/x.mp4", "http://192.168.1.1/x.mp4",
          "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/x.mp4", "http://[fe80::1]/x.mp4",
          "http://0.0.0.0/x.mp4", "http://127.1/x.mp4", "http://2130706433/x.mp4", "http://[::ffff:127.0.0.1]/x",
          "https://100.64.0.1/x.mp4"]


@pytest.mark.parametrize("url", UNSAFE)
def test_links_into_this_computer_or_a_private_network_are_refused(tmp_path, url):
    script = Script(reply(200, b"secret admin page"))
    c, _ = make_client(script)                     # base URL: https://dashscope.test (the "real" service)
    dest = tmp_path / "v.mp4"
    with pytest.raises(E.DownloadError) as info:
        run(c.download(url, dest))
    err = info.value
    assert err.code == "UnsafeURL" and err.permanent and not err.expired
    assert "unusable video link" in err.explain().en and "无法使用的视频链接" in err.explain().zh
    assert script.requests == []
    assert not dest.exists() and not dest.with_name("v.mp4.part").exists()


@pytest.mark.parametrize("url", ["ftp://dashscope-result.example.com/x.mp4", "file:///etc/passwd",
                                 "gopher://example.com/x", "not a url at all"])
def test_links_that_are_not_http_are_refused(tmp_path, url):
    script = Script(reply(200, b"x"))
    c, _ = make_client(script)
    with pytest.raises(E.DownloadError) as info:
        run(c.download(url, tmp_path / "v.mp4"))
    assert info.value.code == "BadURL" and info.value.permanent and script.requests == []
    assert not (tmp_path / "v.mp4.part").exists()


def test_a_public_link_is_fetched(tmp_path):
    url = "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1d/ab/out.mp4?Expires=1&Signature=x"
    script = Script(reply(200, b"\x00\x00\x00\x18ftypmp42" + b"v" * 100, {"Content-Type": "video/mp4"}))
    c, _ = make_client(script)
    run(c.download(url, tmp_path / "v.mp4"))
    assert (tmp_path / "v.mp4").stat().st_size == 112
    assert "authorization" not in script.requests[0].headers


def test_a_redirect_into_the_local_network_is_refused_before_it_is_followed(tmp_path):
    script = Script(reply(302, b"", {"Location": "http://127.0.0.1:9999/admin/secret"}),
                    reply(200, b"secret admin page"))
    c, _ = make_client(script)
    with pytest.raises(E.DownloadError) as info:
        run(c.download("https://dashscope-result.example.com/out.mp4", tmp_path / "v.mp4"))
    assert info.value.code == "UnsafeURL"
    assert [str(r.url) for r in script.requests] == ["https://dashscope-result.example.com/out.mp4"]


def test_a_redirect_to_another_public_host_is_followed_without_the_key(tmp_path):
    script = Script(reply(302, b"", {"Location": "https://cdn.example.com/out.mp4"}),
                    reply(200, b"\x00\x00\x00\x18ftypmp42", {"Content-Type": "video/mp4"}))
    c, _ = make_client(script)
    run(c.download("https://dashscope-result.example.com/out.mp4", tmp_path / "v.mp4"))
    assert [r.url.host for r in script.requests] == ["dashscope-result.example.com", "cdn.example.com"]
    assert all("authorization" not in r.headers for r in script.requests)


def test_a_redirect_loop_ends(tmp_path):
    script = Script(reply(302, b"", {"Location": "https://dashscope-result.example.com/again"}))
    c, _ = make_client(script)
    with pytest.raises(E.DownloadError) as info:
        run(c.download("https://dashscope-result.example.com/out.mp4", tmp_path / "v.mp4"))
    assert info.value.code == "TooManyRedirects" and len(script.requests) == 11


def test_against_the_sandbox_on_loopback_local_links_are_its_own(evil, tmp_path):
    evil.routes["/r/v.mp4"] = body_route(b"\x00\x00\x00\x18ftypmp42", headers={"Content-Type": "video/mp4"})
    assert download(evil, "/r/v.mp4", tmp_path / "v.mp4").exists()


# -- escape sequences from the service ----------------------------------------------------------
def _no_controls(text: str) -> None:
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\r\n\t"), repr(text)


def test_escape_sequences_in_an_error_answer_never_reach_the_exception(evil):
    body = json.dumps({"code": "InvalidParameter\x1b[31m", "message": ESCAPES, "request_id": "rid\x1b[2J-1"})
    evil.routes["/api/v1/tasks/t-1"] = body_route(body.encode(), status=400)
    with pytest.raises(E.InvalidParameterError) as info:
        with_client(evil, lambda c: c.get_task("t-1"))
    err = info.value
    for text in (str(err), repr(err), err.code or "", err.message, err.request_id or "",
                 err.explain().en, err.explain().zh):
        _no_controls(text)
    assert err.code == "InvalidParameter" and err.request_id == "rid-1"
    assert err.message == "RED evil second line end"


def test_escape_sequences_in_a_failed_task_never_reach_its_record():
    body = json.loads(task_json(status="FAILED", code="InternalError.Algo\x1b[5m", message=ESCAPES))
    info = TaskInfo.from_response(body)
    assert info.code == "InternalError.Algo"
    _no_controls(info.message or "")
    _no_controls(E.explain_task_failure(info.code, info.message, info.request_id).en)


@pytest.mark.parametrize("raw,clean", [
    ("X\x1b[31mRED", "XRED"),
    ("\x1b]0;PWNED-TITLE\x07\x1b[2J", ""),
    ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
    ("bell\x07 del\x7f c1\x85 nul\x00", "bell del c1 nul"),
    ("two\nlines\r\n\tindented", "two lines indented"),
    ("普通中文 message", "普通中文 message"),
])
def test_strip_control(raw, clean):
    assert E.strip_control(raw) == clean


def test_escape_sequences_in_mock_answers_to_a_submission(tmp_path):
    script = Script(error(400, "InvalidParameter", ESCAPES))
    c, _ = make_client(script)
    with pytest.raises(E.InvalidParameterError) as info:
        run(c.create_task("wan2.2-t2v-plus", {"prompt": "x"}, {}, endpoint=ENDPOINT))
    _no_controls(str(info.value))


# -- a task the service ended as FAILED is not "retried automatically" --------------------------
@pytest.mark.parametrize("code", ["InternalError.Algo", "InternalError", "InternalError.Timeout", "SystemError",
                                  "ModelUnavailable", "RequestTimeOut", "Throttling", "SomethingNew", None])
def test_a_failed_task_is_never_said_to_be_retried(code):
    message = "image file is truncated"
    for text in (E.explain_task_failure(code, message, "rid-9"),
                 E.classify(200, code, message, "rid-9", None, task_failed=True).explain()):
        assert "retried automatically" not in text.en and "retries automatically" not in text.en
        assert "retry automatically" not in text.en and "会自动重试" not in text.zh.replace("不会自动重试", "")
        assert text.en.startswith("The generation failed on the service's side (")
        assert "generating again is charged as a new task" in text.en and "rid-9" in text.en
        assert text.zh.startswith("生成失败（服务端错误：") and "重新生成会按新任务计费" in text.zh


def test_a_failed_task_the_person_can_fix_keeps_its_own_advice():
    text = E.explain_task_failure("DataInspectionFailed", "bad content", None)
    assert "content safety" in text.en
    text = E.explain_task_failure("InvalidParameter.FileFormat", "bad image", None)
    assert "bad image" in text.en and "retried" not in text.en


def test_a_server_error_on_a_request_still_says_it_is_retried():
    """Only task outcomes change: a 500 to a request is retried, and says so."""
    err = E.classify(500, "InternalError", "boom", None)
    assert not err.task_failed and "retried automatically" in err.explain().en


def test_client_check_result_url_is_public(tmp_path):
    c, _ = make_client(Script(reply(200, b"")))
    assert c.check_result_url("https://oss.example.com/a.mp4").host == "oss.example.com"
    with pytest.raises(E.DownloadError):
        c.check_result_url("http://192.168.0.1/a.mp4")
    loop_client = DashScopeClient(KEY, base_url="http://127.0.0.1:1/api/v1",
                                  transport=httpx.MockTransport(lambda r: reply(200, b"")))
    assert loop_client.check_result_url("http://192.168.0.1/a.mp4").host == "192.168.0.1"
    assert BASE.startswith("https://")


# -- uploads: the storage host the service names ------------------------------------------------
def _policy_then(upload_host: str, upload_answer: httpx.Response) -> Script:
    policy = {"policy": "cG9saWN5", "signature": "c2ln", "upload_dir": "dashscope-instant/abc/u1",
              "upload_host": upload_host, "expire_in_seconds": 300, "oss_access_key_id": "LTAIupload"}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "dashscope.test":
            return reply(200, {"request_id": "p", "data": policy})
        return upload_answer
    return Script(answer)


@pytest.mark.parametrize("host", ["http://127.0.0.1:8080", "http://192.168.1.10", "https://[fd00::5]"])
def test_an_upload_host_in_the_local_network_is_refused(tmp_path, host):
    script = _policy_then(host, reply(200, b""))
    c, _ = make_client(script)
    f = tmp_path / "a.png"
    f.write_bytes(b"\x89PNG" + b"x" * 100)
    with pytest.raises(E.UploadError) as info:
        run(c.upload_file("wan2.2-i2v-plus", f))
    assert info.value.code == "BadUploadHost"
    assert [r.url.host for r in script.requests] == ["dashscope.test"]      # the policy only; no file posted


def test_a_huge_upload_answer_is_not_read_whole(tmp_path):
    xml = (b"<?xml version=\"1.0\"?><Error><Code>InvalidArgument</Code><Message>bad</Message>"
           + b"<Pad>" + b"x" * (20 * MB) + b"</Pad></Error>")
    script = _policy_then("https://upload.oss.test", reply(400, xml))
    c, _ = make_client(script)
    f = tmp_path / "a.png"
    f.write_bytes(b"\x89PNG" + b"x" * 100)
    with pytest.raises(E.UploadError) as info:
        run(c.upload_file("wan2.2-i2v-plus", f))
    assert info.value.http_status == 400 and len(info.value.message) < 1000
