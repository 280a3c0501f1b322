"""The official ``dashscope`` SDK (2.0.2) pointed at the sandbox: it must just work."""
from __future__ import annotations

from pathlib import Path

import dashscope
import httpx
import pytest
from dashscope import VideoSynthesis
from dashscope.client.base_api import BaseAsyncApi

from bailian_video.media.probe import probe
from bailian_video.sandbox.testing import auth_headers

KEY = "sk-test"


@pytest.fixture
def sdk(sandbox, monkeypatch):
    monkeypatch.setattr(dashscope, "base_http_api_url", sandbox.base_url)
    monkeypatch.delenv("DASHSCOPE_HTTP_BASE_URL", raising=False)
    return sandbox


def downloaded(url: str, tmp_path: Path):
    r = httpx.get(url, timeout=30)
    assert r.status_code == 200
    path = tmp_path / "sdk.mp4"
    path.write_bytes(r.content)
    info = probe(path)
    assert info.video_codec == "h264"
    return info


def test_sdk_text_to_video(sdk, tmp_path):
    rsp = VideoSynthesis.call(model="wan2.2-t2v-plus", prompt="一只小猫在月光下奔跑", size="832*480", api_key=KEY)
    assert rsp.status_code == 200, rsp
    assert rsp.output.task_status == "SUCCEEDED"
    assert rsp.usage.video_duration == 5 and rsp.usage.video_ratio == "832*480"
    info = downloaded(rsp.output.video_url, tmp_path)
    assert (info.width, info.height) == (832, 480)
    task = sdk.tasks[rsp.output.task_id]
    assert task.inputs["extend_prompt"] is True       # the SDK's legacy field, ignored by the service


def test_sdk_image_to_video_uploads_a_local_file(sdk, tmp_path, assets):
    rsp = VideoSynthesis.call(model="wan2.2-i2v-flash", img_url="file://" + str(assets / "wide.png"),
                              resolution="480P", api_key=KEY)
    assert rsp.status_code == 200, rsp
    assert rsp.output.task_status == "SUCCEEDED", rsp
    task = sdk.tasks[rsp.output.task_id]
    assert task.inputs["img_url"].startswith("oss://dashscope-instant/") and task.inputs["img_url"].endswith("wide.png")
    assert sdk.stats.uploads == 1 and sdk.stats.requests["policy"] == 1
    assert sdk.stats.auth_leaks == 0
    info = downloaded(rsp.output.video_url, tmp_path)
    assert info.height == 480


def test_sdk_first_and_last_frame(sdk, tmp_path, assets, asset_url):
    rsp = VideoSynthesis.call(model="wan2.2-kf2v-flash", prompt="a slow morph",
                              first_frame_url="file://" + str(assets / "wide.png"),
                              last_frame_url=asset_url("last.png"), resolution="480P", api_key=KEY)
    assert rsp.status_code == 200, rsp
    assert rsp.output.task_status == "SUCCEEDED", rsp
    assert sdk.tasks[rsp.output.task_id].endpoint == "services/aigc/image2video/video-synthesis"
    assert sdk.stats.auth_leaks == 0
    info = downloaded(rsp.output.video_url, tmp_path)
    assert info.height == 480 and abs(info.duration - 5) < 0.3


def test_sdk_sees_errors_like_the_service_gives_them(sdk):
    rsp = VideoSynthesis.async_call(model="wan2.2-t2v-plus", prompt="x", size="1280*720", api_key=KEY)
    assert rsp.status_code == 400 and rsp.code == "InvalidParameter" and "parameters.size" in rsp.message
    rsp = VideoSynthesis.fetch("no-such-task", api_key=KEY)
    assert rsp.status_code == 200 and rsp.output.task_status == "UNKNOWN"
    rsp = VideoSynthesis.async_call(model="wan2.2-t2v-plus", prompt="x", size="832*480", api_key="not-a-key")
    assert rsp.status_code == 401 and rsp.code == "InvalidApiKey"


def test_emo_chain_detect_over_http_then_the_sdk_generic_async_api(sdk, tmp_path, asset_url):
    with httpx.Client(base_url=sdk.base_url, timeout=30) as c:
        det = c.post("/services/aigc/image2video/face-detect",
                     json={"model": "emo-detect-v1", "input": {"image_url": asset_url("face.png")},
                           "parameters": {"ratio": "1:1"}}, headers=auth_headers(KEY)).json()
    assert det["output"]["check_pass"] is True
    created = BaseAsyncApi.async_call(
        model="emo-v1", task_group="aigc", task="image2video", function="video-synthesis", api_key=KEY,
        input={"image_url": asset_url("face.png"), "audio_url": asset_url("voice.wav"),
               "face_bbox": det["output"]["face_bbox"], "ext_bbox": det["output"]["ext_bbox"]},
        style_level="active")
    assert created.status_code == 200, created
    done = BaseAsyncApi.wait(created, api_key=KEY)
    assert done.output["task_status"] == "SUCCEEDED", done
    assert done.usage["video_ratio"] == "1:1"
    info = downloaded(done.output["results"]["video_url"], tmp_path)
    assert info.has_audio
    assert sdk.tasks[done.output["task_id"]].params["style_level"] == "active"


def test_sdk_media_list_wan27_i2v(sdk, tmp_path, assets, asset_url):
    """dashscope 2.x ``client.videos.generate``: wan2.7-i2v goes out on the media-list protocol; a local
    first frame is uploaded (getPolicy + PostObject) and sent as oss://, a URL as it is."""
    with dashscope.Client(api_key=KEY, base_url=sdk.base_url) as client:
        job = client.videos.generate(model="wan2.7-i2v", prompt="the picture comes alive",
                                     media=[{"type": "first_frame", "url": "file://" + str(assets / "wide.png")}],
                                     resolution="720P", duration=2, poll_interval=0.1, timeout=60)
        assert job.status == "SUCCEEDED", job
        task = sdk.tasks[job.task_id]
        item = task.inputs["media"][0]
        assert item["type"] == "first_frame" and item["url"].startswith("oss://dashscope-instant/")
        assert sdk.stats.uploads == 1 and sdk.stats.auth_leaks == 0
        assert job.usage.duration == 2 and job.usage.SR == 720
        info = downloaded(job.video_url, tmp_path)
        assert (info.width, info.height) == (1280, 720) and abs(info.duration - 2) < 0.1 and info.has_audio

        job = client.videos.generate(model="wan2.7-i2v",
                                     media=[{"type": "first_clip", "url": asset_url("clip.mp4")}],
                                     resolution="720P", duration=3, poll_interval=0.1, timeout=60)
        assert job.status == "SUCCEEDED", job
        assert sdk.tasks[job.task_id].inputs["media"] == [{"type": "first_clip", "url": asset_url("clip.mp4")}]
        assert sdk.stats.uploads == 1
        info = downloaded(job.video_url, tmp_path)
        assert abs(info.duration - 3) < 0.1
