"""PixVerse (third-party, 爱诗科技) video models on Model Studio, as data.

Facts come from the four PixVerse API pages (t2v, it2v, kf2v, r2v), ``model-pricing.md``
(爱诗 sections) and ``rate-limit.md`` (爱诗系列). Every model runs in Beijing only and is
billed per output second by resolution tier, with audio priced apart (no free quota).
Per API key the c1 models share 5 running tasks, the v6 ones another 5 and the v5.6 ones
another 5 (a ``pool`` per version with ``concurrency=5``).
Media are public http(s) URLs only (no base64).
"""
from __future__ import annotations

from dataclasses import replace

from ..i18n import T
from .models import (
    MB,
    RESULT_VIDEO,
    SEED,
    VIDEO_GEN,
    WATERMARK,
    _tiers,
    duration_choices,
    duration_range,
    prompt,
)
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

# -- sizes (t2v, r2v): W*H per resolution tier, as the pages list them -----------------------
_WIDE = ("16:9", "4:3", "1:1", "3:4", "9:16", "3:2", "2:3", "21:9")
_FIVE = _WIDE[:5]


def _table(ratios: tuple[str, ...], **tiers: str) -> dict[str, list[tuple[str, str]]]:
    """``_table(ratios, P360="640*360 640*480 …")``: sizes in the order of ``ratios``."""
    return {tier[1:] + "P": list(zip(sizes.split(), ratios, strict=True)) for tier, sizes in tiers.items()}


#: c1 and v6 (text-to-video) and c1 (reference-to-video): eight aspect ratios.
SIZES_C1 = _table(_WIDE,
                  P360="640*360 640*480 640*640 480*640 360*640 640*432 432*640 640*288",
                  P540="1024*576 1024*768 1024*1024 768*1024 576*1024 1024*688 688*1024 1024*448",
                  P720="1280*720 1108*832 960*960 832*1108 720*1280 1200*800 800*1200 1280*560",
                  P1080="1920*1080 1664*1248 1440*1440 1248*1664 1080*1920 1776*1184 1184*1776 1920*832")
_SMALL_V56 = dict(P360="640*360 640*480 640*640 480*640 360*640",
                  P540="1024*576 1024*768 1024*1024 768*1024 576*1024")
#: v5.6 text-to-video.
SIZES_V56_T2V = _table(_FIVE, **_SMALL_V56,
                       P720="1280*720 1280*960 1280*1280 960*1280 720*1280",
                       P1080="1920*1080 1920*1440 1808*1808 1440*1920 1080*1920")
#: v5.6 reference-to-video (its 4:3 and 3:4 sizes differ from v5.6 text-to-video).
SIZES_V56_R2V = _table(_FIVE, **_SMALL_V56,
                       P720="1280*720 1108*830 960*960 830*1108 720*1280",
                       P1080="1920*1080 1662*1246 1440*1440 1246*1662 1080*1920")
TIERS = ("360P", "540P", "720P", "1080P")

# -- prices (CNY per second): silent by default, ``audio=true`` priced apart -------------------
#: version -> (silent, with audio), each by tier 360P/540P/720P/1080P
_PRICES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "c1": ((0.18, 0.24, 0.30, 0.56), (0.24, 0.30, 0.39, 0.71)),
    "v6": ((0.15, 0.21, 0.27, 0.53), (0.21, 0.27, 0.36, 0.68)),
    "v5.6": ((0.21, 0.21, 0.27, 0.44), (0.47, 0.47, 0.53, 0.70)),
}


def price(version: str) -> Price:
    silent, loud = _PRICES[version]
    return Price("second", dict(zip(TIERS, silent, strict=True)), free_quota=0, switch="audio",
                 tables={"true": dict(zip(TIERS, loud, strict=True))})


# -- field builders --------------------------------------------------------------------------
IMAGE = Limits(formats=("jpeg", "png", "webp"), max_bytes=20 * MB, max_side=10000)
IMAGE_HELP = T("JPG/PNG/WEBP，不超过 20 MB，宽高都不超过 10000 像素。",
               "JPG/PNG/WEBP, up to 20 MB, width and height up to 10000 px.")
PROMPT_CHARS = {"c1": 5000, "v6": 5000, "v5.6": 2048}

AUDIO = ParamSpec("audio", "bool", T("生成声音", "Generate audio"), default=False,
                  help=T("开启后自动配上贴合画面的背景音乐或音效，按有声价格计费。",
                         "On: adds matching background music or sound effects, at the audio price."))
SHOT_TYPE = ParamSpec("shot_type", "str", T("镜头", "Shots"), default="single",
                      choices=(Choice("single", T("单镜头", "Single shot")),
                               Choice("multi", T("多镜头（自动分镜）", "Multi-shot (automatic cuts)"))),
                      help=T("提示词的描述优先，请让两者一致。", "The prompt wins; keep the two consistent."))


def size(table: dict[str, list[tuple[str, str]]]) -> ParamSpec:
    choices = tuple(Choice(s, T(f"{s.replace('*', '×')}（{tier} {r}）", f"{s.replace('*', '×')} ({tier} {r})"), tier)
                    for tier, items in table.items() for s, r in items)
    return ParamSpec("size", "str", T("分辨率与画幅", "Size"), default="1280*720", required=True, choices=choices)


RESOLUTION = ParamSpec("resolution", "str", T("分辨率", "Resolution"), default="720P", required=True,
                       choices=_tiers(*TIERS), help=T("画幅跟随首帧图片。", "The aspect ratio follows the first image."))


def duration(version: str) -> ParamSpec:
    if version == "v5.6":
        spec = replace(duration_choices(5, 5, 8, 10),
                       help=T("1080P 时只能选 5 或 8 秒。", "At 1080P only 5 or 8 s are possible."))
    else:
        spec = duration_range(5, 1, 15)
    return replace(spec, required=True)


def _model(name: str, family: Family, version: str, title: T, description: T, inputs: tuple[InputSpec, ...],
           params: tuple[ParamSpec, ...], usage: Usage, tier_source: str) -> ModelSpec:
    return ModelSpec(
        name=name, family=family, title=title, description=description, endpoint=VIDEO_GEN, sync=False,
        regions={BEIJING: name}, inputs=inputs, params=params + (AUDIO, WATERMARK, SEED), result=RESULT_VIDEO,
        usage=replace(usage, tier_text=True), fps=24, price=price(version), submit_rps=5, concurrency=5, pool=f"pixverse-{version}", typical_seconds=90,
        duration_source="param:duration", tier_source=tier_source, new=True, rewrites_prompt=False)


def _media_input(help_: T, *types: MediaType) -> InputSpec:
    return InputSpec("media", Kind.MEDIA, T("素材", "Media"), required=True, help=help_, media_types=types)


USAGE_SHOT = Usage(("duration", "shot_type", "size", "fps", "video_count", "audio", "SR"), tier="SR")
USAGE = Usage(("duration", "size", "fps", "video_count", "audio", "SR"), tier="SR")


# -- one builder per page shape ----------------------------------------------------------------
def t2v(name: str, version: str, title: T, description: T) -> ModelSpec:
    shots = (SHOT_TYPE,) if version == "v6" else ()
    table = SIZES_V56_T2V if version == "v5.6" else SIZES_C1
    return _model(name, Family.T2V, version, title, description,
                  (prompt(PROMPT_CHARS[version], required=True),), (size(table), duration(version)) + shots,
                  USAGE_SHOT, "size")


def it2v(name: str, version: str, title: T, description: T) -> ModelSpec:
    shots = (SHOT_TYPE,) if version == "v6" else ()
    first = MediaType("image_url", T("首帧图片", "First frame"), "image", IMAGE, min_items=1, max_items=1)
    inputs = (_media_input(T("一张图片作为视频的第一帧。" + IMAGE_HELP.zh,
                             "One image, used as the first frame. " + IMAGE_HELP.en), first),
              prompt(PROMPT_CHARS[version]))
    return _model(name, Family.I2V, version, title, description, inputs,
                  (RESOLUTION, duration(version)) + shots, USAGE_SHOT, "param:resolution")


def kf2v(name: str, version: str, title: T, description: T) -> ModelSpec:
    first = MediaType("first_frame", T("首帧图片", "First frame"), "image", IMAGE, min_items=1, max_items=1)
    last = MediaType("last_frame", T("尾帧图片", "Last frame"), "image", IMAGE, min_items=1, max_items=1)
    inputs = (_media_input(T("开头一张、结尾一张，尺寸可以不同，画幅以首帧为准。" + IMAGE_HELP.zh,
                             "One image to open and one to end the video; sizes may differ, the first sets the "
                             "aspect ratio. " + IMAGE_HELP.en), first, last),
              prompt(PROMPT_CHARS[version], required=True))
    return _model(name, Family.KF2V, version, title, description, inputs,
                  (RESOLUTION, duration(version)), USAGE, "param:resolution")


def r2v(name: str, version: str, title: T, description: T) -> ModelSpec:
    refs = MediaType("image_url", T("参考图片", "Reference image"), "image", IMAGE, min_items=1, max_items=7,
                     fields=(MediaField("ref_name", T("主体名称", "Subject name"), "text"),),
                     tag=T("@{name}", "@{name}"))
    inputs = (_media_input(T("1–7 张图片，画面里的人物或物体会出现在视频中。" + IMAGE_HELP.zh,
                             "1–7 images whose people or objects appear in the video. " + IMAGE_HELP.en), refs),
              prompt(PROMPT_CHARS[version], required=True))
    table = SIZES_V56_R2V if version == "v5.6" else SIZES_C1
    return _model(name, Family.R2V, version, title, description, inputs,
                  (size(table), duration(version)), USAGE, "size")


# -- the models ------------------------------------------------------------------------------
C1 = T("爱诗 C1", "PixVerse C1")
V6 = T("爱诗 V6", "PixVerse V6")
V56 = T("爱诗 V5.6", "PixVerse V5.6")
C1_TEXT = T("擅长打斗、法术特效和高速运动，可在提示词里写多个镜头；1–15 秒，可选配音，360P–1080P。",
            "Strong at fights, magic effects and fast motion; describe several shots in the prompt; 1–15 s, "
            "optional audio, 360P–1080P.")
V6_TEXT = T("通用之选，可开多镜头；1–15 秒，可选配音，360P–1080P。",
            "The all-round choice with optional multi-shot; 1–15 s, optional audio, 360P–1080P.")
V56_TEXT = T("上一代；5、8 或 10 秒（1080P 最长 8 秒），可选配音，360P–1080P。",
             "Previous generation; 5, 8 or 10 s (8 s at most at 1080P), optional audio, 360P–1080P.")

MODELS: list[ModelSpec] = [
    t2v("pixverse/pixverse-c1-t2v", "c1", C1, C1_TEXT),
    t2v("pixverse/pixverse-v6-t2v", "v6", V6, V6_TEXT),
    t2v("pixverse/pixverse-v5.6-t2v", "v5.6", V56, V56_TEXT),
    it2v("pixverse/pixverse-c1-it2v", "c1", C1, C1_TEXT),
    it2v("pixverse/pixverse-v6-it2v", "v6", V6, V6_TEXT),
    it2v("pixverse/pixverse-v5.6-it2v", "v5.6", V56, V56_TEXT),
    kf2v("pixverse/pixverse-c1-kf2v", "c1", C1,
         T("首尾帧过渡，擅长打斗与特效；1–15 秒，可选配音，360P–1080P。",
           "First-to-last-frame, strong at fights and effects; 1–15 s, optional audio, 360P–1080P.")),
    kf2v("pixverse/pixverse-v6-kf2v", "v6", V6,
         T("首尾帧过渡，通用之选；1–15 秒，可选配音，360P–1080P。",
           "First-to-last-frame, the all-round choice; 1–15 s, optional audio, 360P–1080P.")),
    kf2v("pixverse/pixverse-v5.6-kf2v", "v5.6", V56,
         T("首尾帧过渡，上一代；5、8 或 10 秒（1080P 最长 8 秒），可选配音，360P–1080P。",
           "First-to-last-frame, previous generation; 5, 8 or 10 s (8 s at most at 1080P), optional audio, "
           "360P–1080P.")),
    r2v("pixverse/pixverse-c1-r2v", "c1", C1,
        T("1–7 张参考图，也能把一张多宫格分镜图变成视频；1–15 秒，可选配音，360P–1080P。",
          "1–7 reference images, or one storyboard grid turned into a video; 1–15 s, optional audio, 360P–1080P.")),
    r2v("pixverse/pixverse-v5.6-r2v", "v5.6", V56,
        T("1–7 张参考图，通用场景；5、8 或 10 秒（1080P 最长 8 秒），可选配音，360P–1080P。",
          "1–7 reference images for everyday scenes; 5, 8 or 10 s (8 s at most at 1080P), optional audio, "
          "360P–1080P.")),
]
