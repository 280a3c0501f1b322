"""The API key: trimmed, refused when it cannot be a key, and never sent in clear text to another host."""
from __future__ import annotations

import logging

import httpx
import pytest
from api_helpers import KEY, FileServer, Script, created, make_client, reply, run

from bailian_video import keys
from bailian_video.api import errors as E
from bailian_video.api.client import ALLOW_HTTP_ENV, DashScopeClient, is_loopback_host

BAD_INSIDE = [KEY[:10] + "\n" + KEY[10:], KEY + "\nX-Injected: 1", KEY[:5] + " " + KEY[5:], KEY[:8] + "\t" + KEY[8:],
              KEY[:6] + "\x00" + KEY[6:], KEY[:6] + "\u200b" + KEY[6:], KEY[:6] + "\r\n" + KEY[6:],
              KEY[:6] + "\x1b[2J" + KEY[6:], KEY[:4] + "\u00a0" + KEY[4:]]
NON_ASCII = ["ｓｋ-" + KEY[3:], KEY[:-1] + "é", "sk-密钥0123456789"]


# -- keys.check_key -------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [f"  {KEY}  ", f"\n{KEY}\n", f"\t{KEY}\r\n", f"\u200b{KEY}\ufeff", f"\ufeff{KEY}"])
def test_surrounding_spaces_and_invisible_characters_are_trimmed(raw):
    assert keys.check_key(raw) == KEY


@pytest.mark.parametrize("raw", BAD_INSIDE)
def test_spaces_line_breaks_or_invisible_characters_inside_are_refused(raw):
    with pytest.raises(E.InvalidKeyFormatError) as info:
        keys.check_key(raw)
    err = info.value
    assert isinstance(err, E.AuthenticationError) and err.code == "InvalidKeyFormat"
    assert err.explain().en == ("This is not a valid API key (it contains spaces, line breaks or invisible "
                                "characters); copy it again from the Model Studio console.")
    assert err.explain().zh == "这不是有效的 API Key（包含空格、换行或不可见字符）；请从百炼控制台重新复制。"
    for text in (str(err), repr(err), err.explain().en, err.explain().zh, err.message):
        assert KEY[10:] not in text and KEY[:10] not in text


@pytest.mark.parametrize("raw", NON_ASCII)
def test_full_width_or_other_non_ascii_characters_are_refused(raw):
    with pytest.raises(E.InvalidKeyFormatError) as info:
        keys.check_key(raw)
    assert "non-ASCII" in info.value.explain().en and "Model Studio console" in info.value.explain().en
    assert "全角" in info.value.explain().zh


@pytest.mark.parametrize("raw", [None, "", "   ", "\n\u200b"])
def test_an_empty_key_is_no_key(raw):
    with pytest.raises(E.AuthenticationError) as info:
        keys.check_key(raw)
    assert info.value.code == "NoApiKey" and not isinstance(info.value, E.InvalidKeyFormatError)


def test_sandbox_and_test_shaped_keys_pass():
    for k in ("sk-sandbox-local", "sk-bench", "sk-test-123456", "sk-0123456789abcdef0123456789abcdef"):
        assert keys.check_key(k) == k


# -- the client -----------------------------------------------------------------------------------
def test_the_client_sends_the_trimmed_key():
    script = Script(reply(200, {"output": {"task_id": "t", "task_status": "RUNNING"}, "request_id": "r"}))
    c, _ = make_client(script, api_key=f"\u200b {KEY}\n")
    run(c.get_task("t"))
    assert script.requests[0].headers["Authorization"] == f"Bearer {KEY}"


def test_a_key_with_a_line_break_fails_at_once_as_an_invalid_key_not_as_a_network_doubt():
    """M8: it used to end in 'checking whether the submission went through' forever."""
    script = Script(created())
    c, sleep = make_client(script, api_key=KEY + "\nX-Injected: 1")
    assert c.key_error is not None and c.has_key is False
    with pytest.raises(E.InvalidKeyFormatError) as info:
        run(c.create_task("wan2.2-t2v-plus", {"prompt": "x"}, {}, endpoint="services/aigc/video-generation/video-synthesis"))
    assert not isinstance(info.value, E.SubmissionUncertainError)
    with pytest.raises(E.InvalidKeyFormatError):
        run(c.get_task("t-1"))
    with pytest.raises(E.InvalidKeyFormatError):
        run(c.list_tasks())
    assert script.requests == [] and sleep.delays == []
    assert "X-Injected" not in repr(c)


def test_a_bad_key_never_reaches_a_real_server(file_server: FileServer):
    c = DashScopeClient(KEY[:9] + "\n" + KEY[9:], base_url=file_server.url("/api/v1"), max_retries=0)

    async def go() -> None:
        try:
            with pytest.raises(E.InvalidKeyFormatError):
                await c.create_task("wan2.2-t2v-plus", {"prompt": "x"}, {},
                                    endpoint="services/aigc/video-generation/video-synthesis")
        finally:
            await c.aclose()

    run(go())
    assert file_server.requests == []


# -- plain http -----------------------------------------------------------------------------------
@pytest.mark.parametrize("base", ["http://dashscope.example.com/api/v1", "http://10.0.0.8:8080/api/v1",
                                  "http://localhost.evil.example/api/v1", "http://127.0.0.1.nip.io/api/v1",
                                  "http://[2001:db8::1]/api/v1"])
def test_plain_http_to_another_host_is_refused(base):
    with pytest.raises(E.InsecureConnectionError) as info:
        DashScopeClient(KEY, base_url=base)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, E.DashScopeError) and err.code == "InsecureHttp"
    host = httpx.URL(base).host
    assert err.explain().en == (f"Refusing to send the API key in clear text (http) to {host}; use https, or set "
                                "BAILIAN_VIDEO_ALLOW_HTTP=1 for a trusted corporate proxy.")
    assert err.explain().zh == (f"不会把 API Key 以明文 http 发送到 {host}；请使用 https，或设置 "
                                "BAILIAN_VIDEO_ALLOW_HTTP=1（仅限公司代理等可信网络）。")
    assert str(err) == err.explain().en and KEY not in str(err)


def test_the_environment_base_url_is_checked_too(monkeypatch):
    monkeypatch.setenv("DASHSCOPE_HTTP_BASE_URL", "http://proxy.corp.example/api/v1")
    with pytest.raises(E.InsecureConnectionError):
        DashScopeClient(KEY)


@pytest.mark.parametrize("base", ["http://127.0.0.1:8000/api/v1", "http://localhost:9/api/v1", "http://[::1]:9/api/v1",
                                  "http://127.9.8.7/api/v1", "https://dashscope.aliyuncs.com/api/v1",
                                  "https://10.0.0.8/api/v1"])
def test_https_anywhere_and_http_to_this_computer_are_fine(base):
    run(DashScopeClient(KEY, base_url=base).aclose())


@pytest.mark.parametrize("value", ["1", "true", "yes", "ON"])
def test_the_opt_in_for_a_trusted_proxy(monkeypatch, caplog, value):
    monkeypatch.setenv(ALLOW_HTTP_ENV, value)
    with caplog.at_level(logging.WARNING, logger="bailian_video.api"):
        c = DashScopeClient(KEY, base_url="http://proxy.corp.example/api/v1")
    run(c.aclose())
    assert "plain http to proxy.corp.example" in caplog.text and KEY not in caplog.text


@pytest.mark.parametrize("value", ["0", "", "no"])
def test_the_opt_in_must_be_explicit(monkeypatch, value):
    monkeypatch.setenv(ALLOW_HTTP_ENV, value)
    with pytest.raises(E.InsecureConnectionError):
        DashScopeClient(KEY, base_url="http://proxy.corp.example/api/v1")


def test_the_opt_in_as_a_parameter():
    run(DashScopeClient(KEY, base_url="http://proxy.corp.example/api/v1", allow_http=True).aclose())
    with pytest.raises(E.InsecureConnectionError):
        DashScopeClient(KEY, base_url="http://proxy.corp.example/api/v1", allow_http=False)


def test_loopback_is_decided_without_dns():
    for host in ("localhost", "LOCALHOST.", "127.0.0.1", "127.1", "2130706433", "::1", "[::1]", "::ffff:127.0.0.1"):
        assert is_loopback_host(host), host
    for host in ("", None, "10.0.0.1", "localhost.example.com", "dashscope.aliyuncs.com", "::2", "128.0.0.1"):
        assert not is_loopback_host(host), host


def test_a_refused_client_leaves_nothing_open():
    """The check runs before the HTTP client exists, so a refusal leaks no connection pool."""
    with pytest.raises(E.InsecureConnectionError):
        DashScopeClient(KEY, base_url="http://dashscope.example.com/api/v1")
