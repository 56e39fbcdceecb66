#!/bin/sh
# Install into .venv, set up the SQLite database with the demo city, and serve
# the web application at http://127.0.0.1:8000 (the demo logins are printed).
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
