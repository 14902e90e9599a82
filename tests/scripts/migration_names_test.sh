#!/usr/bin/env bash
# cmake/EmbedSql.cmake's fieldbook_collect_migrations on planted schema/sql trees: files found by
# being present, ordered by number per side with the other side's numbers as gaps; a number used
# twice by one side (domain + replica, domain + server) or a malformed name stops the configure with a message naming it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$tmp/collect.cmake" <<CMAKE
include("$root/cmake/EmbedSql.cmake")
fieldbook_collect_migrations("\${SQL_DIR}" replica hub)
list(TRANSFORM replica REPLACE ".*/" "")
list(TRANSFORM hub REPLACE ".*/" "")
message("replica=\${replica}")
message("hub=\${hub}")
CMAKE
collect() { cmake -DSQL_DIR="$1" -P "$tmp/collect.cmake" 2>&1; }

t="$tmp/sql"
mkdir -p "$t/domain" "$t/replica" "$t/server"
touch "$t/domain/0001_domain.sql" "$t/replica/0002_replica.sql" "$t/server/0002_server.sql" \
  "$t/server/0003_server.sql" \
  "$t/domain/0004_more.sql" "$t/server/0005_hub_only.sql" "$t/replica/0010_late.sql" \
  "$t/replica/.0011_swap.sql" "$t/server/0006_old.sql~"
out="$(collect "$t")" || fail "a good tree was refused: $out"
grep -qx 'replica=0001_domain.sql;0002_replica.sql;0004_more.sql;0010_late.sql' <<<"$out" ||
  fail "replica order: $out"
grep -qx 'hub=0001_domain.sql;0002_server.sql;0003_server.sql;0004_more.sql;0005_hub_only.sql' <<<"$out" ||
  fail "hub order: $out"

expect_refused() {  # expect_refused <file to plant> <text the message must hold>
  cp -r "$t" "$tmp/bad"
  touch "$tmp/bad/$1"
  if out="$(collect "$tmp/bad")"; then fail "$1 was accepted"; fi
  grep -q -- "$2" <<<"$(tr '\n' ' ' <<<"$out" | tr -s ' ')" || fail "$1: unclear message: $out"
  rm -rf "$tmp/bad"
}
expect_refused server/0003_clash.sql "migration number 0003 is used twice: schema/sql/server/0003_clash.sql and schema/sql/server/0003_server.sql"
expect_refused domain/0010_clash.sql "migration number 0010 is used twice: schema/sql/domain/0010_clash.sql and schema/sql/replica/0010_late.sql"
expect_refused replica/0004_clash.sql "migration number 0004 is used twice: schema/sql/domain/0004_more.sql and schema/sql/replica/0004_clash.sql"
expect_refused replica/20_short.sql "replica/20_short.sql: a migration is named NNNN_words.sql"
expect_refused server/0012-dash.sql "server/0012-dash.sql: a migration is named"
expect_refused domain/0013_Upper.sql "domain/0013_Upper.sql: a migration is named"
expect_refused replica/0014_notes.txt "replica/0014_notes.txt: a migration is named"
expect_refused replica/0000_zero.sql "migration numbers start at 0001"
echo "migration names: ok"
