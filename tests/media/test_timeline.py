"""media.timeline: a sequence of real MP4s exported to OTIO, FCP 7 XML, a CMX 3600 EDL and a 剪映 draft,
each read back with the library that wrote it, clip by clip."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import opentimelineio as otio
import pytest

from bailian_video.media.samples import make_video
from bailian_video.media.timeline import (
    TimelineClip,
    TimelineError,
    export_edl,
    export_fcpxml,
    export_jianying,
    export_otio,
    read_back,
)

FPS = 24
FRAME = 1 / FPS
NAME = "我的 短片 第一版"
EXPORTS = {"otio": (export_otio, ".otio"), "fcpxml": (export_fcpxml, ".xml"), "edl": (export_edl, ".edl")}


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[TimelineClip]:
    root = tmp_path_factory.mktemp("clips") / "素材 文件夹"
    a = make_video(root / "shot one.mp4", 320, 180, 2, FPS, with_audio=True)
    b = make_video(root / "镜头 二.mp4", 320, 180, 2, FPS)
    c = make_video(root / "take-3.mp4", 320, 180, 2, FPS)
    return [TimelineClip(a, "Shot 1", 0.0, 2.0, 320, 180, FPS, True),
            TimelineClip(b, "镜头 2 · 续写", 0.5, 2.0, 320, 180, FPS, False),   # a continuation: starts at its overlap
            TimelineClip(c, "Shot 3", 0.25, 1.75, 320, 180, FPS, False)]


def check_clips(back: list[tuple[str, float, float]], clips: list[TimelineClip]) -> None:
    """Same files in the same order, each in/out point within a frame."""
    assert [name for name, _, _ in back] == [c.path.name for c in clips]
    for (_, start, end), c in zip(back, clips, strict=True):
        assert start == pytest.approx(c.start, abs=FRAME + 1e-9), c.name
        assert end == pytest.approx(c.end, abs=FRAME + 1e-9), c.name


def film_length(clips: list[TimelineClip], crossfade: float) -> float:
    return sum(c.end - c.start for c in clips) - (len(clips) - 1) * crossfade


# -- OTIO, FCP 7 XML, EDL --------------------------------------------------------------------------------
@pytest.mark.parametrize("crossfade", [0.0, 0.5])
@pytest.mark.parametrize("fmt", list(EXPORTS))
def test_export_reads_back_clip_by_clip(fmt: str, crossfade: float, clips: list[TimelineClip],
                                        tmp_path: Path) -> None:
    export, suffix = EXPORTS[fmt]
    out = export(NAME, clips, tmp_path / "导出 文件" / f"film{suffix}", crossfade)
    assert out == tmp_path / "导出 文件" / f"film{suffix}" and out.is_file()
    assert not list(out.parent.glob("*.part"))
    check_clips(read_back(out), clips)

    timeline = otio.adapters.read_from_file(str(out), **({"rate": FPS} if fmt == "edl" else {}))
    assert timeline.name == NAME
    video = timeline.video_tracks()[0]
    assert len(list(video.find_clips())) == len(clips)
    dissolves = [t for t in video if isinstance(t, otio.schema.Transition)]
    assert len(dissolves) == (2 if crossfade else 0)
    assert all(t.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve for t in dissolves)
    # as long as the stitched film: each dissolve overlaps the two shots by the cross-fade
    assert video.duration().to_seconds() == pytest.approx(film_length(clips, crossfade), abs=FRAME)


@pytest.mark.parametrize("crossfade", [0.0, 0.5])
def test_otio_points_at_the_files_and_keeps_sound_in_step(crossfade: float, clips: list[TimelineClip],
                                                          tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(export_otio(NAME, clips, tmp_path / "film.otio", crossfade)))
    assert timeline.global_start_time.rate == FPS
    video, audio = timeline.video_tracks()[0], timeline.audio_tracks()[0]
    for clip, c in zip(video.find_clips(), clips, strict=True):
        url = clip.media_reference.target_url
        assert url.startswith("file:///") and url == c.path.absolute().as_uri()
        assert Path(otio.url_utils.filepath_from_url(url)) == c.path.absolute() and c.path.is_file()
        assert clip.name == c.name
        assert clip.media_reference.available_range.duration.to_seconds() == pytest.approx(2.0)
        assert clip.source_range.start_time.rate == FPS
    for t in video:
        if isinstance(t, otio.schema.Transition):
            assert t.in_offset.to_seconds() == t.out_offset.to_seconds() == pytest.approx(crossfade / 2)
    # one audio track: the shot with sound, silence (gaps) under the others, cut where the video cuts
    assert [type(i).__name__ for i in audio] == ["Clip", "Gap", "Gap"]
    assert audio[0].media_reference.target_url == clips[0].path.absolute().as_uri()
    assert audio.duration() == video.duration()
    assert audio.range_of_child_at_index(1).start_time == video.range_of_child(list(video.find_clips())[1]).start_time


def test_fcpxml_holds_a_sequence_premiere_and_resolve_can_relink(clips: list[TimelineClip], tmp_path: Path) -> None:
    root = ET.parse(export_fcpxml(NAME, clips, tmp_path / "film.xml", 0.5)).getroot()
    assert root.tag == "xmeml"
    sequence = root.find("./project/children/sequence")
    assert sequence is not None and sequence.findtext("name") == NAME
    urls = [u.text or "" for u in sequence.iter("pathurl")]
    assert [Path(otio.url_utils.filepath_from_url(u)) for u in urls] == [c.path.absolute() for c in clips]
    assert [t.findtext("effect/name") for t in sequence.iter("transitionitem")] == ["Cross Dissolve"] * 2
    assert sequence.findtext("rate/timebase") == str(FPS)
    audio_items = sequence.findall("./media/audio/track/clipitem")
    assert len(audio_items) == 1 and audio_items[0].findtext("name") == "Shot 1"


@pytest.mark.parametrize("crossfade", [0.0, 0.5])
def test_edl_reels_are_valid_and_names_ride_along_as_comments(crossfade: float, clips: list[TimelineClip],
                                                              tmp_path: Path) -> None:
    text = export_edl(NAME, clips, tmp_path / "film.edl", crossfade).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == f"TITLE: {NAME}" and lines[1] == "FCM: NON-DROP FRAME"
    tc = r"\d\d:\d\d:\d\d:\d\d"
    events = [line for line in lines if re.match(r"\d{3} ", line)]
    for line in events:
        m = re.fullmatch(rf"\d{{3}}  (\S+)\s+V\s+(C|D \d{{3}})\s+{tc} {tc} {tc} {tc}", line)
        assert m, line
        assert re.fullmatch(r"[A-Za-z0-9]{1,8}", m.group(1)), line    # CMX reel: ≤ 8 letters/digits
    assert len({line.split()[1] for line in events}) == len(clips)   # one reel per source file
    assert len(events) == (len(clips) if not crossfade else 1 + 2 * (len(clips) - 1))
    if crossfade:
        assert sum(" D 012 " in line for line in events) == 2        # 0.5 s at 24 fps
    for c in clips:
        assert f"* FROM CLIP NAME:  {c.name}" in lines or f"* TO CLIP NAME:  {c.name}" in lines
        assert any(line.endswith(c.path.absolute().as_uri()) for line in lines)
    assert "TRUNCATED REEL" not in text
    check_clips(read_back(tmp_path / "film.edl"), clips)


# -- 剪映 --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("crossfade", [0.0, 0.5])
def test_jianying_draft(crossfade: float, clips: list[TimelineClip], tmp_path: Path) -> None:
    drafts = tmp_path / "JianyingPro Drafts"
    folder = export_jianying(NAME, clips, drafts, crossfade)
    assert folder == drafts / NAME
    assert (folder / "draft_content.json").is_file() and (folder / "draft_meta_info.json").is_file()
    check_clips(read_back(folder), clips)
    check_clips(read_back(folder / "draft_content.json"), clips)

    content = json.loads((folder / "draft_content.json").read_text(encoding="utf-8"))
    assert content["canvas_config"]["width"] == 320 and content["canvas_config"]["height"] == 180
    assert content["fps"] == FPS
    (track,) = content["tracks"]
    assert track["type"] == "video"
    segments = track["segments"]
    assert len(segments) == len(clips)
    at = 0
    for seg in segments:   # back to back on the main track, at normal speed
        assert seg["target_timerange"]["start"] == at
        assert seg["target_timerange"]["duration"] == seg["source_timerange"]["duration"]
        assert seg["volume"] == 1.0 and seg["speed"] == 1.0          # each shot keeps its own sound
        at += seg["target_timerange"]["duration"]
    assert content["duration"] == at == round(sum(c.end - c.start for c in clips) * 1e6)
    paths = {v["id"]: v["path"] for v in content["materials"]["videos"]}
    assert [paths[s["material_id"]] for s in segments] == [str(c.path.absolute()) for c in clips]
    transitions = content["materials"]["transitions"]
    assert [(t["name"], t["duration"]) for t in transitions] == [("叠化", 500_000)] * (2 if crossfade else 0)
    for seg in segments[:-1] if crossfade else []:                   # on the earlier of each pair
        assert {t["id"] for t in transitions} & set(seg["extra_material_refs"])

    meta = json.loads((folder / "draft_meta_info.json").read_text(encoding="utf-8"))
    assert meta["draft_name"] == NAME and meta["tm_duration"] == at

    # the same name again never overwrites a draft the user may have edited
    again = export_jianying(NAME, clips, drafts, crossfade)
    assert again == drafts / f"{NAME} (2)" and (folder / "draft_content.json").is_file()


def test_jianying_names_a_clip_it_cannot_read(clips: list[TimelineClip], tmp_path: Path) -> None:
    broken = tmp_path / "坏 文件.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 8)
    shot = TimelineClip(broken, "镜头 4", 0.0, 1.0, 320, 180, FPS, False)
    drafts = tmp_path / "drafts"
    with pytest.raises(ValueError) as err:
        export_jianying(NAME, [clips[0], shot], drafts)
    msg = str(err.value)
    assert "镜头 4" in msg and "坏 文件.mp4" in msg and "generate or download the shot again" in msg
    assert not drafts.exists() or not any(drafts.iterdir())            # no half-made draft left behind


def test_draft_name_is_made_safe_for_windows(clips: list[TimelineClip], tmp_path: Path) -> None:
    folder = export_jianying('A/B: "final"?', clips[:1], tmp_path)
    assert folder.name == 'A_B_ _final__' and read_back(folder) == [(clips[0].path.name, 0.0, 2.0)]


def test_read_back_says_when_a_draft_is_encrypted(clips: list[TimelineClip], tmp_path: Path) -> None:
    folder = export_jianying(NAME, clips, tmp_path)
    (folder / "draft_content.json").write_bytes(bytes(range(7, 250)) * 40)   # how 剪映 6+ saves its own drafts
    with pytest.raises(TimelineError, match="encrypted"):
        read_back(folder)


def test_a_long_crossfade_is_kept_below_half_the_shortest_shot_like_the_stitched_film(
        clips: list[TimelineClip], tmp_path: Path) -> None:
    shortest = min(c.end - c.start for c in clips)                  # 1.5 s = 36 frames: at most 17
    timeline = otio.adapters.read_from_file(str(export_otio(NAME, clips, tmp_path / "film.otio", crossfade=5.0)))
    dissolves = [t for t in timeline.video_tracks()[0] if isinstance(t, otio.schema.Transition)]
    assert [(t.in_offset + t.out_offset).value for t in dissolves] == [17, 17]
    assert timeline.duration().to_seconds() == pytest.approx(film_length(clips, 17 / FPS))
    check_clips(read_back(tmp_path / "film.otio"), clips)
    draft = export_jianying(NAME, clips, tmp_path, crossfade=5.0)
    content = json.loads((draft / "draft_content.json").read_text(encoding="utf-8"))
    assert [t["duration"] for t in content["materials"]["transitions"]] == [round(17 / FPS * 1e6)] * 2
    assert 17 / FPS < shortest / 2


def test_refuses_what_no_editor_could_open(clips: list[TimelineClip], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no shots"):
        export_otio(NAME, [], tmp_path / "a.otio")
    with pytest.raises(ValueError, match="in-point"):
        export_fcpxml(NAME, [TimelineClip(clips[0].path, "Shot 0", 1.5, 1.0, 320, 180, FPS, True)], tmp_path / "a.xml")
    gone = TimelineClip(tmp_path / "gone.mp4", "Shot 9", 0.0, 1.0, 320, 180, FPS, False)
    with pytest.raises(ValueError, match="Shot 9"):
        export_edl(NAME, [clips[0], gone], tmp_path / "a.edl")
    assert not list(tmp_path.glob("a.*"))
