"""The Wan models of the 2026 pages (2.7, 3.0, 2.6 reference, 2.2 Animate, 2.2 digital human) as their
API pages, the price page and the rate-limit page describe them."""
from __future__ import annotations

from typing import Any

import pytest
from catalog_helpers import Info

from bailian_video import catalog
from bailian_video.catalog import Family, Kind
from bailian_video.catalog.models_wan import MODELS

IMG = "https://example.com/a.png"
IMG2 = "https://example.com/b.jpg"
CLIP = "https://example.com/c.mp4"
SOUND = "https://example.com/d.mp3"
DOC = "https://example.com/e.pdf"
PAGE = "https://example.com/article/1"
DATA = "data:image/png;base64,AAAA"

NAMES = ["wan2.7-t2v", "wan2.7-t2v-2026-04-25", "wan2.7-i2v", "wan2.7-i2v-2026-04-25", "wan2.7-r2v",
         "wan2.7-videoedit", "wan3.0-video", "wan3.0-video-prime", "wan2.6-r2v", "wan2.6-r2v-flash",
         "wan2.2-animate-move", "wan2.2-animate-mix", "wan2.2-s2v-detect", "wan2.2-s2v"]


def video(seconds: float) -> Info:
    return Info(kind="video", format="mp4", duration=seconds, fps=30)


def audio(seconds: float) -> Info:
    return Info(kind="audio", format="mp3", width=None, height=None, duration=seconds)


def item(typ: str, url: str, **extra: str) -> dict[str, str]:
    return {"type": typ, "url": url, **extra}


def check(name: str, inputs: dict[str, Any], region: str | None = catalog.BEIJING,
          media: dict[str, Any] | None = None, **params: Any) -> list[catalog.FieldError]:
    spec = catalog.require(name)
    return catalog.validate(spec, inputs, {**spec.default_params(), **params}, region=region, media=media)


def refused(errors: list[catalog.FieldError], field: str, *words: str) -> str:
    hits = [e for e in errors if e.field.startswith(field)]
    assert hits, f"expected an error on {field}, got {[str(e) for e in errors]}"
    text = " ".join(e.message.en for e in hits)
    for word in words:
        assert word in text, (word, text)
    assert all(e.message.zh and e.message.zh != e.message.en for e in hits)
    return text


def cost(name: str, params: dict[str, Any] | None = None, region: str | None = None,
         **durations: float) -> catalog.Estimate:
    spec = catalog.require(name)
    return catalog.estimate(spec, {**spec.default_params(), **(params or {})}, input_durations=durations or None,
                            chain=catalog.chain_of(spec), region=region)


# -- the catalogue as data ---------------------------------------------------------------------
def test_every_model_with_its_family_and_place():
    assert [m.name for m in MODELS] == NAMES
    for m in MODELS:
        assert catalog.require(m.name) is m and m.new
    fam = {m.name: m.family for m in MODELS}
    assert fam["wan2.7-t2v"] == fam["wan3.0-video"] == Family.T2V
    assert fam["wan2.7-i2v"] == Family.I2V and catalog.require("wan2.7-i2v").also_in == (Family.KF2V,)
    assert catalog.require("wan3.0-video-prime").also_in == (Family.I2V, Family.KF2V, Family.R2V)
    assert fam["wan2.7-r2v"] == fam["wan2.6-r2v"] == Family.R2V
    assert fam["wan2.7-videoedit"] == Family.EDIT and fam["wan2.2-animate-mix"] == Family.ANIMATE
    assert fam["wan2.2-s2v"] == Family.S2V
    assert {m.name for m in MODELS if m.featured} == {"wan2.7-r2v", "wan2.7-videoedit", "wan2.2-animate-move",
                                                       "wan2.2-s2v"}
    assert "wan2.7-i2v" in [m.name for m in catalog.by_family(Family.KF2V)]
    assert "wan3.0-video" in [m.name for m in catalog.by_family(Family.R2V)]
    for m in MODELS:
        assert m.rewrites_prompt is False   # no page shows actual_prompt


def test_endpoints_results_and_usage():
    for name in NAMES[:10]:
        spec = catalog.require(name)
        assert spec.endpoint == "services/aigc/video-generation/video-synthesis" and spec.result == ("output", "video_url")
    for name in ("wan2.2-animate-move", "wan2.2-animate-mix", "wan2.2-s2v"):
        spec = catalog.require(name)
        assert spec.endpoint == "services/aigc/image2video/video-synthesis"
        assert spec.result == ("output", "results", "video_url")
    assert catalog.require("wan2.2-s2v-detect").endpoint == "services/aigc/image2video/face-detect"
    assert catalog.require("wan2.7-r2v").usage.keys == ("duration", "input_video_duration", "output_video_duration",
                                                        "video_count", "SR", "ratio")
    assert catalog.require("wan3.0-video").usage.keys == ("video_count", "duration", "input_video_duration",
                                                          "output_video_duration", "fps", "SR", "ratio")
    move = catalog.require("wan2.2-animate-move").usage
    assert move.keys == ("video_duration", "video_ratio") and move.seconds == "video_duration"
    assert catalog.require("wan2.2-s2v").usage.keys == ("duration", "size", "fps", "video_count", "SR")
    assert catalog.require("wan3.0-video").fps == 30 and catalog.require("wan2.7-t2v").fps == 30


def test_regions_hosts_and_limits():
    for name in NAMES[:6] + ["wan2.6-r2v-flash", "wan2.2-animate-move", "wan2.2-animate-mix"]:
        assert set(catalog.require(name).regions) == {catalog.BEIJING, catalog.SINGAPORE}, name
    assert set(catalog.require("wan2.6-r2v").regions) == {catalog.BEIJING, catalog.SINGAPORE, catalog.VIRGINIA,
                                                          catalog.FRANKFURT}
    for name in ("wan3.0-video", "wan3.0-video-prime"):
        spec = catalog.require(name)
        assert spec.host == "workspace" and set(spec.regions) == {catalog.BEIJING, catalog.SINGAPORE,
                                                                  catalog.VIRGINIA, catalog.FRANKFURT}
    assert set(catalog.require("wan2.2-s2v").regions) == {catalog.BEIJING}
    assert (catalog.require("wan2.2-s2v").submit_rps, catalog.require("wan2.2-s2v").concurrency) == (5, 1)
    assert (catalog.require("wan2.2-animate-mix").submit_rps, catalog.require("wan2.2-animate-mix").concurrency) == (5, 1)
    assert (catalog.require("wan2.7-r2v").submit_rps, catalog.require("wan2.7-r2v").concurrency) == (5, 5)


# -- Wan 2.7 text-to-video ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ["wan2.7-t2v", "wan2.7-t2v-2026-04-25"])
def test_t2v27(name):
    ok = {"prompt": "一只小猫在月光下奔跑", "negative_prompt": "花朵", "audio_url": SOUND}
    assert check(name, ok, resolution="720P", ratio="3:4", duration=15) == []
    refused(check(name, ok, ratio="21:9"), "parameters.ratio", "16:9, 9:16, 1:1, 4:3, 3:4")
    refused(check(name, ok, resolution="480P"), "parameters.resolution", "720P, 1080P")
    refused(check(name, ok, duration=16), "parameters.duration", "2–15", "16")
    refused(check(name, ok, region=catalog.VIRGINIA), "region", "Beijing", "Singapore")
    refused(check(name, {"prompt": "x" * 5001}), "input.prompt", "5000")
    refused(check(name, ok, media={"audio_url": audio(31)}), "input.audio_url", "30 s")
    assert cost(name).amount == pytest.approx(5 * 1.0)                          # 1080P, 5 s by default
    assert cost(name, {"resolution": "720P", "duration": 10}, catalog.SINGAPORE).amount == pytest.approx(7.33924, abs=1e-3)
    assert catalog.require(name).price.free_quota == 50
    assert catalog.require(name).price_in(catalog.SINGAPORE).free_quota == 0


# -- Wan 2.7 image-to-video --------------------------------------------------------------------
@pytest.mark.parametrize("name", ["wan2.7-i2v", "wan2.7-i2v-2026-04-25"])
def test_i2v27_combinations(name):
    for media in ([item("first_frame", IMG)],
                  [item("first_frame", IMG), item("driving_audio", SOUND)],
                  [item("first_frame", IMG), item("last_frame", IMG2)],
                  [item("first_frame", DATA), item("last_frame", IMG2), item("driving_audio", SOUND)],
                  [item("first_clip", CLIP)],
                  [item("first_clip", CLIP), item("last_frame", IMG2)]):
        assert check(name, {"media": media}) == [], media
    refused(check(name, {"media": [item("first_clip", CLIP), item("driving_audio", SOUND)]}), "input.media",
            "cannot combine", "Opening clip")
    refused(check(name, {"media": [item("first_frame", IMG), item("first_clip", CLIP)]}), "input.media",
            "cannot combine")
    refused(check(name, {"media": [item("first_frame", IMG), item("first_frame", IMG2)]}), "input.media",
            "at most 1")
    refused(check(name, {"media": [item("driving_audio", SOUND)]}), "input.media", "Driving audio needs First frame")
    refused(check(name, {"media": [item("first_clip", "data:video/mp4;base64,AAAA")]}), "input.media[0].url",
            "base64")
    refused(check(name, {"media": [item("reference_image", IMG)]}), "input.media[0].type",
            "first_frame, last_frame, driving_audio, first_clip")
    refused(check(name, {"media": []}), "input.media", "required")
    refused(check(name, {"media": [item("first_clip", CLIP)]}, media={"media": [video(12)]}),
            "input.media[0].url", "10 s")
    refused(check(name, {"media": [item("first_frame", IMG)]}, ratio="16:9"), "parameters.ratio", "no parameter")
    assert cost(name, {"resolution": "720P", "duration": 15}, first_clip=3).amount == pytest.approx(9.0)


# -- Wan 2.7 reference-to-video ----------------------------------------------------------------
def test_r2v27():
    ok = {"prompt": "视频1抱着图1弹吉他",
          "media": [item("reference_image", IMG, reference_voice=SOUND), item("reference_video", CLIP,
                                                                               reference_voice=SOUND),
                    item("first_frame", IMG2)]}
    assert check("wan2.7-r2v", ok, resolution="720P", ratio="9:16", duration=10) == []
    assert check("wan2.7-r2v", {"prompt": "图1在跳舞", "media": [item("reference_image", DATA)]}) == []
    refused(check("wan2.7-r2v", {"prompt": "x", "media": [item("reference_image", IMG)] * 6}), "input.media",
            "at most 5", "Remove 1")
    refused(check("wan2.7-r2v", {"prompt": "x", "media": [item("reference_image", IMG),
                                                          item("first_frame", IMG, reference_voice=SOUND)]}),
            "input.media[1].reference_voice", "no field reference_voice")
    refused(check("wan2.7-r2v", ok, duration=16), "parameters.duration", "2–15")
    refused(check("wan2.7-r2v", ok, region=catalog.FRANKFURT), "region", "Beijing")
    infos = [Info(), audio(12), video(8), audio(5), Info()]   # slot order: url, then reference_voice
    refused(check("wan2.7-r2v", ok, media={"media": infos}), "input.media[0].reference_voice", "10 s")
    spec = catalog.require("wan2.7-r2v")
    assert spec.input("media").media_type("reference_image").tag.zh == "图"
    assert spec.input("media").media_type("reference_video").tag.en == "Video"
    # input videos are billed too, at most 5 s of them
    assert cost("wan2.7-r2v", {"resolution": "720P", "duration": 10}, reference_video=8).amount == pytest.approx(9.0)
    assert cost("wan2.7-r2v", {"resolution": "720P", "duration": 10}, reference_video=3).amount == pytest.approx(7.8)
    assert cost("wan2.7-r2v", {"duration": 5}, catalog.SINGAPORE).amount == pytest.approx(5 * 1.100886, abs=1e-3)


# -- Wan 2.7 video edit ------------------------------------------------------------------------
def test_videoedit27():
    ok = {"prompt": "把衣服换成图里的", "media": [item("video", CLIP), item("reference_image", IMG)]}
    assert check("wan2.7-videoedit", ok) == []
    assert check("wan2.7-videoedit", ok, duration=6, ratio="1:1", audio_setting="origin", resolution="720P") == []
    refused(check("wan2.7-videoedit", {"prompt": "x", "media": [item("reference_image", IMG)]}), "input.media",
            "at least 1", "Source video")
    refused(check("wan2.7-videoedit", {"media": [item("video", CLIP)] * 2}), "input.media", "at most 1")
    refused(check("wan2.7-videoedit", {"media": [item("video", CLIP)] + [item("reference_image", IMG)] * 5}),
            "input.media", "at most 4")
    refused(check("wan2.7-videoedit", ok, duration=11), "parameters.duration", "2–10")
    refused(check("wan2.7-videoedit", ok, audio_setting="mute"), "parameters.audio_setting", "auto, origin")
    refused(check("wan2.7-videoedit", ok, media={"media": [video(11), Info()]}), "input.media[0].url", "10 s")
    assert catalog.require("wan2.7-videoedit").default_params()["duration"] == 0
    # input and output seconds are both billed: a 6 s clip edited at 1080P is 12 s
    assert cost("wan2.7-videoedit", video=6).amount == pytest.approx(12.0)
    assert cost("wan2.7-videoedit", {"resolution": "720P"}, catalog.SINGAPORE, video=5).amount == \
        pytest.approx(10 * 0.733924, abs=1e-3)


# -- Wan 3.0 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["wan3.0-video", "wan3.0-video-prime"])
def test_wan3(name):
    assert check(name, {"prompt": "一只小猫在屋顶奔跑"}) == []
    assert check(name, {"media": [item("first_frame", IMG), item("last_frame", IMG2)]}, ratio="4:3") == []
    refs = [item("reference_image", IMG)] * 10 + [item("reference_video", CLIP)] * 5 + \
        [item("reference_audio", SOUND)] * 5
    assert check(name, {"prompt": "视频1抱着图3", "media": refs + [item("file", DOC)]}) == []
    assert check(name, {"prompt": "按网页内容做广告", "media": [item("link", PAGE)]}, duration=-1) == []
    assert check(name, {"prompt": "x"}, resolution="480P", duration=30, audio=False) == []
    refused(check(name, {}), "input.", "at least one of", "Prompt", "Media")
    refused(check(name, {"media": [item("first_frame", IMG), item("reference_image", IMG2)]}), "input.media",
            "cannot combine", "First frame", "Reference image")
    refused(check(name, {"media": [item("file", DOC), item("link", PAGE)]}), "input.media", "cannot combine",
            "Document", "Web link")
    refused(check(name, {"media": [item("reference_image", IMG)] * 11}), "input.media", "at most 10")
    refused(check(name, {"media": [item("reference_video", CLIP)] * 6}), "input.media", "at most 5")
    refused(check(name, {"prompt": "x"}, duration=31), "parameters.duration", "2–30", "31")
    refused(check(name, {"prompt": "x"}, duration=0), "parameters.duration", "2–30")
    refused(check(name, {"prompt": "x"}, ratio="21:9"), "parameters.ratio", "adaptive, 16:9, 4:3, 1:1, 3:4, 9:16")
    refused(check(name, {"prompt": "x"}, resolution="4K"), "parameters.resolution", "480P, 720P, 1080P")
    two = {"prompt": "x", "media": [item("reference_video", CLIP), item("reference_video", CLIP)]}
    refused(check(name, two, media={"media": [video(9), video(8)]}), "input.media", "17.0 s", "15 s")
    errs = catalog.validate(name, {"prompt": "x"}, region=catalog.SINGAPORE, need_host=True)
    refused(errs, "workspace", "workspace")
    assert catalog.validate(name, {"prompt": "x"}, region=catalog.SINGAPORE, need_host=True, workspace="ws-1") == []
    assert catalog.require(name).default_params()["ratio"] == "adaptive"
    # smart length (-1) is estimated at the longest the model may pick, as a guess; the price is an estimate
    est = cost(name, {"duration": -1, "resolution": "720P"})
    assert est.seconds == 30 and est.seconds_known is False and est.confirmed is False


def test_wan3_media_types():
    media = catalog.require("wan3.0-video").input("media")
    assert [t.type for t in media.media_types] == ["first_frame", "last_frame", "reference_image", "reference_video",
                                                   "reference_audio", "file", "link"]
    assert media.media_type("link").limits is None and media.media_type("link").media == "link"
    assert media.media_type("file").media == "file" and "pdf" in media.media_type("file").limits.formats
    assert media.media_type("reference_audio").tag.zh == "音频"
    assert media.media_type("reference_video").total_duration == 15
    assert catalog.require("wan3.0-video").param("duration").extra[0].value == -1


# -- Wan 2.6 reference-to-video (reference_urls) ------------------------------------------------
@pytest.mark.parametrize("name", ["wan2.6-r2v", "wan2.6-r2v-flash"])
def test_r2v26(name):
    ok = {"prompt": "character1对character2说话", "reference_urls": [CLIP, IMG]}
    assert check(name, ok) == []
    assert check(name, ok, size="832*1088", duration=10, shot_type="multi") == []
    spec = catalog.require(name)
    ref = spec.input("reference_urls")
    assert ref.kind == Kind.FILE_LIST and ref.accepts == ("image", "video") and (ref.min_items, ref.max_items) == (1, 5)
    refused(check(name, {"prompt": "x", "reference_urls": [IMG] * 6}), "input.reference_urls", "at most 5")
    refused(check(name, {"prompt": "x", "reference_urls": []}), "input.reference_urls", "required")
    refused(check(name, ok, duration=11), "parameters.duration", "2–10")
    refused(check(name, ok, size="720P"), "parameters.size", "1280*720")
    refused(check(name, ok, size="832*480"), "parameters.size", "no 480P")
    refused(check(name, ok, shot_type="many"), "parameters.shot_type", "single, multi")
    refused(check(name, ok, media={"reference_urls": [video(31), Info()]}), "input.reference_urls[0]", "30 s")
    refused(check(name, ok, media={"reference_urls": [audio(5), Info()]}), "input.reference_urls[0]",
            "only images or videos")
    refused(check(name, ok, media={"reference_urls": [video(5), Info(has_alpha=True)]}), "input.reference_urls[1]",
            "transparency")


def test_r2v26_regions_audio_and_prices():
    ok = {"prompt": "character1跳舞", "reference_urls": [CLIP]}
    assert check("wan2.6-r2v", ok, region=catalog.FRANKFURT) == []
    assert check("wan2.6-r2v", ok, region=catalog.VIRGINIA) == []
    refused(check("wan2.6-r2v-flash", ok, region=catalog.VIRGINIA), "region", "Beijing")
    refused(check("wan2.6-r2v", ok, audio=False), "parameters.audio", "no parameter audio")
    assert check("wan2.6-r2v-flash", ok, audio=False) == []
    # 720P, 5 s out + a reference video of 8 s billed as 5 s
    assert cost("wan2.6-r2v", {"size": "1280*720"}, reference_urls=8).amount == pytest.approx(6.0)
    assert cost("wan2.6-r2v-flash", {"size": "1280*720"}, reference_urls=8).amount == pytest.approx(3.0)
    assert cost("wan2.6-r2v-flash", {"size": "1280*720", "audio": False}, reference_urls=8).amount == \
        pytest.approx(1.5)
    assert cost("wan2.6-r2v-flash", {"audio": False}, catalog.SINGAPORE).amount == pytest.approx(5 * 0.275221,
                                                                                                   abs=1e-3)
    assert cost("wan2.6-r2v", {}, catalog.VIRGINIA).amount == pytest.approx(5.0)
    assert catalog.require("wan2.6-r2v").price_in(catalog.FRANKFURT).free_quota == 0


# -- Wan 2.2 Animate ---------------------------------------------------------------------------
@pytest.mark.parametrize("name,std,pro,sg_std", [("wan2.2-animate-move", 0.4, 0.6, 0.880709),
                                                 ("wan2.2-animate-mix", 0.6, 0.9, 1.321063)])
def test_animate(name, std, pro, sg_std):
    ok = {"image_url": IMG, "video_url": CLIP}
    assert check(name, ok) == []
    assert check(name, ok, mode="wan-pro", check_image=False) == []
    refused(check(name, ok, mode="wan-max"), "parameters.mode", "wan-std, wan-pro")
    refused(check(name, {"image_url": IMG}), "input.video_url", "required")
    refused(check(name, ok, region=catalog.VIRGINIA), "region", "Singapore")
    refused(check(name, ok, media={"video_url": video(31)}), "input.video_url", "30 s")
    refused(check(name, ok, media={"image_url": Info(width=4000, height=1000)}), "input.image_url", "3:1")
    # the output is as long as the driving video, priced per mode
    assert cost(name, {"mode": "wan-std"}, video_url=12).amount == pytest.approx(12 * std)
    assert cost(name, {"mode": "wan-pro"}, video_url=12).amount == pytest.approx(12 * pro)
    assert cost(name, {}, catalog.SINGAPORE, video_url=10).amount == pytest.approx(10 * sg_std, abs=1e-3)
    assert catalog.actual_cost(catalog.require(name), {"video_duration": 5.2, "video_ratio": "pro"},
                               {"mode": "wan-pro"}) == pytest.approx(5.2 * pro)


# -- Wan 2.2 digital human ---------------------------------------------------------------------
def test_s2v_chain_and_detect():
    spec = catalog.require("wan2.2-s2v")
    assert [m.name for m in catalog.chain_of(spec)] == ["wan2.2-s2v-detect", "wan2.2-s2v"]
    det = catalog.require("wan2.2-s2v-detect")
    assert det.user_facing is False and det.detect_rule == "check_pass" and det.sync
    assert det.price.unit == "image" and det.price.by_tier == {"*": 0.004} and det.price.free_quota == 200
    assert "wan2.2-s2v-detect" not in [m.name for m in catalog.by_family(Family.S2V)]
    assert spec.price.free_quota == 100


def test_s2v():
    ok = {"image_url": IMG, "audio_url": SOUND}
    assert check("wan2.2-s2v", ok) == []
    assert check("wan2.2-s2v", ok, resolution="720P") == []
    refused(check("wan2.2-s2v", ok, resolution="1080P"), "parameters.resolution", "480P, 720P")
    refused(check("wan2.2-s2v", ok, region=catalog.SINGAPORE), "region", "Beijing")
    refused(check("wan2.2-s2v", {"image_url": IMG}), "input.audio_url", "required")
    refused(check("wan2.2-s2v", ok, media={"audio_url": audio(25)}), "input.audio_url", "20 s")
    refused(check("wan2.2-s2v", ok, media={"image_url": Info(width=300, height=500)}), "input.image_url", "400")
    # detect (per image) + output seconds from the audio, priced by resolution
    est = cost("wan2.2-s2v", {"resolution": "720P"}, audio_url=10)
    assert [line.model for line in est.lines] == ["wan2.2-s2v-detect", "wan2.2-s2v"]
    assert est.amount == pytest.approx(0.004 + 10 * 0.9)
    assert cost("wan2.2-s2v", {}, audio_url=10).amount == pytest.approx(0.004 + 10 * 0.5)
    assert catalog.actual_cost(spec := catalog.require("wan2.2-s2v"), {"duration": 18.13, "SR": 480}, {}) == \
        pytest.approx(18.13 * 0.5, abs=1e-3)
    assert spec.duration_source == "input:audio_url"


def test_wan27_i2v_last_frame_needs_first_frame_or_clip() -> None:
    img, clip = "https://example.com/a.png", "https://example.com/a.mp4"
    alone = catalog.validate("wan2.7-i2v", {"media": [{"type": "last_frame", "url": img}]}, {})
    assert [e.code for e in alone] == ["requires"]
    assert "First frame or Opening clip" in alone[0].message.en
    for first in ({"type": "first_frame", "url": img}, {"type": "first_clip", "url": clip}):
        ok = catalog.validate("wan2.7-i2v", {"media": [first, {"type": "last_frame", "url": img}]}, {})
        assert ok == []


def test_wan27_r2v_counts_references_together() -> None:
    img, vid = "https://example.com/a.png", "https://example.com/a.mp4"
    media = [{"type": "reference_image", "url": img}] * 3 + [{"type": "reference_video", "url": vid}] * 3
    errs = catalog.validate("wan2.7-r2v", {"prompt": "图1 和 视频1", "media": media}, {})
    assert any(e.code == "items" and "at most 5" in e.message.en for e in errs)
    only_first = catalog.validate("wan2.7-r2v", {"prompt": "x", "media": [{"type": "first_frame", "url": img}]}, {})
    assert any(e.code == "required" for e in only_first)
