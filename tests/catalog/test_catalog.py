"""The catalogue as data, and validation messages a person understands."""
from __future__ import annotations

import pytest
from catalog_helpers import Info

from bailian_video import catalog
from bailian_video.catalog import Family, Kind

REQUIRED = """wan2.2-t2v-plus wanx2.1-t2v-turbo wanx2.1-t2v-plus wan2.2-i2v-plus wanx2.1-i2v-turbo wanx2.1-i2v-plus
wanx2.1-kf2v-plus wanx2.1-vace-plus video-style-transform animate-anyone-detect-gen2 animate-anyone-template-gen2
animate-anyone-gen2 emo-detect-v1 emo-v1 liveportrait-detect liveportrait emoji-detect-v1 emoji-v1 videoretalk
wan2.2-i2v-flash wan2.2-kf2v-flash wan2.5-t2v-preview wan2.5-i2v-preview wan2.6-t2v wan2.6-i2v wan2.6-i2v-flash""".split()


def messages(errors):
    return [e.message.en for e in errors]


def test_every_model_is_there_with_its_facts():
    names = {m.name for m in catalog.all_models()}
    assert set(REQUIRED) <= names
    assert catalog.require("wan2.2-kf2v-flash").endpoint == "services/aigc/image2video/video-synthesis"
    assert catalog.require("wanx2.1-kf2v-plus").family == Family.KF2V
    assert catalog.require("emo-detect-v1").sync and catalog.require("emo-detect-v1").endpoint.endswith("face-detect")
    assert catalog.require("emo-v1").result == ("output", "results", "video_url")
    assert catalog.require("video-style-transform").result == ("output", "output_video_url")
    assert catalog.require("animate-anyone-template-gen2").result == ("output", "template_id")
    assert catalog.require("emoji-v1").send_parameters is False
    assert set(catalog.require("wanx2.1-vace-plus").functions) == {
        "image_reference", "video_repainting", "video_edit", "video_extension", "video_outpainting"}
    assert len(catalog.require("emoji-v1").input("driven_id").choices) == 20
    assert len(catalog.require("video-style-transform").param("style").choices) == 8
    assert catalog.require("wan2.2-i2v-plus").input("img_url").kind == Kind.IMAGE


def test_regional_names():
    turbo = catalog.require("wanx2.1-t2v-turbo")
    assert turbo.name_in(catalog.SINGAPORE) == "wan2.1-t2v-turbo"
    assert turbo.name_in(catalog.BEIJING) == "wanx2.1-t2v-turbo"
    assert catalog.get("wan2.1-t2v-turbo") is turbo
    assert not catalog.require("emo-v1").available_in(catalog.SINGAPORE)
    errs = catalog.validate("emo-v1", {"image_url": "https://x/a.png", "audio_url": "https://x/a.mp3"},
                            region=catalog.SINGAPORE)
    assert errs[0].field == "region" and "Beijing" in errs[0].message.en


def test_size_tier_message_names_allowed_sizes():
    errs = catalog.validate("wan2.2-t2v-plus", {"prompt": "cat"}, {"size": "1280*720"})
    assert len(errs) == 1 and errs[0].field == "parameters.size"
    assert errs[0].message.en.startswith("wan2.2-t2v-plus has no 720P sizes; choose one of 832*480, 480*832, 624*624, 1920*1080")
    errs = catalog.validate("wan2.2-t2v-plus", {"prompt": "cat"}, {"size": "16:9"})
    assert "concrete W*H" in errs[0].message.en
    assert "没有" in catalog.validate("wan2.2-t2v-plus", {"prompt": "cat"}, {"size": "720P"})[0].message.zh


@pytest.mark.parametrize("model,inputs,params,field,words", [
    ("wan2.2-t2v-plus", {}, {}, "input.prompt", ["Prompt is required"]),
    ("wan2.2-t2v-plus", {"prompt": "x" * 801}, {}, "input.prompt", ["801 characters", "800"]),
    ("wan2.2-t2v-plus", {"prompt": "x"}, {"duration": 10}, "parameters.duration", ["5", "got 10"]),
    ("wan2.6-t2v", {"prompt": "x"}, {"duration": 16}, "parameters.duration", ["2–15", "16"]),
    ("wan2.6-t2v", {"prompt": "x"}, {"seed": -1}, "parameters.seed", ["0–2147483647"]),
    ("wanx2.1-i2v-turbo", {"img_url": "https://a/b.png"}, {"duration": 6}, "parameters.duration", ["3, 4, 5"]),
    ("wan2.2-i2v-plus", {"img_url": "https://a/b.png"}, {"resolution": "720P"}, "parameters.resolution", ["480P, 1080P"]),
    ("wan2.2-i2v-plus", {"img_url": "https://a/b.png"}, {"resolution": "1280*720"}, "parameters.resolution", ["tier"]),
    ("wan2.2-i2v-plus", {"img_url": "https://a/b.png"}, {"prompt_extend": "yes"}, "parameters.prompt_extend", ["true or false"]),
    ("emo-v1", {"image_url": "oss://a.png", "audio_url": "oss://a.mp3"}, {"style_level": "wild"},
     "parameters.style_level", ["normal, calm, active"]),
    ("liveportrait", {"image_url": "oss://a", "audio_url": "oss://b"}, {"video_fps": 60}, "parameters.video_fps", ["15–30"]),
    ("emoji-v1", {"image_url": "oss://a", "driven_id": "happy"}, {}, "input.driven_id", ["mengwa_kaixin"]),
    ("video-style-transform", {"video_url": "oss://a"}, {"style": 9}, "parameters.style", ["0, 1, 2"]),
    ("video-style-transform", {"video_url": "oss://a"}, {"min_len": 1080}, "parameters.min_len", ["720, 540"]),
    ("wanx2.1-vace-plus", {"function": "video_outpainting", "prompt": "x", "video_url": "oss://v"},
     {"top_scale": 2.5}, "parameters.top_scale", ["1–2"]),
    ("wanx2.1-vace-plus", {"function": "image_reference", "prompt": "x",
                           "ref_images_url": ["a", "b", "c", "d"]}, {}, "input.ref_images_url", ["at most 3"]),
    ("wanx2.1-vace-plus", {"function": "video_extension", "prompt": "x"}, {}, "input.first_clip_url", ["at least one"]),
    ("wanx2.1-vace-plus", {"function": "spin", "prompt": "x"}, {}, "input.function", ["image_reference"]),
    ("emo-v1", {"image_url": "data:image/png;base64,AAAA", "audio_url": "oss://a"}, {}, "input.image_url", ["base64"]),
    ("videoretalk", {"video_url": "oss://v", "audio_url": "oss://a"}, {"query_face_threshold": 100},
     "parameters.query_face_threshold", ["120–200"]),
    ("wan2.2-t2v-plus", {"prompt": "x"}, {"sizes": "1"}, "parameters.sizes", ["no parameter sizes", "size"]),
    ("no-such-model", {}, {}, "model", ["no model named", "wan2.2-t2v-plus"]),
])
def test_rejections_name_the_field_and_the_allowed_values(model, inputs, params, field, words):
    errs = catalog.validate(model, inputs, params)
    hit = [e for e in errs if e.field == field]
    assert hit, f"expected an error on {field}, got {[str(e) for e in errs]}"
    for w in words:
        assert w in hit[0].message.en, (w, hit[0].message.en)
    assert hit[0].message.zh and hit[0].message.zh != hit[0].message.en


@pytest.mark.parametrize("model,field,info,code,words", [
    ("wan2.2-i2v-plus", "img_url", Info(format="gif"), "format", ["GIF", "JPEG/PNG/BMP/WEBP"]),
    ("wan2.2-i2v-plus", "img_url", Info(size_bytes=11 * 1024 * 1024), "bytes", ["11 MB", "10 MB"]),
    ("wan2.2-i2v-plus", "img_url", Info(width=200, height=300), "pixels", ["200×300", "240"]),
    ("wan2.2-i2v-plus", "img_url", Info(width=9000, height=300), "pixels", ["8000"]),
    ("wan2.2-i2v-plus", "img_url", Info(has_alpha=True), "alpha", ["transparency"]),
    ("liveportrait", "image_url", Info(width=3000, height=1000), "aspect", ["3.00:1", "2:1"]),
    ("emo-v1", "audio_url", Info(kind="audio", format="mp3", width=None, height=None, duration=75), "duration",
     ["75.0 s", "60 s"]),
    ("liveportrait", "audio_url", Info(kind="audio", format="wav", width=None, height=None, duration=0.5), "duration",
     ["at least 1 s"]),
    ("animate-anyone-template-gen2", "video_url", Info(kind="video", format="mp4", duration=10, fps=15), "fps",
     ["15 fps", "24"]),
    ("videoretalk", "video_url", Info(kind="video", format="mp4", duration=10, fps=90), "fps", ["at most 60"]),
    ("wan2.2-i2v-plus", "img_url", Info(kind="audio", format="mp3", width=None, height=None, duration=3), "kind",
     ["needs an image"]),
])
def test_file_limits(model, field, info, code, words):
    spec = catalog.require(model)
    errs = catalog.check_file(model, spec.input(field), info)
    assert [e.code for e in errs] == [code], [str(e) for e in errs]
    for w in words:
        assert w in errs[0].message.en, (w, errs[0].message.en)


def test_file_limits_through_validate_and_lists():
    errs = catalog.validate("wanx2.1-vace-plus", {"function": "image_reference", "prompt": "x",
                                                  "ref_images_url": ["/a.png", "/b.gif"]},
                            {"obj_or_bg": ["obj", "bg"]}, media={"ref_images_url": [Info(), Info(format="gif")]})
    assert [e.field for e in errs] == ["input.ref_images_url[1]"]


def test_valid_requests_pass():
    assert catalog.validate("wan2.2-t2v-plus", {"prompt": "一只小猫在月光下奔跑"}, {"size": "832*480", "seed": 42}) == []
    assert catalog.validate("emo-v1", {"image_url": "/a.png", "audio_url": "/a.mp3"}, {"ratio": "3:4"}) == []
    assert catalog.validate("wanx2.1-i2v-turbo", {"img_url": "/a.png", "template": "flying"}, {}) == []


def test_cost_estimates():
    t2v = catalog.require("wan2.2-t2v-plus")
    assert catalog.estimate(t2v, {"size": "832*480"}, count=3).amount == pytest.approx(0.14 * 5 * 3)
    assert catalog.estimate(t2v, {}).amount == pytest.approx(0.70 * 5)   # default 1920*1080
    emo = catalog.require("emo-v1")
    est = catalog.estimate(emo, {"ratio": "1:1"}, input_durations={"audio_url": 12}, chain=catalog.chain_of(emo))
    assert est.amount == pytest.approx(0.004 + 12 * 0.08)
    assert est.confirmed is True and [line.model for line in est.lines] == ["emo-detect-v1", "emo-v1"]
    wan26 = catalog.require("wan2.6-t2v")
    e26 = catalog.estimate(wan26, {"duration": 10, "size": "1280*720"})
    assert e26.amount == pytest.approx(6.0) and e26.confirmed is True     # on the price page now
    assert catalog.actual_cost(t2v, {"video_duration": 5, "video_ratio": "832*480"}, {"size": "832*480"}) == \
        pytest.approx(0.7)
    assert catalog.actual_cost(wan26, {"duration": 10, "SR": 1080}, {}) == pytest.approx(10.0)
