"""Parsing of statuses, times, task queries, detect answers and task lists (pure functions)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bailian_video.api.types import (
    BEIJING_TZ,
    DetectResult,
    TaskInfo,
    TaskListPage,
    TaskStatus,
    find_result_url,
    format_list_time,
    parse_epoch_ms,
    parse_service_time,
)


# -- status -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "status"), [
    ("PENDING", TaskStatus.PENDING), ("PRE-PROCESSING", TaskStatus.PRE_PROCESSING),
    ("RUNNING", TaskStatus.RUNNING), ("POST-PROCESSING", TaskStatus.POST_PROCESSING),
    ("SUSPENDED", TaskStatus.SUSPENDED), ("SUCCEEDED", TaskStatus.SUCCEEDED), ("FAILED", TaskStatus.FAILED),
    ("CANCELED", TaskStatus.CANCELED), ("UNKNOWN", TaskStatus.UNKNOWN), ("running", TaskStatus.RUNNING),
])
def test_status_parse(raw: str, status: TaskStatus) -> None:
    assert TaskStatus.parse(raw) is status


def test_unknown_future_status_means_still_running() -> None:
    assert TaskStatus.parse("QUEUED-FOR-GPU") is TaskStatus.RUNNING
    assert not TaskStatus.parse("SOMETHING-NEW").terminal
    info = TaskInfo.from_response({"output": {"task_id": "t", "task_status": "WARMING-UP"}, "request_id": "r"})
    assert info.status is TaskStatus.RUNNING and info.raw_status == "WARMING-UP"


def test_terminal_states() -> None:
    assert {s for s in TaskStatus if s.terminal} == {TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.CANCELED,
                                                    TaskStatus.UNKNOWN}
    assert TaskStatus.PRE_PROCESSING == "PRE-PROCESSING" and TaskStatus.POST_PROCESSING == "POST-PROCESSING"


# -- times ------------------------------------------------------------------------------------
def test_service_time_is_beijing_time() -> None:
    dt = parse_service_time("2025-09-25 11:07:28.590")
    assert dt is not None and dt.tzinfo is not None
    assert dt.utcoffset() == timedelta(hours=8)
    assert dt.astimezone(UTC) == datetime(2025, 9, 25, 3, 7, 28, 590000, tzinfo=UTC)
    assert parse_service_time("2025-09-25 11:07:28") == datetime(2025, 9, 25, 11, 7, 28, tzinfo=BEIJING_TZ)
    assert parse_service_time("2025-09-25T11:07:28+00:00") == datetime(2025, 9, 25, 11, 7, 28, tzinfo=UTC)
    assert parse_service_time(None) is None and parse_service_time("") is None
    assert parse_service_time("yesterday") is None


def test_epoch_ms() -> None:
    dt = parse_epoch_ms(1745568428109)
    assert dt == datetime(2025, 4, 25, 8, 7, 8, 109000, tzinfo=UTC)
    assert parse_epoch_ms(None) is None and parse_epoch_ms("x") is None and parse_epoch_ms(True) is None


def test_list_time_format_is_beijing() -> None:
    assert format_list_time(datetime(2023, 4, 20, 11, 30, 58, tzinfo=UTC)) == "20230420193058"
    assert format_list_time(datetime(2023, 4, 20, 19, 30, 58, tzinfo=BEIJING_TZ)) == "20230420193058"
    other = timezone(timedelta(hours=-5))
    assert format_list_time(datetime(2023, 4, 20, 6, 30, 58, tzinfo=other)) == "20230420193058"


# -- task query -------------------------------------------------------------------------------
def _succeeded(output_extra: dict, usage: dict | None = None) -> dict:
    return {"request_id": "rq", "output": {"task_id": "t1", "task_status": "SUCCEEDED",
                                           "submit_time": "2025-09-25 11:07:28.590",
                                           "scheduled_time": "2025-09-25 11:07:35.349",
                                           "end_time": "2025-09-25 11:17:11.650", **output_extra},
            "usage": usage or {"video_duration": 5, "video_count": 1}}


def test_task_info_wan() -> None:
    body = _succeeded({"video_url": "https://r/x.mp4?Expires=1", "orig_prompt": "a cat",
                       "actual_prompt": "a cute cat"}, {"duration": 5.0, "SR": 720})
    info = TaskInfo.from_response(body, model="wan2.2-t2v-plus")
    assert info.task_id == "t1" and info.status is TaskStatus.SUCCEEDED and info.request_id == "rq"
    assert info.result_url == "https://r/x.mp4?Expires=1"
    assert info.orig_prompt == "a cat" and info.actual_prompt == "a cute cat"
    assert info.usage == {"duration": 5.0, "SR": 720}
    assert info.submit_time is not None and info.end_time is not None
    assert info.end_time - info.submit_time == timedelta(minutes=9, seconds=43, milliseconds=60)
    assert info.end_time.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(("model", "output"), [
    ("emo-v1", {"results": {"video_url": "https://r/emo.mp4"}}),
    ("liveportrait", {"results": {"video_url": "https://r/emo.mp4"}}),
    ("video-style-transform", {"output_video_url": "https://r/emo.mp4"}),
    ("emoji-v1", {"video_url": "https://r/emo.mp4"}),
    ("wan2.1-t2v-turbo", {"video_url": "https://r/emo.mp4"}),     # Singapore name of a catalogue model
    (None, {"results": {"video_url": "https://r/emo.mp4"}}),       # unknown model: documented fallbacks
    (None, {"output_video_url": "https://r/emo.mp4"}),
    ("some-future-model", {"video_url": "https://r/emo.mp4"}),
])
def test_result_url_per_model(model: str | None, output: dict) -> None:
    info = TaskInfo.from_response(_succeeded(output), model=model)
    assert info.result_url == "https://r/emo.mp4"


def test_catalogue_path_comes_first() -> None:
    body = _succeeded({"video_url": "https://r/wrong.mp4", "results": {"video_url": "https://r/right.mp4"}})
    assert find_result_url(body, "emo-v1") == "https://r/right.mp4"
    assert find_result_url(body, None) == "https://r/wrong.mp4"


def test_template_step_has_no_video() -> None:
    info = TaskInfo.from_response(_succeeded({"template_id": "AACT.x.y"}, {"video_duration": 10.23}),
                                  model="animate-anyone-template-gen2")
    assert info.template_id == "AACT.x.y" and info.result_url is None


def test_failed_and_unknown() -> None:
    failed = TaskInfo.from_response({"request_id": "e", "output": {
        "task_id": "t", "task_status": "FAILED", "code": "InvalidParameter", "message": "The size is not match"}})
    assert failed.status is TaskStatus.FAILED and failed.code == "InvalidParameter"
    assert failed.message == "The size is not match" and failed.usage == {} and failed.result_url is None
    unknown = TaskInfo.from_response({"request_id": "a", "output": {"task_id": "t", "task_status": "UNKNOWN"}})
    assert unknown.status is TaskStatus.UNKNOWN and unknown.status.terminal
    running = TaskInfo.from_response({"output": {"task_id": "t", "task_status": "RUNNING",
                                                 "submit_time": "2025-09-25 11:07:28.590"}})
    assert running.end_time is None and running.scheduled_time is None and running.submit_time is not None


# -- detect -----------------------------------------------------------------------------------
def test_detect_check_pass_emo() -> None:
    ok = DetectResult.from_response("emo-detect-v1", {
        "output": {"check_pass": True, "face_bbox": [302, 286, 610, 593], "ext_bbox": [71, 9, 840, 778],
                   "humanoid": True}, "usage": {"image_count": 1}, "request_id": "c56"}, "check_pass")
    assert ok.passed and ok.reason is None and ok.face_bbox == [302, 286, 610, 593]
    assert ok.ext_bbox == [71, 9, 840, 778] and ok.humanoid is True and ok.usage == {"image_count": 1}
    assert ok.request_id == "c56" and ok.model == "emo-detect-v1"
    bad = DetectResult.from_response("emo-detect-v1", {
        "output": {"check_pass": False, "humanoid": False, "code": "",
                   "message": "The input image has no human body."}, "usage": {"image_count": 1}}, "check_pass")
    assert not bad.passed and bad.reason == "The input image has no human body." and bad.face_bbox is None


def test_detect_check_pass_animate_anyone() -> None:
    ok = DetectResult.from_response("animate-anyone-detect-gen2", {
        "output": {"check_pass": True, "bodystyle": "full"}, "usage": {"image_count": 1}}, "check_pass")
    assert ok.passed and ok.bodystyle == "full"
    bad = DetectResult.from_response("animate-anyone-detect-gen2", {
        "output": {"check_pass": False, "reason": "The input image has no human body or multi human"}},
        "check_pass")
    assert not bad.passed and bad.reason.startswith("The input image has no human body")


def test_detect_pass_liveportrait() -> None:
    ok = DetectResult.from_response("liveportrait-detect", {"output": {"pass": True, "message": ""},
                                                            "usage": {"image_count": 1}}, "pass")
    assert ok.passed and ok.reason is None
    bad = DetectResult.from_response("liveportrait-detect",
                                     {"output": {"pass": False, "message": "No human face detected."}}, "pass")
    assert not bad.passed and bad.reason == "No human face detected."


def test_detect_bbox_face_emoji_renames_boxes() -> None:
    ok = DetectResult.from_response("emoji-detect-v1", {
        "output": {"bbox_face": [212, 194, 460, 441], "ext_bbox_face": [63, 30, 609, 575]},
        "usage": {"image_count": 1}, "request_id": "78b"}, "bbox_face")
    assert ok.passed and ok.face_bbox == [212, 194, 460, 441] and ok.ext_bbox == [63, 30, 609, 575]
    bad = DetectResult.from_response("emoji-detect-v1", {
        "output": {"code": "InvalidFile.FacePose", "message": "The pose of the detected face is invalid"},
        "usage": {"image_count": 1}}, "bbox_face")
    assert not bad.passed and bad.reason == "The pose of the detected face is invalid"
    code_only = DetectResult.from_response("emoji-detect-v1", {"output": {"code": "InvalidFile.FacePose"}},
                                           "bbox_face")
    assert not code_only.passed and code_only.reason == "InvalidFile.FacePose"


def test_detect_rule_guessed_when_missing() -> None:
    assert DetectResult.from_response("x", {"output": {"pass": True}}, None).passed
    assert not DetectResult.from_response("x", {"output": {"check_pass": False}}, None).passed
    assert DetectResult.from_response("x", {"output": {"bbox_face": [1, 2, 3, 4]}}, None).passed
    with pytest.raises(ValueError):
        DetectResult.from_response("x", {"output": {}}, "nonsense")


# -- task list --------------------------------------------------------------------------------
def test_task_list_page() -> None:
    body = {"total": 2, "total_page": 1, "page_no": 1, "page_size": 10, "request_id": "f67",
            "data": [{"api_key_id": "15", "gmt_create": 1745568428109, "start_time": 1745568428138,
                      "model_name": "wanx2.1-kf2v-plus", "region": "cn-beijing", "request_id": "1ab",
                      "status": "RUNNING", "task_id": "50e"},
                     {"gmt_create": 1745568428000, "end_time": 1745568500000, "model_name": "emo-v1",
                      "status": "SUCCEEDED", "task_id": "51f"}]}
    page = TaskListPage.from_response(body)
    assert (page.total, page.page_no, page.page_size, page.total_page) == (2, 1, 10, 1)
    first, second = page.items
    assert first.task_id == "50e" and first.status is TaskStatus.RUNNING and first.model == "wanx2.1-kf2v-plus"
    assert first.request_id == "1ab" and first.created_at == datetime(2025, 4, 25, 8, 7, 8, 109000, tzinfo=UTC)
    assert first.start_time is not None and first.end_time is None
    assert second.end_time is not None and second.status is TaskStatus.SUCCEEDED


def test_task_list_page_tolerates_missing_counters() -> None:
    page = TaskListPage.from_response({"data": [{"task_id": "a", "status": "PENDING"}]}, page_no=3, page_size=5)
    assert page.total == 1 and page.page_no == 3 and page.page_size == 5 and page.total_page == 1
    empty = TaskListPage.from_response({"total": 0, "data": []})
    assert empty.items == [] and empty.total == 0
