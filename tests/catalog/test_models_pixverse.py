"""The PixVerse (爱诗) models as the four PixVerse API pages, the price page and the rate-limit page
describe them."""
from __future__ import annotations

from typing import Any

import pytest

from bailian_video import catalog
from bailian_video.catalog import Family, Kind
from bailian_video.catalog.models_pixverse import MODELS

IMG = "https://example.com/a.png"
IMG2 = "https://example.com/b.webp"

T2V = ["pixverse/pixverse-c1-t2v", "pixverse/pixverse-v6-t2v", "pixverse/pixverse-v5.6-t2v"]
I2V = ["pixverse/pixverse-c1-it2v", "pixverse/pixverse-v6-it2v", "pixverse/pixverse-v5.6-it2v"]
KF2V = ["pixverse/pixverse-c1-kf2v", "pixverse/pixverse-v6-kf2v", "pixverse/pixverse-v5.6-kf2v"]
R2V = ["pixverse/pixverse-c1-r2v", "pixverse/pixverse-v5.6-r2v"]
ALL = T2V + I2V + KF2V + R2V
BY_SIZE = T2V + R2V             # "size" (W*H) sets the tier
BY_RESOLUTION = I2V + KF2V      # "resolution" sets the tier


def item(type_: str, url: str = IMG) -> dict[str, str]:
    return {"type": type_, "url": url}


def valid_inputs(name: str) -> dict[str, Any]:
    """A request the page documents as valid, with remote URLs."""
    if name in T2V:
        return {"prompt": "下着雨的赛博城市里，一只浣熊在栏杆上行走"}
    if name in I2V:
        return {"prompt": "海龟悠然游动", "media": [item("image_url")]}
    if name in KF2V:
        return {"prompt": "小猫从窗台跳到沙发上", "media": [item("first_frame"), item("last_frame", IMG2)]}
    return {"prompt": "男人在咖啡厅弹吉他", "media": [item("image_url"), item("image_url", IMG2), item("image_url")]}


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


def cost(name: str, **params: Any) -> float:
    return catalog.estimate(catalog.require(name), params).amount


# -- the facts ---------------------------------------------------------------------------------
def test_every_pixverse_model_is_there_once():
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
    assert spec.price.free_quota == 0 and spec.price.confirmed and spec.price.switch == "audio"
    assert spec.tier_source == ("size" if name in BY_SIZE else "param:resolution")
    assert spec.duration_source == "param:duration"
    assert spec.usage.seconds == "duration" and spec.usage.tier == "SR"
    assert {"duration", "size", "fps", "video_count", "audio", "SR"} <= set(spec.usage.keys)
    assert ("shot_type" in spec.usage.keys) == (name in T2V + I2V)
    assert (spec.param("shot_type") is not None) == ("-v6-" in name and name not in KF2V)
    assert spec.param("audio").default is False and spec.param("watermark").default is False
    assert spec.param("duration").required
    assert spec.input("prompt").max_chars == (2048 if "v5.6" in name else 5000)
    assert spec.input("prompt").required == (name not in I2V)
    media = spec.input("media")
    if name in T2V:
        assert media is None
    else:
        assert media.kind == Kind.MEDIA and media.required
        assert all(t.limits.max_bytes == 20 * 1024 * 1024 and t.limits.max_side == 10000 and not t.data_uri
                   for t in media.media_types)


def test_media_shapes():
    def shape(name):
        return [(t.type, t.min_items, t.max_items) for t in catalog.require(name).input("media").media_types]

    assert shape("pixverse/pixverse-v6-it2v") == [("image_url", 1, 1)]
    assert shape("pixverse/pixverse-c1-kf2v") == [("first_frame", 1, 1), ("last_frame", 1, 1)]
    assert shape("pixverse/pixverse-v5.6-r2v") == [("image_url", 1, 7)]


def test_size_tables_differ_by_model():
    def sizes(name):
        return {c.value: c.tier for c in catalog.require(name).param("size").choices}

    c1 = sizes("pixverse/pixverse-c1-t2v")
    assert len(c1) == 32 and c1["1920*832"] == "1080P" and c1["640*288"] == "360P"
    assert sizes("pixverse/pixverse-v6-t2v") == c1 == sizes("pixverse/pixverse-c1-r2v")
    v56 = sizes("pixverse/pixverse-v5.6-t2v")
    assert len(v56) == 20 and v56["1808*1808"] == "1080P" and v56["1280*960"] == "720P"
    r2v = sizes("pixverse/pixverse-v5.6-r2v")
    assert len(r2v) == 20 and r2v["1108*830"] == "720P" and r2v["1662*1246"] == "1080P"


# -- accepted ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_accepts_a_documented_request(name):
    assert check(name) == []


@pytest.mark.parametrize("name", ALL)
def test_accepts_audio_and_the_longest_length(name):
    assert check(name, audio=True, duration=10 if "v5.6" in name else 15) == []


def test_accepts_the_model_specific_sizes():
    assert check("pixverse/pixverse-c1-t2v", size="1280*560") == []
    assert check("pixverse/pixverse-v5.6-t2v", size="1280*1280") == []
    assert check("pixverse/pixverse-v5.6-r2v", size="1108*830") == []


def test_accepts_multi_shot_on_v6():
    assert check("pixverse/pixverse-v6-t2v", shot_type="multi") == []
    assert check("pixverse/pixverse-v6-it2v", shot_type="multi") == []


def test_accepts_an_image_without_prompt():
    assert check("pixverse/pixverse-c1-it2v", {"media": [item("image_url")]}) == []


# -- refused -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_refuses_other_regions(name):
    refused(check(name, region=catalog.SINGAPORE), "region", "Singapore")


@pytest.mark.parametrize("name", BY_SIZE)
def test_refuses_a_size_off_its_table(name):
    refused(check(name, size="1920*1920"), "parameters.size", "640*360")


@pytest.mark.parametrize("name", BY_RESOLUTION)
def test_refuses_an_undocumented_resolution(name):
    refused(check(name, resolution="480P"), "parameters.resolution", "360P, 540P, 720P, 1080P")


def test_refuses_sizes_of_the_other_table():
    refused(check("pixverse/pixverse-c1-t2v", size="1280*960"), "parameters.size")
    refused(check("pixverse/pixverse-v5.6-t2v", size="1108*832"), "parameters.size")
    refused(check("pixverse/pixverse-v5.6-r2v", size="1280*960"), "parameters.size")
    refused(check("pixverse/pixverse-v5.6-r2v", size="640*432"), "parameters.size")


@pytest.mark.parametrize("name", [n for n in ALL if "v5.6" not in n])
def test_refuses_more_than_15_seconds(name):
    refused(check(name, duration=16), "parameters.duration", "1–15")


@pytest.mark.parametrize("name", [n for n in ALL if "v5.6" in n])
def test_refuses_lengths_v56_does_not_offer(name):
    refused(check(name, duration=7), "parameters.duration", "5, 8, 10")


@pytest.mark.parametrize("name", [n for n in ALL if "-v6-" not in n] + KF2V[1:2])
def test_refuses_shot_type_where_undocumented(name):
    refused(check(name, shot_type="multi"), "parameters.shot_type")


def test_refuses_unknown_shot_type():
    refused(check("pixverse/pixverse-v6-t2v", shot_type="triple"), "parameters.shot_type", "single, multi")


def test_refuses_too_long_prompts():
    refused(check("pixverse/pixverse-v5.6-t2v", {"prompt": "猫" * 2049}), "input.prompt", "2048")
    assert check("pixverse/pixverse-c1-t2v", {"prompt": "猫" * 5000}) == []
    refused(check("pixverse/pixverse-c1-t2v", {"prompt": "猫" * 5001}), "input.prompt", "5000")


def test_refuses_media_counts_and_types():
    refused(check("pixverse/pixverse-c1-it2v", {"media": [item("image_url"), item("image_url", IMG2)]}),
            "input.media", "1")
    refused(check("pixverse/pixverse-c1-it2v", {"media": [item("image")]}), "input.media", "image_url")
    refused(check("pixverse/pixverse-v6-kf2v", {"prompt": "x", "media": [item("first_frame")]}),
            "input.media", "Last frame")
    two_first = [item("first_frame"), item("first_frame", IMG2), item("last_frame")]
    refused(check("pixverse/pixverse-v6-kf2v", {"prompt": "x", "media": two_first}), "input.media", "First frame")
    refused(check("pixverse/pixverse-c1-r2v", {"prompt": "x", "media": [item("image_url")] * 8}), "input.media", "7")
    refused(check("pixverse/pixverse-c1-r2v", {"prompt": "x"}), "input.media")


def test_refuses_base64_images():
    data = {"type": "image_url", "url": "data:image/png;base64,iVBORw0KGgo="}
    refused(check("pixverse/pixverse-v6-it2v", {"media": [data]}), "input.media")


# -- cost --------------------------------------------------------------------------------------
def test_silent_is_the_default_price():
    assert cost("pixverse/pixverse-c1-t2v", size="1280*720", duration=5) == pytest.approx(1.5)
    assert cost("pixverse/pixverse-c1-t2v", size="1280*720", duration=5, audio=False) == pytest.approx(1.5)
    assert cost("pixverse/pixverse-c1-t2v", size="1280*720", duration=5, audio=True) == pytest.approx(1.95)


def test_audio_price_by_resolution():
    assert cost("pixverse/pixverse-v6-it2v", resolution="1080P", duration=10, audio=True) == pytest.approx(6.8)
    assert cost("pixverse/pixverse-v6-it2v", resolution="1080P", duration=10, audio=False) == pytest.approx(5.3)
    assert cost("pixverse/pixverse-v5.6-kf2v", resolution="360P", duration=8, audio=True) == pytest.approx(3.76)
    assert cost("pixverse/pixverse-v5.6-kf2v", resolution="360P", duration=8) == pytest.approx(1.68)


@pytest.mark.parametrize("size,tier_rate", [("640*288", 0.18), ("1024*448", 0.24), ("1108*832", 0.30),
                                            ("1920*832", 0.56)])
def test_size_sets_the_tier(size, tier_rate):
    assert cost("pixverse/pixverse-c1-r2v", size=size, duration=10) == pytest.approx(10 * tier_rate)


def test_size_sets_the_tier_v56():
    assert cost("pixverse/pixverse-v5.6-t2v", size="1808*1808", duration=8, audio=True) == pytest.approx(5.6)
    assert cost("pixverse/pixverse-v5.6-r2v", size="1108*830", duration=5) == pytest.approx(1.35)
