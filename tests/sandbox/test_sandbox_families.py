"""Every model family end to end: create -> poll -> SUCCEEDED, result location, usage keys, a real MP4."""
from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from bailian_video.media.probe import probe
from bailian_video.sandbox.testing import auth_headers, create, result_url, run_task, wait_task


def fetch_mp4(url: str, tmp_path: Path, name: str = "out.mp4"):
    r = httpx.get(url, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"] == "video/mp4"
    path = tmp_path / name
    path.write_bytes(r.content)
    info = probe(path)
    assert info.kind == "video" and info.video_codec == "h264"
    return info


def check(body: dict, result: tuple[str, ...], usage_keys: set[str]) -> str:
    out = body["output"]
    assert out["task_status"] == "SUCCEEDED", body
    node = body
    for key in result:
        node = node[key]
    assert isinstance(node, str) and node
    assert set(body["usage"]) == usage_keys, body["usage"]
    return node


def close(a: float, b: float, tol: float = 0.25) -> bool:
    return abs(a - b) <= tol


def test_t2v_wan22(client, tmp_path):
    body = run_task(client, "wan2.2-t2v-plus", {"prompt": "a red kite"}, {"size": "832*480"})
    url = check(body, ("output", "video_url"), {"video_duration", "video_ratio", "video_count"})
    assert body["usage"] == {"video_duration": 5, "video_ratio": "832*480", "video_count": 1}
    info = fetch_mp4(url, tmp_path)
    assert (info.width, info.height) == (832, 480) and close(info.duration, 5.0) and not info.has_audio
    assert close(info.fps, 30, 0.5)


def test_t2v_wan26_with_soundtrack(client, tmp_path, asset_url):
    body = run_task(client, "wan2.6-t2v", {"prompt": "waves", "audio_url": asset_url("song.wav")},
                    {"size": "1280*720", "duration": 2})
    url = check(body, ("output", "video_url"),
                {"duration", "size", "input_video_duration", "output_video_duration", "video_count", "SR"})
    assert body["usage"]["SR"] == 720 and body["usage"]["output_video_duration"] == 2
    assert body["usage"]["size"] == "1280*720"
    assert "actual_prompt" not in body["output"] and body["output"]["orig_prompt"] == "waves"
    info = fetch_mp4(url, tmp_path)
    assert (info.width, info.height) == (1280, 720) and close(info.duration, 2.0) and info.has_audio


def test_t2v_wan25_dubs_itself(client, tmp_path):
    body = run_task(client, "wan2.5-t2v-preview", {"prompt": "a drum"}, {"size": "832*480"})
    url = check(body, ("output", "video_url"), {"video_duration", "video_ratio", "video_count"})
    info = fetch_mp4(url, tmp_path)
    assert info.has_audio and close(info.fps, 24, 0.5)


def test_i2v_tiers_follow_the_image_aspect(client, tmp_path, asset_url):
    body = run_task(client, "wan2.2-i2v-flash", {"img_url": asset_url("wide.png"), "prompt": "zoom"},
                    {"resolution": "480P"})
    url = check(body, ("output", "video_url"), {"duration", "SR", "video_count"})
    assert body["usage"]["SR"] == 480
    info = fetch_mp4(url, tmp_path)
    assert info.height == 480 and info.width in (852, 854) and close(info.duration, 5.0)


def test_i2v_wan21_and_wan26(client, tmp_path, asset_url):
    body = run_task(client, "wanx2.1-i2v-turbo", {"img_url": asset_url("wide.png")},
                    {"resolution": "480P", "duration": 3})
    check(body, ("output", "video_url"), {"video_duration", "video_ratio", "video_count"})
    assert body["usage"] == {"video_duration": 3, "video_ratio": "standard", "video_count": 1}
    body = run_task(client, "wan2.6-i2v-flash", {"img_url": asset_url("wide.png"), "prompt": "pan"},
                    {"resolution": "720P", "duration": 2, "audio": False})
    url = check(body, ("output", "video_url"),
                {"duration", "input_video_duration", "output_video_duration", "video_count", "SR", "audio"})
    assert body["usage"]["audio"] is False and body["usage"]["SR"] == 720
    assert "actual_prompt" not in body["output"]
    info = fetch_mp4(url, tmp_path)
    assert info.height == 720 and not info.has_audio and close(info.duration, 2.0)


def test_kf2v(client, tmp_path, asset_url):
    body = run_task(client, "wan2.2-kf2v-flash",
                    {"first_frame_url": asset_url("wide.png"), "last_frame_url": asset_url("last.png"),
                     "prompt": "morph"}, {"resolution": "480P"})
    url = check(body, ("output", "video_url"), {"video_duration", "video_count", "SR"})
    info = fetch_mp4(url, tmp_path)
    assert info.height == 480 and close(info.duration, 5.0)


def test_vace_reference_and_repainting(client, tmp_path, asset_url):
    body = run_task(client, "wanx2.1-vace-plus",
                    {"function": "image_reference", "prompt": "a walk",
                     "ref_images_url": [asset_url("face.png"), asset_url("wide.png")]},
                    {"obj_or_bg": ["obj", "bg"], "size": "1280*720"})
    url = check(body, ("output", "video_url"), {"video_duration", "video_ratio", "video_count"})
    info = fetch_mp4(url, tmp_path, "ref.mp4")
    assert (info.width, info.height) == (1280, 720)
    body = run_task(client, "wanx2.1-vace-plus",
                    {"function": "video_repainting", "prompt": "steampunk", "video_url": asset_url("clip.mp4")},
                    {"control_condition": "depth", "prompt_extend": False})
    url = check(body, ("output", "video_url"), {"video_duration", "video_ratio", "video_count"})
    assert "actual_prompt" not in body["output"]
    info = fetch_mp4(url, tmp_path, "repaint.mp4")
    assert info.height == 720 and info.duration <= 5.1
    r = create(client, "wanx2.1-vace-plus", {"function": "video_repainting", "prompt": "x",
                                             "video_url": asset_url("clip.mp4")}, {})
    assert r.status_code == 400 and "control_condition" in r.json()["message"]


def test_style_transform(client, tmp_path, asset_url):
    body = run_task(client, "video-style-transform", {"video_url": asset_url("clip.mp4")},
                    {"style": 3, "min_len": 540, "video_fps": 15})
    url = check(body, ("output", "output_video_url"), {"duration", "SR"})
    assert body["usage"]["SR"] == 540 and body["usage"]["duration"] == 2
    info = fetch_mp4(url, tmp_path)
    assert info.height == 540 and close(info.fps, 15, 0.5) and info.has_audio


def test_animate_anyone_chain(client, tmp_path, asset_url):
    r = create(client, "animate-anyone-detect-gen2", {"image_url": asset_url("person.png")}, {})
    assert r.status_code == 200
    assert r.json()["output"] == {"check_pass": True, "bodystyle": "full"}
    assert r.json()["usage"] == {"image_count": 1}
    bad = create(client, "animate-anyone-detect-gen2", {"image_url": asset_url("noface.png")}, {}).json()
    assert bad["output"]["check_pass"] is False and bad["output"]["reason"]

    tpl = run_task(client, "animate-anyone-template-gen2", {"video_url": asset_url("dance.mp4")})
    template_id = check(tpl, ("output", "template_id"), {"video_duration", "video_ratio"})
    assert template_id.startswith("AACT.sandbox.") and close(tpl["usage"]["video_duration"], 2.0)

    r = create(client, "animate-anyone-gen2", {"image_url": asset_url("person.png"), "template_id": template_id},
               {"use_ref_img_bg": False}, **{"X-Sandbox-Task-Seconds": "2"})
    task_id = r.json()["output"]["task_id"]
    seen = set()
    while True:
        out = client.get(f"/tasks/{task_id}", headers=auth_headers()).json()
        seen.add(out["output"]["task_status"])
        if out["output"]["task_status"] in ("SUCCEEDED", "FAILED"):
            break
        time.sleep(0.04)
    assert {"PRE-PROCESSING", "RUNNING", "POST-PROCESSING"} <= seen, seen
    url = check(out, ("output", "video_url"), {"video_duration", "video_ratio"})
    info = fetch_mp4(url, tmp_path)
    assert (info.width, info.height) == (720, 1280) and close(info.fps, 15, 0.5) and close(info.duration, 2.0)
    assert info.has_audio

    failed = run_task(client, "animate-anyone-gen2", {"image_url": asset_url("person.png"),
                                                      "template_id": "AACT.sandbox.nope"})
    assert failed["output"]["task_status"] == "FAILED"
    assert failed["output"]["code"] == "InvalidFile.Template.Content"


def test_emo_chain(client, tmp_path, asset_url):
    det = create(client, "emo-detect-v1", {"image_url": asset_url("face.png")}, {"ratio": "1:1"}).json()
    out = det["output"]
    assert out["check_pass"] is True and out["humanoid"] is True and det["usage"] == {"image_count": 1}
    x1, y1, x2, y2 = out["ext_bbox"]
    assert x2 - x1 == y2 - y1 and 0 <= x1 and x2 <= 512 and y2 <= 512
    tall = create(client, "emo-detect-v1", {"image_url": asset_url("face.png")}, {"ratio": "3:4"}).json()
    tx1, ty1, tx2, ty2 = tall["output"]["ext_bbox"]
    assert abs((tx2 - tx1) / (ty2 - ty1) - 0.75) < 0.02
    for name in ("noface.png", "tiny.png", "voice.wav"):   # marked faceless, under 400 px, not an image
        none = create(client, "emo-detect-v1", {"image_url": asset_url(name)}, {"ratio": "1:1"}).json()
        assert none["output"]["check_pass"] is False and "face_bbox" not in none["output"], name
    r = create(client, "emo-detect-v1", {"image_url": asset_url("notes.txt")}, {"ratio": "1:1"})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter.UnsupportedFileFormat"

    body = run_task(client, "emo-v1", {"image_url": asset_url("face.png"), "audio_url": asset_url("voice.wav"),
                                       "face_bbox": out["face_bbox"], "ext_bbox": out["ext_bbox"]},
                    {"style_level": "normal"})
    url = check(body, ("output", "results", "video_url"), {"video_duration", "video_ratio"})
    assert body["usage"]["video_ratio"] == "1:1"
    info = fetch_mp4(url, tmp_path)
    assert info.has_audio and info.width == info.height and close(info.duration, 2.0, 0.3)
    r = create(client, "emo-v1", {"image_url": asset_url("face.png"), "audio_url": asset_url("voice.wav"),
                                  "face_bbox": out["face_bbox"]})
    assert r.status_code == 400 and "ext_bbox" in r.json()["message"]


def test_liveportrait_chain(client, tmp_path, asset_url):
    ok = create(client, "liveportrait-detect", {"image_url": asset_url("face.png")}).json()
    assert ok["output"] == {"pass": True, "message": ""}
    for name in ("noface.png", "dark.png"):
        no = create(client, "liveportrait-detect", {"image_url": asset_url(name)}).json()
        assert no["output"] == {"pass": False, "message": "No human face detected."}, name
    body = run_task(client, "liveportrait", {"image_url": asset_url("face.png"), "audio_url": asset_url("voice.wav")},
                    {"video_fps": 15, "template_id": "calm"})
    url = check(body, ("output", "results", "video_url"), {"video_duration", "video_ratio"})
    info = fetch_mp4(url, tmp_path)
    assert info.has_audio and close(info.fps, 15, 0.5)


def test_emoji_chain(client, tmp_path, asset_url):
    det = create(client, "emoji-detect-v1", {"image_url": asset_url("face.png")}, {"ratio": "1:1"}).json()
    assert set(det["output"]) == {"bbox_face", "ext_bbox_face"}
    none = create(client, "emoji-detect-v1", {"image_url": asset_url("noface.png")}, {"ratio": "1:1"}).json()
    assert none["output"]["code"] == "InvalidFile.FacePose" and "bbox_face" not in none["output"]
    body = run_task(client, "emoji-v1", {"image_url": asset_url("face.png"), "driven_id": "mengwa_kaixin",
                                         "face_bbox": det["output"]["bbox_face"],
                                         "ext_bbox": det["output"]["ext_bbox_face"]})
    url = check(body, ("output", "video_url"), {"video_duration", "video_ratio"})
    assert body["usage"] == {"video_duration": 3, "video_ratio": "standard"}
    info = fetch_mp4(url, tmp_path)
    assert (info.width, info.height) == (512, 512)


def test_videoretalk(client, tmp_path, asset_url):
    r = create(client, "videoretalk", {"video_url": asset_url("speaker.mp4"), "audio_url": asset_url("voice.wav")},
               {"video_extension": False}, **{"X-Sandbox-Task-Seconds": "1.0"})
    body = wait_task(client, r.json()["output"]["task_id"], interval=0.05)
    url = check(body, ("output", "video_url"), {"video_duration", "size", "video_ratio", "fps"})
    assert body["usage"]["size"] == "640*640" and body["usage"]["fps"] == 25
    info = fetch_mp4(url, tmp_path)
    assert info.has_audio and (info.width, info.height) == (640, 640)
    assert result_url(body) == url


@pytest.mark.parametrize("model,inputs", [
    ("emo-v1", {"image_url": "face.png", "audio_url": "voice.wav", "face_bbox": [0, 0, 10, 10],
                "ext_bbox": [0, 0, 900, 900]}),
])
def test_boxes_outside_the_image_are_rejected(client, asset_url, model, inputs):
    inputs = {k: asset_url(v) if isinstance(v, str) else v for k, v in inputs.items()}
    r = create(client, model, inputs)
    assert r.status_code == 400 and "ext_bbox" in r.json()["message"]
