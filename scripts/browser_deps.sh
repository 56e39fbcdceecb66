#!/bin/sh
# Make sure the browser tests (tests/browser/) have a Chromium: Debian's package, installed
# with apt when /usr/bin/chromium (or $KOSHIKI_CHROMIUM) is missing, with a Japanese font
# (IPA Gothic) so that pages lay out and screenshots read as they do for city staff.
# Playwright never downloads a browser (`playwright install` is not used: machines are offline).
# Never fails: without apt or root the browser tests skip with a loud warning and the rest
# of the suite still runs.
set -u
missing=""
if [ -n "${KOSHIKI_CHROMIUM:-}" ] && [ -x "${KOSHIKI_CHROMIUM}" ]; then
    :
elif [ ! -x /usr/bin/chromium ] && [ ! -x /usr/bin/chromium-browser ]; then
    missing="chromium"
fi
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ja 2>/dev/null | head -1)" ]; then
    missing="$missing fonts-ipafont-gothic"
elif [ -n "$missing" ]; then
    missing="$missing fonts-ipafont-gothic"
fi
[ -z "$missing" ] && exit 0
case "$missing" in *chromium*) need_browser=1 ;; *) need_browser=0 ;; esac
say_skip() {
    if [ "$need_browser" = 1 ]; then
        echo "!! browser tests: $1; tests/browser will be SKIPPED" >&2
    else
        echo "!! browser tests: $1 (no Japanese font: screenshots show boxes)" >&2
    fi
}
if ! command -v apt-get >/dev/null 2>&1; then
    say_skip "no apt-get to install$missing"
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        say_skip "not root: apt-get install -y$missing"
        exit 0
    fi
fi
echo "== installing Debian's$missing for the browser tests (apt-get) =="
log="$(mktemp)"
# shellcheck disable=SC2086  # $missing is a list of package names
if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >"$log" 2>&1 \
    || { $SUDO apt-get update -q >>"$log" 2>&1 \
         && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >>"$log" 2>&1; }; then
    [ "$need_browser" = 1 ] && echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
else
    tail -5 "$log" >&2
    say_skip "apt-get could not install$missing"
fi
rm -f "$log"
exit 0
