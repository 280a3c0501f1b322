"""Wan models of the 2026 pages: Wan 2.7 (text, image, reference, edit), Wan 3.0, the Wan 2.6
reference models, Wan 2.2 Animate (move / mix) and the Wan 2.2 digital human (s2v).

Facts come from the official pages in ``shared/bailian-docs`` (file names in the section comments),
prices from ``model-pricing.md`` and limits from ``rate-limit.md``. Where a page gives no number
(Wan 3.0 has no price or rate-limit entry yet) the figure is a marked estimate.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..i18n import T
from .models import (
    FACE_DETECT,
    I2V_SYNTH,
    IMAGE_FORMATS,
    MB,
    NEG_PROMPT,
    PROMPT_EXTEND,
    RESULT_RESULTS,
    RESULT_VIDEO,
    SEED,
    VIDEO_GEN,
    WATERMARK,
    _detect,
    _tiers,
    duration_range,
    prompt,
    size_param,
)
from .regions import BEIJING, FRANKFURT, SINGAPORE, VIRGINIA
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


# -- shared pieces ------------------------------------------------------------------------------
def _price(by_tier: dict[str, float], free: float = 0.0, **kw: Any) -> Price:
    """Per second of video; ``free`` is the mainland free quota (none elsewhere)."""
    return Price("second", by_tier, free_quota=free, **kw)


def _both(beijing: str) -> dict[str, str]:
    return {BEIJING: beijing, SINGAPORE: beijing}


def resolution(default: str, *tiers: str, help_: T | None = None) -> ParamSpec:
    return ParamSpec("resolution", "str", T("分辨率", "Resolution"), default=default, choices=_tiers(*tiers),
                     help=help_)


_RATIO_LABELS = {
    "adaptive": T("自适应", "Adaptive"),
    "16:9": T("16:9 横屏", "16:9 landscape"),
    "9:16": T("9:16 竖屏", "9:16 portrait"),
    "1:1": T("1:1 方形", "1:1 square"),
    "4:3": T("4:3", "4:3"),
    "3:4": T("3:4", "3:4"),
}


def ratio(default: str | None, *values: str, help_: T | None = None) -> ParamSpec:
    return ParamSpec("ratio", "str", T("画幅比例", "Aspect ratio"), default=default,
                     choices=tuple(Choice(v, _RATIO_LABELS[v]) for v in values), help=help_)


RATIOS_27 = ("16:9", "9:16", "1:1", "4:3", "3:4")

# Limits as the pages give them (JPG is "jpeg"; sides are shortest/longest; 1:8–8:1 → 8.0).
IMAGE_20MB = Limits(formats=IMAGE_FORMATS, max_bytes=20 * MB, min_side=240, max_side=8000, max_aspect=8.0,
                    no_alpha=True)
IMAGE_20MB_HELP = T("JPEG/PNG/BMP/WEBP，边长 240–8000 像素，长宽比不超过 8:1，不超过 20 MB，PNG 不能带透明通道。",
                    "JPEG/PNG/BMP/WEBP, sides 240–8000 px, aspect up to 8:1, up to 20 MB, PNG without transparency.")


def _video(lo: float, hi: float) -> Limits:
    return Limits(formats=("mp4", "mov"), max_bytes=100 * MB, min_side=240, max_side=4096, max_aspect=8.0,
                  min_duration=lo, max_duration=hi)


def _audio(lo: float, hi: float) -> Limits:
    return Limits(formats=("wav", "mp3"), max_bytes=15 * MB, min_duration=lo, max_duration=hi)


# Tags the prompt uses for the n-th item of a type (图1, 视频1 … / Image 1, Video 1 …).
TAG_IMAGE = T("图", "Image")
TAG_VIDEO = T("视频", "Video")
TAG_AUDIO = T("音频", "Audio")

# Usage keys exactly as the pages' successful query examples show them.
USAGE_27_T2V = Usage(("duration", "input_video_duration", "output_video_duration", "video_count", "ratio", "SR"),
                     tier="SR")
USAGE_27_I2V = Usage(("duration", "input_video_duration", "output_video_duration", "video_count", "SR"), tier="SR")
USAGE_27_R2V = Usage(("duration", "input_video_duration", "output_video_duration", "video_count", "SR", "ratio"),
                     tier="SR")
USAGE_27_EDIT = USAGE_27_I2V
USAGE_W3 = Usage(("video_count", "duration", "input_video_duration", "output_video_duration", "fps", "SR", "ratio"),
                 tier="SR")
USAGE_26_R2V = Usage(("duration", "size", "input_video_duration", "output_video_duration", "video_count", "SR"),
                     tier="SR")
#: ``video_ratio`` answers "standard" / "pro" for the wan-std / wan-pro modes.
USAGE_ANIMATE = Usage(("video_duration", "video_ratio"), seconds="video_duration", tier="video_ratio")
USAGE_S2V = Usage(("duration", "size", "fps", "video_count", "SR"), tier="SR")

# Wan 2.7 prices (model-pricing.md): the same table for every 2.7 model; Singapore in CNY, no free quota.
WAN27_BJ = {"720P": 0.6, "1080P": 1.0}
WAN27_SG = {"720P": 0.733924, "1080P": 1.100886}

WAN27: dict[str, Any] = dict(endpoint=VIDEO_GEN, sync=False, result=RESULT_VIDEO, tier_source="param:resolution",
                             duration_source="param:duration", fps=30, submit_rps=5, concurrency=5, new=True,
                             rewrites_prompt=False)

# =============================================================================================
# Wan 2.7 text-to-video (text-to-video-api-reference.md)
# =============================================================================================
T2V_AUDIO = InputSpec(
    "audio_url", Kind.AUDIO, T("配音（可选）", "Soundtrack (optional)"), limits=_audio(2, 30),
    help=T("WAV/MP3，2–30 秒，不超过 15 MB。比视频长的部分会被剪掉，比视频短则后段无声；不提供时模型自己配声音。",
           "WAV/MP3, 2–30 s, up to 15 MB. Longer than the video: the rest is cut; shorter: the end is silent. "
           "Without it the model makes its own sound."))


def _t2v27(name: str, snapshot: bool) -> ModelSpec:
    return ModelSpec(
        name=name, family=Family.T2V,
        title=T("万相2.7 文生视频" + ("（2026-04-25 版）" if snapshot else ""),
                "Wan 2.7 text-to-video" + (" (2026-04-25 snapshot)" if snapshot else "")),
        description=T("一句话生成有声视频，可用提示词写分镜；2–15 秒，720P / 1080P。"
                      + ("固定版本，结果更稳定可复现。" if snapshot else ""),
                      "Sound video from a description; write shots into the prompt; 2–15 s, 720P / 1080P."
                      + (" A frozen version for repeatable results." if snapshot else "")),
        regions=_both(name),
        inputs=(prompt(5000, required=True), NEG_PROMPT, T2V_AUDIO),
        params=(resolution("1080P", "720P", "1080P"), ratio("16:9", *RATIOS_27), duration_range(5, 2, 15),
                PROMPT_EXTEND, WATERMARK, SEED),
        usage=USAGE_27_T2V, price=_price(WAN27_BJ, 50), prices={SINGAPORE: _price(WAN27_SG)},
        typical_seconds=180, **WAN27)


# =============================================================================================
# Wan 2.7 image-to-video: first frame, first + last frame, continue a clip
# (image-to-video-general-api-reference.md)
# =============================================================================================
I2V_MEDIA = InputSpec(
    "media", Kind.MEDIA, T("素材", "Media"), required=True,
    help=T("三种用法：一张首帧图（可加配音）；首帧 + 尾帧（可加配音）；一段开头视频接着往下拍（可加尾帧）。",
           "Three ways: a first frame (optionally with audio); first + last frame (optionally with audio); "
           "or an opening clip to continue (optionally with a last frame)."),
    media_types=(
        MediaType("first_frame", T("首帧图片", "First frame"), "image", IMAGE_20MB, data_uri=True),
        MediaType("last_frame", T("尾帧图片", "Last frame"), "image", IMAGE_20MB, data_uri=True),
        MediaType("driving_audio", T("驱动音频", "Driving audio"), "audio", _audio(2, 30)),
        MediaType("first_clip", T("开头视频", "Opening clip"), "video", _video(2, 10)),
    ),
    media_sets=(frozenset({"first_frame", "last_frame", "driving_audio"}),
                frozenset({"first_clip", "last_frame"})),
    media_requires=(("driving_audio", "first_frame"), ("last_frame", "first_frame|first_clip")),
)


def _i2v27(name: str, snapshot: bool) -> ModelSpec:
    return ModelSpec(
        name=name, family=Family.I2V, also_in=(Family.KF2V,),
        title=T("万相2.7 图生视频" + ("（2026-04-25 版）" if snapshot else ""),
                "Wan 2.7 image-to-video" + (" (2026-04-25 snapshot)" if snapshot else "")),
        description=T("首帧、首尾帧或续写一段视频，可用音频带动口型和节奏；2–15 秒，720P / 1080P。"
                      + ("固定版本。" if snapshot else ""),
                      "From a first frame, first + last frame, or continuing a clip; audio can drive lips and "
                      "rhythm; 2–15 s, 720P / 1080P." + (" A frozen version." if snapshot else "")),
        regions=_both(name),
        inputs=(prompt(5000), NEG_PROMPT, I2V_MEDIA),
        params=(resolution("1080P", "720P", "1080P",
                           help_=T("画幅跟随首帧或开头视频。", "The aspect ratio follows the first frame or clip.")),
                replace(duration_range(5, 2, 15),
                        help=T("续写时是成片总长（含开头视频），按总长计费。",
                               "When continuing a clip this is the total length, clip included, and is billed so.")),
                PROMPT_EXTEND, WATERMARK, SEED),
        usage=USAGE_27_I2V, price=_price(WAN27_BJ, 50), prices={SINGAPORE: _price(WAN27_SG)},
        typical_seconds=180, **WAN27)


# =============================================================================================
# Wan 2.7 reference-to-video (wan-video-to-video-api-reference.md)
# =============================================================================================
REFERENCE_VOICE = MediaField("reference_voice", T("参考音色", "Reference voice"), "audio", _audio(1, 10))

R2V27_MEDIA = InputSpec(
    "media", Kind.MEDIA, T("参考素材", "References"), required=True,
    help=T("1–5 个参考图片或视频（合计），每个只含一个角色；可为每个参考配一段 1–10 秒的音色。"
           "提示词里用“图1”“视频1”指代，图片和视频分别按顺序编号。可另加一张首帧图。",
           "1–5 reference images or videos in all, one character each; each may carry a 1–10 s voice sample. "
           "Refer to them as Image 1, Video 1 … (images and videos numbered separately). A first frame may "
           "be added."),
    media_types=(
        MediaType("reference_image", T("参考图片", "Reference image"), "image", IMAGE_20MB, max_items=5,
                  fields=(REFERENCE_VOICE,), tag=TAG_IMAGE, data_uri=True),
        MediaType("reference_video", T("参考视频", "Reference video"), "video", _video(1, 30), max_items=5,
                  fields=(REFERENCE_VOICE,), tag=TAG_VIDEO),
        MediaType("first_frame", T("首帧图片", "First frame"), "image", IMAGE_20MB),
    ),
    media_counts=((frozenset({"reference_image", "reference_video"}), 1, 5),),
)

R2V_INPUT_CAP = 5   # reference video seconds billed at most (model-pricing.md)

# =============================================================================================
# Wan 2.7 video edit (wan-video-editing-api-reference.md)
# =============================================================================================
EDIT_MEDIA = InputSpec(
    "media", Kind.MEDIA, T("素材", "Media"), required=True,
    help=T("一段要修改的视频（2–10 秒），可加最多 4 张参考图（比如要换上的衣服）。",
           "One video to change (2–10 s), plus up to 4 reference images (e.g. the clothes to put on)."),
    media_types=(
        MediaType("video", T("原视频", "Source video"), "video", _video(2, 10), min_items=1),
        MediaType("reference_image", T("参考图片", "Reference image"), "image", IMAGE_20MB, max_items=4,
                  data_uri=True),
    ),
)

EDIT_DURATION = ParamSpec(
    "duration", "int", T("时长（秒）", "Duration (s)"), default=0, min=2, max=10,
    extra=(Choice(0, T("与原视频一样长", "Same as the source")),),
    help=T("默认与原视频等长；填 2–10 秒则只保留原视频开头这么长。",
           "By default as long as the source; 2–10 s keeps only that much from the start."))
AUDIO_SETTING = ParamSpec(
    "audio_setting", "str", T("声音", "Sound"), default="auto",
    choices=(Choice("auto", T("自动（按提示词决定）", "Auto (decided from the prompt)")),
             Choice("origin", T("保留原声", "Keep the original sound"))))

MODELS: list[ModelSpec] = [
    _t2v27("wan2.7-t2v", snapshot=False),
    _t2v27("wan2.7-t2v-2026-04-25", snapshot=True),
    _i2v27("wan2.7-i2v", snapshot=False),
    _i2v27("wan2.7-i2v-2026-04-25", snapshot=True),
    ModelSpec(
        name="wan2.7-r2v", family=Family.R2V, featured=True,
        title=T("万相2.7 参考生视频", "Wan 2.7 reference-to-video"),
        description=T("用图片或视频里的人和物当主角，可指定各自的声音；2–15 秒（有参考视频时最长 10 秒），720P / 1080P。",
                      "Casts people and things from images or videos, each with its own voice if you like; "
                      "2–15 s (10 s with reference videos), 720P / 1080P."),
        regions=_both("wan2.7-r2v"),
        inputs=(prompt(5000, required=True), NEG_PROMPT, R2V27_MEDIA),
        params=(resolution("1080P", "720P", "1080P"),
                ratio("16:9", *RATIOS_27, help_=T("有首帧图时跟随首帧，此项不生效。",
                                                 "Ignored with a first frame, whose shape is used.")),
                replace(duration_range(5, 2, 15),
                        help=T("有参考视频时最长 10 秒。参考视频的时长也计费（最多按 5 秒）。",
                               "Up to 10 s with reference videos. Reference video time is billed too (5 s at most).")),
                PROMPT_EXTEND, WATERMARK, SEED),
        usage=USAGE_27_R2V,
        price=_price(WAN27_BJ, 50, bill_input=("reference_video",), max_input_seconds=R2V_INPUT_CAP),
        prices={SINGAPORE: _price(WAN27_SG, bill_input=("reference_video",), max_input_seconds=R2V_INPUT_CAP)},
        typical_seconds=300, **WAN27),
    ModelSpec(
        name="wan2.7-videoedit", family=Family.EDIT, featured=True,
        title=T("万相2.7 视频编辑", "Wan 2.7 video edit"),
        description=T("用一句话改视频：换风格、换衣服、复刻特效或运镜；最长 10 秒，720P / 1080P。",
                      "Change a video with words: restyle, swap clothes, copy an effect or camera move; "
                      "up to 10 s, 720P / 1080P."),
        regions=_both("wan2.7-videoedit"),
        inputs=(prompt(5000), NEG_PROMPT, EDIT_MEDIA),
        params=(resolution("1080P", "720P", "1080P"),
                ratio(None, *RATIOS_27, help_=T("不选则跟随原视频。", "Leave empty to keep the source's shape.")),
                EDIT_DURATION, AUDIO_SETTING, PROMPT_EXTEND, WATERMARK, SEED),
        usage=USAGE_27_EDIT,
        price=_price(WAN27_BJ, 50, bill_input=("video",)),
        prices={SINGAPORE: _price(WAN27_SG, bill_input=("video",))},
        typical_seconds=240,
        **{**WAN27, "duration_source": "input:video"}),
]

# =============================================================================================
# Wan 3.0 (wan3-video-generation-api-reference.md) — workspace hosts only; not yet on the price
# and rate-limit pages, so the price is an estimate and the limits a guess.
# =============================================================================================
W3_FILE_FORMATS = ("docx", "doc", "xlsx", "xls", "pptx", "ppt", "pdf", "txt", "key", "pages", "numbers", "md")
W3_IMAGE = Limits(formats=IMAGE_FORMATS, max_bytes=20 * MB, min_side=240, max_side=8000, max_aspect=8.0,
                  no_alpha=True)
W3_REFERENCES = {"reference_image", "reference_video", "reference_audio"}

W3_MEDIA = InputSpec(
    "media", Kind.MEDIA, T("素材（可选）", "Media (optional)"), one_of="content",
    help=T("两种用法二选一：首帧 / 尾帧图；或参考素材——最多 10 张图、5 段视频和 5 段音频（视频、音频各合计不超过 15 秒），"
           "外加一个文档或一个网页链接。提示词里用“图1”“视频1”“音频1”指代。",
           "Either first / last frame images, or references: up to 10 images, 5 videos and 5 audio clips "
           "(videos and audio each 15 s in total), plus one document or one web link. Refer to them as "
           "Image 1, Video 1, Audio 1 in the prompt."),
    media_types=(
        MediaType("first_frame", T("首帧图片", "First frame"), "image", W3_IMAGE, data_uri=True),
        MediaType("last_frame", T("尾帧图片", "Last frame"), "image", W3_IMAGE, data_uri=True),
        MediaType("reference_image", T("参考图片", "Reference image"), "image", W3_IMAGE, max_items=10,
                  tag=TAG_IMAGE, data_uri=True),
        MediaType("reference_video", T("参考视频", "Reference video"), "video", _video(1, 15), max_items=5,
                  total_duration=15, tag=TAG_VIDEO),
        MediaType("reference_audio", T("参考音频", "Reference audio"), "audio", _audio(1, 15), max_items=5,
                  total_duration=15, tag=TAG_AUDIO),
        MediaType("file", T("文档", "Document"), "file", Limits(formats=W3_FILE_FORMATS, max_bytes=100 * MB)),
        MediaType("link", T("网页链接", "Web link"), "link"),
    ),
    media_sets=(frozenset({"first_frame", "last_frame"}),
                frozenset(W3_REFERENCES | {"file"}),
                frozenset(W3_REFERENCES | {"link"})),
)
W3_PROMPT = replace(prompt(20000), one_of="content",
                    help=T("描述想要的视频，最多 20000 字；可用“图1”“视频1”“音频1”指代素材。提示词和素材至少给一样。",
                           "Describe the video, up to 20000 characters; refer to media as Image 1, Video 1, Audio 1. "
                           "Give a prompt, media or both."))
W3_DURATION = ParamSpec(
    "duration", "int", T("时长（秒）", "Duration (s)"), default=5, min=2, max=30,
    extra=(Choice(-1, T("智能时长", "Smart length")),),
    help=T("2–30 秒，或由模型按内容决定（智能时长）。有参考视频时，参考视频总长加成片时长不超过 30 秒。",
           "2–30 s, or let the model pick (smart length). With reference videos, their total plus the output "
           "may not exceed 30 s."))
W3_AUDIO = ParamSpec("audio", "bool", T("生成声音", "Generate audio"), default=True,
                     help=T("关闭则输出无声视频，价格不变。", "Off gives a silent video, at the same price."))
#: Estimate: no wan3.0 entry on model-pricing.md yet (the Wan 2.7 table, plus a 480P tier).
W3_PRICE = _price({"480P": 0.3, "720P": 0.6, "1080P": 1.0}, confirmed=False)


def _wan3(name: str, title: T, description: T, typical: float) -> ModelSpec:
    return ModelSpec(
        name=name, family=Family.T2V, also_in=(Family.I2V, Family.KF2V, Family.R2V), title=title,
        description=description, endpoint=VIDEO_GEN, sync=False, host="workspace",
        regions={BEIJING: name, SINGAPORE: name, VIRGINIA: name, FRANKFURT: name},
        inputs=(W3_PROMPT, W3_MEDIA),
        params=(resolution("1080P", "480P", "720P", "1080P"),
                ratio("adaptive", "adaptive", "16:9", "4:3", "1:1", "3:4", "9:16",
                      help_=T("自适应：按素材和内容自动选比例；延长视频时请用自适应。",
                              "Adaptive picks the shape from the media and content; use it to extend a video.")),
                W3_DURATION, W3_AUDIO, PROMPT_EXTEND, WATERMARK, SEED),
        result=RESULT_VIDEO, usage=USAGE_W3, price=W3_PRICE, submit_rps=5, concurrency=5,
        typical_seconds=typical, fps=30, duration_source="param:duration", tier_source="param:resolution",
        new=True, rewrites_prompt=False)


MODELS += [
    _wan3("wan3.0-video", T("万相3.0 全能视频", "Wan 3.0 all-in-one"),
          T("文字、首尾帧、参考图/视频/音频、文档或网页都能生成视频，也能改视频、续拍；最长 30 秒，480P–1080P。",
            "Video from text, first/last frames, reference images, videos, audio, a document or a web page; "
            "also edits and extends videos; up to 30 s, 480P–1080P."), 300),
    _wan3("wan3.0-video-prime", T("万相3.0 全能视频 高速版", "Wan 3.0 all-in-one Prime (fast)"),
          T("与万相3.0 能力相同，出片明显更快；最长 30 秒，480P–1080P。",
            "Same abilities as Wan 3.0, noticeably faster; up to 30 s, 480P–1080P."), 180),
]

# =============================================================================================
# Wan 2.6 reference-to-video (legacy-wan-reference-to-video-api-reference.md): a flat URL list
# =============================================================================================
R2V26_IMAGE = Limits(formats=IMAGE_FORMATS, max_bytes=20 * MB, min_side=240, max_side=8000, no_alpha=True)
R2V26_VIDEO = Limits(formats=("mp4", "mov"), max_bytes=100 * MB, min_duration=1, max_duration=30)


def _reference_urls() -> InputSpec:
    return InputSpec(
        "reference_urls", Kind.FILE_LIST, T("参考图片/视频", "Reference images / videos"), required=True,
        min_items=1, max_items=5, accepts=("image", "video"), limits=R2V26_IMAGE,
        limits_by_media=(("image", R2V26_IMAGE), ("video", R2V26_VIDEO)),
        help=T("共 1–5 个，其中视频最多 3 段；每个只含一个角色，按顺序在提示词里叫 character1、character2……"
               "图片：JPEG/PNG/BMP/WEBP，240–8000 像素，≤ 20 MB；视频：MP4/MOV，1–30 秒，≤ 100 MB。",
               "1–5 in all, at most 3 of them videos; one character each, called character1, character2 … "
               "in the prompt in this order. Images: JPEG/PNG/BMP/WEBP, 240–8000 px, ≤ 20 MB; videos: "
               "MP4/MOV, 1–30 s, ≤ 100 MB."))


R26_SHOT = ParamSpec("shot_type", "str", T("镜头类型", "Shot type"), default="single",
                     choices=(Choice("single", T("单镜头", "Single shot")), Choice("multi", T("多镜头", "Multi-shot"))),
                     help=T("优先于提示词里的说法。", "Overrides what the prompt says."))
R26_AUDIO = ParamSpec("audio", "bool", T("生成声音", "Generate audio"), default=True,
                      help=T("关闭则输出无声视频，按更低的无声价格计费。", "Off gives a silent video at the lower silent price."))
R26_PROMPT = replace(prompt(1500, required=True),
                     help=T("用 character1、character2……指代参考里的角色（按上传顺序），最多 1500 字。",
                            "Call the references' characters character1, character2 … (in upload order); "
                            "up to 1500 characters."))

R26: dict[str, Any] = dict(family=Family.R2V, endpoint=VIDEO_GEN, sync=False, result=RESULT_VIDEO, usage=USAGE_26_R2V,
                           tier_source="size", duration_source="param:duration", fps=30, submit_rps=5, concurrency=5,
                           typical_seconds=240, new=True, rewrites_prompt=False)
R26_BILL: dict[str, Any] = dict(bill_input=("reference_urls",), max_input_seconds=R2V_INPUT_CAP)

MODELS += [
    ModelSpec(
        name="wan2.6-r2v", sound=True, title=T("万相2.6 参考生视频", "Wan 2.6 reference-to-video"),
        description=T("让参考图片或视频里的角色演戏、对话，可多镜头；2–10 秒，720P / 1080P。",
                      "Characters from reference images or videos act and talk, multi-shot if you like; "
                      "2–10 s, 720P / 1080P."),
        regions={BEIJING: "wan2.6-r2v", SINGAPORE: "wan2.6-r2v", VIRGINIA: "wan2.6-r2v", FRANKFURT: "wan2.6-r2v"},
        inputs=(R26_PROMPT, NEG_PROMPT, _reference_urls()),
        params=(size_param("1920*1080", "720P", "1080P"), duration_range(5, 2, 10), R26_SHOT, WATERMARK, SEED),
        price=_price(WAN27_BJ, 50, **R26_BILL),
        prices={SINGAPORE: _price(WAN27_SG, **R26_BILL), VIRGINIA: _price(WAN27_BJ, **R26_BILL),
                FRANKFURT: _price(WAN27_BJ, **R26_BILL)},
        **R26),
    ModelSpec(
        name="wan2.6-r2v-flash", title=T("万相2.6 参考生视频 极速版", "Wan 2.6 reference-to-video Flash"),
        description=T("更快更省，可关掉声音按无声价计费；2–10 秒，720P / 1080P。",
                      "Faster and cheaper; turn sound off for the silent price; 2–10 s, 720P / 1080P."),
        regions=_both("wan2.6-r2v-flash"),
        inputs=(R26_PROMPT, NEG_PROMPT, _reference_urls()),
        params=(size_param("1920*1080", "720P", "1080P"), duration_range(5, 2, 10), R26_SHOT, R26_AUDIO,
                WATERMARK, SEED),
        price=_price({"720P": 0.3, "1080P": 0.5}, 50, switch="audio",
                     tables={"false": {"720P": 0.15, "1080P": 0.25}}, **R26_BILL),
        prices={SINGAPORE: _price({"720P": 0.366962, "1080P": 0.550443}, switch="audio",
                                  tables={"false": {"720P": 0.183481, "1080P": 0.275221}}, **R26_BILL)},
        **R26),
]

# =============================================================================================
# Wan 2.2 Animate: move a photo with a video, or swap the person into it
# (wan-animate-move-api.md, wan-animate-mix-api.md)
# =============================================================================================
ANIMATE_IMAGE = InputSpec(
    "image_url", Kind.IMAGE, T("人物图片", "Person photo"), required=True,
    limits=Limits(formats=IMAGE_FORMATS, max_bytes=5 * MB, min_side=200, max_side=4096, max_aspect=3.0),
    help=T("只有一个人、正对镜头、脸完整不被挡；JPG/PNG/BMP/WEBP，边长 200–4096，长宽比不超过 3:1，不超过 5 MB。",
           "One person facing the camera, face whole and uncovered; JPG/PNG/BMP/WEBP, sides 200–4096 px, "
           "aspect up to 3:1, up to 5 MB."))
ANIMATE_VIDEO_LIMITS = Limits(formats=("mp4", "avi", "mov"), max_bytes=200 * MB, min_side=200, max_side=2048,
                              max_aspect=3.0, min_duration=2, max_duration=30)
ANIMATE_MODE = ParamSpec(
    "mode", "str", T("模式", "Mode"), default="wan-std", required=True,
    choices=(Choice("wan-std", T("标准：更快更省", "Standard: faster, cheaper")),
             Choice("wan-pro", T("专业：动作更顺、画质更好", "Pro: smoother motion, better picture"))),
    help=T("两种模式价格不同。", "The two modes are priced differently."))
CHECK_IMAGE = ParamSpec("check_image", "bool", T("先检查人物图片", "Check the photo first"), default=True,
                        help=T("关闭则跳过图片检查直接生成。", "Off skips the photo check and goes straight on."))

ANIMATE: dict[str, Any] = dict(family=Family.ANIMATE, endpoint=I2V_SYNTH, sync=False, result=RESULT_RESULTS,
                               usage=USAGE_ANIMATE, params=(ANIMATE_MODE, CHECK_IMAGE), submit_rps=5,
                               concurrency=1, typical_seconds=300, duration_source="input:video_url",
                               tier_source="param:mode", new=True, rewrites_prompt=False)

MODELS += [
    ModelSpec(
        name="wan2.2-animate-move", featured=True, title=T("万相2.2 动作迁移", "Wan 2.2 Animate: copy the moves"),
        description=T("让照片里的人照着视频做动作和表情，背景用照片的；成片和动作视频一样长（2–30 秒）。",
                      "The person in a photo copies a video's moves and expressions, on the photo's background; "
                      "as long as the video (2–30 s)."),
        regions=_both("wan2.2-animate-move"),
        inputs=(ANIMATE_IMAGE,
                InputSpec("video_url", Kind.VIDEO, T("动作视频", "Motion video"), required=True,
                          limits=ANIMATE_VIDEO_LIMITS,
                          help=T("一个人正对镜头；MP4/AVI/MOV，2–30 秒，边长 200–2048，长宽比不超过 3:1，不超过 200 MB。",
                                 "One person facing the camera; MP4/AVI/MOV, 2–30 s, sides 200–2048 px, aspect up "
                                 "to 3:1, up to 200 MB."))),
        price=_price({"wan-std": 0.4, "wan-pro": 0.6}, 50),
        prices={SINGAPORE: _price({"wan-std": 0.880709, "wan-pro": 1.321063})},
        **ANIMATE),
    ModelSpec(
        name="wan2.2-animate-mix", title=T("万相2.2 角色替换", "Wan 2.2 Animate: replace the person"),
        description=T("把视频里的主角换成照片里的人，保留原视频的动作、场景和光线；2–30 秒。",
                      "Replaces the lead in a video with the person in a photo, keeping the motion, scene and "
                      "light; 2–30 s."),
        regions=_both("wan2.2-animate-mix"),
        inputs=(ANIMATE_IMAGE,
                InputSpec("video_url", Kind.VIDEO, T("原视频", "Source video"), required=True,
                          limits=ANIMATE_VIDEO_LIMITS,
                          help=T("MP4/AVI/MOV，2–30 秒，边长 200–2048，长宽比不超过 3:1，不超过 200 MB。",
                                 "MP4/AVI/MOV, 2–30 s, sides 200–2048 px, aspect up to 3:1, up to 200 MB."))),
        price=_price({"wan-std": 0.6, "wan-pro": 0.9}, 50),
        prices={SINGAPORE: _price({"wan-std": 1.321063, "wan-pro": 1.908202})},
        **ANIMATE),
]

# =============================================================================================
# Wan 2.2 digital human: check the photo, then photo + speech → video
# (wan-s2v-detect-api.md, wan-s2v-api.md, wan-s2v-overview.md), Beijing only
# =============================================================================================
S2V_IMAGE = InputSpec(
    "image_url", Kind.IMAGE, T("人物图片", "Person photo"), required=True,
    limits=Limits(formats=IMAGE_FORMATS, min_side=400, max_side=7000),
    help=T("真人或卡通人物，头像、半身、全身都行；JPG/PNG/BMP/WEBP，边长 400–7000 像素。",
           "A real or cartoon person, head, half or full body; JPG/PNG/BMP/WEBP, sides 400–7000 px."))

MODELS += [
    replace(_detect("wan2.2-s2v-detect", Family.S2V, FACE_DETECT, (S2V_IMAGE,), (), "check_pass", 5,
                    T("数字人 图片检查", "Digital human photo check")), new=True, rewrites_prompt=False),
    ModelSpec(
        name="wan2.2-s2v", family=Family.S2V, featured=True, fps=16, title=T("万相2.2 数字人", "Wan 2.2 digital human"),
        description=T("一张人物图 + 一段语音，生成说话、唱歌或表演的视频，口型跟着声音走（先自动检查图片）；"
                      "和音频一样长（20 秒内）。",
                      "A photo and a voice clip make a talking, singing or performing video with matching lips "
                      "(the photo is checked first); as long as the audio (under 20 s)."),
        endpoint=I2V_SYNTH, sync=False, regions={BEIJING: "wan2.2-s2v"},
        inputs=(S2V_IMAGE,
                InputSpec("audio_url", Kind.AUDIO, T("语音", "Voice"), required=True,
                          limits=Limits(formats=("wav", "mp3"), max_bytes=15 * MB, max_duration=20),
                          help=T("WAV/MP3，短于 20 秒、小于 15 MB；人声清楚响亮，不要背景音乐和杂音。"
                                 "更长的音频请切成几段分别生成。",
                                 "WAV/MP3, under 20 s and 15 MB; a clear, loud voice without music or noise. "
                                 "Split longer audio and make one video per part."))),
        params=(resolution("480P", "480P", "720P",
                           help_=T("画幅跟随人物图片。", "The aspect ratio follows the photo.")),),
        result=RESULT_RESULTS, usage=USAGE_S2V, price=_price({"480P": 0.5, "720P": 0.9}, 100),
        submit_rps=5, concurrency=1, typical_seconds=450, duration_source="input:audio_url",
        tier_source="param:resolution", chain=("wan2.2-s2v-detect", "wan2.2-s2v"), new=True,
        rewrites_prompt=False),
]
