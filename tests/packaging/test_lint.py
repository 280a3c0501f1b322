"""packaging/lint.py: shellcheck on the packaging scripts, actionlint (with shellcheck on run: blocks)
on the workflows."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from _scripts import load

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "packaging" / "lint.py"


lint = load("lint.py", "bv_lint")
HAVE_SHELLCHECK = lint.find_tool("shellcheck") is not None
HAVE_ACTIONLINT = lint.find_tool("actionlint") is not None
needs_shellcheck = pytest.mark.skipif(not HAVE_SHELLCHECK,
                                      reason="shellcheck is not installed (pip install -e '.[packaging]')")
needs_both = pytest.mark.skipif(not (HAVE_SHELLCHECK and HAVE_ACTIONLINT),
                                reason="shellcheck and actionlint are not installed (pip install -e '.[packaging]')")

BAD_SCRIPT = """#!/usr/bin/env bash
set -euo pipefail
target=$1
rm -rf $target/build
"""
GOOD_SCRIPT = """#!/usr/bin/env bash
set -euo pipefail
target="$1"
rm -rf "${target:?}/build"
"""
BAD_WORKFLOW = """name: bad
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Unquoted
        run: echo $HOME/$(ls)
      - name: Unknown context property
        if: ${{ matrix.nope == 'x' }}
        run: echo "hi"
"""


@needs_shellcheck
def test_the_packaging_scripts_are_clean():
    scripts = lint.default_scripts()
    assert {p.name for p in scripts} >= {"make_dmg.sh", "sign_and_notarize.sh"}
    assert lint.lint(workflows=[]) == []


@needs_both
def test_the_workflows_are_clean():
    assert lint.default_workflows(), "no workflow found under .github/workflows"
    assert lint.lint(scripts=[]) == []


@needs_shellcheck
def test_a_bad_shell_script_is_reported(tmp_path, capsys):
    bad = tmp_path / "bad.sh"
    bad.write_text(BAD_SCRIPT, encoding="utf-8")
    problems = lint.lint(scripts=[bad], workflows=[])
    assert problems and all(p.startswith("shellcheck: ") and "bad.sh:4:" in p for p in problems)
    assert any("[SC2086]" in p for p in problems)
    assert "[SC2086]" in capsys.readouterr().out                  # the tool's output is shown too
    good = tmp_path / "good.sh"
    good.write_text(GOOD_SCRIPT, encoding="utf-8")
    assert lint.lint(scripts=[good], workflows=[]) == []


@needs_both
def test_a_bad_workflow_is_reported_with_shellcheck_on_its_run_blocks(tmp_path, monkeypatch):
    # actionlint gets shellcheck's path explicitly: it must not depend on shellcheck being on PATH.
    monkeypatch.setenv("PATH", "/nonexistent")
    workflow = tmp_path / "bad.yml"
    workflow.write_text(BAD_WORKFLOW, encoding="utf-8")
    problems = lint.lint(scripts=[], workflows=[workflow])
    assert all(p.startswith("actionlint: ") and "bad.yml:" in p for p in problems)
    assert any("bad.yml:8:" in p and "SC2086" in p for p in problems), problems     # via shellcheck
    assert any("bad.yml:10:" in p and '"nope"' in p and "[expression]" in p for p in problems), problems


def test_missing_tools_are_problems_naming_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(lint, "find_tool", lambda name: None)
    problems = lint.lint(scripts=[tmp_path / "x.sh"], workflows=[tmp_path / "x.yml"])
    assert len(problems) == 2
    assert problems[0].startswith("shellcheck is not installed") and "pip install -e '.[packaging]'" in problems[0]
    assert problems[1].startswith("actionlint is not installed") and "pip install -e '.[packaging]'" in problems[1]


@needs_shellcheck
def test_the_script_runs_standalone(tmp_path):
    bad = tmp_path / "bad.sh"
    bad.write_text(BAD_SCRIPT, encoding="utf-8")
    r = subprocess.run([sys.executable, str(LINT), str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAIL shellcheck: " in r.stdout and "[package] lint: " in r.stdout
    good = tmp_path / "good.sh"
    good.write_text(GOOD_SCRIPT, encoding="utf-8")
    r = subprocess.run([sys.executable, str(LINT), str(good)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "[package] lint: clean" in r.stdout, r.stdout + r.stderr
