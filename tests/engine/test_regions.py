"""Regions and workspace hosts: where each task goes, and what is refused before anything is paid."""
from __future__ import annotations

import pytest
from engine_helpers import assert_video_file, fast_settings, run

from bailian_video import catalog
from bailian_video.catalog import regions
from bailian_video.engine import Request, State
from bailian_video.sandbox.testing import running_sandbox
from bailian_video.services import AppContext


def test_each_region_has_its_hosts_and_wan3_answers_only_on_the_workspace_host() -> None:
    wan3 = catalog.require("wan3.0-video")
    wan27 = catalog.require("wan2.7-t2v")
    assert catalog.model_base_url(wan27, "cn-beijing") == "https://dashscope.aliyuncs.com/api/v1"
    assert catalog.model_base_url(wan27, "ap-southeast-1") == "https://dashscope-intl.aliyuncs.com/api/v1"
    assert catalog.base_url("us-east-1") == "https://dashscope-us.aliyuncs.com/api/v1"
    assert catalog.model_base_url(wan3, "cn-beijing", "ws-Abc123") == \
        "https://ws-abc123.cn-beijing.maas.aliyuncs.com/api/v1"
    with pytest.raises(catalog.WorkspaceNeeded) as e:
        catalog.model_base_url(wan3, "cn-beijing")
    assert "wan3.0-video" in e.value.message.en and "workspace id" in e.value.message.en
    with pytest.raises(catalog.WorkspaceNeeded):          # Frankfurt has only workspace hosts
        catalog.base_url("eu-central-1")
    assert catalog.base_url("eu-central-1", "w1") == "https://w1.eu-central-1.maas.aliyuncs.com/api/v1"
    # A workspace id becomes part of a host name: nothing else gets in.
    for bad in ("a.evil.com/x?", "ws 1", "-ws", "ws_1", "x" * 70):
        assert not catalog.valid_workspace(bad)
        with pytest.raises(ValueError):
            catalog.base_url("cn-beijing", bad, "workspace")
    assert catalog.hosts_of("cn-beijing", "w1") == ("https://dashscope.aliyuncs.com/api/v1",
                                                   "https://w1.cn-beijing.maas.aliyuncs.com/api/v1")


def test_a_model_outside_its_regions_or_without_its_workspace_is_refused_by_name() -> None:
    errs = catalog.validate("wan2.2-kf2v-flash" if catalog.get("wan2.2-kf2v-flash") else "emo-v1",
                            {"first_frame_url": "https://example.com/a.png"}, {}, region="us-east-1", strict=False)
    region_errs = [e for e in errs if e.field == "region"]
    assert region_errs and "China (Beijing)" in region_errs[0].message.en
    errs = catalog.validate("wan3.0-video", {"prompt": "海边的日落"}, {}, region="cn-beijing", need_host=True)
    assert [e.field for e in errs] == ["workspace"]
    assert "workspace id" in errs[0].message.en
    assert catalog.validate("wan3.0-video", {"prompt": "海边的日落"}, {}, region="cn-beijing",
                            need_host=True, workspace="ws1") == []


def test_tasks_go_to_the_host_their_model_answers_on_and_the_key_nowhere_else(tmp_path, monkeypatch) -> None:
    """A shared host and a workspace host, each a real server: wan3.0 is created on the workspace
    host only, wan2.7 on the shared host only, and wan3.0 without a workspace id on neither."""
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "shared") as shared, \
            running_sandbox(task_seconds=0.5, data_dir=tmp_path / "ws") as ws:
        r = regions.REGIONS["cn-beijing"]
        monkeypatch.setitem(regions.REGIONS, "cn-beijing", regions.Region(r.id, r.label, shared.base_url, ws.base_url))

        async def go(workspace: str | None) -> list[State]:
            settings = fast_settings(tmp_path / "out")
            settings.service_limits = False
            ctx = await AppContext.create(data_dir=tmp_path / "data", api_key="sk-region-test", settings=settings,
                                          workspace=workspace)
            try:
                a = (await ctx.engine.submit(Request("wan3.0-video", {"prompt": "落日下的海浪"},
                                                     {"resolution": "480P", "duration": 2}))).tasks[0]
                b = (await ctx.engine.submit(Request("wan2.7-t2v", {"prompt": "雨中的街道"},
                                                     {"resolution": "720P", "duration": 2}))).tasks[0]
                done = await ctx.engine.wait([a.id, b.id], timeout=60)
                for rec in done:
                    assert_video_file(rec.output_path)
                assert done[0].base_url == ws.base_url and done[1].base_url == shared.base_url
                return [rec.state for rec in done]
            finally:
                await ctx.close()

        with pytest.raises(catalog.ValidationError) as e:
            run(go(None))
        assert any(err.field == "workspace" for err in e.value.errors)
        assert shared.creations() == 0 and ws.creations() == 0        # nothing was made, nothing paid

        assert run(go("ws1")) == [State.DONE, State.DONE]
        assert ws.creations("wan3.0-video") == 1 and ws.creations() == 1
        assert shared.creations("wan2.7-t2v") == 1 and shared.creations() == 1


def test_free_quota_and_prices_follow_the_region(tmp_path) -> None:
    """Outside mainland China there is no free quota, and prices are the region's own."""
    async def go(region: str) -> tuple[dict, float]:
        ctx = await AppContext.create(data_dir=tmp_path / region, api_key="sk-region-test", region=region,
                                      settings=fast_settings(tmp_path / "out"), workspace="ws1")
        try:
            est = ctx.engine.estimate(Request("wan2.6-t2v", {"prompt": "x"}, {"size": "1280*720", "duration": 5},
                                              region=region))
            return ctx.engine.totals()["free_left"], est.amount
        finally:
            await ctx.close()

    bj_free, bj_cost = run(go("cn-beijing"))
    sg_free, sg_cost = run(go("ap-southeast-1"))
    assert bj_free["wan2.6-t2v"] == 50 and "wan2.6-t2v" not in sg_free and sg_free == {}
    assert bj_cost == pytest.approx(5 * 0.6) and sg_cost == pytest.approx(5 * 0.733924, abs=1e-3)
