"""Request bodies from the catalogue."""
from __future__ import annotations

from bailian_video import catalog
from bailian_video.api.requests import build_body, needs_oss_resolve


def test_t2v_body_and_regional_name() -> None:
    spec = catalog.require("wanx2.1-t2v-turbo")
    body = build_body(spec, {"prompt": "a cat", "negative_prompt": ""}, {"size": "1280*720", "seed": None},
                      region=catalog.SINGAPORE)
    assert body == {"model": "wan2.1-t2v-turbo", "input": {"prompt": "a cat"}, "parameters": {"size": "1280*720"}}
    assert build_body(spec, {"prompt": "x"}, {}, region=catalog.BEIJING)["model"] == "wanx2.1-t2v-turbo"


def test_vace_gets_its_function() -> None:
    spec = catalog.require("wanx2.1-vace-plus")
    body = build_body(spec, {"prompt": "p", "ref_images_url": ["https://a/1.png", None, ""]},
                      {"obj_or_bg": ["obj"]}, region=catalog.BEIJING, function="image_reference")
    assert body["input"] == {"prompt": "p", "ref_images_url": ["https://a/1.png"], "function": "image_reference"}
    assert body["parameters"] == {"obj_or_bg": ["obj"]}
    first = next(iter(spec.functions))
    assert build_body(spec, {"prompt": "p"}, {}, region=catalog.BEIJING)["input"]["function"] == first


def test_models_without_parameters() -> None:
    emoji = build_body(catalog.require("emoji-v1"), {"image_url": "https://a/f.png", "driven_id": "mengwa_kaixin",
                                                      "face_bbox": [1, 2, 3, 4], "ext_bbox": [0, 0, 9, 9]},
                       {"anything": 1}, region=catalog.BEIJING)
    assert "parameters" not in emoji and emoji["input"]["driven_id"] == "mengwa_kaixin"
    lp = build_body(catalog.require("liveportrait-detect"), {"image_url": "https://a/f.png"}, {},
                    region=catalog.BEIJING)
    assert lp == {"model": "liveportrait-detect", "input": {"image_url": "https://a/f.png"}}


def test_detect_stage_parameters_stay_out_of_the_generation_call() -> None:
    emo = build_body(catalog.require("emo-v1"), {"image_url": "https://a/f.png", "audio_url": "https://a/v.mp3",
                                                 "face_bbox": [1, 2, 3, 4], "ext_bbox": [0, 0, 9, 9]},
                     {"ratio": "3:4", "style_level": "active"}, region=catalog.BEIJING)
    assert emo["parameters"] == {"style_level": "active"}
    detect = build_body(catalog.require("emo-detect-v1"), {"image_url": "https://a/f.png"}, {"ratio": "3:4"},
                        region=catalog.BEIJING)
    assert detect["parameters"] == {"ratio": "3:4"}


def test_empty_parameters_object_is_kept_for_models_that_take_it() -> None:
    body = build_body(catalog.require("animate-anyone-detect-gen2"), {"image_url": "https://a/p.png"}, {},
                      region=catalog.BEIJING)
    assert body["parameters"] == {}


def test_needs_oss_resolve() -> None:
    assert needs_oss_resolve({"input": {"img_url": "oss://dashscope-instant/a.png"}})
    assert needs_oss_resolve({"input": {"ref_images_url": ["https://a/1.png", "oss://dashscope-instant/b.png"]}})
    assert not needs_oss_resolve({"input": {"img_url": "https://a/oss://x.png", "prompt": "oss is a word"}})
    assert not needs_oss_resolve({"model": "x", "input": {}})
