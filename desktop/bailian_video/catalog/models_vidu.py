"""Vidu (third-party, 生数科技) video models on Model Studio, as data.

Facts come from the four Vidu API pages (text2video, img2video, start-end2video,
reference2video), ``model-pricing.md`` (Vidu sections) and ``rate-limit.md`` (Vidu 系列).
Every Vidu model runs in Beijing only, is billed per output second by resolution tier
(the same price with or without audio, no free quota), and all 17 share one pool of 5
running tasks per API key (``pool="vidu"`` with ``concurrency=5``).
Media are public http(s) URLs only (no base64).
"""
from __future__ import annotations

from dataclasses import replace

from ..i18n import T
from .models import MB, RESULT_VIDEO, SEED, VIDEO_GEN, WATERMARK, _tiers, duration_range, prompt
from .regions import BEIJING
from .schema import Choice, Family, InputSpec, Kind, Limits, MediaType, ModelSpec, ParamSpec, Price, Usage

# -- shared facts --------------------------------------------------------------------------
#: ``size`` (text2video, reference2video): W*H per resolution tier, as both pages list them.
SIZES: dict[str, list[tuple[str, str]]] = {
    "540P": [("1024*576", "16:9"), ("576*1024", "9:16"), ("1024*1024", "1:1"), ("1024*768", "4:3"),
             ("768*1024", "3:4")],
    "720P": [("1280*720", "16:9"), ("720*1280", "9:16"), ("1280*1280", "1:1"), ("1280*960", "4:3"),
             ("960*1280", "3:4")],
    "1080P": [("1920*1080", "16:9"), ("1080*1920", "9:16"), ("1808*1808", "1:1"), ("1920*1440", "4:3"),
              ("1440*1920", "3:4")],
}
ALL_TIERS = ("540P", "720P", "1080P")

IMAGE = Limits(formats=("jpeg", "png", "webp"), max_bytes=50 * MB, max_aspect=4.0)
VIDEO = Limits(formats=("mp4", "avi", "mov"), max_bytes=50 * MB, max_aspect=4.0, min_duration=1, max_duration=8)
IMAGE_HELP = T("JPG/PNG/WEBP，不超过 50 MB，长宽比在 1:4 到 4:1 之间。",
               "JPG/PNG/WEBP, up to 50 MB, aspect ratio between 1:4 and 4:1.")

USAGE = Usage(("duration", "size", "output_video_duration", "fps", "video_count", "audio", "SR"), tier="SR")
USAGE_R2V = Usage(("duration", "size", "output_video_duration", "fps", "video_count", "audio", "reference_type",
                   "SR"), tier="SR")
STATUSES = ("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")


# -- field builders --------------------------------------------------------------------------
def resolution(tiers: tuple[str, ...], help_: T, required: bool = False) -> ParamSpec:
    return ParamSpec("resolution", "str", T("分辨率", "Resolution"), default="720P", choices=_tiers(*tiers),
                     required=required, help=help_)


def size(tiers: tuple[str, ...]) -> ParamSpec:
    choices = tuple(Choice(s, T(f"{s.replace('*', '×')}（{r}）", f"{s.replace('*', '×')} ({r})"), tier)
                    for tier in tiers for s, r in SIZES[tier])
    return ParamSpec("size", "str", T("画面尺寸", "Frame size"), choices=choices,
                     help=T("可不选（按 16:9 输出）；选择时须属于上面的分辨率档位。",
                            "Optional (16:9 when empty); when set it must belong to the resolution tier above."))


def duration(max_s: int, required: bool = False, auto: bool = False) -> ParamSpec:
    spec = replace(duration_range(5, 1, max_s), required=required)
    if auto:
        spec = replace(spec, extra=(Choice(0, T("自动时长", "Automatic length")),),
                       help=T("0 = 按参考视频自动决定时长（最长 10 秒）。",
                              "0 = length follows the reference video (up to 10 s)."))
    return spec


AUDIO = ParamSpec("audio", "bool", T("生成声音", "Generate audio"), default=False,
                  help=T("开启后自动配上贴合画面的背景音乐或音效；价格不变。",
                         "On: adds matching background music or sound effects; same price."))
RES_FOLLOWS_IMAGE = T("画幅尽量贴近输入图片。", "The aspect ratio follows the input image as closely as possible.")
RES_WITH_SIZE = T("画幅由“画面尺寸”决定；不选尺寸时为 16:9。", "The frame size sets the aspect ratio; 16:9 when none is chosen.")


def media(*types: MediaType, help_: T, requires: tuple[tuple[str, str], ...] = ()) -> InputSpec:
    return InputSpec("media", Kind.MEDIA, T("素材", "Media"), required=True, help=help_, media_types=types,
                     media_requires=requires)


def _model(name: str, family: Family, title: T, description: T, inputs: tuple[InputSpec, ...],
           params: tuple[ParamSpec, ...], prices: dict[str, float], usage: Usage = USAGE,
           fps: int | None = 24) -> ModelSpec:
    return ModelSpec(
        name=name, family=family, title=title, description=description, endpoint=VIDEO_GEN, sync=False,
        regions={BEIJING: name}, inputs=inputs, params=params + (WATERMARK, SEED), result=RESULT_VIDEO,
        usage=replace(usage, tier_text=True), price=Price("second", prices, free_quota=0), submit_rps=5, concurrency=5, pool="vidu",
        typical_seconds=120, fps=fps, duration_source="param:duration", tier_source="param:resolution",
        new=True, rewrites_prompt=False, statuses=STATUSES)


# -- one builder per page shape ----------------------------------------------------------------
def t2v(name: str, title: T, description: T, max_s: int, audio: bool, prices: dict[str, float]) -> ModelSpec:
    params: tuple[ParamSpec, ...] = (resolution(ALL_TIERS, RES_WITH_SIZE), size(ALL_TIERS), duration(max_s))
    return _model(name, Family.T2V, title, description, (prompt(5000, required=True),),
                  params + ((AUDIO,) if audio else ()), prices)


def i2v(name: str, title: T, description: T, tiers: tuple[str, ...], max_s: int, audio: bool,
        prices: dict[str, float]) -> ModelSpec:
    first = MediaType("image", T("首帧图片", "First frame"), "image", IMAGE, min_items=1, max_items=1)
    inputs = (media(first, help_=T("一张图片作为视频的第一帧。" + IMAGE_HELP.zh,
                                   "One image, used as the first frame. " + IMAGE_HELP.en)), prompt(5000))
    params = (resolution(tiers, RES_FOLLOWS_IMAGE), duration(max_s))
    return _model(name, Family.I2V, title, description, inputs, params + ((AUDIO,) if audio else ()), prices,
                  fps=24)


def kf2v(name: str, title: T, description: T, max_s: int, audio: bool, prices: dict[str, float]) -> ModelSpec:
    frames = MediaType("image", T("首帧与尾帧", "First and last frame"), "image", IMAGE, min_items=2, max_items=2)
    inputs = (media(frames, help_=T("恰好两张图片：第一张是开头，第二张是结尾，两张的像素总数相差不超过 25%。"
                                    + IMAGE_HELP.zh,
                                    "Exactly two images: the first opens the video, the second ends it; their pixel "
                                    "counts within 25% of each other. " + IMAGE_HELP.en)),
              prompt(5000, required=True))
    params = (resolution(ALL_TIERS, RES_FOLLOWS_IMAGE, required=True), duration(max_s, required=True))
    return _model(name, Family.KF2V, title, description, inputs, params + ((AUDIO,) if audio else ()), prices)


def r2v(name: str, title: T, description: T, tiers: tuple[str, ...], max_s: int, audio: bool,
        prices: dict[str, float], videos: bool = False) -> ModelSpec:
    images = MediaType("image", T("参考图片", "Reference image"), "image", IMAGE, min_items=1, max_items=7)
    types: tuple[MediaType, ...] = (images,)
    help_ = T("1–7 张图片，画面里的人物或物体会出现在视频中。" + IMAGE_HELP.zh,
              "1–7 images whose people or objects appear in the video. " + IMAGE_HELP.en)
    if videos:
        clip = MediaType("video", T("参考视频", "Reference video"), "video", VIDEO, max_items=2, total_duration=10)
        types += (clip,)
        help_ = T(help_.zh + "也可加 1–2 段参考视频（MP4/AVI/MOV，50 MB 内；一段 1–8 秒，两段各 1–5 秒），此时图片最多 4 张。",
                  help_.en + " You may add 1–2 reference videos (MP4/AVI/MOV, up to 50 MB; one of 1–8 s or two of "
                  "1–5 s each); then at most 4 images.")
    inputs = (media(*types, help_=help_, requires=(("video", "image"),) if videos else ()),
              prompt(5000, required=True))
    params = (resolution(tiers, RES_WITH_SIZE), size(tiers), duration(max_s, required=True, auto=videos))
    return _model(name, Family.R2V, title, description, inputs, params + ((AUDIO,) if audio else ()), prices,
                  usage=replace(USAGE_R2V, tier_text=True), fps=24)


# -- the models ------------------------------------------------------------------------------
Q3PRO = T("Vidu Q3 专业版", "Vidu Q3 Pro")
Q3TURBO = T("Vidu Q3 极速版", "Vidu Q3 Turbo")
Q2 = T("Vidu Q2", "Vidu Q2")
Q2PRO = T("Vidu Q2 专业版", "Vidu Q2 Pro")
Q2TURBO = T("Vidu Q2 极速版", "Vidu Q2 Turbo")
LONG_AUDIO = T("1–16 秒，可自动配乐；540P–1080P。", "1–16 s with optional music and sound; 540P–1080P.")
SHORT = T("1–10 秒，无声；540P–1080P。", "1–10 s, silent; 540P–1080P.")

MODELS: list[ModelSpec] = [
    # -- text → video -------------------------------------------------------------------------
    t2v("vidu/viduq3-pro_text2video", Q3PRO, T("画质最好；" + LONG_AUDIO.zh, "Best quality; " + LONG_AUDIO.en),
        16, True, {"540P": 0.3125, "720P": 0.78125, "1080P": 0.9375}),
    t2v("vidu/viduq3-turbo_text2video", Q3TURBO, T("更快更省；" + LONG_AUDIO.zh, "Faster and cheaper; " + LONG_AUDIO.en),
        16, True, {"540P": 0.25, "720P": 0.375, "1080P": 0.4375}),
    t2v("vidu/viduq2_text2video", Q2, T("实惠；" + SHORT.zh, "Economical; " + SHORT.en),
        10, False, {"540P": 0.1125, "720P": 0.21875, "1080P": 0.375}),
    # -- first frame → video ------------------------------------------------------------------
    i2v("vidu/viduq3-pro_img2video", Q3PRO, T("画质最好；" + LONG_AUDIO.zh, "Best quality; " + LONG_AUDIO.en),
        ALL_TIERS, 16, True, {"540P": 0.3125, "720P": 0.78125, "1080P": 0.9375}),
    i2v("vidu/viduq3-turbo_img2video", Q3TURBO, T("更快更省；" + LONG_AUDIO.zh, "Faster and cheaper; " + LONG_AUDIO.en),
        ALL_TIERS, 16, True, {"540P": 0.25, "720P": 0.375, "1080P": 0.4375}),
    i2v("vidu/viduq2-pro-fast_img2video", T("Vidu Q2 专业快速版", "Vidu Q2 Pro Fast"),
        T("价格最低；1–10 秒，无声；720P / 1080P。", "Lowest price; 1–10 s, silent; 720P / 1080P."),
        ("720P", "1080P"), 10, False, {"720P": 0.1, "1080P": 0.2}),
    i2v("vidu/viduq2-pro_img2video", Q2PRO, T("细节更好；" + SHORT.zh, "Finer detail; " + SHORT.en),
        ALL_TIERS, 10, False, {"540P": 0.15625, "720P": 0.34375, "1080P": 0.71875}),
    i2v("vidu/viduq2-turbo_img2video", Q2TURBO, T("快而实惠；" + SHORT.zh, "Fast and economical; " + SHORT.en),
        ALL_TIERS, 10, False, {"540P": 0.0875, "720P": 0.25, "1080P": 0.46875}),
    # -- first + last frame → video -----------------------------------------------------------
    kf2v("vidu/viduq3-pro_start-end2video", Q3PRO, T("画质最好；" + LONG_AUDIO.zh, "Best quality; " + LONG_AUDIO.en),
         16, True, {"540P": 0.3125, "720P": 0.78125, "1080P": 0.9375}),
    kf2v("vidu/viduq3-turbo_start-end2video", Q3TURBO,
         T("更快更省；" + LONG_AUDIO.zh, "Faster and cheaper; " + LONG_AUDIO.en),
         16, True, {"540P": 0.25, "720P": 0.375, "1080P": 0.4375}),
    kf2v("vidu/viduq2-pro_start-end2video", Q2PRO, T("细节更好；" + SHORT.zh, "Finer detail; " + SHORT.en),
         10, False, {"540P": 0.15625, "720P": 0.34375, "1080P": 0.71875}),
    kf2v("vidu/viduq2-turbo_start-end2video", Q2TURBO, T("快而实惠；" + SHORT.zh, "Fast and economical; " + SHORT.en),
         10, False, {"540P": 0.0875, "720P": 0.25, "1080P": 0.46875}),
    # -- reference images (and videos) → video ------------------------------------------------
    r2v("vidu/viduq3-mix_reference2video", T("Vidu Q3 混合版", "Vidu Q3 Mix"),
        T("1–7 张参考图；1–16 秒，可自动配乐；720P / 1080P。",
          "1–7 reference images; 1–16 s with optional music and sound; 720P / 1080P."),
        ("720P", "1080P"), 16, True, {"720P": 0.78125, "1080P": 0.9375}),
    r2v("vidu/viduq3_reference2video", T("Vidu Q3", "Vidu Q3"),
        T("1–7 张参考图；" + LONG_AUDIO.zh, "1–7 reference images; " + LONG_AUDIO.en),
        ALL_TIERS, 16, True, {"540P": 0.3125, "720P": 0.625, "1080P": 0.78125}),
    r2v("vidu/viduq3-turbo_reference2video", Q3TURBO,
        T("1–7 张参考图，更快更省；" + LONG_AUDIO.zh, "1–7 reference images, faster and cheaper; " + LONG_AUDIO.en),
        ALL_TIERS, 16, True, {"540P": 0.15625, "720P": 0.3125, "1080P": 0.40625}),
    r2v("vidu/viduq2-pro_reference2video", Q2PRO,
        T("参考图片之外还能参考 1–2 段视频，时长可自动；1–10 秒，无声；540P–1080P。",
          "Reference images plus 1–2 reference videos, automatic length possible; 1–10 s, silent; 540P–1080P."),
        ALL_TIERS, 10, False, {"540P": 0.25, "720P": 0.3125, "1080P": 0.78125}, videos=True),
    r2v("vidu/viduq2_reference2video", Q2, T("1–7 张参考图；" + SHORT.zh, "1–7 reference images; " + SHORT.en),
        ALL_TIERS, 10, False, {"540P": 0.21875, "720P": 0.28125, "1080P": 0.71875}),
]
