"""``bailian-video models``: the catalogue, readable — as text and as JSON, filtered by family and region."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bailian_video import catalog, cli
from bailian_video.catalog import Kind


def models(*args: str, lang: str = "en") -> subprocess.CompletedProcess:
    env = dict(os.environ, BAILIAN_VIDEO_LANG=lang, PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "bailian_video", "models", *args], capture_output=True, text=True,
                          timeout=60, env=env)


@pytest.fixture(scope="module")
def listed() -> list[dict]:
    r = models("--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_json_lists_every_model_in_catalogue_order(listed):
    assert [m["name"] for m in listed] == [m.name for m in catalog.MODELS]
    steps = {m["name"] for m in listed if m["chain_step"]}
    assert steps == {m.name for m in catalog.MODELS if not m.user_facing}
    assert all(m["user_facing"] != m["chain_step"] for m in listed)


@pytest.mark.parametrize("spec", catalog.MODELS, ids=lambda m: m.name)
def test_each_model_says_everything_the_catalogue_knows(listed, spec):
    m = next(x for x in listed if x["name"] == spec.name)
    assert m["family"] == spec.family.value and m["also_in"] == [f.value for f in spec.also_in]
    assert m["title"] == {"zh": spec.title.zh, "en": spec.title.en}
    assert m["regions"] == spec.regions and m["host"] == spec.host
    assert m["new"] == spec.new and m["chain"] == list(spec.chain)
    assert m["limits"] == {"submit_rps": spec.submit_rps, "concurrency": spec.concurrency, "pool": spec.pool}
    # a price (with its free quota) for every region the model runs in, as that region bills it
    assert set(m["price"]) == set(spec.regions) == set(m["free_quota"])
    for region, price in m["price"].items():
        want = spec.price_in(region)
        assert price["by_tier"] == want.by_tier and price["unit"] == want.unit
        assert price["free_quota"] == m["free_quota"][region] == want.free_quota
        assert price.get("switch") == want.switch and price.get("tables", {}) == want.tables
        assert price.get("bill_input", []) == list(want.bill_input)
    # inputs, with media types' counts and limits
    inputs = [i for fn in m["functions"].values() for i in fn["inputs"]] + m["inputs"]
    want_inputs = [i for fn in spec.functions.values() for i in fn.inputs] + list(spec.inputs)
    assert [(i["name"], i["kind"], i["required"]) for i in inputs] == \
        [(i.name, i.kind.value, i.required) for i in want_inputs]
    for got, ins in zip(inputs, want_inputs, strict=True):
        if ins.kind == Kind.MEDIA:
            assert [t["type"] for t in got["media_types"]] == [t.type for t in ins.media_types]
            for t, mt in zip(got["media_types"], ins.media_types, strict=True):
                assert (t["min_items"], t["max_items"], t["media"]) == (mt.min_items, mt.max_items, mt.media)
                if mt.limits and mt.limits.formats:
                    assert t["limits"]["formats"] == list(mt.limits.formats)
                assert [f["name"] for f in t["fields"]] == [f.name for f in mt.fields]
            assert [set(s) for s in got["media_sets"]] == [set(s) for s in ins.media_sets]
        elif ins.limits is not None and ins.limits.max_bytes:
            assert got["limits"]["max_bytes"] == ins.limits.max_bytes
    # parameters with their choices, ranges and defaults
    params = [p for fn in m["functions"].values() for p in fn["params"]] + m["params"]
    want_params = [p for fn in spec.functions.values() for p in fn.params] + list(spec.params)
    assert [(p["name"], p["default"]) for p in params] == [(p.name, p.default) for p in want_params]
    for got, p in zip(params, want_params, strict=True):
        assert [c["value"] for c in got.get("choices", [])] == p.choice_values()
        if p.min is not None or p.max is not None:
            assert got["range"] == [p.min, p.max]


def test_family_filter_keeps_the_family_and_the_models_that_also_offer_it():
    r = models("--family", "r2v", "--json")
    assert r.returncode == 0, r.stderr
    names = [m["name"] for m in json.loads(r.stdout)]
    want = [m.name for m in catalog.MODELS if m.family == catalog.Family.R2V or catalog.Family.R2V in m.also_in]
    assert names == want and "wan2.7-r2v" in names and "happyhorse-1.0-r2v" in names
    assert "wan2.2-t2v-plus" not in names


def test_region_filter_keeps_what_runs_there_with_its_wire_name():
    r = models("--region", "us-east-1", "--json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert [m["name"] for m in got] == [m.name for m in catalog.MODELS if m.available_in("us-east-1")]
    assert "wan2.2-t2v-plus" not in {m["name"] for m in got}           # Beijing and Singapore only
    t2v = next(m for m in got if m["name"] == "wan2.6-t2v")
    assert t2v["regions"]["us-east-1"] == catalog.require("wan2.6-t2v").name_in("us-east-1")


def test_text_listing_in_english_and_chinese():
    en = models("--family", "s2v")
    assert en.returncode == 0, en.stderr
    assert "wan2.2-s2v" in en.stdout and "chain: wan2.2-s2v-detect → wan2.2-s2v" in en.stdout
    assert "price (cn-beijing): 480P ¥0.5/s, 720P ¥0.9/s" in en.stdout and "limits:" in en.stdout
    zh = models("--family", "r2v", "--region", "cn-beijing", lang="zh")
    assert zh.returncode == 0, zh.stderr
    assert "参数:" in zh.stdout and "价格 (cn-beijing)" in zh.stdout and "reference_voice=audio" in zh.stdout
    assert "--media TYPE=PATH_OR_URL" in zh.stdout and "--input reference_urls=PATH_OR_URL (repeat)" in zh.stdout


def test_unknown_family_is_a_usage_error():
    r = models("--family", "nope")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_in_process_json_is_valid_for_every_family(capsys):
    for fam in catalog.Family:
        assert cli.main(["models", "--family", fam.value, "--json"]) == 0
        got = json.loads(capsys.readouterr().out)
        assert {m["name"] for m in got} == {m.name for m in cli.select_models(fam.value, None)}
