"""The macOS bundle's Info.plist (packaging/macos/check_bundle.py): built by the spec's code, checked
on any OS, and a built .app checked the way the release runner checks it."""
from __future__ import annotations

import ast
import os
import plistlib
import struct
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from _scripts import load

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "bailian-video.spec"
CHECK_BUNDLE = PACKAGING / "macos" / "check_bundle.py"


cb = load("macos/check_bundle.py", "bv_check_bundle")
VERSION = cb.build.version()


def _macho(*commands: tuple[int, bytes]) -> bytes:
    """A 64-bit little-endian Mach-O header with the given load commands (cmd, payload)."""
    body = b"".join(struct.pack("<II", cmd, 8 + len(payload)) + payload for cmd, payload in commands)
    return struct.pack("<7I", 0xFEEDFACF, 0x0100000C, 0, 6, len(commands), len(body), 0) + b"\0" * 4 + body


def _build_version(major: int, minor: int, platform: int = 1) -> tuple[int, bytes]:
    """LC_BUILD_VERSION: platform, minos, sdk, ntools."""
    return 0x32, struct.pack("<4I", platform, (major << 16) | (minor << 8), (15 << 16), 0)


def _fat(*slices: bytes) -> bytes:
    """A universal (fat) file holding the given thin images, each at a 4 KiB boundary."""
    header = struct.pack(">II", 0xCAFEBABE, len(slices))
    offset, table, data = 4096, b"", b""
    for image in slices:
        table += struct.pack(">5I", 0x0100000C, 0, offset + len(data), len(image), 12)
        data += image + b"\0" * (-len(image) % 4096)
    return (header + table).ljust(4096, b"\0") + data


# -- the Info.plist the spec gives the .app ---------------------------------------------------
def test_spec_info_plist_passes_the_check():
    info = cb.spec_info_plist()
    assert cb.check_info_plist(info, VERSION) == []
    assert info["CFBundleIdentifier"] == "com.bailianvideo.studio"
    assert info["CFBundleExecutable"] == "bailian-video" and info["CFBundlePackageType"] == "APPL"
    assert info["CFBundleShortVersionString"] == info["CFBundleVersion"] == VERSION
    assert info["NSHighResolutionCapable"] is True and "LSBackgroundOnly" not in info
    for key in cb.USAGE_DESCRIPTIONS:
        assert info[key].endswith(".") and "Bailian Video Studio" in info[key]
    assert "NSMicrophoneUsageDescription" not in info and "NSCameraUsageDescription" not in info
    # LSMinimumSystemVersion: raised from the template's floor to what the installed PySide6 needs.
    need, _why = cb.pyside6_macos_minimum()
    assert need is not None and info["LSMinimumSystemVersion"] == need


def test_spec_info_plist_is_what_pyinstaller_writes(tmp_path, monkeypatch):
    """PyInstaller's own BUNDLE.assemble(), given the spec's arguments, writes the plist spec_info_plist()
    predicts (BUNDLE is a no-op off macOS: here it runs with code signing stubbed out)."""
    pytest.importorskip("PyInstaller")
    from PyInstaller.building import osx
    from PyInstaller.config import CONF

    for key, sub in (("workpath", "work"), ("distpath", "dist"), ("specpath", "")):
        (tmp_path / sub).mkdir(exist_ok=True)
        monkeypatch.setitem(CONF, key, str(tmp_path / sub))
    monkeypatch.setattr(osx, "is_darwin", True)
    monkeypatch.setattr(osx, "osxutils", SimpleNamespace(sign_binary=lambda *a, **k: None), raising=False)
    monkeypatch.setattr(osx.BUNDLE, "__postinit__", lambda self: None)
    exe = tmp_path / "bailian-video"
    exe.write_bytes(b"#!/bin/sh\n")
    icns = tmp_path / "app.icns"
    icns.write_bytes(b"icns" + struct.pack(">I", 8))
    spec = cb._spec_constants()
    minimum, _why = cb.required_macos()
    bundle = osx.BUNDLE([(spec["APP_NAME"], str(exe), "EXECUTABLE")], name=f"{spec['DISPLAY_NAME']}.app",
                        icon=str(icns), bundle_identifier=spec["BUNDLE_ID"], version=VERSION,
                        info_plist=cb.info_plist_overrides(VERSION, spec["BUNDLE_ID"], minimum))
    bundle.console = False                     # what BUNDLE(coll) inherits from the spec's windowed EXE
    bundle.assemble()
    written = plistlib.loads((tmp_path / "dist" / "Bailian Video Studio.app" / "Contents" / "Info.plist").read_bytes())
    assert written == cb.spec_info_plist()


def test_the_spec_builds_its_plist_with_check_bundle(tmp_path):
    """Run the spec's `if IS_MAC:` block with a stand-in BUNDLE: it passes check_bundle's keys, and a
    collected binary built for a later macOS raises LSMinimumSystemVersion."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and isinstance(n.test, ast.Name)
                 and n.test.id == "IS_MAC")
    late = tmp_path / "libneedsnew.dylib"
    late.write_bytes(_macho(_build_version(15, 0)))
    calls: list[dict[str, Any]] = []
    namespace: dict[str, Any] = {
        "sys": sys, "Path": Path, "SPEC_DIR": PACKAGING, "VERSION": VERSION, "BUNDLE_ID": "com.bailianvideo.studio",
        "DISPLAY_NAME": "Bailian Video Studio", "ICNS": tmp_path / "app.icns", "coll": object(),
        "a": SimpleNamespace(binaries=[("libneedsnew.dylib", str(late), "BINARY")]),
        "BUNDLE": lambda *args, **kwargs: calls.append(kwargs),
    }
    saved_path = list(sys.path)
    try:
        exec(compile(ast.Module(block.body, []), str(SPEC), "exec"), namespace)
    finally:
        sys.path[:] = saved_path
    (kwargs,) = calls
    assert kwargs["info_plist"] == cb.info_plist_overrides(VERSION, "com.bailianvideo.studio", "15.0")
    assert kwargs["info_plist"]["LSMinimumSystemVersion"] == "15.0"
    assert kwargs["bundle_identifier"] == "com.bailianvideo.studio" and kwargs["version"] == VERSION


# -- what the check reports -------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(cb.USAGE_DESCRIPTIONS))
def test_a_missing_usage_description_is_reported(key):
    info = cb.spec_info_plist()
    del info[key]
    (problem,) = cb.check_info_plist(info, VERSION)
    assert key in problem and "packaging/macos/Info.plist" in problem


def test_an_empty_usage_description_is_reported():
    info = cb.spec_info_plist()
    info["NSDownloadsFolderUsageDescription"] = "  "
    (problem,) = cb.check_info_plist(info, VERSION)
    assert "NSDownloadsFolderUsageDescription" in problem and "~/Downloads" in problem


def test_a_wrong_version_is_reported():
    info = cb.spec_info_plist()
    info["CFBundleShortVersionString"] = "0.0.9"
    (problem,) = cb.check_info_plist(info, VERSION)
    assert "CFBundleShortVersionString" in problem and "'0.0.9'" in problem and repr(VERSION) in problem
    # …and the pyproject version itself is what the plist must carry.
    assert any("CFBundleVersion" in p for p in cb.check_info_plist(cb.spec_info_plist(), "9.9.9"))


def test_a_non_numeric_build_number_is_reported():
    info = cb.spec_info_plist()
    info["CFBundleShortVersionString"] = info["CFBundleVersion"] = "0.2.0rc1"
    (problem,) = cb.check_info_plist(info, "0.2.0rc1")
    assert "CFBundleVersion" in problem and "build number" in problem


@pytest.mark.parametrize("key, value, words", [
    ("CFBundleIdentifier", "bailian-video", ["CFBundleIdentifier", "com.bailianvideo.studio"]),
    ("CFBundleExecutable", "launcher", ["CFBundleExecutable", "bailian-video"]),
    ("CFBundlePackageType", "BNDL", ["CFBundlePackageType", "APPL"]),
    ("LSMinimumSystemVersion", "10.9", ["LSMinimumSystemVersion", "10.9", "PySide6"]),
    ("LSBackgroundOnly", True, ["LSBackgroundOnly", "console=False"]),
    ("NSMicrophoneUsageDescription", "Records you.", ["NSMicrophoneUsageDescription", "records nothing"]),
    ("CFBundleDisplayName", "bailian-video", ["CFBundleDisplayName", "Bailian Video Studio"]),
])
def test_other_wrong_keys_are_reported(key, value, words):
    info = cb.spec_info_plist()
    info[key] = value
    (problem,) = cb.check_info_plist(info, VERSION)
    assert all(w in problem for w in words), problem


def test_missing_keys_are_reported():
    info = cb.spec_info_plist()
    for key in ("LSMinimumSystemVersion", "NSHighResolutionCapable", "CFBundleIconFile"):
        del info[key]
    problems = cb.check_info_plist(info, VERSION)
    assert len(problems) == 3
    for key in ("LSMinimumSystemVersion", "NSHighResolutionCapable", "CFBundleIconFile"):
        assert any(key in p for p in problems), key


# -- the lowest macOS a binary was built for --------------------------------------------------
def test_macho_minimum_reads_thin_and_universal_files(tmp_path):
    cases = {
        "thin": (_macho((0x19, b"\0" * 64), _build_version(13, 0)), "13.0"),
        "old-style": (_macho((0x24, struct.pack("<II", (10 << 16) | (13 << 8), 0))), "10.13"),
        "universal": (_fat(_macho(_build_version(11, 0)), _macho(_build_version(12, 3))), "12.3"),
        "ios only": (_macho(_build_version(17, 0, platform=2)), None),
        "text": (b"#!/bin/sh\necho hello\n", None),
        "java class": (b"\xca\xfe\xba\xbe\x00\x00\x00\x41" + b"\0" * 64, None),
        "truncated": (_macho(_build_version(14, 0))[:20], None),
    }
    for name, (data, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert cb.macho_minimum(path) == expected, name
    highest = cb.bundle_macos_minimum(tmp_path / name for name in cases)
    assert highest == ("13.0", tmp_path / "thin")


# -- a built .app (--app) ---------------------------------------------------------------------
def _fake_app(tmp_path: Path, info: dict[str, Any] | None = None) -> Path:
    app = tmp_path / "Bailian Video Studio.app"
    contents = app / "Contents"
    for sub in ("MacOS", "Resources", "Frameworks"):
        (contents / sub).mkdir(parents=True)
    info = cb.spec_info_plist() if info is None else info
    (contents / "Info.plist").write_bytes(plistlib.dumps(info))
    exe = contents / "MacOS" / info["CFBundleExecutable"]
    exe.write_bytes(_macho(_build_version(11, 0)))
    exe.chmod(0o755)
    (contents / "Resources" / info["CFBundleIconFile"]).write_bytes(b"icns\0\0\0\x08")
    return app


def test_app_check_passes_on_a_complete_bundle(tmp_path, capsys):
    app = _fake_app(tmp_path)
    assert cb.main(["--app", str(app)]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert "ok   executable: Contents/MacOS/bailian-video" in out and "ok   icon: Contents/Resources/app.icns" in out


def test_app_check_fails_without_the_executable(tmp_path, capsys):
    app = _fake_app(tmp_path)
    (app / "Contents" / "MacOS" / "bailian-video").unlink()
    assert cb.main(["--app", str(app)]) == 1
    fails = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL")]
    assert fails == ["FAIL the executable Info.plist names is missing: Contents/MacOS/bailian-video"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_app_check_fails_when_the_executable_is_not_executable(tmp_path):
    app = _fake_app(tmp_path)
    (app / "Contents" / "MacOS" / "bailian-video").chmod(0o644)
    (problem,) = cb.check_app(app, VERSION)
    assert "not executable" in problem


def test_app_check_fails_without_the_icon_or_the_plist(tmp_path):
    app = _fake_app(tmp_path)
    (app / "Contents" / "Resources" / "app.icns").unlink()
    assert cb.check_app(app, VERSION) == ["the icon Info.plist names is missing: Contents/Resources/app.icns"]
    (app / "Contents" / "Info.plist").unlink()
    (problem,) = cb.check_app(app, VERSION)
    assert "no Contents/Info.plist" in problem


def test_app_check_finds_a_binary_that_needs_a_later_macos(tmp_path):
    app = _fake_app(tmp_path)
    lib = app / "Contents" / "Frameworks" / "numpy" / ".dylibs" / "libscipy_openblas.dylib"
    lib.parent.mkdir(parents=True)
    lib.write_bytes(_fat(_macho(_build_version(14, 0)), _macho(_build_version(26, 0))))
    (problem,) = cb.check_app(app, VERSION)
    assert "LSMinimumSystemVersion" in problem and "26.0" in problem and "libscipy_openblas.dylib" in problem


def test_the_script_runs_standalone():
    """What package.py and the release runner run: the file as a script, with this Python."""
    r = subprocess.run([sys.executable, str(CHECK_BUNDLE)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONWARNINGS": "error"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[package] Info.plist:" in r.stdout and "0 failed" in r.stdout
    assert "ok   CFBundleIdentifier: 'com.bailianvideo.studio'" in r.stdout
