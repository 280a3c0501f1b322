#!/usr/bin/env python3
"""Build every artefact this machine can build, prove each one works, and print their sizes.

    python packaging/package.py                  # what `python3 scripts/dev.py package` and .ci/run run
    python packaging/package.py --skip windows   # leave out a step (frozen, smoke, deb, windows, macos, lint)

The same command runs on the release workflow's Windows, macOS and Linux runners, so what passes
here is what runs there. Steps, in order:

  every OS   the frozen one-folder app (PyInstaller), signed where a certificate is configured,
             then its smoke test (``--smoke-test --sandbox``, offscreen)
  Linux      the .tar.gz; the .deb: built, installed with apt-get, smoke-tested through its menu
             entry's Exec line, removed, checked that nothing is left; the Windows installer
             under wine (compiled against a stand-in of the Windows build, installed silently,
             checked, uninstalled) when wine is installed; the macOS Info.plist as the spec writes
             it; shellcheck and actionlint
  Windows    the installer compiled from the frozen folder, installed, checked, uninstalled
  macOS      the built .app's Info.plist checked, the .dmg made, notarized where credentials exist

It ends with a table of artefacts and checks (size, seconds, result) and writes
build/package-report.json. Exit status 0 only when no step failed; a step that cannot run here
(no wine, not on that OS) says why it was skipped.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import build  # noqa: E402

ROOT = build.ROOT
DIST, WORK = ROOT / "dist", ROOT / "build"
IS_WIN, IS_MAC, IS_LINUX = build.IS_WIN, build.IS_MAC, sys.platform.startswith("linux")
STEPS = ("frozen", "smoke", "deb", "windows", "macos", "lint")


@dataclass
class Result:
    step: str
    status: str                  # passed, failed, skipped
    seconds: float = 0.0
    detail: str = ""
    artefact: str = ""
    size_mb: float | None = None


def load(relative: str) -> ModuleType:
    """A packaging script as a module (they live in folders that are not packages)."""
    path = HERE / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def size_mb(path: Path) -> float:
    return round((build.folder_stats(path)[0] if path.is_dir() else path.stat().st_size / 1e6), 1)


class Run:
    def __init__(self, skip: set[str]) -> None:
        self.skip = skip
        self.results: list[Result] = []

    def step(self, name: str, label: str, action: Callable[[], Result | None]) -> Result:
        """Run one step, timed; a SystemExit or exception inside it is that step's failure."""
        if name in self.skip:
            result = Result(label, "skipped", detail=f"--skip {name}")
        else:
            build.say(f"── {label} ──")
            t0 = time.monotonic()
            try:
                result = action() or Result(label, "passed")
            except SystemExit as e:
                code = e.code
                result = Result(label, "failed" if code not in (0, None) else "passed",
                                detail=str(code) if isinstance(code, str) else f"exit {code}" if code else "")
            except Exception as e:  # noqa: BLE001  (a step's crash is reported, the next steps still run)
                result = Result(label, "failed", detail=f"{type(e).__name__}: {e}")
            result.seconds = round(time.monotonic() - t0, 1)
            result.step = label
        self.results.append(result)
        build.say(f"{label}: {result.status}" + (f" ({result.detail})" if result.detail else "")
                  + (f" in {result.seconds:.0f} s" if result.seconds else ""))
        return result

    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.results)


# ---------------------------------------------------------------------------------------------
def frozen() -> Result:
    rc = build.main(["--no-smoke"])
    folder = build.frozen_dir(DIST)
    if rc != 0 or not folder.is_dir():
        return Result("", "failed", detail=f"build.py exited {rc}")
    return Result("", "passed", artefact=str(folder.relative_to(ROOT)), size_mb=size_mb(folder))


def sign_frozen() -> Result:
    """Sign the frozen executables (before the smoke test, so a signature that breaks the app fails it)."""
    if IS_WIN:
        if not os.environ.get("WINDOWS_CERTIFICATE"):
            return Result("", "skipped", detail="WINDOWS_CERTIFICATE is not set: the executables are unsigned")
        folder = build.frozen_dir(DIST)
        exes = [str(folder / f"{build.APP_NAME}.exe"), str(folder / f"{build.APP_NAME}-cli.exe")]
        subprocess.run(["powershell.exe", "-NoProfile", "-ExecutionPolicy", "Bypass", "-File",
                        str(HERE / "windows" / "sign.ps1"), *exes], check=True)
        return Result("", "passed", detail="Authenticode")
    if IS_MAC:
        app = DIST / build.MAC_BUNDLE
        if not os.environ.get("MACOS_CERTIFICATE"):
            return Result("", "skipped", detail="MACOS_CERTIFICATE is not set: the app is ad-hoc signed only")
        subprocess.run(["bash", str(HERE / "macos" / "sign_and_notarize.sh"), "sign", str(app)], check=True)
        return Result("", "passed", detail="Developer ID, hardened runtime")
    return Result("", "skipped", detail="Linux builds are not signed")


def smoke() -> Result:
    rc = build.main(["--smoke-only"])
    return Result("", "passed" if rc == 0 else "failed", detail="" if rc == 0 else "see the smoke test's output above")


def linux_archive() -> Result:
    """The .tar.gz build.py packed after the build (packed again only if it is missing)."""
    archive = build.archive_path(DIST)
    if not archive.is_file():
        archive = build.linux_archive(DIST, build.frozen_dir(DIST))
    return Result("", "passed", artefact=str(archive.relative_to(ROOT)), size_mb=size_mb(archive))


def deb() -> Result:
    make_deb = load("linux/make_deb.py")
    package = make_deb.build_deb(build.frozen_dir(DIST), DIST)
    result = Result("", "passed", artefact=str(package.relative_to(ROOT)), size_mb=size_mb(package))
    problems = make_deb.verify_deb(package)
    if problems:
        result.status, result.detail = "failed", "; ".join(problems)
    else:
        result.detail = "installed with apt-get, smoke-tested from its menu entry, removed, nothing left"
    return result


def windows_installer() -> Result:
    if not IS_WIN and not shutil.which("wine"):
        return Result("", "skipped", detail="wine is not installed (Debian: dpkg --add-architecture i386; "
                                            "apt-get install wine wine32:i386 wine64 xvfb)")
    make_installer = load("windows/make_installer.py")
    args = ["--verify"] + (["--fetch-languages"] if IS_WIN else [])
    rc = make_installer.main(args)
    out = DIST if IS_WIN else WORK / "windows-stand-in"
    setups = sorted(out.glob("*-windows-x64-setup.exe"), key=lambda p: p.stat().st_mtime)
    setup = setups[-1] if setups else None
    detail = "compiled, installed silently, checked, uninstalled" + ("" if IS_WIN else
                                                                    " under wine; stand-in contents")
    return Result("", "passed" if rc == 0 else "failed", detail=detail if rc == 0 else "see the checks above",
                  artefact=str(setup.relative_to(ROOT)) if setup else "", size_mb=size_mb(setup) if setup else None)


def macos_bundle() -> Result:
    check_bundle = load("macos/check_bundle.py")
    version = build.version()
    if IS_MAC:
        rc = check_bundle.main(["--app", str(DIST / build.MAC_BUNDLE)])
        return Result("", "passed" if rc == 0 else "failed", detail="the built .app's Info.plist")
    problems = check_bundle.check_info_plist(check_bundle.spec_info_plist(), version)
    for p in problems:
        print(f"FAIL {p}", flush=True)
    return Result("", "failed" if problems else "passed", detail="; ".join(problems) or
                  "Info.plist as the spec writes it (the .app itself is built on macOS)")


def dmg() -> Result:
    version = build.version()
    out = DIST / f"BailianVideoStudio-{version}-macos-{os.uname().machine}.dmg"
    subprocess.run(["bash", str(HERE / "macos" / "make_dmg.sh"), str(DIST / build.MAC_BUNDLE), str(out)], check=True)
    result = Result("", "passed", artefact=str(out.relative_to(ROOT)), size_mb=size_mb(out))
    have_key = all(os.environ.get(k) for k in ("APPLE_API_KEY", "APPLE_API_KEY_ID", "APPLE_API_ISSUER"))
    have_id = all(os.environ.get(k) for k in ("APPLE_ID", "APPLE_TEAM_ID", "APPLE_APP_PASSWORD"))
    if os.environ.get("MACOS_CERTIFICATE") and (have_key or have_id):
        subprocess.run(["bash", str(HERE / "macos" / "sign_and_notarize.sh"), "notarize", str(out)], check=True)
        result.detail = "signed, notarized, stapled"
    else:
        result.detail = "not notarized: no signing certificate or notarization credentials"
    return result


def lint() -> Result:
    problems = load("lint.py").lint()
    return Result("", "failed" if problems else "passed", detail="; ".join(problems) or "shellcheck, actionlint")


# ---------------------------------------------------------------------------------------------
def table(results: list[Result]) -> str:
    rows = [("step", "result", "seconds", "artefact", "size")]
    for r in results:
        rows.append((r.step, r.status, f"{r.seconds:.0f}" if r.seconds else "", r.artefact,
                     f"{r.size_mb:.1f} MB" if r.size_mb is not None else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {r.step}: {r.detail}" for r in results if r.detail]
    return "\n".join(lines + ([""] + notes if notes else []))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build, verify and measure every artefact this machine can build.")
    ap.add_argument("--skip", default="", help=f"comma-separated steps to leave out: {', '.join(STEPS)}")
    args = ap.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(STEPS)
    if unknown:
        ap.error(f"unknown step(s) {sorted(unknown)}; the steps are {', '.join(STEPS)}")
    t0 = time.monotonic()
    run = Run(skip)
    built = run.step("frozen", "frozen app", frozen)
    if built.status == "passed":
        run.step("frozen", "signing", sign_frozen)
        run.step("smoke", "smoke test", smoke)
        if IS_LINUX:
            run.step("frozen", "Linux archive", linux_archive)
            run.step("deb", ".deb package", deb)
        if IS_MAC:
            run.step("macos", "macOS Info.plist", macos_bundle)
            run.step("macos", "macOS disk image", dmg)
    if IS_WIN and built.status == "passed" or not IS_WIN and not IS_MAC:
        run.step("windows", "Windows installer", windows_installer)
    if IS_LINUX:
        run.step("macos", "macOS Info.plist", macos_bundle)
        run.step("lint", "shellcheck + actionlint", lint)
    seconds = time.monotonic() - t0
    print("\n" + table(run.results), flush=True)
    print(f"\n[package] all steps in {seconds / 60:.1f} min", flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "package-report.json").write_text(
        json.dumps({"platform": sys.platform, "seconds": round(seconds, 1),
                    "steps": [asdict(r) for r in run.results]}, indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if run.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
