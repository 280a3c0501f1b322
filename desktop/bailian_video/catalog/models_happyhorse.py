"""HappyHorse 1.0: text, first frame, reference images and video edit, all with sound.

Facts from the official pages in ``shared/bailian-docs``: ``happyhorse-*-api-reference.md``
(fields, limits, usage), ``model-pricing.md`` (HappyHorse-*), ``rate-limit.md`` (HappyHorse系列)
and ``video-generate-edit-model.md`` (24 fps output). Version 1.1 (see ``_v11``) is not on those
pages; it is built from the 1.0 facts.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..i18n import T
from .models import IMAGE_FORMATS, MB, RESULT_VIDEO, SEED, VIDEO_GEN, _tiers
from .regions import BEIJING, FRANKFURT, SINGAPORE, VIRGINIA
from .schema import Choice, Family, InputSpec, Kind, Limits, MediaType, ModelSpec, ParamSpec, Price, Usage

# -- shared facts ----------------------------------------------------------------------------
STATUSES = ("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")
USAGE_KEYS = ("duration", "input_video_duration", "output_video_duration", "video_count", "SR")
USAGE_RATIO = Usage(USAGE_KEYS + ("ratio",), seconds="duration", tier="SR")   # t2v, r2v
USAGE_PLAIN = Usage(USAGE_KEYS, seconds="duration", tier="SR")                # i2v, video-edit

#: JPEG (JPG), PNG, WEBP — no BMP on these pages.
HH_IMAGE_FORMATS = tuple(f for f in IMAGE_FORMATS if f != "bmp")


def _regions(name: str) -> dict[str, str]:
    """Every HappyHorse page lists Beijing, Singapore, Virginia and Frankfurt with the same id."""
    return {BEIJING: name, SINGAPORE: name, VIRGINIA: name, FRANKFURT: name}


def _prices(free: float, **kw: Any) -> dict[str, Any]:
    """Beijing (with its free seconds), Singapore (international) and Virginia/Frankfurt (global).
    Outside mainland China there is no free quota."""
    beijing = Price("second", {"720P": 0.9, "1080P": 1.6}, free_quota=free, **kw)
    intl = Price("second", {"720P": 1.049188, "1080P": 1.798608}, **kw)
    glob = Price("second", {"720P": 0.9, "1080P": 1.6}, **kw)
    return dict(price=beijing, prices={SINGAPORE: intl, VIRGINIA: glob, FRANKFURT: glob})


def _prompt(required: bool, help_: T) -> InputSpec:
    # The pages allow 5000 non-Chinese or 2500 Chinese characters; one number can only hold the
    # stricter of the two.
    return InputSpec("prompt", Kind.TEXT, T("提示词", "Prompt"), required=required, max_chars=2500, help=help_)


RESOLUTION = ParamSpec("resolution", "str", T("分辨率", "Resolution"), default="1080P", choices=_tiers("720P", "1080P"))
RESOLUTION_FOLLOWS = ParamSpec(
    "resolution", "str", T("分辨率", "Resolution"), default="1080P", choices=_tiers("720P", "1080P"),
    help=T("只决定清晰度，画面比例跟随上传的素材。", "Sets only the sharpness; the shape follows what you upload."))

RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4", "4:5", "5:4", "9:21", "21:9")
RATIO_NAMES = {"16:9": ("横屏", "landscape"), "9:16": ("竖屏", "portrait"), "1:1": ("方形", "square"),
               "21:9": ("超宽", "ultra-wide"), "9:21": ("超长竖屏", "tall")}


def _ratio_choice(r: str) -> Choice:
    zh, en = RATIO_NAMES.get(r, ("", ""))
    return Choice(r, T(f"{r}（{zh}）" if zh else r, f"{r} ({en})" if en else r))


RATIO = ParamSpec("ratio", "str", T("画面比例", "Aspect ratio"), default="16:9",
                  choices=tuple(_ratio_choice(r) for r in RATIOS))
DURATION = ParamSpec("duration", "int", T("时长（秒）", "Duration (s)"), default=5, min=3, max=15,
                     help=T("3–15 秒，越长越贵。", "3–15 seconds; longer costs more."))
HH_WATERMARK = ParamSpec("watermark", "bool", T("添加“Happy Horse”水印", "Add \"Happy Horse\" watermark"),
                         default=True, help=T("默认开启，水印在画面右下角。",
                                              "On by default; the mark sits in the lower right corner."))

COMMON: dict[str, Any] = dict(sound=True, endpoint=VIDEO_GEN, sync=False, result=RESULT_VIDEO, statuses=STATUSES,
                              submit_rps=5, concurrency=5, fps=24, tier_source="param:resolution",
                              rewrites_prompt=False, new=True)

# -- media ---------------------------------------------------------------------------------------
FIRST_FRAME = MediaType(
    "first_frame", T("首帧图片", "First frame"), "image", min_items=1, max_items=1, data_uri=True,
    limits=Limits(formats=HH_IMAGE_FORMATS, max_bytes=20 * MB, min_side=300, max_aspect=2.5))

REF_LIMITS = Limits(formats=HH_IMAGE_FORMATS, max_bytes=20 * MB, min_side=400)
REFERENCE_IMAGES = MediaType(
    "reference_image", T("参考图", "Reference image"), "image", min_items=1, max_items=9, data_uri=True,
    limits=REF_LIMITS, tag=T("[Image {n}]", "[Image {n}]"))

EDIT_VIDEO = MediaType(
    "video", T("要编辑的视频", "Video to edit"), "video", min_items=1, max_items=1,
    limits=Limits(formats=("mp4", "mov"), max_bytes=100 * MB, min_side=360, max_side=4096, max_aspect=2.5,
                  min_duration=3, max_duration=60, min_fps=8))
EDIT_REFERENCE = MediaType(
    "reference_image", T("参考图", "Reference image"), "image", min_items=0, max_items=5, data_uri=True,
    limits=Limits(formats=HH_IMAGE_FORMATS, max_bytes=20 * MB, min_side=300, max_aspect=2.5))


def _media(label: T, help_: T, *types: MediaType) -> InputSpec:
    return InputSpec("media", Kind.MEDIA, label, required=True, help=help_, media_types=types)


MODELS: list[ModelSpec] = [
    ModelSpec(
        name="happyhorse-1.0-t2v", family=Family.T2V, featured=True,
        title=T("HappyHorse 1.0 文生视频（有声）", "HappyHorse 1.0 text to video (with sound)"),
        description=T("写一段文字，得到带声音的视频；画面真实、动作顺滑。720P / 1080P，3–15 秒，多种画面比例。",
                      "Write a description and get a video with sound, realistic and smooth. 720P / 1080P, "
                      "3–15 s, many aspect ratios."),
        regions=_regions("happyhorse-1.0-t2v"),
        inputs=(_prompt(True, T("描述想看到的画面、人物和动作。中文最多 2500 字，英文最多 5000 个字符。",
                                "Describe the scene, the people and what happens. Up to 2500 Chinese or 5000 "
                                "other characters.")),),
        params=(RESOLUTION, RATIO, DURATION, HH_WATERMARK, SEED),
        usage=USAGE_RATIO, typical_seconds=120, duration_source="param:duration",
        **_prices(10), **COMMON),
    ModelSpec(
        name="happyhorse-1.0-i2v", family=Family.I2V, featured=True,
        title=T("HappyHorse 1.0 图生视频（有声）", "HappyHorse 1.0 image to video (with sound)"),
        description=T("让一张图片动起来，它就是视频的第一帧，自带声音。720P / 1080P，3–15 秒。",
                      "Brings one picture to life as the first frame, with sound. 720P / 1080P, 3–15 s."),
        regions=_regions("happyhorse-1.0-i2v"),
        inputs=(_media(T("首帧图片", "First frame"),
                       T("一张 JPG/PNG/WEBP 图片，宽高都至少 300 像素，长宽比不超过 2.5:1，不超过 20 MB；"
                         "视频的画面比例跟随这张图。",
                         "One JPG/PNG/WEBP picture, both sides at least 300 px, no more than 2.5:1, up to 20 MB; "
                         "the video takes its shape."),
                       FIRST_FRAME),
                _prompt(False, T("可选：描述画面要怎样动起来。中文最多 2500 字，英文最多 5000 个字符。",
                                 "Optional: how the picture should move. Up to 2500 Chinese or 5000 other "
                                 "characters."))),
        params=(RESOLUTION_FOLLOWS, DURATION, HH_WATERMARK, SEED),
        usage=USAGE_PLAIN, typical_seconds=120, duration_source="param:duration",
        **_prices(10), **COMMON),
    ModelSpec(
        name="happyhorse-1.0-r2v", family=Family.R2V,
        title=T("HappyHorse 1.0 参考生视频（有声）", "HappyHorse 1.0 reference to video (with sound)"),
        description=T("用 1–9 张参考图里的人物和物品拍出一段新视频，自带声音。720P / 1080P，3–15 秒。",
                      "Puts the people and objects from 1–9 pictures into a new video with sound. "
                      "720P / 1080P, 3–15 s."),
        regions=_regions("happyhorse-1.0-r2v"),
        inputs=(_prompt(True, T("描述场景，并用 [Image 1]、[Image 2] … 指明用到第几张参考图里的什么，"
                                "例如“[Image 1]中的女孩”。中文最多 2500 字，英文最多 5000 个字符。",
                                "Describe the scene and point at the pictures with [Image 1], [Image 2] …, "
                                "e.g. \"the girl in [Image 1]\". Up to 2500 Chinese or 5000 other characters.")),
                _media(T("参考图", "Reference images"),
                       T("1–9 张 JPG/PNG/WEBP 图片，短边至少 400 像素，每张不超过 20 MB；按顺序对应 [Image 1]、"
                         "[Image 2] …。越清晰效果越好。",
                         "1–9 JPG/PNG/WEBP pictures, shortest side at least 400 px, up to 20 MB each; in order "
                         "they are [Image 1], [Image 2] …. Sharper pictures work better."),
                       REFERENCE_IMAGES)),
        params=(RESOLUTION, RATIO, DURATION, HH_WATERMARK, SEED),
        usage=USAGE_RATIO, typical_seconds=120, duration_source="param:duration",
        **_prices(10), **COMMON),
    ModelSpec(
        name="happyhorse-1.0-video-edit", family=Family.EDIT,
        title=T("HappyHorse 1.0 视频编辑", "HappyHorse 1.0 video edit"),
        description=T("用一句话改一段视频：换风格、换衣服或替换物品，可附最多 5 张参考图。"
                      "成片与原视频等长，最长 15 秒；原视频和成片的秒数都计费。",
                      "Change a video with one sentence: a new style, new clothes or swapped objects, with up to "
                      "5 reference pictures. The result is as long as the video, at most 15 s; the seconds of "
                      "both the source and the result are billed."),
        regions=_regions("happyhorse-1.0-video-edit"),
        inputs=(_prompt(True, T("说明要怎么改，例如“让人物穿上图片里的毛衣”。中文最多 2500 字，英文最多 5000 个字符。",
                                "Say what to change, e.g. \"dress the person in the sweater from the picture\". "
                                "Up to 2500 Chinese or 5000 other characters.")),
                _media(T("视频与参考图", "Video and reference pictures"),
                       T("一段 MP4/MOV 视频（3–60 秒，不超过 100 MB，短边至少 360、长边最多 4096 像素，长宽比不超过 "
                         "2.5:1，帧率高于 8），只用前 15 秒；可再加 0–5 张 JPG/PNG/WEBP 参考图（每张不超过 20 MB）。"
                         "视频必须是网上可以直接访问的链接或本地文件（会自动上传）。",
                         "One MP4/MOV video (3–60 s, up to 100 MB, shortest side at least 360 px, longest up to "
                         "4096 px, no more than 2.5:1, above 8 fps), of which the first 15 s are used; plus 0–5 "
                         "JPG/PNG/WEBP reference pictures (20 MB each). The video must be a public link or a local "
                         "file (uploaded for you)."),
                       EDIT_VIDEO, EDIT_REFERENCE)),
        params=(RESOLUTION_FOLLOWS,
                ParamSpec("audio_setting", "str", T("声音", "Sound"), default="auto",
                          choices=(Choice("auto", T("由模型决定", "Let the model decide")),
                                   Choice("origin", T("保留原视频的声音", "Keep the original sound")))),
                HH_WATERMARK, SEED),
        usage=USAGE_PLAIN, typical_seconds=120, duration_source="input:video", max_seconds=15,
        **_prices(10, bill_input=("video",)), **COMMON),
]


def _v11(base: ModelSpec) -> ModelSpec:
    """HappyHorse 1.1 of a 1.0 model. 1.1 (text, first frame, references; the edit model stays 1.0)
    became the official ``bl`` CLI's default in mid-2026 (its CHANGELOG 1.4.1; wire audit §3). The pages
    copied here predate it and it takes the same request, so it is 1.0's data under its own id; its
    prices are 1.0's, marked as not confirmed by the price page."""
    name = base.name.replace("1.0", "1.1")

    def unconfirmed(p: Price) -> Price:
        return replace(p, confirmed=False)

    return replace(base, name=name, regions=_regions(name), featured=base.featured,
                   title=T(base.title.zh.replace("1.0", "1.1"), base.title.en.replace("1.0", "1.1")),
                   price=unconfirmed(base.price), prices={r: unconfirmed(p) for r, p in base.prices.items()})


MODELS += [_v11(m) for m in MODELS if not m.name.endswith("video-edit")]
for _i, _m in enumerate(MODELS):          # the newest version is the one offered first
    if _m.name.startswith("happyhorse-1.0") and _m.featured:
        MODELS[_i] = replace(_m, featured=False)
