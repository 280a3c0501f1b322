"""Temporary uploads (getPolicy + OSS PostObject + oss://) and the result host (signed URLs, ranges)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import httpx

from bailian_video.sandbox.testing import auth_headers, create, running_sandbox, wait_task

I2V = "wan2.2-i2v-flash"


def policy(client, model=I2V) -> dict:
    r = client.get("/uploads", params={"action": "getPolicy", "model": model}, headers=auth_headers())
    assert r.status_code == 200, r.text
    return r.json()["data"]


def post_object(pol: dict, name: str, data: bytes, *, key: str | None = None, headers: dict | None = None,
                **override: str) -> httpx.Response:
    form = {"OSSAccessKeyId": pol["oss_access_key_id"], "Signature": pol["signature"], "policy": pol["policy"],
            "key": key or f"{pol['upload_dir']}/{name}", "x-oss-object-acl": pol["x_oss_object_acl"],
            "x-oss-forbid-overwrite": pol["x_oss_forbid_overwrite"], "success_action_status": "200",
            "x-oss-content-type": "image/png", **override}
    return httpx.post(pol["upload_host"], data=form, files={"file": (name, data, "image/png")},
                      headers=headers or {}, timeout=30)


def oss_code(r: httpx.Response) -> str:
    return ET.fromstring(r.content).findtext("Code") or ""


def test_policy_shape(client, sandbox):
    body = client.get("/uploads", params={"action": "getPolicy", "model": I2V}, headers=auth_headers()).json()
    assert set(body) == {"request_id", "data"}
    data = body["data"]
    assert set(data) == {"policy", "signature", "upload_dir", "upload_host", "expire_in_seconds", "max_file_size_mb",
                         "capacity_limit_mb", "oss_access_key_id", "x_oss_object_acl", "x_oss_forbid_overwrite"}
    assert re.match(r"^dashscope-instant/[0-9a-f]{32}/\d{4}-\d\d-\d\d/[0-9a-f-]{36}$", data["upload_dir"])
    assert data["upload_host"] == sandbox.upload_origin != sandbox.base_url
    assert data["expire_in_seconds"] == 300 and data["max_file_size_mb"] == 100
    assert data["x_oss_object_acl"] == "private" and data["x_oss_forbid_overwrite"] == "true"
    r = client.get("/uploads", params={"action": "getPolicy"}, headers=auth_headers())
    assert r.status_code == 400
    assert client.get("/uploads", params={"action": "getPolicy", "model": I2V}).status_code == 401


def test_upload_then_use_with_the_resolve_header(client, sandbox, assets):
    pol = policy(client)
    r = post_object(pol, "wide.png", (assets / "wide.png").read_bytes())
    assert r.status_code == 200 and r.content == b""
    url = f"oss://{pol['upload_dir']}/wide.png"
    # without the header the oss:// URL is not understood
    r = create(client, I2V, {"img_url": url}, {"resolution": "480P"})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter"
    assert "does not appear to be valid" in r.json()["message"]
    r = create(client, I2V, {"img_url": url}, {"resolution": "480P"}, oss=True)
    assert r.status_code == 200, r.text
    body = wait_task(client, r.json()["output"]["task_id"])
    assert body["output"]["task_status"] == "SUCCEEDED"
    # bound to the model named in getPolicy
    r = create(client, "wan2.2-i2v-plus", {"img_url": url}, {"resolution": "480P"}, oss=True)
    assert r.status_code == 400 and I2V in r.json()["message"]
    r = create(client, I2V, {"img_url": f"oss://{pol['upload_dir']}/other.png"}, {"resolution": "480P"}, oss=True)
    assert r.status_code == 400
    assert sandbox.stats.uploads == 1 and sandbox.stats.auth_leaks == 0


def test_upload_checks(client, sandbox, assets):
    pol = policy(client)
    data = (assets / "wide.png").read_bytes()
    r = post_object(pol, "a.png", data, Signature="bm9wZQ==")
    assert r.status_code == 403 and oss_code(r) == "SignatureDoesNotMatch"
    r = post_object(pol, "a.png", data, key="dashscope-instant/elsewhere/a.png")
    assert r.status_code == 403 and oss_code(r) == "AccessDenied"
    r = post_object(pol, "a.png", data, OSSAccessKeyId="LTAIsomeoneelse")
    assert r.status_code == 403 and oss_code(r) == "InvalidAccessKeyId"
    assert post_object(pol, "a.png", data).status_code == 200
    r = post_object(pol, "a.png", data)           # x-oss-forbid-overwrite
    assert r.status_code == 409 and oss_code(r) == "FileAlreadyExists"
    assert post_object(pol, "b.png", data, success_action_status="204").status_code == 204
    # the API key must never reach the storage host
    r = post_object(pol, "c.png", data, headers={"Authorization": "Bearer sk-test"})
    assert r.status_code == 400 and sandbox.stats.auth_leaks == 1
    sandbox.advance(301)                           # the policy expires after 300 s
    r = post_object(pol, "d.png", data)
    assert r.status_code == 403 and "Policy expired" in r.text


def test_upload_size_limit(tmp_path):
    with running_sandbox(upload_max_bytes=64 * 1024, data_dir=tmp_path / "sb") as sb, \
            httpx.Client(base_url=sb.base_url) as c:
        pol = policy(c)
        assert pol["max_file_size_mb"] == 1
        r = post_object(pol, "big.bin", b"\0" * (100 * 1024))
        assert r.status_code == 413 and oss_code(r) == "EntityTooLarge"
        assert post_object(pol, "small.bin", b"\0" * 1024).status_code == 200


def test_uploads_expire_after_48_hours(client, sandbox, assets):
    pol = policy(client)
    assert post_object(pol, "wide.png", (assets / "wide.png").read_bytes()).status_code == 200
    sandbox.advance(48 * 3600 + 1)
    r = create(client, I2V, {"img_url": f"oss://{pol['upload_dir']}/wide.png"}, {"resolution": "480P"}, oss=True)
    assert r.status_code == 400 and "expired" in r.json()["message"]


# -- result host -----------------------------------------------------------------------------------
def finished_url(client) -> str:
    r = create(client, "wan2.2-t2v-plus", {"prompt": "a cat under the moon"}, {"size": "832*480"})
    return wait_task(client, r.json()["output"]["task_id"])["output"]["video_url"]


def test_result_ranges_head_and_bytes(client, sandbox):
    url = finished_url(client)
    full = httpx.get(url)
    assert full.status_code == 200 and full.headers["accept-ranges"] == "bytes"
    size = len(full.content)
    assert int(full.headers["content-length"]) == size and full.content[4:8] == b"ftyp"
    part = httpx.get(url, headers={"Range": "bytes=100-"})
    assert part.status_code == 206 and part.headers["content-range"] == f"bytes 100-{size - 1}/{size}"
    assert part.content == full.content[100:]
    mid = httpx.get(url, headers={"Range": "bytes=10-19"})
    assert mid.status_code == 206 and mid.content == full.content[10:20]
    tail = httpx.get(url, headers={"Range": "bytes=-16"})
    assert tail.content == full.content[-16:]
    assert httpx.get(url, headers={"Range": f"bytes={size}-"}).status_code == 416
    head = httpx.head(url)
    assert head.status_code == 200 and int(head.headers["content-length"]) == size and head.content == b""
    assert head.headers["content-type"] == "video/mp4"
    assert sandbox.stats.downloads == 4 and sandbox.stats.bytes_served == size * 2 - 100 + 10 + 16
    assert sandbox.stats.auth_leaks == 0


def test_result_signature_and_expiry(client, sandbox):
    url = finished_url(client)
    bad = httpx.get(url.replace("Signature=", "Signature=x"))
    assert bad.status_code == 403 and oss_code(bad) == "SignatureDoesNotMatch"
    other = httpx.get(re.sub(r"Expires=\d+", "Expires=9999999999", url))
    assert other.status_code == 403
    unsigned = httpx.get(url.split("?")[0])
    assert unsigned.status_code == 403
    leak = httpx.get(url, headers={"Authorization": "Bearer sk-test"})
    assert leak.status_code == 400 and sandbox.stats.auth_leaks == 1
    sandbox.advance(24 * 3600 + 5)
    gone = httpx.get(url)
    assert gone.status_code == 403
    root = ET.fromstring(gone.content)
    assert root.findtext("Code") == "AccessDenied" and root.findtext("Message") == "Request has expired."


def test_url_ttl_is_configurable_and_results_can_feed_other_tasks(tmp_path):
    with running_sandbox(task_seconds=0.3, url_ttl=3600, data_dir=tmp_path / "sb") as sb, \
            httpx.Client(base_url=sb.base_url) as c:
        url = finished_url(c)
        expires = int(re.search(r"Expires=(\d+)", url).group(1))
        assert 3500 < expires - sb.clock() <= 3601
        # a finished result is a valid input for the next model (style transform of the T2V video)
        r = create(c, "video-style-transform", {"video_url": url}, {"min_len": 540})
        assert r.status_code == 200, r.text
        assert wait_task(c, r.json()["output"]["task_id"])["output"]["task_status"] == "SUCCEEDED"
