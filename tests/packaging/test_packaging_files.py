"""Quick checks of the packaging files (no build): the spec, the workflow, the installer scripts.

The frozen build itself is tested by ``python packaging/build.py`` (minutes, not seconds).
"""
from __future__ import annotations

import ast
import os
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from _scripts import load

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "bailian-video.spec"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
ISS = PACKAGING / "windows" / "installer.iss"


def _spec_source() -> str:
    return SPEC.read_text(encoding="utf-8")


def _spec_literal(name: str):
    """The literal value assigned to ``name`` at the spec's top level."""
    for node in ast.parse(_spec_source()).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not assigned in the spec")


def _calls(name: str) -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(_spec_source()))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name]


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


# -- the PyInstaller spec ---------------------------------------------------------------------
def test_spec_and_helpers_parse_as_python():
    for path in (SPEC, PACKAGING / "launcher.py", PACKAGING / "build.py", PACKAGING / "icons" / "make_icons.py",
                 *sorted((PACKAGING / "hooks").glob("hook-*.py"))):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_spec_is_one_folder():
    exes, collects = _calls("EXE"), _calls("COLLECT")
    assert exes and len(collects) == 1, "one-folder mode: EXE(s) gathered by one COLLECT"
    for exe in exes:
        excl = _kw(exe, "exclude_binaries")
        assert isinstance(excl, ast.Constant) and excl.value is True, "binaries go to COLLECT, not into the exe"
    assert "onefile" not in _spec_source().lower().replace("one-file", "")


def test_spec_has_icon_and_version_from_pyproject():
    src = _spec_source()
    assert all(_kw(exe, "icon") is not None for exe in _calls("EXE"))
    assert "tomllib" in src and "pyproject.toml" in src
    bundle = _calls("BUNDLE")
    assert bundle and _kw(bundle[0], "bundle_identifier") is not None
    assert _spec_literal("BUNDLE_ID") == "com.bailianvideo.studio"
    assert _kw(bundle[0], "version") is not None


def test_spec_excludes_unused_qt_modules():
    unused = set(_spec_literal("QT_UNUSED"))
    for module in ("QtWebEngineCore", "QtWebEngineWidgets", "QtQml", "QtQuick", "QtQuick3D", "Qt3DCore",
                   "QtCharts", "QtDataVisualization", "QtPdf", "QtBluetooth", "QtNfc", "QtPositioning",
                   "QtSensors", "QtSerialPort", "QtTest", "QtDesigner", "QtHelp", "QtSql", "QtRemoteObjects",
                   "QtScxml", "QtSpatialAudio", "QtTextToSpeech", "QtWebSockets", "QtWebChannel"):
        assert module in unused, module
    # ...but never what the app uses.
    for used in ("QtCore", "QtGui", "QtWidgets", "QtMultimedia", "QtMultimediaWidgets", "QtNetwork"):
        assert used not in unused, used
    assert "tkinter" in _spec_source() and '"dashscope"' in _spec_source()


def test_spec_keeps_what_frozen_pyside_apps_lose():
    src = _spec_source()
    assert "PySide6.QtMultimedia" in src                        # → plugins/multimedia (FFmpeg backend)
    assert 'collect_submodules("keyring.backends")' in src
    assert 'copy_metadata("keyring")' in src                     # entry points
    assert '"av"' in src
    assert 'ROOT / "resources"' in src                          # translations (.qm), icons
    keep = re.compile(_spec_literal_regex("KEEP_QT_TRANSLATION"))
    assert keep.search("qtbase_zh_CN.qm") and keep.search("qtbase_en.qm")
    assert not keep.search("qtbase_de.qm") and not keep.search("qt_help_zh_CN.qm")


def _spec_literal_regex(name: str) -> str:
    for node in ast.parse(_spec_source()).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            call = node.value
            assert isinstance(call, ast.Call)
            return ast.literal_eval(call.args[0])
    raise AssertionError(name)


def test_unused_plugin_hook_pattern():
    src = (PACKAGING / "hooks" / "hook-PySide6.QtGui.py").read_text(encoding="utf-8")
    pattern = None
    for node in ast.parse(src).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_UNUSED_PLUGIN":
            pattern = re.compile(ast.literal_eval(node.value.args[0]))
    assert pattern is not None
    drop = ["Qt/plugins/platformthemes/libqgtk3.so", "Qt/plugins/platforms/libqeglfs.so",
            "Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so"]
    keep = ["Qt/plugins/platforms/libqxcb.so", "Qt/plugins/platforms/libqoffscreen.so",
            "Qt/plugins/platforms/libqwayland.so", "plugins\\platforms\\qwindows.dll",
            "Qt/plugins/platforms/libqcocoa.dylib", "Qt/plugins/platformthemes/libqxdgdesktopportal.so",
            "Qt/plugins/multimedia/libffmpegmediaplugin.so"]
    assert all(pattern.search(p) for p in drop)
    assert not any(pattern.search(p) for p in keep)


def test_app_icon_and_derived_icons(tmp_path):
    from PIL import Image
    png = PACKAGING / "icons" / "app.png"
    with Image.open(png) as im:
        assert im.size == (1024, 1024) and im.mode == "RGBA"
    make_icons = load("icons/make_icons.py", "bv_make_icons")
    ico, icns = make_icons.derive(tmp_path)
    with Image.open(ico) as im:
        assert (256, 256) in im.info["sizes"] and (16, 16) in im.info["sizes"]
    with Image.open(icns) as im:
        assert im.format == "ICNS"


def test_pyproject_declares_packaging_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project.get("optional-dependencies", {}).get("packaging", [])
    assert any(req.lower().startswith("pyinstaller") for req in extra), \
        "pyproject.toml needs [project.optional-dependencies] packaging = [\"pyinstaller>=6.10\", …]"


# -- build.py ---------------------------------------------------------------------------------
def test_build_script_checks_match_the_smoke_test_report():
    build = load("build.py", "bv_build")
    report = (
        "ok   qt: PySide6 6.12.0, Qt 6.12.0, platform offscreen\n"
        "ok   translations: /x/bailian_video_zh_CN.qm (设置…)\n"
        "ok   keyring: fail Keyring — not usable (no keychain service is available on this system)\n"
        "ok   sandbox task: /tmp/v/out.mp4 (123456 bytes, 1.2 s)\n"
        "ok   multimedia: backend default (ffmpeg), 11 decodable formats, opened an MP4 (1000 ms)\n"
        "ok   exports: OTIO, FCP XML, EDL and a 剪映 draft written and read back\n"
        "PASSED in 3.0 s\n"
    )
    for what, pattern in build.REQUIRED_CHECKS.items():
        assert re.search(pattern, report, re.MULTILINE), what
        failed = re.sub(r"^ok  ", "FAIL", report, flags=re.MULTILINE)
        assert not re.search(pattern, failed, re.MULTILINE), what
    assert build.frozen_exe(Path("dist")).name.startswith("bailian-video")


@pytest.mark.skipif(not sys.platform.startswith("linux") or not (shutil.which("objcopy") and shutil.which("strip")),
                    reason="the spec strips debug information on Linux, with binutils")
def test_spec_strips_only_binaries_that_carry_debug_information(tmp_path):
    """The spec's ELF reader finds .debug_* sections; `strip --strip-debug` removes them and nothing else."""
    namespace: dict = {}
    tree = ast.parse(_spec_source())
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_has_debug_info")
    exec(compile(ast.Module([func], []), str(SPEC), "exec"), {"struct": struct, "os": os}, namespace)
    has_debug = namespace["_has_debug_info"]
    plain = tmp_path / "plain"
    subprocess.run(["strip", "--strip-debug", "-o", str(plain), str(Path(sys.executable).resolve())], check=True)
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"not loaded at run time\n" * 1000)
    debug = tmp_path / "with-debug"
    subprocess.run(["objcopy", "--add-section", f".debug_str={notes}", str(plain), str(debug)], check=True)
    stripped = tmp_path / "stripped"
    subprocess.run(["strip", "--strip-debug", "-o", str(stripped), str(debug)], check=True)
    assert has_debug(str(debug)) and not has_debug(str(plain)) and not has_debug(str(stripped))
    assert stripped.stat().st_size < debug.stat().st_size
    assert not has_debug(str(notes)) and not has_debug(str(PACKAGING / "icons" / "app.png"))
    assert subprocess.run([str(stripped), "-c", "print(6 * 7)"], capture_output=True, text=True).stdout == "42\n"


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("tar"), reason="Linux archive")
def test_build_script_packs_the_linux_archive_the_workflow_uploads(tmp_path):
    build = load("build.py", "bv_build")
    folder = tmp_path / "dist" / "bailian-video"
    (folder / "_internal").mkdir(parents=True)
    (folder / "bailian-video").write_bytes(b"#!/bin/sh\n")
    archive = build.linux_archive(tmp_path / "dist", folder)
    assert archive.name == f"bailian-video-{build.version()}-linux-x86_64.tar.gz"
    assert "dist/*.tar.gz" in WORKFLOW.read_text(encoding="utf-8")
    listing = subprocess.run(["tar", "-tzf", str(archive)], capture_output=True, text=True, check=True).stdout
    assert sorted(listing.split()) == ["bailian-video/", "bailian-video/_internal/", "bailian-video/bailian-video"]


# -- the release workflow ---------------------------------------------------------------------
def _workflow() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_validates_against_the_github_schema():
    exe = shutil.which("check-jsonschema") or (
        str(Path(sys.executable).with_name("check-jsonschema")) if Path(sys.executable).with_name(
            "check-jsonschema").exists() else None)
    if exe is None:
        pytest.skip("check-jsonschema is not installed (pip install check-jsonschema)")
    r = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                       check=False, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_workflow_runs_the_local_packaging_command_on_three_oses():
    """The release runners run `python scripts/dev.py package`, the command .ci/run runs here, and upload
    what it built; signing secrets reach only that step."""
    wf = _workflow()
    triggers = wf.get("on", wf.get(True))                      # YAML 1.1 reads a bare `on` as True
    assert "push" in triggers and "workflow_dispatch" in triggers
    (job,) = wf["jobs"].values()
    oses = {entry["os"] for entry in job["strategy"]["matrix"]["include"]}
    assert oses == {"windows-latest", "macos-14", "ubuntu-22.04"}       # Linux: the oldest glibc (see the workflow)
    assert job["runs-on"] == "${{ matrix.os }}"
    assert job["env"]["QT_QPA_PLATFORM"] == "offscreen"
    steps = job["steps"]
    setup = [s for s in steps if s.get("uses", "").startswith("actions/setup-python")]
    assert setup and str(setup[0]["with"]["python-version"]) == "3.11"
    package = [s for s in steps if "scripts/dev.py package" in s.get("run", "")]
    assert len(package) == 1 and "if" not in package[0], "the same command on every OS"
    assert "dev.py package" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for s in steps:
        secrets = [v for v in s.get("env", {}).values() if "secrets." in str(v)]
        assert not secrets or s is package[0], f"secrets reach {s.get('name')}"
    assert "WINDOWS_CERTIFICATE" in package[0]["env"] and "MACOS_CERTIFICATE" in package[0]["env"]
    upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    paths = upload[0]["with"]["path"]
    for kind in ("*-setup.exe", "*.dmg", "*.tar.gz", "*.deb"):
        assert f"dist/{kind}" in paths


# -- Windows and macOS installer files --------------------------------------------------------
def test_inno_setup_script_is_per_user_with_start_menu_entry():
    text = ISS.read_text(encoding="utf-8")
    assert re.search(r"^PrivilegesRequired=lowest\s*$", text, re.MULTILINE)
    # Real Windows gets {autopf} (per user: %LOCALAPPDATA%\Programs); only the wine check overrides it.
    assert re.search(r"^DefaultDirName=\{#InstallRoot\}\\", text, re.MULTILINE)
    assert re.search(r'^\s*#define InstallRoot "\{autopf\}"', text, re.MULTILINE)
    assert re.search(r"^AppId=\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", text, re.MULTILINE)
    icons = text.split("[Icons]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'^Name: "\{autoprograms\}\\', icons, re.MULTILINE), "Start-menu entry"
    assert re.search(r'^Name: "\{autodesktop\}\\.*Tasks: desktopicon', icons, re.MULTILINE)
    assert 'Name: "desktopicon"' in text and "Flags: unchecked" in text
    assert "AppVersion" in text and "#ifndef AppVersion" in text
    assert 'MessagesFile: "compiler:Default.isl"' in text and "ChineseIsl" in text
    assert "Uninstallable=no" not in text


def test_windows_sign_script_skips_without_certificate():
    text = (PACKAGING / "windows" / "sign.ps1").read_text(encoding="utf-8")
    assert "WINDOWS_CERTIFICATE" in text and "exit 0" in text and "signtool" in text
    assert "/tr" in text and "/fd SHA256" in text


def test_macos_plists():
    ent = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    assert ent["com.apple.security.cs.allow-unsigned-executable-memory"] is True
    assert ent["com.apple.security.cs.disable-library-validation"] is True
    info = plistlib.loads((PACKAGING / "macos" / "Info.plist").read_bytes())
    # 11.0 is a floor: the build raises it to what PySide6 and the collected binaries need (check_bundle.py).
    assert info["LSMinimumSystemVersion"] == "11.0" and info["NSHighResolutionCapable"] is True
    assert "NSMicrophoneUsageDescription" not in info


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize("script", ["make_dmg.sh", "sign_and_notarize.sh"])
def test_macos_scripts_are_valid_bash(script):
    path = PACKAGING / "macos" / script
    subprocess.run(["bash", "-n", str(path)], check=True)


@pytest.mark.skipif(shutil.which("bash") is None or sys.platform == "win32", reason="needs bash")
def test_sign_and_notarize_skips_without_credentials(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    app = tmp_path / "X.app"
    app.mkdir()
    r = subprocess.run(["bash", str(PACKAGING / "macos" / "sign_and_notarize.sh"), "sign", str(app)],
                       check=False, capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 0 and "not set" in r.stdout


def test_installer_version_matches_the_app_version():
    """The spec, the installer and the .dmg take pyproject's version; the app shows ``__version__``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    init = (ROOT / "desktop" / "bailian_video" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', init, re.MULTILINE)
    assert m, "bailian_video.__version__ not found"
    assert project["version"] == m.group(1)
