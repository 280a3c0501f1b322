"""The Linux .deb (packaging/linux/make_deb.py), built from a small stand-in of the frozen folder.

Seconds, not minutes: nothing is installed here. The real package is installed, smoke-tested from its
menu entry and removed by ``python packaging/linux/make_deb.py --verify`` in the package step.
"""
from __future__ import annotations

import configparser
import os
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from _scripts import load

ROOT = Path(__file__).resolve().parents[2]
MAKE_DEB = ROOT / "packaging" / "linux" / "make_deb.py"
APP_PNG = ROOT / "packaging" / "icons" / "app.png"

needs_dpkg = pytest.mark.skipif(shutil.which("dpkg-deb") is None or shutil.which("dpkg") is None,
                                reason="dpkg-deb is not installed (not a Debian-based system)")


make_deb = load("linux/make_deb.py", "make_deb")


def _system_library(soname: str) -> Path | None:
    """Where this machine keeps a library (found without make_deb's own lookup)."""
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    for folder in (f"/usr/lib/{multiarch}", f"/lib/{multiarch}", "/usr/lib64", "/lib64", "/usr/lib", "/lib"):
        path = Path(folder) / soname
        if path.is_file():
            return path.resolve()
    return None


LIBSSL = _system_library("libssl.so.3")
needs_libssl = pytest.mark.skipif(LIBSSL is None, reason="no libssl.so.3 on this machine to copy")


def _owner(path: Path) -> str:
    out = subprocess.run(["dpkg", "-S", str(path)], capture_output=True, text=True, check=True).stdout
    return out.split(":")[0].split(",")[0].strip()


def _standin(folder: Path, libs: list[Path]) -> Path:
    """A frozen folder in miniature: the launcher (a shell script), a data file and folder with odd modes,
    and copies of real shared libraries under _internal/lib."""
    folder.mkdir()
    exe = folder / "bailian-video"
    exe.write_text("#!/bin/sh\necho 'stand-in for the frozen app'\n", encoding="utf-8")
    exe.chmod(0o750)
    internal = folder / "_internal"
    (internal / "lib").mkdir(parents=True)
    (internal / "private").mkdir(mode=0o700)
    data = internal / "private" / "settings.txt"
    data.write_text("data\n", encoding="utf-8")
    data.chmod(0o600)
    for lib in libs:
        copy = internal / "lib" / lib.name
        shutil.copyfile(lib, copy)
        copy.chmod(0o755)
    return folder


def _alternatives(depends: str) -> list[list[str]]:
    """"a (>= 1), b | c" → [["a"], ["b", "c"]]"""
    return [[re.sub(r"\s*\(.*\)", "", alt).strip() for alt in group.split("|")] for group in depends.split(",")]


def _contents(deb: Path) -> dict[str, tuple[str, str, str | None]]:
    """path → (mode, owner, link target) from dpkg-deb -c."""
    out = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        mode, owner, _size, _date, _time, rest = line.split(None, 5)
        path, _, target = rest.partition(" -> ")
        found[path.removeprefix(".").rstrip("/") or "/"] = (mode, owner, target or None)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("dpkg-deb") is None or LIBSSL is None:
        pytest.skip("needs dpkg-deb and a libssl.so.3 to copy")
    tmp = tmp_path_factory.mktemp("deb")
    frozen = _standin(tmp / "bailian-video", [LIBSSL])
    deb = make_deb.build_deb(frozen, tmp / "out", work=tmp / "work")
    extracted = tmp / "extracted"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(extracted)], check=True)
    return {"frozen": frozen, "deb": deb, "root": extracted}


def _desktop(built: dict[str, Path]) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((built["root"] / "usr/share/applications/bailian-video.desktop").read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


# -- the package built from the stand-in -------------------------------------------------------
@needs_dpkg
@needs_libssl
def test_control_fields(built):
    deb = built["deb"]
    fields = {k: subprocess.run(["dpkg-deb", "-f", str(deb), k], capture_output=True, text=True,
                                check=True).stdout.strip()
              for k in ("Package", "Version", "Architecture", "Maintainer", "Homepage", "Section", "Priority",
                        "Installed-Size", "Depends", "Description")}
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    assert fields["Package"] == "bailian-video-studio"
    assert fields["Version"] == version
    assert fields["Architecture"] == arch
    assert deb.name == f"bailian-video-studio_{version}_{arch}.deb"
    assert fields["Section"] == "video" and fields["Priority"] == "optional"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert re.fullmatch(r"[^<>]+ <[^@\s]+@[^@\s]+\.[a-z]+>", fields["Maintainer"])
    assert fields["Maintainer"].startswith(project["authors"][0]["name"] + " <")
    assert fields["Homepage"] == (project.get("urls") or {}).get("Homepage", "")     # left out until there is one
    summary, *body = fields["Description"].splitlines()
    assert 10 < len(summary) <= 80 and len(body) >= 3 and all(len(line) <= 80 for line in body)
    # Installed-Size is in KiB and counts at least the bytes the stand-in holds.
    size = sum(p.stat().st_size for p in built["frozen"].rglob("*") if p.is_file())
    assert int(fields["Installed-Size"]) >= size / 1024


@needs_dpkg
@needs_libssl
def test_depends_name_the_packages_of_the_libraries_the_folder_does_not_ship(built):
    depends = subprocess.run(["dpkg-deb", "-f", str(built["deb"]), "Depends"], capture_output=True, text=True,
                             check=True).stdout.strip()
    groups = _alternatives(depends)
    # The copied libssl.so.3 needs libcrypto.so.3, which the stand-in does not ship: its package is a Depends
    # (libssl3, or libssl3t64 on Ubuntu 24.04: both names are offered).
    libcrypto = _system_library("libcrypto.so.3")
    assert libcrypto is not None
    owner = _owner(libcrypto)
    assert any(owner in group for group in groups), depends
    group = next(g for g in groups if owner in g)
    assert len(group) == 2 and {n.removesuffix("t64") for n in group} == {owner.removesuffix("t64")}
    # libc6 with the lowest version that has every GLIBC_x.y symbol version libssl asks for.
    libc = re.search(r"\blibc6 \(>= ([\d.]+)\)", depends)
    assert libc, depends
    running = os.confstr("CS_GNU_LIBC_VERSION").split()[-1]
    assert tuple(map(int, libc.group(1).split("."))) <= tuple(map(int, running.split(".")))
    # Nothing twice; the run-time needs of a real bundle are not claimed for files the stand-in lacks.
    names = [n for g in groups for n in g]
    assert len(names) == len(set(names))
    assert "xkb-data" not in names and "fontconfig-config" not in names


@needs_dpkg
@needs_libssl
def test_recommends_a_chinese_font_and_no_generic_json_handler(built):
    recommends = subprocess.run(["dpkg-deb", "-f", str(built["deb"]), "Recommends"], capture_output=True,
                                text=True, check=True).stdout
    assert "fonts-noto-cjk" in recommends
    entry = _desktop(built)
    assert "application/json" not in entry.get("MimeType", "")


@needs_dpkg
@needs_libssl
def test_file_list_owners_and_modes(built):
    files = _contents(built["deb"])
    opt = "/opt/bailian-video"
    assert files[f"{opt}/bailian-video"][0] == "-rwxr-xr-x"                       # was 0750
    assert files[f"{opt}/_internal/lib/libssl.so.3"][0] == "-rw-r--r--"          # a library: no x bit
    assert files[f"{opt}/_internal/private/settings.txt"][0] == "-rw-r--r--"     # was 0600
    assert files[f"{opt}/_internal/private"][0] == "drwxr-xr-x"                  # was 0700
    assert files["/usr/bin/bailian-video"] == ("lrwxrwxrwx", "root/root", f"{opt}/bailian-video")
    assert files["/usr/share/applications/bailian-video.desktop"][0] == "-rw-r--r--"
    assert {owner for _mode, owner, _t in files.values()} == {"root/root"}
    assert {mode[0] for mode, _o, _t in files.values()} <= {"d", "-", "l"}
    assert all(mode in ("drwxr-xr-x", "-rw-r--r--", "-rwxr-xr-x", "lrwxrwxrwx") for mode, _o, _t in files.values())
    # Only what the package is for: the app, its link, its menu entry and its icons.
    others = [p for p in files if not p.startswith(opt) and p not in ("/", "/opt")
              and not p.startswith(("/usr/bin", "/usr/share/applications", "/usr/share/icons/hicolor"))
              and p not in ("/usr", "/usr/share", "/usr/share/icons")]
    assert others == []


@needs_dpkg
@needs_libssl
def test_icons_in_the_hicolor_theme_at_their_sizes(built):
    pytest.importorskip("PIL")
    icons = sorted((built["root"] / "usr/share/icons/hicolor").glob("*/apps/bailian-video.png"))
    sizes = {int(p.parts[-3].split("x")[0]) for p in icons}
    assert {16, 32, 48, 64, 128, 256, 512} <= sizes
    for p in icons:
        head = p.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", head[16:24]) == (int(p.parts[-3].split("x")[0]),) * 2, p


@needs_dpkg
@needs_libssl
def test_desktop_entry(built):
    entry = _desktop(built)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Bailian Video Studio"
    assert entry["Name[zh_CN]"] == "百炼视频工作室"
    for key in ("GenericName", "Comment"):
        assert entry[key].isascii() and entry[key]
        assert re.search(r"[\u4e00-\u9fff]", entry[f"{key}[zh_CN]"])
    assert re.search(r"(^|\s)%[fFuU](\s|$)", entry["Exec"])
    assert make_deb.exec_command(f"[Desktop Entry]\nExec={entry['Exec']}\n") == ["bailian-video"]
    assert entry["Icon"] == "bailian-video"
    assert list((built["root"] / "usr/share/icons/hicolor").glob(f"*/apps/{entry['Icon']}.png"))
    assert entry["Categories"] == "AudioVideo;Video;"
    assert entry["Terminal"] == "false"
    # The window's WM_CLASS class is the application name the app sets (ui/app.py).
    from bailian_video.ui.app import APP_NAME
    assert entry["StartupWMClass"] == APP_NAME
    assert "@" not in (built["root"] / "usr/share/applications/bailian-video.desktop").read_text(encoding="utf-8")


@needs_dpkg
@needs_libssl
@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (apt-get install desktop-file-utils)")
def test_desktop_entry_validates(built):
    proc = subprocess.run(["desktop-file-validate", str(built["root"] / "usr/share/applications/bailian-video.desktop")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "error" not in proc.stdout and "warning" not in proc.stdout, proc.stdout


# -- the parts on their own --------------------------------------------------------------------
@needs_dpkg
@needs_libssl
def test_a_shipped_library_is_not_a_dependency(tmp_path):
    libcrypto = _system_library("libcrypto.so.3")
    assert libcrypto is not None
    frozen = _standin(tmp_path / "bailian-video", [LIBSSL, libcrypto])
    deps, warnings = make_deb.compute_dependencies(frozen)
    computed = [d for d in deps if d.libraries]
    assert [d.package for d in computed] == ["libc6"], [d.entry() for d in deps]
    assert warnings == []


@needs_dpkg
@needs_libssl
def test_a_library_no_package_provides_stops_the_build(tmp_path):
    frozen = _standin(tmp_path / "bailian-video", [])
    broken = frozen / "_internal" / "lib" / "libssl.so.3"
    broken.write_bytes(LIBSSL.read_bytes().replace(b"libcrypto.so.3\0", b"libcrypxx.so.3\0"))
    with pytest.raises(make_deb.DebError, match=r"libcrypxx\.so\.3 \(needed by _internal/lib/libssl\.so\.3\)"):
        make_deb.build_deb(frozen, tmp_path / "out", work=tmp_path / "work")
    assert not list((tmp_path / "out").glob("*.deb"))


@needs_libssl
@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_elf_reader_agrees_with_readelf():
    elf = make_deb.read_elf(LIBSSL)
    dynamic = subprocess.run(["readelf", "-d", str(LIBSSL)], capture_output=True, text=True, check=True).stdout
    assert elf.needed == re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", dynamic)
    versions = subprocess.run(["readelf", "-V", str(LIBSSL)], capture_output=True, text=True, check=True).stdout
    part = versions.split("Version needs section", 1)[1]
    wanted: dict[str, set[str]] = {}
    current = ""
    for line in part.splitlines():
        if m := re.search(r"File: (\S+)", line):
            current = m.group(1)
        elif m := re.search(r"Name: (\S+)", line):
            wanted.setdefault(current, set()).add(m.group(1))
    assert elf.versions == wanted
    assert not elf.program                                      # a library: no interpreter
    assert make_deb.read_elf(Path(sys.executable).resolve()).program
    assert make_deb.read_elf(MAKE_DEB) is None


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libEGL.so.1", "libegl1"),
    ("libwayland-egl.so.1", "libwayland-egl1"),
    ("libpulse.so.0", "libpulse0"),
    ("libfoo.so", None),
])
def test_debian_library_naming_rule(soname, package):
    assert make_deb.debian_library_package(soname) == package


@pytest.mark.parametrize(("exec_line", "command"), [
    ("bailian-video %F", ["bailian-video"]),
    ("bailian-video --sandbox %U", ["bailian-video", "--sandbox"]),
    ('"/opt/my app/run" %f --rate 100%%', ["/opt/my app/run", "--rate", "100%"]),
])
def test_exec_line_without_field_codes(exec_line, command):
    assert make_deb.exec_command(f"[Desktop Entry]\nExec={exec_line}\n") == command


def test_without_pillow_the_icon_ships_at_its_own_size(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)          # import PIL now raises ImportError
    made = make_deb._write_icons(tmp_path)
    width = struct.unpack(">I", APP_PNG.read_bytes()[16:20])[0]
    folder = f"{width}x{width}" if width in make_deb.ICON_SIZES else "512x512"   # hicolor stops at 512
    assert made == [f"usr/share/icons/hicolor/{folder}/apps/bailian-video.png"]
    assert (tmp_path / made[0]).read_bytes() == APP_PNG.read_bytes()


def test_verify_without_root_says_so(tmp_path, monkeypatch):
    deb = tmp_path / "x.deb"
    deb.write_bytes(b"!<arch>\n")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)         # not root …
    monkeypatch.setenv("PATH", str(tmp_path))                 # … and no sudo to find
    problems = make_deb.verify_deb(deb)
    assert len(problems) == 1 and "root or passwordless sudo" in problems[0]
