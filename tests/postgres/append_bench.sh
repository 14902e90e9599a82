#!/usr/bin/env bash
# How many pushes a second the change stream's one counter row lets through (docs/postgres.md,
# "Cursors that never skip a row"): pgbench clients, each a writer committing one push of 3
# changed rows per transaction with PgChangeLog::Append's statement, against the naive allocation
# (a SEQUENCE, no lock, which skips rows) as the baseline, measured in the same run on a durable
# throwaway cluster (fsync on, synchronous_commit on, unix socket). Prints min and median of RUNS
# runs of SECONDS each per client count, with the machine's load.
#
# Usage: tests/postgres/append_bench.sh [SECONDS=10] [RUNS=5] [CLIENTS="1 4 16"]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-10}"
runs="${2:-5}"
clients="${3:-1 4 16}"
pgbench="$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)"

dir="$(mktemp -d "${TMPDIR:-/tmp}/fieldbook-pgbench.XXXXXX")"
trap 'scripts/pg-cluster stop "$dir"' EXIT
conn="$(PG_CLUSTER_DURABLE=1 scripts/pg-cluster start "$dir")"
psql -q -v ON_ERROR_STOP=1 "$conn" -f schema/sql/postgres/0001_change_log.sql
psql -q -v ON_ERROR_STOP=1 "$conn" -c "CREATE SEQUENCE naive_seq"

# The statement of PgChangeLog::Append (server/store/pg/pg_change_log.cc) for 3 rows.
cat >"$dir/counter.sql" <<'SQL'
\set r random(1, 100000000)
BEGIN;
WITH next AS (UPDATE fb_hub_seq SET value = value + 3 RETURNING value - 3 AS first), added AS (INSERT INTO fb_change_log (seq, table_code, row_id, customer_id) SELECT next.first + u.n, u.t, u.r, u.c FROM next, unnest('{1,2,3}'::integer[], ARRAY['a' || :r, 'b' || :r, 'c' || :r], ARRAY['c1', 'c1', 'c1']) WITH ORDINALITY AS u(t, r, c, n)) SELECT first + 1 FROM next;
COMMIT;
SQL
cat >"$dir/naive.sql" <<'SQL'
\set r random(1, 100000000)
BEGIN;
INSERT INTO fb_change_log (seq, table_code, row_id, customer_id) SELECT nextval('naive_seq') + 1000000000000, u.t, u.r, u.c FROM unnest('{1,2,3}'::integer[], ARRAY['a' || :r, 'b' || :r, 'c' || :r], ARRAY['c1', 'c1', 'c1']) AS u(t, r, c);
COMMIT;
SQL

# tps of one run: SCRIPT CLIENTS
run() {
  "$pgbench" -n -M prepared -f "$dir/$1.sql" -c "$2" -j "$2" -T "$seconds" "$conn" 2>/dev/null |
    sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | cut -d. -f1
}
stats() {  # min and median of the numbers given
  sort -n | awk '{v[NR]=$1} END {printf "%d / %d", v[1], v[int((NR+1)/2)]}'
}

echo "load before: $(uptime | sed 's/.*load average: //')  ($(nproc) cores)"
printf '%-8s %-28s %-28s\n' clients "counter row: min / median" "naive sequence: min / median"
for c in $clients; do
  counter=() naive=()
  for _ in $(seq "$runs"); do
    counter+=("$(run counter "$c")")
    naive+=("$(run naive "$c")")
  done
  printf '%-8s %-28s %-28s\n' "$c" "$(printf '%s\n' "${counter[@]}" | stats) tps" \
    "$(printf '%s\n' "${naive[@]}" | stats) tps"
done
echo "load after: $(uptime | sed 's/.*load average: //')"
