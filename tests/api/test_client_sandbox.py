"""The client end to end against the real sandbox on 127.0.0.1: every family, detect, uploads, faults."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bailian_video import catalog
from bailian_video.api import errors as E
from bailian_video.api.client import DashScopeClient
from bailian_video.api.requests import build_body
from bailian_video.api.types import DetectResult, TaskInfo, TaskStatus

sandbox_testing = pytest.importorskip("bailian_video.sandbox.testing")
running_sandbox = sandbox_testing.running_sandbox
TEST_KEY = sandbox_testing.TEST_KEY
BJ = catalog.BEIJING


# -- fixtures -------------------------------------------------------------------------------------
@pytest.fixture
def sb(tmp_path: Path) -> Iterator[Any]:
    with running_sandbox(task_seconds=0.4, data_dir=tmp_path / "sandbox", workers=4) as sandbox:
        yield sandbox
        assert sandbox.stats.auth_leaks == 0, "the API key reached an upload or result host"


@pytest.fixture(scope="session")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples = pytest.importorskip("bailian_video.media.samples")
    d = tmp_path_factory.mktemp("api-assets")
    samples.make_image(d / "face.png", 512, 512, text="face", color=(200, 160, 120))
    samples.make_image(d / "person.png", 480, 800, text="person", color=(90, 140, 200))
    samples.make_image(d / "noface.png", 512, 512, text="nobody", color=(120, 200, 120))
    samples.make_image(d / "wide.png", 640, 360, text="first", color=(200, 80, 80))
    samples.make_image(d / "last.png", 640, 360, text="last", color=(80, 80, 200))
    samples.make_audio(d / "voice.wav", 2.0)
    samples.make_video(d / "clip.mp4", 640, 360, 2.0, fps=25, with_audio=True, text="clip")
    samples.make_video(d / "dance.mp4", 360, 640, 2.0, fps=25, with_audio=True, text="dance")
    samples.make_video(d / "speaker.mp4", 640, 640, 2.0, fps=25, with_audio=False, text="speaker")
    return d


@pytest.fixture(scope="session")
def url(assets: Path) -> Iterator[Callable[[str], str]]:
    with sandbox_testing.static_server(assets) as base:
        yield lambda name: f"{base}/{name}"


def make(sb: Any, **kw: Any) -> DashScopeClient:
    kw.setdefault("backoff_base", 0.01)
    kw.setdefault("backoff_cap", 0.05)
    kw.setdefault("timeout", 30.0)
    return DashScopeClient(kw.pop("key", TEST_KEY), base_url=sb.base_url, **kw)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


# -- helpers --------------------------------------------------------------------------------------
async def wait(c: DashScopeClient, task_id: str, model: str, timeout: float = 90.0) -> TaskInfo:
    end = time.monotonic() + timeout
    while True:
        info = await c.get_task(task_id, model=model)
        if info.status.terminal or time.monotonic() > end:
            return info
        await asyncio.sleep(0.1)


async def submit(c: DashScopeClient, model: str, inputs: dict, params: dict | None = None,
                 function: str | None = None) -> str:
    spec = catalog.require(model)
    merged = {**spec.default_params(function), **(params or {})}
    body = build_body(spec, inputs, merged, region=BJ, function=function)
    created = await c.create_task(body["model"], body["input"], body.get("parameters"), endpoint=spec.endpoint)
    assert created.status is TaskStatus.PENDING and created.request_id
    return created.task_id


async def generate(c: DashScopeClient, tmp: Path, model: str, inputs: dict, params: dict | None = None,
                   function: str | None = None) -> tuple[TaskInfo, Path]:
    task_id = await submit(c, model, inputs, params, function)
    info = await wait(c, task_id, model)
    assert info.status is TaskStatus.SUCCEEDED, (info.code, info.message)
    assert info.result_url and info.end_time is not None and info.usage
    dest = await c.download(info.result_url, tmp / f"{model}-{task_id}.mp4")
    assert_mp4(dest)
    return info, dest


def assert_mp4(path: Path) -> None:
    head = path.read_bytes()[:12]
    assert path.exists() and head[4:8] == b"ftyp", head
    assert not path.with_name(path.name + ".part").exists()


async def detect(c: DashScopeClient, model: str, image: str, params: dict | None = None) -> DetectResult:
    spec = catalog.require(model)
    merged = {**spec.default_params(), **(params or {})}
    body = build_body(spec, {"image_url": image}, merged, region=BJ)
    res = await c.call_sync(body["model"], body["input"], body.get("parameters"), endpoint=spec.endpoint,
                            detect_rule=spec.detect_rule)
    assert isinstance(res, DetectResult) and res.usage == {"image_count": 1} and res.request_id
    return res


# -- every family ---------------------------------------------------------------------------------
def test_text_and_image_families(sb: Any, url: Callable[[str], str], tmp_path: Path) -> None:
    """T2V, I2V, KF2V, VACE, style transform and VideoRetalk, concurrently through one client."""
    async def go() -> None:
        async with make(sb) as c:
            results = await asyncio.gather(
                generate(c, tmp_path, "wan2.2-t2v-plus", {"prompt": "a red kite"}, {"size": "832*480"}),
                generate(c, tmp_path, "wan2.2-i2v-plus", {"img_url": url("wide.png"), "prompt": "zoom"},
                         {"resolution": "480P"}),
                generate(c, tmp_path, "wan2.2-kf2v-flash", {"first_frame_url": url("wide.png"),
                                                            "last_frame_url": url("last.png"), "prompt": "morph"},
                         {"resolution": "480P"}),
                generate(c, tmp_path, "wanx2.1-vace-plus",
                         {"prompt": "a walk", "ref_images_url": [url("face.png"), url("wide.png")]},
                         {"obj_or_bg": ["obj", "bg"], "size": "1280*720"}, function="image_reference"),
                generate(c, tmp_path, "video-style-transform", {"video_url": url("clip.mp4")},
                         {"style": 3, "min_len": 540}),
                generate(c, tmp_path, "videoretalk", {"video_url": url("speaker.mp4"),
                                                      "audio_url": url("voice.wav")}))
            style = results[4][0]
            assert "output_video_url" in style.output and "video_url" not in style.output
            assert len({dest for _, dest in results}) == 6
    run(go())
    assert sum(sb.stats.creations.values()) == 6


def test_portrait_chains_with_detect(sb: Any, url: Callable[[str], str], tmp_path: Path) -> None:
    async def go() -> None:
        async with make(sb) as c:
            # EMO: check_pass + boxes carried into the generation call
            emo = await detect(c, "emo-detect-v1", url("face.png"), {"ratio": "1:1"})
            assert emo.passed and emo.humanoid and emo.face_bbox and emo.ext_bbox
            info, _ = await generate(c, tmp_path, "emo-v1", {"image_url": url("face.png"),
                                                             "audio_url": url("voice.wav"),
                                                             "face_bbox": emo.face_bbox, "ext_bbox": emo.ext_bbox})
            assert "results" in info.output            # the result came from output.results.video_url
            # LivePortrait: pass + message
            lp = await detect(c, "liveportrait-detect", url("face.png"))
            assert lp.passed and lp.reason is None
            await generate(c, tmp_path, "liveportrait", {"image_url": url("face.png"), "audio_url": url("voice.wav")})
            # Emoji: bbox_face/ext_bbox_face renamed to the generation call's names
            emoji = await detect(c, "emoji-detect-v1", url("face.png"))
            assert emoji.passed and emoji.face_bbox == emoji.output["bbox_face"]
            assert emoji.ext_bbox == emoji.output["ext_bbox_face"]
            await generate(c, tmp_path, "emoji-v1", {"image_url": url("face.png"), "driven_id": "mengwa_kaixin",
                                                     "face_bbox": emoji.face_bbox, "ext_bbox": emoji.ext_bbox})
            # AnimateAnyone: detect -> template -> video
            aa = await detect(c, "animate-anyone-detect-gen2", url("person.png"))
            assert aa.passed and aa.bodystyle in ("full", "half")
            tpl_id = await submit(c, "animate-anyone-template-gen2", {"video_url": url("dance.mp4")})
            tpl = await wait(c, tpl_id, "animate-anyone-template-gen2")
            assert tpl.status is TaskStatus.SUCCEEDED and tpl.template_id and tpl.result_url is None
            await generate(c, tmp_path, "animate-anyone-gen2", {"image_url": url("person.png"),
                                                                "template_id": tpl.template_id})
    run(go())


def test_detect_failures_for_all_four_rules(sb: Any, url: Callable[[str], str]) -> None:
    async def go() -> None:
        async with make(sb) as c:
            for model in ("emo-detect-v1", "liveportrait-detect", "emoji-detect-v1", "animate-anyone-detect-gen2"):
                res = await detect(c, model, url("noface.png"))
                assert not res.passed and res.reason, model
                assert res.face_bbox is None and res.ext_bbox is None
    run(go())
    assert sb.stats.detects["emoji-detect-v1"] == 1


# -- uploads --------------------------------------------------------------------------------------
def test_upload_a_local_image_for_i2v(sb: Any, assets: Path, tmp_path: Path) -> None:
    async def go() -> None:
        async with make(sb) as c:
            seen: list[tuple[int, int]] = []
            oss = await c.resolve_input("wan2.2-i2v-plus", str(assets / "wide.png"), data_uri_ok=True,
                                        progress=lambda d, t: seen.append((d, t)))
            assert oss.startswith("oss://dashscope-instant/")
            size = (assets / "wide.png").stat().st_size
            assert seen[-1] == (size, size)
            # the create call adds X-DashScope-OssResourceResolve by itself
            await generate(c, tmp_path, "wan2.2-i2v-plus", {"img_url": oss, "prompt": "pan"},
                           {"resolution": "480P"})
            # a second file for the same model reuses the policy
            await c.upload_file("wan2.2-i2v-plus", assets / "last.png")
    run(go())
    assert sb.stats.uploads == 2 and sb.stats.requests["policy"] == 1


def test_upload_survives_policy_and_storage_hiccups(sb: Any, assets: Path) -> None:
    sb.set_faults("5xx@policy*1,503@upload*1")
    async def go() -> str:
        async with make(sb) as c:
            return (await c.upload_file("emo-v1", assets / "face.png")).oss_url
    assert run(go()).startswith("oss://")
    assert sb.stats.uploads == 1 and sb.stats.faults["5xx"] == 1 and sb.stats.faults["503"] == 1


def test_upload_bound_to_its_model(sb: Any, assets: Path) -> None:
    async def go() -> None:
        async with make(sb) as c:
            oss = (await c.upload_file("emo-v1", assets / "face.png")).oss_url
            with pytest.raises(E.InvalidParameterError):
                await c.call_sync("liveportrait-detect", {"image_url": oss}, None,
                                  endpoint=catalog.require("liveportrait-detect").endpoint, detect_rule="pass")
    run(go())


# -- faults -> error classes -----------------------------------------------------------------------
T2V = catalog.require("wan2.2-t2v-plus")


async def t2v(c: DashScopeClient) -> str:
    return await submit(c, "wan2.2-t2v-plus", {"prompt": "a red kite"}, {"size": "832*480"})


def test_throttle_once_then_success(sb: Any, assets: Path) -> None:
    sb.set_faults("throttle@create=0.3*1")

    async def go() -> str:
        async with make(sb) as c:
            return await t2v(c)

    t0 = time.monotonic()
    assert run(go())
    assert time.monotonic() - t0 >= 0.3          # Retry-After honoured
    assert sb.stats.faults["throttle"] == 1 and sb.stats.creations["wan2.2-t2v-plus"] == 1


@pytest.mark.parametrize(("spec", "cls"), [
    ("quota@create", E.QuotaExhaustedError),
    ("auth@create", E.AuthenticationError),
])
def test_definite_errors(sb: Any, spec: str, cls: type) -> None:
    sb.set_faults(spec)

    async def go() -> None:
        async with make(sb) as c:
            await t2v(c)

    with pytest.raises(cls) as info:
        run(go())
    assert info.value.request_id and sb.stats.requests["create"] == 1
    assert TEST_KEY not in str(info.value) and TEST_KEY not in repr(info.value)


def test_wrong_key_is_an_authentication_error(tmp_path: Path) -> None:
    with running_sandbox(data_dir=tmp_path / "sb", api_keys={"sk-the-right-one"}) as sandbox:
        async def go() -> None:
            async with make(sandbox, key="sk-a-wrong-key-000") as c:
                await c.get_task("whatever")
        with pytest.raises(E.AuthenticationError):
            run(go())


def test_moderation_fails_the_task(sb: Any, assets: Path) -> None:
    sb.set_faults("moderation@create*1")

    async def go() -> TaskInfo:
        async with make(sb) as c:
            return await wait(c, await t2v(c), "wan2.2-t2v-plus")

    info = run(go())
    assert info.status is TaskStatus.FAILED and info.code == "DataInspectionFailed"
    assert isinstance(E.classify(200, info.code, info.message, info.request_id), E.ContentModerationError)


def test_5xx_on_create_is_uncertain_and_sent_once(sb: Any) -> None:
    sb.set_faults("5xx@create*1")

    async def go() -> None:
        async with make(sb) as c:
            await t2v(c)

    with pytest.raises(E.SubmissionUncertainError) as info:
        run(go())
    assert info.value.http_status == 500 and info.value.model == "wan2.2-t2v-plus"
    assert sb.stats.requests["create"] == 1


def test_503_on_create_is_retried(sb: Any, assets: Path) -> None:
    sb.set_faults("503@create*1")

    async def go() -> str:
        async with make(sb) as c:
            return await t2v(c)

    assert run(go())
    assert sb.stats.requests["create"] == 2 and sb.stats.creations["wan2.2-t2v-plus"] == 1


def test_lost_answer_is_uncertain_and_the_task_is_found_in_the_list(sb: Any, assets: Path) -> None:
    sb.set_faults("lost@create*1")

    async def go() -> None:
        async with make(sb) as c:
            with pytest.raises(E.SubmissionUncertainError) as info:
                await t2v(c)
            err = info.value
            assert sb.stats.requests["create"] == 1
            page = await c.list_tasks(start=err.submitted_at - timedelta(minutes=1),
                                      end=err.gave_up_at + timedelta(minutes=1), model_name=err.model)
            assert page.total == 1 and len(page.items) == 1
            found = page.items[0]
            assert found.model == "wan2.2-t2v-plus" and found.created_at is not None
            assert err.submitted_at - timedelta(seconds=5) <= found.created_at <= err.gave_up_at + timedelta(seconds=5)
            items = [i async for i in c.iter_tasks(start=err.submitted_at - timedelta(minutes=1),
                                                   end=err.gave_up_at + timedelta(minutes=1), model_name=err.model)]
            assert [i.task_id for i in items] == [found.task_id]
            info2 = await wait(c, found.task_id, err.model)
            assert info2.status is TaskStatus.SUCCEEDED

    run(go())
    assert sb.stats.creations["wan2.2-t2v-plus"] == 1


def test_dropped_before_processing_is_uncertain_and_absent(sb: Any) -> None:
    sb.set_faults("drop@create*1")

    async def go() -> None:
        async with make(sb) as c:
            with pytest.raises(E.SubmissionUncertainError) as info:
                await t2v(c)
            err = info.value
            page = await c.list_tasks(start=err.submitted_at - timedelta(minutes=1),
                                      end=err.gave_up_at + timedelta(minutes=1), model_name=err.model)
            assert page.items == []

    run(go())


def test_query_hiccups_are_retried(sb: Any, assets: Path) -> None:
    async def go() -> TaskInfo:
        async with make(sb) as c:
            task_id = await t2v(c)
            sb.set_faults("drop@query*1,5xx@query*1,badjson@query*1,throttle@query=0.05*1")
            return await wait(c, task_id, "wan2.2-t2v-plus")

    assert run(go()).status is TaskStatus.SUCCEEDED
    assert sum(sb.stats.faults.values()) == 4


def test_truncated_download_resumes(sb: Any, assets: Path, tmp_path: Path) -> None:
    async def go() -> None:
        async with make(sb) as c:
            info = await wait(c, await t2v(c), "wan2.2-t2v-plus")
            sb.set_faults("truncate@download*1")
            a = await c.download(info.result_url, tmp_path / "a.mp4")
            sb.set_faults("")
            b = await c.download(info.result_url, tmp_path / "b.mp4")
            assert a.read_bytes() == b.read_bytes()
            assert_mp4(a)

    run(go())
    assert sb.stats.faults["truncate"] == 1 and sb.stats.downloads == 3


def test_expired_result_link(sb: Any, assets: Path, tmp_path: Path) -> None:
    sb.set_faults("expire@create*1")

    async def go() -> None:
        async with make(sb) as c:
            info = await wait(c, await t2v(c), "wan2.2-t2v-plus")
            assert info.status is TaskStatus.SUCCEEDED and info.result_url
            with pytest.raises(E.DownloadError) as err:
                await c.download(info.result_url, tmp_path / "x.mp4")
            assert err.value.expired and err.value.http_status == 403
            assert not (tmp_path / "x.mp4").exists()

    run(go())


def test_cancel_pending_and_refuse_running(tmp_path: Path, assets: Path) -> None:
    with running_sandbox(task_seconds=60, data_dir=tmp_path / "sb") as sandbox:
        async def go() -> None:
            async with make(sandbox) as c:
                task_id = await t2v(c)
                await c.cancel_task(task_id)
                assert (await c.get_task(task_id)).status is TaskStatus.CANCELED
                await c.cancel_task(task_id)             # already cancelled: nothing to do
                other = await t2v(c)
                sandbox.advance(30)
                with pytest.raises(E.CannotCancelError):
                    await c.cancel_task(other)
        run(go())
