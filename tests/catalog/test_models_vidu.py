"""The Vidu models as the four Vidu API pages, the price page and the rate-limit page describe them."""
from __future__ import annotations

from typing import Any

import pytest

from bailian_video import catalog
from bailian_video.catalog import Family, Kind
from bailian_video.catalog.models_vidu import MODELS

IMG = "https://example.com/a.png"
IMG2 = "https://example.com/b.jpg"
CLIP = "https://example.com/c.mp4"

T2V = ["vidu/viduq3-pro_text2video", "vidu/viduq3-turbo_text2video", "vidu/viduq2_text2video"]
I2V = ["vidu/viduq3-pro_img2video", "vidu/viduq3-turbo_img2video", "vidu/viduq2-pro-fast_img2video",
       "vidu/viduq2-pro_img2video", "vidu/viduq2-turbo_img2video"]
KF2V = ["vidu/viduq3-pro_start-end2video", "vidu/viduq3-turbo_start-end2video", "vidu/viduq2-pro_start-end2video",
        "vidu/viduq2-turbo_start-end2video"]
R2V = ["vidu/viduq3-mix_reference2video", "vidu/viduq3_reference2video", "vidu/viduq3-turbo_reference2video",
       "vidu/viduq2-pro_reference2video", "vidu/viduq2_reference2video"]
ALL = T2V + I2V + KF2V + R2V


def image(url: str = IMG) -> dict[str, str]:
    return {"type": "image", "url": url}


def valid_inputs(name: str) -> dict[str, Any]:
    """A request the page documents as valid, with remote URLs."""
    if name in T2V:
        return {"prompt": "一只小猫在月光下奔跑"}
    if name in I2V:
        return {"prompt": "海龟悠然游动", "media": [image()]}
    if name in KF2V:
        return {"prompt": "小猫从窗台跳到沙发上", "media": [image(), image(IMG2)]}
    return {"prompt": "男人在咖啡厅弹吉他", "media": [image(), image(IMG2), image()]}


def check(name: str, inputs: dict[str, Any] | None = None, region: str | None = catalog.BEIJING,
          **params: Any) -> list[catalog.FieldError]:
    spec = catalog.require(name)
    return catalog.validate(spec, valid_inputs(name) if inputs is None else inputs,
                            {**spec.default_params(), **params}, region=region)


def refused(errors: list[catalog.FieldError], field: str, *words: str) -> str:
    hits = [e for e in errors if e.field.startswith(field)]
    assert hits, f"expected an error on {field}, got {[str(e) for e in errors]}"
    text = " ".join(e.message.en for e in hits)
    for word in words:
        assert word in text, f"{word!r} not in {text!r}"
    return text


# -- the facts ---------------------------------------------------------------------------------
def test_every_vidu_model_is_there_once():
    assert [m.name for m in MODELS] == ALL
    names = [m.name for m in catalog.all_models()]
    assert all(names.count(n) == 1 for n in ALL)


@pytest.mark.parametrize("name", ALL)
def test_shared_facts(name):
    spec = catalog.require(name)
    family = (Family.T2V if name in T2V else Family.I2V if name in I2V else Family.KF2V if name in KF2V
              else Family.R2V)
    assert spec.family == family and spec.new and not spec.featured
    assert spec.regions == {catalog.BEIJING: name} and spec.host == "shared"
    assert spec.endpoint == "services/aigc/video-generation/video-synthesis" and not spec.sync
    assert spec.result == ("output", "video_url")
    assert (spec.submit_rps, spec.concurrency) == (5, 5)
    assert spec.rewrites_prompt is False
    assert spec.price.free_quota == 0 and spec.price.confirmed and spec.price.unit == "second"
    assert spec.tier_source == "param:resolution" and spec.duration_source == "param:duration"
    assert spec.usage.seconds == "duration" and spec.usage.tier == "SR"
    assert {"duration", "size", "output_video_duration", "fps", "video_count", "audio", "SR"} <= set(spec.usage.keys)
    assert ("reference_type" in spec.usage.keys) == (name in R2V)
    assert spec.statuses == ("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")
    # audio is a Q3 feature only
    assert (spec.param("audio") is not None) == ("viduq3" in name)
    assert spec.param("watermark").default is False and spec.param("seed").max == 2147483647
    media = spec.input("media")
    if name in T2V:
        assert media is None and spec.input("prompt").required
    else:
        assert media.kind == Kind.MEDIA and media.required
        assert all(not t.data_uri for t in media.media_types)
    assert spec.input("prompt").max_chars == 5000
    assert spec.input("negative_prompt") is None


def test_media_shapes():
    i2v = catalog.require("vidu/viduq3-pro_img2video").input("media")
    assert [(t.type, t.min_items, t.max_items) for t in i2v.media_types] == [("image", 1, 1)]
    assert i2v.media_types[0].limits.max_bytes == 50 * 1024 * 1024
    assert i2v.media_types[0].limits.formats == ("jpeg", "png", "webp")
    assert i2v.media_types[0].limits.max_aspect == 4.0
    kf = catalog.require("vidu/viduq2-pro_start-end2video").input("media")
    assert [(t.type, t.min_items, t.max_items) for t in kf.media_types] == [("image", 2, 2)]
    r2v = catalog.require("vidu/viduq2_reference2video").input("media")
    assert [(t.type, t.min_items, t.max_items) for t in r2v.media_types] == [("image", 1, 7)]
    pro = catalog.require("vidu/viduq2-pro_reference2video").input("media")
    assert [(t.type, t.min_items, t.max_items) for t in pro.media_types] == [("image", 1, 7), ("video", 0, 2)]
    video = pro.media_type("video")
    assert video.limits.formats == ("mp4", "avi", "mov") and video.limits.max_duration == 8
    assert pro.media_requires == (("video", "image"),)


def test_prices_from_the_price_page():
    rates = {m.name: m.price.by_tier for m in MODELS}
    assert rates["vidu/viduq3-pro_text2video"] == {"540P": 0.3125, "720P": 0.78125, "1080P": 0.9375}
    assert rates["vidu/viduq2-pro-fast_img2video"] == {"720P": 0.1, "1080P": 0.2}
    assert rates["vidu/viduq2-turbo_start-end2video"] == {"540P": 0.0875, "720P": 0.25, "1080P": 0.46875}
    assert rates["vidu/viduq3-mix_reference2video"] == {"720P": 0.78125, "1080P": 0.9375}
    assert rates["vidu/viduq3_reference2video"] == {"540P": 0.3125, "720P": 0.625, "1080P": 0.78125}
    # the price page does not price audio apart for Vidu
    assert all(not m.price.switch and not m.price.tables and not m.price.bill_input for m in MODELS)


# -- accepted ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_accepts_a_documented_request(name):
    assert check(name) == []


@pytest.mark.parametrize("name", T2V + R2V[:1])
def test_accepts_size_with_its_tier(name):
    assert check(name, resolution="1080P", size="1808*1808") == []


def test_accepts_reference_videos_on_q2_pro():
    media = [{"type": "video", "url": CLIP}, image(), image(IMG2)]
    assert check("vidu/viduq2-pro_reference2video", {"prompt": "弹吉他", "media": media}) == []


def test_automatic_length_only_on_q2_pro_reference():
    assert check("vidu/viduq2-pro_reference2video", duration=0) == []
    refused(check("vidu/viduq2_reference2video", duration=0), "parameters.duration", "1–10")


def test_longest_durations():
    assert check("vidu/viduq3-turbo_img2video", duration=16) == []
    assert check("vidu/viduq2-pro_start-end2video", duration=10) == []


# -- refused -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_refuses_other_regions(name):
    errors = check(name, region=catalog.SINGAPORE)
    refused(errors, "region", "Singapore")


@pytest.mark.parametrize("name", ALL)
def test_refuses_an_undocumented_resolution(name):
    refused(check(name, resolution="480P"), "parameters.resolution", "1080P")


@pytest.mark.parametrize("name,limit", [(n, 16 if "viduq3" in n else 10) for n in ALL])
def test_refuses_too_long(name, limit):
    refused(check(name, duration=limit + 1), "parameters.duration", f"1–{limit}")


def test_refuses_540p_where_the_page_leaves_it_out():
    refused(check("vidu/viduq2-pro-fast_img2video", resolution="540P"), "parameters.resolution", "720P, 1080P")
    refused(check("vidu/viduq3-mix_reference2video", resolution="540P"), "parameters.resolution", "720P, 1080P")
    refused(check("vidu/viduq3-mix_reference2video", size="1024*576"), "parameters.size", "1280*720")


def test_refuses_sizes_off_the_table():
    refused(check("vidu/viduq3-pro_text2video", size="1280*544"), "parameters.size", "1024*576")


@pytest.mark.parametrize("name", [n for n in ALL if "viduq2" in n])
def test_refuses_audio_on_q2(name):
    refused(check(name, audio=True), "parameters.audio")


def test_refuses_a_missing_prompt_where_required():
    refused(check("vidu/viduq3-pro_text2video", {}), "input.prompt")
    refused(check("vidu/viduq2-pro_start-end2video", {"media": [image(), image(IMG2)]}), "input.prompt")
    assert check("vidu/viduq2-pro_img2video", {"media": [image()]}) == []


def test_refuses_media_counts():
    refused(check("vidu/viduq3-pro_img2video", {"media": [image(), image(IMG2)]}), "input.media", "1")
    refused(check("vidu/viduq3-pro_img2video", {"prompt": "x"}), "input.media")
    refused(check("vidu/viduq3-pro_start-end2video", {"prompt": "x", "media": [image()]}), "input.media", "2")
    refused(check("vidu/viduq3-pro_start-end2video", {"prompt": "x", "media": [image()] * 3}), "input.media", "2")
    refused(check("vidu/viduq3_reference2video", {"prompt": "x", "media": [image()] * 8}), "input.media", "7")


def test_refuses_videos_where_only_images_are_taken():
    media = [image(), {"type": "video", "url": CLIP}]
    for name in ("vidu/viduq3-mix_reference2video", "vidu/viduq2_reference2video"):
        refused(check(name, {"prompt": "x", "media": media}), "input.media", "video")


def test_refuses_bad_reference_videos_on_q2_pro():
    name = "vidu/viduq2-pro_reference2video"
    three = [image()] + [{"type": "video", "url": CLIP}] * 3
    refused(check(name, {"prompt": "x", "media": three}), "input.media", "2")
    only_video = [{"type": "video", "url": CLIP}]
    refused(check(name, {"prompt": "x", "media": only_video}), "input.media")


def test_refuses_other_media_types_and_base64():
    refused(check("vidu/viduq3-pro_img2video", {"media": [{"type": "first_frame", "url": IMG}]}),
            "input.media", "image")
    data = {"type": "image", "url": "data:image/png;base64,iVBORw0KGgo="}
    refused(check("vidu/viduq3-pro_img2video", {"media": [data]}), "input.media")


def test_refuses_a_too_long_prompt():
    refused(check("vidu/viduq2_text2video", {"prompt": "猫" * 5001}), "input.prompt", "5000")


# -- cost --------------------------------------------------------------------------------------
def test_estimate_by_resolution_and_length():
    spec = catalog.require("vidu/viduq3-pro_text2video")
    assert catalog.estimate(spec, {"resolution": "1080P", "duration": 10}).amount == pytest.approx(9.375)
    assert catalog.estimate(spec, {"resolution": "540P", "duration": 4}).amount == pytest.approx(1.25)
    fast = catalog.require("vidu/viduq2-pro-fast_img2video")
    assert catalog.estimate(fast, fast.default_params()).amount == pytest.approx(0.5)


def test_estimate_audio_costs_the_same():
    spec = catalog.require("vidu/viduq3-turbo_start-end2video")
    silent = catalog.estimate(spec, {"resolution": "720P", "duration": 8, "audio": False}).amount
    loud = catalog.estimate(spec, {"resolution": "720P", "duration": 8, "audio": True}).amount
    assert silent == loud == pytest.approx(3.0)


def test_reference_videos_are_not_billed():
    spec = catalog.require("vidu/viduq2-pro_reference2video")
    est = catalog.estimate(spec, {"resolution": "1080P", "duration": 5}, input_durations={"video": 8.0})
    assert est.amount == pytest.approx(3.90625, abs=1e-3)
