"""Exactly once, for real: two processes on one folder, lost and late create answers, another client's
tasks on the account, a wrong local clock, sandbox and paid service side by side, a region switch,
errors inside the poller. Creations are counted on the service's side in every test."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from engine_helpers import assert_video_file, fast_settings, run, until

from bailian_video.engine import Request, State, TaskStore
from bailian_video.engine.paths import store_path
from bailian_video.engine.store import SCHEMA_VERSION
from bailian_video.media.samples import make_image
from bailian_video.sandbox.testing import running_sandbox
from bailian_video.services import AppContext

T2V = "wan2.2-t2v-plus"
FAST = ["--poll-min", "0.1", "--expect-seconds", "1", "--reconcile-settle", "3", "--reconcile-interval", "0.3"]


def prompts_created(sb) -> list[str]:
    """Every prompt the service was asked to generate, one entry per (paid) creation."""
    return sorted(t.prompt or "" for t in sb.tasks.all())


def cli(*args: str, base_url: str, data: Path, wait: bool = True, timeout: float = 240):
    env = dict(os.environ, DASHSCOPE_API_KEY="sk-once-test", PYTHONUNBUFFERED="1", BAILIAN_VIDEO_LANG="en")
    cmd = [sys.executable, "-m", "bailian_video", *args, "--base-url", base_url, "--data-dir", str(data), *FAST]
    if not wait:
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def app_engine(base_url: str, data: Path, out: Path, seconds: float) -> subprocess.Popen:
    """The engine exactly as the app builds it (AppContext, kind "app"), in its own process, for ``seconds``."""
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from bailian_video.services import AppContext\n"
        "from bailian_video.engine import EngineSettings\n"
        "async def main():\n"
        f"    s = EngineSettings(out_dir=Path({str(out)!r}), poll_min=0.1, expected_override=1.0,\n"
        "                       reconcile_settle=3, reconcile_interval=0.3, sync_interval=0.1)\n"
        f"    ctx = await AppContext.create(data_dir={str(data)!r}, api_key='sk-once-test', base_url={base_url!r},\n"
        "                                  settings=s, kind='app')\n"
        "    print('owner' if ctx.engine.is_owner else 'guest', flush=True)\n"
        f"    await asyncio.sleep({seconds})\n"
        "    await ctx.close()\n"
        "asyncio.run(main())\n")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def batch_file(tmp_path: Path, n: int, tag: str) -> Path:
    f = tmp_path / f"{tag}.jsonl"
    f.write_text("\n".join(json.dumps({"model": T2V, "prompt": f"{tag} row {i}", "params": {"size": "832*480"}})
                           for i in range(n)), encoding="utf-8")
    return f


def stored(data: Path, sandbox: bool = False) -> list:
    store = TaskStore(store_path(data, sandbox))
    try:
        return store.all()
    finally:
        store.close()


def mp4s(out: Path) -> list[Path]:
    return sorted(out.glob("*.mp4")) if out.exists() else []


# -- two processes on one data folder ------------------------------------------------------------
@pytest.mark.parametrize("second", ["cli", "app"])
def test_two_processes_resuming_one_folder_pay_and_download_each_task_once(tmp_path, second):
    data, out = tmp_path / "data", tmp_path / "out"
    with running_sandbox(task_seconds=1.0, data_dir=tmp_path / "sb") as sb:
        queued = cli("batch", str(batch_file(tmp_path, 10, "conc")), "--no-wait", "--yes", "--out", str(out),
                     base_url=sb.base_url, data=data, wait=False)
        time.sleep(0.1)
        # while the batch runs (and owns the folder), a second process opens the same folder
        other = (cli("tasks", "resume", base_url=sb.base_url, data=data, wait=False) if second == "cli"
                 else app_engine(sb.base_url, data, out, seconds=25))
        queued.communicate(timeout=60)
        # the batch exits at once (--no-wait): the second process takes its unfinished tasks over
        third = cli("tasks", "resume", base_url=sb.base_url, data=data, wait=False)
        outs = [p.communicate(timeout=300) for p in (other, third)]
        assert all(p.returncode == 0 for p in (other, third)), outs
        recs = stored(data)
        assert [r.state for r in recs] == [State.DONE] * 10
        assert sb.creations() == 10, prompts_created(sb)
        assert prompts_created(sb) == sorted(f"conc row {i}" for i in range(10))
        assert len(mp4s(out)) == 10 and not list(out.glob("*.part"))


def test_a_guest_cli_hands_its_task_to_the_owner_and_a_killed_owner_is_taken_over(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    with running_sandbox(task_seconds=2.0, data_dir=tmp_path / "sb") as sb:
        owner = cli("batch", str(batch_file(tmp_path, 4, "owner")), "--out", str(out), base_url=sb.base_url,
                    data=data, wait=False)
        until_file = time.monotonic() + 30
        while not stored(data) and time.monotonic() < until_file:
            time.sleep(0.05)
        guest = cli("generate", "--model", T2V, "--prompt", "guest task", "--param", "size=832*480", "--out",
                    str(out), base_url=sb.base_url, data=data, wait=False)
        # The guest has found the owner and handed it its task once the task is in the folder's store (however
        # long a busy machine takes to start it); then the owner dies mid-work and the guest takes over.
        until_guest = time.monotonic() + 60
        while time.monotonic() < until_guest and guest.poll() is None and \
                not any(r.request.prompt == "guest task" for r in stored(data)):
            time.sleep(0.05)
        owner.send_signal(signal.SIGKILL)
        owner.communicate(timeout=10)
        g_out, g_err = guest.communicate(timeout=120)
        assert guest.returncode == 0, g_err
        assert "being run by a bailian-video command" in g_err
        assert Path(g_out.strip().splitlines()[-1]).name.endswith(".mp4")
        resumed = cli("tasks", "resume", base_url=sb.base_url, data=data)   # the killed batch's rows
        assert resumed.returncode == 0, resumed.stderr
        assert [r.state for r in stored(data)] == [State.DONE] * 5
        assert sb.creations() == 5 and len(set(prompts_created(sb))) == 5
        assert len(mp4s(out)) == 5


def test_read_only_commands_work_while_another_process_owns_the_folder(tmp_path):
    data = tmp_path / "data"
    with running_sandbox(task_seconds=3.0, data_dir=tmp_path / "sb") as sb:
        owner = cli("batch", str(batch_file(tmp_path, 2, "ro")), "--out", str(tmp_path / "out"),
                    base_url=sb.base_url, data=data, wait=False)
        try:
            end = time.monotonic() + 30
            listed: list = []
            while len(listed) < 2 and time.monotonic() < end:
                r = cli("tasks", "list", "--json", base_url=sb.base_url, data=data)
                assert r.returncode == 0, r.stderr
                listed = json.loads(r.stdout)
            assert len(listed) == 2
            shown = cli("tasks", "show", str(listed[0]["id"]), base_url=sb.base_url, data=data)
            assert shown.returncode == 0 and json.loads(shown.stdout)["prompt"] == "ro row 0"
        finally:
            owner.communicate(timeout=120)
        assert owner.returncode == 0 and sb.creations() == 2


# -- reconciliation ----------------------------------------------------------------------------
def _engine(tmp_path, base_url, **kw):
    clock = kw.pop("clock", None)
    options = kw.pop("client_options", None)
    settings = fast_settings(tmp_path / "out", **kw)
    return AppContext.create(data_dir=tmp_path / "data", api_key="sk-once-test", base_url=base_url,
                             settings=settings, clock=clock, client_options=options)


def test_a_lost_answer_never_adopts_another_clients_task_of_the_same_model(tmp_path):
    with running_sandbox(task_seconds=0.8, data_dir=tmp_path / "sb") as sb:
        async def go():
            ctx = await _engine(tmp_path, sb.base_url)
            try:
                foreign = sb.create_foreign(T2V, {"prompt": "FOREIGN task from another client"}, {"size": "832*480"})
                sb.set_faults("lost@create*1")
                rec = (await ctx.engine.submit(Request(T2V, {"prompt": "MINE: a red balloon over the sea"},
                                                       {"size": "832*480"}))).tasks[0]
                rec = (await ctx.engine.wait([rec.id], timeout=60))[0]
                assert rec.state == State.DONE, rec.error_message
                assert rec.task_id != foreign
                assert sb.tasks.get(rec.task_id).prompt == "MINE: a red balloon over the sea"
                assert sb.creations() == 2 and sb.creations(foreign=True) == 1   # mine once, theirs once
                assert_video_file(rec.output_path)
            finally:
                await ctx.close()
        run(go())


def test_a_dropped_and_a_lost_create_in_one_batch_each_get_their_own_task(tmp_path):
    """Reproduction 2 of the review: once the second row's task was adopted by the first row."""
    with running_sandbox(task_seconds=0.8, data_dir=tmp_path / "sb", faults="drop@create*1,lost@create*1") as sb:
        async def go():
            ctx = await _engine(tmp_path, sb.base_url)
            try:
                a = (await ctx.engine.submit(Request(T2V, {"prompt": "ROW-A a cat"}, {"size": "832*480"}))).tasks[0]
                b = (await ctx.engine.submit(Request(T2V, {"prompt": "ROW-B a dog"}, {"size": "832*480"}))).tasks[0]
                a, b = await ctx.engine.wait([a.id, b.id], timeout=90)
                assert a.state == b.state == State.DONE, (a.error_message, b.error_message)
                assert sb.tasks.get(a.task_id).prompt == "ROW-A a cat"
                assert sb.tasks.get(b.task_id).prompt == "ROW-B a dog"
                assert prompts_created(sb) == ["ROW-A a cat", "ROW-B a dog"]   # each paid once
            finally:
                await ctx.close()
        run(go())


def _one_video_paid_once(tmp_path, faults: str, prompt: str, **engine_kw) -> None:
    """One text-to-video through ``faults``: it ends DONE, and the service created exactly one task."""
    with running_sandbox(task_seconds=0.8, data_dir=tmp_path / "sb", faults=faults) as sb:
        async def go():
            ctx = await _engine(tmp_path, sb.base_url, **engine_kw)
            try:
                rec = (await ctx.engine.submit(Request(T2V, {"prompt": prompt}, {"size": "832*480"}))).tasks[0]
                rec = (await ctx.engine.wait([rec.id], timeout=60))[0]
                assert rec.state == State.DONE, rec.error_message
                assert sb.creations() == 1
            finally:
                await ctx.close()
        run(go())


def test_a_create_answered_after_the_client_timeout_is_adopted_not_paid_again(tmp_path):
    # The service creates the task at once but answers 3 s later; the client gives up after 1 s.
    _one_video_paid_once(tmp_path, "late@create=3*1", "slow answer",
                         client_options={"timeout": 1.0, "max_retries": 0}, reconcile_settle=6.0)


def test_a_create_the_service_makes_late_is_found_within_the_settle_time(tmp_path):
    # slow@create: the service takes 3 s before it even creates the task; the client gave up after 1 s.
    _one_video_paid_once(tmp_path, "slow@create=3*1", "made late",
                         client_options={"timeout": 1.0, "max_retries": 0}, reconcile_settle=8.0)


@pytest.mark.parametrize("offset", [+90.0, -90.0, +3 * 3600.0])
def test_a_wrong_local_clock_does_not_pay_twice(tmp_path, offset):
    _one_video_paid_once(tmp_path, "lost@create*1", f"clock {offset:+.0f}", clock=lambda: time.time() + offset)


def test_a_lost_answer_with_a_failing_task_list_ends_uncertain_then_the_cli_adopts(tmp_path):
    data = tmp_path / "data"
    with running_sandbox(task_seconds=0.8, data_dir=tmp_path / "sb", faults="lost@create*1,5xx@list") as sb:
        async def go():
            ctx = await _engine(tmp_path, sb.base_url, reconcile_list_deadline=3.0)
            try:
                rec = (await ctx.engine.submit(Request(T2V, {"prompt": "list is down"}, {"size": "832*480"}))).tasks[0]
                rec = (await ctx.engine.wait([rec.id], timeout=60))[0]
                assert rec.state == State.UNCERTAIN and rec.chain.uncertain_reason == "list_failed"
                assert "task list failed" in rec.error_message_en
                return rec.id
            finally:
                await ctx.close()
        rid = run(go())
        assert sb.creations() == 1
        sb.set_faults("")
        shown = cli("tasks", "show", str(rid), base_url=sb.base_url, data=data)
        assert "needs your decision" in shown.stderr and "tasks adopt" in shown.stderr
        service_id = sb.tasks.all()[0].task_id
        adopted = cli("tasks", "adopt", str(rid), service_id, base_url=sb.base_url, data=data)
        assert adopted.returncode == 0, adopted.stderr
        assert [r.state for r in stored(data)] == [State.DONE] and sb.creations() == 1


def test_an_unverifiable_candidate_waits_for_the_person_and_resubmit_pays_once_more(tmp_path):
    data = tmp_path / "data"
    img = tmp_path / "photo.png"
    make_image(img, 480, 480, text="me")
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "sb", faults="lost@create*1") as sb:
        r = cli("generate", "--model", "wan2.2-i2v-flash", "--input", f"img_url={img}", "--param", "resolution=480P",
                "--out", str(tmp_path / "out"), base_url=sb.base_url, data=data)
        assert r.returncode == 4, r.stderr          # "needs your decision", never a silent choice
        assert "needs your decision" in r.stderr and sb.tasks.all()[0].task_id in r.stderr
        assert sb.creations() == 1
        rid = stored(data)[0].id
        again = cli("tasks", "resubmit", str(rid), base_url=sb.base_url, data=data)
        assert again.returncode == 0, again.stderr
        assert sb.creations() == 2 and [r.state for r in stored(data)] == [State.DONE]


# -- sandbox and paid service ------------------------------------------------------------------
def test_the_sandbox_and_the_paid_service_never_share_tasks(tmp_path):
    data = tmp_path / "data"
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "paid") as paid:
        args = ["--model", T2V, "--prompt", "sandbox mix: a lighthouse at dusk", "--param", "size=832*480",
                "--param", "seed=7", "--out", str(tmp_path / "out")]
        free = cli("generate", "--sandbox", "--sandbox-task-seconds", "0.5", *args, base_url=paid.base_url, data=data)
        assert free.returncode == 0, free.stderr
        assert paid.creations() == 0
        real = cli("generate", *args, base_url=paid.base_url, data=data)
        assert real.returncode == 0, real.stderr
        assert "already made" not in real.stderr and paid.creations() == 1   # not the sandbox's render
        # rows queued in the sandbox are never paid on the service
        q = cli("batch", str(batch_file(tmp_path, 3, "trial")), "--sandbox", "--no-wait", base_url=paid.base_url,
                data=data)
        assert q.returncode == 0, q.stderr
        resumed = cli("tasks", "resume", base_url=paid.base_url, data=data)
        assert resumed.returncode == 0, resumed.stderr
        assert paid.creations() == 1
        assert [r.backend for r in stored(data)] == ["service"]
        assert {r.backend for r in stored(data, sandbox=True)} == {"sandbox"}


def test_a_store_refuses_to_open_for_the_other_backend(tmp_path):
    from bailian_video.engine.store import StoreError
    TaskStore(tmp_path / "t.sqlite3", "sandbox").close()
    with pytest.raises(StoreError, match="never share"):
        TaskStore(tmp_path / "t.sqlite3", "service")


# -- a region switch, errors while polling -------------------------------------------------------
def test_a_region_switch_with_tasks_in_flight_strands_nothing(tmp_path, monkeypatch):
    from bailian_video.catalog import regions
    with running_sandbox(task_seconds=3.0, data_dir=tmp_path / "bj") as bj, \
            running_sandbox(task_seconds=0.5, data_dir=tmp_path / "sg") as sg:
        for rid_, url in (("cn-beijing", bj.base_url), ("ap-southeast-1", sg.base_url)):   # the two regions' hosts
            r = regions.REGIONS[rid_]
            monkeypatch.setitem(regions.REGIONS, rid_, regions.Region(r.id, r.label, url, url))

        async def go():
            settings = fast_settings(tmp_path / "out", expected_override=3.0)
            ctx = await AppContext.create(data_dir=tmp_path / "data", api_key="sk-once-test", settings=settings)
            rec = (await ctx.engine.submit(Request(T2V, {"prompt": "made in Beijing"}, {"size": "832*480"}))).tasks[0]
            await until(lambda: rec.state == State.QUEUED or rec.state == State.RUNNING, timeout=20)
            rid = rec.id
            await ctx.close()             # what Settings → region does: a new engine for the other region
            settings = fast_settings(tmp_path / "out", expected_override=3.0)
            ctx = await AppContext.create(data_dir=tmp_path / "data", api_key="sk-once-test",
                                          region="ap-southeast-1", settings=settings)
            try:
                new = (await ctx.engine.submit(Request(T2V, {"prompt": "made in Singapore"}, {"size": "832*480"},
                                                       region="ap-southeast-1"))).tasks[0]
                old, new = await ctx.engine.wait([rid, new.id], timeout=60)
                assert old.state == new.state == State.DONE, (old.error_message, new.error_message)
                assert old.base_url == bj.base_url and new.base_url == sg.base_url
            finally:
                await ctx.close()
        run(go())
        assert prompts_created(bj) == ["made in Beijing"] and prompts_created(sg) == ["made in Singapore"]


def test_an_exception_inside_the_poller_is_retried_and_never_hangs(tmp_path):
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "sb") as sb:
        async def go():
            ctx = await _engine(tmp_path, sb.base_url, poll_error_budget=4)
            try:
                client = ctx.engine.client
                real, calls = client.get_task, []

                async def flaky(task_id, **kw):
                    calls.append(task_id)
                    if len(calls) <= 2:
                        raise RuntimeError("a bug while reading the answer")
                    return await real(task_id, **kw)
                client.get_task = flaky
                rec = (await ctx.engine.submit(Request(T2V, {"prompt": "bug in poll"}, {"size": "832*480"}))).tasks[0]
                rec = (await ctx.engine.wait([rec.id], timeout=60))[0]
                assert rec.state == State.DONE and len(calls) >= 3

                async def broken(task_id, **kw):
                    raise RuntimeError("always broken")
                client.get_task = broken
                rec2 = (await ctx.engine.submit(Request(T2V, {"prompt": "bug forever"}, {"size": "832*480"}))).tasks[0]
                rec2 = (await ctx.engine.wait([rec2.id], timeout=60))[0]
                assert rec2.state == State.STOPPED and "internal error" in rec2.error_message_en
                assert rec2.can_resume
            finally:
                await ctx.close()
        run(go())
        assert sb.creations() == 2


def test_one_rejected_query_does_not_stop_a_paid_task_and_the_cli_resumes_a_stopped_one(tmp_path):
    data = tmp_path / "data"
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "sb", faults="auth@query*1") as sb:
        r = cli("generate", "--model", T2V, "--prompt", "one 401", "--param", "size=832*480", "--out",
                str(tmp_path / "out"), base_url=sb.base_url, data=data)
        assert r.returncode == 0, r.stderr
        sb.set_faults("auth@query")      # the key is now rejected on every query
        r = cli("generate", "--model", T2V, "--prompt", "key rejected", "--param", "size=832*480", "--out",
                str(tmp_path / "out"), base_url=sb.base_url, data=data)
        assert r.returncode == 1 and "API key was rejected" in r.stderr
        rec = [x for x in stored(data) if x.prompt == "key rejected"][0]
        assert rec.state == State.STOPPED and rec.error_code == "KeyRejected"
        sb.set_faults("")                # the person fixed the key
        resumed = cli("tasks", "resume", base_url=sb.base_url, data=data)
        assert resumed.returncode == 0, resumed.stderr
        assert [x.state for x in stored(data)] == [State.DONE, State.DONE]
        assert sb.creations() == 2


def test_a_guest_command_is_carried_out_by_the_owning_process(tmp_path):
    """`tasks cancel` while the app owns the folder: the app's engine cancels on the service."""
    data, out = tmp_path / "data", tmp_path / "out"
    with running_sandbox(task_seconds=60.0, data_dir=tmp_path / "sb") as sb:
        app = app_engine(sb.base_url, data, out, seconds=20)
        assert app.stdout.readline().strip() == "owner"
        queued = cli("generate", "--model", T2V, "--prompt", "cancel me from the CLI", "--param", "size=832*480",
                     "--no-wait", base_url=sb.base_url, data=data)
        assert queued.returncode == 0 and "being run by the Bailian Video Studio window" in queued.stderr
        rid = int(queued.stdout.strip().splitlines()[-1])
        end = time.monotonic() + 30
        while time.monotonic() < end and not (stored(data)[0].task_id and stored(data)[0].state == State.QUEUED):
            time.sleep(0.1)
        canceled = cli("tasks", "cancel", str(rid), base_url=sb.base_url, data=data)
        assert canceled.returncode == 0, canceled.stderr
        assert stored(data)[0].state == State.CANCELED
        assert sb.tasks.all()[0].canceled and sb.creations() == 1
        app.terminate()
        app.communicate(timeout=30)


def _open_store_at(path: str, start_at: float) -> None:
    while time.time() < start_at:
        time.sleep(0.001)
    TaskStore(Path(path)).close()


def test_several_processes_opening_a_new_folder_at_once_all_succeed(tmp_path):
    """The first run of the app and a CLI command at the same moment: one creates the schema, none fails."""
    import multiprocessing as mp
    ctx = mp.get_context("spawn")
    for trial in range(5):
        db = tmp_path / f"t{trial}" / "tasks.sqlite3"
        db.parent.mkdir()
        start_at = time.time() + 1.5
        procs = [ctx.Process(target=_open_store_at, args=(str(db), start_at)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0]
        store = TaskStore(db)
        assert store.version == SCHEMA_VERSION and store.count() == 0
        store.close()
