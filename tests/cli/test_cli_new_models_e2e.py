"""Every new model, end to end through the CLI: a minimal valid command line built from the catalogue
(small real files that satisfy each input's limits, parameters at their defaults), run against one
shared sandbox standing in for the service, then the video on disk is probed.

The command runs in this process (``cli.main``) to keep the ~50 cases quick; one sandbox serves them
all, so each case counts the creations it made.
"""
from __future__ import annotations

import time

import pytest

from bailian_video import catalog, cli
from bailian_video.catalog import Kind
from bailian_video.catalog.schema import ModelSpec
from bailian_video.media.probe import probe
from bailian_video.sandbox.testing import running_sandbox
from model_inputs import Files, first_function, input_media, media_plan, request_inputs

NEW = [m for m in catalog.MODELS if m.new and m.user_facing]
FAST = ["--poll-min", "0.05", "--expect-seconds", "0.3", "--yes"]
TIMINGS: dict[str, float] = {}


def command_for(spec: ModelSpec, files: Files) -> tuple[list[str], bool]:
    """(the generate arguments, whether the request carries sound) for the minimal valid request that the
    window's test makes too (``model_inputs.request_inputs``), spelt as a command line."""
    args = ["--model", spec.name]
    function = first_function(spec)
    if function:
        args += ["--function", function]
    sound = False
    inputs = request_inputs(spec, files, function)
    for ins in spec.inputs_for(function):
        value = inputs.get(ins.name)
        if value is None:
            continue
        if ins.name == "prompt":
            args += ["--prompt", value]
        elif ins.kind == Kind.MEDIA:
            for item in value:
                args += ["--media", f"{item['type']}={item['url']}"]
                mt = ins.media_type(item["type"])
                sound = sound or (mt is not None and mt.media == "audio")
        elif isinstance(value, list):
            args += [a for v in value for a in ("--input", f"{ins.name}={v}")]
        else:
            args += ["--input", f"{ins.name}={value}"]
            sound = sound or (ins.is_file and input_media(ins) == "audio")
    audio = spec.param("audio", function)
    return args, sound or bool(audio is not None and audio.default)


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One sandbox for every case, standing in for the service (each case counts its own creations)."""
    with running_sandbox(task_seconds=0.3, data_dir=tmp_path_factory.mktemp("svc")) as sb:
        yield sb


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Files:
    return Files(tmp_path_factory.mktemp("inputs"))


def test_the_plans_are_valid_for_the_catalogue():
    """The helper's media plans pass the catalogue's own checks (so a failure below is the CLI's or the
    sandbox's, not the test's)."""
    for spec in NEW:
        for ins in spec.inputs_for(next(iter(spec.functions), None)):
            if ins.kind != Kind.MEDIA:
                continue
            items = [{"type": mt.type, "url": f"https://example.com/{i}"} for i, mt in enumerate(media_plan(ins))]
            if items or ins.required:
                problems = catalog.kinds.KINDS[Kind.MEDIA].check(spec.name, ins, items)
                assert problems == [], (spec.name, problems)


@pytest.mark.parametrize("spec", NEW, ids=lambda m: m.name)
def test_generate_every_new_model_end_to_end(spec, service, files, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-e2e")
    monkeypatch.delenv("DASHSCOPE_WORKSPACE_ID", raising=False)
    args, sound = command_for(spec, files)
    out = tmp_path / "out"
    before = service.creations()
    start = time.monotonic()
    code = cli.main(["generate", *args, "--base-url", service.base_url, "--data-dir", str(tmp_path / "d"),
                     "--out", str(out), *FAST])
    TIMINGS[spec.name] = time.monotonic() - start
    captured = capsys.readouterr()
    assert code == 0, f"{' '.join(args)}\n{captured.err}"
    assert service.creations() - before == 1
    videos = list(out.glob("*.mp4"))
    assert len(videos) == 1, captured.err
    assert captured.out.strip().splitlines()[-1] == str(videos[0])
    info = probe(videos[0])
    assert info.kind == "video" and info.duration and info.duration > 0
    if sound:
        assert info.has_audio, f"{spec.name}: the request carries sound but the video has none"


def test_wan22_s2v_runs_its_detect_step_first_like_emo(service, files, tmp_path, monkeypatch, capsys):
    """A chain takes the generation model's name: the detect call, then one creation."""
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-e2e")
    spec = catalog.require("wan2.2-s2v")
    detect = spec.chain[0]
    args, _ = command_for(spec, files)
    detects = service.stats.snapshot()["detects"].get(detect, 0)
    before = service.creations("wan2.2-s2v")
    code = cli.main(["generate", *args, "--base-url", service.base_url, "--data-dir", str(tmp_path / "d"),
                     "--out", str(tmp_path / "out"), "--json", *FAST])
    err = capsys.readouterr().err
    assert code == 0, err
    assert service.stats.snapshot()["detects"].get(detect, 0) == detects + 1
    assert service.creations("wan2.2-s2v") == before + 1 and service.creations(detect) == 0
    assert probe(next((tmp_path / "out").glob("*.mp4"))).has_audio


def test_report_timings():
    """Not a check: prints how long each model took (``-s`` shows it)."""
    for name, seconds in sorted(TIMINGS.items(), key=lambda kv: -kv[1]):
        print(f"{seconds:6.2f}s  {name}")
    print(f"{sum(TIMINGS.values()):6.2f}s  total over {len(TIMINGS)} models")
