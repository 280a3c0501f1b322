"""Every DashScope video model the app drives, as data.

Facts come from the official pages (``shared/bailian-docs/``: the legacy API references,
the effects list, model-pricing.md and rate-limit.md); section numbers in comments refer to
``shared/dashscope-video-api.md``. Every price here is the pricing page's number, per region
(``prices=`` outside Beijing, with no free quota there).
"""
from __future__ import annotations

from typing import Any

from ..i18n import T
from .regions import BEIJING, FRANKFURT, SINGAPORE, VIRGINIA
from .schema import Choice, Family, FunctionSpec, InputSpec, Kind, Limits, ModelSpec, ParamSpec, Price, Usage

# -- endpoints (§1.3) -------------------------------------------------------------------
VIDEO_GEN = "services/aigc/video-generation/video-synthesis"
I2V_SYNTH = "services/aigc/image2video/video-synthesis"
AA_DETECT = "services/aigc/image2video/aa-detect"
AA_TEMPLATE = "services/aigc/image2video/aa-template-generation"
FACE_DETECT = "services/aigc/image2video/face-detect"

RESULT_VIDEO = ("output", "video_url")
RESULT_RESULTS = ("output", "results", "video_url")
RESULT_STYLE = ("output", "output_video_url")
RESULT_TEMPLATE = ("output", "template_id")
RESULT_DETECT = ("output",)

MB = 1024 * 1024
IMAGE_FORMATS = ("jpeg", "png", "bmp", "webp")

# -- T2V sizes (§2) ------------------------------------------------------------------------
SIZES: dict[str, list[tuple[str, str]]] = {
    "480P": [("832*480", "16:9"), ("480*832", "9:16"), ("624*624", "1:1")],
    "720P": [("1280*720", "16:9"), ("720*1280", "9:16"), ("960*960", "1:1"),
             ("1088*832", "4:3"), ("832*1088", "3:4")],
    "1080P": [("1920*1080", "16:9"), ("1080*1920", "9:16"), ("1440*1440", "1:1"),
              ("1632*1248", "4:3"), ("1248*1632", "3:4")],
}
ALL_SIZES = {size: tier for tier, items in SIZES.items() for size, _ in items}


def size_tier(size: str) -> str | None:
    return ALL_SIZES.get(size)


def _sizes(*tiers: str) -> tuple[Choice, ...]:
    return tuple(Choice(size, T(f"{size.replace('*', '×')}（{tier} {ratio}）", f"{size.replace('*', '×')} ({tier} {ratio})"), tier)
                 for tier in tiers for size, ratio in SIZES[tier])


def _tiers(*tiers: str) -> tuple[Choice, ...]:
    return tuple(Choice(t, T(t, t), t) for t in tiers)


def _ints(*values: int, unit: T = T("秒", " s")) -> tuple[Choice, ...]:
    return tuple(Choice(v, T(f"{v}{unit.zh}", f"{v}{unit.en}")) for v in values)


# -- shared field builders -----------------------------------------------------------------
def prompt(max_chars: int, required: bool = False) -> InputSpec:
    return InputSpec("prompt", Kind.TEXT, T("提示词", "Prompt"), required=required, max_chars=max_chars,
                     help=T(f"描述画面内容与运动，最多 {max_chars} 字，超出部分会被服务截断。",
                            f"Describe the scene and motion; up to {max_chars} characters (the service truncates the rest)."))


NEG_PROMPT = InputSpec("negative_prompt", Kind.TEXT, T("反向提示词", "Negative prompt"), max_chars=500,
                       help=T("不希望出现的内容，最多 500 字。", "What you do not want to see; up to 500 characters."))


def wan_image(name: str, label: T, max_mb: int = 10, required: bool = True) -> InputSpec:
    return InputSpec(name, Kind.IMAGE, label, required=required, data_uri=True,
                     limits=Limits(formats=IMAGE_FORMATS, max_bytes=max_mb * MB, min_side=240, max_side=8000,
                                   no_alpha=True),
                     help=T(f"JPEG/PNG/BMP/WEBP，宽高 240–8000 像素，不超过 {max_mb} MB，PNG 不能带透明通道。",
                            f"JPEG/PNG/BMP/WEBP, each side 240–8000 px, up to {max_mb} MB, PNG without transparency."))


WAN_AUDIO = InputSpec("audio_url", Kind.AUDIO, T("配音（可选）", "Soundtrack (optional)"),
                      limits=Limits(formats=("wav", "mp3"), max_bytes=15 * MB, min_duration=3, max_duration=30),
                      help=T("WAV/MP3，3–30 秒，不超过 15 MB；长于视频会被截断。不提供时模型自动配音。",
                             "WAV/MP3, 3–30 s, up to 15 MB; cut to the video length. Without it the model adds its own audio."))

# -- effect templates (wanx-video-effects.md) ---------------------------------------------
# (value, name zh, name en, who it suits zh, en, also on wanx2.1-i2v-turbo)
_I2V_EFFECTS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("squish", "解压捏捏", "Squish", "任意主体", "any subject", True),
    ("rotation", "转圈圈", "Spin around", "任意主体", "any subject", True),
    ("poke", "戳戳乐", "Poke", "任意主体", "any subject", True),
    ("inflate", "气球膨胀", "Balloon inflate", "任意主体", "any subject", True),
    ("dissolve", "分子扩散", "Dissolve", "任意主体", "any subject", True),
    ("melt", "热浪融化", "Heat melt", "任意主体", "any subject", False),
    ("icecream", "冰淇淋星球", "Ice-cream planet", "任意主体", "any subject", False),
    ("carousel", "时光木马", "Carousel", "单人", "one person", True),
    ("singleheart", "爱你哟", "Finger heart", "单人", "one person", True),
    ("dance1", "摇摆时刻", "Swing time", "单人", "one person", False),
    ("dance2", "头号甩舞", "Hair-flip dance", "单人全身", "one person, full body", False),
    ("dance3", "星摇时刻", "Star shake", "单人全身", "one person, full body", False),
    ("dance4", "指感节奏", "Finger rhythm", "单人", "one person", False),
    ("dance5", "舞动开关", "Dance switch", "单人", "one person", False),
    ("mermaid", "人鱼觉醒", "Mermaid awakening", "单人半身", "one person, half body", False),
    ("graduation", "学术加冕", "Graduation", "单人", "one person", False),
    ("dragon", "巨兽追袭", "Chased by a monster", "单人", "one person", False),
    ("money", "财从天降", "Money rain", "单人", "one person", False),
    ("jellyfish", "水母之约", "Jellyfish date", "单人", "one person", False),
    ("pupil", "瞳孔穿越", "Through the pupil", "单人", "one person", False),
    ("flying", "魔法悬浮", "Magic levitation", "单人或动物", "one person or animal", True),
    ("rose", "赠人玫瑰", "Giving a rose", "单人或动物", "one person or animal", True),
    ("crystalrose", "闪亮玫瑰", "Sparkling rose", "单人或动物", "one person or animal", True),
    ("hug", "爱的抱抱", "Hug", "双人", "two people", True),
    ("frenchkiss", "唇齿相依", "Kiss", "双人", "two people", True),
    ("coupleheart", "双倍心动", "Double heart", "双人", "two people", True),
)
_KF2V_EFFECTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("hanfu-1", "唐韵翩然", "Tang-style hanfu", "单人", "one person"),
    ("solaron", "机甲变身", "Mecha transformation", "单人", "one person"),
    ("magazine", "闪耀封面", "Magazine cover", "单人", "one person"),
    ("mech1", "机械觉醒", "Mechanical awakening", "单人", "one person"),
    ("mech2", "赛博登场", "Cyber entrance", "单人", "one person"),
)
#: Effects are offered only in Beijing (checks_vace.template_checks refuses them elsewhere).
EFFECT_REGION = BEIJING


def _effect(value: str, zh: str, en: str, who_zh: str, who_en: str) -> Choice:
    return Choice(value, T(f"{zh}（{who_zh}）", f"{en} ({who_en})"))


def effect_template(*effects: tuple[str, str, str, str, str], last_frame: bool = False) -> InputSpec:
    """The ``template`` input: one of the effects the page lists for this model."""
    extra_zh = "，不需要尾帧" if last_frame else ""
    extra_en = "; no last frame is needed" if last_frame else ""
    return InputSpec("template", Kind.CHOICE, T("特效模板（可选）", "Effect template (optional)"),
                     choices=tuple(_effect(*e) for e in effects),
                     help=T(f"套用预设的动态特效，仅华北2（北京）可用。使用特效时只需首帧图片{extra_zh}，提示词不起作用。",
                            f"Applies a ready-made motion effect; China (Beijing) only. With an effect only the first "
                            f"frame is used{extra_en}, and the prompt has no effect."))


I2V_PLUS_EFFECTS = effect_template(*(e[:5] for e in _I2V_EFFECTS))
I2V_TURBO_EFFECTS = effect_template(*(e[:5] for e in _I2V_EFFECTS if e[5]))
KF2V_PLUS_EFFECTS = effect_template(*_KF2V_EFFECTS, last_frame=True)

PROMPT_EXTEND = ParamSpec("prompt_extend", "bool", T("智能改写提示词", "Rewrite prompt (prompt_extend)"), default=True,
                          help=T("由大模型润色提示词，效果更好但稍慢。", "An LLM rewrites the prompt: better results, a little slower."))
WATERMARK = ParamSpec("watermark", "bool", T("添加“AI生成”水印", "Add \"AI generated\" watermark"), default=False)
SEED = ParamSpec("seed", "int", T("随机种子", "Seed"), min=0, max=2147483647,
                 help=T("留空为随机；相同种子结果相近，但不完全一致。",
                        "Empty for random; the same seed gives similar, not identical, results."))
SHOT_TYPE = ParamSpec("shot_type", "str", T("镜头类型", "Shot type"), default="single",
                      choices=(Choice("single", T("单镜头", "Single shot")), Choice("multi", T("多镜头", "Multi-shot"))),
                      help=T("仅在开启智能改写时生效。", "Only takes effect with prompt rewriting on."))


def fixed_duration(seconds: int = 5) -> ParamSpec:
    return ParamSpec("duration", "int", T("时长", "Duration"), default=seconds, choices=_ints(seconds), fixed=True)


def duration_choices(default: int, *values: int) -> ParamSpec:
    return ParamSpec("duration", "int", T("时长", "Duration"), default=default, choices=_ints(*values))


def duration_range(default: int, lo: int, hi: int) -> ParamSpec:
    return ParamSpec("duration", "int", T("时长（秒）", "Duration (s)"), default=default, min=lo, max=hi)


def size_param(default: str, *tiers: str) -> ParamSpec:
    return ParamSpec("size", "str", T("分辨率与画幅", "Size"), default=default, choices=_sizes(*tiers))


def resolution_param(default: str, *tiers: str) -> ParamSpec:
    return ParamSpec("resolution", "str", T("分辨率档位", "Resolution"), default=default, choices=_tiers(*tiers),
                     help=T("画幅跟随输入图片。", "The aspect ratio follows the input image."))


def wan_price(by_tier: dict[str, float], free: float, confirmed: bool = True) -> Price:
    return Price("second", by_tier, free_quota=free, confirmed=confirmed)


def abroad_price(by_tier: dict[str, float], **kw: Any) -> Price:
    """A price outside mainland China (Singapore, Virginia, Frankfurt): the page's number, no free quota."""
    return Price("second", by_tier, free_quota=0, **kw)


def regions(beijing: str, singapore: str | None = "same", *extra: str) -> dict[str, str]:
    out = {BEIJING: beijing}
    if singapore == "same":
        out[SINGAPORE] = beijing
    elif singapore:
        out[SINGAPORE] = singapore
    for r in extra:
        out[r] = beijing
    return out


# -- usage shapes, as each model reports them ------------------------------------------------
USAGE_WAN21 = Usage(("video_duration", "video_ratio", "video_count"), seconds="video_duration")
USAGE_WAN22 = Usage(("duration", "SR", "video_count"), tier="SR")
USAGE_WAN22_KF = Usage(("video_duration", "video_count", "SR"), seconds="video_duration", tier="SR")
USAGE_WAN25 = Usage(("duration", "input_video_duration", "output_video_duration", "video_count", "SR"), tier="SR")
USAGE_WAN26_T2V = Usage(("duration", "size", "input_video_duration", "output_video_duration", "video_count", "SR"),
                        tier="SR")
USAGE_WAN26_AUDIO = Usage(USAGE_WAN25.keys + ("audio",), tier="SR")
USAGE_PORTRAIT = Usage(("video_duration", "video_ratio"), seconds="video_duration")
T2V_STATUSES = ("PENDING", "RUNNING", "SUSPENDED", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")
PORTRAIT_STATUSES = ("PENDING", "PRE-PROCESSING", "RUNNING", "POST-PROCESSING", "SUCCEEDED", "FAILED",
                     "CANCELED", "UNKNOWN")

#: The US deployment's ids take fewer durations than the 2–15 s of the others (legacy T2V/I2V pages).
#: checks_vace.regional_param_checks refuses the rest in Virginia.
US_DURATIONS: dict[str, tuple[int, ...]] = {"wan2.6-t2v-us": (5, 10), "wan2.6-i2v-us": (5, 10, 15)}


def wan26_duration(us: tuple[int, ...]) -> ParamSpec:
    us_list = "/".join(str(v) for v in us)
    return ParamSpec("duration", "int", T("时长（秒）", "Duration (s)"), default=5, min=2, max=15,
                     help=T(f"2–15 秒；美国（弗吉尼亚）只能选 {us_list} 秒。",
                            f"2–15 s; in US (Virginia) only {us_list} s."))


# =======================================================================================
# Text-to-video (§2)
# =======================================================================================
T2V_COMMON: dict[str, Any] = dict(family=Family.T2V, endpoint=VIDEO_GEN, sync=False, result=RESULT_VIDEO,
                  tier_source="size", statuses=T2V_STATUSES)

MODELS: list[ModelSpec] = [
    ModelSpec(
        name="wan2.2-t2v-plus", usage=USAGE_WAN21, title=T("万相2.2 专业版", "Wan 2.2 Plus"),
        description=T("画面细节与运动稳定性显著提升；480P / 1080P，5 秒。",
                      "Sharper detail and steadier motion; 480P / 1080P, 5 s."),
        regions=regions("wan2.2-t2v-plus"),
        inputs=(prompt(800, required=True), NEG_PROMPT),
        params=(size_param("1920*1080", "480P", "1080P"), fixed_duration(), PROMPT_EXTEND, WATERMARK, SEED),
        price=wan_price({"480P": 0.14, "1080P": 0.70}, 50),
        prices={SINGAPORE: abroad_price({"480P": 0.146785, "1080P": 0.733924})}, submit_rps=2, concurrency=2,
        typical_seconds=100, fps=30, duration_source="fixed:5", featured=True, **T2V_COMMON),
    ModelSpec(
        name="wanx2.1-t2v-turbo", usage=USAGE_WAN21, title=T("万相2.1 极速版", "Wan 2.1 Turbo"),
        description=T("生成快、性价比高；480P / 720P，5 秒。", "Fast and economical; 480P / 720P, 5 s."),
        regions=regions("wanx2.1-t2v-turbo", "wan2.1-t2v-turbo"),
        inputs=(prompt(800, required=True), NEG_PROMPT),
        params=(size_param("1280*720", "480P", "720P"), fixed_duration(), PROMPT_EXTEND, WATERMARK, SEED),
        price=wan_price({"*": 0.24}, 200), prices={SINGAPORE: abroad_price({"*": 0.264213})},
        submit_rps=2, concurrency=2, typical_seconds=180, fps=30, duration_source="fixed:5", **T2V_COMMON),
    ModelSpec(
        name="wanx2.1-t2v-plus", usage=USAGE_WAN21, title=T("万相2.1 专业版", "Wan 2.1 Plus"),
        description=T("细节丰富、质感更好；720P，5 秒。", "Rich detail and texture; 720P, 5 s."),
        regions=regions("wanx2.1-t2v-plus", "wan2.1-t2v-plus"),
        inputs=(prompt(800, required=True), NEG_PROMPT),
        params=(size_param("1280*720", "720P"), fixed_duration(), PROMPT_EXTEND, WATERMARK, SEED),
        price=wan_price({"*": 0.70}, 200), prices={SINGAPORE: abroad_price({"*": 0.733924})},
        submit_rps=2, concurrency=2, typical_seconds=300, fps=30, duration_source="fixed:5", **T2V_COMMON),
    ModelSpec(
        name="wan2.5-t2v-preview", usage=USAGE_WAN21, title=T("万相2.5 预览版（有声）", "Wan 2.5 Preview (audio)"),
        description=T("自动配音或使用自己的音频；480P–1080P，5 或 10 秒。",
                      "Adds its own audio or uses yours; 480P–1080P, 5 or 10 s."),
        regions=regions("wan2.5-t2v-preview"),
        inputs=(prompt(1500, required=True), NEG_PROMPT, WAN_AUDIO),
        params=(size_param("1920*1080", "480P", "720P", "1080P"), duration_choices(5, 5, 10), PROMPT_EXTEND,
                WATERMARK, SEED),
        price=wan_price({"480P": 0.30, "720P": 0.60, "1080P": 1.00}, 50),
        prices={SINGAPORE: abroad_price({"480P": 0.366961, "720P": 0.733923, "1080P": 1.100885})},
        submit_rps=5, concurrency=5, typical_seconds=180, fps=24, duration_source="param:duration",
        **T2V_COMMON),
    ModelSpec(
        name="wan2.6-t2v", rules=("regional_params",), rewrites_prompt=False, usage=USAGE_WAN26_T2V, title=T("万相2.6（有声、多镜头）", "Wan 2.6 (audio, multi-shot)"),
        description=T("2–15 秒，支持多镜头叙事与配音；720P / 1080P。",
                      "2–15 s with multi-shot storytelling and audio; 720P / 1080P."),
        # Virginia: the US deployment's own id (rate-limit.md 美国, model-pricing.md 美国); Frankfurt: the
        # global deployment under the Beijing name (全球), reached only on the workspace host.
        regions={BEIJING: "wan2.6-t2v", SINGAPORE: "wan2.6-t2v", VIRGINIA: "wan2.6-t2v-us", FRANKFURT: "wan2.6-t2v"},
        inputs=(prompt(1500, required=True), NEG_PROMPT, WAN_AUDIO),
        params=(size_param("1920*1080", "720P", "1080P"), wan26_duration(US_DURATIONS["wan2.6-t2v-us"]),
                PROMPT_EXTEND, SHOT_TYPE, WATERMARK, SEED),
        price=wan_price({"720P": 0.60, "1080P": 1.00}, 50),
        prices={SINGAPORE: abroad_price({"720P": 0.733924, "1080P": 1.100886}),
                VIRGINIA: abroad_price({"720P": 0.733924, "1080P": 1.100886}),
                FRANKFURT: abroad_price({"720P": 0.60, "1080P": 1.00})},
        submit_rps=5, concurrency=5, typical_seconds=180, fps=24, duration_source="param:duration",
        **T2V_COMMON),
]

# =======================================================================================
# Image-to-video, first frame (§3)
# =======================================================================================
I2V_COMMON: dict[str, Any] = dict(family=Family.I2V, endpoint=VIDEO_GEN, sync=False, result=RESULT_VIDEO,
                  tier_source="param:resolution", statuses=T2V_STATUSES)
FIRST_FRAME = T("首帧图片", "First frame")

MODELS += [
    ModelSpec(
        name="wan2.2-i2v-plus", usage=USAGE_WAN22, title=T("万相2.2 专业版", "Wan 2.2 Plus"),
        description=T("画面细节与运动稳定性显著提升；480P / 1080P，5 秒。",
                      "Sharper detail and steadier motion; 480P / 1080P, 5 s."),
        regions=regions("wan2.2-i2v-plus"),
        inputs=(wan_image("img_url", FIRST_FRAME), prompt(800), NEG_PROMPT),
        params=(resolution_param("1080P", "480P", "1080P"), fixed_duration(), PROMPT_EXTEND, WATERMARK, SEED),
        price=wan_price({"480P": 0.14, "1080P": 0.70}, 50),
        prices={SINGAPORE: abroad_price({"480P": 0.146785, "1080P": 0.733924})}, submit_rps=2, concurrency=2,
        typical_seconds=100, fps=30, featured=True, **I2V_COMMON),
    ModelSpec(
        name="wan2.2-i2v-flash", usage=USAGE_WAN22, title=T("万相2.2 极速版", "Wan 2.2 Flash"),
        description=T("速度最快；480P / 720P / 1080P，5 秒。", "Fastest; 480P / 720P / 1080P, 5 s."),
        regions={BEIJING: "wan2.2-i2v-flash"},
        inputs=(wan_image("img_url", FIRST_FRAME), prompt(800), NEG_PROMPT),
        params=(resolution_param("720P", "480P", "720P", "1080P"), fixed_duration(), PROMPT_EXTEND, WATERMARK, SEED),
        price=wan_price({"480P": 0.10, "720P": 0.20, "1080P": 0.48}, 50),
        submit_rps=2, concurrency=2, typical_seconds=60, fps=30, **I2V_COMMON),
    ModelSpec(
        name="wanx2.1-i2v-turbo", rules=("effect_template",), usage=USAGE_WAN21, title=T("万相2.1 极速版", "Wan 2.1 Turbo"),
        description=T("性价比高，可选 3/4/5 秒与特效模板；480P / 720P。",
                      "Economical; 3/4/5 s and effect templates; 480P / 720P."),
        regions=regions("wanx2.1-i2v-turbo", "wan2.1-i2v-turbo"),
        inputs=(wan_image("img_url", FIRST_FRAME), prompt(800), NEG_PROMPT, I2V_TURBO_EFFECTS),
        params=(resolution_param("720P", "480P", "720P"), duration_choices(5, 3, 4, 5), PROMPT_EXTEND, WATERMARK,
                SEED),
        price=wan_price({"*": 0.24}, 200), prices={SINGAPORE: abroad_price({"*": 0.264213})},
        submit_rps=2, concurrency=2,
        typical_seconds=180, fps=30, duration_source="param:duration", **I2V_COMMON),
    ModelSpec(
        name="wanx2.1-i2v-plus", rules=("effect_template",), usage=USAGE_WAN21, title=T("万相2.1 专业版", "Wan 2.1 Plus"),
        description=T("细节丰富、质感更好；720P，5 秒。", "Rich detail and texture; 720P, 5 s."),
        regions=regions("wanx2.1-i2v-plus", "wan2.1-i2v-plus"),
        inputs=(wan_image("img_url", FIRST_FRAME), prompt(800), NEG_PROMPT, I2V_PLUS_EFFECTS),
        params=(resolution_param("720P", "720P"), fixed_duration(), PROMPT_EXTEND, WATERMARK, SEED),
        price=wan_price({"*": 0.70}, 200), prices={SINGAPORE: abroad_price({"*": 0.733924})},
        submit_rps=2, concurrency=2,
        typical_seconds=300, fps=30, **I2V_COMMON),
    ModelSpec(
        name="wan2.5-i2v-preview", usage=USAGE_WAN25, title=T("万相2.5 预览版（有声）", "Wan 2.5 Preview (audio)"),
        description=T("自动配音或使用自己的音频；480P–1080P，5 或 10 秒。",
                      "Adds its own audio or uses yours; 480P–1080P, 5 or 10 s."),
        regions=regions("wan2.5-i2v-preview"),
        inputs=(wan_image("img_url", FIRST_FRAME, max_mb=20), prompt(1500), NEG_PROMPT, WAN_AUDIO),
        params=(resolution_param("1080P", "480P", "720P", "1080P"), duration_choices(5, 5, 10), PROMPT_EXTEND,
                WATERMARK, SEED),
        price=wan_price({"480P": 0.30, "720P": 0.60, "1080P": 1.00}, 50),
        prices={SINGAPORE: abroad_price({"480P": 0.366961, "720P": 0.733923, "1080P": 1.100885})},
        submit_rps=5, concurrency=5, typical_seconds=180, fps=24, duration_source="param:duration",
        **I2V_COMMON),
    ModelSpec(
        name="wan2.6-i2v", rules=("regional_params",), rewrites_prompt=False, usage=USAGE_WAN25, title=T("万相2.6（有声、多镜头）", "Wan 2.6 (audio, multi-shot)"),
        description=T("2–15 秒，支持多镜头与配音；720P / 1080P。", "2–15 s, multi-shot and audio; 720P / 1080P."),
        regions={BEIJING: "wan2.6-i2v", SINGAPORE: "wan2.6-i2v", VIRGINIA: "wan2.6-i2v-us", FRANKFURT: "wan2.6-i2v"},
        inputs=(wan_image("img_url", FIRST_FRAME, max_mb=20), prompt(1500), NEG_PROMPT, WAN_AUDIO),
        params=(resolution_param("1080P", "720P", "1080P"), wan26_duration(US_DURATIONS["wan2.6-i2v-us"]),
                PROMPT_EXTEND, SHOT_TYPE, WATERMARK, SEED),
        price=wan_price({"720P": 0.60, "1080P": 1.00}, 50),
        prices={SINGAPORE: abroad_price({"720P": 0.733924, "1080P": 1.100886}),
                VIRGINIA: abroad_price({"720P": 0.733924, "1080P": 1.100886}),
                FRANKFURT: abroad_price({"720P": 0.60, "1080P": 1.00})},
        submit_rps=5, concurrency=5, typical_seconds=180, fps=24, duration_source="param:duration",
        **I2V_COMMON),
    ModelSpec(
        name="wan2.6-i2v-flash", rewrites_prompt=False, usage=USAGE_WAN26_AUDIO, title=T("万相2.6 极速版（可选有声）", "Wan 2.6 Flash (optional audio)"),
        description=T("更快更省；2–15 秒，可关闭声音按无声计费；720P / 1080P。",
                      "Faster and cheaper; 2–15 s, audio can be turned off (silent price); 720P / 1080P."),
        regions=regions("wan2.6-i2v-flash"),
        inputs=(wan_image("img_url", FIRST_FRAME, max_mb=20), prompt(1500), NEG_PROMPT, WAN_AUDIO),
        params=(resolution_param("1080P", "720P", "1080P"), duration_range(5, 2, 15),
                ParamSpec("audio", "bool", T("生成声音", "Generate audio"), default=True,
                          help=T("关闭后输出无声视频（无声价格），并忽略配音文件。",
                                 "Off gives a silent video (silent price) and ignores the soundtrack.")),
                PROMPT_EXTEND, SHOT_TYPE, WATERMARK, SEED),
        price=Price("second", {"720P": 0.30, "1080P": 0.50}, free_quota=50, switch="audio",
                    tables={"false": {"720P": 0.15, "1080P": 0.25}}),
        prices={SINGAPORE: abroad_price({"720P": 0.366962, "1080P": 0.550443}, switch="audio",
                                        tables={"false": {"720P": 0.183481, "1080P": 0.275221}})},
        submit_rps=5, concurrency=5, typical_seconds=90, fps=24, duration_source="param:duration",
        **I2V_COMMON),
]

# =======================================================================================
# First + last frame (§4)
# =======================================================================================
KF2V_COMMON: dict[str, Any] = dict(family=Family.KF2V, endpoint=I2V_SYNTH, sync=False, result=RESULT_VIDEO,
                   tier_source="param:resolution", fps=30, duration_source="fixed:5")


def kf2v_inputs(*effects: InputSpec) -> tuple[InputSpec, ...]:
    return (wan_image("first_frame_url", T("首帧图片", "First frame")),
            wan_image("last_frame_url", T("尾帧图片", "Last frame"), required=False),
            prompt(800), NEG_PROMPT, *effects)


MODELS += [
    ModelSpec(
        name="wanx2.1-kf2v-plus", rules=("effect_template",), usage=USAGE_WAN21, title=T("万相2.1 首尾帧 专业版", "Wan 2.1 KF2V Plus"),
        description=T("给出首帧和尾帧，生成丝滑过渡；720P，5 秒。",
                      "Give a first and a last frame for a smooth transition; 720P, 5 s."),
        regions=regions("wanx2.1-kf2v-plus", "wan2.1-kf2v-plus"),
        inputs=kf2v_inputs(KF2V_PLUS_EFFECTS),
        params=(resolution_param("720P", "720P"), fixed_duration(), PROMPT_EXTEND, WATERMARK, SEED),
        price=wan_price({"*": 0.70}, 200), prices={SINGAPORE: abroad_price({"*": 0.733924})},
        submit_rps=2, concurrency=2, typical_seconds=400, **KF2V_COMMON),
    ModelSpec(
        name="wan2.2-kf2v-flash", usage=USAGE_WAN22_KF, title=T("万相2.2 首尾帧 极速版", "Wan 2.2 KF2V Flash"),
        description=T("首尾帧生视频，速度快；480P / 720P / 1080P，5 秒。",
                      "First and last frame, fast; 480P / 720P / 1080P, 5 s."),
        # Beijing only: rate-limit.md and model-pricing.md (国际) list only wan2.1-kf2v-plus in Singapore.
        # No effect templates: the effects page lists none for this model.
        regions={BEIJING: "wan2.2-kf2v-flash"},
        inputs=kf2v_inputs(),
        params=(resolution_param("720P", "480P", "720P", "1080P"), fixed_duration(), PROMPT_EXTEND, WATERMARK, SEED),
        price=wan_price({"480P": 0.10, "720P": 0.20, "1080P": 0.48}, 50),
        submit_rps=2, concurrency=2, typical_seconds=90, featured=True, **KF2V_COMMON),
]

# =======================================================================================
# VACE (§5)
# =======================================================================================
#: Reference images and first/last frames: [360, 2000] px each side, TIFF allowed, 10 MB.
VACE_IMAGE_FORMATS = IMAGE_FORMATS + ("tiff",)
VACE_IMAGE_LIMITS = Limits(formats=VACE_IMAGE_FORMATS, max_bytes=10 * MB, min_side=360, max_side=2000)
#: A mask image has no size range of its own: it must be exactly the source video's size
#: (checks_vace.vace_checks compares the two).
VACE_MASK_LIMITS = Limits(formats=VACE_IMAGE_FORMATS, max_bytes=10 * MB)
VACE_VIDEO = Limits(formats=("mp4",), max_bytes=50 * MB, max_duration=5, min_fps=16)
VACE_CLIP = Limits(formats=("mp4",), max_bytes=50 * MB, max_duration=3, min_fps=16)
VACE_IMAGE_HELP = T("JPEG/PNG/BMP/TIFF/WEBP，宽高 360–2000 像素，不超过 10 MB。",
                    "JPEG/PNG/BMP/TIFF/WEBP, each side 360–2000 px, up to 10 MB.")
VACE_VIDEO_HELP = T("MP4，不超过 5 秒、50 MB，至少 16 帧/秒。", "MP4, up to 5 s and 50 MB, at least 16 fps.")


def vace_ref(max_items: int, required: bool) -> InputSpec:
    return InputSpec("ref_images_url", Kind.IMAGE_LIST, T("参考图", "Reference images"), required=required,
                     min_items=1 if required else None, max_items=max_items, limits=VACE_IMAGE_LIMITS,
                     help=T(f"最多 {max_items} 张；{VACE_IMAGE_HELP.zh}",
                            f"Up to {max_items}; {VACE_IMAGE_HELP.en}"))


def vace_image(name: str, label: T, one_of: str | None = None) -> InputSpec:
    return InputSpec(name, Kind.IMAGE, label, one_of=one_of, limits=VACE_IMAGE_LIMITS, help=VACE_IMAGE_HELP)


VACE_PROMPT = prompt(800, required=True)
VACE_VIDEO_IN = InputSpec("video_url", Kind.VIDEO, T("原视频", "Source video"), required=True, limits=VACE_VIDEO,
                          help=VACE_VIDEO_HELP)
OBJ_OR_BG_ITEMS = (Choice("obj", T("主体", "Subject")), Choice("bg", T("背景", "Background")))
SCALE_HELP = T("1.0–2.0 倍，1.5 表示该侧扩展到 1.5 倍。", "1.0–2.0×; 1.5 extends that side to 1.5×.")
#: The output is always 5 s here; the page documents the parameter with only that value.
VACE_DURATION = fixed_duration()


def scale(name: str, zh: str, en: str) -> ParamSpec:
    return ParamSpec(name, "float", T(zh, en), default=1.0, min=1.0, max=2.0, help=SCALE_HELP)


def vace_control(help_: T) -> ParamSpec:
    """The optional ``control_condition`` of local edit and extension: two values there, and the
    documented default ``""`` (extract nothing)."""
    return ParamSpec("control_condition", "str", T("保留的特征", "Control condition"), default="",
                     choices=(Choice("", T("不提取", "None")),
                              Choice("posebodyface", T("人脸表情与肢体动作", "Face and body pose")),
                              Choice("depth", T("构图与运动轮廓", "Depth (layout and motion)"))),
                     help=help_)


VACE_FUNCTIONS = {
    "image_reference": FunctionSpec(
        "image_reference", T("多图参考", "Multi-image reference"),
        T("用 1–3 张图片中的主体和背景生成新视频。", "Builds a video from the subjects and background in 1–3 images."),
        inputs=(VACE_PROMPT, vace_ref(3, required=True)),
        params=(ParamSpec("obj_or_bg", "str_list", T("每张参考图的用途", "Use of each image"), item_choices=OBJ_OR_BG_ITEMS,
                          help=T("与参考图一一对应；多于一张图时必填，“背景”最多一张。",
                                 "One per image; needed with more than one image; at most one background.")),
                size_param("1280*720", "720P"), VACE_DURATION)),
    "video_repainting": FunctionSpec(
        "video_repainting", T("视频重绘", "Video repainting"),
        T("保留原视频的动作或构图，按提示词重新绘制。", "Keeps the source's motion or layout and repaints it from the prompt."),
        inputs=(VACE_PROMPT, VACE_VIDEO_IN, vace_ref(1, required=False)),
        params=(ParamSpec("control_condition", "str", T("保留的特征", "Control condition"), required=True, default="depth",
                          choices=(Choice("posebodyface", T("人脸表情与肢体动作", "Face and body pose")),
                                   Choice("posebody", T("肢体动作", "Body pose")),
                                   Choice("depth", T("构图与运动轮廓", "Depth (layout and motion)")),
                                   Choice("scribble", T("线稿", "Scribble (line art)")))),
                ParamSpec("strength", "float", T("控制强度", "Strength"), default=1.0, min=0.0, max=1.0,
                          help=T("越高越接近原视频。", "Higher stays closer to the source."))),
                ),
    "video_edit": FunctionSpec(
        "video_edit", T("局部编辑", "Local edit"),
        T("用遮罩指定区域，只改这一部分。", "Edits only the region a mask marks."),
        inputs=(VACE_PROMPT, VACE_VIDEO_IN,
                InputSpec("mask_image_url", Kind.MASK, T("遮罩图片", "Mask image"), media="image", one_of="mask",
                          limits=VACE_MASK_LIMITS,
                          help=T("白色区域被编辑，黑色保留；尺寸必须与原视频完全相同。JPEG/PNG/BMP/TIFF/WEBP，不超过 10 MB。",
                                 "White is edited, black is kept; exactly the source video's size. "
                                 "JPEG/PNG/BMP/TIFF/WEBP, up to 10 MB.")),
                InputSpec("mask_video_url", Kind.MASK, T("遮罩视频", "Mask video"), media="video", one_of="mask",
                          limits=VACE_VIDEO,
                          help=T("与遮罩图片二选一；格式、帧率、尺寸和时长都要与原视频一致。",
                                 "Instead of a mask image; same format, frame rate, size and length as the source.")),
                InputSpec("mask_frame_id", Kind.INT, T("遮罩对应帧", "Mask frame"),
                          help=T("遮罩图片对应的帧序号，默认第 1 帧。", "Which frame the mask image refers to; default 1.")),
                vace_ref(1, required=False)),
        params=(ParamSpec("mask_type", "str", T("遮罩方式", "Mask type"), default="tracking",
                          choices=(Choice("tracking", T("跟随目标", "Tracking")), Choice("fixed", T("固定区域", "Fixed")))),
                ParamSpec("expand_ratio", "float", T("遮罩外扩比例", "Expand ratio"), default=0.05, min=0.0, max=1.0,
                          help=T("仅“跟随目标”时有效。", "Only with tracking.")),
                ParamSpec("expand_mode", "str", T("遮罩形状", "Mask shape"), default="hull",
                          choices=(Choice("hull", T("多边形包裹", "Polygon (hull)")),
                                   Choice("bbox", T("矩形框", "Bounding box")),
                                   Choice("original", T("贴合原形状", "Original shape"))),
                          help=T("仅“跟随目标”时有效。", "Only with tracking.")),
                vace_control(T("可选：保留原视频的表情动作或构图。", "Optional: keep the source's pose or layout.")),
                size_param("1280*720", "720P"), VACE_DURATION),
                ),
    "video_extension": FunctionSpec(
        "video_extension", T("视频延展", "Video extension"),
        T("从片段或图片出发，续写成 5 秒视频。", "Continues clips or frames into a 5-second video."),
        inputs=(VACE_PROMPT,
                InputSpec("first_clip_url", Kind.VIDEO, T("开头片段", "First clip"), one_of="anchor", limits=VACE_CLIP,
                          help=T("MP4，至少 16 帧/秒；开头和结尾片段合计不超过 3 秒。",
                                 "MP4, at least 16 fps; first and last clip together up to 3 s.")),
                InputSpec("last_clip_url", Kind.VIDEO, T("结尾片段", "Last clip"), one_of="anchor", limits=VACE_CLIP,
                          help=T("MP4，至少 16 帧/秒；开头和结尾片段合计不超过 3 秒。",
                                 "MP4, at least 16 fps; first and last clip together up to 3 s.")),
                vace_image("first_frame_url", T("首帧图片", "First frame"), one_of="anchor"),
                vace_image("last_frame_url", T("尾帧图片", "Last frame"), one_of="anchor"),
                InputSpec("video_url", Kind.VIDEO, T("动作参考视频（可选）", "Motion reference (optional)"),
                          limits=VACE_VIDEO,
                          help=T("借用它的动作或构图；需同时选择“保留的特征”，尺寸和帧率与片段/图片一致。MP4，不超过 5 秒。",
                                 "Borrows its motion or layout; pick a control condition too, and match the clips' or "
                                 "frames' size and frame rate. MP4, up to 5 s."))),
        params=(vace_control(T("使用动作参考视频时必选。", "Required with a motion reference video.")), VACE_DURATION)),
    "video_outpainting": FunctionSpec(
        "video_outpainting", T("视频扩展画面", "Video outpainting"),
        T("向上下左右扩展画面。", "Extends the frame up, down, left and right."),
        inputs=(VACE_PROMPT, VACE_VIDEO_IN),
        params=(scale("top_scale", "向上扩展", "Top scale"), scale("bottom_scale", "向下扩展", "Bottom scale"),
                scale("left_scale", "向左扩展", "Left scale"), scale("right_scale", "向右扩展", "Right scale"),
                VACE_DURATION)),
}

MODELS.append(ModelSpec(
    name="wanx2.1-vace-plus", rules=("vace",), family=Family.VACE, title=T("万相2.1 通用视频编辑", "Wan 2.1 VACE"),
    description=T("多图参考、视频重绘、局部编辑、延展与扩展画面；720P，最长 5 秒。",
                  "Reference images, repainting, local edits, extension and outpainting; 720P, up to 5 s."),
    endpoint=VIDEO_GEN, sync=False, regions=regions("wanx2.1-vace-plus", "wan2.1-vace-plus"),
    inputs=(), params=(PROMPT_EXTEND, WATERMARK, SEED), functions=VACE_FUNCTIONS,
    result=RESULT_VIDEO, usage=USAGE_WAN21, price=wan_price({"*": 0.70}, 50),
    prices={SINGAPORE: abroad_price({"*": 0.733924})},
    submit_rps=2, concurrency=2, typical_seconds=300, fps=30, duration_source="fixed:5", featured=True))

# =======================================================================================
# Video style transform (§6)
# =======================================================================================
STYLES = (T("日式漫画", "Japanese manga"), T("美式漫画", "American comic"), T("清新漫画", "Fresh comic"),
          T("3D 卡通", "3D cartoon"), T("国风卡通", "Chinese cartoon"), T("纸艺风格", "Paper art"),
          T("简易插画", "Simple illustration"), T("国风水墨", "Chinese ink wash"))

MODELS.append(ModelSpec(
    name="video-style-transform", maker="tongyi", family=Family.STYLE, title=T("视频风格重绘", "Video style transform"),
    description=T("把视频整体转换为 8 种画风之一，最长 30 秒。", "Restyles a video in one of 8 styles; up to 30 s."),
    endpoint=VIDEO_GEN, sync=False, regions={BEIJING: "video-style-transform"},
    inputs=(InputSpec("video_url", Kind.VIDEO, T("原视频", "Source video"), required=True,
                      limits=Limits(formats=("mp4", "avi", "mkv", "mov", "flv", "ts", "mpg", "mxf"), max_bytes=100 * MB,
                                    max_duration=30, min_side=256, max_side=4096, max_aspect=1.8),
                      help=T("MP4/AVI/MKV/MOV 等，不超过 30 秒、100 MB，边长 256–4096，长宽比不超过 1.8。",
                             "MP4/AVI/MKV/MOV…, up to 30 s and 100 MB, sides 256–4096 px, aspect up to 1.8.")),),
    params=(ParamSpec("style", "int", T("风格", "Style"), default=0,
                      choices=tuple(Choice(i, s) for i, s in enumerate(STYLES))),
            ParamSpec("video_fps", "int", T("帧率", "Frame rate"), default=15, min=15, max=25,
                      help=T("输出视频每秒的帧数，15–25。", "Frames per second of the result, 15–25.")),
            ParamSpec("min_len", "int", T("短边分辨率", "Short side"), default=720,
                      choices=(Choice(720, T("720", "720")), Choice(540, T("540", "540"))),
                      help=T("结果短边的像素数；720 比 540 清晰，单价也更高。",
                             "Pixels on the result's short side; 720 is sharper and costs more per second than 540.")),
            ParamSpec("animate_emotion", "bool", T("迁移表情", "Transfer expressions"), default=True),
            ParamSpec("use_SR", "bool", T("超分辨率", "Super-resolution"), default=False)),
    result=RESULT_STYLE, usage=Usage(("duration", "SR"), tier="SR"),
    price=Price("second", {"720": 0.50, "540": 0.20}, free_quota=600), submit_rps=20, concurrency=2,
    typical_seconds=120, duration_source="input:video_url", tier_source="param:min_len",
    statuses=("PENDING", "RUNNING", "SUSPENDED", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"), featured=True))

# =======================================================================================
# Portrait models (§7–§11), Beijing only
# =======================================================================================
BJ = BEIJING
PORTRAIT_IMAGE = ("jpeg", "png", "bmp", "webp")
DETECT_PRICE = Price("image", {"*": 0.004}, free_quota=200)


def portrait_image(limits: Limits, help_: T, label: T = T("人像图片", "Portrait image")) -> InputSpec:
    return InputSpec("image_url", Kind.IMAGE, label, required=True, limits=limits, help=help_)


AA_IMAGE = Limits(formats=("jpeg", "png", "bmp"), max_bytes=5 * MB, min_side=225, max_side=4096, max_aspect=2.0)
AA_VIDEO = Limits(formats=("mp4", "avi", "mov"), max_bytes=200 * MB, min_side=200, max_side=2048, max_aspect=3.0,
                  min_duration=2, max_duration=60, min_fps=24)
EMO_IMAGE = Limits(formats=PORTRAIT_IMAGE, min_side=400, max_side=7000)
LP_IMAGE = Limits(formats=PORTRAIT_IMAGE, max_bytes=10 * MB, max_side=4096, max_aspect=2.0)
EMOJI_IMAGE = Limits(formats=PORTRAIT_IMAGE, max_bytes=10 * MB, min_side=400, max_side=7000)

AA_IMAGE_HELP = T("单人正面、全身或半身；JPG/PNG/BMP，小于 5 MB，长宽比不超过 2，最长边不超过 4096。",
                  "One person facing the camera, full or half body; JPG/PNG/BMP, under 5 MB, aspect up to 2, "
                  "longest side up to 4096.")
EMO_IMAGE_HELP = T("单人正脸清晰；短边至少 400 像素，长边不超过 7000。",
                   "One clear frontal face; shortest side at least 400 px, longest up to 7000.")
LP_IMAGE_HELP = T("单人正脸清晰；小于 10 MB，长宽比不超过 2，最长边不超过 4096。",
                  "One clear frontal face; under 10 MB, aspect up to 2, longest side up to 4096.")
EMOJI_IMAGE_HELP = T("单人正脸、表情平静、无遮挡；宽高 400–7000，不超过 10 MB。",
                     "One frontal face, neutral, unobstructed; sides 400–7000 px, up to 10 MB.")
BBOX_FACE = InputSpec("face_bbox", Kind.BBOX, T("人脸框", "Face box"), required=True, from_detect=True)
BBOX_EXT = InputSpec("ext_bbox", Kind.BBOX, T("动态区域框", "Motion box"), required=True, from_detect=True)

PORTRAIT: dict[str, Any] = dict(sync=False, statuses=PORTRAIT_STATUSES)
DETECT: dict[str, Any] = dict(sync=True, concurrency=None, price=DETECT_PRICE, result=RESULT_DETECT, usage=Usage(("image_count",), seconds=None),
              typical_seconds=3, duration_source="fixed:0", user_facing=False, regions={BJ: None})

EMOJI_TEMPLATES = [
    ("mengwa_kaixin", "萌娃·开心", "Cute kid · happy"), ("mengwa_dengyan", "萌娃·瞪眼", "Cute kid · staring"),
    ("mengwa_gandong", "萌娃·感动", "Cute kid · moved"), ("mengwa_renzhen_1", "萌娃·认真", "Cute kid · serious"),
    ("mengwa_jidong", "萌娃·激动", "Cute kid · excited"), ("mengwa_kun_1", "萌娃·困", "Cute kid · sleepy"),
    ("mengwa_jiaoxie", "萌娃·狡黠", "Cute kid · sly"), ("dagong_kaixin", "打工人·开心", "Office worker · happy"),
    ("dagong_yangwang", "打工人·仰望", "Office worker · looking up"),
    ("dagong_kunhuo", "打工人·困惑", "Office worker · puzzled"),
    ("dagong_zhuakuang", "打工人·抓狂", "Office worker · frantic"),
    ("dagong_wunai", "打工人·无奈", "Office worker · helpless"), ("dagong_weixiao", "打工人·微笑", "Office worker · smiling"),
    ("dagong_ganji", "打工人·感激", "Office worker · grateful"), ("jingdian_tiaopi", "经典·调皮", "Classic · cheeky"),
    ("jingdian_deyi_1", "经典·得意", "Classic · smug"), ("jingdian_qidai", "经典·期待", "Classic · eager"),
    ("jingdian_landuo_1", "经典·慵懒", "Classic · lazy"), ("jingdian_xianqi", "经典·嫌弃", "Classic · disdainful"),
    ("jingdian_lei", "经典·累", "Classic · tired"),
]


def _detect(name: str, family: Family, endpoint: str, inputs: tuple, params: tuple, rule: str, rps: float,
            title: T, send_parameters: bool = True, outputs: tuple[str, ...] = ()) -> ModelSpec:
    spec = dict(DETECT, regions={BJ: name})
    return ModelSpec(name=name, maker="tongyi", family=family, title=title, description=title, endpoint=endpoint, inputs=inputs,
                     params=params, detect_rule=rule, submit_rps=rps, send_parameters=send_parameters,
                     detect_outputs=outputs, **spec)


MODELS += [
    # -- AnimateAnyone (§7) ------------------------------------------------------------------
    _detect("animate-anyone-detect-gen2", Family.ANIMATE_ANYONE, AA_DETECT,
            (portrait_image(AA_IMAGE, AA_IMAGE_HELP),), (), "check_pass", 5, T("舞动人像 图像检测", "AnimateAnyone detect")),
    ModelSpec(
        name="animate-anyone-template-gen2", maker="tongyi", family=Family.ANIMATE_ANYONE,
        title=T("舞动人像 动作模板", "AnimateAnyone motion template"),
        description=T("从舞蹈视频提取动作模板。", "Extracts a motion template from a dance video."),
        endpoint=AA_TEMPLATE, regions={BJ: "animate-anyone-template-gen2"},
        inputs=(InputSpec("video_url", Kind.VIDEO, T("动作视频", "Motion video"), required=True, limits=AA_VIDEO,
                          help=T("单人全身、连续镜头；MP4/AVI/MOV，2–60 秒，不低于 24 帧/秒，边长 200–2048。",
                                 "One person, whole body, single continuous shot; MP4/AVI/MOV, 2–60 s, ≥ 24 fps, "
                                 "sides 200–2048 px.")),),
        params=(), result=RESULT_TEMPLATE, skip_if_input="template_id", produces="template_id", usage=USAGE_PORTRAIT,
        price=Price("second", {"*": 0.08}, free_quota=1800), submit_rps=5, concurrency=1, typical_seconds=180,
        duration_source="input:video_url", send_parameters=False, user_facing=False, **PORTRAIT),
    ModelSpec(
        name="animate-anyone-gen2", maker="tongyi", family=Family.ANIMATE_ANYONE, title=T("舞动人像 AnimateAnyone", "AnimateAnyone"),
        description=T("让照片里的人跟着动作视频跳舞（检测 → 模板 → 生成）。",
                      "Makes the person in a photo dance like a video (detect → template → generate)."),
        endpoint=I2V_SYNTH, regions={BJ: "animate-anyone-gen2"},
        inputs=(portrait_image(AA_IMAGE, AA_IMAGE_HELP),
                InputSpec("video_url", Kind.VIDEO, T("动作视频", "Motion video"), limits=AA_VIDEO, one_of="motion",
                          sent=False, help=T("用于生成动作模板；已有模板 ID 时可不填。",
                                 "Used to make a motion template; not needed with a template ID.")),
                InputSpec("template_id", Kind.TEMPLATE_ID, T("动作模板 ID", "Template ID"), one_of="motion",
                          help=T("复用之前生成的模板（AACT. 开头）。", "Reuse an earlier template (starts with AACT.)."))),
        params=(ParamSpec("use_ref_img_bg", "bool", T("使用照片背景", "Use the photo's background"), default=False,
                          help=T("关闭时沿用动作视频的背景；半身照建议开启。",
                                 "Off keeps the motion video's background; recommended on for half-body photos.")),
                ParamSpec("video_ratio", "str", T("画幅", "Aspect ratio"), default="9:16",
                          choices=(Choice("9:16", T("9:16", "9:16")), Choice("3:4", T("3:4", "3:4"))),
                          help=T("仅在使用照片背景时生效。", "Only with the photo's background."))),
        result=RESULT_VIDEO, usage=USAGE_PORTRAIT,
        price=Price("second", {"*": 0.08}, free_quota=1800), submit_rps=5, concurrency=1, typical_seconds=600,
        fps=15, duration_source="input:video_url",
        chain=("animate-anyone-detect-gen2", "animate-anyone-template-gen2", "animate-anyone-gen2"), **PORTRAIT),
    # -- EMO (§8) ------------------------------------------------------------------------------
    _detect("emo-detect-v1", Family.EMO, FACE_DETECT, (portrait_image(EMO_IMAGE, EMO_IMAGE_HELP),),
            (ParamSpec("ratio", "str", T("画幅", "Ratio"), default="1:1", required=True,
                       choices=(Choice("1:1", T("1:1 头像", "1:1 head")), Choice("3:4", T("3:4 半身", "3:4 half body")))),),
            "check_pass", 5, T("悦动人像 人脸检测", "EMO detect"), outputs=("face_bbox", "ext_bbox")),
    ModelSpec(
        name="emo-v1", maker="tongyi", family=Family.EMO, title=T("悦动人像 EMO", "EMO"),
        description=T("一张照片 + 一段语音，生成说话或唱歌的人像（自动先做人脸检测）。",
                      "A photo and a voice clip make a talking or singing portrait (face check first)."),
        endpoint=I2V_SYNTH, regions={BJ: "emo-v1"},
        inputs=(portrait_image(EMO_IMAGE, EMO_IMAGE_HELP),
                InputSpec("audio_url", Kind.AUDIO, T("语音", "Voice"), required=True,
                          limits=Limits(formats=("wav", "mp3"), max_bytes=15 * MB, max_duration=60),
                          help=T("WAV/MP3，不超过 60 秒、15 MB，人声清晰。", "WAV/MP3, up to 60 s and 15 MB, clear voice.")),
                BBOX_FACE, BBOX_EXT),
        params=(ParamSpec("ratio", "str", T("画幅", "Ratio"), default="1:1", stage="detect",
                          choices=(Choice("1:1", T("1:1 头像", "1:1 head")), Choice("3:4", T("3:4 半身", "3:4 half body")))),
                ParamSpec("style_level", "str", T("动作幅度", "Motion style"), default="normal",
                          choices=(Choice("normal", T("适中", "Normal")), Choice("calm", T("平静", "Calm")),
                                   Choice("active", T("活泼", "Active"))))),
        result=RESULT_RESULTS, usage=Usage(("video_duration", "video_ratio"), seconds="video_duration", tier="video_ratio"),
        price=Price("second", {"1:1": 0.08, "3:4": 0.16}, free_quota=1800), submit_rps=5, concurrency=1,
        typical_seconds=150, fps=25, duration_source="input:audio_url", tier_source="detect:ratio",
        chain=("emo-detect-v1", "emo-v1"), featured=True, **PORTRAIT),
    # -- LivePortrait (§9) ----------------------------------------------------------------------
    _detect("liveportrait-detect", Family.LIVEPORTRAIT, FACE_DETECT, (portrait_image(LP_IMAGE, LP_IMAGE_HELP),), (),
            "pass", 5, T("灵动人像 人脸检测", "LivePortrait detect"), send_parameters=False),
    ModelSpec(
        name="liveportrait", maker="tongyi", family=Family.LIVEPORTRAIT, title=T("灵动人像 LivePortrait", "LivePortrait"),
        description=T("照片 + 语音，生成自然的播报或唱歌人像，可调眨眼、嘴型和头部动作。",
                      "Photo + voice for a natural presenter or singer; tune blinks, mouth and head motion."),
        endpoint=I2V_SYNTH, regions={BJ: "liveportrait"},
        inputs=(portrait_image(LP_IMAGE, LP_IMAGE_HELP),
                InputSpec("audio_url", Kind.AUDIO, T("语音", "Voice"), required=True,
                          limits=Limits(formats=("wav", "mp3"), max_bytes=15 * MB, min_duration=1, max_duration=180),
                          help=T("WAV/MP3，1 秒–3 分钟，小于 15 MB。", "WAV/MP3, 1 s – 3 min, under 15 MB."))),
        params=(ParamSpec("template_id", "str", T("动作模板", "Motion template"), default="normal",
                          choices=(Choice("normal", T("普通", "Normal")), Choice("calm", T("平静（播报）", "Calm (news)")),
                                   Choice("active", T("活泼（唱歌）", "Active (singing)")))),
                ParamSpec("eye_move_freq", "float", T("眨眼频率", "Blink rate"), default=0.5, min=0.0, max=1.0),
                ParamSpec("video_fps", "int", T("帧率", "Frame rate"), default=24, min=15, max=30),
                ParamSpec("mouth_move_strength", "float", T("嘴型幅度", "Mouth strength"), default=1.0, min=0.0, max=1.5),
                ParamSpec("paste_back", "bool", T("贴回原图", "Paste back into the photo"), default=True),
                ParamSpec("head_move_strength", "float", T("头部动作幅度", "Head motion"), default=0.7, min=0.0, max=1.0)),
        result=RESULT_RESULTS, usage=USAGE_PORTRAIT,
        price=Price("second", {"*": 0.02}, free_quota=1800), submit_rps=5, concurrency=1, typical_seconds=90,
        duration_source="input:audio_url", chain=("liveportrait-detect", "liveportrait"), **PORTRAIT),
    # -- Emoji (§10) ---------------------------------------------------------------------------
    _detect("emoji-detect-v1", Family.EMOJI, FACE_DETECT, (portrait_image(EMOJI_IMAGE, EMOJI_IMAGE_HELP),),
            (ParamSpec("ratio", "str", T("画幅", "Ratio"), default="1:1", required=True, fixed=True,
                       choices=(Choice("1:1", T("1:1", "1:1")),)),),
            "bbox_face", 1, T("表情包 人脸检测", "Emoji detect"), outputs=("face_bbox", "ext_bbox")),
    ModelSpec(
        name="emoji-v1", maker="tongyi", family=Family.EMOJI, title=T("表情包 Emoji", "Emoji"),
        description=T("一张正脸照 + 20 种动态模板之一，生成表情包视频。",
                      "A frontal photo and one of 20 motion templates make an animated emoji."),
        endpoint=I2V_SYNTH, regions={BJ: "emoji-v1"},
        inputs=(portrait_image(EMOJI_IMAGE, EMOJI_IMAGE_HELP),
                InputSpec("driven_id", Kind.CHOICE, T("表情模板", "Template"), required=True,
                          choices=tuple(Choice(v, T(zh, en)) for v, zh, en in EMOJI_TEMPLATES)),
                BBOX_FACE, BBOX_EXT),
        params=(), send_parameters=False, result=RESULT_VIDEO, usage=USAGE_PORTRAIT,
        price=Price("second", {"*": 0.08}, free_quota=1800), submit_rps=1, concurrency=1, typical_seconds=60,
        fps=25, duration_source="estimate:3", chain=("emoji-detect-v1", "emoji-v1"), **PORTRAIT),
    # -- VideoRetalk (§11) --------------------------------------------------------------------
    ModelSpec(
        name="videoretalk", maker="tongyi", family=Family.VIDEORETALK, title=T("声动人像 VideoRetalk", "VideoRetalk"),
        description=T("给人物视频换一段语音，口型自动对上。", "Gives a person in a video new speech with matching lips."),
        endpoint=I2V_SYNTH, regions={BJ: "videoretalk"},
        inputs=(InputSpec("video_url", Kind.VIDEO, T("人物视频", "Speaker video"), required=True,
                          limits=Limits(formats=("mp4", "avi", "mov"), max_bytes=300 * MB, min_duration=2,
                                        max_duration=120, min_fps=15, max_fps=60, min_side=640, max_side=2048),
                          help=T("正脸近景；MP4/AVI/MOV，2–120 秒，15–60 帧/秒，边长 640–2048，不超过 300 MB。",
                                 "Frontal close-up; MP4/AVI/MOV, 2–120 s, 15–60 fps, sides 640–2048 px, up to 300 MB.")),
                InputSpec("audio_url", Kind.AUDIO, T("新语音", "New speech"), required=True,
                          limits=Limits(formats=("wav", "mp3", "aac"), max_bytes=30 * MB, min_duration=2,
                                        max_duration=120),
                          help=T("WAV/MP3/AAC，2–120 秒，不超过 30 MB，人声清晰无背景音乐。",
                                 "WAV/MP3/AAC, 2–120 s, up to 30 MB, clear voice without music.")),
                InputSpec("ref_image_url", Kind.IMAGE, T("参考人脸（可选）", "Reference face (optional)"),
                          limits=Limits(formats=PORTRAIT_IMAGE, max_bytes=10 * MB, max_side=4096, max_aspect=2.0),
                          help=T("画面里有多个人时，指定要对口型的人。", "Which face to lip-sync when several appear."))),
        params=(ParamSpec("video_extension", "bool", T("音频更长时延长视频", "Extend video to the audio"), default=False,
                          help=T("开启：正放倒放交替延长视频；关闭：截断音频。",
                                 "On: extend the video by playing it back and forth; off: cut the audio.")),
                ParamSpec("query_face_threshold", "int", T("人脸匹配阈值", "Face match threshold"), default=170,
                          min=120, max=200, help=T("越高越严格；仅在提供参考人脸时使用。",
                                                   "Higher is stricter; only with a reference face."))),
        result=RESULT_VIDEO, usage=Usage(("video_duration", "size", "video_ratio", "fps"), seconds="video_duration"),
        price=Price("second", {"*": 0.08}, free_quota=1800), submit_rps=1, concurrency=1, typical_seconds=180,
        duration_source="input:audio_url", capped_by="video_url", uncapped_by="video_extension", featured=True,
        **PORTRAIT),
]
