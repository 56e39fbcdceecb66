#!/bin/sh
# Create .venv (if missing) and install Koshiki with its test tools into it.
# Offline-safe: every dependency is a PyPI package that ships its data.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev,build]'
