"""How each family (a tab of the app) is presented: its title, a one-line blurb for someone who
never used the API, and what it allows. The UI reads this instead of keeping its own lists, so a
new family needs one entry here (and gets a plain one from :func:`family_spec` until it has it)."""
from __future__ import annotations

from ..i18n import T
from .schema import Family, FamilySpec

FAMILIES: dict[Family, FamilySpec] = {f.family: f for f in (
    FamilySpec(Family.T2V, T("文生视频", "Text to video"),
               T("用一两句话描述一个画面，生成对应的视频。",
                 "Describe a scene in a sentence or two and get a video of it."),
               prefer=("happyhorse-1.1-t2v", "wan2.7-t2v", "happyhorse-1.0-t2v")),
    FamilySpec(Family.I2V, T("图生视频", "Image to video"),
               T("让照片动起来：照片将作为视频的第一帧。",
                 "Bring a photo to life: it becomes the first frame of the video."),
               allow_batch=True, prefer=("happyhorse-1.1-i2v", "wan2.7-i2v", "happyhorse-1.0-i2v")),
    FamilySpec(Family.KF2V, T("首尾帧", "First & last frame"),
               T("给出第一帧和最后一帧，模型补全中间的运动。",
                 "Give the first and the last frame; the model fills in the motion between."),
               prefer=("wan2.7-i2v", "vidu/viduq3-turbo_start-end2video")),
    FamilySpec(Family.R2V, T("参考生视频", "Reference to video"),
               T("把照片或短视频里的人和物当作演员，让他们出现在你描述的新场景里。",
                 "Cast the people and things in your photos or clips as actors in a new scene you describe."),
               prefer=("wan2.7-r2v", "happyhorse-1.1-r2v", "wan2.6-r2v")),
    FamilySpec(Family.EDIT, T("视频编辑", "Edit a video"),
               T("放入一段视频，说出要改什么（画风、衣服、天气……），得到改好的视频。",
                 "Add a video and say what to change (the look, the clothes, the weather …) to get it edited."),
               prefer=("wan2.7-videoedit", "happyhorse-1.0-video-edit"), before_after=True),
    FamilySpec(Family.VACE, T("通用编辑 VACE", "VACE editing"),
               T("编辑视频：重绘、局部修改、延展，或扩展画面。",
                 "Edit a video: repaint it, change one part, extend it, or widen the frame.")),
    FamilySpec(Family.STYLE, T("风格重绘", "Style transform"),
               T("把整段视频转换成卡通、漫画、纸艺或水墨等风格。",
                 "Turn a whole video into a cartoon, comic, paper-art or ink-wash style."), before_after=True),
    FamilySpec(Family.ANIMATE, T("动作迁移 / 角色替换", "Move / replace a person"),
               T("让照片里的人照着一段视频做动作，或把视频里的主角换成照片里的人。",
                 "Make the person in a photo copy the moves in a video, or put them into the video in place "
                 "of its lead.")),
    FamilySpec(Family.ANIMATE_ANYONE, T("舞动人像", "AnimateAnyone"),
               T("让照片里的人跟着视频里的人跳舞。",
                 "Make the person in a photo dance like the person in a video.")),
    FamilySpec(Family.S2V, T("数字人", "Digital human"),
               T("一张人物照片（头像、半身或全身都行）加一段语音，让人物说话、唱歌或表演，口型同步。",
                 "A photo of a person (head, half or full body) and a voice clip make them speak, sing or "
                 "perform, lips in sync.")),
    FamilySpec(Family.EMO, T("悦动人像", "EMO"),
               T("一张人像照片加一段语音，生成说话或唱歌的人像视频。",
                 "A portrait photo and a voice clip make a talking or singing portrait.")),
    FamilySpec(Family.LIVEPORTRAIT, T("灵动人像", "LivePortrait"),
               T("一张人像照片加一段语音，生成自然的播报视频。",
                 "A portrait photo and speech make a natural presenter video.")),
    FamilySpec(Family.EMOJI, T("表情包", "Emoji"),
               T("一张正脸照加一个模板，生成动态表情包。",
                 "A face photo and a template make an animated emoji.")),
    FamilySpec(Family.VIDEORETALK, T("声动人像", "VideoRetalk"),
               T("给视频中的人物换一段语音，口型自动对上。",
                 "Give a person in a video new speech, with matching lips.")),
)}

_ORDER = [Family.T2V, Family.I2V, Family.KF2V, Family.R2V, Family.EDIT, Family.VACE, Family.STYLE, Family.ANIMATE,
          Family.ANIMATE_ANYONE, Family.S2V, Family.EMO, Family.LIVEPORTRAIT, Family.EMOJI, Family.VIDEORETALK]
#: The tabs, left to right; a family missing from the list above comes last rather than not at all.
FAMILY_ORDER: list[Family] = [*_ORDER, *(f for f in Family if f not in _ORDER)]


def family_spec(family: Family | str) -> FamilySpec:
    """The presentation of ``family``; a plain one (its name, no blurb) for a family not described yet."""
    fam = Family(family)
    spec = FAMILIES.get(fam)
    if spec is None:
        name = fam.value.replace("_", " ")
        spec = FamilySpec(fam, T(name, name), T("", ""))
    return spec


__all__ = ["FAMILIES", "FAMILY_ORDER", "family_spec"]
