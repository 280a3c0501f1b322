"""Kling V3 and V3 Omni in the catalogue: one id per model, the task picked by the media sent."""
from __future__ import annotations

import pytest
from catalog_helpers import Info

from bailian_video import catalog
from bailian_video.catalog import BEIJING, SINGAPORE, Family, Kind

V3 = "kling/kling-v3-video-generation"
OMNI = "kling/kling-v3-omni-video-generation"
IMG = "https://example.com/a.png"
VID = "https://example.com/a.mp4"


def video(**kw) -> Info:
    return Info(**{"kind": "video", "format": "mp4", "width": 1280, "height": 720, "duration": 5.0, "fps": 30.0,
                   **kw})


def item(typ: str, url: str = IMG) -> dict:
    return {"type": typ, "url": url}


# -- facts ---------------------------------------------------------------------------------------
def test_ids_families_and_limits():
    v3, omni = catalog.require(V3), catalog.require(OMNI)
    assert v3.family == omni.family == Family.T2V
    assert set(v3.also_in) == {Family.I2V, Family.KF2V}
    assert set(omni.also_in) == {Family.I2V, Family.KF2V, Family.R2V, Family.EDIT}
    assert omni in catalog.by_family(Family.EDIT) and omni in catalog.by_family(Family.R2V)
    assert v3 not in catalog.by_family(Family.R2V) and v3 in catalog.by_family(Family.KF2V)
    for m in (v3, omni):
        assert m.regions == {BEIJING: m.name}
        assert m.new and not m.featured and not m.rewrites_prompt
        assert m.submit_rps == 5 and m.concurrency == 10          # shared by the four Kling models
        assert m.result == ("output", "video_url")
        assert m.usage.keys == ("duration", "size", "fps", "video_count", "audio", "SR")
        assert m.price.free_quota == 0 and m.price.confirmed
        assert m.param("mode").default == "pro" and m.param("audio").default is False
        assert m.param("watermark").default is False
        assert m.input("media").kind == Kind.MEDIA and not m.input("media").required
        assert m.param("seed") is None and m.input("negative_prompt") is None


# -- accepted --------------------------------------------------------------------------------------
@pytest.mark.parametrize("model,inputs,params", [
    (V3, {"prompt": "一只小猫在月光下奔跑"}, {"mode": "std", "aspect_ratio": "16:9", "duration": 5, "audio": False,
                                        "watermark": True}),
    (V3, {"prompt": "x", "media": [item("first_frame")]}, {"duration": 15, "audio": True}),
    (V3, {"prompt": "x", "media": [item("first_frame"), item("last_frame")]}, {"mode": "std"}),
    (OMNI, {"prompt": "x"}, {"aspect_ratio": "9:16"}),
    (OMNI, {"prompt": "x", "media": [item("first_frame"), item("last_frame")]}, {}),
    (OMNI, {"prompt": "<<<image_1>>>和<<<image_2>>>握手", "media": [item("refer")] * 7}, {"aspect_ratio": "1:1"}),
    (OMNI, {"prompt": "x", "media": [item("feature", VID)]}, {"duration": 10}),
    (OMNI, {"prompt": "x", "media": [item("feature", VID), item("refer")]}, {}),
    (OMNI, {"prompt": "x", "media": [item("feature", VID), item("first_frame")]}, {}),
    (OMNI, {"prompt": "x", "media": [item("base", VID)]}, {"mode": "std"}),
    (OMNI, {"prompt": "x", "media": [item("base", VID), item("refer"), item("refer")]}, {}),
])
def test_valid_requests_pass(model, inputs, params):
    assert catalog.validate(model, inputs, params, region=BEIJING) == []


def test_valid_files_pass():
    media = [item("base", VID), item("refer")]
    infos = [video(width=720, height=2160, duration=10, fps=60), Info(format="jpeg", width=300, height=750)]
    assert catalog.validate(OMNI, {"prompt": "x", "media": media}, {}, media={"media": infos}) == []


# -- refused ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("model,inputs,params,field,words", [
    (V3, {"prompt": "x"}, {}, "region", ["not available in Singapore", "China (Beijing)"]),
])
def test_beijing_only(model, inputs, params, field, words):
    errs = catalog.validate(model, inputs, params, region=SINGAPORE)
    assert errs and errs[0].field == field
    for w in words:
        assert w in errs[0].message.en


@pytest.mark.parametrize("model,inputs,params,field,words", [
    (V3, {"prompt": "x"}, {"aspect_ratio": "4:3"}, "parameters.aspect_ratio", ["16:9, 9:16, 1:1", "4:3"]),
    (V3, {"prompt": "x"}, {"mode": "turbo"}, "parameters.mode", ["pro, std", "turbo"]),
    (V3, {"prompt": "x"}, {"duration": 16}, "parameters.duration", ["3–15", "16"]),
    (OMNI, {"prompt": "x"}, {"duration": 2}, "parameters.duration", ["3–15"]),
    (V3, {"prompt": "x"}, {"audio": "yes"}, "parameters.audio", ["true or false"]),
    (V3, {"prompt": "x"}, {"resolution": "1080P"}, "parameters.resolution", ["no parameter resolution", "mode"]),
    (V3, {}, {}, "input.prompt", ["Prompt is required"]),
    (V3, {"prompt": "x" * 2501}, {}, "input.prompt", ["2501", "2500"]),
    (V3, {"prompt": "x", "media": [item("refer")]}, {}, "input.media[0].type", ["refer", "first_frame, last_frame"]),
    (V3, {"prompt": "x", "media": [item("base", VID)]}, {}, "input.media[0].type", ["first_frame, last_frame"]),
    (V3, {"prompt": "x", "media": [item("first_frame")] * 2}, {}, "input.media", ["at most 1", "First frame"]),
    (V3, {"prompt": "x", "media": [item("last_frame")]}, {}, "input.media", ["Last frame needs First frame"]),
    (V3, {"prompt": "x", "media": [item("first_frame", "data:image/png;base64,AAAA")]}, {}, "input.media[0].url",
     ["base64"]),
    (OMNI, {"prompt": "x", "media": [item("first_frame"), item("base", VID)]}, {}, "input.media",
     ["cannot combine", "First frame + Video to edit", "First frame + Last frame"]),
    (OMNI, {"prompt": "x", "media": [item("refer"), item("last_frame"), item("first_frame")]}, {}, "input.media",
     ["cannot combine"]),
    (OMNI, {"prompt": "x", "media": [item("base", VID), item("feature", VID)]}, {}, "input.media",
     ["cannot combine"]),
    (OMNI, {"prompt": "x", "media": [item("feature", VID), item("first_frame"), item("last_frame")]}, {},
     "input.media", ["cannot combine"]),
    (OMNI, {"prompt": "x", "media": [item("refer")] * 8}, {}, "input.media", ["at most 7", "got 8"]),
    (OMNI, {"prompt": "x", "media": [item("base", VID)] * 2}, {}, "input.media", ["at most 1", "Video to edit"]),
    (OMNI, {"prompt": "x", "media": [item("video", VID)]}, {}, "input.media[0].type",
     ["first_frame, last_frame, refer, feature, base"]),
])
def test_rejections_name_the_field_and_the_allowed_values(model, inputs, params, field, words):
    errs = catalog.validate(model, inputs, params)
    hit = [e for e in errs if e.field == field]
    assert hit, f"expected an error on {field}, got {[str(e) for e in errs]}"
    for w in words:
        assert w in hit[0].message.en, (w, hit[0].message.en)
    assert hit[0].message.zh and hit[0].message.zh != hit[0].message.en


@pytest.mark.parametrize("media,info,code,words", [
    ([item("first_frame")], Info(format="webp"), "format", ["WEBP", "JPEG/PNG"]),
    ([item("first_frame")], Info(has_alpha=True), "alpha", ["transparency"]),
    ([item("refer")], Info(size_bytes=11 * 1024 * 1024), "bytes", ["11 MB", "10 MB"]),
    ([item("refer")], Info(width=299, height=400), "pixels", ["300"]),
    ([item("refer")], Info(width=8001, height=4000), "pixels", ["8000"]),
    ([item("refer")], Info(width=2600, height=1000), "aspect", ["2.5:1"]),
    ([item("base", VID)], video(duration=11), "duration", ["11.0 s", "10 s"]),
    ([item("feature", VID)], video(duration=2.5), "duration", ["at least 3 s"]),
    ([item("base", VID)], video(fps=20), "fps", ["20 fps", "24"]),
    ([item("base", VID)], video(fps=120), "fps", ["at most 60"]),
    ([item("base", VID)], video(width=640, height=480), "pixels", ["720"]),
    ([item("base", VID)], video(width=3840, height=2160), "pixels", ["2160"]),
    ([item("feature", VID)], video(format="webm"), "format", ["MP4/MOV"]),
    ([item("feature", VID)], video(size_bytes=201 * 1024 * 1024), "bytes", ["200 MB"]),
])
def test_file_limits(media, info, code, words):
    errs = catalog.validate(OMNI, {"prompt": "x", "media": media}, {}, media={"media": [info]})
    assert [e.code for e in errs] == [code], [str(e) for e in errs]
    for w in words:
        assert w in errs[0].message.en, (w, errs[0].message.en)


# -- prices ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", [V3, OMNI])
@pytest.mark.parametrize("params,amount", [
    ({}, 4.0),                                             # pro, silent, 5 s: 0.8/s
    ({"mode": "std"}, 3.0),                                # 0.6/s
    ({"mode": "std", "audio": True, "duration": 10}, 9.0),  # 0.9/s with sound
    ({"mode": "pro", "audio": True, "duration": 15}, 18.0),  # 1.2/s with sound
    ({"mode": "pro", "audio": False, "duration": 3}, 2.4),
])
def test_estimates(model, params, amount):
    est = catalog.estimate(catalog.require(model), params)
    assert est.amount == pytest.approx(amount)
    assert est.confirmed and est.seconds_known


def test_actual_cost_from_usage():
    usage = {"duration": 5, "size": "1280*720", "fps": 24, "video_count": 1, "audio": False, "SR": "720"}
    assert catalog.actual_cost(catalog.require(V3), usage, {"mode": "std"}) == pytest.approx(3.0)
    # usage says the video had sound: billed at the price with sound
    assert catalog.actual_cost(catalog.require(V3), {**usage, "audio": True}, {"mode": "std"}) == pytest.approx(4.5)
