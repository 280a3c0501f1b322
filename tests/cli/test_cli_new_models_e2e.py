"""Every new model, end to end through the CLI: a minimal valid command line built from the catalogue
(small real files that satisfy each input's limits, parameters at their defaults), run against one
shared sandbox standing in for the service, then the video on disk is probed.

The command runs in this process (``cli.main``) to keep the ~50 cases quick; one sandbox serves them
all, so each case counts the creations it made.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from bailian_video import catalog, cli
from bailian_video.catalog import Kind, Limits
from bailian_video.catalog.schema import InputSpec, MediaType, ModelSpec
from bailian_video.media.probe import probe
from bailian_video.media.samples import make_audio, make_image, make_video
from bailian_video.sandbox.testing import running_sandbox

NEW = [m for m in catalog.MODELS if m.new and m.user_facing]
FAST = ["--poll-min", "0.05", "--expect-seconds", "0.3", "--yes"]
PROMPT = "a red balloon drifts over a calm sea"
TIMINGS: dict[str, float] = {}


# -- fixture files that satisfy the catalogue's limits --------------------------------------------
class Files:
    """Makes (once) a small real file for a media kind and its limits."""

    def __init__(self, root: Path):
        self.root = root
        self.made: dict[tuple[str, Limits | None], Path] = {}

    def get(self, media: str, limits: Limits | None) -> Path:
        key = (media, limits)
        if key not in self.made:
            self.made[key] = self._make(media, limits, self.root / f"f{len(self.made)}")
        return self.made[key]

    @staticmethod
    def _pick(limits: Limits | None, preferred: tuple[str, ...]) -> str:
        formats = limits.formats if limits and limits.formats else preferred
        return next((f for f in preferred if f in formats), formats[0])

    def _make(self, media: str, lim: Limits | None, stem: Path) -> Path:
        if media == "image":
            fmt = self._pick(lim, ("png", "jpeg", "webp", "bmp"))
            side = max(512, (lim.min_side or 0) if lim else 0)
            if lim and lim.max_side:
                side = min(side, lim.max_side)
            return make_image(stem.with_suffix({"jpeg": ".jpg"}.get(fmt, f".{fmt}")), side, side, text="in")
        if media == "video":
            self._pick(lim, ("mp4", "mov"))
            h = max(240, (lim.min_side or 0) if lim else 0)
            w = h * 4 // 3
            if lim and lim.max_side:
                w = min(w, lim.max_side)
            seconds = max(2.0, (lim.min_duration or 0) if lim else 0)
            if lim and lim.max_duration:
                seconds = min(seconds, lim.max_duration)
            fps = 25.0
            if lim and lim.min_fps and lim.min_fps > fps:
                fps = lim.min_fps
            return make_video(stem.with_suffix(".mp4"), w, h, seconds, fps=fps, text="in")
        if media == "audio":
            fmt = self._pick(lim, ("wav", "mp3"))
            seconds = max(2.0, (lim.min_duration or 0) if lim else 0)
            if lim and lim.max_duration:
                seconds = min(seconds, lim.max_duration)
            return make_audio(stem.with_suffix(f".{fmt}"), seconds)
        if media == "file":
            path = stem.with_suffix(".txt")
            path.write_text("A red balloon drifts over a calm sea.\n", encoding="utf-8")
            return path
        raise AssertionError(f"no fixture for {media}")


def media_plan(ins: InputSpec) -> list[MediaType]:
    """The items of a minimal valid ``input.media``: the required types, the first allowed combination,
    enough items for each count rule and what each chosen type needs."""
    order = [t.type for t in ins.media_types]
    chosen: dict[str, int] = {t.type: t.min_items for t in ins.media_types if t.min_items}
    if ins.media_sets:
        first = next((s for s in ins.media_sets if set(chosen) <= s), ins.media_sets[0])
        for t in order:
            if t in first:
                chosen.setdefault(t, 1)
    for group, lo, _hi in ins.media_counts:
        have = sum(chosen.get(t, 0) for t in group)
        if have < lo:
            t = next(t for t in order if t in group)
            chosen[t] = chosen.get(t, 0) + lo - have
    changed = True
    while changed:
        changed = False
        for typ, needs in ins.media_requires:
            options = [n for n in needs.split("|") if n in order]
            if chosen.get(typ) and options and not any(chosen.get(n) for n in options):
                chosen[options[0]] = 1
                changed = True
    if not chosen and ins.required:
        chosen[order[0]] = 1
    return [mt for mt in ins.media_types for _ in range(chosen.get(mt.type, 0))]


def command_for(spec: ModelSpec, files: Files) -> tuple[list[str], bool]:
    """(the generate arguments, whether the request carries sound) for a minimal valid request."""
    args = ["--model", spec.name]
    function = next(iter(spec.functions), None)
    if function:
        args += ["--function", function]
    sound = False
    groups: set[str] = set()
    for ins in spec.inputs_for(function):
        if ins.from_detect or ins.name == "negative_prompt":
            continue
        if ins.name == "prompt":
            args += ["--prompt", PROMPT]
            continue
        wanted = ins.required or (ins.one_of is not None and ins.one_of not in groups) or \
            (ins.kind == Kind.MEDIA and bool(ins.media_sets))
        if not wanted:
            continue
        if ins.one_of:
            groups.add(ins.one_of)
        if ins.kind == Kind.MEDIA:
            for mt in media_plan(ins):
                args += ["--media", f"{mt.type}={files.get(mt.media, mt.limits)}"]
                sound = sound or mt.media == "audio"
        elif ins.kind in (Kind.IMAGE_LIST, Kind.FILE_LIST):
            limits = dict(ins.limits_by_media).get("image", ins.limits)
            for _ in range(max(1, ins.min_items or 1)):
                args += ["--input", f"{ins.name}={files.get('image', limits)}"]
        elif ins.kind in (Kind.IMAGE, Kind.AUDIO, Kind.VIDEO, Kind.MASK):
            media = ins.media or ("image" if ins.kind == Kind.MASK else ins.kind.value)
            args += ["--input", f"{ins.name}={files.get(media, ins.limits)}"]
            sound = sound or media == "audio"
        elif ins.kind == Kind.CHOICE:
            args += ["--input", f"{ins.name}={ins.choices[0].value}"]
        elif ins.kind == Kind.INT:
            args += ["--input", f"{ins.name}=1"]
        else:
            args += ["--input", f"{ins.name}=x"]
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
