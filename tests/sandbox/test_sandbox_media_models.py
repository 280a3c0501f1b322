"""The 2026 models end to end: ``input.media`` requests, references, continuations, edits, Animate and the
digital human — real requests over HTTP, real MP4s probed and decoded back, usage exactly as the catalogue
says, and the refusals the service gives."""
from __future__ import annotations

from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from bailian_video import catalog
from bailian_video.media.probe import probe
from bailian_video.sandbox.testing import create, run_task

KLING_OMNI = "kling/kling-v3-omni-video-generation"


# -- helpers -----------------------------------------------------------------------------------
def finished(body: dict, model: str) -> str:
    """Assert SUCCEEDED, the result where the catalogue says and usage with exactly its keys; the URL."""
    spec = catalog.require(model)
    assert body["output"]["task_status"] == "SUCCEEDED", body
    node = body
    for key in spec.result:
        node = node[key]
    assert isinstance(node, str) and node.startswith("http")
    assert list(body["usage"]) == list(spec.usage.keys), body["usage"]
    return node


def download(url: str, tmp_path: Path, name: str = "out.mp4") -> Path:
    r = httpx.get(url, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"] == "video/mp4"
    path = tmp_path / name
    path.write_bytes(r.content)
    info = probe(path)
    assert info.kind == "video" and info.video_codec == "h264"
    return path


def frames(path: Path, size: tuple[int, int] | None = None, count: int | None = None) -> list[np.ndarray]:
    """The first ``count`` frames (all by default) as int16 RGB, scaled to ``size``."""
    with av.open(str(path)) as c:
        out = []
        for f in c.decode(video=0):
            im = f.to_image()
            out.append(np.asarray(im.resize(size) if size else im).astype(np.int16))
            if count is not None and len(out) >= count:
                break
        return out


def mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


def close(a: float, b: float, tol: float = 0.06) -> bool:
    return abs(a - b) <= tol


# -- text, first frame, continuation ----------------------------------------------------------
def test_wan27_t2v_resolution_and_ratio_make_the_frame(client, tmp_path):
    body = run_task(client, "wan2.7-t2v", {"prompt": "一只猫在月光下散步"},
                    {"resolution": "720P", "ratio": "9:16", "duration": 2})
    info = probe(download(finished(body, "wan2.7-t2v"), tmp_path))
    assert (info.width, info.height) == (720, 1280) and close(info.duration, 2.0)
    assert info.has_audio                       # Wan 2.7 makes its own sound without a soundtrack
    assert body["usage"] == {"duration": 2, "input_video_duration": 0, "output_video_duration": 2, "video_count": 1,
                             "ratio": "9:16", "SR": 720}


def test_wan27_i2v_continues_a_clip_from_its_first_frame(client, tmp_path, asset_url, assets):
    body = run_task(client, "wan2.7-i2v", {"prompt": "the ball keeps bouncing",
                                           "media": [{"type": "first_clip", "url": asset_url("clip.mp4")}]},
                    {"resolution": "720P", "duration": 3})
    path = download(finished(body, "wan2.7-i2v"), tmp_path)
    info = probe(path)
    assert (info.width, info.height) == (1280, 720)          # the clip's shape at the tier
    assert close(info.duration, 3.0) and body["usage"]["output_video_duration"] == 3
    assert body["usage"]["duration"] == 3 and body["usage"]["input_video_duration"] == 0   # billed as the total
    out = frames(path, (320, 180))
    clip = frames(assets / "clip.mp4", (320, 180))
    assert mad(out[0], clip[0]) < 8              # it starts with the clip …
    assert mad(out[0], clip[-1]) > 8
    assert mad(out[45], clip[45 * 25 // 30]) < 10   # … plays it …
    assert mad(out[-1], out[60]) > 3             # … and goes on moving after it ends


def test_wan27_i2v_first_frame_with_driving_audio(client, tmp_path, asset_url):
    body = run_task(client, "wan2.7-i2v", {"media": [{"type": "first_frame", "url": asset_url("wide.png")},
                                                     {"type": "driving_audio", "url": asset_url("voice.wav")}]},
                    {"resolution": "720P", "duration": 2})
    info = probe(download(finished(body, "wan2.7-i2v"), tmp_path))
    assert (info.width, info.height) == (1280, 720) and info.has_audio and close(info.duration, 2.0)


def test_wan27_i2v_refuses_a_clip_with_a_first_frame(client, asset_url):
    r = create(client, "wan2.7-i2v", {"media": [{"type": "first_clip", "url": asset_url("clip.mp4")},
                                                {"type": "first_frame", "url": asset_url("wide.png")}]},
               {"resolution": "720P"})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter"
    assert r.json()["message"].startswith("input.media")


# -- references ---------------------------------------------------------------------------------
def test_wan27_r2v_shows_every_reference_and_bills_the_reference_video(client, tmp_path, asset_url):
    media = [{"type": "reference_image", "url": asset_url("face.png"), "reference_voice": asset_url("voice.wav")},
             {"type": "reference_video", "url": asset_url("clip.mp4")}]
    body = run_task(client, "wan2.7-r2v", {"prompt": "图1 和 视频1 里的人在跳舞", "media": media},
                    {"resolution": "720P", "ratio": "16:9", "duration": 2})
    path = download(finished(body, "wan2.7-r2v"), tmp_path, "a.mp4")
    info = probe(path)
    assert (info.width, info.height) == (1280, 720) and close(info.duration, 2.0)
    assert info.has_audio                                         # the reference voice
    assert body["usage"] == {"duration": 4, "input_video_duration": 2, "output_video_duration": 2,
                             "video_count": 1, "SR": 720, "ratio": "16:9"}
    other = [{"type": "reference_image", "url": asset_url("hat.png")},
             {"type": "reference_video", "url": asset_url("other.mp4")}]
    body2 = run_task(client, "wan2.7-r2v", {"prompt": "图1 和 视频1 里的人在跳舞", "media": other},
                     {"resolution": "720P", "ratio": "16:9", "duration": 2})
    path2 = download(finished(body2, "wan2.7-r2v"), tmp_path, "b.mp4")
    a, b = frames(path, (320, 180), 1), frames(path2, (320, 180), 1)
    assert mad(a[0], b[0]) > 10                   # other references, another scene


def test_reference_cards_show_each_picture_and_its_tag(assets):
    from bailian_video.media.render import reference_board

    def board(*refs: tuple[str, str]) -> np.ndarray:
        cards = [{"tag": tag, "path": assets / name, "media": "video" if name.endswith(".mp4") else "image"}
                 for tag, name in refs]
        return np.asarray(reference_board(cards, 640, 360, "图1 和 视频1")).astype(np.int16)

    base = board(("图1", "face.png"), ("视频1", "clip.mp4"))
    assert base.shape == (360, 640, 3)
    assert mad(base, board(("图1", "face.png"), ("图2", "clip.mp4"))) > 0.2      # the tag is drawn
    assert mad(base, board(("图1", "hat.png"), ("视频1", "clip.mp4"))) > 3       # so is the picture
    assert mad(base, board(("图1", "face.png"), ("视频1", "other.mp4"))) > 3     # and a frame of the video


def test_wan26_r2v_reference_list_of_images_and_videos(client, tmp_path, asset_url):
    body = run_task(client, "wan2.6-r2v", {"prompt": "character1 waves at character2",
                                           "reference_urls": [asset_url("face.png"), asset_url("clip.mp4")]},
                    {"size": "1280*720", "duration": 2})
    info = probe(download(finished(body, "wan2.6-r2v"), tmp_path))
    assert (info.width, info.height) == (1280, 720)
    assert body["usage"]["input_video_duration"] == 2 and body["usage"]["duration"] == 4
    assert body["usage"]["size"] == "1280*720" and body["usage"]["SR"] == 720


def test_vidu_reference_video_sets_the_automatic_length(client, tmp_path, asset_url):
    model = "vidu/viduq2-pro_reference2video"
    body = run_task(client, model, {"prompt": "a dance",
                                    "media": [{"type": "image", "url": asset_url("face.png")},
                                              {"type": "video", "url": asset_url("clip.mp4")}]},
                    {"resolution": "540P", "duration": 0})
    info = probe(download(finished(body, model), tmp_path))
    assert (info.width, info.height) == (1024, 576) and close(info.duration, 2.0)   # the page's 540P 16:9 size
    u = body["usage"]
    assert u["reference_type"] == "image,video" and u["SR"] == "540" and u["size"] == "1024*576"
    assert u["audio"] is False and not info.has_audio and u["fps"] == round(info.fps)


@pytest.mark.parametrize("model,media", [
    ("happyhorse-1.0-r2v", [{"type": "reference_image", "url": "face.png"}] * 10),
    ("wan2.7-r2v", [{"type": "reference_image", "url": "face.png"}] * 6),
    ("wan3.0-video", [{"type": "first_frame", "url": "wide.png"}, {"type": "reference_image", "url": "face.png"}]),
    (KLING_OMNI, [{"type": "base", "url": "kling.mp4"}, {"type": "first_frame", "url": "wide.png"}]),
])
def test_refusals_name_the_field(client, asset_url, model, media):
    media = [{**m, "url": asset_url(m["url"])} for m in media]
    r = create(client, model, {"prompt": "x", "media": media}, {})
    assert r.status_code == 400, r.text
    doc = r.json()
    assert doc["code"] == "InvalidParameter" and doc["message"].startswith("input.media"), doc
    assert catalog.get(model) is not None and client.get("/sandbox/stats").json()["creations"] == {}


def test_a_reference_voice_is_read_and_checked(client, asset_url):
    media = [{"type": "reference_image", "url": asset_url("face.png"), "reference_voice": asset_url("notes.txt")}]
    r = create(client, "wan2.7-r2v", {"prompt": "图1", "media": media}, {"resolution": "720P"})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter.UnsupportedFileFormat"
    assert r.json()["message"].startswith("input.media[0].reference_voice")
    media = [{"type": "reference_image", "url": asset_url("face.png"), "reference_voice": asset_url("wide.png")}]
    r = create(client, "wan2.7-r2v", {"prompt": "图1", "media": media}, {"resolution": "720P"})
    assert r.status_code == 400 and r.json()["code"] == "InvalidFile.Format"
    assert r.json()["message"].startswith("input.media[0].reference_voice")


# -- edits -------------------------------------------------------------------------------------
def test_wan27_videoedit_changes_the_source_for_its_whole_length(client, tmp_path, asset_url, assets):
    body = run_task(client, "wan2.7-videoedit",
                    {"prompt": "把画面变成黏土风格", "media": [{"type": "video", "url": asset_url("clip.mp4")},
                                                               {"type": "reference_image", "url": asset_url("hat.png")}]},
                    {"resolution": "720P", "duration": 0, "audio_setting": "origin"})
    path = download(finished(body, "wan2.7-videoedit"), tmp_path)
    info = probe(path)
    assert (info.width, info.height) == (1280, 720) and close(info.duration, 2.0)   # duration 0: the source's length
    assert info.has_audio                                                           # origin: the source's sound
    assert body["usage"] == {"duration": 4.0, "input_video_duration": 2.0, "output_video_duration": 2.0,
                             "video_count": 1, "SR": 720}
    out, src = frames(path, (320, 180)), frames(assets / "clip.mp4", (320, 180))
    assert mad(out[0], src[0]) > 15                          # visibly changed …
    assert mad(out[0], out[-1]) > 5                           # … and still moving like the source


def test_wan27_videoedit_duration_keeps_the_start(client, tmp_path, asset_url):
    body = run_task(client, "wan2.7-videoedit", {"prompt": "黑白", "media": [{"type": "video",
                                                                               "url": asset_url("kling.mp4")}]},
                    {"resolution": "720P", "duration": 2})
    info = probe(download(finished(body, "wan2.7-videoedit"), tmp_path))
    assert (info.width, info.height) == (720, 720) and close(info.duration, 2.0)
    assert info.has_audio                    # auto: the source's own sound
    assert body["usage"]["output_video_duration"] == 2.0 and body["usage"]["input_video_duration"] == 3.0
    assert body["usage"]["duration"] == 5.0


def test_kling_omni_edit_keeps_the_original_sound_and_reports_sr_as_text(client, tmp_path, asset_url):
    body = run_task(client, KLING_OMNI, {"prompt": "<<<video_1>>> 换成夜晚",
                                         "media": [{"type": "base", "url": asset_url("kling.mp4"),
                                                    "keep_original_sound": "yes"}]},
                    {"mode": "std", "duration": 3})
    info = probe(download(finished(body, KLING_OMNI), tmp_path))
    assert (info.width, info.height) == (720, 720) and close(info.duration, 3.0) and info.has_audio
    u = body["usage"]
    assert u["SR"] == "720" and u["size"] == "720*720" and u["audio"] is False and u["duration"] == 3


def test_kling_pro_mode_is_1080p_text_to_video(client, tmp_path):
    body = run_task(client, "kling/kling-v3-video-generation", {"prompt": "a lighthouse"},
                    {"mode": "pro", "aspect_ratio": "1:1", "duration": 3, "audio": True})
    info = probe(download(finished(body, "kling/kling-v3-video-generation"), tmp_path))
    assert (info.width, info.height) == (1440, 1440) and info.has_audio
    assert body["usage"]["SR"] == "1080" and body["usage"]["audio"] is True


# -- Wan 3.0 -----------------------------------------------------------------------------------
def test_wan3_smart_length_adaptive_shape_and_documents(client, tmp_path, asset_url, sandbox):
    body = run_task(client, "wan3.0-video", {"prompt": "a portrait",
                                             "media": [{"type": "first_frame", "url": asset_url("person.png")}]},
                    {"resolution": "480P", "duration": -1, "audio": False})
    info = probe(download(finished(body, "wan3.0-video"), tmp_path))
    assert (info.width, info.height) == (480, 800) and close(info.duration, 5.0) and not info.has_audio
    u = body["usage"]
    assert u["SR"] == 480 and u["ratio"] == "9:16", u            # adaptive: the nearest ratio to 480×800
    assert u["output_video_duration"] == 5 and u["fps"] == 30

    media = [{"type": "reference_image", "url": asset_url("face.png")},
             {"type": "reference_audio", "url": asset_url("voice.wav")},
             {"type": "file", "url": asset_url("notes.txt")}]
    body = run_task(client, "wan3.0-video", {"prompt": "按文档讲个故事", "media": media},
                    {"resolution": "480P", "ratio": "1:1", "duration": 2})
    info = probe(download(finished(body, "wan3.0-video"), tmp_path, "doc.mp4"))
    assert info.has_audio and info.width == info.height and body["usage"]["ratio"] == "1:1"
    link = [{"type": "link", "url": "https://example.com/article/1"}]
    body = run_task(client, "wan3.0-video", {"prompt": "把这篇文章拍成视频", "media": link},
                    {"resolution": "480P", "duration": 2})
    finished(body, "wan3.0-video")                 # a link is not fetched: the service reads pages itself


# -- Animate and the digital human --------------------------------------------------------------
def test_animate_move_and_mix(client, tmp_path, asset_url, assets):
    move = run_task(client, "wan2.2-animate-move", {"image_url": asset_url("person.png"),
                                                    "video_url": asset_url("dance.mp4")}, {"mode": "wan-std"})
    mpath = download(finished(move, "wan2.2-animate-move"), tmp_path, "move.mp4")
    minfo = probe(mpath)
    assert (minfo.width, minfo.height) == (480, 800) and close(minfo.duration, 2.0)   # the photo's frame
    assert move["usage"] == {"video_duration": 2.0, "video_ratio": "standard"}
    mix = run_task(client, "wan2.2-animate-mix", {"image_url": asset_url("person.png"),
                                                  "video_url": asset_url("dance.mp4")}, {"mode": "wan-pro"})
    xpath = download(finished(mix, "wan2.2-animate-mix"), tmp_path, "mix.mp4")
    xinfo = probe(xpath)
    assert (xinfo.width, xinfo.height) == (360, 640) and close(xinfo.duration, 2.0)   # the video's frame
    assert mix["usage"] == {"video_duration": 2.0, "video_ratio": "pro"}
    dance = frames(assets / "dance.mp4", (90, 160), 1)
    got = frames(xpath, (90, 160), 1)
    assert mad(got[0], dance[0]) > 3 and mad(got[0], dance[0]) < 60     # the video, with the person in it


def test_s2v_chain(client, tmp_path, asset_url):
    det = create(client, "wan2.2-s2v-detect", {"image_url": asset_url("face.png")}).json()
    assert det["output"] == {"check_pass": True, "humanoid": True} and det["usage"] == {"image_count": 1}
    bad = create(client, "wan2.2-s2v-detect", {"image_url": asset_url("noface.png")}).json()
    assert bad["output"]["check_pass"] is False and bad["output"]["humanoid"] is False
    body = run_task(client, "wan2.2-s2v", {"image_url": asset_url("face.png"), "audio_url": asset_url("song.wav")},
                    {"resolution": "480P"})
    info = probe(download(finished(body, "wan2.2-s2v"), tmp_path))
    assert info.has_audio and close(info.duration, 3.5) and info.width == info.height   # the photo's shape
    assert abs(info.width * info.height - 640 * 480) < 640 * 480 * 0.1                 # 480P ≈ 31万 pixels
    u = body["usage"]
    assert u["SR"] == 480 and u["size"] == f"{info.width}*{info.height}" and close(u["duration"], 3.5, 0.02)


# -- statuses ----------------------------------------------------------------------------------
@pytest.mark.parametrize("model,inputs,phased", [
    ("liveportrait", {"image_url": "face.png", "audio_url": "voice.wav"}, True),
    ("wan2.2-animate-move", {"image_url": "person.png", "video_url": "dance.mp4"}, False),
])
def test_phases_follow_the_models_statuses(client, sandbox, asset_url, model, inputs, phased):
    inputs = {k: asset_url(v) for k, v in inputs.items()}
    r = create(client, model, inputs, {"mode": "wan-std"} if "animate" in model else {},
               **{"X-Sandbox-Task-Seconds": "100"})
    task = sandbox.tasks[r.json()["output"]["task_id"]]
    seen = [task.status(task.created + f * task.seconds) for f in (0.1, 0.3, 0.5, 0.9)]
    spec = catalog.require(model)
    assert seen == (["PENDING", "PRE-PROCESSING", "RUNNING", "POST-PROCESSING"] if phased
                    else ["PENDING", "RUNNING", "RUNNING", "RUNNING"])
    assert set(seen) <= set(spec.statuses)
    client.post(f"/tasks/{task.task_id}/cancel", headers={"Authorization": "Bearer sk-test"})


def test_data_uris_inside_media_items_only_where_the_type_allows(client, sandbox, assets):
    import base64
    png = "data:image/png;base64," + base64.b64encode((assets / "wide.png").read_bytes()).decode()
    wav = "data:audio/wav;base64," + base64.b64encode((assets / "voice.wav").read_bytes()).decode()
    r = create(client, "wan2.7-i2v", {"media": [{"type": "first_frame", "url": png}]}, {"resolution": "720P"},
               **{"X-Sandbox-Task-Seconds": "100"})
    assert r.status_code == 200, r.text
    task = sandbox.tasks[r.json()["output"]["task_id"]]
    assert client.post(f"/tasks/{task.task_id}/cancel", headers={"Authorization": "Bearer sk-test"}).status_code == 200
    r = create(client, "wan2.7-i2v", {"media": [{"type": "first_frame", "url": png},
                                                {"type": "driving_audio", "url": wav}]}, {"resolution": "720P"})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter"
    assert r.json()["message"].startswith("input.media[1].url")


def test_a_first_frame_opens_the_reference_scene_and_sets_its_shape(client, tmp_path, asset_url, assets):
    from PIL import Image
    media = [{"type": "first_frame", "url": asset_url("person.png")},
             {"type": "reference_image", "url": asset_url("face.png")}]
    body = run_task(client, "wan2.7-r2v", {"prompt": "图1 走进画面", "media": media},
                    {"resolution": "720P", "ratio": "16:9", "duration": 2})
    path = download(finished(body, "wan2.7-r2v"), tmp_path)
    info = probe(path)
    assert (info.width, info.height) == (720, 1200)           # the first frame's shape, not the ratio
    assert body["usage"]["ratio"] == "9:16"                    # the shape it has (nearest named ratio)
    first = frames(path, (72, 120), 1)[0]
    person = np.asarray(Image.open(assets / "person.png").convert("RGB").resize((72, 120))).astype(np.int16)
    assert mad(first, person) < 12
