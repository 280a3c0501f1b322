"""`bailian-video sequence …` as a person uses it: real processes, two videos made on the sandbox, shots and
takes, a film stitched from them (probed), Ctrl+C during a render, and each editor export read back."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bailian_video.media.probe import probe
from bailian_video.media.timeline import read_back
from bailian_video.sandbox.testing import running_sandbox

T2V = "wan2.2-t2v-plus"


class Folder:
    """A data folder whose paid-service tasks run on a sandbox (so nothing is billed, and creations count)."""

    def __init__(self, root: Path, sb):
        self.root, self.sb, self.data = root, sb, root / "d"
        # set up before the per-test isolation of conftest: the same isolation, by hand
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DASHSCOPE_", "BAILIAN_VIDEO_"))}
        self.env.update(DASHSCOPE_API_KEY="sk-film", PYTHONUNBUFFERED="1", BAILIAN_VIDEO_LANG="en",
                        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
                        **{var: str(root / var.lower()) for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                                                                     "XDG_CACHE_HOME")})

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "bailian_video", *args, "--data-dir", str(self.data)]

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(*args), capture_output=True, text=True, timeout=120, env=self.env)

    def ok(self, *args: str) -> str:
        r = self.run(*args)
        assert r.returncode == 0, r.stderr
        return r.stdout

    def tasks(self) -> list[dict]:
        return json.loads(self.ok("tasks", "list", "--json"))

    def new_sequence(self, name: str, *takes: int) -> int:
        seq = int(self.ok("sequence", "new", name))
        if takes:
            self.ok("sequence", "add", str(seq), *map(str, takes))
        return seq


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Two finished five-second videos (local tasks #1 and #2)."""
    root = tmp_path_factory.mktemp("film")
    with running_sandbox(task_seconds=0.3, data_dir=root / "svc") as sb:
        f = Folder(root, sb)
        out = f.ok("generate", "--base-url", sb.base_url, "--poll-min", "0.1", "--expect-seconds", "0.3",
                   "--model", T2V, "--prompt", "一只红气球飞过屋顶", "--param", "size=832*480", "--count", "2",
                   "--out", str(root / "out"), "--json")
        tasks = json.loads(out)["tasks"]
        assert [t["state"] for t in tasks] == ["done", "done"] and sb.creations() == 2
        yield f, tasks


def test_shots_and_takes_are_added_chosen_and_listed(made):
    f, (a, b) = made
    seq = f.new_sequence("气球 trailer")
    shown = f.ok("sequence", "add", str(seq), str(a["id"]), f"#{b['id']}")
    assert f"#{seq} 气球 trailer — 2 shots, 10.0 s, ¥1.40 so far" in shown
    # shot 1 gets task b as a second take, chosen; the sequence can be named instead of numbered
    detail = json.loads(f.ok("sequence", "add", "气球 trailer", "--shot", "1", "--take", str(b["id"]), "--choose",
                             "--json"))
    shot1, shot2 = detail["shots"]
    assert [t["id"] for t in shot1["takes"]] == [a["id"], b["id"]] and shot1["chosen"] == shot1["uses"] == b["id"]
    assert [t["id"] for t in shot2["takes"]] == [b["id"]] and detail["duration"] == 10.0
    assert shot1["takes"][0] == {"id": a["id"], "state": "done", "model": T2V, "seconds": 5.0, "cost": 0.7,
                                 "output_path": a["output_path"], "prompt": "一只红气球飞过屋顶"}
    text = f.ok("sequence", "list", str(seq)).splitlines()
    assert text[1] == "Shot 1" and text[4] == "Shot 2"
    assert text[2].split()[:5] == [f"#{a['id']}", "Done", T2V, "5s", "¥0.70"]          # not the chosen one
    assert text[3].split()[:3] == ["*", f"#{b['id']}", "Done"]
    assert text[5].split()[:2] == ["*", f"#{b['id']}"]
    every = f.ok("sequence", "list")
    assert any(line.split()[:2] == [str(seq), "气球"] and f"#{b['id']} #{b['id']}" in line
               for line in every.splitlines())
    # back to take a for shot 1
    again = json.loads(f.ok("sequence", "add", str(seq), str(a["id"]), "--shot", "1", "--choose", "--json"))
    assert again["shots"][0]["uses"] == a["id"] and len(again["shots"][0]["takes"]) == 2

    for args, said in ((("add", str(seq), "99"), "There is no task 99"),
                       (("add", str(seq), str(a["id"]), "--shot", "7"), "has no shot 7 (it has 2)"),
                       (("add", str(seq), "--take", str(a["id"])), "--take goes with --shot N"),
                       (("list", "no such film"), "There is no sequence no such film"),
                       (("add", "404", str(a["id"])), "There is no sequence 404")):
        r = f.run("sequence", *args)
        assert r.returncode == 2 and said in r.stderr, (args, r.stderr)
    assert len(json.loads(f.ok("sequence", "list", str(seq), "--json"))["shots"]) == 2


def test_render_stitches_the_chosen_takes_into_a_film_in_the_library(made):
    f, (a, b) = made
    seq = f.new_sequence("render me", a["id"], b["id"])
    clips = [probe(a["output_path"]), probe(b["output_path"])]
    frame = 1 / clips[0].fps
    r = f.run("sequence", "render", str(seq), "--out", str(f.root / "films"))
    assert r.returncode == 0, r.stderr
    film = Path(r.stdout.strip())
    assert film.parent == f.root / "films" and film.suffix == ".mp4"
    assert "Rendering the film 0%" in r.stderr and "Rendering the film 100%" in r.stderr
    info = probe(film)
    assert abs(info.duration - (clips[0].duration + clips[1].duration)) <= frame + 1e-3
    assert (info.width, info.height) == (832, 480)
    rec = next(t for t in f.tasks() if t["output_path"] == str(film))
    assert rec["model"] == "film" and rec["state"] == "done" and rec["cost"] == 0.0
    # a cross-fade overlaps the two shots by its length
    r = f.run("sequence", "render", str(seq), "--crossfade", "0.5", "--out", str(f.root / "films"), "--json")
    assert r.returncode == 0, r.stderr
    faded = json.loads(r.stdout)
    assert faded["model"] == "film" and faded["output_path"] != str(film)
    assert abs(probe(faded["output_path"]).duration - (clips[0].duration + clips[1].duration - 0.5)) <= frame + 1e-3


def test_ctrl_c_cancels_a_render_and_leaves_no_file(made):
    f, (a, b) = made
    seq = f.new_sequence("cancel me", a["id"], b["id"])
    films = len([t for t in f.tasks() if t["model"] == "film"])
    out = f.root / "canceled"
    # a cross-fade re-encodes every frame: seconds of work to interrupt. The command starts as from a
    # terminal, with Ctrl+C working, even when this test run ignores it (a run started in the background
    # from a script does): a child inherits an ignored SIGINT, a handled one is reset to the default.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        p = subprocess.Popen(f.argv("sequence", "render", str(seq), "--crossfade", "1", "--out", str(out)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=f.env)
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        assert p.stderr is not None
        assert p.stderr.readline().startswith("Rendering the film")
        p.send_signal(signal.SIGINT)
        stdout, stderr = p.communicate(timeout=60)
    finally:
        p.kill()
    assert p.returncode == 130, stderr
    assert "Canceled; no film was made." in stderr and stdout == ""
    assert not out.exists() or list(out.iterdir()) == []
    assert len([t for t in f.tasks() if t["model"] == "film"]) == films


def test_each_export_reads_back_as_the_two_takes(made):
    f, (a, b) = made
    seq = f.new_sequence("export me", a["id"], b["id"])
    expected = [(Path(t["output_path"]).name, 0.0, probe(t["output_path"]).duration) for t in (a, b)]
    folder = f.root / "exports"
    folder.mkdir()
    for fmt, out, name in (("otio", folder, "export_me.otio"), ("fcpxml", folder / "cut.xml", "cut.xml"),
                           ("edl", folder, "export_me.edl"), ("jianying", folder / "drafts", "export me")):
        r = f.run("sequence", "export", str(seq), "--format", fmt, "--out", str(out))
        assert r.returncode == 0, (fmt, r.stderr)
        path = Path(r.stdout.strip())
        assert path.name == name and path.exists()
        back = read_back(path)
        assert [n for n, _, _ in back] == [n for n, _, _ in expected], fmt
        for (_, start, end), (_, s0, e0) in zip(back, expected):
            assert start == pytest.approx(s0, abs=0.05) and end == pytest.approx(e0, abs=0.05), fmt


def test_what_cannot_be_rendered_is_explained(made):
    f, (a, b) = made
    r = f.run("sequence", "render", "77")
    assert r.returncode == 2 and "There is no sequence 77" in r.stderr
    empty = f.new_sequence("nothing yet")
    r = f.run("sequence", "render", str(empty))
    assert r.returncode == 2 and "has no shots yet" in r.stderr
    seq = f.new_sequence("lost file", a["id"], b["id"])
    video = Path(b["output_path"])
    aside = video.with_name("aside.mp4")
    video.rename(aside)
    try:
        r = f.run("sequence", "render", str(seq), "--out", str(f.root / "lost"))
        assert r.returncode == 2 and f"The video file {video} is missing" in r.stderr
        r = f.run("sequence", "export", str(seq), "--format", "otio", "--out", str(f.root / "lost.otio"))
        assert r.returncode == 2 and "is missing" in r.stderr
    finally:
        aside.rename(video)
    assert not (f.root / "lost").exists() or list((f.root / "lost").iterdir()) == []
    r = f.run("sequence", "render", str(seq), "--crossfade", "5")
    assert r.returncode == 2 and "The cross-fade is 0 to 2 seconds" in r.stderr
