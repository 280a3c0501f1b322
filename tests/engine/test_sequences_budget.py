"""Sequences in the task store (shared by processes, surviving restarts) and the spending limits the
engine enforces before anything is stored or paid."""
from __future__ import annotations

import csv
import subprocess
import sys
import textwrap

import pytest
from engine_helpers import engine_context, run, until
from test_exactly_once import T2V

from bailian_video.catalog import ValidationError  # noqa: F401  (the engine raises it from submit)
from bailian_video.engine import Request, State, budget
from bailian_video.engine.records import TaskRecord
from bailian_video.engine.sequences import Sequences, cut_list, effective_take, sequence_cost
from bailian_video.engine.store import TaskStore
from bailian_video.sandbox.testing import running_sandbox


def _req(prompt: str) -> Request:
    return Request(model=T2V, inputs={"prompt": prompt}, params={"size": "832*480"})


def test_two_processes_adding_shots_at_once_lose_none_and_keep_one_order(tmp_path):
    db = tmp_path / "tasks.sqlite3"
    store = TaskStore(db, "sandbox")
    seq = Sequences(store).create("两个窗口")
    store.close()
    script = textwrap.dedent(f"""
        import sys
        from bailian_video.engine.store import TaskStore
        from bailian_video.engine.sequences import Sequences
        s = Sequences(TaskStore(sys.argv[1], "sandbox"))
        for i in range(25):
            s.add_shot({seq.id}, take=int(sys.argv[2]) * 1000 + i)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db), str(n)]) for n in (1, 2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    again = Sequences(TaskStore(db, "sandbox")).get(seq.id)     # a new process's view: from the file
    assert again is not None and again.name == "两个窗口"
    assert [s.position for s in again.shots] == list(range(50))
    takes = [s.chosen for s in again.shots]
    assert sorted(takes) == sorted([1000 + i for i in range(25)] + [2000 + i for i in range(25)])
    # each process's shots stay in the order it added them
    for n in (1, 2):
        mine = [t for t in takes if t // 1000 == n]
        assert mine == sorted(mine)


def test_shots_move_take_and_choose_and_the_film_uses_the_chosen_finished_takes(tmp_path):
    store = TaskStore(tmp_path / "t.sqlite3", "sandbox")
    recs = {}
    for i, state in enumerate([State.DONE, State.DONE, State.DONE, State.FAILED, State.RUNNING]):
        r = store.add(TaskRecord(id=0, request=_req(f"shot {i}"), state=state, cost_estimate=0.7,
                                 cost_actual=0.7 if state == State.DONE else None,
                                 output_path=f"/videos/{i}.mp4" if state == State.DONE else None))
        recs[r.id] = r
    a, b, c, failed, running = recs
    seqs = Sequences(store)
    seq = seqs.create("film")
    s1, s2 = seqs.add_shot(seq.id, a), seqs.add_shot(seq.id, b)
    s0 = seqs.add_shot(seq.id, c, position=0)
    assert [s.id for s in seqs.get(seq.id).shots] == [s0.id, s1.id, s2.id]
    seqs.move(s0.id, 5)                                     # past the end: last
    assert [s.id for s in seqs.get(seq.id).shots] == [s1.id, s2.id, s0.id]
    seqs.add_take(s2.id, failed)
    seqs.add_take(s2.id, running, choose=True)
    seq_now = seqs.get(seq.id)
    shot2 = seq_now.shot(s2.id)
    assert shot2.takes == [b, failed, running] and shot2.chosen == running
    # the chosen take is still running: the film uses the newest finished one meanwhile
    assert effective_take(shot2, recs).id == b
    assert [r.id for r, _, _ in cut_list(seq_now, recs)] == [a, b, c]
    # cost so far: every take, kept or not — 3 paid, 1 still running (its estimate), 1 failed (nothing)
    assert sequence_cost(seq_now, recs) == pytest.approx(0.7 * 4)
    with pytest.raises(ValueError):
        seqs.choose(s1.id, c)                               # not a take of that shot
    seqs.remove_shot(s1.id)
    assert [s.position for s in seqs.get(seq.id).shots] == [0, 1]
    seqs.delete(seq.id)
    assert seqs.get(seq.id) is None and store.get(a) is not None   # the videos stay


def test_a_continuation_from_a_clip_starts_past_the_repeated_part_except_as_the_first_shot(tmp_path):
    store = TaskStore(tmp_path / "t.sqlite3", "sandbox")
    p = store.add(TaskRecord(id=0, request=_req("p"), state=State.DONE, output_path="/v/p.mp4"))
    k = store.add(TaskRecord(id=0, request=_req("k"), state=State.DONE, output_path="/v/k.mp4", parent=p.id,
                             continuation={"method": "first_clip", "overlap": 5.0}))
    recs = {p.id: p, k.id: k}
    seqs = Sequences(store)
    new = seqs.continue_from(p.id, "延续")
    seqs.add_take(new.id, k.id, choose=True)
    seq = seqs.sequence_of_shot(new.id)
    assert seq.name == "延续" and [s.chosen for s in seq.shots] == [p.id, k.id]
    assert [(r.id, s) for r, s, _ in cut_list(seq, recs)] == [(p.id, 0.0), (k.id, 5.0)]
    seqs.remove_shot(seq.shots[0].id)
    assert [(r.id, s) for r, s, _ in cut_list(seqs.get(seq.id), recs)] == [(k.id, 0.0)]
    # continuing the continuation puts the next shot right after it, in the same sequence
    nxt = seqs.continue_from(k.id, "ignored")
    assert nxt.sequence == seq.id and nxt.position == 1


def test_a_task_that_would_cross_the_daily_limit_is_held_and_nothing_reaches_the_service(tmp_path):
    with running_sandbox(task_seconds=0.3, data_dir=tmp_path / "sb") as sb:
        async def go() -> None:
            async with engine_context(tmp_path, sb.base_url) as ctx:
                eng = ctx.engine
                first = await eng.submit(_req("a lighthouse at dusk"))
                one = first.tasks[0].cost_estimate
                assert one and one > 0
                await until(lambda: eng.get(first.tasks[0].id).state == State.DONE, 30)
                assert budget.spend(eng.store).today == pytest.approx(eng.get(first.tasks[0].id).cost_actual)
                budget.set_limits(eng.store, daily=one * 1.5, monthly=None)
                before = len(eng.tasks())
                with pytest.raises(budget.OverBudget) as held:
                    await eng.submit(_req("a second lighthouse"))
                hold = held.value.hold
                assert hold.period == "day" and hold.amount == pytest.approx(one)
                assert str(round(hold.limit, 2)) in held.value.hold.message().en.replace("¥", "")
                assert len(eng.tasks()) == before and sb.creations() == 1
                # "submit anyway": once, the limit stays
                anyway = await eng.submit(_req("a second lighthouse"), over_budget=True)
                assert len(anyway.tasks) == 1
                assert budget.get_limits(eng.store).daily == pytest.approx(round(one * 1.5, 2))
                # "raise the limit": the smallest whole yuan that lets the next one through
                with pytest.raises(budget.OverBudget) as again:
                    await eng.submit(_req("a third lighthouse"))
                budget.raise_for(eng.store, again.value.hold)
                assert budget.get_limits(eng.store).daily >= budget.spend(eng.store).today + one - 1e-9
                third = await eng.submit(_req("a third lighthouse"))
                ids = [anyway.tasks[0].id, third.tasks[0].id]
                await until(lambda: all(eng.get(i).state == State.DONE for i in ids), 30)
                # a monthly limit holds too
                budget.set_limits(eng.store, daily=None, monthly=budget.spend(eng.store).month + one / 2)
                with pytest.raises(budget.OverBudget) as monthly:
                    await eng.submit(_req("a fourth lighthouse"))
                assert monthly.value.hold.period == "month"
                out = tmp_path / "spending.csv"
                assert budget.write_csv(eng.store, out) == 3
                with out.open(encoding="utf-8-sig") as f:
                    rows = list(csv.DictReader(f))
                assert [r["model"] for r in rows] == [T2V] * 3 and list(rows[0]) == list(budget.CSV_COLUMNS)
                assert all(r["task_id"] and r["actual"] and float(r["seconds"]) > 0 for r in rows)
                assert sum(float(r["actual"]) for r in rows) == pytest.approx(budget.spend(eng.store).today)
        run(go(), 120)
        assert sb.creations() == 3


def test_spend_counts_estimates_while_a_price_may_come_and_nothing_for_uncharged_failures(tmp_path):
    store = TaskStore(tmp_path / "t.sqlite3", "sandbox")
    for state, est, actual in [(State.RUNNING, 1.0, None), (State.DONE, 2.0, 1.5), (State.FAILED, 4.0, None),
                               (State.CANCELED, 8.0, None), (State.WAITING, 16.0, None)]:
        store.add(TaskRecord(id=0, request=_req("x"), state=state, cost_estimate=est, cost_actual=actual))
    old = TaskRecord(id=0, request=_req("last month"), state=State.DONE, cost_estimate=32.0, cost_actual=32.0)
    old.created_at = budget.month_start(old.created_at) - 3600
    store.add(old)
    s = budget.spend(store)
    assert s.today == pytest.approx(1.0 + 1.5 + 16.0) and s.month == pytest.approx(s.today)
    assert budget.check(store, 100.0) is None                  # limits are off by default
    budget.set_limits(store, daily=20, monthly=None)
    assert budget.check(store, 1.0) is None and budget.check(store, 2.0).period == "day"
    budget.set_limits(store, daily=0, monthly="off")            # 0 / nonsense = off
    assert budget.get_limits(store) == budget.Limits(None, None)
