#!/bin/sh
# Make sure the browser tests (tests/browser/) have a Chromium: Debian's package, installed
# with apt when /usr/bin/chromium (or $KOSHIKI_CHROMIUM) is missing. Playwright never
# downloads a browser (`playwright install` is not used: the machines are offline).
# Never fails: without apt or without root the browser tests skip with a loud warning and
# the rest of the suite still runs.
set -u
if [ -n "${KOSHIKI_CHROMIUM:-}" ] && [ -x "${KOSHIKI_CHROMIUM}" ]; then
    exit 0
fi
if [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "!! browser tests: no Chromium and no apt-get; tests/browser will be SKIPPED" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "!! browser tests: Chromium missing and not root (apt-get install -y chromium); tests/browser will be SKIPPED" >&2
        exit 0
    fi
fi
echo "== installing Debian's chromium for the browser tests (apt-get) =="
log="$(mktemp)"
if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >"$log" 2>&1 \
    || { $SUDO apt-get update -q >>"$log" 2>&1 \
         && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>"$log" 2>&1; }; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
else
    tail -5 "$log" >&2
    echo "!! browser tests: apt-get could not install chromium; tests/browser will be SKIPPED" >&2
fi
rm -f "$log"
exit 0
