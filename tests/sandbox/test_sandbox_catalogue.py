"""The sandbox speaks the whole catalogue: every file kind has a reader, every ``usage`` key an answer,
and every model that takes a request of its own completes — with a minimal request built from nothing
but its catalogue data — into a real MP4 whose length, size and sound match what ``usage`` says."""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import httpx
import pytest

from bailian_video import catalog
from bailian_video.catalog import FILE_KINDS, Kind, ModelSpec
from bailian_video.media import render
from bailian_video.media.probe import probe
from bailian_video.sandbox import jobs, readers
from bailian_video.sandbox.inputs import ResolvedFile
from bailian_video.sandbox.readers import READERS
from bailian_video.sandbox.shapes import tier_short
from bailian_video.sandbox.state import Template
from bailian_video.sandbox.tasks import USAGE_VALUES, RenderOutput, Task, usage_for
from bailian_video.sandbox.testing import create, wait_task

ASSETS = {"image": "face.png", "audio": "song.wav", "video": "kling.mp4", "file": "notes.txt"}


def test_every_file_kind_has_a_reader():
    assert FILE_KINDS <= set(READERS)


def test_every_usage_key_has_an_answer():
    keys = {k for m in catalog.all_models() for k in m.usage.keys}
    assert keys <= set(USAGE_VALUES), keys - set(USAGE_VALUES)


def test_planners_are_chosen_by_family_not_by_name():
    assert set(jobs.FAMILY_PLANS) <= set(catalog.Family)
    generic = {m.family for m in catalog.all_models() if not m.sync} - set(jobs.FAMILY_PLANS)
    assert generic == {catalog.Family.T2V, catalog.Family.I2V, catalog.Family.KF2V, catalog.Family.R2V,
                       catalog.Family.EDIT}


# -- a minimal request from catalogue data ------------------------------------------------------
def _asset(media: str, url: Any) -> str:
    return str(url(ASSETS[media]))


def _media_items(ins: catalog.InputSpec, url: Any) -> list[dict[str, Any]]:
    if ins.media_sets:
        types = [t.type for t in ins.media_types if t.type in ins.media_sets[0]]
    else:
        types = [t.type for t in ins.media_types if t.min_items > 0] or [ins.media_types[0].type]
    items: list[dict[str, Any]] = []
    for typ in types:
        mt = ins.media_type(typ)
        assert mt is not None
        for _ in range(max(1, mt.min_items)):
            item: dict[str, Any] = {"type": typ,
                                    "url": "https://example.com/page" if mt.media == "link" else _asset(mt.media, url)}
            for fld in mt.fields:
                if fld.media in ASSETS:
                    item[fld.name] = _asset(fld.media, url)
                elif fld.media == "text":
                    item[fld.name] = fld.choices[0] if fld.choices else "hero"
            items.append(item)
    return items


def minimal_request(spec: ModelSpec, url: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    function = next(iter(spec.functions)) if spec.functions else None
    inputs: dict[str, Any] = {"function": function} if function else {}
    groups: set[str] = set()
    for ins in spec.inputs_for(function):
        if not ins.sent:
            continue
        if ins.kind == Kind.TEXT:
            if ins.name == "prompt":
                inputs["prompt"] = "a small test"
            continue
        wanted = ins.required or (ins.one_of is not None and ins.one_of not in groups)
        if ins.one_of:
            groups.add(ins.one_of)
        if not wanted:
            continue
        if ins.kind == Kind.MEDIA:
            inputs[ins.name] = _media_items(ins, url)
        elif ins.kind in (Kind.IMAGE, Kind.MASK, Kind.AUDIO, Kind.VIDEO):
            media = ins.media or {Kind.IMAGE: "image", Kind.MASK: "image", Kind.AUDIO: "audio"}.get(ins.kind, "video")
            inputs[ins.name] = _asset(media, url)
        elif ins.kind in (Kind.IMAGE_LIST, Kind.FILE_LIST):
            inputs[ins.name] = [_asset("image", url)]
        elif ins.kind == Kind.CHOICE:
            inputs[ins.name] = ins.choices[0].value
    params: dict[str, Any] = {}
    tier_param = spec.tier_source.partition(":")[2] if spec.tier_source and spec.tier_source != "size" else None
    for p in spec.params_for(function):
        if p.stage:
            continue
        if p.name == tier_param and p.choices:      # the smallest tier
            params[p.name] = min(p.choice_values(), key=lambda v: tier_short(spec, {p.name: v}) or 0)
        elif p.name == "size" and p.choices:
            params[p.name] = min(p.choice_values(), key=lambda v: int(v.split("*")[0]) * int(v.split("*")[1]))
        elif p.name == "duration":
            params[p.name] = min(p.choice_values()) if p.choices else int(p.min or p.default or 5)
        elif p.required and p.default is None and p.choices:
            params[p.name] = p.choices[0].value
    return inputs, params


def directly_requestable(spec: ModelSpec) -> bool:
    """Async models whose request needs nothing from an earlier chain step (boxes, a template id)."""
    return not spec.sync and not any(i.from_detect or i.kind == Kind.TEMPLATE_ID
                                     for f in ([None] + list(spec.functions)) for i in spec.inputs_for(f))


MODELS = [m.name for m in catalog.all_models() if directly_requestable(m)]


def _shape(spec: ModelSpec) -> tuple[Any, ...]:
    """What makes two models' requests (and renders) differ; copies of one model under other ids
    (dated snapshots, HappyHorse 1.1, Vidu's pro/turbo pairs) share one shape."""
    fn = next(iter(spec.functions)) if spec.functions else None
    ins = tuple((i.name, i.kind, i.media_sets, tuple((t.type, t.media, t.min_items, tuple(f.name for f in t.fields))
                                                      for t in i.media_types)) for i in spec.inputs_for(fn))
    params = tuple((p.name, p.type, tuple(p.choice_values()), p.min, p.max, p.default) for p in spec.params)
    own = spec.name if spec.family == catalog.Family.ANIMATE else None     # move and mix render differently
    return (spec.family, spec.endpoint, spec.usage.keys, ins, params, spec.fps, spec.duration_source,
            spec.tier_source, spec.price.bill_input, spec.statuses, own)


SHAPES = list({_shape(catalog.require(n)): n for n in reversed(MODELS)}.values())[::-1]
#: The 2026 models' shapes (the legacy ones run end to end in test_sandbox_families).
NEW_SHAPES = [n for n in SHAPES if catalog.require(n).new]


# -- every model, planned (cheap: files probed, nothing rendered) -------------------------------------
@pytest.mark.parametrize("name", [m.name for m in catalog.all_models() if not m.sync])
def test_every_model_plans_a_render_and_a_usage(name, assets, tmp_path):
    spec = catalog.require(name)
    function = next(iter(spec.functions)) if spec.functions else None
    inputs, params = minimal_request(spec, lambda n: str(assets / n))
    for ins in spec.inputs_for(function):
        if ins.kind == Kind.BBOX:
            inputs[ins.name] = [0, 0, 400, 400]
        elif ins.kind == Kind.TEMPLATE_ID:
            inputs[ins.name] = "AACT.sandbox.x"

    def fetch(slot: Any) -> ResolvedFile:
        return ResolvedFile(Path(slot.value), "0" * 64, Path(slot.value).name, slot.value)

    got = readers.read(spec, function, inputs, fetch)
    assert catalog.validate(spec, inputs, params, function=function, media=got.media(), wire=True,
                            strict=False) == [], name
    template = Template("AACT.sandbox.x", "t", assets / "dance.mp4", 2.0, 360, 640, True)
    full = {**spec.default_params(function), **params}
    info: dict[str, Any] = {"duration": 2.0}
    plan = jobs.plan(spec, function, inputs, full, got, template=template, info=info, sent=set(params))
    if spec.produces:                       # a template step makes an id, not a video
        assert plan is None
        return
    assert plan is not None, name
    fn = getattr(render, plan.call)
    args = {k: jobs._arg_path(v) for k, v in plan.args.items()}
    inspect.signature(fn).bind(tmp_path / "x.mp4", **args)     # the render takes exactly these arguments
    w, h = int(args.get("width") or 640), int(args.get("height") or 360)
    out = RenderOutput(tmp_path / "x.mp4", w, h, float(args.get("duration") or 2.0), float(args.get("fps") or 30),
                       60, bool(args.get("audio")))
    task = Task("t", "r", name, spec, spec.endpoint, function, inputs, full, 0.0, 1.0, "x", info=info)
    usage = usage_for(task, out)
    assert list(usage) == list(spec.usage.keys)
    assert all(v is not None for v in usage.values()), usage


@pytest.mark.slow
def test_every_request_shape_completes_with_a_minimal_request(client, asset_url, tmp_path):
    """One model of each new request shape, end to end (copies under other ids are planned above, the legacy
    models run in test_sandbox_families)."""
    created: dict[str, str] = {}
    for name in NEW_SHAPES:
        inputs, params = minimal_request(catalog.require(name), asset_url)
        r = create(client, name, inputs, params)
        assert r.status_code == 200, (name, inputs, params, r.text)
        created[name] = r.json()["output"]["task_id"]
    for name, task_id in created.items():
        spec = catalog.require(name)
        body = wait_task(client, task_id, timeout=120, interval=0.05)
        assert body["output"]["task_status"] == "SUCCEEDED", (name, body)
        usage = body["usage"]
        assert list(usage) == list(spec.usage.keys), (name, usage)
        node: Any = body
        for key in spec.result:
            node = node[key]
        assert isinstance(node, str) and node, (name, body)
        if spec.result[-1] == "template_id":
            continue
        path = tmp_path / "out.mp4"
        path.write_bytes(httpx.get(node, timeout=30).content)
        info = probe(path)
        assert info.kind == "video" and info.video_codec == "h264", name
        out_key = "output_video_duration" if "output_video_duration" in usage else spec.usage.seconds
        whole = isinstance(usage[out_key], int)
        assert abs(usage[out_key] - (info.duration or 0)) <= (0.5 if whole else 0.03), (name, usage, info.duration)
        if "size" in usage:
            assert usage["size"] == f"{info.width}*{info.height}", (name, usage)
        if "fps" in usage:
            assert usage["fps"] == round(info.fps or 0), (name, usage, info.fps)
        if "audio" in usage and spec.param("audio") is None:
            assert usage["audio"] is info.has_audio, (name, usage)
        if "audio" in usage and spec.param("audio") is not None and not usage["audio"]:
            assert not info.has_audio, name


def test_the_sweep_covers_every_family_that_takes_a_request():
    fams = {catalog.require(n).family for n in MODELS}
    assert {catalog.Family.T2V, catalog.Family.I2V, catalog.Family.KF2V, catalog.Family.R2V, catalog.Family.EDIT,
            catalog.Family.ANIMATE, catalog.Family.S2V, catalog.Family.VACE, catalog.Family.STYLE} <= fams
    assert len(MODELS) >= 60 and len(NEW_SHAPES) >= 35
