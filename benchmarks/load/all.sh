#!/bin/sh
# The load benchmark in one command (issue 10 item 10): a PostgreSQL database per city size,
# migrated and seeded (demo city + N listed accounts, 50,000 published posts, 200,000 audit
# events; a larger size is a copy of the smaller one with the extra accounts added), then
# benchmarks/load/run.py against gunicorn started with the documented command. All under nice.
#
#   sh benchmarks/load/all.sh                   # 300 and 3,000 accounts, 8 s per scenario
#   SIZES=300 SECONDS=5 sh benchmarks/load/all.sh
#   REUSE=1 sh benchmarks/load/all.sh           # keep databases seeded by an earlier run
#
# PG (default postgres://postgres@127.0.0.1:5432) names the server; databases koshiki_bench_<N>
# are dropped and re-created unless REUSE=1. Output: Markdown tables on stdout.
set -eu
cd "$(dirname "$0")/../.."
PG=${PG:-postgres://postgres@127.0.0.1:5432}
SIZES=${SIZES:-"300 3000"}
SECONDS_EACH=${SECONDS:-8}
PY=.venv/bin/python
previous=""
for n in $SIZES; do
    db=koshiki_bench_$n
    url="$PG/$db"
    if [ "${REUSE:-0}" != 1 ] || ! psql "$url" -tAc "select 1" >/dev/null 2>&1; then
        psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $db"
        if [ -n "$previous" ]; then
            psql "$PG/postgres" -q -c "CREATE DATABASE $db TEMPLATE koshiki_bench_$previous"
            DATABASE_URL=$url nice -n 5 $PY benchmarks/load/seed.py --add-accounts $((n - previous))
        else
            psql "$PG/postgres" -q -c "CREATE DATABASE $db"
            DATABASE_URL=$url nice -n 5 $PY manage.py migrate -v 0
            DATABASE_URL=$url nice -n 5 $PY benchmarks/load/seed.py --accounts "$n" --posts 50000 --audit-events 200000
        fi
    fi
    DATABASE_URL=$url nice -n 5 $PY benchmarks/load/run.py --label "$n accounts" --seconds "$SECONDS_EACH"
    previous=$n
done
