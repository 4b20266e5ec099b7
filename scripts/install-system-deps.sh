#!/usr/bin/env bash
# Installs the system libraries cadence-coach needs (Debian, Ubuntu, Raspberry Pi OS).
# As root: installs what is missing with apt-get. Otherwise: names the packages to install and goes on
# (the product still runs without them: cues are printed instead of spoken).
# With --test, also what only the tests need: Chromium, which opens the HTML report headless
# (`make test` passes it; the product itself never starts a browser).
set -u
PACKAGES=(python3-venv libportaudio2 libespeak-ng1 espeak-ng pulseaudio pulseaudio-utils libasound2-plugins)
TEST_PACKAGES=(chromium)
[ "${1:-}" = "--test" ] && PACKAGES+=("${TEST_PACKAGES[@]}")
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "cadence-coach: no apt-get here; please install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "cadence-coach: missing system packages; run: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "cadence-coach: installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { echo "cadence-coach: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
