"""Many tasks through one account: the engine hands a batch to the service's queue at once (no local hold
at the model's concurrency), learns from the task list which tasks changed, and asks about those one by
one — under the account's query limit, every video downloaded, nothing created twice. When the list
fails, every task is still followed, by polling it on its own."""
from __future__ import annotations

from engine_helpers import engine_context, run

from bailian_video.engine import Request, State
from bailian_video.sandbox.testing import running_sandbox

FAST = ("wan2.6-t2v", {"size": "1280*720", "duration": 2})      # concurrency 5 at the service
SLOW = ("wan2.2-t2v-plus", {"size": "832*480"})                  # concurrency 2


def test_a_batch_goes_to_the_service_queue_and_the_list_saves_queries(tmp_path):
    with running_sandbox(task_seconds=1.5, data_dir=tmp_path / "sb", queue=True, account_qps=20) as sb:
        async def go():
            async with engine_context(tmp_path, sb.base_url, expected_override=None) as ctx:
                eng = ctx.engine
                sent_at_once = 0

                def watch(_ev):
                    nonlocal sent_at_once
                    sent_at_once = max(sent_at_once, sum(r.state in (State.QUEUED, State.RUNNING)
                                                         for r in eng.tasks()))
                eng.subscribe(watch)
                ids = []
                for (model, params), n in ((FAST, 14), (SLOW, 6)):
                    res = await eng.submit(Request(model, {"prompt": "一只纸船漂在河上"}, params), count=n)
                    ids += [r.id for r in res.tasks]
                recs = await eng.wait(ids, timeout=90)
                return recs, sent_at_once, dict(eng.watch.counts)
        recs, sent_at_once, counts = run(go())
        assert [r.state for r in recs] == [State.DONE] * 20 and all(r.output_path for r in recs)
        assert sb.creations() == 20                          # nothing created twice
        # more were at the service at once than the two models process together (5 + 2): the rest
        # waited in the service's queue, not on this computer
        assert sent_at_once > 7
        stats = sb.stats.snapshot()
        assert stats["query_peak_qps"] <= 20 and "Throttling.RateQuota" not in stats["errors"]
        assert stats["requests"]["list"] >= 1 and counts["pages"] == stats["requests"]["list"]
        # one question per task when it finished (a handful more when a page moved under the sweep)
        assert stats["requests"]["query"] <= 20 * 1.3, stats["requests"]
        assert all(r.running_since and r.finished_at and r.running_since < r.finished_at for r in recs)


def test_when_the_task_list_fails_every_task_is_still_followed(tmp_path):
    with running_sandbox(task_seconds=1.0, data_dir=tmp_path / "sb", faults="5xx@list*1000") as sb:
        async def go():
            async with engine_context(tmp_path, sb.base_url) as ctx:
                model, params = FAST
                res = await ctx.engine.submit(Request(model, {"prompt": "灯塔在雾中"}, params), count=3)
                return await ctx.engine.wait([r.id for r in res.tasks], timeout=60)
        recs = run(go())
        assert [r.state for r in recs] == [State.DONE] * 3
        assert sb.creations() == 3
        stats = sb.stats.snapshot()
        assert stats["faults"].get("5xx", 0) >= 1           # the list was asked, and failed
        assert stats["requests"]["query"] >= 3              # each task was asked about on its own
