"""The engine end to end against the sandbox: every fault ends in the right state, nothing lost,
nothing paid twice."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from engine_helpers import engine_context, run, until

from bailian_video.catalog import ValidationError
from bailian_video.engine import Request, State
from bailian_video.engine.outputs import read_metadata
from bailian_video.media.probe import probe
from bailian_video.media.samples import make_audio, make_image, make_video

T2V = "wan2.2-t2v-plus"


def creations(sb, model: str | None = None) -> int:
    return sb.creations(model)


def t2v(prompt="一只小猫在月光下奔跑", **params) -> Request:
    return Request(T2V, {"prompt": prompt}, {"size": "832*480", **params})


async def submit_and_wait(ctx, req, timeout=60, **kw):
    res = await ctx.engine.submit(req, **kw)
    assert res.tasks, res
    recs = await ctx.engine.wait([r.id for r in res.tasks], timeout=timeout)
    return recs[0] if len(recs) == 1 else recs


def assert_video(path, width=None, height=None, audio=None):
    info = probe(path)
    assert info.kind == "video" and info.video_codec == "h264"
    if width:
        assert (info.width, info.height) == (width, height)
    if audio is not None:
        assert info.has_audio == audio
    return info


def test_text_to_video_done_with_sidecar_metadata_and_cost(tmp_path, sandbox):
    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            rec = await submit_and_wait(ctx, t2v(seed=42))
            assert rec.state == State.DONE, (rec.error_code, rec.error_message)
            out = Path(rec.output_path)
            assert out.parent == tmp_path / "out" and out.name.endswith("_wan2.2-t2v-plus_一只小猫在月光下奔跑_seed42.mp4")
            info = assert_video(out, 832, 480)
            assert abs(info.duration - 5.0) < 0.2
            side = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
            assert side["task_id"] == rec.task_id and side["seed"] == 42 and side["parameters"]["size"] == "832*480"
            assert "sk-test" not in out.with_suffix(".json").read_text(encoding="utf-8")
            assert read_metadata(out)["task_id"] == rec.task_id
            assert rec.cost_actual == pytest.approx(0.14 * 5)
            assert ctx.engine.totals()["by_model"][T2V] == pytest.approx(0.7)
            assert ctx.engine.totals()["free_left"][T2V] == pytest.approx(45)
            assert creations(sandbox, T2V) == 1
    run(go())


def test_image_to_video_uploads_a_local_file(tmp_path, sandbox):
    img = tmp_path / "cat.png"
    make_image(img, 640, 480, text="cat")

    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            rec = await submit_and_wait(ctx, Request("wan2.2-i2v-plus", {"img_url": str(img), "prompt": "run"},
                                                     {"resolution": "480P"}))
            assert rec.state == State.DONE, rec.error_message
            info = assert_video(rec.output_path)
            assert min(info.width, info.height) == 480 and info.width > info.height
            upload = rec.files["img_url"]["uploads"]["wan2.2-i2v-plus"]   # the oss:// URL and its expiry, kept
            assert upload["url"].startswith("oss://") and upload["expires"] > rec.created_at + 47 * 3600
            assert sandbox.stats.snapshot().get("auth_leaks", 0) == 0
    run(go())


def test_emo_chain_detect_then_generate(tmp_path, sandbox):
    img, voice = tmp_path / "face.png", tmp_path / "voice.wav"
    make_image(img, 512, 512, text="face")
    make_audio(voice, 3.0)

    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            rec = await submit_and_wait(ctx, Request("emo-v1", {"image_url": str(img), "audio_url": str(voice)},
                                                     {"ratio": "1:1", "style_level": "active"}))
            assert rec.state == State.DONE, rec.error_message
            assert rec.chain.detect["face_bbox"] and rec.chain.detect["ext_bbox"]
            info = assert_video(rec.output_path, audio=True)
            assert abs(info.duration - 3.0) < 0.3
            assert rec.cost_actual == pytest.approx(0.004 + info.duration * 0.08, abs=0.05)
    run(go())


def test_emoji_chain_hands_the_detect_boxes_to_generation(tmp_path, sandbox):
    img = tmp_path / "face.jpg"
    make_image(img, 600, 600, text="face")

    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            rec = await submit_and_wait(ctx, Request("emoji-v1", {"image_url": str(img), "driven_id": "dagong_weixiao"}))
            assert rec.state == State.DONE, rec.error_message
            assert len(rec.chain.detect["face_bbox"]) == 4 and len(rec.chain.detect["ext_bbox"]) == 4
            assert_video(rec.output_path)
    run(go())


def test_detect_failure_stops_before_any_paid_generation(tmp_path, sandbox):
    img, voice = tmp_path / "noface.png", tmp_path / "voice.wav"
    make_image(img, 512, 512, text="noface", color=(5, 5, 5))
    make_audio(voice, 2.0)

    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            rec = await submit_and_wait(ctx, Request("liveportrait", {"image_url": str(img), "audio_url": str(voice)}))
            assert rec.state == State.FAILED and rec.error_code == "DetectFailed"
            assert "No human face detected" in rec.error_message
            assert creations(sandbox, "liveportrait") == 0
    run(go())


def test_animate_anyone_chain_and_template_reuse(tmp_path, sandbox):
    img, dance = tmp_path / "person.png", tmp_path / "dance.mp4"
    make_image(img, 480, 800, text="person")
    make_video(dance, 360, 640, 2.5, fps=24)

    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            rec = await submit_and_wait(ctx, Request("animate-anyone-gen2", {"image_url": str(img), "video_url": str(dance)}))
            assert rec.state == State.DONE, rec.error_message
            template = rec.chain.template_id
            assert template.startswith("AACT.")
            assert_video(rec.output_path)
            again = await submit_and_wait(ctx, Request("animate-anyone-gen2", {"image_url": str(img), "template_id": template},
                                                       {"use_ref_img_bg": True}))
            assert again.state == State.DONE, again.error_message
            assert creations(sandbox, "animate-anyone-template-gen2") == 1
    run(go())


def test_duplicate_guard_offers_the_existing_video(tmp_path, sandbox):
    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            first = await submit_and_wait(ctx, t2v("dup", seed=7))
            again = await ctx.engine.submit(t2v("dup", seed=7))        # the exact same video: offered, not paid
            assert again.tasks == [] and again.duplicate_of.id == first.id
            forced = await submit_and_wait(ctx, t2v("dup", seed=7), force=True)
            assert forced.state == State.DONE and forced.output_path != first.output_path
            assert creations(sandbox, T2V) == 2
            variation = await ctx.engine.submit(t2v("dup"))             # a random seed is a new video
            assert variation.duplicate_of is None and len(variation.tasks) == 1
    run(go())


def test_invalid_request_is_refused_before_anything_is_stored(tmp_path, sandbox):
    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            with pytest.raises(ValidationError) as e:
                await ctx.engine.submit(Request(T2V, {"prompt": "x"}, {"size": "1280*720"}))
            assert "no 720P sizes" in e.value.errors[0].message.en
            assert ctx.engine.tasks() == [] and creations(sandbox) == 0
    run(go())


@pytest.mark.parametrize("faults,state,code", [
    ("throttle@create=0.2*2", State.DONE, None),
    ("503@create*1", State.DONE, None),
    ("5xx@create*1", State.DONE, None),
    # an image-to-video without a prompt: the service returns nothing to prove the task is ours
    ("lost@create*1", State.UNCERTAIN, "Uncertain"),
    ("drop@create*1", State.DONE, None),
    ("5xx@query*3", State.DONE, None),
    ("drop@query*2", State.DONE, None),
    ("slow@query=0.5*2", State.DONE, None),
    ("throttle@query=0.2*2", State.DONE, None),
    ("truncate@download*1", State.DONE, None),
    ("drop@download*1", State.DONE, None),
    ("drop@policy*1", State.DONE, None),
    ("moderation", State.FAILED, "DataInspectionFailed"),
    ("fail", State.FAILED, "InternalError.Algo"),
    ("quota@create", State.FAILED, "Throttling.AllocationQuota"),
    ("auth@create", State.FAILED, "InvalidApiKey"),
    ("expire", State.EXPIRED, "ResultExpired"),
])
def test_every_fault_ends_in_the_right_state_and_nothing_is_paid_twice(tmp_path, sandbox, faults, state, code):
    img = tmp_path / "i.png"
    make_image(img, 320, 320)

    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            sandbox.set_faults(faults)
            # an image-to-video from a local file exercises policy, upload, create, query and download
            rec = await submit_and_wait(ctx, Request("wan2.2-i2v-flash", {"img_url": str(img)}, {"resolution": "480P"}))
            assert rec.state == state, (rec.state, rec.error_code, rec.error_message)
            if code:
                assert rec.error_code == code and rec.error_message
            if state == State.DONE:
                assert_video(rec.output_path)
                assert not Path(rec.output_path + ".part").exists()
            assert creations(sandbox) <= 1
            if state == State.DONE:
                assert creations(sandbox) == 1
            # whatever happened, the record on disk says the same
            stored = ctx.store.get(rec.id)
            assert stored.state == rec.state and stored.task_id == rec.task_id
            if state == State.UNCERTAIN:   # the person adopts the one candidate: nothing is paid again
                assert creations(sandbox) == 1 and [c.task_id for c in rec.chain.candidates] == \
                    [t.task_id for t in sandbox.tasks.all()]
                await ctx.engine.adopt(rec.id, rec.chain.candidates[0].task_id)
                rec = (await ctx.engine.wait([rec.id], timeout=60))[0]
                assert rec.state == State.DONE and creations(sandbox) == 1
                assert_video(rec.output_path)
    run(go())


def test_failed_generation_says_why_in_plain_words_and_that_a_retry_costs(tmp_path, sandbox):
    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            sandbox.set_faults("moderation")
            rec = await submit_and_wait(ctx, t2v("anything"))
            assert rec.state == State.FAILED and rec.retry_costs_money is True
            assert "content safety check" in rec.error_message_en and "inappropriate" in rec.error_message_en
            assert rec.error_code == "DataInspectionFailed"
    run(go())


def test_cancel_while_pending_cancels_on_the_service(tmp_path):
    from bailian_video.sandbox.testing import running_sandbox
    with running_sandbox(task_seconds=30, data_dir=tmp_path / "sb") as sb:
        async def go():
            async with engine_context(tmp_path, sb.base_url) as ctx:
                res = await ctx.engine.submit(t2v("cancel me"))
                rec = res.tasks[0]
                await until(lambda: rec.state == State.QUEUED, timeout=10)
                assert rec.state == State.QUEUED
                await ctx.engine.cancel(rec.id)
                assert rec.state == State.CANCELED
                import httpx
                body = httpx.get(f"{sb.base_url}/tasks/{rec.task_id}", headers={"Authorization": "Bearer sk-test"}).json()
                assert body["output"]["task_status"] == "CANCELED"
        run(go())


def test_cancel_while_running_stops_tracking_and_resume_collects_the_result(tmp_path):
    from bailian_video.sandbox.testing import running_sandbox
    with running_sandbox(task_seconds=2.0, data_dir=tmp_path / "sb") as sb:
        async def go():
            async with engine_context(tmp_path, sb.base_url) as ctx:
                rec = (await ctx.engine.submit(t2v("stop me"))).tasks[0]
                await until(lambda: rec.state == State.RUNNING, timeout=8)
                assert rec.state == State.RUNNING
                await ctx.engine.cancel(rec.id)
                assert rec.state == State.STOPPED and rec.can_resume
                await asyncio.sleep(2.5)
                await ctx.engine.resume(rec.id)
                await ctx.engine.wait([rec.id], timeout=30)
                assert rec.state == State.DONE and creations(sb) == 1
        run(go())


def test_restart_after_the_result_was_made_but_before_download(tmp_path, sandbox):
    async def first_run():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            sandbox.set_faults("drop@download")         # the download cannot even start
            rec = (await ctx.engine.submit(t2v("restart"))).tasks[0]
            await until(lambda: rec.state == State.DOWNLOADING, timeout=12)
            assert rec.state == State.DOWNLOADING      # the app "dies" here
            return rec.id

    async def second_run(rid):
        sandbox.set_faults("")
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            rec = ctx.engine.get(rid)
            await ctx.engine.wait([rid], timeout=60)
            assert rec.state == State.DONE, rec.error_message
            assert_video(rec.output_path)
            assert creations(sandbox) == 1

    rid = run(first_run())
    run(second_run(rid))


def test_an_unwritable_output_folder_is_refused_before_paying(tmp_path, sandbox):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")

    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            req = t2v("unwritable")
            req.out_dir = str(blocker / "videos")
            with pytest.raises(ValidationError) as e:
                await ctx.engine.submit(req)
            assert str(blocker / "videos") in str(e.value) and "nothing was submitted or charged" in str(e.value)
            assert ctx.engine.tasks() == [] and creations(sandbox) == 0
    run(go())


def _submit_then_lose_the_sandbox(tmp_path, wait_for, faults=""):
    from bailian_video.sandbox.testing import running_sandbox
    with running_sandbox(task_seconds=wait_for[1], data_dir=tmp_path / "sb1", faults=faults) as sb:
        async def first():
            async with engine_context(tmp_path, sb.base_url, sandbox=True) as ctx:
                rec = (await ctx.engine.submit(t2v("forgotten"))).tasks[0]
                await until(lambda: rec.state == wait_for[0], timeout=8)
                assert rec.state == wait_for[0]
                return rec.id
        return run(first())


@pytest.mark.parametrize("lost_in", [(State.QUEUED, 30), (State.DOWNLOADING, 0.3)])
def test_the_free_sandbox_reruns_what_it_forgot_when_the_app_restarts(tmp_path, lost_in):
    # when lost while downloading, the first sandbox drops every download so the file never arrives
    rid = _submit_then_lose_the_sandbox(tmp_path, lost_in, "drop@download" if lost_in[0] == State.DOWNLOADING else "")
    from bailian_video.sandbox.testing import running_sandbox
    with running_sandbox(task_seconds=0.5, data_dir=tmp_path / "sb2") as sb2:   # a new sandbox knows nothing
        async def second():
            async with engine_context(tmp_path, sb2.base_url, sandbox=True) as ctx:
                rec = ctx.engine.get(rid)
                await ctx.engine.wait([rid], timeout=60)
                assert rec.state == State.DONE, (rec.state, rec.error_message)
                assert rec.chain.sandbox_reruns == 1 and creations(sb2) == 1
                assert_video(rec.output_path)
        run(second())


def test_the_paid_service_forgetting_a_task_stops_tracking_and_says_why(tmp_path):
    from bailian_video.sandbox.testing import running_sandbox
    with running_sandbox(task_seconds=30, data_dir=tmp_path / "sb1") as sb:
        async def first():
            async with engine_context(tmp_path, sb.base_url) as ctx:
                rec = (await ctx.engine.submit(t2v("forgotten"))).tasks[0]
                await until(lambda: rec.task_id, timeout=10)
                return rec.id
        rid = run(first())
        port = sb.port
    # the same endpoint, now without the task (as the service answers a key that did not create it)
    with running_sandbox(task_seconds=1, data_dir=tmp_path / "sb2", port=port) as sb2:
        async def second():
            async with engine_context(tmp_path, sb2.base_url) as ctx:
                rec = ctx.engine.get(rid)
                await ctx.engine.wait([rid], timeout=30)
                assert rec.state == State.STOPPED and "does not know this task" in rec.error_message_en
                assert rec.can_resume and creations(sb2) == 0   # nothing re-paid; the id is kept for Resume
        run(second())


def test_an_unexpected_error_after_the_create_request_is_reconciled_not_called_failed(tmp_path, sandbox):
    """A bug between the service creating the task and us recording it must not lose (or re-pay) the task."""
    async def go():
        async with engine_context(tmp_path, sandbox.base_url) as ctx:
            real_create = ctx.client.create_task
            calls = []

            async def create_then_crash(*a, **kw):
                created = await real_create(*a, **kw)
                calls.append(created.task_id)
                if len(calls) == 1:
                    raise RuntimeError("simulated bug after the task was created")
                return created

            ctx.client.create_task = create_then_crash
            rec = await submit_and_wait(ctx, t2v("crash after create"))
            assert rec.state == State.DONE, (rec.state, rec.error_message)
            assert rec.task_id == calls[0] and len(calls) == 1
            assert creations(sandbox) == 1
    run(go())
