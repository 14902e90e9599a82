#!/usr/bin/env bash
# scripts/check-sql on planted trees: SQL in a store layer or in shared/src passes; a Prepare( call
# or an SQL literal anywhere else fails and is named; comments are prose; the allowlist lets a
# listed file through and refuses an entry that holds no SQL.
set -euo pipefail
script="$(cd "$(dirname "$0")/../.." && pwd)/scripts/check-sql"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

plant() {  # plant <tree> <path> <line>
  mkdir -p "$1/$(dirname "$2")"
  printf '%s\n' "$3" >>"$1/$2"
}
clean_tree() {
  rm -rf "$1"
  mkdir -p "$1/scripts" "$1/client/sync" "$1/server/api" "$1/shared/include/fieldbook"
  plant "$1" client/store/customers.cc '  db.Prepare("SELECT id FROM customers WHERE name = ?");'
  plant "$1" server/store/pool_store.cc '  hub.db().ExecScript("DELETE FROM srv_pool");'
  plant "$1" shared/src/hub.cc '  db.Prepare("INSERT INTO fb_meta (key, value) VALUES (?, ?)");'
  plant "$1" client/sync/sync_engine.cc '  // SELECT this FROM that: a comment, not SQL'
  plant "$1" server/api/report_api.cc '  out["text"] = "Select the customers from the list";'
}

t="$tmp/tree"
clean_tree "$t"
"$script" --root "$t" >/dev/null 2>&1 || fail "a clean tree was refused: $("$script" --root "$t" 2>&1)"

for planted in \
  'client/sync/pool_sync.cc|  FB_ASSIGN_OR_RETURN(Statement * s, db.Prepare(sql));' \
  'client/app/view.cc|  const char* kSql = "SELECT name FROM customers WHERE id = ?";' \
  'server/api/admin_api.cc|  store.hub().db()->ExecScript(script);' \
  'server/nightly/runner.cc|  "UPDATE srv_nightly SET done = 1 WHERE id = ?"' \
  'server/http/x.cc|  "INSERT OR REPLACE INTO srv_x VALUES (?)"' \
  'server/commands/backup.cc|  "PRAGMA user_version"' \
  'shared/include/fieldbook/hub.h|  inline constexpr char kQ[] = "DELETE FROM fb_outbox";' \
  'client/cli/recover.cc|  sqlite3_exec(db, sql, nullptr, nullptr, nullptr);'; do
  path="${planted%%|*}"
  line="${planted#*|}"
  clean_tree "$t"
  plant "$t" "$path" "$line"
  if out="$("$script" --root "$t" 2>&1)"; then fail "missed SQL in $path: $line"; fi
  grep -qF "$path:1:" <<<"$out" || fail "did not name $path: $out"
done

# The allowlist: a listed file passes; an entry without SQL is refused, so the list only shrinks.
clean_tree "$t"
plant "$t" server/api/admin_api.cc '  auto s = db.Prepare("SELECT 1 FROM customers");'
echo "server/api/admin_api.cc" >"$t/scripts/check-sql.allow"
"$script" --root "$t" >/dev/null 2>&1 || fail "an allowed file was refused"
echo "server/api/clean.cc" >>"$t/scripts/check-sql.allow"
plant "$t" server/api/clean.cc '  return 1;'
if out="$("$script" --root "$t" 2>&1)"; then fail "a stale allowlist entry passed"; fi
grep -qF "server/api/clean.cc is in scripts/check-sql.allow but holds no SQL" <<<"$out" ||
  fail "stale entry not named: $out"
echo "check_sql_test: ok"
