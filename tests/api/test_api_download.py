"""Downloads against a real local HTTP server: resume, truncation, expiry, atomic rename, no key."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from api_helpers import KEY, FakeSleep, FileServer, payload, run

from bailian_video.api import errors as E
from bailian_video.api.client import DashScopeClient

SIZE = 1_000_003


def client(**kw) -> tuple[DashScopeClient, FakeSleep]:
    """A client whose API is on loopback too (port 9, never called), as with the sandbox: against the
    real service, result links on this computer are refused (see test_api_hostile.py)."""
    sleep = FakeSleep()
    kw.setdefault("max_retries", 3)
    return DashScopeClient(KEY, base_url="http://127.0.0.1:9/api/v1", sleep=sleep, transport=no_keepalive(),
                           **kw), sleep


def no_keepalive() -> httpx.AsyncHTTPTransport:
    """Each test runs its own event loop and does not close its client: a connection kept alive in
    the pool would outlive the loop and fail the test with an unclosed-socket warning."""
    return httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))


def _no_key(server: FileServer) -> None:
    for r in server.requests:
        assert "Authorization" not in r["headers"] and "authorization" not in r["headers"]
        assert KEY not in str(r["headers"])


def test_plain_download(file_server: FileServer, tmp_path: Path) -> None:
    data = payload(SIZE)
    file_server.files["/r/a.mp4"] = data
    c, _ = client()
    dest = tmp_path / "out" / "a.mp4"
    seen: list[tuple[int, int | None]] = []
    got = run(c.download(file_server.url("/r/a.mp4") + "?Expires=1&Signature=x", dest,
                         progress=lambda d, t: seen.append((d, t)), chunk_size=64 * 1024))
    assert got == dest and dest.read_bytes() == data
    assert not dest.with_name("a.mp4.part").exists()
    assert seen[-1] == (SIZE, SIZE) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(file_server.requests) == 1 and "Range" not in file_server.requests[0]["headers"]
    _no_key(file_server)


def test_resumes_an_existing_part(file_server: FileServer, tmp_path: Path) -> None:
    data = payload(SIZE)
    file_server.files["/r/b.mp4"] = data
    dest = tmp_path / "b.mp4"
    dest.with_name("b.mp4.part").write_bytes(data[:400_000])
    c, _ = client()
    run(c.download(file_server.url("/r/b.mp4"), dest))
    assert dest.read_bytes() == data
    assert file_server.requests[0]["headers"]["Range"] == "bytes=400000-"
    _no_key(file_server)


def test_server_ignoring_range_restarts_from_zero(file_server: FileServer, tmp_path: Path) -> None:
    data = payload(SIZE)
    file_server.files["/r/c.mp4"] = data
    file_server.ignore_range = True
    dest = tmp_path / "c.mp4"
    dest.with_name("c.mp4.part").write_bytes(b"garbage that must not survive")
    c, _ = client()
    run(c.download(file_server.url("/r/c.mp4"), dest))
    assert dest.read_bytes() == data


def test_truncated_body_is_resumed(file_server: FileServer, tmp_path: Path) -> None:
    data = payload(SIZE)
    file_server.files["/r/d.mp4"] = data
    file_server.truncate_once.add("/r/d.mp4")
    dest = tmp_path / "d.mp4"
    c, sleep = client()
    run(c.download(file_server.url("/r/d.mp4"), dest))
    assert dest.read_bytes() == data
    assert len(file_server.requests) == 2 and len(sleep.delays) == 1
    assert file_server.requests[1]["headers"]["Range"] == f"bytes={SIZE // 2}-"
    assert file_server.requests[1]["headers"].get("If-Range") == '"etag-1"'
    _no_key(file_server)


def test_server_errors_are_retried(file_server: FileServer, tmp_path: Path) -> None:
    data = payload(5000)
    file_server.files["/r/e.mp4"] = data
    file_server.fail_once["/r/e.mp4"] = 503
    c, sleep = client()
    run(c.download(file_server.url("/r/e.mp4"), tmp_path / "e.mp4"))
    assert (tmp_path / "e.mp4").read_bytes() == data and len(sleep.delays) == 1


@pytest.mark.parametrize("status", [403, 404, 410])
def test_expired_link_keeps_the_part(file_server: FileServer, tmp_path: Path, status: int) -> None:
    file_server.status["/r/f.mp4"] = status
    dest = tmp_path / "f.mp4"
    part = dest.with_name("f.mp4.part")
    part.write_bytes(b"12345")
    c, sleep = client()
    with pytest.raises(E.DownloadError) as info:
        run(c.download(file_server.url("/r/f.mp4"), dest))
    err = info.value
    assert err.expired and err.http_status == status and err.bytes_written == 5
    assert err.code == "AccessDenied" and "expired" in err.message
    assert part.read_bytes() == b"12345" and not dest.exists() and sleep.delays == []


def test_missing_object_is_expired(file_server: FileServer, tmp_path: Path) -> None:
    c, _ = client()
    with pytest.raises(E.DownloadError) as info:
        run(c.download(file_server.url("/r/nothing.mp4"), tmp_path / "n.mp4"))
    assert info.value.expired and info.value.code == "NoSuchKey"


def test_gives_up_after_max_retries_without_losing_bytes(file_server: FileServer, tmp_path: Path) -> None:
    file_server.status["/r/g.mp4"] = 500
    c, sleep = client(max_retries=2)
    dest = tmp_path / "g.mp4"
    with pytest.raises(E.DownloadError) as info:
        run(c.download(file_server.url("/r/g.mp4"), dest))
    assert not info.value.expired and len(sleep.delays) == 2 and not dest.exists()


def test_complete_part_is_finished_without_refetching(file_server: FileServer, tmp_path: Path) -> None:
    data = payload(3000)
    file_server.files["/r/h.mp4"] = data
    dest = tmp_path / "h.mp4"
    dest.with_name("h.mp4.part").write_bytes(data)
    c, _ = client()
    run(c.download(file_server.url("/r/h.mp4"), dest))          # 416 with bytes */3000 → already complete
    assert dest.read_bytes() == data
    dest.unlink()
    dest.with_name("h.mp4.part").write_bytes(data)
    n = len(file_server.requests)
    run(c.download(file_server.url("/r/h.mp4"), dest, expected_size=len(data)))
    assert dest.read_bytes() == data and len(file_server.requests) == n


def test_expected_size_mismatch(file_server: FileServer, tmp_path: Path) -> None:
    file_server.files["/r/i.mp4"] = payload(3000)
    c, _ = client()
    with pytest.raises(E.DownloadError) as info:
        run(c.download(file_server.url("/r/i.mp4"), tmp_path / "i.mp4", expected_size=2000))
    assert info.value.code == "SizeMismatch" and not (tmp_path / "i.mp4").exists()


def test_connection_refused_is_retried_then_reported(tmp_path: Path) -> None:
    c, sleep = client(max_retries=1)
    with pytest.raises(E.DownloadError) as info:
        run(c.download("http://127.0.0.1:9/r/x.mp4", tmp_path / "x.mp4"))
    assert not info.value.expired and len(sleep.delays) == 1


def test_download_never_sends_the_key_even_to_the_base_host(file_server: FileServer, tmp_path: Path) -> None:
    file_server.files["/api/v1/result.mp4"] = payload(100)
    sleep = FakeSleep()
    c = DashScopeClient(KEY, base_url=file_server.url("/api/v1"), sleep=sleep, transport=no_keepalive())
    run(c.download(file_server.url("/api/v1/result.mp4"), tmp_path / "r.mp4"))
    _no_key(file_server)
