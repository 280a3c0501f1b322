"""Hooks for the engine's "never pay twice, never adopt a wrong task" tests, over real HTTP:
late answers, tasks of another client on the same account, the Date header, prompts in
``/sandbox/tasks`` and what a query shows before a task ends."""
from __future__ import annotations

import threading
import time
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx
import pytest

from bailian_video.sandbox import FaultPlan, FaultSpecError, SandboxCallError
from bailian_video.sandbox.testing import TEST_KEY, auth_headers, create, wait_task

T2V = "wan2.2-t2v-plus"
SIZE = {"size": "832*480"}
PROMPT = "a cat under the moon"   # rendered once per session (shared cache)
SLOW = {"X-Sandbox-Task-Seconds": "60"}  # stays PENDING for 12 s: never renders during a test


def t2v(client, prompt=PROMPT, key=TEST_KEY, **headers) -> httpx.Response:
    return create(client, T2V, {"prompt": prompt}, SIZE, key=key, **headers)


def listing(client, key=TEST_KEY) -> list[dict]:
    r = client.get("/tasks", headers=auth_headers(key))
    assert r.status_code == 200, r.text
    return r.json()["data"]


def control_tasks(client) -> list[dict]:
    return client.get("/sandbox/tasks").json()["tasks"]


# -- late@create ---------------------------------------------------------------------------------------
def test_late_grammar_and_description(client, sandbox):
    rule = FaultPlan.parse("late@create=2*1").rules[0]
    assert (rule.kind, rule.scope, rule.arg, rule.remaining) == ("late", "create", 2.0, 1)
    assert str(FaultPlan.parse("late")) == "late"
    assert FaultPlan.parse("late").take("create", ("late",)) and not FaultPlan.parse("late").take("query", ("late",))
    for bad in ("late@query", "late@download", "late@upload"):
        with pytest.raises(FaultSpecError):
            FaultPlan.parse(bad)
    r = client.post("/sandbox/faults", content="late@create=2*1")
    assert r.status_code == 200
    body = client.get("/sandbox/faults").json()
    [desc] = body["faults"]
    assert desc["rule"] == "late@create=2*1" and desc["kind"] == "late" and desc["arg"] == 2
    assert desc["remaining"] == 1 and "after" in desc["effect"]
    assert body["kinds"]["late"]["scopes"] == ["create"]
    assert client.post("/sandbox/faults", content="late@list").json()["code"] == "InvalidFaultSpec"


def test_late_answer_times_out_but_the_task_exists(sandbox):
    sandbox.set_faults("late@create=2*1")
    with httpx.Client(base_url=sandbox.base_url, timeout=httpx.Timeout(5.0, read=0.5)) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            t2v(impatient, "late and impatient", **SLOW)
        [entry] = listing(impatient)
    assert sandbox.creations() == 1 and sandbox.creations(T2V) == 1
    assert sandbox.stats.faults["late"] == 1
    assert entry["model_name"] == T2V and entry["status"] == "PENDING"
    # the rule is used up: the next creation answers at once
    with httpx.Client(base_url=sandbox.base_url, timeout=httpx.Timeout(5.0, read=0.5)) as impatient:
        assert t2v(impatient, "on time", **SLOW).status_code == 200
    assert sandbox.creations() == 2


def test_late_answer_arrives_for_a_patient_client(sandbox):
    sandbox.set_faults("late@create=2*1")
    got: dict = {}

    def submit() -> None:
        with httpx.Client(base_url=sandbox.base_url, timeout=5.0) as patient:
            t0 = time.monotonic()
            got["response"] = t2v(patient, "late but patient", **SLOW)
            got["elapsed"] = time.monotonic() - t0

    worker = threading.Thread(target=submit)
    worker.start()
    with httpx.Client(base_url=sandbox.base_url, timeout=5.0) as other:
        end = time.monotonic() + 1.5
        listed: list[dict] = []
        while not listed and time.monotonic() < end:   # the task exists before its answer is sent
            listed = listing(other)
            time.sleep(0.05)
    assert "response" not in got and len(listed) == 1
    worker.join(10)
    r = got["response"]
    assert r.status_code == 200 and got["elapsed"] >= 1.9
    assert r.json()["output"] == {"task_id": listed[0]["task_id"], "task_status": "PENDING"}
    assert listed[0]["request_id"] == r.json()["request_id"]
    assert sandbox.creations() == 1


def test_late_combines_with_lost_and_task_kinds(sandbox):
    sandbox.set_faults("late@create=1*1,lost*1,expire*1")
    with httpx.Client(base_url=sandbox.base_url, timeout=5.0) as c:
        t0 = time.monotonic()
        with pytest.raises(httpx.RemoteProtocolError):    # hangs up after a second, never answers
            t2v(c, "late and lost", **SLOW)
        assert time.monotonic() - t0 >= 0.9
        [entry] = listing(c)
    task = sandbox.tasks[entry["task_id"]]
    assert task.expire_url and sandbox.creations() == 1
    assert sandbox.stats.faults == {"late": 1, "lost": 1, "expire": 1}


# -- another client on the same account ------------------------------------------------------------------
def test_foreign_task_is_listed_for_every_key_and_counted(client, sandbox):
    sandbox.set_faults("throttle@create*1,lost*1,late@create=3*1")
    foreign = sandbox.create_foreign(T2V, {"prompt": PROMPT}, SIZE)
    # no fault rule was used up by the other client
    assert all(d["fired"] == 0 and d["remaining"] == 1 for d in sandbox.faults.describe())
    assert sandbox.stats.creations[T2V] == 1 and sandbox.stats.foreign_creations[T2V] == 1
    assert sandbox.creations() == 1 and sandbox.creations(T2V, foreign=True) == 1
    for key in (TEST_KEY, "sk-someone-else"):
        assert [e["task_id"] for e in listing(client, key)] == [foreign]
        assert client.get(f"/tasks/{foreign}", headers=auth_headers(key)).json()["output"]["task_id"] == foreign
    done = wait_task(client, foreign, key="sk-someone-else")
    assert done["output"]["task_status"] == "SUCCEEDED" and done["output"]["orig_prompt"] == PROMPT
    assert httpx.get(done["output"]["video_url"]).status_code == 200
    # the faults still hit this client's next creation
    assert t2v(client).status_code == 429
    snap = client.get("/sandbox/stats").json()
    assert snap["creations"] == {T2V: 1} and snap["foreign_creations"] == {T2V: 1}


def test_foreign_over_http_and_its_api_key_id(client, sandbox):
    own = t2v(client, "mine", **SLOW).json()
    r = client.post("/sandbox/foreign", json={"model": T2V, "input": {"prompt": "theirs"}, "parameters": SIZE})
    assert r.status_code == 200 and set(r.json()) == {"task_id"}
    theirs = r.json()["task_id"]
    entries = {e["task_id"]: e for e in listing(client)}
    assert set(entries) == {own["output"]["task_id"], theirs}
    mine_entry, their_entry = entries[own["output"]["task_id"]], entries[theirs]
    assert mine_entry["request_id"] == own["request_id"]
    assert mine_entry["api_key_id"] != their_entry["api_key_id"] and their_entry["request_id"]
    assert sandbox.creations() == 2 and sandbox.creations(foreign=True) == 1
    assert sandbox.stats.requests.get("create") == 1
    # backdated: an hour ago on the sandbox clock
    old = sandbox.create_foreign(T2V, {"prompt": "theirs, earlier"}, SIZE, at=sandbox.clock() - 3600,
                                 task_seconds=72000)
    gmt = {e["task_id"]: e["gmt_create"] for e in listing(client)}[old]
    assert abs(gmt / 1000 - (sandbox.clock() - 3600)) < 5


def test_foreign_refusals(client, sandbox):
    r = client.post("/sandbox/foreign", json={"model": "no-such-model", "input": {"prompt": "x"}})
    assert r.status_code == 404 and r.json()["code"] == "ModelNotFound"
    r = client.post("/sandbox/foreign", json={"model": T2V, "input": {"prompt": "x"}, "parameters": {"size": "1*1"}})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter"
    assert client.post("/sandbox/foreign", content="not json").status_code == 400
    with pytest.raises(SandboxCallError) as err:
        sandbox.create_foreign(T2V, {})
    assert err.value.status == 400 and err.value.code == "BadRequest.EmptyInput"
    assert sandbox.creations() == 0 and len(sandbox.tasks) == 0


# -- the Date header ----------------------------------------------------------------------------------
def date_of(r: httpx.Response) -> float:
    return parsedate_to_datetime(r.headers["date"]).timestamp()


def test_date_header_follows_the_sandbox_clock(client, sandbox):
    def answers() -> list[httpx.Response]:
        return [client.get("/tasks", headers=auth_headers()),                    # API
                client.get("/tasks"),                                             # API error (401)
                client.get("/sandbox/stats"),                                     # control
                httpx.post(sandbox.upload_origin + "/", data={"key": "x"}),       # upload host (error)
                httpx.get(sandbox.result_origin + "/dashscope-result/nope.mp4")]  # result host (error)

    now = time.time()
    for r in answers():
        assert abs(date_of(r) - now) < 5, r.url
    sandbox.advance(3600)
    now = time.time()
    for r in answers():
        assert abs(date_of(r) - (now + 3600)) < 5, r.url
    assert abs(date_of(client.get("/sandbox/stats")) - sandbox.clock()) < 2


# -- /sandbox/tasks vs the public list ------------------------------------------------------------------
def test_control_tasks_have_prompt_and_foreign_but_the_list_does_not(client, sandbox):
    for prompt in ("one", "one", "two"):
        assert t2v(client, prompt, **SLOW).status_code == 200
    sandbox.create_foreign(T2V, {"prompt": "one"}, SIZE, task_seconds=60)
    tasks = control_tasks(client)
    assert sorted((t["prompt"], t["foreign"]) for t in tasks) == [
        ("one", False), ("one", False), ("one", True), ("two", False)]
    assert sum(t["prompt"] == "one" and not t["foreign"] for t in tasks) == 2
    for entry in listing(client):
        assert "prompt" not in entry and "foreign" not in entry
        assert {"api_key_id", "request_id", "task_id", "status", "model_name", "gmt_create"} <= set(entry)
    # the prompt as the service stored it (over-long text is truncated)
    long = "x" * 5000
    assert t2v(client, long, **SLOW).status_code == 200
    stored = [t["prompt"] for t in control_tasks(client) if t["prompt"] and t["prompt"].startswith("xxx")]
    assert len(stored) == 1 and 0 < len(stored[0]) < len(long)


# -- what a query shows before the end ------------------------------------------------------------------
def test_orig_prompt_and_times_only_once_finished(client, sandbox):
    r = t2v(client, **{"X-Sandbox-Task-Seconds": "1.5"})
    task_id = r.json()["output"]["task_id"]

    def out() -> dict:
        return client.get(f"/tasks/{task_id}", headers=auth_headers()).json()

    pending = out()
    assert pending["output"] == {"task_id": task_id, "task_status": "PENDING"} and "usage" not in pending
    sandbox.advance(0.5)
    running = out()
    assert running["output"] == {"task_id": task_id, "task_status": "RUNNING"} and "usage" not in running
    done = wait_task(client, task_id)
    o = done["output"]
    assert o["task_status"] == "SUCCEEDED" and o["orig_prompt"] == PROMPT
    assert {"submit_time", "scheduled_time", "end_time", "video_url"} <= set(o) and "usage" in done
    datetime.strptime(o["submit_time"], "%Y-%m-%d %H:%M:%S.%f")


def test_failed_and_canceled_shapes(client, sandbox):
    sandbox.set_faults("fail@create*1")
    failed = t2v(client, "doomed", **{"X-Sandbox-Task-Seconds": "0.2"}).json()["output"]["task_id"]
    o = wait_task(client, failed)["output"]
    assert o["task_status"] == "FAILED" and o["code"] == "InternalError.Algo" and "orig_prompt" not in o
    assert {"submit_time", "scheduled_time", "end_time"} <= set(o)
    canceled = t2v(client, "never mind", **SLOW).json()["output"]["task_id"]
    assert client.post(f"/tasks/{canceled}/cancel", headers=auth_headers()).status_code == 200
    o = client.get(f"/tasks/{canceled}", headers=auth_headers()).json()["output"]
    assert set(o) == {"task_id", "task_status", "submit_time", "end_time"} and o["task_status"] == "CANCELED"
