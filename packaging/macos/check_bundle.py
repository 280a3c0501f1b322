#!/usr/bin/env python3
"""Build and check the macOS app bundle's Info.plist.

    python packaging/macos/check_bundle.py                                    # the Info.plist the spec gives a .app
    python packaging/macos/check_bundle.py --app "dist/Bailian Video Studio.app"   # a built bundle

The PyInstaller spec (packaging/bailian-video.spec) hands BUNDLE the keys that
:func:`info_plist_overrides` returns; PyInstaller writes its own keys and merges those over them.
:func:`spec_info_plist` reproduces that merge on any OS, so the plist is checked on every platform
before a Mac builds it. With ``--app`` the check reads a built bundle's Contents/Info.plist (the
release runner on macOS, after the build) and also looks for the executable and the icon it names
and for the lowest macOS version every Mach-O binary in the bundle was built for.

Each check prints an "ok …" or "FAIL …" line; the exit code is 1 when any check failed. Standard
library only.
"""
from __future__ import annotations

import argparse
import ast
import importlib.metadata
import os
import plistlib
import re
import struct
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MACOS_DIR = Path(__file__).resolve().parent
PACKAGING_DIR = MACOS_DIR.parent
sys.path.insert(0, str(PACKAGING_DIR))
import build  # noqa: E402

SPEC = PACKAGING_DIR / "bailian-video.spec"
INFO_TEMPLATE = MACOS_DIR / "Info.plist"

# What the bundle must say (the spec's BUNDLE_ID, DISPLAY_NAME and APP_NAME).
BUNDLE_ID = "com.bailianvideo.studio"
DISPLAY_NAME = "Bailian Video Studio"
EXECUTABLE = build.APP_NAME
ICON_FILE = "app.icns"              # packaging/icons/make_icons.derive() writes the spec's .icns under this name

# Places macOS protects (TCC) that the app may read or write: the user picks an output folder and opens
# or drops images, audio and video from anywhere. Without the key macOS still asks, with no reason given.
USAGE_DESCRIPTIONS = {
    "NSDesktopFolderUsageDescription": "~/Desktop",
    "NSDocumentsFolderUsageDescription": "~/Documents",
    "NSDownloadsFolderUsageDescription": "~/Downloads",
    "NSRemovableVolumesUsageDescription": "removable volumes (USB drives, SD cards)",
    "NSNetworkVolumesUsageDescription": "network volumes (SMB, NFS shares)",
    "NSFileProviderDomainUsageDescription": "file-provider folders (iCloud Drive and other cloud storage)",
}
# The app records nothing: these would make macOS offer a permission it never needs.
NOT_WANTED = ("NSMicrophoneUsageDescription", "NSCameraUsageDescription")

# The macOS each PySide6 release's wheels need: the macosx_<major>_<minor> platform tag of the
# PySide6-Essentials and PySide6-Addons wheels on PyPI (looked up 2026-12-04 for 6.7.0, 6.7.3, 6.8.0,
# 6.9.0, 6.10.0, 6.11.0, 6.11.3 and 6.12.0, all universal2). Used where the installed PySide6 is not a
# macOS wheel (Linux, Windows); on a Mac the installed wheel's own tag is read instead.
PYSIDE6_MACOS = {
    (6, 7): "11.0", (6, 8): "12.0", (6, 9): "12.0", (6, 10): "13.0", (6, 11): "13.0", (6, 12): "14.0",
}
VERSION_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)*$")      # CFBundleVersion: integers and periods only
MACOS_VERSION = re.compile(r"^[0-9]+(\.[0-9]+){0,2}$")


def version_tuple(text: str) -> tuple[int, ...]:
    """A macOS version for comparing: "13.0" → (13, 0, 0)."""
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


# ---------------------------------------------------------------------------------------------
# The minimum macOS: what PySide6 needs, and what the Mach-O binaries in a bundle were built for.
def pyside6_macos_minimum() -> tuple[str | None, str]:
    """(the macOS version the installed PySide6 needs, where that comes from); (None, why) if not known."""
    try:
        dist = importlib.metadata.distribution("PySide6-Essentials")
    except importlib.metadata.PackageNotFoundError:
        return None, (f"PySide6-Essentials is not installed in {sys.executable} (run this with the Python that "
                      f"builds the app, e.g. .venv/bin/python)")
    version = dist.version
    for line in (dist.read_text("WHEEL") or "").splitlines():
        m = re.match(r"Tag:\s*\S+-macosx_(\d+)_(\d+)_\w+", line)
        if m:
            return f"{m[1]}.{m[2]}", f"the installed PySide6-Essentials {version} wheel ({line.split(':', 1)[1].strip()})"
    nums = re.match(r"(\d+)\.(\d+)", version)
    minimum = PYSIDE6_MACOS.get((int(nums[1]), int(nums[2]))) if nums else None
    if minimum is None:
        return None, (f"no known macOS minimum for PySide6-Essentials {version}: add its wheels' macosx tag "
                      f"to PYSIDE6_MACOS in packaging/macos/check_bundle.py")
    return minimum, f"PySide6-Essentials {version}'s macOS wheels on PyPI (macosx_{minimum.replace('.', '_')} tag)"


LC_VERSION_MIN_MACOSX, LC_BUILD_VERSION, PLATFORM_MACOS = 0x24, 0x32, 1


def _decode_version(packed: int) -> str:
    """Mach-O's packed version (16 bits major, 8 minor, 8 patch) → "13.0" or "10.15.4"."""
    major, minor, patch = packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF
    return f"{major}.{minor}.{patch}" if patch else f"{major}.{minor}"


def _thin_minimum(data: bytes) -> str | None:
    """The macOS minimum of a 64- or 32-bit little-endian Mach-O image (its first bytes)."""
    if len(data) < 28:
        return None
    magic, _cpu, _sub, _kind, ncmds, _size, _flags = struct.unpack_from("<7I", data)
    if magic not in (0xFEEDFACF, 0xFEEDFACE):
        return None
    at = 32 if magic == 0xFEEDFACF else 28
    for _ in range(ncmds):
        if len(data) < at + 16:
            break
        cmd, size = struct.unpack_from("<II", data, at)
        if cmd == LC_BUILD_VERSION:
            platform, minos = struct.unpack_from("<II", data, at + 8)
            if platform == PLATFORM_MACOS:
                return _decode_version(minos)
        elif cmd == LC_VERSION_MIN_MACOSX:
            return _decode_version(struct.unpack_from("<I", data, at + 8)[0])
        if size < 8:
            break
        at += size
    return None


def macho_minimum(path: Path) -> str | None:
    """The lowest macOS a Mach-O file (thin or universal) was built for, from its LC_BUILD_VERSION or
    LC_VERSION_MIN_MACOSX load command (the highest over a universal file's slices); None for other files."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                return None
            if head[:4] in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"):       # universal: big-endian header
                wide = head[3] == 0xBF
                (count,) = struct.unpack(">I", head[4:8])
                if not 0 < count < 16:                                     # Java class files share the magic
                    return None
                entry = 32 if wide else 20
                table = f.read(entry * count)
                found = []
                for i in range(count):
                    if wide:
                        offset, size = struct.unpack_from(">QQ", table, i * entry + 8)
                    else:
                        offset, size = struct.unpack_from(">II", table, i * entry + 8)
                    f.seek(offset)
                    found.append(_thin_minimum(f.read(min(size, 1 << 16))))
                known = [v for v in found if v]
                return max(known, key=version_tuple) if known else None
            if head[:4] not in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"):
                return None
            f.seek(0)
            return _thin_minimum(f.read(1 << 16))
    except (OSError, struct.error):
        return None


def bundle_macos_minimum(files: Iterable[Path]) -> tuple[str, Path] | None:
    """The highest macOS minimum among the Mach-O files given, and the file that needs it."""
    best: tuple[str, Path] | None = None
    for path in files:
        if path.is_symlink() or not path.is_file():
            continue
        found = macho_minimum(path)
        if found and (best is None or version_tuple(found) > version_tuple(best[0])):
            best = (found, path)
    return best


def required_macos(binaries: Iterable[Path] = ()) -> tuple[str | None, str]:
    """The lowest macOS the app can run on and why: what the installed PySide6 needs, raised by any of
    ``binaries`` (Mach-O files) built for a later macOS."""
    minimum, why = pyside6_macos_minimum()
    highest = bundle_macos_minimum(binaries)
    if highest and (minimum is None or version_tuple(highest[0]) > version_tuple(minimum)):
        return highest[0], f"{highest[1].name} is built for macOS {highest[0]}"
    return minimum, why


# ---------------------------------------------------------------------------------------------
# The Info.plist a built .app gets.
def info_plist_overrides(version: str, bundle_id: str, macos_minimum: str | None) -> dict[str, Any]:
    """The ``info_plist`` the spec passes to BUNDLE: packaging/macos/Info.plist, the version keys from
    pyproject.toml, the bundle identifier, and LSMinimumSystemVersion raised to ``macos_minimum``."""
    info: dict[str, Any] = plistlib.loads(INFO_TEMPLATE.read_bytes())
    info.update({
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "CFBundleIdentifier": bundle_id,
    })
    floor = info.get("LSMinimumSystemVersion")
    if macos_minimum and (not floor or version_tuple(macos_minimum) > version_tuple(floor)):
        info["LSMinimumSystemVersion"] = macos_minimum
    return info


def pyinstaller_info_plist(*, appname: str, bundle_identifier: str, executable: str, icon: str, version: str,
                           console: bool, info_plist: dict[str, Any] | None) -> dict[str, Any]:
    """The Info.plist PyInstaller's BUNDLE writes, as in PyInstaller 6.x's PyInstaller/building/osx.py
    (6.22.3 here): BUNDLE.__init__ takes appname from the bundle's name without ".app" (line 71) and
    the version as a string (line 75); BUNDLE.assemble writes the keys of lines 616-635
    (CFBundleDisplayName and CFBundleName = appname, CFBundleExecutable and CFBundleIconFile = the
    base names), adds LSBackgroundOnly for a console app or NSHighResolutionCapable otherwise
    (lines 638-643), then updates that dict with the spec's info_plist (line 647: the spec's keys win)
    and dumps it with plistlib (line 651)."""
    info: dict[str, Any] = {
        "CFBundleDisplayName": appname,
        "CFBundleName": appname,
        "CFBundleIdentifier": bundle_identifier or appname,
        "CFBundleExecutable": os.path.basename(executable),
        "CFBundleIconFile": os.path.basename(icon),
        "CFBundleInfoDictionaryVersion": "6.0",
        "CFBundlePackageType": "APPL",
        "CFBundleShortVersionString": str(version),
    }
    if console:
        info["LSBackgroundOnly"] = True
    else:
        info["NSHighResolutionCapable"] = True
    if info_plist:
        info.update(info_plist)
    return info


def _spec_constants() -> dict[str, str]:
    """BUNDLE_ID, DISPLAY_NAME and APP_NAME as the spec assigns them (read, not run)."""
    wanted = {"BUNDLE_ID", "DISPLAY_NAME", "APP_NAME"}
    found: dict[str, str] = {}
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in wanted:
                    found[target.id] = ast.literal_eval(node.value)
    missing = wanted - found.keys()
    if missing:
        raise ValueError(f"{SPEC.name} no longer assigns {', '.join(sorted(missing))} as a literal")
    return found


def spec_info_plist() -> dict[str, Any]:
    """The Info.plist the spec gives a built .app: PyInstaller's own keys for the spec's BUNDLE(...)
    arguments with :func:`info_plist_overrides` merged over them, written with plistlib and read back.
    The spec's executable is windowed on macOS (console=False), so PyInstaller adds
    NSHighResolutionCapable, not LSBackgroundOnly."""
    spec = _spec_constants()
    version = build.version()
    minimum, _why = required_macos()
    info = pyinstaller_info_plist(
        appname=os.path.splitext(f"{spec['DISPLAY_NAME']}.app")[0],
        bundle_identifier=spec["BUNDLE_ID"],
        executable=spec["APP_NAME"],
        icon=ICON_FILE,
        version=version,
        console=False,
        info_plist=info_plist_overrides(version, spec["BUNDLE_ID"], minimum),
    )
    return plistlib.loads(plistlib.dumps(info))


# ---------------------------------------------------------------------------------------------
# The checks.
def _results(info: dict[str, Any], version: str,
             macos_minimum: tuple[str | None, str] | None = None) -> list[tuple[bool, str]]:
    """(passed, what) for each check: ``what`` reads as an "ok" detail or as the problem sentence."""
    out: list[tuple[bool, str]] = []

    def expect(key: str, wanted: object) -> None:
        value = info.get(key)
        if value == wanted:
            out.append((True, f"{key}: {value!r}"))
        elif value is None:
            out.append((False, f"Info.plist has no {key} (it should be {wanted!r})"))
        else:
            out.append((False, f"Info.plist {key} is {value!r}, not {wanted!r}"))

    expect("CFBundleIdentifier", BUNDLE_ID)
    expect("CFBundleShortVersionString", version)
    expect("CFBundleVersion", version)
    build_number = info.get("CFBundleVersion")
    if isinstance(build_number, str) and not VERSION_NUMBER.match(build_number):
        out.append((False, f"Info.plist CFBundleVersion {build_number!r} is not a build number macOS accepts "
                           f"(period-separated integers such as 1.2.3; make pyproject's version one)"))
    expect("CFBundleExecutable", EXECUTABLE)
    expect("CFBundlePackageType", "APPL")
    expect("CFBundleDisplayName", DISPLAY_NAME)
    expect("CFBundleName", DISPLAY_NAME)
    expect("NSHighResolutionCapable", True)
    if info.get("LSBackgroundOnly"):
        out.append((False, "Info.plist sets LSBackgroundOnly: the app would have no Dock icon or menu bar "
                           "(the spec's EXE must be console=False on macOS)"))
    icon = info.get("CFBundleIconFile")
    out.append((True, f"CFBundleIconFile: {icon!r}") if icon else
               (False, "Info.plist has no CFBundleIconFile: Finder and the Dock would show a generic icon"))

    minimum = info.get("LSMinimumSystemVersion")
    need, why = macos_minimum if macos_minimum is not None else required_macos()
    if not isinstance(minimum, str) or not MACOS_VERSION.match(minimum):
        out.append((False, f"Info.plist LSMinimumSystemVersion is {minimum!r}: it needs a macOS version "
                           f"such as '13.0' ({why})"))
    elif need is None:
        out.append((False, f"LSMinimumSystemVersion {minimum} cannot be checked: {why}"))
    elif version_tuple(minimum) < version_tuple(need):
        out.append((False, f"Info.plist LSMinimumSystemVersion is {minimum}, but the app needs macOS {need} "
                           f"({why}): macOS {minimum} would start it and crash; set it to {need}"))
    else:
        out.append((True, f"LSMinimumSystemVersion: {minimum} (needs {need}: {why})"))

    for key, place in USAGE_DESCRIPTIONS.items():
        text = info.get(key)
        if isinstance(text, str) and text.strip():
            out.append((True, f"{key}: {text}"))
        else:
            out.append((False, f"Info.plist has no {key}: macOS asks before the app opens files in {place} "
                               f"and would give no reason (add a sentence to packaging/macos/Info.plist)"))
    for key in NOT_WANTED:
        if key in info:
            out.append((False, f"Info.plist has {key}, but the app records nothing: remove it"))
    return out


def check_info_plist(info: dict[str, Any], version: str) -> list[str]:
    """Problems with an app's Info.plist (as a dict) for the given pyproject version; [] = passed."""
    return [what for passed, what in _results(info, version) if not passed]


def _app_results(app: Path, version: str) -> list[tuple[bool, str]]:
    plist = app / "Contents" / "Info.plist"
    if not plist.is_file():
        return [(False, f"no Contents/Info.plist in {app} (build the .app first: python packaging/build.py)")]
    try:
        info = plistlib.loads(plist.read_bytes())
    except Exception as e:                              # plistlib raises several types for a broken file
        return [(False, f"{plist} is not a readable property list ({e})")]
    contents = app / "Contents"
    binaries = [p for sub in ("MacOS", "Frameworks") for p in sorted((contents / sub).rglob("*"))]
    pyside, pyside_why = pyside6_macos_minimum()
    highest = bundle_macos_minimum(binaries)
    need: tuple[str | None, str] = (pyside, pyside_why)
    if highest and (pyside is None or version_tuple(highest[0]) > version_tuple(pyside)):
        need = (highest[0], f"{highest[1].relative_to(app)} is built for macOS {highest[0]}")
    out = _results(info, version, need)

    exe_name = info.get("CFBundleExecutable")
    if exe_name:
        exe = contents / "MacOS" / str(exe_name)
        if not exe.is_file():
            out.append((False, f"the executable Info.plist names is missing: {exe.relative_to(app)}"))
        elif not os.access(exe, os.X_OK):
            out.append((False, f"{exe.relative_to(app)} is not executable (chmod +x)"))
        else:
            out.append((True, f"executable: {exe.relative_to(app)}"))
    icon_name = info.get("CFBundleIconFile")
    if icon_name:
        icon = contents / "Resources" / str(icon_name)
        if not icon.suffix:                             # the .icns extension may be left out of the key
            icon = icon.with_name(icon.name + ".icns")
        out.append((True, f"icon: {icon.relative_to(app)}") if icon.is_file() else
                   (False, f"the icon Info.plist names is missing: {icon.relative_to(app)}"))
    return out


def check_app(app: Path, version: str) -> list[str]:
    """Problems with a built .app bundle: its Info.plist, executable, icon and binaries; [] = passed."""
    return [what for passed, what in _app_results(app, version) if not passed]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Check the macOS app bundle's Info.plist.")
    ap.add_argument("--app", type=Path, help="a built .app bundle to check (default: the Info.plist the spec "
                                             "gives a bundle, checked without building)")
    args = ap.parse_args(argv)
    version = build.version()
    if args.app:
        app = args.app.resolve()
        build.say(f"checking the app bundle {app} against version {version}")
        results = _app_results(app, version)
    else:
        build.say(f"checking the Info.plist packaging/bailian-video.spec gives the .app (version {version})")
        results = _results(spec_info_plist(), version)
    for passed, what in results:
        print(f"ok   {what}" if passed else f"FAIL {what}", flush=True)
    failed = sum(not passed for passed, _ in results)
    build.say(f"Info.plist: {len(results) - failed} checks passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
