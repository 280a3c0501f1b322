"""HappyHorse 1.0 in the catalogue: what the official pages allow, refuse and charge."""
from __future__ import annotations

import pytest
from catalog_helpers import Info

from bailian_video import catalog
from bailian_video.catalog import FRANKFURT, SINGAPORE, VIRGINIA, Family, Kind

T2V, I2V, R2V, EDIT = ("happyhorse-1.0-t2v", "happyhorse-1.0-i2v", "happyhorse-1.0-r2v",
                       "happyhorse-1.0-video-edit")
IMG = "https://example.com/a.png"
VID = "https://example.com/a.mp4"


def video(**kw) -> Info:
    return Info(**{"kind": "video", "format": "mp4", "width": 1280, "height": 720, "duration": 6.0, "fps": 24.0,
                   **kw})


def item(typ: str, url: str = IMG) -> dict:
    return {"type": typ, "url": url}


# -- facts ---------------------------------------------------------------------------------------
def test_the_four_models_and_their_1_1_versions():
    names = {m.name for m in catalog.all_models()}
    assert {T2V, I2V, R2V, EDIT} <= names
    # 1.1 (the official CLI's default) takes 1.0's request; the edit model has no 1.1.
    assert {n for n in names if n.startswith("happyhorse-1.1")} == {
        "happyhorse-1.1-t2v", "happyhorse-1.1-i2v", "happyhorse-1.1-r2v"}
    for n in ("happyhorse-1.1-t2v", "happyhorse-1.1-i2v", "happyhorse-1.1-r2v"):
        v11, v10 = catalog.require(n), catalog.require(n.replace("1.1", "1.0"))
        assert v11.inputs == v10.inputs and v11.params == v10.params and v11.family == v10.family
        assert set(v11.regions.values()) == {n} and not v11.price.confirmed
    fam = {n: catalog.require(n).family for n in (T2V, I2V, R2V, EDIT)}
    assert fam == {T2V: Family.T2V, I2V: Family.I2V, R2V: Family.R2V, EDIT: Family.EDIT}
    assert catalog.require("happyhorse-1.1-t2v").featured and catalog.require("happyhorse-1.1-i2v").featured
    assert not any(catalog.require(n).featured for n in (T2V, I2V, R2V, EDIT))
    for n in (T2V, I2V, R2V, EDIT):
        m = catalog.require(n)
        assert m.new and not m.rewrites_prompt and m.fps == 24
        assert m.endpoint == "services/aigc/video-generation/video-synthesis" and not m.sync
        assert m.result == ("output", "video_url")
        assert m.submit_rps == 5 and m.concurrency == 5
        assert set(m.regions) == {catalog.BEIJING, SINGAPORE, VIRGINIA, FRANKFURT}
        assert set(m.regions.values()) == {n}
        assert m.param("watermark").default is True
        assert m.param("resolution").default == "1080P"
        assert m.param("prompt_extend") is None and m.input("negative_prompt") is None
    assert catalog.require(T2V).usage.keys == ("duration", "input_video_duration", "output_video_duration",
                                                "video_count", "SR", "ratio")
    assert "ratio" not in catalog.require(I2V).usage.keys
    assert catalog.require(EDIT).usage.seconds == "duration"


def test_frankfurt_needs_a_workspace():
    with pytest.raises(catalog.WorkspaceNeeded):
        catalog.model_base_url(catalog.require(T2V), FRANKFURT)
    assert catalog.model_base_url(catalog.require(T2V), VIRGINIA) == "https://dashscope-us.aliyuncs.com/api/v1"


# -- accepted --------------------------------------------------------------------------------------
@pytest.mark.parametrize("model,inputs,params", [
    (T2V, {"prompt": "一列硬纸板火车在夜里缓缓驶过"}, {"resolution": "720P", "ratio": "21:9", "duration": 15,
                                                "watermark": False, "seed": 7}),
    (T2V, {"prompt": "a cat"}, {}),
    (I2V, {"media": [item("first_frame")]}, {"resolution": "720P", "duration": 3}),
    (I2V, {"prompt": "猫在草地上奔跑", "media": [item("first_frame", "data:image/png;base64,AAAA")]}, {}),
    (R2V, {"prompt": "[Image 1]中的女孩打开[Image 2]中的折扇",
           "media": [item("reference_image")] * 9}, {"ratio": "9:21", "duration": 10}),
    (EDIT, {"prompt": "给人物换上条纹毛衣", "media": [item("video", VID)]}, {"audio_setting": "origin"}),
    (EDIT, {"prompt": "换成水彩画风", "media": [item("video", VID)] + [item("reference_image")] * 5},
     {"resolution": "720P"}),
])
def test_valid_requests_pass(model, inputs, params):
    assert catalog.validate(model, inputs, params) == []


@pytest.mark.parametrize("region", [catalog.BEIJING, SINGAPORE, VIRGINIA, FRANKFURT])
def test_every_documented_region_is_accepted(region):
    assert catalog.validate(I2V, {"media": [item("first_frame")]}, {}, region=region) == []


def test_valid_files_pass():
    media = [item("video", VID), item("reference_image")]
    assert catalog.validate(EDIT, {"prompt": "x", "media": media}, {},
                            media={"media": [video(duration=60, fps=9), Info(format="webp", width=300,
                                                                              height=740)]}) == []


# -- refused ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("model,inputs,params,field,words", [
    (T2V, {"prompt": "x"}, {"ratio": "2:1"}, "parameters.ratio",
     ["16:9, 9:16, 1:1, 4:3, 3:4, 4:5, 5:4, 9:21, 21:9", "2:1"]),
    (T2V, {"prompt": "x"}, {"resolution": "480P"}, "parameters.resolution", ["720P, 1080P"]),
    (T2V, {"prompt": "x"}, {"duration": 16}, "parameters.duration", ["3–15", "16"]),
    (T2V, {"prompt": "x"}, {"duration": 2}, "parameters.duration", ["3–15", "2"]),
    (T2V, {}, {}, "input.prompt", ["Prompt is required"]),
    (T2V, {"prompt": "x" * 2501}, {}, "input.prompt", ["2501", "2500"]),
    (T2V, {"prompt": "x"}, {"prompt_extend": True}, "parameters.prompt_extend", ["no parameter prompt_extend"]),
    (I2V, {"media": [item("first_frame")]}, {"ratio": "16:9"}, "parameters.ratio", ["no parameter ratio"]),
    (I2V, {}, {}, "input.media", ["required"]),
    (I2V, {"media": [item("first_frame"), item("first_frame")]}, {}, "input.media", ["at most 1", "First frame"]),
    (I2V, {"media": [item("last_frame")]}, {}, "input.media[0].type", ["last_frame", "first_frame"]),
    (R2V, {"media": [item("reference_image")]}, {}, "input.prompt", ["Prompt is required"]),
    (R2V, {"prompt": "x", "media": [item("reference_image")] * 10}, {}, "input.media", ["at most 9", "got 10"]),
    (R2V, {"prompt": "x", "media": [item("first_frame")]}, {}, "input.media[0].type", ["reference_image"]),
    (R2V, {"prompt": "x", "media": [item("reference_image")]}, {"ratio": "2.35:1"}, "parameters.ratio", ["21:9"]),
    (EDIT, {"prompt": "x", "media": [item("reference_image")]}, {}, "input.media", ["at least 1", "Video to edit"]),
    (EDIT, {"prompt": "x", "media": [item("video", VID)] * 2}, {}, "input.media", ["at most 1", "Video to edit"]),
    (EDIT, {"prompt": "x", "media": [item("video", VID)] + [item("reference_image")] * 6}, {}, "input.media",
     ["at most 5", "Reference image"]),
    (EDIT, {"prompt": "x", "media": [item("video", VID)]}, {"duration": 5}, "parameters.duration",
     ["no parameter duration"]),
    (EDIT, {"prompt": "x", "media": [item("video", VID)]}, {"audio_setting": "mute"}, "parameters.audio_setting",
     ["auto, origin"]),
    (EDIT, {"prompt": "x", "media": [item("video", "data:video/mp4;base64,AAAA")]}, {}, "input.media[0].url",
     ["base64"]),
])
def test_rejections_name_the_field_and_the_allowed_values(model, inputs, params, field, words):
    errs = catalog.validate(model, inputs, params)
    hit = [e for e in errs if e.field == field]
    assert hit, f"expected an error on {field}, got {[str(e) for e in errs]}"
    for w in words:
        assert w in hit[0].message.en, (w, hit[0].message.en)
    assert hit[0].message.zh and hit[0].message.zh != hit[0].message.en


@pytest.mark.parametrize("model,media,info,code,words", [
    (I2V, [item("first_frame")], Info(format="bmp"), "format", ["BMP", "JPEG/PNG/WEBP"]),
    (I2V, [item("first_frame")], Info(size_bytes=21 * 1024 * 1024), "bytes", ["21 MB", "20 MB"]),
    (I2V, [item("first_frame")], Info(width=299, height=500), "pixels", ["300"]),
    (I2V, [item("first_frame")], Info(width=2600, height=1000), "aspect", ["2.60:1", "2.5:1"]),
    (R2V, [item("reference_image")], Info(width=1280, height=399), "pixels", ["400"]),
    (EDIT, [item("video", VID)], video(duration=61), "duration", ["61.0 s", "60 s"]),
    (EDIT, [item("video", VID)], video(duration=2), "duration", ["at least 3 s"]),
    (EDIT, [item("video", VID)], video(fps=5), "fps", ["5 fps", "8"]),
    (EDIT, [item("video", VID)], video(format="avi"), "format", ["AVI", "MP4/MOV"]),
    (EDIT, [item("video", VID)], video(width=5000, height=2160), "pixels", ["4096"]),
    (EDIT, [item("video", VID)], video(size_bytes=101 * 1024 * 1024), "bytes", ["100 MB"]),
])
def test_file_limits(model, media, info, code, words):
    errs = catalog.validate(model, {"prompt": "x", "media": media}, {}, media={"media": [info]})
    assert [e.code for e in errs] == [code], [str(e) for e in errs]
    assert errs[0].field == "input.media[0].url"
    for w in words:
        assert w in errs[0].message.en, (w, errs[0].message.en)


# -- prices ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", [T2V, I2V, R2V])
@pytest.mark.parametrize("region,params,amount", [
    (None, {}, 8.0),                                      # 1080P default, 5 s default, 1.6/s
    (None, {"resolution": "720P", "duration": 10}, 9.0),
    (SINGAPORE, {"resolution": "1080P", "duration": 5}, 8.993),      # 1.798608/s, amounts kept to 4 places
    (SINGAPORE, {"resolution": "720P", "duration": 3}, 3.1476),
    (VIRGINIA, {"resolution": "720P", "duration": 15}, 13.5),
    (FRANKFURT, {}, 8.0),
])
def test_estimates_per_region(model, region, params, amount):
    est = catalog.estimate(catalog.require(model), params, region=region)
    assert est.amount == pytest.approx(amount)
    assert est.confirmed and est.seconds_known and est.currency == "CNY"


def test_free_quota_only_in_beijing():
    for n in (T2V, I2V, R2V, EDIT):
        m = catalog.require(n)
        assert m.price.free_quota == 10
        assert all(m.price_in(r).free_quota == 0 for r in (SINGAPORE, VIRGINIA, FRANKFURT))


def test_edit_bills_the_source_video_and_the_result():
    spec = catalog.require(EDIT)
    est = catalog.estimate(spec, {"resolution": "720P"}, input_durations={"video": 6.62})
    assert est.amount == pytest.approx(13.24 * 0.9)          # the page's example: duration 13.24 = 6.62 + 6.62
    est = catalog.estimate(spec, {}, input_durations={"video": 10}, region=SINGAPORE)
    assert est.amount == pytest.approx(round(20 * 1.798608, 4))
    assert est.lines[-1].unit_price == 1.798608
    assert not catalog.estimate(spec, {}).seconds_known      # the length comes from the video


def test_actual_cost_from_the_pages_usage_examples():
    usage = {"duration": 5, "input_video_duration": 0, "output_video_duration": 5, "video_count": 1, "SR": 720,
             "ratio": "16:9"}
    assert catalog.actual_cost(catalog.require(T2V), usage, {"resolution": "720P"}) == pytest.approx(4.5)
    # SR says what was billed even when the request's parameters are not at hand.
    assert catalog.actual_cost(catalog.require(T2V), usage, {}) == pytest.approx(4.5)
    edit = {"duration": 13.24, "input_video_duration": 6.62, "output_video_duration": 6.62, "video_count": 1,
            "SR": 720}
    assert catalog.actual_cost(catalog.require(EDIT), edit, {"resolution": "720P"}) == pytest.approx(11.916)


def test_media_input_shape():
    r2v = catalog.require(R2V).input("media")
    assert r2v.kind == Kind.MEDIA and r2v.required
    ref = r2v.media_type("reference_image")
    assert (ref.min_items, ref.max_items, ref.data_uri) == (1, 9, True)
    edit = catalog.require(EDIT).input("media")
    assert edit.media_type("video").data_uri is False and edit.media_type("reference_image").data_uri is True
    assert catalog.require(I2V).input("prompt").required is False
