"""The Windows installer's stand-in layout and its checks (packaging/windows/make_installer.py).

The installer itself is compiled, installed and uninstalled under wine by the package step
(`python3 scripts/dev.py package`, run by .ci/run); these tests pin the rules that step relies on."""
from __future__ import annotations

import re
import struct
import tomllib
from pathlib import Path

from _scripts import load

ROOT = Path(__file__).resolve().parents[2]
mi = load("windows/make_installer.py", "make_installer")


def test_windows_names_follow_pyinstallers_windows_layout():
    wn = mi.windows_name
    assert wn("bailian-video", "EXECUTABLE") == "bailian-video.exe"
    assert wn("libpython3.11.so.1.0", "BINARY") == "_internal/python311.dll"
    assert wn("lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so", "EXTENSION") == "_internal/_ssl.pyd"
    assert wn("numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so", "EXTENSION") == \
        "_internal/numpy/_core/_multiarray_umath.cp311-win_amd64.pyd"
    assert wn("PySide6/QtCore.abi3.so", "EXTENSION") == "_internal/PySide6/QtCore.pyd"
    assert wn("PySide6/Qt/lib/libQt6Core.so.6", "BINARY") == "_internal/PySide6/Qt6Core.dll"
    assert wn("PySide6/Qt/plugins/imageformats/libqjpeg.so", "BINARY") == \
        "_internal/PySide6/plugins/imageformats/qjpeg.dll"
    assert wn("PySide6/Qt/translations/qtbase_zh_CN.qm", "DATA") == "_internal/PySide6/translations/qtbase_zh_CN.qm"
    assert wn("av.libs/libavcodec-5e6b81c2.so.62.28.102", "BINARY") == "_internal/av.libs/avcodec.dll"
    assert wn("bailian_video/resources/icons/app.png", "DATA") == "_internal/bailian_video/resources/icons/app.png"
    # Linux-only pieces have no Windows counterpart.
    for dest in ("libX11.so.6", "libxcb-cursor.so.0", "libQt6XcbQpa.so.6", "PySide6/Qt/lib/libQt6XcbQpa.so.6",
                 "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so",
                 "libpulse.so.0"):
        assert wn(dest, "BINARY") is None, dest
    assert wn("libQt6Core.so.6", "SYMLINK") is None


def test_stand_in_has_both_executables_and_the_windows_runtime(tmp_path):
    work = tmp_path / "build"
    (work / "bailian-video").mkdir(parents=True)
    toc = [("bailian-video", "/x/bailian-video", "EXECUTABLE"),
           ("libpython3.11.so.1.0", "/x/libpython3.11.so.1.0", "BINARY"),
           ("PySide6/Qt/lib/libQt6Gui.so.6", "/x/libQt6Gui.so.6", "BINARY"),
           ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
           ("base_library.zip", "/x/base_library.zip", "DATA")]
    (work / "bailian-video" / "COLLECT-00.toc").write_text(repr((toc,)), encoding="utf-8")
    out = tmp_path / "stand-in"
    files = mi.make_stand_in(work, tmp_path / "no-frozen-folder", out)
    assert {"bailian-video.exe", "bailian-video-cli.exe", "_internal/python311.dll", "_internal/python3.dll",
            "_internal/VCRUNTIME140.dll", "_internal/PySide6/Qt6Gui.dll", "_internal/base_library.zip",
            "_internal/PySide6/plugins/platforms/qwindows.dll"} <= set(files)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == files


def test_version_strings_reads_a_version_resource(tmp_path):
    def entry(key: str, value: str) -> bytes:
        body = key.encode("utf-16-le") + b"\0\0"
        body += b"\0" * ((-(6 + len(body))) % 4)
        return struct.pack("<HHH", 0, len(value) + 1, 1) + body + value.encode("utf-16-le") + b"\0\0"
    def aligned(blob: bytes) -> bytes:              # resource entries start on 32-bit boundaries
        return blob + b"\0" * ((-len(blob)) % 4)
    blob = aligned(b"MZ" + b"\0" * 62 + entry("CompanyName", "Bailian Video Studio   "))
    blob += entry("ProductVersion", "0.1.0")
    exe = tmp_path / "setup.exe"
    exe.write_bytes(blob)
    assert mi.version_strings(exe) == {"CompanyName": "Bailian Video Studio", "ProductVersion": "0.1.0"}


def test_publisher_and_app_id_come_from_pyproject_and_the_script():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert mi.publisher() == project["authors"][0]["name"]
    assert re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", mi.app_id())


def test_the_installer_speaks_chinese_without_inno_setups_own_translation():
    """installer.iss always offers Simplified Chinese: this app's messages over whichever complete file
    the compiler has (the package step compiles it, installs it with /LANG=chinesesimplified and
    finds the Start-menu entry 百炼视频工作室)."""
    isl = ROOT / "packaging" / "windows" / "ChineseSimplified-studio.isl"
    raw = isl.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup reads a .isl as UTF-8 only with a byte-order mark"
    text = raw.decode("utf-8-sig")
    assert re.search(r"^LanguageID=\$0804\s*$", text, re.MULTILINE)
    messages = dict(re.findall(r"^(\w+)=(.*?)\s*$", text, re.MULTILINE))
    for shown in ("WizardSelectDir", "WizardReady", "WizardInstalling", "FinishedHeadingLabel", "ButtonNext",
                  "ButtonInstall", "ButtonCancel", "ConfirmUninstall", "UninstalledAll", "ExitSetupMessage",
                  "CreateDesktopIcon", "LaunchProgram", "SetupAppRunningError"):
        assert re.search(r"[\u4e00-\u9fff]", messages.get(shown, "")), f"{shown} is not in Chinese"
    iss = (ROOT / "packaging" / "windows" / "installer.iss").read_text(encoding="utf-8-sig")
    assert iss.count('Name: "chinesesimplified"; MessagesFile:') == 2          # with and without ChineseIsl
    assert iss.count("ChineseSimplified-studio.isl\"") == 2
    assert "chinesesimplified.AppMenuName=百炼视频工作室" in iss
    assert (ROOT / "packaging" / "windows" / "installer.iss").read_bytes().startswith(b"\xef\xbb\xbf")
