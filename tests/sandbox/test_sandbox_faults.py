"""Fault injection: the spec grammar and every kind over real HTTP."""
from __future__ import annotations

import time

import httpx
import pytest

from bailian_video.sandbox import FaultPlan, FaultSpecError
from bailian_video.sandbox.testing import auth_headers, create, wait_task

T2V = "wan2.2-t2v-plus"


def t2v(client, **headers) -> httpx.Response:
    return create(client, T2V, {"prompt": "a cat under the moon"}, {"size": "832*480"}, **headers)


# -- grammar ------------------------------------------------------------------------------------------
def test_parse_rules():
    plan = FaultPlan.parse(" throttle@create=2*3, 5xx@query~0.25 ,drop,truncate ")
    assert [str(r) for r in plan.rules] == ["throttle@create=2*3", "5xx@query~0.25", "drop", "truncate"]
    r = plan.rules[0]
    assert (r.kind, r.scope, r.arg, r.remaining, r.probability) == ("throttle", "create", 2.0, 3, None)
    assert not FaultPlan.parse("") and FaultPlan.parse("") .rules == []


@pytest.mark.parametrize("spec", ["explode", "throttle@nowhere", "truncate@create", "lost@query", "5xx~2",
                                  "throttle=", "throttle*x", "moderation@download", "auth@upload"])
def test_bad_specs_are_rejected(spec):
    with pytest.raises(FaultSpecError):
        FaultPlan.parse(spec)


def test_counts_probabilities_and_scopes():
    plan = FaultPlan.parse("5xx@query*2")
    assert [bool(plan.take("query", ("5xx",))) for _ in range(4)] == [True, True, False, False]
    assert not plan.take("create", ("5xx",))
    every = FaultPlan.parse("drop@api")
    assert every.take("list", ("drop",)) and every.take("policy", ("drop",)) and not every.take("download", ("drop",))
    a = FaultPlan.parse("5xx~0.5", seed=7)
    b = FaultPlan.parse("5xx~0.5", seed=7)
    seq_a = [bool(a.take("query", ("5xx",))) for _ in range(200)]
    assert seq_a == [bool(b.take("query", ("5xx",))) for _ in range(200)]
    assert 60 < sum(seq_a) < 140
    only_downloads = FaultPlan.parse("truncate*1")
    assert not only_downloads.take("create", ("truncate",)) and only_downloads.take("download", ("truncate",))
    excl = FaultPlan.parse("5xx*1,503*1")
    assert list(excl.take("query", ("5xx", "503"), exclusive=True)) == ["5xx"]
    assert list(excl.take("query", ("5xx", "503"), exclusive=True)) == ["503"]


# -- over HTTP ---------------------------------------------------------------------------------------
def code_of(r: httpx.Response) -> tuple[int, str]:
    return r.status_code, r.json()["code"]


def test_throttle_and_quota(client, sandbox):
    sandbox.set_faults("throttle@create=3*1,quota@query*1")
    r = t2v(client)
    assert code_of(r) == (429, "Throttling.RateQuota") and r.headers["retry-after"] == "3"
    r = t2v(client)
    assert r.status_code == 200
    task_id = r.json()["output"]["task_id"]
    r = client.get(f"/tasks/{task_id}", headers=auth_headers())
    assert code_of(r) == (429, "Throttling.AllocationQuota")
    assert client.get(f"/tasks/{task_id}", headers=auth_headers()).status_code == 200
    assert sandbox.creations() == 1 and sandbox.stats.faults == {"throttle": 1, "quota": 1}


def test_server_errors_auth_and_badjson(client, sandbox):
    sandbox.set_faults("5xx@list*1,503@list*1,auth@list*1,badjson@list*1")
    assert code_of(client.get("/tasks", headers=auth_headers())) == (500, "InternalError")
    assert code_of(client.get("/tasks", headers=auth_headers())) == (503, "ModelUnavailable")
    assert code_of(client.get("/tasks", headers=auth_headers())) == (401, "InvalidApiKey")
    r = client.get("/tasks", headers=auth_headers())
    assert r.status_code == 200 and set(r.json()) == {"code", "message", "request_id"}
    assert client.get("/tasks", headers=auth_headers()).json()["total"] == 0


def test_drop_closes_without_an_answer(client, sandbox):
    sandbox.set_faults("drop@create*1")
    with pytest.raises(httpx.TransportError):
        t2v(client)
    assert sandbox.creations() == 0
    assert t2v(client).status_code == 200


def test_lost_creates_the_task_but_never_answers(client, sandbox):
    sandbox.set_faults("lost*1")
    with pytest.raises(httpx.TransportError):
        t2v(client)
    assert sandbox.creations() == 1
    # the client can find it again through the task list
    listed = client.get("/tasks", params={"model_name": T2V}, headers=auth_headers()).json()
    assert listed["total"] == 1
    task_id = listed["data"][0]["task_id"]
    assert wait_task(client, task_id)["output"]["task_status"] == "SUCCEEDED"


def test_slow(client, sandbox):
    sandbox.set_faults("slow@query=0.4*1")
    start = time.monotonic()
    assert client.get("/tasks/x", headers=auth_headers()).status_code == 200
    assert time.monotonic() - start >= 0.4
    start = time.monotonic()
    client.get("/tasks/x", headers=auth_headers())
    assert time.monotonic() - start < 0.3


def test_task_level_faults(client, sandbox):
    sandbox.set_faults("moderation*1,fail*1")
    first = wait_task(client, t2v(client).json()["output"]["task_id"])["output"]
    assert first["task_status"] == "FAILED" and first["code"] == "DataInspectionFailed"
    assert first["message"] == "Input or output data may contain inappropriate content."
    second = wait_task(client, t2v(client).json()["output"]["task_id"])["output"]
    assert second["task_status"] == "FAILED" and second["code"] == "InternalError.Algo" and second["message"]
    assert "video_url" not in second and "end_time" in second


def test_expire_and_truncate(client, sandbox):
    sandbox.set_faults("expire*1,truncate*1")
    url = wait_task(client, t2v(client).json()["output"]["task_id"])["output"]["video_url"]
    r = httpx.get(url)
    assert r.status_code == 403 and b"Request has expired." in r.content
    good = wait_task(client, t2v(client, **{"X-Sandbox-Task-Seconds": "0.3"}).json()["output"]["task_id"])
    url = good["output"]["video_url"]
    with pytest.raises(httpx.TransportError):
        httpx.get(url)
    assert len(httpx.get(url).content) > 1000
    assert sandbox.stats.faults == {"expire": 1, "truncate": 1}


def test_storage_host_faults(client, sandbox):
    pol = client.get("/uploads", params={"action": "getPolicy", "model": "wan2.2-i2v-flash"},
                     headers=auth_headers()).json()["data"]
    sandbox.set_faults("503@upload*1,drop@policy*1")
    form = {"OSSAccessKeyId": pol["oss_access_key_id"], "Signature": pol["signature"], "policy": pol["policy"],
            "key": pol["upload_dir"] + "/x.bin", "success_action_status": "200"}
    r = httpx.post(pol["upload_host"], data=form, files={"file": ("x.bin", b"123")})
    assert r.status_code == 503 and b"ServiceUnavailable" in r.content
    assert httpx.post(pol["upload_host"], data=form, files={"file": ("x.bin", b"123")}).status_code == 200
    with pytest.raises(httpx.TransportError):
        client.get("/uploads", params={"action": "getPolicy", "model": "wan2.2-i2v-flash"}, headers=auth_headers())


def test_control_endpoints(client, sandbox):
    origin = sandbox.base_url.rsplit("/api/v1", 1)[0]
    r = httpx.post(f"{origin}/sandbox/faults", content=b"5xx@query*1")
    assert r.status_code == 200 and r.json()["spec"] == "5xx@query*1"
    assert client.get("/tasks/x", headers=auth_headers()).status_code == 500
    r = httpx.post(f"{origin}/sandbox/faults", content=b"nonsense")
    assert r.status_code == 400 and r.json()["code"] == "InvalidFaultSpec"
    stats = httpx.get(f"{origin}/sandbox/stats").json()
    assert stats["faults"] == {"5xx": 1} and stats["requests"]["query"] == 1 and stats["auth_leaks"] == 0
    assert httpx.post(f"{origin}/sandbox/faults", json={"spec": "", "seed": 3}).json()["spec"] == ""
    assert httpx.delete(f"{origin}/sandbox/stats").json()["requests"] == {}
