"""``--media``, repeated list inputs, batch rows with ``inputs.media``, ``--region``/``--workspace``, and the
requests refused before anything is uploaded or paid."""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bailian_video import catalog, cli
from bailian_video.media.samples import make_audio, make_image, make_video
from bailian_video.sandbox.testing import running_sandbox

FAST = ["--poll-min", "0.05", "--expect-seconds", "0.3", "--yes"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("in")
    return {"cat": make_image(d / "cat.png", 512, 512, text="cat"),
            "dog": make_image(d / "dog.jpg", 640, 480, text="dog"),
            "meow": make_audio(d / "meow.wav", 2.0),
            "clip": make_video(d / "clip.mp4", 320, 240, 2.0)}


@pytest.fixture
def paid(tmp_path):
    """The sandbox standing in for the paid service: creations and uploads are counted."""
    with running_sandbox(task_seconds=0.3, data_dir=tmp_path / "svc") as sb:
        yield sb


def run_cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    e = dict(os.environ, PYTHONUNBUFFERED="1", BAILIAN_VIDEO_LANG="en", DASHSCOPE_API_KEY="sk-media")
    e.pop("DASHSCOPE_WORKSPACE_ID", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "bailian_video", *args], capture_output=True, text=True,
                          timeout=timeout, env={k: v for k, v in e.items() if v is not None})


# -- reading the command line by the catalogue ----------------------------------------------------
def test_media_items_keep_their_order_fields_and_absolute_paths(inputs, monkeypatch):
    monkeypatch.chdir(inputs["cat"].parent)
    req = cli.build_request(catalog.require("wan2.7-r2v"), "two friends", None, [], [], None, "cn-beijing", None,
                            media=["reference_image=cat.png;reference_voice=meow.wav",
                                   "reference_video=https://example.com/clip.mp4",
                                   "reference_image=dog.jpg"])
    assert req.inputs["media"] == [
        {"type": "reference_image", "url": str(inputs["cat"]), "reference_voice": str(inputs["meow"])},
        {"type": "reference_video", "url": "https://example.com/clip.mp4"},
        {"type": "reference_image", "url": str(inputs["dog"])},
    ]


def test_media_text_and_switch_fields_are_not_paths():
    req = cli.build_request(catalog.require("kling/kling-v3-omni-video-generation"), "x", None, [], [], None,
                            "cn-beijing", None, media=["base=https://example.com/b.mp4;keep_original_sound=yes"])
    assert req.inputs["media"] == [{"type": "base", "url": "https://example.com/b.mp4", "keep_original_sound": "yes"}]
    req = cli.build_request(catalog.require("pixverse/pixverse-c1-r2v"), "x", None, [], [], None, "cn-beijing",
                            None, media=["image_url=https://example.com/a.png;ref_name=Kitty"])
    assert req.inputs["media"][0]["ref_name"] == "Kitty"


def test_list_fields_repeat_input_and_every_kind_reads_its_value(inputs, monkeypatch):
    monkeypatch.chdir(inputs["cat"].parent)
    req = cli.build_request(catalog.require("wan2.6-r2v"), "x", None,
                            ["reference_urls=cat.png", "reference_urls=clip.mp4"], [], None, "cn-beijing", None)
    assert req.inputs["reference_urls"] == [str(inputs["cat"]), str(inputs["clip"])]
    req = cli.build_request(catalog.require("emo-v1"), None, None,
                            ["image_url=cat.png", "face_bbox=[1, 2, 30, 40]"], [], None, "cn-beijing", None)
    assert req.inputs == {"image_url": str(inputs["cat"]), "face_bbox": [1, 2, 30, 40]}
    req = cli.build_request(catalog.require("wanx2.1-vace-plus"), "x", None, ["mask_frame_id=3"], [],
                            "video_edit", "cn-beijing", None)
    assert req.inputs["mask_frame_id"] == 3
    req = cli.build_request(catalog.require("wan2.7-i2v"), None, None,
                            ["media=first_frame=https://example.com/a.png"], [], None, "cn-beijing", None)
    assert req.inputs["media"] == [{"type": "first_frame", "url": "https://example.com/a.png"}]


def test_media_on_a_model_without_it_names_the_model_and_what_it_takes():
    with pytest.raises(cli.UsageError) as e:
        cli.build_request(catalog.require("wan2.2-i2v-flash"), None, None, [], [], None, "cn-beijing", None,
                          media=["first_frame=cat.png"])
    assert "wan2.2-i2v-flash takes no --media" in str(e.value) and "--input img_url=" in str(e.value)
    with pytest.raises(cli.UsageError, match="TYPE=PATH_OR_URL"):
        cli.build_request(catalog.require("wan2.7-i2v"), None, None, [], [], None, "cn-beijing", None,
                          media=["first_frame"])


def test_batch_rows_resolve_media_paths_next_to_the_batch_file(inputs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)           # not the batch file's folder: paths resolve against the file
    base = inputs["cat"].parent
    args = argparse.Namespace(region="cn-beijing", out=None)
    row = {"model": "wan2.7-r2v", "prompt": "x", "inputs": {"media": [
        {"type": "reference_image", "url": "cat.png", "reference_voice": "meow.wav"},
        {"type": "reference_video", "url": "https://example.com/v.mp4"}]}}
    req = cli._row_request(row, base, args)
    assert req.inputs["media"] == [
        {"type": "reference_image", "url": str(inputs["cat"]), "reference_voice": str(inputs["meow"])},
        {"type": "reference_video", "url": "https://example.com/v.mp4"}]
    # CSV cells: the command line's spelling, or a JSON list
    row = {"model": "wan2.7-r2v", "inputs": {"media": "reference_image=cat.png;reference_voice=meow.wav"}}
    assert cli._row_request(row, base, args).inputs["media"] == [
        {"type": "reference_image", "url": str(inputs["cat"]), "reference_voice": str(inputs["meow"])}]
    row = {"model": "wan2.6-r2v", "inputs": {"reference_urls": '["cat.png", "clip.mp4"]'}}
    assert cli._row_request(row, base, args).inputs["reference_urls"] == [str(inputs["cat"]), str(inputs["clip"])]
    row = {"model": "wan2.6-r2v", "inputs": {"reference_urls": "cat.png"}}
    assert cli._row_request(row, base, args).inputs["reference_urls"] == [str(inputs["cat"])]
    row = {"model": "emo-v1", "inputs": {"image_url": "cat.png", "face_bbox": "[1, 2, 30, 40]", "ext_bbox": [0, 0, 9, 9]}}
    assert cli._row_request(row, base, args).inputs == {"image_url": str(inputs["cat"]), "face_bbox": [1, 2, 30, 40],
                                                        "ext_bbox": [0, 0, 9, 9]}


def test_a_jsonl_batch_with_media_items_reaches_the_service(inputs, tmp_path, paid):
    batch = inputs["cat"].parent / "media.jsonl"
    batch.write_text("\n".join(json.dumps(r) for r in (
        {"model": "wan2.7-r2v", "prompt": "a cat sings", "params": {"resolution": "720P", "duration": 2},
         "inputs": {"media": [{"type": "reference_image", "url": "cat.png", "reference_voice": "meow.wav"},
                              {"type": "reference_video", "url": "clip.mp4"}]}},
        {"model": "wan2.6-r2v", "prompt": "a dog runs", "params": {"size": "1280*720", "duration": 2},
         "inputs": {"reference_urls": ["dog.jpg", "clip.mp4"]}},
    )) + "\n", encoding="utf-8")
    r = run_cli("batch", str(batch), "--base-url", paid.base_url, "--data-dir", str(tmp_path / "d"), "--out",
                str(tmp_path / "out"), *FAST)
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "out").glob("*.mp4"))) == 2 and paid.creations() == 2
    sent = {t.model: t.inputs for t in paid.tasks.all()}
    media = sent["wan2.7-r2v"]["media"]
    assert [m["type"] for m in media] == ["reference_image", "reference_video"]
    assert media[0]["reference_voice"] and media[0]["url"] != "cat.png"      # uploaded, not a local name
    assert len(sent["wan2.6-r2v"]["reference_urls"]) == 2


def test_generate_with_media_from_the_command_line(inputs, tmp_path, paid):
    r = run_cli("generate", "--model", "wan2.7-r2v", "--prompt", "a cat sings",
                "--media", f"reference_image={inputs['cat']};reference_voice={inputs['meow']}",
                "--media", f"reference_image={inputs['dog']}", "--param", "resolution=720P", "--param", "duration=2",
                "--base-url", paid.base_url, "--data-dir", str(tmp_path / "d"), "--out", str(tmp_path / "out"), *FAST)
    assert r.returncode == 0, r.stderr
    assert paid.creations() == 1 and paid.stats.uploads == 3
    media = paid.tasks.all()[0].inputs["media"]
    assert [m["type"] for m in media] == ["reference_image", "reference_image"]
    assert set(media[0]) == {"type", "url", "reference_voice"} and set(media[1]) == {"type", "url"}


# -- where a model runs: --region and --workspace ---------------------------------------------------
def _args(*argv: str) -> argparse.Namespace:
    return cli.build_parser().parse_args(["generate", "--model", "x", *argv])


def test_workspace_comes_from_the_flag_or_the_environment(monkeypatch):
    monkeypatch.delenv("DASHSCOPE_WORKSPACE_ID", raising=False)
    assert _args().workspace is None
    assert _args("--workspace", "ws-one").workspace == "ws-one"
    monkeypatch.setenv("DASHSCOPE_WORKSPACE_ID", "ws-env")
    assert _args().workspace == "ws-env" and _args("--workspace", "ws-flag").workspace == "ws-flag"
    wan3 = catalog.require("wan3.0-video")
    assert cli.where_problems(wan3, _args()) == []
    monkeypatch.delenv("DASHSCOPE_WORKSPACE_ID")
    assert [e.field for e in cli.where_problems(wan3, _args())] == ["workspace"]
    assert cli.where_problems(wan3, _args("--sandbox")) == []                 # one URL: no hosts to pick
    assert cli.where_problems(wan3, _args("--base-url", "https://proxy.example/api/v1")) == []
    frankfurt = _args("--region", "eu-central-1")
    assert [e.field for e in cli.where_problems(catalog.require("wan2.6-t2v"), frankfurt)] == ["workspace"]
    assert cli.where_problems(catalog.require("wan2.6-t2v"), _args("--region", "eu-central-1", "--workspace",
                                                                   "ws-1")) == []


def test_the_workspace_reaches_the_engine(monkeypatch, tmp_path):
    from bailian_video.services import AppContext
    seen = {}

    async def fake_create(**kw):
        seen.update(kw)
        raise SystemExit(cli.EXIT_CONFIG)

    monkeypatch.setattr(AppContext, "create", fake_create)
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-x")
    monkeypatch.setenv("DASHSCOPE_WORKSPACE_ID", "ws-env")
    for extra, want in (([], "ws-env"), (["--workspace", "ws-7"], "ws-7")):
        seen.clear()
        with pytest.raises(SystemExit):
            cli.main(["generate", "--model", "wan3.0-video", "--prompt", "x", *extra, "--data-dir", str(tmp_path)])
        assert seen["workspace"] == want and seen["region"] == "cn-beijing"


class Listener:
    """A local 'proxy' that counts every connection made to it (and answers none)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _run(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def no_network():
    """Every HTTP(S) request of a child process would go through this listener: it must see none."""
    lis = Listener()
    env = {v: lis.url for v in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy")}
    env.update(NO_PROXY="", no_proxy="")
    yield lis, env
    lis.close()


def test_wan3_without_a_workspace_is_refused_before_any_network_call(inputs, tmp_path, no_network):
    lis, env = no_network
    r = run_cli("generate", "--model", "wan3.0-video", "--prompt", "a balloon", "--media",
                f"first_frame={inputs['cat']}", "--data-dir", str(tmp_path / "d"), env=env)
    assert r.returncode == 2, r.stderr
    assert "wan3.0-video" in r.stderr and "workspace host" in r.stderr and "--workspace" in r.stderr
    assert "DASHSCOPE_WORKSPACE_ID" in r.stderr and "Traceback" not in r.stderr
    assert lis.connections == 0
    assert not (tmp_path / "d" / "tasks.sqlite3").exists()       # not even a task store was opened
    # Frankfurt has no shared host at all
    r = run_cli("generate", "--model", "wan2.6-t2v", "--prompt", "x", "--region", "eu-central-1", "--data-dir",
                str(tmp_path / "d"), env=env)
    assert r.returncode == 2 and "Germany (Frankfurt)" in r.stderr and "workspace" in r.stderr, r.stderr
    r = run_cli("tasks", "resume", "--region", "eu-central-1", "--data-dir", str(tmp_path / "d"), env=env)
    assert r.returncode == 2 and "only workspace hosts" in r.stderr and "Traceback" not in r.stderr, r.stderr
    # a workspace id that could not be a host name
    r = run_cli("generate", "--model", "wan3.0-video", "--prompt", "x", "--workspace", "bad id/..",
                "--data-dir", str(tmp_path / "d"), env=env)
    assert r.returncode == 2 and "workspace id 'bad id/..' is not valid" in r.stderr, r.stderr
    assert lis.connections == 0


def test_a_region_that_lacks_the_model_names_where_it_is(tmp_path, no_network):
    lis, env = no_network
    r = run_cli("generate", "--model", "wan2.2-s2v", "--input", "image_url=face.png", "--input",
                "audio_url=v.wav", "--region", "us-east-1", "--data-dir", str(tmp_path / "d"), env=env)
    assert r.returncode == 2, r.stderr
    assert "wan2.2-s2v is not available in US (Virginia) (only China (Beijing))" in r.stderr
    r = run_cli("generate", "--model", "wan2.2-t2v-plus", "--prompt", "x", "--region", "us-east-1", "--data-dir",
                str(tmp_path / "d"), env=env)
    assert r.returncode == 2 and "(only China (Beijing), Singapore)" in r.stderr, r.stderr
    assert lis.connections == 0


def test_an_unknown_media_type_names_the_types_the_model_takes(inputs, tmp_path, paid):
    r = run_cli("generate", "--model", "wan2.7-r2v", "--prompt", "x", "--media", f"reference_audio={inputs['meow']}",
                "--base-url", paid.base_url, "--data-dir", str(tmp_path / "d"), *FAST)
    assert r.returncode == 2, r.stderr
    assert "wan2.7-r2v does not take media of type reference_audio" in r.stderr
    assert "choose one of reference_image, reference_video, first_frame" in r.stderr
    assert paid.creations() == 0 and paid.stats.uploads == 0


def test_types_that_cannot_be_mixed_name_the_combinations(inputs, tmp_path, paid):
    r = run_cli("generate", "--model", "wan2.7-i2v", "--media", f"first_frame={inputs['cat']}", "--media",
                f"first_clip={inputs['clip']}", "--base-url", paid.base_url, "--data-dir", str(tmp_path / "d"), *FAST)
    assert r.returncode == 2, r.stderr
    assert "wan2.7-i2v cannot combine First frame + Opening clip" in r.stderr
    assert "the combinations it takes are: First frame + Last frame + Driving audio; Last frame + Opening clip" \
        in r.stderr
    r = run_cli("generate", "--model", "wan3.0-video", "--prompt", "x", "--media", f"first_frame={inputs['cat']}",
                "--media", f"reference_image={inputs['dog']}", "--base-url", paid.base_url, "--data-dir",
                str(tmp_path / "d"), *FAST)
    assert r.returncode == 2 and "wan3.0-video cannot combine" in r.stderr, r.stderr
    assert paid.creations() == 0 and paid.stats.uploads == 0


def test_media_on_a_model_without_a_media_input_is_a_usage_error(tmp_path):
    r = run_cli("generate", "--sandbox", "--model", "wan2.2-t2v-plus", "--prompt", "x", "--media",
                "first_frame=cat.png", "--data-dir", str(tmp_path / "d"))
    assert r.returncode == 2 and "wan2.2-t2v-plus takes no --media" in r.stderr and "--prompt" in r.stderr
