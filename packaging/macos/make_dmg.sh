#!/usr/bin/env bash
# Put the .app into a compressed disk image with an /Applications shortcut beside it, so the
# user drags one onto the other.
#
#   packaging/macos/make_dmg.sh [APP] [OUT.dmg]
#
# Defaults: dist/Bailian Video Studio.app → dist/BailianVideoStudio-<version>-macos-<arch>.dmg
# (version from pyproject.toml). Needs macOS (hdiutil). Sign the .app before this, and sign and
# notarize the .dmg after it (sign_and_notarize.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VOLNAME="Bailian Video Studio"
APP="${1:-$ROOT/dist/$VOLNAME.app}"

if ! command -v hdiutil >/dev/null 2>&1; then
  echo "make_dmg.sh: hdiutil not found (this script runs on macOS only)" >&2
  exit 2
fi
if [[ ! -d "$APP" ]]; then
  echo "make_dmg.sh: no app bundle at '$APP' (build it first: python packaging/build.py)" >&2
  exit 2
fi

if [[ $# -ge 2 ]]; then
  OUT="$2"
else
  VERSION="$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' \
             "$ROOT/pyproject.toml")"
  OUT="$ROOT/dist/BailianVideoStudio-$VERSION-macos-$(uname -m).dmg"
fi

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
# ditto keeps symlinks, extended attributes and code signatures intact (cp -R may not).
ditto "$APP" "$STAGE/$(basename "$APP")"
ln -s /Applications "$STAGE/Applications"

rm -f "$OUT"
hdiutil create -volname "$VOLNAME" -srcfolder "$STAGE" -fs HFS+ -format UDZO -imagekey zlib-level=9 -ov "$OUT"
hdiutil verify "$OUT"
echo "dmg: $OUT ($(du -h "$OUT" | cut -f1))"
