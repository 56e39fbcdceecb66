#!/bin/sh
# Run the whole test suite (checker, web application, docs drift) in .venv.
# Database: SQLite by default; set DATABASE_URL=postgres://... for PostgreSQL.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
exec .venv/bin/python -m pytest -n "${KOSHIKI_TEST_WORKERS:-2}" -p no:cacheprovider "$@"
