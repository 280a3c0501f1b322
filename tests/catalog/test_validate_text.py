"""Prompts with nothing visible in them are refused before anything is paid; blank optional text is not sent."""
from __future__ import annotations

import pytest

from bailian_video import catalog
from bailian_video.api.requests import build_body
from bailian_video.catalog import Kind
from bailian_video.catalog.values import is_blank
from bailian_video.i18n import set_language

BLANKS = ["   ", "\t\n  \r\n", "\x01\x02\x03", "\u200b\u200b", "\ufeff", "\u3000 \u3000", "\u202e\u2066",
          "\x1b\x7f", "\u3164", "\u00a0\u2028"]

T2V = "wan2.2-t2v-plus"
T2V_PARAMS = {"size": "832*480"}


@pytest.mark.parametrize("text", BLANKS)
def test_is_blank(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", " x ", "猫", "\u200bcat", "🙂", ".", "\x01hi", "-"])
def test_visible_text_is_not_blank(text):
    assert not is_blank(text)


def test_non_text_is_not_blank():
    assert not is_blank(None) and not is_blank(3) and not is_blank(["  "])


@pytest.mark.parametrize("text", BLANKS)
def test_a_blank_prompt_is_refused_with_what_to_do(text):
    errs = catalog.validate(T2V, {"prompt": text}, T2V_PARAMS)
    assert [(e.field, e.code) for e in errs] == [("input.prompt", "blank")]
    assert errs[0].message.en == ("The prompt is empty (only spaces or invisible characters); "
                                  "describe the video.")
    assert errs[0].message.zh == "提示词是空的（只有空格或不可见字符）；请描述想要的视频。"


def test_an_empty_prompt_is_still_simply_required():
    errs = catalog.validate(T2V, {"prompt": ""}, T2V_PARAMS)
    assert [(e.field, e.code) for e in errs] == [("input.prompt", "required")]


def test_every_required_text_input_in_the_catalogue_refuses_blank_text():
    """Walk the catalogue: wherever a text input is required, blank text gets the 'empty' message."""
    checked = 0
    for spec in catalog.all_models():
        functions = list(spec.functions) or [None]
        for fn in functions:
            for ins in spec.inputs_for(fn):
                if ins.kind != Kind.TEXT or not ins.required:
                    continue
                inputs = {"function": fn} if fn else {}
                inputs[ins.name] = " \u200b\n"
                errs = [e for e in catalog.validate(spec, inputs, {}, function=fn, strict=False)
                        if e.field == f"input.{ins.name}"]
                assert [e.code for e in errs] == ["blank"], (spec.name, fn, ins.name, errs)
                assert "describe the video" in errs[0].message.en
                checked += 1
    assert checked >= 5


def test_a_real_prompt_passes():
    assert catalog.validate(T2V, {"prompt": "  a cat on a wall  "}, T2V_PARAMS) == []


@pytest.mark.parametrize("text", ["   ", "\u200b", "\n\t"])
def test_a_blank_negative_prompt_counts_as_not_given(text):
    assert catalog.validate(T2V, {"prompt": "a cat", "negative_prompt": text}, T2V_PARAMS) == []
    body = build_body(catalog.require(T2V), {"prompt": "a cat", "negative_prompt": text}, T2V_PARAMS,
                      region=catalog.BEIJING)
    assert body["input"] == {"prompt": "a cat"}


def test_a_visible_negative_prompt_is_sent_as_written():
    body = build_body(catalog.require(T2V), {"prompt": "a cat", "negative_prompt": " blur "}, T2V_PARAMS,
                      region=catalog.BEIJING)
    assert body["input"] == {"prompt": "a cat", "negative_prompt": " blur "}


def test_an_optional_blank_prompt_is_not_an_error_and_not_sent():
    """Models whose prompt is optional (image-to-video): blank text is simply 'no prompt'."""
    spec = next(m for m in catalog.all_models()
                if (ins := m.input("prompt")) is not None and not ins.required and not m.functions
                and m.family == catalog.Family.I2V)
    prompt_errs = [e for e in catalog.validate(spec, {"prompt": "   "}, {}, strict=False)
                   if e.field == "input.prompt"]
    assert prompt_errs == []
    body = build_body(spec, {"prompt": "  ", "img_url": "oss://x/a.png"}, {}, region=catalog.BEIJING)
    assert "prompt" not in body["input"]


def test_chinese_message(text="\u3000\u3000"):
    set_language("zh")
    errs = catalog.validate(T2V, {"prompt": text}, T2V_PARAMS)
    assert str(errs[0]) == "input.prompt: 提示词是空的（只有空格或不可见字符）；请描述想要的视频。"
