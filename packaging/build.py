#!/usr/bin/env python3
"""Build the frozen app with PyInstaller (one folder) and smoke-test it offscreen.

    python packaging/build.py                # build into build/ and dist/, report size, smoke-test
    python packaging/build.py --no-smoke     # build and report only
    python packaging/build.py --smoke-only   # smoke-test the existing build in dist/

Run it with the Python that has the app and ``.[packaging]`` installed (the .venv). The smoke
test runs ``bailian-video --smoke-test --sandbox`` from the frozen folder with
QT_QPA_PLATFORM=offscreen and passes when it exits 0 and reported, as found, the multimedia
backend, the keyring backend, the translations, a finished sandbox task and the editor exports.
It prints the folder's size on disk and, on Linux, packs the folder into the .tar.gz the release
workflow ships (elsewhere it reports an installer already in dist/, if any). A summary goes to
build/frozen-report.json.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "bailian-video.spec"
APP_NAME = "bailian-video"
MAC_BUNDLE = "Bailian Video Studio.app"
IS_WIN, IS_MAC = sys.platform == "win32", sys.platform == "darwin"

# What the smoke test must have printed as found (its lines read "ok   <name>: <detail>").
REQUIRED_CHECKS = {
    "multimedia backend": r"^ok\s+multimedia:\s*\S",
    "keyring backend": r"^ok\s+keyring:\s*\S",
    "translations": r"^ok\s+translations:\s*\S",
    "finished sandbox task": r"^ok\s+sandbox task:\s*\S",
    "editor exports": r"^ok\s+exports:\s*\S",
}


def say(msg: str) -> None:
    print(f"[package] {msg}", flush=True)


def frozen_dir(dist: Path) -> Path:
    """The folder that ships: dist/bailian-video (on macOS the .app bundle holds the same)."""
    return dist / APP_NAME


def frozen_exe(dist: Path) -> Path:
    """The executable to smoke-test: the console one on Windows, the .app's on macOS."""
    if IS_WIN:
        return frozen_dir(dist) / f"{APP_NAME}-cli.exe"
    if IS_MAC and (dist / MAC_BUNDLE).is_dir():
        return dist / MAC_BUNDLE / "Contents" / "MacOS" / APP_NAME
    return frozen_dir(dist) / APP_NAME


def folder_stats(folder: Path) -> tuple[float, int]:
    """(size in MB, number of files), symlinks not followed and not counted."""
    total, count = 0, 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            p = Path(dirpath) / name
            if p.is_symlink():
                continue
            total += p.stat().st_size
            count += 1
    return total / 1e6, count


def project() -> dict:
    """pyproject.toml's [project] table: the one source of the version, the publisher and the links."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def version() -> str:
    return project()["version"]


def publisher() -> str:
    """Who publishes the app (the installers show it): the first of pyproject.toml's authors."""
    authors = project().get("authors") or [{}]
    return authors[0].get("name") or "Bailian Video Studio"


def archive_path(dist: Path) -> Path:
    return dist / f"{APP_NAME}-{version()}-linux-x86_64.tar.gz"


def linux_archive(dist: Path, folder: Path) -> Path:
    """The Linux download, made like the release workflow makes it: the frozen folder as a .tar.gz."""
    archive = archive_path(dist)
    subprocess.run(["tar", "-C", str(folder.parent), "-czf", str(archive), folder.name], check=True)
    return archive


def installer_in(dist: Path) -> Path | None:
    """The installer the release workflow built into dist/ (Inno Setup .exe, .dmg), if there is one."""
    found = sorted([*dist.glob("*-setup.exe"), *dist.glob("*.dmg")], key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def build(dist: Path, work: Path) -> float:
    """Run PyInstaller on the spec; return the seconds it took. Exits on failure."""
    if importlib.util.find_spec("PyInstaller") is None:
        sys.exit(f"[package] PyInstaller is not installed in {sys.executable}.\n"
                 f"[package] Install the packaging tools first:  {sys.executable} -m pip install -e '.[packaging]'")
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    say("building: " + " ".join(cmd))
    t0 = time.monotonic()
    rc = subprocess.call(cmd, cwd=ROOT)
    seconds = time.monotonic() - t0
    if rc != 0:
        sys.exit(f"[package] PyInstaller failed (exit {rc}) after {seconds:.0f} s")
    say(f"built in {seconds:.0f} s")
    return seconds


def smoke(exe: Path, timeout: float) -> tuple[bool, str, float, list[str]]:
    """Run the frozen app's smoke test; return (passed, output, seconds, problems)."""
    if not exe.is_file():
        return False, "", 0.0, [f"no executable at {exe} (build first)"]
    return smoke_command([str(exe)], exe.parent, timeout)


def smoke_command(command: list[str], cwd: Path, timeout: float,
                  env: dict[str, str] | None = None) -> tuple[bool, str, float, list[str]]:
    """Run ``command --smoke-test --sandbox`` (an installed app's launcher, say) and judge its report
    like the frozen folder's: (passed, output, seconds, problems)."""
    env = dict(os.environ if env is None else env)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("PYTHONUNBUFFERED", "1")
    cmd = [*command, "--smoke-test", "--sandbox"]
    say(f"smoke test: QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']} " + " ".join(cmd))
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, check=False, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        out, rc = proc.stdout.decode("utf-8", "replace"), proc.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace"), None
    seconds = time.monotonic() - t0
    print(out, end="" if out.endswith("\n") else "\n", flush=True)
    problems = []
    if rc is None:
        problems.append(f"timed out after {timeout:.0f} s")
    elif rc != 0:
        problems.append(f"exit code {rc}")
    for what, pattern in REQUIRED_CHECKS.items():
        if not re.search(pattern, out, re.MULTILINE):
            problems.append(f"did not report the {what} as found")
    return not problems, out, seconds, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the frozen app and smoke-test it offscreen.")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--no-smoke", action="store_true", help="build and report size only")
    mode.add_argument("--smoke-only", action="store_true", help="smoke-test the existing build")
    ap.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    ap.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller work folder (default: build/)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds the smoke test may take (default: 600)")
    args = ap.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()

    report: dict = {"platform": sys.platform}
    if not args.smoke_only:
        report["build_seconds"] = round(build(dist, work), 1)
    folder = frozen_dir(dist)
    if not folder.is_dir():
        say(f"no frozen folder at {folder}: build first (python packaging/build.py)")
        return 2
    size_mb, files = folder_stats(folder)
    report.update(frozen_folder=str(folder), size_mb=round(size_mb, 1), files=files)
    say(f"frozen folder {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}: "
        f"{size_mb:.1f} MB in {files} files")
    if IS_MAC and (dist / MAC_BUNDLE).is_dir():
        app_mb, app_files = folder_stats(dist / MAC_BUNDLE)
        report.update(app_bundle_mb=round(app_mb, 1), app_bundle_files=app_files)
        say(f"app bundle {MAC_BUNDLE}: {app_mb:.1f} MB in {app_files} files")
    # The Linux archive is packed after a build; a smoke-only run reports the one already there.
    if sys.platform.startswith("linux"):
        installer = linux_archive(dist, folder) if not args.smoke_only or not archive_path(dist).is_file() \
            else archive_path(dist)
    else:
        installer = installer_in(dist)
    if installer is not None:
        report.update(installer=installer.name, installer_mb=round(installer.stat().st_size / 1e6, 1))
    shipped = f"{installer.stat().st_size / 1e6:.1f} MB ({installer.name})" if installer else \
        "none here (built by the release workflow)"
    print(f"[bench] frozen app: {size_mb:.1f} MB on disk (target < 400 MB); installer/archive: {shipped} "
          f"({sys.platform})", flush=True)

    status = 0
    if not args.no_smoke:
        passed, out, seconds, problems = smoke(frozen_exe(dist), args.timeout)
        report.update(smoke_passed=passed, smoke_seconds=round(seconds, 1), smoke_problems=problems,
                      smoke_output=out.splitlines())
        if passed:
            say(f"smoke test passed in {seconds:.0f} s")
        else:
            say("smoke test FAILED: " + "; ".join(problems))
            status = 1
    work.mkdir(parents=True, exist_ok=True)
    (work / "frozen-report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
