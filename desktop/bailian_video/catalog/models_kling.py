"""Kling V3 and V3 Omni (third-party models, Beijing only).

Facts from the official pages in ``shared/bailian-docs``: ``kling-video-generation-api-reference.md``
(fields, media combinations, limits, usage), ``model-pricing.md`` (可灵-视频生成) and
``rate-limit.md`` (可灵系列: the four Kling models of one API key share 10 running tasks).

One model id serves several tasks, told apart by the media a request carries: no media is text
to video, ``first_frame`` (+ ``last_frame``) is image to video, ``refer``/``feature`` is
reference to video and ``base`` is video edit (Omni only). ``media_sets`` lists each task's
combination.
"""
from __future__ import annotations

from typing import Any

from ..i18n import T
from .models import MB, RESULT_VIDEO, VIDEO_GEN
from .regions import BEIJING
from .schema import (
    Choice,
    Family,
    InputSpec,
    Kind,
    Limits,
    MediaField,
    MediaType,
    ModelSpec,
    ParamSpec,
    Price,
    Usage,
)

V3 = "kling/kling-v3-video-generation"
OMNI = "kling/kling-v3-omni-video-generation"

STATUSES = ("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")
USAGE = Usage(("duration", "size", "fps", "video_count", "audio", "SR"), seconds="duration", tier="SR")

# -- media ---------------------------------------------------------------------------------------
IMAGE = Limits(formats=("jpeg", "png"), max_bytes=10 * MB, min_side=300, max_side=8000, max_aspect=2.5,
               no_alpha=True)
VIDEO = Limits(formats=("mp4", "mov"), max_bytes=200 * MB, min_side=720, max_side=2160, min_duration=3,
               max_duration=10, min_fps=24, max_fps=60)

FIRST = MediaType("first_frame", T("首帧图片", "First frame"), "image", limits=IMAGE)
LAST = MediaType("last_frame", T("尾帧图片", "Last frame"), "image", limits=IMAGE)
# Reference pictures plus subjects (element_list) may number 7 alone, 4 next to a video; the
# subjects are not offered here, so 7 is the ceiling for the pictures themselves.
REFER = MediaType("refer", T("参考图", "Reference image"), "image", max_items=7, limits=IMAGE,
                  tag=T("<<<image_{n}>>>", "<<<image_{n}>>>"))
KEEP_SOUND = MediaField("keep_original_sound", T("保留原声", "Keep the original sound"), "text", choices=("yes", "no"))
BASE = MediaType("base", T("要编辑的视频", "Video to edit"), "video", limits=VIDEO, fields=(KEEP_SOUND,),
                 tag=T("<<<video_{n}>>>", "<<<video_{n}>>>"))
FEATURE = MediaType("feature", T("参考视频", "Reference video"), "video", limits=VIDEO, fields=(KEEP_SOUND,),
                    tag=T("<<<video_{n}>>>", "<<<video_{n}>>>"))

IMAGE_HELP = T("图片为 JPG/PNG（不能带透明通道），宽高 300–8000 像素，长宽比不超过 2.5:1，不超过 10 MB。",
               "Pictures: JPG/PNG without transparency, sides 300–8000 px, no more than 2.5:1, up to 10 MB.")
VIDEO_HELP = T("视频为 MP4/MOV，3–10 秒，宽高 720–2160 像素，24–60 帧/秒，不超过 200 MB。",
               "Videos: MP4/MOV, 3–10 s, sides 720–2160 px, 24–60 fps, up to 200 MB.")
LINK_HELP = T("素材需为网上可直接访问的链接，或本地文件（会自动上传）。",
              "Each file must be a public link or a local file (uploaded for you).")



def _join(*parts: T) -> T:
    return T("".join(p.zh for p in parts), " ".join(p.en for p in parts))


V3_MEDIA = InputSpec(
    "media", Kind.MEDIA, T("首帧 / 尾帧（可选）", "First / last frame (optional)"),
    help=_join(T("不放图片就是文生视频；放一张首帧让图片动起来；再加尾帧则在两张图之间过渡。",
                 "No picture makes a video from text; a first frame brings that picture to life; adding a last "
                 "frame moves from one picture to the other."), IMAGE_HELP, LINK_HELP),
    media_types=(FIRST, LAST),
    media_sets=(frozenset({"first_frame"}), frozenset({"first_frame", "last_frame"})),
    media_requires=(("last_frame", "first_frame"),))

OMNI_MEDIA = InputSpec(
    "media", Kind.MEDIA, T("图片与视频素材（可选）", "Pictures and videos (optional)"),
    help=_join(T("不放素材是文生视频；首帧（可加尾帧）是图生视频；参考图和/或参考视频是参考生视频；"
                 "“要编辑的视频”（可加参考图）是视频编辑。在提示词里用 <<<image_1>>>、<<<video_1>>> 指代素材。",
                 "No files makes a video from text; a first frame (and a last frame) animates pictures; "
                 "reference pictures and/or a reference video make a new scene from them; a video to edit "
                 "(with reference pictures) changes that video. Refer to them in the prompt as <<<image_1>>>, "
                 "<<<video_1>>>."),
               IMAGE_HELP, VIDEO_HELP, LINK_HELP),
    media_types=(FIRST, LAST, REFER, FEATURE, BASE),
    media_sets=(
        frozenset({"first_frame"}),                  # image to video, first frame
        frozenset({"first_frame", "last_frame"}),    # image to video, first and last frame
        frozenset({"refer"}),                        # reference to video: pictures
        frozenset({"feature"}),                      # reference to video: a video
        frozenset({"feature", "refer"}),             # reference to video: a video and pictures
        frozenset({"feature", "first_frame"}),       # reference to video: a video and a first frame
        frozenset({"base"}),                         # video edit
        frozenset({"base", "refer"}),                # video edit with pictures
    ),
    media_requires=(("last_frame", "first_frame"),))


def _prompt(help_: T) -> InputSpec:
    return InputSpec("prompt", Kind.TEXT, T("提示词", "Prompt"), required=True, max_chars=2500, help=help_)


PROMPT_HELP = T("描述画面内容与动作，最多 2500 字（汉字、字母都算一个字）。",
                "Describe the scene and the motion; up to 2500 characters.")

# -- parameters ----------------------------------------------------------------------------------
MODE = ParamSpec("mode", "str", T("生成模式", "Mode"), default="pro",
                 choices=(Choice("pro", T("专业（1080P）", "Professional (1080P)"), tier="1080P"),
                          Choice("std", T("标准（720P）", "Standard (720P)"), tier="720P")),
                 help=T("专业模式更清晰，价格也更高。", "Professional is sharper and costs more."))
ASPECT = ParamSpec("aspect_ratio", "str", T("画面比例", "Aspect ratio"), default="16:9",
                   choices=(Choice("16:9", T("16:9（横屏）", "16:9 (landscape)")),
                            Choice("9:16", T("9:16（竖屏）", "9:16 (portrait)")),
                            Choice("1:1", T("1:1（方形）", "1:1 (square)"))),
                   help=T("文生视频和参考生视频需要；有首帧或要编辑的视频时，比例跟随它们。",
                          "Needed for text and reference videos; with a first frame or a video to edit the "
                          "shape follows them."))
AUDIO = ParamSpec("audio", "bool", T("生成声音", "Generate sound"), default=False,
                  help=T("开启后自动配上背景音乐或音效，按有声价格计费。",
                         "Adds matching music or sound effects; billed at the price with sound."))
KLING_WATERMARK = ParamSpec("watermark", "bool", T("添加“可灵AI”水印", "Add \"Kling AI\" watermark"), default=False)


def _duration(help_: T) -> ParamSpec:
    return ParamSpec("duration", "int", T("时长（秒）", "Duration (s)"), default=5, min=3, max=15, help=help_)


# -- prices (Beijing only, no free quota); mode picks the tier (std = 720P, pro = 1080P) ----------
SILENT = {"std": 0.6, "pro": 0.8}
WITH_SOUND = {"std": 0.9, "pro": 1.2}

COMMON: dict[str, Any] = dict(family=Family.T2V, endpoint=VIDEO_GEN, sync=False, result=RESULT_VIDEO,
                              statuses=STATUSES, usage=Usage(USAGE.keys, USAGE.seconds, USAGE.tier, tier_text=True), fps=24,
                              submit_rps=5, concurrency=10, pool="kling", typical_seconds=180,
                              duration_source="param:duration", tier_source="param:mode", rewrites_prompt=False,
                              new=True)

MODELS: list[ModelSpec] = [
    ModelSpec(
        name=V3, also_in=(Family.I2V, Family.KF2V),
        title=T("可灵 V3", "Kling V3"),
        description=T("可灵视频：文字、首帧或首尾帧生成 3–15 秒视频，可选配声音；标准 720P / 专业 1080P。",
                      "Kling video from text, a first frame or first and last frames; 3–15 s, optional sound; "
                      "standard 720P / professional 1080P."),
        regions={BEIJING: V3},
        inputs=(_prompt(PROMPT_HELP), V3_MEDIA),
        params=(MODE, ASPECT, _duration(T("3–15 秒，越长越贵。", "3–15 seconds; longer costs more.")), AUDIO,
                KLING_WATERMARK),
        price=Price("second", SILENT, switch="audio", tables={"true": WITH_SOUND}),
        **COMMON),
    ModelSpec(
        name=OMNI, also_in=(Family.I2V, Family.KF2V, Family.R2V, Family.EDIT),
        title=T("可灵 V3 Omni（全能）", "Kling V3 Omni"),
        description=T("可灵全能版：文字、首尾帧、参考图或参考视频生成视频，也能按指令编辑视频；"
                      "可选配声音；标准 720P / 专业 1080P。",
                      "Kling's all-rounder: video from text, frames, reference pictures or a reference video, "
                      "and instruction edits of a video; optional sound; standard 720P / professional 1080P."),
        regions={BEIJING: OMNI},
        inputs=(_prompt(T("描述画面内容与动作，最多 2500 字。用 <<<image_1>>>、<<<video_1>>> 指代按顺序放入的"
                          "参考图和视频。",
                          "Describe the scene and the motion; up to 2500 characters. Refer to the pictures and "
                          "videos, in order, as <<<image_1>>>, <<<video_1>>>.")),
                OMNI_MEDIA),
        params=(MODE, ASPECT,
                _duration(T("3–15 秒；用到参考视频或要编辑的视频时为 3–10 秒。越长越贵。",
                            "3–15 seconds; 3–10 with a reference video or a video to edit. Longer costs more.")),
                AUDIO, KLING_WATERMARK),
        price=Price("second", SILENT, switch="audio", tables={"true": WITH_SOUND}),
        **COMMON),
]
