#!/bin/sh
# Run the whole test suite (checker, web application, browser tests, docs drift) in .venv;
# scripts/browser_deps.sh installs Debian's chromium for tests/browser when it is missing.
# Database: SQLite by default; set DATABASE_URL=postgres://... for PostgreSQL.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/browser_deps.sh
exec .venv/bin/python -m pytest -n "${KOSHIKI_TEST_WORKERS:-2}" -p no:cacheprovider "$@"
