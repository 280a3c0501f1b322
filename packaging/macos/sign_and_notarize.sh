#!/usr/bin/env bash
# Sign the .app with the hardened runtime, then sign, notarize and staple the .dmg.
#
#   packaging/macos/sign_and_notarize.sh sign APP        # before make_dmg.sh
#   packaging/macos/sign_and_notarize.sh notarize DMG    # after make_dmg.sh
#
# Credentials come from the environment (in CI: repository secrets). Without them each step
# prints a notice and exits 0, so unsigned builds still work (Gatekeeper then blocks the first
# start: System Settings → Privacy & Security → Open Anyway; before macOS 15, right-click → Open).
#
#   MACOS_CERTIFICATE            base64 of a "Developer ID Application" certificate + key (.p12)
#   MACOS_CERTIFICATE_PASSWORD   the .p12's password
#   MACOS_SIGNING_IDENTITY       optional: which identity in it (default: the first Developer ID Application)
# Notarization, either an App Store Connect API key (preferred) …
#   APPLE_API_KEY                base64 of the AuthKey_XXXX.p8 file
#   APPLE_API_KEY_ID             its key ID
#   APPLE_API_ISSUER             the issuer ID
# … or an Apple ID with an app-specific password:
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD
#
# The notarization step (`notarize DMG`)
#   Needs: macOS with Xcode's command-line tools (codesign, security, xcrun notarytool, xcrun
#   stapler), the signing certificate above (the .dmg is signed before it is submitted), one of
#   the two notarization credentials, and a network connection to Apple's notary service.
#   Then: signs the .dmg, submits it with `xcrun notarytool submit --wait` (JSON output), on
#   status "Accepted" staples the ticket and validates it; otherwise prints the submission's log
#   (`xcrun notarytool log ID`) and exits 1 naming the status.
#   Without credentials (as run on Linux, no MACOS_* / APPLE_* variables set) it prints exactly
#   this one line and exits 0:
#     notice: MACOS_CERTIFICATE not set: 'some.dmg' is neither signed nor notarized.
#   (under GitHub Actions the same text as
#     ::notice title=macOS signing::MACOS_CERTIFICATE not set: 'some.dmg' is neither signed nor notarized.)
#   With a certificate but no notarization credentials it signs the .dmg and prints (read from the
#   code below; not run here, it needs a Mac)
#     notice: No notarization credentials (APPLE_API_KEY… or APPLE_ID…): 'some.dmg' is signed but not notarized.
#   A missing .dmg is an error whatever the credentials (exit 1, on stderr):
#     sign_and_notarize.sh: no disk image at 'some.dmg'
#   What `xcrun notarytool submit` answers when the credentials are wrong is not known here: Apple's
#   documentation that could be searched does not show that output, and there is no Mac to run it on.
#   Whatever it prints, the step fails: a non-zero exit of notarytool ends the script (set -e with
#   pipefail), and a JSON answer without status "Accepted" exits 1 naming the status.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ENTITLEMENTS="$HERE/entitlements.plist"

notice() {
  # GitHub Actions shows ::notice:: lines in the run summary; elsewhere they are plain text.
  if [[ -n "${GITHUB_ACTIONS:-}" ]]; then echo "::notice title=macOS signing::$*"; else echo "notice: $*"; fi
}
die() { echo "sign_and_notarize.sh: $*" >&2; exit 1; }

have_certificate() { [[ -n "${MACOS_CERTIFICATE:-}" && -n "${MACOS_CERTIFICATE_PASSWORD:-}" ]]; }
have_notary_key() { [[ -n "${APPLE_API_KEY:-}" && -n "${APPLE_API_KEY_ID:-}" && -n "${APPLE_API_ISSUER:-}" ]]; }
have_notary_id() { [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; }

WORK=""
KEYCHAIN=""
cleanup() {
  if [[ -n "$KEYCHAIN" ]]; then security delete-keychain "$KEYCHAIN" >/dev/null 2>&1 || true; fi
  if [[ -n "$WORK" ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# The tools a signing run needs: macOS and Xcode's command-line tools.
require_macos_tools() {
  local tool
  for tool in security codesign xcrun uuidgen; do
    command -v "$tool" >/dev/null 2>&1 \
      || die "'$tool' not found: signing and notarizing run on macOS with Xcode's command-line tools (xcode-select --install)"
  done
}

# Import the certificate into a throw-away keychain and set IDENTITY.
import_certificate() {
  require_macos_tools
  WORK="$(mktemp -d)"
  KEYCHAIN="$WORK/signing.keychain-db"
  local kc_pass p12="$WORK/cert.p12"
  kc_pass="$(uuidgen)"
  printf '%s' "$MACOS_CERTIFICATE" | base64 --decode > "$p12"
  security create-keychain -p "$kc_pass" "$KEYCHAIN"
  security set-keychain-settings -lut 21600 "$KEYCHAIN"
  security unlock-keychain -p "$kc_pass" "$KEYCHAIN"
  security import "$p12" -k "$KEYCHAIN" -P "$MACOS_CERTIFICATE_PASSWORD" -f pkcs12 -A \
    -T /usr/bin/codesign -T /usr/bin/security >/dev/null
  security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$kc_pass" "$KEYCHAIN" >/dev/null
  # Put it first in the search list so codesign finds the identity (keep the existing ones: one
  # quoted path a line, read into an array so that a path with spaces stays one argument; a loop,
  # not mapfile, and the ${a[@]+…} form for an empty array: macOS's /bin/bash is bash 3.2).
  local existing=() line
  while IFS= read -r line; do
    existing+=("$line")
  done < <(security list-keychains -d user | sed -e 's/^[[:space:]]*"//' -e 's/"$//')
  security list-keychains -d user -s "$KEYCHAIN" ${existing[@]+"${existing[@]}"}
  rm -f "$p12"
  IDENTITY="${MACOS_SIGNING_IDENTITY:-}"
  if [[ -z "$IDENTITY" ]]; then
    IDENTITY="$(security find-identity -v -p codesigning "$KEYCHAIN" \
                | sed -n 's/.*"\(Developer ID Application[^"]*\)".*/\1/p' | head -n 1)"
  fi
  [[ -n "$IDENTITY" ]] || die "no 'Developer ID Application' identity in MACOS_CERTIFICATE"
  echo "signing as: $IDENTITY"
}

codesign_one() {
  codesign --force --options runtime --timestamp --sign "$IDENTITY" "$@"
}

sign_app() {
  local app="$1"
  [[ -d "$app" ]] || die "no app bundle at '$app'"
  if ! have_certificate; then
    notice "MACOS_CERTIFICATE / MACOS_CERTIFICATE_PASSWORD not set: the .app stays ad-hoc signed (not notarizable)."
    return 0
  fi
  import_certificate
  local n=0 f
  # 1. Every Mach-O file except the main executables, innermost first: dylibs, Python extension
  #    modules, Qt plugins and the binaries inside the Qt frameworks.
  while IFS= read -r -d '' f; do
    if file -b "$f" | grep -q 'Mach-O'; then
      codesign_one "$f"
      n=$((n + 1))
    fi
  done < <(find "$app/Contents" -type f ! -path "$app/Contents/MacOS/*" -print0)
  echo "signed $n libraries"
  # 2. Framework bundles (deepest first), now that their binaries carry signatures.
  while IFS= read -r -d '' f; do
    codesign_one "$f"
  done < <(find "$app/Contents" -depth -type d -name '*.framework' -print0)
  # 3. The executables, with the hardened-runtime entitlements, then the bundle itself.
  while IFS= read -r -d '' f; do
    codesign_one --entitlements "$ENTITLEMENTS" "$f"
  done < <(find "$app/Contents/MacOS" -type f -perm -u+x -print0)
  codesign_one --entitlements "$ENTITLEMENTS" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
  codesign --display --verbose=2 "$app" 2>&1 | sed -n '/^Authority\|^TeamIdentifier\|^Runtime\|^Timestamp/p'
}

notarize_dmg() {
  local dmg="$1"
  [[ -f "$dmg" ]] || die "no disk image at '$dmg'"
  if ! have_certificate; then
    notice "MACOS_CERTIFICATE not set: '$(basename "$dmg")' is neither signed nor notarized."
    return 0
  fi
  import_certificate
  codesign --force --timestamp --sign "$IDENTITY" "$dmg"
  local auth=()
  if have_notary_key; then
    printf '%s' "$APPLE_API_KEY" | base64 --decode > "$WORK/AuthKey.p8"
    auth=(--key "$WORK/AuthKey.p8" --key-id "$APPLE_API_KEY_ID" --issuer "$APPLE_API_ISSUER")
  elif have_notary_id; then
    auth=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
  else
    notice "No notarization credentials (APPLE_API_KEY… or APPLE_ID…): '$(basename "$dmg")' is signed but not notarized."
    return 0
  fi
  local out="$WORK/notary.json" status id
  xcrun notarytool submit "$dmg" "${auth[@]}" --wait --timeout 60m --output-format json | tee "$out"
  status="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("status",""))' "$out")"
  id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("id",""))' "$out")"
  if [[ "$status" != "Accepted" ]]; then
    if [[ -n "$id" ]]; then xcrun notarytool log "$id" "${auth[@]}" || true; fi
    die "notarization finished with status '$status'"
  fi
  xcrun stapler staple "$dmg"
  xcrun stapler validate "$dmg"
  spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg" || true
}

case "${1:-}" in
  sign) [[ $# -eq 2 ]] || die "usage: $0 sign APP"; sign_app "$2" ;;
  notarize) [[ $# -eq 2 ]] || die "usage: $0 notarize DMG"; notarize_dmg "$2" ;;
  *) echo "usage: $0 sign APP | notarize DMG" >&2; exit 2 ;;
esac
