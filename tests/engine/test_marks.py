"""The person's marks (a star, archived) on finished tasks: stored, shared with other processes, free."""
from __future__ import annotations

import asyncio
import time

from engine_helpers import fast_settings
from test_exactly_once import T2V, app_engine, cli, stored

from bailian_video.engine import State
from bailian_video.sandbox.testing import running_sandbox
from bailian_video.services import AppContext


def test_a_guest_window_stars_and_archives_through_the_owner_and_nothing_is_paid_again(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "sb") as sb:
        made = cli("generate", "--model", T2V, "--prompt", "a lighthouse at dusk", "--param", "size=832*480",
                   base_url=sb.base_url, data=data)
        assert made.returncode == 0, made.stderr
        (before,) = stored(data)
        assert before.state == State.DONE and not before.favourite and not before.archived
        owner = app_engine(sb.base_url, data, out, seconds=30)
        try:
            assert owner.stdout.readline().strip() == "owner"

            async def as_guest() -> None:
                ctx = await AppContext.create(data_dir=data, api_key="sk-once-test", base_url=sb.base_url,
                                              settings=fast_settings(out), kind="app")
                try:
                    assert not ctx.engine.is_owner
                    ctx.engine.mark([before.id], favourite=True, archived=True)
                    end = time.monotonic() + 20
                    while time.monotonic() < end and not ctx.engine.get(before.id).archived:
                        await asyncio.sleep(0.05)
                    # the guest sees the owner's write come back through the store
                    rec = ctx.engine.get(before.id)
                    assert rec.favourite and rec.archived
                finally:
                    await ctx.close()

            asyncio.run(asyncio.wait_for(as_guest(), 60))
        finally:
            owner.terminate()
            owner.communicate(timeout=30)
        (after,) = stored(data)
        assert after.favourite and after.archived and after.state == State.DONE
        assert after.updated_at == before.updated_at and after.elapsed() == before.elapsed()
        assert sb.creations() == 1


def test_the_owner_unarchives_and_unstars_in_place(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "sb") as sb:
        made = cli("generate", "--model", T2V, "--prompt", "rain on a tin roof", "--param", "size=832*480",
                   base_url=sb.base_url, data=data)
        assert made.returncode == 0, made.stderr

        async def as_owner() -> None:
            ctx = await AppContext.create(data_dir=data, api_key="sk-once-test", base_url=sb.base_url,
                                          settings=fast_settings(out), kind="app")
            try:
                eng = ctx.engine
                (rec,) = eng.tasks()
                seen = []
                eng.subscribe(lambda ev: seen.append((ev.kind, ev.record.archived)))
                eng.mark([rec.id], archived=True)
                eng.mark([rec.id], archived=True)          # no change: no write, no event
                eng.mark([rec.id], archived=False, favourite=False)
                assert seen == [("changed", True), ("changed", False)]
            finally:
                await ctx.close()

        asyncio.run(asyncio.wait_for(as_owner(), 60))
        (after,) = stored(data)
        assert not after.archived and not after.favourite
        assert sb.creations() == 1
