"""The sandbox as the service's queue: at most a model's documented concurrency processes at once, the
rest wait as PENDING in order; a cancelled waiting task lets the ones behind it move up; the task list
pages at most 100 at a time; task query/list/cancel traffic is counted (and refused beyond a limit)."""
from __future__ import annotations

import time

import httpx

from bailian_video import catalog
from bailian_video.sandbox.testing import auth_headers, create, running_sandbox, wait_task

T2V = "wan2.2-t2v-plus"          # documented concurrency 2
PROMPT = "a cat under the moon"


def _t2v(client: httpx.Client, seconds: float) -> str:
    r = create(client, T2V, {"prompt": PROMPT}, {"size": "832*480"}, **{"X-Sandbox-Task-Seconds": f"{seconds}"})
    assert r.status_code == 200, r.text
    return str(r.json()["output"]["task_id"])


def _status(client: httpx.Client, task_id: str) -> str:
    return str(client.get(f"/tasks/{task_id}", headers=auth_headers()).json()["output"]["task_status"])


def test_a_full_model_queues_in_order_and_a_cancel_moves_the_queue_up(tmp_path):
    assert catalog.require(T2V).concurrency == 2
    with running_sandbox(data_dir=tmp_path / "sb", queue=True) as sb, \
            httpx.Client(base_url=sb.base_url, timeout=30) as client:
        ids = [_t2v(client, 2.0) for _ in range(5)]
        time.sleep(0.8)                         # past the 20 % every task waits, well before 2 s
        assert [_status(client, i) for i in ids] == ["RUNNING", "RUNNING", "PENDING", "PENDING", "PENDING"]
        # the third waits for the first free slot; cancelling it moves the fourth into that slot
        assert client.post(f"/tasks/{ids[2]}/cancel", headers=auth_headers()).status_code == 200
        ends = {}
        for i in (ids[0], ids[1], ids[3], ids[4]):
            body = wait_task(client, i, timeout=30, interval=0.05)
            assert body["output"]["task_status"] == "SUCCEEDED"
            ends[i] = body["output"]["end_time"]
        tasks = {t.task_id: t for t in sb.tasks.all()}
        first_free = min(tasks[ids[0]].end, tasks[ids[1]].end)
        assert abs(tasks[ids[3]].start - first_free) < 0.01        # the fourth took the cancelled one's place
        assert tasks[ids[4]].start >= max(tasks[ids[0]].end, tasks[ids[1]].end) - 0.01
        assert sorted(ends.values()) == [ends[ids[0]], ends[ids[1]], ends[ids[3]], ends[ids[4]]]
        assert _status(client, ids[2]) == "CANCELED"


def test_without_the_queue_every_task_starts_at_once(tmp_path):
    with running_sandbox(data_dir=tmp_path / "sb") as sb, httpx.Client(base_url=sb.base_url, timeout=30) as client:
        ids = [_t2v(client, 2.0) for _ in range(4)]
        time.sleep(0.8)
        assert {_status(client, i) for i in ids} == {"RUNNING"}


def test_the_list_pages_at_most_100_and_traffic_is_counted_and_limited(tmp_path):
    with running_sandbox(data_dir=tmp_path / "sb", task_seconds=600, account_qps=5) as sb, \
            httpx.Client(base_url=sb.base_url, timeout=30) as client:
        made = {_t2v(client, 600) for _ in range(3)}
        for _ in range(117):
            sb.create_foreign(T2V, {"prompt": PROMPT}, {"size": "832*480"}, task_seconds=600)
        time.sleep(1.05)                        # a fresh second for the query budget
        first = client.get("/tasks", params={"page_size": 500}, headers=auth_headers()).json()
        assert (first["total"], first["page_size"], first["total_page"], len(first["data"])) == (120, 100, 2, 100)
        second = client.get("/tasks", params={"page_size": 500, "page_no": 2}, headers=auth_headers()).json()
        seen = [e["task_id"] for e in first["data"] + second["data"]]
        assert len(seen) == len(set(seen)) == 120 and made <= set(seen)
        default = client.get("/tasks", headers=auth_headers()).json()
        assert default["page_size"] == 10 and len(default["data"]) == 10
        # three task requests so far in this second; two more pass, the sixth is refused with a 429
        codes = [client.get(f"/tasks/{next(iter(made))}", headers=auth_headers()).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert sb.stats.snapshot()["query_peak_qps"] == 5
        assert sb.stats.snapshot()["errors"].get("Throttling.RateQuota") == 1
