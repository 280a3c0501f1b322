"""The common protocol: auth, headers, envelope, routing and request validation."""
from __future__ import annotations

import httpx
import pytest

from bailian_video.sandbox.testing import auth_headers, create, endpoint, running_sandbox

T2V = "wan2.2-t2v-plus"
T2V_PATH = "/services/aigc/video-generation/video-synthesis"
I2V_PATH = "/services/aigc/image2video/video-synthesis"
PROMPT = "a cat under the moon"   # the same render as the other tests (shared cache)
BODY = {"model": T2V, "input": {"prompt": PROMPT}, "parameters": {"size": "832*480"}}


def err(r: httpx.Response) -> tuple[int, str, str]:
    body = r.json()
    assert "output" not in body and body["request_id"]
    return r.status_code, body["code"], body["message"]


def test_missing_key_is_401_no_api_key(client):
    r = client.post(T2V_PATH, json=BODY, headers={"X-DashScope-Async": "enable"})
    assert err(r) == (401, "InvalidApiKey", "No API-key provided.")
    r = client.get("/tasks/whatever")
    assert err(r)[:2] == (401, "InvalidApiKey")


@pytest.mark.parametrize("value", ["Bearer abc", "Basic sk-123", "Bearer", "sk-123"])
def test_malformed_key_is_401_invalid(client, value):
    r = client.post(T2V_PATH, json=BODY, headers={"X-DashScope-Async": "enable", "Authorization": value})
    status, code, message = err(r)
    assert (status, code) == (401, "InvalidApiKey")
    assert message in ("Invalid API-key provided.", "No API-key provided.")


def test_api_keys_restrict_accepted_keys(tmp_path):
    with running_sandbox(api_keys={"sk-good"}, data_dir=tmp_path / "sb") as sb, \
            httpx.Client(base_url=sb.base_url) as c:
        assert err(c.get("/tasks/x", headers=auth_headers("sk-other")))[2] == "Invalid API-key provided."
        assert c.get("/tasks/x", headers=auth_headers("sk-good")).status_code == 200


def test_creation_needs_the_async_header(client, sandbox):
    r = client.post(T2V_PATH, json=BODY, headers=auth_headers())
    assert err(r) == (403, "AccessDenied", "current user api does not support synchronous calls.")
    assert sandbox.creations() == 0


def test_detect_refuses_the_async_header(client, asset_url):
    r = client.post("/services/aigc/image2video/face-detect",
                    json={"model": "emo-detect-v1", "input": {"image_url": asset_url("face.png")},
                          "parameters": {"ratio": "1:1"}},
                    headers=auth_headers(async_=True))
    assert err(r) == (403, "AccessDenied", "current user api does not support asynchronous calls.")


def test_envelope_errors(client):
    h = auth_headers(async_=True)
    assert err(client.post(T2V_PATH, json={"input": {"prompt": "x"}}, headers=h))[:2] == (
        400, "BadRequest.EmptyModel")
    assert err(client.post(T2V_PATH, json={"model": T2V}, headers=h))[:2] == (400, "BadRequest.EmptyInput")
    assert err(client.post(T2V_PATH, content=b"{not json", headers=h))[:2] == (400, "InvalidParameter")
    assert err(client.post(T2V_PATH, json={"model": "wan9-t2v", "input": {"prompt": "x"}}, headers=h))[:2] == (
        404, "ModelNotFound")


def test_model_on_the_wrong_endpoint_is_a_url_error(client):
    r = client.post(T2V_PATH, json={"model": "wan2.2-kf2v-flash", "input": {"first_frame_url": "http://127.0.0.1/x"}},
                    headers=auth_headers(async_=True))
    assert err(r) == (400, "InvalidParameter", "url error, please check url!")
    r = client.post("/services/aigc/image2video/face-detect", json=BODY, headers=auth_headers())
    assert err(r) == (400, "InvalidParameter", "url error, please check url!")


def test_both_path_spellings_and_regional_names_are_accepted(client, sandbox):
    for path in (T2V_PATH, T2V_PATH + "/"):
        assert client.post(path, json=BODY, headers=auth_headers(async_=True)).status_code == 200
    r = create(client, "wan2.1-t2v-turbo", {"prompt": PROMPT}, {"size": "832*480"})
    assert r.status_code == 200, r.text
    assert sandbox.creations(T2V) == 2 and sandbox.creations("wanx2.1-t2v-turbo") == 1
    assert endpoint("wan2.2-kf2v-flash") == I2V_PATH


def test_unknown_fields_are_ignored_like_the_sdk_sends_them(client):
    r = create(client, T2V, {"prompt": PROMPT, "extend_prompt": True, "negative_prompt": None, "whatever": 1},
               {"size": "832*480", "not_a_param": 3})
    assert r.status_code == 200, r.text
    assert r.json()["output"]["task_status"] == "PENDING"


def test_wrong_field_name_names_the_right_one(client, asset_url):
    r = create(client, "wan2.2-i2v-plus", {"image_url": asset_url("wide.png")}, {"resolution": "480P"})
    status, code, message = err(r)
    assert (status, code) == (400, "InvalidParameter")
    assert "img_url" in message


@pytest.mark.parametrize("params,field", [
    ({"size": "1280*720"}, "parameters.size"),          # wan2.2-t2v-plus has no 720P
    ({"size": "720P"}, "parameters.size"),
    ({"size": "832*480", "duration": 10}, "parameters.duration"),
    ({"size": "832*480", "seed": -1}, "parameters.seed"),
    ({"size": "832*480", "prompt_extend": "yes"}, "parameters.prompt_extend"),
])
def test_out_of_range_parameters_are_400_naming_the_field(client, params, field):
    status, code, message = err(create(client, T2V, {"prompt": "x"}, params))
    assert (status, code) == (400, "InvalidParameter")
    assert message.startswith(field), message


def test_over_long_prompts_are_truncated_not_rejected(client):
    r = create(client, T2V, {"prompt": "猫" * 900}, {"size": "832*480"})
    assert r.status_code == 200, r.text


def test_unknown_task_is_unknown_with_http_200(client):
    r = client.get("/tasks/0385dc79-5ff8-4d82-bcb6-000000000000", headers=auth_headers())
    assert r.status_code == 200
    body = r.json()
    assert body["output"] == {"task_id": "0385dc79-5ff8-4d82-bcb6-000000000000", "task_status": "UNKNOWN"}
    assert body["request_id"]


def test_unknown_paths_and_methods(client):
    assert client.get("/nothing/here", headers=auth_headers()).status_code == 404
    assert client.get(T2V_PATH, headers=auth_headers()).status_code == 405
    r = client.post("/services/aigc/video-generation/nope", json=BODY, headers=auth_headers(async_=True))
    assert err(r) == (400, "InvalidParameter", "url error, please check url!")


def test_external_urls_are_refused(client):
    r = create(client, "wan2.2-i2v-flash", {"img_url": "https://example.com/cat.png"}, {"resolution": "480P"})
    status, code, _ = err(r)
    assert (status, code) == (400, "InvalidURL.ConnectionRefused")


def test_file_limits_and_non_media(client, asset_url):
    status, code, message = err(create(client, "wan2.2-i2v-flash", {"img_url": asset_url("tiny.png")},
                                       {"resolution": "480P"}))
    assert (status, code) == (400, "InvalidFile.Resolution") and message.startswith("input.img_url")
    status, code, _ = err(create(client, "wan2.2-i2v-flash", {"img_url": asset_url("notes.txt")},
                                 {"resolution": "480P"}))
    assert (status, code) == (400, "InvalidParameter.UnsupportedFileFormat")
    status, code, _ = err(create(client, "wan2.2-i2v-flash", {"img_url": asset_url("missing.png")},
                                 {"resolution": "480P"}))
    assert (status, code) == (400, "InvalidURL")
    status, code, _ = err(create(client, "wan2.2-i2v-flash", {"img_url": asset_url("voice.wav")},
                                 {"resolution": "480P"}))
    assert (status, code) == (400, "InvalidFile.Format")


def test_data_uris_only_where_the_catalogue_allows(client, assets):
    import base64
    uri = "data:image/png;base64," + base64.b64encode((assets / "wide.png").read_bytes()).decode()
    assert create(client, "wan2.2-i2v-flash", {"img_url": uri}, {"resolution": "480P"}).status_code == 200
    status, code, message = err(create(client, "liveportrait-detect", {"image_url": uri}))
    assert (status, code) == (400, "InvalidParameter") and "image_url" in message


def test_many_concurrent_connections_keep_alive(sandbox):
    import concurrent.futures

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    with httpx.Client(base_url=sandbox.base_url, timeout=30, limits=limits) as c:
        def burst(i: int) -> list[int]:
            return [c.get(f"/tasks/t{i}-{j}", headers=auth_headers()).status_code for j in range(5)]

        with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
            codes = [code for codes in pool.map(burst, range(64)) for code in codes]
    assert codes == [200] * 320
    assert sandbox.stats.requests["query"] == 320
