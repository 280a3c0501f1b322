"""The legacy models (Wan 2.1–2.6, VACE, style transform, portraits) as the official pages give them:
regions, VACE limits and options, cross-field VACE rules, effect templates, and prices per region."""
from __future__ import annotations

import pytest
from catalog_helpers import Info

from bailian_video import catalog
from bailian_video.catalog import BEIJING, FRANKFURT, SINGAPORE, VIRGINIA, Kind
from bailian_video.catalog.checks_vace import regional_param_checks, template_checks, vace_checks

VACE = "wanx2.1-vace-plus"
URL = "https://example.com/"


def video(width: int = 1280, height: int = 720, duration: float = 4.0, fps: float = 16.0) -> Info:
    return Info(kind="video", format="mp4", width=width, height=height, duration=duration, fps=fps)


def on(errs, field):
    hit = [e for e in errs if e.field == field]
    assert hit, f"expected an error on {field}, got {[str(e) for e in errs]}"
    assert hit[0].message.zh and hit[0].message.zh != hit[0].message.en
    return hit[0].message.en


# -- 1. regions ---------------------------------------------------------------------------------------
def test_kf2v_flash_is_beijing_only():
    spec = catalog.require("wan2.2-kf2v-flash")
    assert spec.regions == {BEIJING: "wan2.2-kf2v-flash"}
    inputs = {"first_frame_url": URL + "a.png", "prompt": "dusk"}
    assert catalog.validate(spec, inputs, region=BEIJING) == []
    msg = on(catalog.validate(spec, inputs, region=SINGAPORE), "region")
    assert "Singapore" in msg and "Beijing" in msg


@pytest.mark.parametrize("model,singapore", [
    ("wan2.2-t2v-plus", "wan2.2-t2v-plus"), ("wanx2.1-t2v-turbo", "wan2.1-t2v-turbo"),
    ("wanx2.1-t2v-plus", "wan2.1-t2v-plus"), ("wan2.5-t2v-preview", "wan2.5-t2v-preview"),
    ("wan2.6-t2v", "wan2.6-t2v"), ("wan2.2-i2v-plus", "wan2.2-i2v-plus"), ("wanx2.1-i2v-turbo", "wan2.1-i2v-turbo"),
    ("wanx2.1-i2v-plus", "wan2.1-i2v-plus"), ("wan2.5-i2v-preview", "wan2.5-i2v-preview"), ("wan2.6-i2v", "wan2.6-i2v"),
    ("wan2.6-i2v-flash", "wan2.6-i2v-flash"), ("wanx2.1-kf2v-plus", "wan2.1-kf2v-plus"),
    ("wanx2.1-vace-plus", "wan2.1-vace-plus"),
])
def test_singapore_names(model, singapore):
    assert catalog.require(model).regions[SINGAPORE] == singapore


@pytest.mark.parametrize("model", ["wan2.2-i2v-flash", "wan2.2-kf2v-flash", "video-style-transform", "emo-v1",
                                   "liveportrait", "emoji-v1", "videoretalk", "animate-anyone-gen2"])
def test_beijing_only_models(model):
    assert set(catalog.require(model).regions) == {BEIJING}


@pytest.mark.parametrize("model,us", [("wan2.6-t2v", "wan2.6-t2v-us"), ("wan2.6-i2v", "wan2.6-i2v-us")])
def test_wan26_in_virginia_and_frankfurt(model, us):
    spec = catalog.require(model)
    assert spec.name_in(VIRGINIA) == us and spec.name_in(FRANKFURT) == model
    assert catalog.get(us) is spec
    assert catalog.model_base_url(spec, VIRGINIA) == "https://dashscope-us.aliyuncs.com/api/v1"
    with pytest.raises(catalog.WorkspaceNeeded):
        catalog.model_base_url(spec, FRANKFURT)
    assert catalog.model_base_url(spec, FRANKFURT, "ws-1") == "https://ws-1.eu-central-1.maas.aliyuncs.com/api/v1"
    for other in ("wan2.6-i2v-flash", "wan2.5-t2v-preview", "wan2.2-t2v-plus"):
        assert not catalog.require(other).available_in(VIRGINIA)


def test_us_ids_take_fewer_durations():
    t2v, i2v = catalog.require("wan2.6-t2v"), catalog.require("wan2.6-i2v")
    msg = on(regional_param_checks(t2v, VIRGINIA, {"duration": 7}), "parameters.duration")
    assert "wan2.6-t2v-us" in msg and "5, 10 s" in msg and "got 7" in msg
    assert regional_param_checks(t2v, VIRGINIA, {"duration": 10}) == []
    assert regional_param_checks(t2v, VIRGINIA, {}) == []                 # default 5
    assert regional_param_checks(t2v, BEIJING, {"duration": 7}) == []
    assert regional_param_checks(t2v, FRANKFURT, {"duration": 7}) == []
    assert "5, 10, 15 s" in on(regional_param_checks(i2v, VIRGINIA, {"duration": 12}), "parameters.duration")
    assert regional_param_checks(i2v, VIRGINIA, {"duration": 15}) == []


# -- 2. VACE limits and options ---------------------------------------------------------------------------
@pytest.mark.parametrize("function,field", [
    ("image_reference", "ref_images_url"), ("video_repainting", "ref_images_url"), ("video_edit", "ref_images_url"),
    ("video_extension", "first_frame_url"), ("video_extension", "last_frame_url"),
])
def test_vace_images_are_360_to_2000_px_tiff_allowed(function, field):
    spec = catalog.require(VACE)
    ins = spec.input(field, function)
    photo = catalog.check_file(VACE, ins, Info(format="jpeg", width=4000, height=3000))
    assert [e.code for e in photo] == ["pixels"] and "2000" in photo[0].message.en
    small = catalog.check_file(VACE, ins, Info(width=300, height=600))
    assert [e.code for e in small] == ["pixels"] and "360" in small[0].message.en
    assert catalog.check_file(VACE, ins, Info(format="tiff", width=2000, height=360)) == []
    big = catalog.check_file(VACE, ins, Info(format="tiff", size_bytes=11 * 1024 * 1024))
    assert [e.code for e in big] == ["bytes"]


def test_vace_phone_photo_refused_through_validate():
    errs = catalog.validate(VACE, {"function": "image_reference", "prompt": "a walk",
                                   "ref_images_url": ["/a.jpg"]},
                            media={"ref_images_url": [Info(format="jpeg", width=4032, height=3024)]})
    assert "2000" in on(errs, "input.ref_images_url[0]")


def test_vace_mask_image_takes_tiff_and_any_size():
    ins = catalog.require(VACE).input("mask_image_url", "video_edit")
    assert catalog.check_file(VACE, ins, Info(format="tiff", width=320, height=240)) == []
    assert [e.code for e in catalog.check_file(VACE, ins, Info(format="gif"))] == ["format"]


@pytest.mark.parametrize("field", ["video_url", "mask_video_url"])
def test_vace_videos_need_16_fps(field):
    ins = catalog.require(VACE).input(field, "video_edit")
    errs = catalog.check_file(VACE, ins, video(fps=12))
    assert [e.code for e in errs] == ["fps"] and "16" in errs[0].message.en


@pytest.mark.parametrize("function,extra", [
    ("image_reference", {"ref_images_url": [URL + "a.png"]}), ("video_repainting", {"video_url": URL + "v.mp4"}),
    ("video_edit", {"video_url": URL + "v.mp4", "mask_image_url": URL + "m.png"}),
    ("video_extension", {"first_clip_url": URL + "c.mp4"}), ("video_outpainting", {"video_url": URL + "v.mp4"}),
])
def test_vace_prompt_is_required_and_800_chars(function, extra):
    params = {"control_condition": "depth"} if function == "video_repainting" else {}
    assert catalog.validate(VACE, {"function": function, "prompt": "a calm lake", **extra}, params) == []
    assert "800" in on(catalog.validate(VACE, {"function": function, "prompt": "x" * 801, **extra}, params),
                       "input.prompt")
    assert "required" in on(catalog.validate(VACE, {"function": function, **extra}, params), "input.prompt")


def test_vace_edit_options():
    spec = catalog.require(VACE)
    assert spec.param("expand_mode", "video_edit").choice_values() == ["hull", "bbox", "original"]
    assert spec.param("expand_mode", "video_edit").default == "hull"
    assert spec.param("control_condition", "video_edit").choice_values() == ["", "posebodyface", "depth"]
    assert spec.param("size", "video_edit").choice_values() == ["1280*720", "720*1280", "960*960", "1088*832",
                                                                 "832*1088"]
    base = {"function": "video_edit", "prompt": "a lion", "video_url": URL + "v.mp4", "mask_image_url": URL + "m.png"}
    ok = {"expand_mode": "bbox", "control_condition": "depth", "size": "720*1280", "mask_type": "tracking"}
    assert catalog.validate(VACE, base, ok) == []
    assert "hull, bbox, original" in on(catalog.validate(VACE, base, {"expand_mode": "circle"}),
                                        "parameters.expand_mode")
    assert "posebodyface, depth" in on(catalog.validate(VACE, base, {"control_condition": "scribble"}),
                                       "parameters.control_condition")
    assert "1280*720" in on(catalog.validate(VACE, base, {"size": "1920*1080"}), "parameters.size")


def test_vace_extension_motion_reference():
    spec = catalog.require(VACE)
    motion = spec.input("video_url", "video_extension")
    assert motion is not None and motion.kind == Kind.VIDEO and not motion.required and motion.one_of is None
    assert spec.param("control_condition", "video_extension").choice_values() == ["", "posebodyface", "depth"]
    inputs = {"function": "video_extension", "prompt": "keeps skating", "first_clip_url": URL + "c.mp4",
              "video_url": URL + "m.mp4"}
    assert catalog.validate(VACE, inputs, {"control_condition": "posebodyface"}) == []
    # the motion reference alone is not a starting point
    alone = {"function": "video_extension", "prompt": "x", "video_url": URL + "m.mp4"}
    assert "at least one" in on(catalog.validate(VACE, alone, {"control_condition": "depth"}), "input.first_clip_url")


@pytest.mark.parametrize("function", ["image_reference", "video_edit", "video_extension", "video_outpainting"])
def test_vace_duration_is_documented_as_fixed_5(function):
    p = catalog.require(VACE).param("duration", function)
    assert p is not None and p.fixed and p.choice_values() == [5]


# -- 3. cross-field VACE rules -----------------------------------------------------------------------------
def test_obj_or_bg_required_with_several_images():
    spec = catalog.require(VACE)
    two = {"function": "image_reference", "prompt": "x", "ref_images_url": [URL + "a.png", URL + "b.png"]}
    msg = on(vace_checks(spec, "image_reference", two, {}, None), "parameters.obj_or_bg")
    assert "2 reference images" in msg and "obj" in msg and "bg" in msg
    assert vace_checks(spec, "image_reference", two, {"obj_or_bg": ["obj", "bg"]}, None) == []
    one = {"function": "image_reference", "prompt": "x", "ref_images_url": [URL + "a.png"]}
    assert vace_checks(spec, "image_reference", one, {}, None) == []


@pytest.mark.parametrize("mask,media", [("mask_image_url", Info(width=1920, height=1080)),
                                        ("mask_video_url", video(1920, 1080))])
def test_mask_must_be_the_source_videos_size(mask, media):
    spec = catalog.require(VACE)
    inputs = {"function": "video_edit", "prompt": "x", "video_url": "/v.mp4", mask: "/m"}
    msg = on(vace_checks(spec, "video_edit", inputs, {}, {"video_url": video(), mask: media}), f"input.{mask}")
    assert "1920×1080" in msg and "1280×720" in msg and "Export the mask at 1280×720" in msg
    same = video() if mask == "mask_video_url" else Info()
    assert vace_checks(spec, "video_edit", inputs, {}, {"video_url": video(), mask: same}) == []
    assert vace_checks(spec, "video_edit", inputs, {}, {"video_url": None, mask: media}) == []   # size unknown


def test_mask_video_must_match_rate_and_length():
    spec = catalog.require(VACE)
    inputs = {"function": "video_edit", "prompt": "x", "video_url": "/v.mp4", "mask_video_url": "/m.mp4"}
    errs = vace_checks(spec, "video_edit", inputs, {}, {"video_url": video(), "mask_video_url": video(duration=3, fps=25)})
    assert sorted(e.code for e in errs) == ["mask_duration", "mask_fps"]


def test_one_mask_only_and_mask_frame_in_range():
    spec = catalog.require(VACE)
    both = {"function": "video_edit", "prompt": "x", "video_url": URL + "v.mp4", "mask_image_url": URL + "m.png",
            "mask_video_url": URL + "m.mp4"}
    assert "not both" in on(vace_checks(spec, "video_edit", both, {}, None), "input.mask_video_url")
    late = {"function": "video_edit", "prompt": "x", "video_url": "/v.mp4", "mask_image_url": "/m.png",
            "mask_frame_id": 90}
    msg = on(vace_checks(spec, "video_edit", late, {}, {"video_url": video(duration=5, fps=16)}), "input.mask_frame_id")
    assert "1–81" in msg
    assert vace_checks(spec, "video_edit", dict(late, mask_frame_id=81), {},
                       {"video_url": video(duration=5, fps=16)}) == []


def test_extension_rules():
    spec = catalog.require(VACE)
    inputs = {"function": "video_extension", "prompt": "x", "first_clip_url": "/a.mp4", "video_url": "/m.mp4"}
    msg = on(vace_checks(spec, "video_extension", inputs, {"control_condition": ""}, None),
             "parameters.control_condition")
    assert "posebodyface" in msg and "depth" in msg
    assert vace_checks(spec, "video_extension", inputs, {"control_condition": "depth"}, None) == []
    clips = {"function": "video_extension", "prompt": "x", "first_clip_url": "/a.mp4", "last_clip_url": "/b.mp4"}
    media = {"first_clip_url": video(duration=2.0), "last_clip_url": video(duration=1.5)}
    assert "3.5 s" in on(vace_checks(spec, "video_extension", clips, {}, media), "input.last_clip_url")
    media = {"first_clip_url": video(duration=1.5), "last_clip_url": video(duration=1.5)}
    assert vace_checks(spec, "video_extension", clips, {}, media) == []
    media = {"first_clip_url": video(), "video_url": video(720, 1280)}
    msg = on(vace_checks(spec, "video_extension", inputs, {"control_condition": "depth"}, media), "input.video_url")
    assert "720×1280" in msg and "1280×720" in msg


# -- 4. effect templates ----------------------------------------------------------------------------------
PLUS = ["squish", "rotation", "poke", "inflate", "dissolve", "melt", "icecream", "carousel", "singleheart", "dance1",
        "dance2", "dance3", "dance4", "dance5", "mermaid", "graduation", "dragon", "money", "jellyfish", "pupil",
        "flying", "rose", "crystalrose", "hug", "frenchkiss", "coupleheart"]
TURBO = ["squish", "rotation", "poke", "inflate", "dissolve", "carousel", "singleheart", "flying", "rose",
         "crystalrose", "hug", "frenchkiss", "coupleheart"]
KF2V = ["hanfu-1", "solaron", "magazine", "mech1", "mech2"]


@pytest.mark.parametrize("model,expected", [("wanx2.1-i2v-plus", PLUS), ("wanx2.1-i2v-turbo", TURBO),
                                            ("wanx2.1-kf2v-plus", KF2V)])
def test_templates_are_the_pages_list(model, expected):
    ins = catalog.require(model).input("template")
    assert ins.kind == Kind.CHOICE and [c.value for c in ins.choices] == expected
    assert "Beijing" in ins.help.en and "北京" in ins.help.zh


@pytest.mark.parametrize("model", ["wan2.2-kf2v-flash", "wan2.2-i2v-plus", "wan2.2-i2v-flash", "wan2.5-i2v-preview",
                                   "wan2.6-i2v", "wan2.6-i2v-flash"])
def test_no_templates_where_the_page_lists_none(model):
    assert catalog.require(model).input("template") is None


def test_template_choices_are_checked():
    msg = on(catalog.validate("wanx2.1-i2v-turbo", {"img_url": URL + "a.png", "template": "melt"}), "input.template")
    assert "squish" in msg and "coupleheart" in msg
    assert catalog.validate("wanx2.1-i2v-plus", {"img_url": URL + "a.png", "template": "melt"}) == []
    assert catalog.validate("wanx2.1-kf2v-plus", {"first_frame_url": URL + "a.png", "template": "hanfu-1"}) == []
    assert "hanfu-1" in on(catalog.validate("wanx2.1-kf2v-plus", {"first_frame_url": URL + "a.png",
                                                                  "template": "flying"}), "input.template")
    errs = catalog.validate("wan2.2-kf2v-flash", {"first_frame_url": URL + "a.png", "template": "hanfu-1"})
    assert "no input template" in on(errs, "input.template")


def test_templates_only_in_beijing():
    spec = catalog.require("wanx2.1-i2v-turbo")
    inputs = {"img_url": URL + "a.png", "template": "flying"}
    assert template_checks(spec, BEIJING, inputs) == []
    assert template_checks(spec, None, inputs) == []
    msg = on(template_checks(spec, SINGAPORE, inputs), "input.template")
    assert "only in China (Beijing)" in msg and "Singapore" in msg
    assert template_checks(spec, SINGAPORE, {"img_url": URL + "a.png"}) == []
    flash = catalog.require("wan2.2-kf2v-flash")
    assert "no effect templates" in on(template_checks(flash, BEIJING, {"template": "hanfu-1"}), "input.template")


# -- 5. prices ------------------------------------------------------------------------------------------
def test_wan26_i2v_flash_silent_price_is_half():
    spec = catalog.require("wan2.6-i2v-flash")
    assert spec.price.confirmed and spec.price.switch == "audio"
    assert spec.price.for_tier("1080P", {"audio": False}) == 0.25
    assert spec.price.for_tier("720P", {"audio": False}) == 0.15
    assert spec.price.for_tier("1080P", {"audio": True}) == 0.50
    sg = spec.price_in(SINGAPORE)
    assert sg.free_quota == 0 and sg.for_tier("720P", {"audio": False}) == 0.183481
    assert sg.for_tier("1080P", {}) == 0.550443


def test_wan26_i2v_flash_estimate_follows_audio():
    # Needs pricing.estimate to read Price.switch (the lead's pricing work).
    spec = catalog.require("wan2.6-i2v-flash")
    silent = catalog.estimate(spec, {"audio": False, "resolution": "1080P", "duration": 5})
    assert silent.amount == pytest.approx(1.25)
    assert catalog.estimate(spec, {"audio": True, "resolution": "1080P", "duration": 5}).amount == pytest.approx(2.5)


def test_style_transform_price():
    spec = catalog.require("video-style-transform")
    assert spec.price.by_tier == {"720": 0.50, "540": 0.20}
    assert spec.price.free_quota == 600 and spec.price.confirmed
    est = catalog.estimate(spec, {"min_len": 540}, input_durations={"video_url": 10})
    assert est.amount == pytest.approx(2.0) and est.confirmed
    assert catalog.estimate(spec, {}, input_durations={"video_url": 10}).amount == pytest.approx(5.0)
    fps = spec.param("video_fps")
    assert "bill" not in fps.help.en and "计费" not in fps.help.zh


@pytest.mark.parametrize("model,beijing,free", [
    ("wan2.5-t2v-preview", {"480P": 0.30, "720P": 0.60, "1080P": 1.00}, 50),
    ("wan2.6-t2v", {"720P": 0.60, "1080P": 1.00}, 50),
    ("wan2.5-i2v-preview", {"480P": 0.30, "720P": 0.60, "1080P": 1.00}, 50),
    ("wan2.6-i2v", {"720P": 0.60, "1080P": 1.00}, 50),
    ("wan2.2-i2v-flash", {"480P": 0.10, "720P": 0.20, "1080P": 0.48}, 50),
    ("wan2.2-kf2v-flash", {"480P": 0.10, "720P": 0.20, "1080P": 0.48}, 50),
    ("animate-anyone-template-gen2", {"*": 0.08}, 1800), ("animate-anyone-gen2", {"*": 0.08}, 1800),
    ("emo-v1", {"1:1": 0.08, "3:4": 0.16}, 1800), ("liveportrait", {"*": 0.02}, 1800),
    ("emoji-v1", {"*": 0.08}, 1800), ("videoretalk", {"*": 0.08}, 1800),
])
def test_prices_confirmed_by_the_pricing_page(model, beijing, free):
    price = catalog.require(model).price
    assert price.confirmed and price.by_tier == beijing and price.free_quota == free


def test_every_legacy_price_is_confirmed():
    from bailian_video.catalog.models import MODELS
    assert [m.name for m in MODELS if not m.price.confirmed] == []


SINGAPORE_PRICES = {
    "wan2.2-t2v-plus": {"480P": 0.146785, "1080P": 0.733924},
    "wanx2.1-t2v-turbo": {"*": 0.264213},
    "wanx2.1-t2v-plus": {"*": 0.733924},
    "wan2.5-t2v-preview": {"480P": 0.366961, "720P": 0.733923, "1080P": 1.100885},
    "wan2.6-t2v": {"720P": 0.733924, "1080P": 1.100886},
    "wan2.2-i2v-plus": {"480P": 0.146785, "1080P": 0.733924},
    "wanx2.1-i2v-turbo": {"*": 0.264213},
    "wanx2.1-i2v-plus": {"*": 0.733924},
    "wan2.5-i2v-preview": {"480P": 0.366961, "720P": 0.733923, "1080P": 1.100885},
    "wan2.6-i2v": {"720P": 0.733924, "1080P": 1.100886},
    "wan2.6-i2v-flash": {"720P": 0.366962, "1080P": 0.550443},
    "wanx2.1-kf2v-plus": {"*": 0.733924},
    "wanx2.1-vace-plus": {"*": 0.733924},
}


def test_every_singapore_model_has_the_international_price():
    from bailian_video.catalog.models import MODELS
    in_singapore = {m.name for m in MODELS if m.available_in(SINGAPORE)}
    assert in_singapore == set(SINGAPORE_PRICES)
    for name, table in SINGAPORE_PRICES.items():
        sg = catalog.require(name).prices[SINGAPORE]
        assert sg.by_tier == table and sg.free_quota == 0 and sg.confirmed, name


@pytest.mark.parametrize("model", ["wan2.6-t2v", "wan2.6-i2v"])
def test_virginia_and_frankfurt_prices(model):
    spec = catalog.require(model)
    us, eu = spec.price_in(VIRGINIA), spec.price_in(FRANKFURT)
    assert us.by_tier == {"720P": 0.733924, "1080P": 1.100886} and us.free_quota == 0
    assert eu.by_tier == {"720P": 0.60, "1080P": 1.00} and eu.free_quota == 0
    assert spec.price_in(BEIJING).free_quota == 50


def test_estimates_use_the_regions_prices():
    flash = catalog.require("wan2.6-i2v-flash")
    silent = catalog.estimate(flash, {"audio": False, "resolution": "720P", "duration": 5}, region=SINGAPORE)
    assert silent.amount == pytest.approx(5 * 0.183481, abs=1e-4)
    t2v = catalog.require("wan2.6-t2v")
    assert catalog.estimate(t2v, {"size": "1920*1080", "duration": 10}, region=VIRGINIA).amount == \
        pytest.approx(10 * 1.100886, abs=1e-4)
    assert catalog.estimate(t2v, {"size": "1280*720", "duration": 5}, region=FRANKFURT).amount == pytest.approx(3.0)
