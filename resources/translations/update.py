#!/usr/bin/env python3
"""Refresh the UI translations: extract strings (pyside6-lupdate), compile (pyside6-lrelease), report gaps.

    python resources/translations/update.py           # update .ts from the sources, compile .qm
    python resources/translations/update.py --check   # exit 1 when a string lacks its Chinese translation

Edit ``bailian_video_zh_CN.ts`` with Qt Linguist (``pyside6-linguist``) or any text editor; both
the .ts and the compiled .qm are committed. Catalogue and engine texts are bilingual in the code
(``i18n.T``) and need nothing here.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCES = ROOT / "desktop" / "bailian_video" / "ui"
TS = HERE / "bailian_video_zh_CN.ts"
QM = HERE / "bailian_video_zh_CN.qm"
#: English needs a catalogue only for its plurals ("1 task", "2 tasks"): Qt's %n picks the form.
TS_EN = HERE / "bailian_video_en.ts"
QM_EN = HERE / "bailian_video_en.qm"
#: Plural sources whose singular is not "drop the (s)" (verbs that agree with the count).
EN_SINGULAR = {"%n need attention": "%n needs attention", "Archived %n tasks.": "Archived %n task.",
               "Compare %n takes": "Compare %n take"}


def tool(name: str) -> str:
    exe = Path(sys.executable).parent / name
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found (it comes with PySide6)")
    return found


def sources() -> list[str]:
    return sorted(str(p) for p in SOURCES.glob("*.py"))


def lupdate(ts: Path) -> None:
    subprocess.run([tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources(), "-ts", str(ts)],
                   check=True, capture_output=True)


def english_forms(source: str) -> tuple[str, str]:
    """(one, other) for an English plural source written as "… %n task(s) …"."""
    one = EN_SINGULAR.get(source, source.replace("(s)", "").replace("(es)", ""))
    return one, source.replace("(s)", "s").replace("(es)", "es")


def english_plurals() -> None:
    """Extract the %n strings into the English catalogue, fill both forms, compile it."""
    subprocess.run([tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", "-pluralonly",
                    "-target-language", "en", *sources(), "-ts", str(TS_EN)], check=True, capture_output=True)
    tree = ET.parse(TS_EN)
    for msg in tree.getroot().iter("message"):
        if msg.get("numerus") != "yes":
            continue
        tr = msg.find("translation")
        if tr is None:
            tr = ET.SubElement(msg, "translation")
        for child in list(tr):
            tr.remove(child)
        tr.attrib.pop("type", None)
        tr.text = None
        for form in english_forms(msg.findtext("source") or ""):
            ET.SubElement(tr, "numerusform").text = form
    tree.write(TS_EN, encoding="utf-8", xml_declaration=True)
    subprocess.run([tool("pyside6-lrelease"), str(TS_EN), "-qm", str(QM_EN)], check=True, capture_output=True)


def plural_sources(ts: Path) -> list[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    return [(ctx.findtext("name") or "", msg.findtext("source") or "") for ctx in root.iter("context")
            for msg in ctx.iter("message") if msg.get("numerus") == "yes"]


def unfinished(ts: Path) -> list[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    out = []
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            empty = tr is None or (not (tr.text or "").strip() and not any((n.text or "").strip()
                                                                          for n in tr.iter("numerusform")))
            if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") or empty:
                if tr is not None and tr.get("type") in ("vanished", "obsolete"):
                    continue
                out.append((name, msg.findtext("source") or ""))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="only check that every UI string is translated")
    args = ap.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / TS.name
            shutil.copy(TS, copy)
            lupdate(copy)
            gaps = unfinished(copy)
            fresh = {src for _ctx, src in plural_sources(copy)}
            known = {src for _ctx, src in plural_sources(TS_EN)} if TS_EN.exists() else set()
            gaps += [("English plurals", src) for src in sorted(fresh - known)]
    else:
        lupdate(TS)
        subprocess.run([tool("pyside6-lrelease"), str(TS), "-qm", str(QM)], check=True, capture_output=True)
        english_plurals()
        gaps = unfinished(TS)
    for ctx, src in gaps:
        print(f"untranslated [{ctx}] {src!r}")
    print(f"{len(gaps)} untranslated string(s)")
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
