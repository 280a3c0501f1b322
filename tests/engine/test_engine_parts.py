"""The engine's pure parts, without a network: scheduler, poller, reconciliation rules, retry policy,
the typed chain, the store's change feed and the folder lock."""
from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bailian_video.engine import reconcile
from bailian_video.engine.ownership import FolderOwnership
from bailian_video.engine.poller import QueryBudget, poll_interval
from bailian_video.engine.records import Candidate, ChainState, Request, State, TaskRecord
from bailian_video.engine.retry import RetryPolicy
from bailian_video.engine.scheduler import Limits, Waiting, plan
from bailian_video.engine.store import TaskStore

LIMITS = Limits(global_concurrency=3, per_model=lambda m: 2 if m == "a" else 5, submit_gap=lambda m: 1.0)


# -- scheduler ------------------------------------------------------------------------------------
def test_plan_starts_oldest_first_one_per_model_per_pass_within_limits():
    waiting = [Waiting(3, "a"), Waiting(1, "a"), Waiting(2, "b"), Waiting(4, "c")]
    started, wake = plan(waiting, 0, {}, LIMITS, now=100.0, model_backoff={}, last_submit={})
    assert [w.id for w in started] == [1, 2, 4] and wake == 0.05


def test_plan_respects_global_and_per_model_limits_backoff_and_rps():
    waiting = [Waiting(1, "a"), Waiting(2, "b"), Waiting(3, "c", not_before=105.0)]
    started, wake = plan(waiting, 2, {"a": 2}, LIMITS, now=100.0, model_backoff={"b": 103.0}, last_submit={})
    assert started == [] and wake == 3.0           # a is full, b backs off 3 s, c waits 5 s
    started, wake = plan([Waiting(1, "b")], 0, {}, LIMITS, now=100.0, model_backoff={}, last_submit={"b": 99.6})
    assert started == [] and abs(wake - 0.6) < 1e-9   # one submission per second per model
    started, _ = plan([Waiting(i, "b") for i in range(5)], 2, {}, LIMITS, now=100.0, model_backoff={},
                      last_submit={})
    assert [w.id for w in started] == [0]          # the global limit of 3 leaves room for one


def test_models_sharing_a_pool_share_its_limit():
    """Vidu's 17 models share 5 running tasks: two of them count against one limit."""
    limits = Limits(global_concurrency=10, per_model=lambda key: 5 if key == "vidu" else 2, submit_gap=lambda m: 0.0)
    waiting = [Waiting(1, "vidu/q3", pool="vidu"), Waiting(2, "vidu/q2", pool="vidu"), Waiting(3, "wan")]
    started, _ = plan(waiting, 4, {"vidu": 4}, limits, now=100.0, model_backoff={}, last_submit={})
    assert [w.id for w in started] == [1, 3]       # one pool slot left, and the other model is not in the pool
    from bailian_video import catalog
    vidu = [m for m in catalog.MODELS if m.name.startswith("vidu/")]
    assert len(vidu) == 17 and {m.pool for m in vidu} == {"vidu"} and {m.concurrency for m in vidu} == {5}


# -- poller ----------------------------------------------------------------------------------------
def test_poll_interval_is_sparse_early_dense_near_the_end_and_backs_off_when_overdue():
    assert poll_interval(expected=120, elapsed=0, poll_min=2, poll_max=30) == 30
    assert poll_interval(expected=120, elapsed=110, poll_min=2, poll_max=30) == 5
    assert poll_interval(expected=120, elapsed=120, poll_min=2, poll_max=30) == 2
    assert poll_interval(expected=120, elapsed=160, poll_min=2, poll_max=30) == 12


def test_query_budget_is_a_sliding_one_second_window():
    now = [0.0]
    budget = QueryBudget(qps=2, clock=lambda: now[0])
    assert budget.take() and budget.take() and not budget.take()
    assert not budget.take(peek=True)
    now[0] = 1.01
    assert budget.take(peek=True) and budget.take()


# -- reconciliation ------------------------------------------------------------------------------
def item(task_id, created, status="RUNNING"):
    return SimpleNamespace(task_id=task_id, created_at=datetime.fromtimestamp(created, UTC), model="m",
                           raw_status=status, status=None)


def info(status="SUCCEEDED", prompt=None, usage=None):
    return SimpleNamespace(raw_status=status, orig_prompt=prompt, usage=usage or {})


def test_the_window_is_placed_on_the_services_clock():
    # our clock is 90 s fast: the request left at "1090" locally, 30 s ago; the service says it is now 1030
    sent = reconcile.service_time_of(1090.0, 1120.0, datetime.fromtimestamp(1030.0, UTC))
    assert sent == 1000.0
    items = [item("old", 900.0), item("mine", 1001.0), item("known", 1002.0)]
    assert [c.task_id for c in reconcile.in_window(items, {"known"}, sent)] == ["mine"]
    # without a Date header our own clock is all there is
    assert reconcile.service_time_of(1090.0, 1120.0, None) == 1090.0


def test_verify_needs_the_service_to_confirm_the_prompt():
    req = Request("m", {"prompt": "a cat"}, {"size": "832*480", "duration": 5})
    assert reconcile.verify(info(prompt="a  cat "), req, "a cat") == "match"
    assert reconcile.verify(info(prompt="a dog"), req, "a cat") == "mismatch"
    assert reconcile.verify(info("RUNNING"), req, "a cat") == "unverifiable"     # says nothing yet
    assert reconcile.verify(info(prompt="a cat", usage={"video_duration": 10}), req, "a cat") == "mismatch"
    assert reconcile.verify(info(prompt="a cat", usage={"video_ratio": "1280*720"}), req, "a cat") == "mismatch"
    assert reconcile.verify(info("UNKNOWN"), req, "a cat") == "mismatch"
    assert reconcile.verify(info(prompt="x" * 800), req, "x" * 900, max_prompt=800) == "match"   # truncated
    assert reconcile.verify(info(), Request("m", {}, {}), None) == "unverifiable"   # no prompt, nothing to compare


def cand(task_id, verdict, status="SUCCEEDED"):
    return Candidate(task_id=task_id, verdict=verdict, status=status)


def test_decide_adopts_only_one_proven_match_and_otherwise_waits_or_asks():
    d = reconcile.decide
    assert d([cand("a", "match"), cand("b", "mismatch")], settled=False, give_up=False).action == reconcile.ADOPT
    assert d([cand("a", "match"), cand("b", "match")], settled=True, give_up=False).reason == "ambiguous"
    assert d([cand("a", "match"), cand("b", "unverifiable", "RUNNING")], settled=True,
             give_up=False).action == reconcile.WAIT
    assert d([cand("a", "unverifiable", "RUNNING")], settled=True, give_up=False).action == reconcile.WAIT
    assert d([cand("a", "unverifiable", "RUNNING")], settled=True, give_up=True).reason == "unverifiable"
    assert d([cand("a", "unverifiable")], settled=False, give_up=False).reason == "unverifiable"
    assert d([], settled=False, give_up=False).action == reconcile.WAIT       # the service may still create it
    assert d([cand("b", "mismatch")], settled=True, give_up=False).action == reconcile.NOT_CREATED


# -- retry policy --------------------------------------------------------------------------------
def test_retry_policy_backs_off_and_gives_up_in_one_place():
    p = RetryPolicy()
    assert [p.presubmit_delay(n) for n in (1, 2, 7)] == [10.0, 20.0, 300.0]
    assert not p.presubmit_gives_up(8) and p.presubmit_gives_up(9)
    assert p.poll_error_delay(3, 2.0) == 16.0 and p.poll_error_delay(3, 2.0, retry_after=7.0) == 7.0
    assert p.download_delay(10) == 30.0


# -- records and store ----------------------------------------------------------------------------
def test_the_chain_is_typed_and_reads_old_records():
    old = {"detect": {"face_bbox": [1, 2, 3, 4]}, "template_id": "AACT.x", "step_task_ids": ["t1"],
           "not_before": None, "unknown_key": 1}
    chain = ChainState.from_json(old)
    assert chain.detect == {"face_bbox": [1, 2, 3, 4]} and chain.template_id == "AACT.x"
    assert chain.step_task_ids == ["t1"] and chain.not_before == 0.0 and chain.candidates == []
    chain.candidates = [Candidate("c1", 1.0, "m", "RUNNING")]
    again = ChainState.from_json(chain.to_json())
    assert again == chain


def test_a_stored_record_reads_back_equal_from_any_version():
    """Records are read without __init__ (a fifth of the time for 10,000 of them): what comes back must equal
    what __init__ makes, for a record of this version, an older one (fields missing) and a newer one."""
    import json

    from bailian_video.engine.records import SANDBOX, from_fields
    from bailian_video.engine.store import record_from_json, record_to_json
    rec = TaskRecord(5, Request("wan2.2-t2v-plus", {"prompt": "一只猫"}, {"seed": 3}), state=State.DONE,
                     usage={"duration": 5}, chain=ChainState(billed_units={"wan2.2-t2v-plus": 5.0},
                                                             candidates=[Candidate("c1", 1.0)]))
    again = record_from_json(5, record_to_json(rec))
    assert again == rec and type(again.chain.candidates[0]) is Candidate and again.state is State.DONE
    # An older version wrote fewer fields: the rest get their defaults, and mutable ones are not shared.
    old = [record_from_json(i, json.dumps({"request": {"model": "m"}, "state": "failed"}), SANDBOX)
           for i in (1, 2)]
    assert old[0] == TaskRecord(1, Request("m"), state=State.FAILED, backend=SANDBOX,
                                created_at=old[0].created_at, updated_at=old[0].updated_at)
    old[0].usage["x"] = 1
    old[0].chain.done_steps.append("detect")
    old[0].request.inputs["prompt"] = "p"
    assert old[1].usage == {} and old[1].chain.done_steps == [] and old[1].request.inputs == {}
    # A newer version wrote fields this one does not know: they are left out.
    newer = json.loads(record_to_json(rec))
    newer["next_year_field"] = 1
    newer["request"]["style"] = "x"
    newer["chain"]["plan"] = []
    assert record_from_json(5, json.dumps(newer)) == rec
    with pytest.raises(TypeError, match="model"):
        from_fields(Request, {"inputs": {}})


def test_the_store_feeds_changes_to_other_connections(tmp_path):
    a, b = TaskStore(tmp_path / "t.sqlite3"), TaskStore(tmp_path / "t.sqlite3")
    try:
        version, rev = b.data_version(), b.max_rev()
        rec = a.add(TaskRecord(0, Request("wan2.2-t2v-plus", {"prompt": "x"}, {})))
        assert b.data_version() != version
        [(seen, removed, new_rev)] = b.changed_since(rev)
        assert seen.id == rec.id and not removed and new_rev > rev
        rec.state = State.QUEUED
        a.save(rec)
        assert [r.state for r, _, _ in b.changed_since(new_rev)] == [State.QUEUED]
        cid = b.post_command(rec.id, "cancel")
        assert a.pending_commands() == [(cid, rec.id, "cancel", None)]
        a.finish_command(cid, "ok")
        assert b.command_result(cid) == "ok" and a.pending_commands() == []
    finally:
        a.close()
        b.close()


def test_a_file_name_that_is_not_utf8_is_stored_and_read_back_whole(tmp_path):
    store = TaskStore(tmp_path / "t.sqlite3")
    try:
        name = "/photos/caf\udce9.png"      # a Latin-1 name as Python sees it (surrogate escape)
        rec = store.add(TaskRecord(0, Request("wan2.2-i2v-flash", {"img_url": name}, {})))
        assert rec.id == 1 and store.get(1).request.inputs["img_url"] == name
        assert store.count() == 1 and store.all()[0].request.inputs["img_url"] == name     # all() reads bytes
    finally:
        store.close()


def test_one_owner_per_store_and_the_lock_says_who(tmp_path):
    db = tmp_path / "tasks.sqlite3"
    first, second = FolderOwnership(db, kind="cli"), FolderOwnership(db, kind="app")
    assert first.try_acquire()
    assert not second.try_acquire()
    assert "bailian-video command" in second.describe_owner().en
    first.release()
    assert second.try_acquire() and second.held
    second.release()
