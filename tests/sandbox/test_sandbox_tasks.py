"""Task lifecycle, query shapes, cancel, list, TTLs and the render cache."""
from __future__ import annotations

import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx

from bailian_video.sandbox.testing import auth_headers, create, running_sandbox, wait_task

T2V = "wan2.2-t2v-plus"
PROMPT = "a cat under the moon"   # one render for the whole session (shared cache)
WIRE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$")
CST = timezone(timedelta(hours=8))


def t2v(client, prompt=PROMPT, **headers):
    r = create(client, T2V, {"prompt": prompt}, {"size": "832*480"}, **headers)
    assert r.status_code == 200, r.text
    return r.json()["output"]["task_id"]


def query(client, task_id):
    r = client.get(f"/tasks/{task_id}", headers=auth_headers())
    assert r.status_code == 200
    return r.json()


def test_lifecycle_pending_running_succeeded(client, sandbox):
    before = time.time()
    r = create(client, T2V, {"prompt": PROMPT}, {"size": "832*480"}, **{"X-Sandbox-Task-Seconds": "3"})
    body = r.json()
    assert set(body) == {"output", "request_id"} and body["output"]["task_status"] == "PENDING"
    task_id = body["output"]["task_id"]
    first = query(client, task_id)["output"]
    # unfinished tasks answer only id and status (times, prompts, result and usage come with the end)
    assert first == {"task_id": task_id, "task_status": "PENDING"}
    seen = {first["task_status"]}
    while True:
        out = query(client, task_id)["output"]
        seen.add(out["task_status"])
        if out["task_status"] == "SUCCEEDED":
            break
        assert out == {"task_id": task_id, "task_status": out["task_status"]}
        assert out["task_status"] in ("PENDING", "RUNNING")
        time.sleep(0.1)
    assert seen >= {"PENDING", "RUNNING", "SUCCEEDED"}
    for k in ("submit_time", "scheduled_time", "end_time"):
        assert WIRE_TIME.match(out[k]), k
    submitted = datetime.strptime(out["submit_time"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=CST).timestamp()
    assert abs(submitted - before) < 2, "submit_time is Beijing time (UTC+8)"
    assert out["submit_time"] <= out["scheduled_time"] <= out["end_time"]
    assert out["orig_prompt"] == PROMPT and out["actual_prompt"] != PROMPT
    assert out["video_url"].startswith(sandbox.result_origin + "/dashscope-result/")
    assert re.search(r"\?Expires=\d+&OSSAccessKeyId=sandbox&Signature=", out["video_url"])


def test_query_is_stable_after_success(client):
    task_id = t2v(client)
    done = wait_task(client, task_id)
    again = query(client, task_id)
    assert again["output"] == done["output"] and again["usage"] == done["usage"]
    assert again["request_id"] != done["request_id"]


def test_cancel_only_while_pending(client, sandbox):
    task_id = t2v(client, **{"X-Sandbox-Task-Seconds": "30"})
    r = client.post(f"/tasks/{task_id}/cancel", headers=auth_headers())
    assert r.status_code == 200 and set(r.json()) == {"request_id"}
    out = query(client, task_id)["output"]
    assert out["task_status"] == "CANCELED" and "video_url" not in out
    # a second cancel, a running task and an unknown task cannot be cancelled
    assert client.post(f"/tasks/{task_id}/cancel", headers=auth_headers()).status_code == 400
    running = t2v(client, **{"X-Sandbox-Task-Seconds": "2"})
    sandbox.advance(0.8)
    assert query(client, running)["output"]["task_status"] == "RUNNING"
    r = client.post(f"/tasks/{running}/cancel", headers=auth_headers())
    assert r.status_code == 400 and r.json()["code"] == "UnsupportedOperation"
    assert "PENDING" in r.json()["message"]
    assert client.post("/tasks/nope/cancel", headers=auth_headers()).status_code == 400


def test_list_shape_and_filters(client, sandbox):
    a = t2v(client)
    b = create(client, "wanx2.1-t2v-turbo", {"prompt": PROMPT}, {"size": "832*480"}).json()["output"]["task_id"]
    c = t2v(client, **{"X-Sandbox-Task-Seconds": "60"})
    wait_task(client, a)
    wait_task(client, b)
    body = client.get("/tasks", headers=auth_headers()).json()
    assert {"request_id", "total", "data", "total_page", "page_no", "page_size"} <= set(body)
    assert "output" not in body
    assert body["total"] == 3 and body["page_no"] == 1 and body["page_size"] == 10 and body["total_page"] == 1
    assert [e["task_id"] for e in body["data"]] == [c, b, a]  # newest first
    entry = body["data"][-1]
    assert entry["status"] == "SUCCEEDED" and "task_status" not in entry
    assert isinstance(entry["gmt_create"], int) and entry["gmt_create"] > 1_600_000_000_000
    assert entry["end_time"] >= entry["start_time"] >= entry["gmt_create"]
    assert entry["model_name"] == T2V and entry["region"] == "cn-beijing"
    assert entry["user_api_unique_key"].endswith(":video-generation:video-synthesis:" + T2V)

    def ids(**params):
        r = client.get("/tasks/", params=params, headers=auth_headers())
        assert r.status_code == 200, r.text
        return [e["task_id"] for e in r.json()["data"]]

    assert ids(task_id=b) == [b]
    assert ids(model_name=T2V) == [c, a]
    assert ids(status="PENDING") == [c]
    assert ids(status="SUCCEEDED") == [b, a]
    assert ids(page_size=2) == [c, b] and ids(page_size=2, page_no=2) == [a]
    now = datetime.now(CST)
    fmt = "%Y%m%d%H%M%S"
    assert len(ids(start_time=(now - timedelta(minutes=5)).strftime(fmt))) == 3
    assert ids(end_time=(now - timedelta(hours=1)).strftime(fmt)) == []
    assert ids(start_time=(now + timedelta(minutes=5)).strftime(fmt)) == []
    r = client.get("/tasks", params={"start_time": "yesterday"}, headers=auth_headers())
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter"


def test_tasks_expire_after_the_ttl(tmp_path):
    with running_sandbox(task_seconds=0.2, task_ttl=60, data_dir=tmp_path / "sb") as sb, \
            httpx.Client(base_url=sb.base_url) as c:
        task_id = t2v(c)
        assert wait_task(c, task_id)["output"]["task_status"] == "SUCCEEDED"
        sb.advance(61)
        assert query(c, task_id)["output"] == {"task_id": task_id, "task_status": "UNKNOWN"}
        assert c.get("/tasks", headers=auth_headers()).json()["total"] == 0


def test_identical_requests_share_one_render(client, sandbox):
    prompt = f"same prompt {uuid.uuid4()}"       # not in the session's shared cache yet
    ids = [t2v(client, prompt) for _ in range(3)]
    urls = [wait_task(client, i)["output"]["video_url"] for i in ids]
    assert len(set(urls)) == 3  # every task has its own result URL ...
    assert sandbox.stats.renders == 1 and sandbox.stats.render_cache_hits == 2  # ... but one render
    sizes = {len(httpx.get(u).content) for u in urls}
    assert len(sizes) == 1 and sizes.pop() > 1000


def test_tasks_introspection(client, sandbox):
    task_id = t2v(client)
    task = sandbox.tasks[task_id]
    assert task.model == T2V and task.params["size"] == "832*480" and task.params["prompt_extend"] is True
    assert task_id in sandbox.tasks and len(sandbox.tasks) == 1
    assert sandbox.wait_idle(30)
