// The floor of an import into the hub (issue #17), for fieldbook-importbench: two plain `sqlite3`
// shell scripts, no Fieldbook code, that store exactly the rows an import of the bench's sheets
// must store for devices to receive them through the change stream.
//
//   stage  CSV -> a scratch database (`stage.db`): the sheets `.import`ed as the baseline does,
//   then
//          converted with plain SQL into one table per stored table, holding each row's final
//          values (dates, cents, types, the customer a line belongs to, the holder rep), plus the
//          per-customer digest rows. This stands in for the importer's reading, parsing and
//          linking; its SQL (a GROUP BY over the lines, lookups by order and customer number) is
//          not what the importer does, so it is reported apart and is NOT part of the floor.
//   store  stage.db -> a hub database made by `fieldbook-server init` (the real migrations, the
//          real tables and every index), `INSERT ... SELECT` in one transaction with the
//          server's pragmas (WAL, synchronous=NORMAL, 64 MiB cache, temp_store=MEMORY):
//            - customers, orders, order_lines: the columns the importer writes, each row with a
//              constant `_v` blob as the import stores it (per table, copied from a real import
//              of these sheets) and its own `_seq`, in file order; orders in CNY;
//            - per customer, its `srv_scope` row (the rep who holds it) and an `added` scope
//              event in `srv_scope_events` (that is how a new customer reaches the rep's devices);
//            - one `srv_feed` entry per order and per line, in the holder rep's feed;
//            - one `srv_import_keys` row per record (customers, orders; not lines, as the import);
//            - one `fb_customer_keys` row per customer (the duplicate detector's keys; the
//              values are the plain phone and name|city, not their normalised forms);
//            - one `fb_owner_digests` row per customer and table (customers, orders, lines);
//            - the hub's sequence counter in `fb_meta`.
//          This is the floor: what any design that keeps this change stream must write.
//
// Simplifications, all of which make the floor lower than the real import's own storage cost:
// the row digests are not computed (a hash of every row's values in C++; the staged `sum` is a
// length); a digest row is inserted once per customer and table, where the import upserts one per
// batch that touched the customer; everything is one transaction (the import commits per batch,
// and the customers and orders are two processes); the rows are read from a prepared table, with
// no merge, no lookup of an existing row and no duplicate check; every `_v` is the same bytes; the
// regrade after the orders (grading all customers and writing a first grade's twelve columns
// through the change stream) is skipped entirely, as is the audit log entry.
//
// Thread safety: free functions without shared state.
#ifndef FIELDBOOK_TESTS_PERF_IMPORT_FLOOR_H_
#define FIELDBOOK_TESTS_PERF_IMPORT_FLOOR_H_

#include <string>

namespace fieldbook::testing {

// 'YYYY/M/D' or an Excel day serial (the sheets' two date forms) as YYYY-MM-DD.
inline std::string FloorDateSql(const std::string& c) {
  const std::string rest = "substr(" + c + ", 6)";
  return "CASE WHEN instr(" + c + ", '/') = 0 THEN date('1899-12-30', '+' || " + c +
         " || ' days') ELSE printf('%04d-%02d-%02d', substr(" + c + ", 1, 4), substr(" + rest +
         ", 1, instr(" + rest + ", '/') - 1), substr(" + rest + ", instr(" + rest +
         ", '/') + 1)) END";
}

// '¥1,234.50' as cents.
inline std::string FloorCentsSql(const std::string& c) {
  return "CAST(round(CAST(replace(replace(" + c +
         ", '¥', ''), ',', '') AS REAL) * 100) AS "
         "INTEGER)";
}

// A row id as the hub makes them (row_id.cc: 12 hex digits of milliseconds, 20 random ones), the
// milliseconds advancing every 64 rows of `n`.
inline std::string FloorIdSql(const std::string& n) {
  return "printf('%012x', 1765152000000 + " + n + " / 64) || lower(hex(randomblob(10)))";
}

// The `_v` blobs (hex) of the bench's rows as its import stores them, read from a real import of
// its sheets (customers before the regrade): 113, 14 and 18 bytes.
inline constexpr const char* kFloorCustomerV =
    "140000000900808084AB90E494D101010902808084AB90E494D101010906808084AB90E494D101010907808084"
    "AB90E494D10101090C808084AB90E494D10101090D808084AB90E494D10101090E808084AB90E494D101010911"
    "808084AB90E494D101010913808084AB90E494D1010109";
inline constexpr const char* kFloorOrderV = "058080B0A492E494D10101D90F00";
inline constexpr const char* kFloorLineV = "068180B0A492E494D10101DA0F0103000000";

// The stage script: `sqlite3 STAGE_DB < script`.
inline std::string FloorStageScript(const std::string& customers_csv,
                                    const std::string& orders_csv) {
  return "PRAGMA journal_mode = OFF;\nPRAGMA synchronous = OFF;\n"
         "PRAGMA cache_size = -65536;\nPRAGMA temp_store = MEMORY;\n.mode csv\n.import " +
         customers_csv + " customers_raw\n.import " + orders_csv +
         " orders_raw\n"
         "BEGIN;\n"
         "CREATE TABLE c_stage AS SELECT " +
         FloorIdSql("rowid") +
         " AS id, \"客户名称\" AS name, CASE \"类型\" WHEN '修理厂' THEN 'garage' WHEN '经销商' "
         "THEN 'dealer' WHEN '车队' THEN 'fleet' ELSE lower(\"类型\") END AS customer_type, "
         "\"手机\" AS phone, \"城市\" AS city, \"地址\" AS address, \"联系人\" AS "
         "primary_contact, " +
         FloorDateSql("\"生日\"") +
         " AS birthday, nullif(\"备注\", '') AS notes, \"业务员\" AS owner_rep_id, "
         "'x:' || \"外部编号\" AS key FROM customers_raw ORDER BY rowid;\n"
         "CREATE INDEX c_stage_key ON c_stage (key);\n"
         "CREATE TABLE o_stage AS SELECT " +
         FloorIdSql("g.first") +
         " AS id, c.id AS customer_id, c.owner_rep_id AS rep_id, g.order_date, "
         "g.amount_cents, 'x:' || g.num AS key FROM (SELECT \"订单号\" AS num, min(rowid) AS "
         "first, min(\"客户编号\") AS ext, " +
         FloorDateSql("min(\"订单日期\")") + " AS order_date, sum(" + FloorCentsSql("\"金额\"") +
         ") AS amount_cents FROM orders_raw GROUP BY \"订单号\") g JOIN c_stage c ON c.key = "
         "'x:' || g.ext ORDER BY g.first;\n"
         "CREATE INDEX o_stage_key ON o_stage (key);\n"
         "CREATE TABLE l_stage AS SELECT " +
         FloorIdSql("r.rowid") +
         " AS id, o.id AS order_id, o.customer_id, r.\"配件号\" AS part_no, CAST(r.\"数量\" AS "
         "INTEGER) AS quantity, " +
         FloorCentsSql("r.\"单价\"") +
         " AS unit_price_cents, o.rep_id FROM orders_raw r JOIN o_stage o ON o.key = 'x:' || "
         "r.\"订单号\" ORDER BY r.rowid;\n"
         // The digest rows: one per customer and table (the sum stands in for the rows' hashes).
         "CREATE TABLE d_stage AS SELECT id AS owner, 3 AS tbl, 1 AS rows, length(name) + "
         "length(phone) AS sum FROM c_stage UNION ALL SELECT customer_id, 7, count(*), "
         "sum(amount_cents) FROM o_stage GROUP BY customer_id UNION ALL SELECT customer_id, 8, "
         "count(*), sum(quantity) FROM l_stage GROUP BY customer_id;\n"
         "DROP TABLE customers_raw;\nDROP TABLE orders_raw;\nCOMMIT;\n";
}

// The store script: `sqlite3 HUB_DB < script`, HUB_DB made by `fieldbook-server init` (and the
// reps added). `v_customer` etc.: the `_v` blobs as hex.
inline std::string FloorStoreScript(const std::string& stage_db, const std::string& v_customer,
                                    const std::string& v_order, const std::string& v_line) {
  const std::string base = "coalesce((SELECT value FROM fb_meta WHERE key = 'seq'), 0)";
  const std::string n_c = "(SELECT max(rowid) FROM s.c_stage)";
  const std::string n_o = "(SELECT max(rowid) FROM s.o_stage)";
  const std::string n_l = "(SELECT max(rowid) FROM s.l_stage)";
  // Sequence numbers: the customers, their scope events, the orders, the lines.
  const std::string seq_c = base + " + rowid";
  const std::string seq_e = base + " + " + n_c + " + rowid";
  const std::string seq_o = base + " + 2 * " + n_c + " + rowid";
  const std::string seq_l = base + " + 2 * " + n_c + " + " + n_o + " + rowid";
  return "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\n"
         "PRAGMA cache_size = -65536;\nPRAGMA temp_store = MEMORY;\n"
         "ATTACH '" +
         stage_db +
         "' AS s;\nBEGIN IMMEDIATE;\n"
         "INSERT INTO customers (id, name, customer_type, phone, city, address, primary_contact, "
         "birthday, notes, owner_rep_id, created_at, _v, _seq) SELECT id, name, customer_type, "
         "phone, city, address, primary_contact, birthday, notes, owner_rep_id, "
         "'2026-12-08T00:00:00Z', X'" +
         v_customer + "', " + seq_c +
         " FROM s.c_stage ORDER BY rowid;\n"
         // A new customer reaches its rep's devices by a scope event, not a feed entry.
         "INSERT INTO srv_scope (rep_id, customer_id) SELECT owner_rep_id, id FROM s.c_stage "
         "ORDER BY rowid;\n"
         "INSERT INTO srv_scope_events (seq, rep_id, customer_id, kind, hlc, reason) SELECT " +
         seq_e +
         ", owner_rep_id, id, 'added', 117747941555372032 + rowid, "
         "'{\"code\":\"scope_created\",\"detail\":\"customer created\",\"values\":{}}' "
         "FROM s.c_stage ORDER BY rowid;\n"
         "INSERT INTO srv_import_keys (kind, key, row_id) SELECT 'customer', key, id FROM "
         "s.c_stage ORDER BY rowid;\n"
         "INSERT INTO fb_customer_keys (customer_id, phone_key, name_city_key) SELECT id, phone, "
         "name || '|' || city FROM s.c_stage ORDER BY rowid;\n"
         "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, currency, _v, "
         "_seq) SELECT id, customer_id, rep_id, order_date, amount_cents, 'CNY', X'" +
         v_order + "', " + seq_o +
         " FROM s.o_stage ORDER BY rowid;\n"
         "INSERT INTO order_lines (id, order_id, customer_id, part_no, quantity, "
         "unit_price_cents, _v, _seq) SELECT id, order_id, customer_id, part_no, quantity, "
         "unit_price_cents, X'" +
         v_line + "', " + seq_l +
         " FROM s.l_stage ORDER BY rowid;\n"
         "INSERT INTO srv_feed (rep_id, seq, tbl) SELECT rep_id, " +
         seq_o +
         ", 7 FROM s.o_stage ORDER BY rowid;\n"
         "INSERT INTO srv_feed (rep_id, seq, tbl) SELECT rep_id, " +
         seq_l +
         ", 8 FROM s.l_stage ORDER BY rowid;\n"
         "INSERT INTO srv_import_keys (kind, key, row_id) SELECT 'order', key, id FROM s.o_stage "
         "ORDER BY rowid;\n"
         "INSERT INTO fb_owner_digests (owner, tbl, rows, sum) SELECT owner, tbl, rows, sum FROM "
         "s.d_stage ORDER BY rowid;\n"
         "INSERT INTO fb_meta (key, value) VALUES ('seq', " +
         base + " + 2 * " + n_c + " + " + n_o + " + " + n_l +
         ") ON CONFLICT (key) DO UPDATE SET value = excluded.value;\n" + "COMMIT;\n";
}

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_PERF_IMPORT_FLOOR_H_
