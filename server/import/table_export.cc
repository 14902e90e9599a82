#include "import/table_export.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <functional>

#include "store/import_store.h"
#include "store/product_store.h"

namespace fieldbook::server {

namespace {

// One exported cell: text, or a number Excel can sum.
struct Cell {
  std::string text;
  bool number = false;
};

std::string Str(const Value& v) {
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  if (std::holds_alternative<int64_t>(v)) return std::to_string(std::get<int64_t>(v));
  if (std::holds_alternative<double>(v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", std::get<double>(v));
    return buf;
  }
  return "";
}

Cell TextCell(const Value& v) {
  std::string s = Str(v);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  return {s, false};
}

Cell Money(const Value& v) {
  if (!std::holds_alternative<int64_t>(v)) return {"", false};
  const int64_t c = std::get<int64_t>(v);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", c < 0 ? "-" : "",
                static_cast<long long>((c < 0 ? -c : c) / 100),
                static_cast<long long>((c < 0 ? -c : c) % 100));
  return {buf, true};
}

Cell Number(const Value& v) {
  return {Str(v), std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v)};
}

using RowSink = std::function<Status(const std::vector<Cell>&)>;

// Calls `sink` with the header, then with every row of the kind.
Status Produce(ServerStore& store, const TableExportOptions& o, const RowSink& sink) {
  ImportStore keys(store);
  const auto& fields = FieldsOf(o.kind);
  std::vector<Cell> header;
  for (const FieldSpec& f : fields) header.push_back({f.zh, false});
  FB_RETURN_IF_ERROR(sink(header));
  auto ext = [&](const char* kind, const Value& id) -> Result<std::string> {
    const std::string row = Str(id);
    FB_ASSIGN_OR_RETURN(std::string e, keys.ExternalIdOf(kind, row));
    return e.empty() ? row : e;
  };
  // Customers' external ids and territories' region codes, looked up once each.
  std::unordered_map<std::string, std::string> customer_ext;
  auto customer_ref = [&](const Value& id) -> Result<std::string> {
    const std::string row = Str(id);
    auto it = customer_ext.find(row);
    if (it != customer_ext.end()) return it->second;
    FB_ASSIGN_OR_RETURN(std::string e, ext("customer", id));
    if (customer_ext.size() < 500000) customer_ext[row] = e;
    return e;
  };
  std::vector<Cell> cells(fields.size());
  auto put = [&](const char* key, Cell c) {
    cells[static_cast<size_t>(FieldIndex(o.kind, key))] = c;
  };
  switch (o.kind) {
    case ImportKind::kCustomers: {
      const std::vector<std::string> cols = {"id",
                                             "name",
                                             "name_latin",
                                             "customer_type",
                                             "relationship",
                                             "purchase_stage",
                                             "territory_id",
                                             "phone",
                                             "city",
                                             "province",
                                             "country",
                                             "address",
                                             "primary_contact",
                                             "birthday",
                                             "tags",
                                             "notes",
                                             "owner_rep_id"};
      return keys.ForEachRow(
          "customers", cols, o.rep, o.territory, [&](const std::vector<Value>& v) -> Status {
            for (auto& c : cells) c = {};
            FB_ASSIGN_OR_RETURN(std::string e, ext("customer", v[0]));
            put("external_id", {e, false});
            const char* keys_in_order[] = {
                "name",           "name_latin", "customer_type", "relationship",
                "purchase_stage", "region",     "phone",         "city",
                "province",       "country",    "address",       "primary_contact",
                "birthday",       "tags",       "notes",         "rep"};
            for (size_t i = 0; i < std::size(keys_in_order); ++i) {
              put(keys_in_order[i], TextCell(v[i + 1]));
            }
            return sink(cells);
          });
    }
    case ImportKind::kContacts: {
      const std::vector<std::string> cols = {"id",         "customer_id", "name",  "title",
                                             "phone",      "wechat",      "email", "birthday",
                                             "is_primary", "notes"};
      return keys.ForEachRow("contacts", cols, o.rep, o.territory,
                             [&](const std::vector<Value>& v) -> Status {
                               for (auto& c : cells) c = {};
                               FB_ASSIGN_OR_RETURN(std::string e, ext("contact", v[0]));
                               put("external_id", {e, false});
                               FB_ASSIGN_OR_RETURN(std::string cref, customer_ref(v[1]));
                               put("customer_ref", {cref, false});
                               const char* k[] = {"name",  "title",    "phone",      "wechat",
                                                  "email", "birthday", "is_primary", "notes"};
                               for (size_t i = 0; i < std::size(k); ++i)
                                 put(k[i], TextCell(v[i + 2]));
                               return sink(cells);
                             });
    }
    case ImportKind::kVisits: {
      const std::vector<std::string> cols = {"id",      "customer_id", "check_in",       "purpose",
                                             "outcome", "notes",       "next_follow_up", "rep_id",
                                             "voids_id"};
      return keys.ForEachRow(
          "visits", cols, o.rep, o.territory, [&](const std::vector<Value>& v) -> Status {
            if (!IsNull(v[8])) return Status::Ok();  // a correction
            for (auto& c : cells) c = {};
            FB_ASSIGN_OR_RETURN(std::string e, ext("visit", v[0]));
            put("external_id", {e, false});
            FB_ASSIGN_OR_RETURN(std::string cref, customer_ref(v[1]));
            put("customer_ref", {cref, false});
            const char* k[] = {"check_in", "purpose", "outcome", "notes", "next_follow_up", "rep"};
            for (size_t i = 0; i < std::size(k); ++i) put(k[i], TextCell(v[i + 2]));
            return sink(cells);
          });
    }
    case ImportKind::kOrders:
      return keys.ForEachOrderLine(o.rep, o.territory, [&](const std::vector<Value>& v) -> Status {
        // o.id, o.customer_id, o.rep_id, o.order_date, o.amount_cents, o.currency, o.notes,
        // l.id, l.part_no, l.description, l.quantity, l.unit_price_cents
        for (auto& c : cells) c = {};
        FB_ASSIGN_OR_RETURN(std::string e, ext("order", v[0]));
        put("external_id", {e, false});
        FB_ASSIGN_OR_RETURN(std::string cref, customer_ref(v[1]));
        put("customer_ref", {cref, false});
        put("rep", TextCell(v[2]));
        put("order_date", TextCell(v[3]));
        put("currency", TextCell(v[5]));
        put("notes", TextCell(v[6]));
        if (IsNull(v[7])) {
          put("amount", Money(v[4]));
        } else {
          put("part_no", TextCell(v[8]));
          put("description", TextCell(v[9]));
          put("quantity", Number(v[10]));
          put("unit_price", Money(v[11]));
          const int64_t q = std::holds_alternative<int64_t>(v[10]) ? std::get<int64_t>(v[10]) : 0;
          const int64_t p = std::holds_alternative<int64_t>(v[11]) ? std::get<int64_t>(v[11]) : 0;
          put("amount", Money(Value(q * p)));
        }
        return sink(cells);
      });
    case ImportKind::kProducts: {
      // Every product, deactivated ones too (在售 否), by part number; tier prices as
      // "A=95.00,VIP=88.00", which import reads back.
      if (!o.rep.empty() || !o.territory.empty()) {
        return Status::InvalidArgument(
            "products belong to no rep or territory: export them without --rep or --territory");
      }
      SystemWallClock wall;
      ProductStore products(store, wall);
      return products.ForEach([&](const Product& p) -> Status {
        for (auto& c : cells) c = {};
        put("part_number", TextCell(Value(p.part_number)));
        put("name", TextCell(Value(p.name)));
        put("brand", TextCell(Value(p.brand)));
        put("category", TextCell(Value(p.category)));
        put("unit", TextCell(Value(p.unit)));
        if (p.list_price_cents) put("list_price", Money(Value(*p.list_price_cents)));
        std::string tiers;
        for (const auto& [tier, cents] : p.tier_prices) {
          tiers += (tiers.empty() ? "" : ",") + tier + "=" + Money(Value(cents)).text;
        }
        put("tier_prices", TextCell(Value(tiers)));
        put("active", {p.active ? "是" : "否", false});
        return sink(cells);
      });
    }
  }
  return Status::Internal("unknown kind");
}

void CsvField(std::ostream& out, const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos &&
      (s.empty() || (s.front() != ' ' && s.back() != ' '))) {
    out << s;
    return;
  }
  out << '"';
  for (char c : s) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

}  // namespace

Result<TableExportResult> ExportTableCsv(ServerStore& store, const TableExportOptions& options,
                                         std::ostream& out) {
  TableExportResult result;
  out << "\xEF\xBB\xBF";
  bool header = true;
  FB_RETURN_IF_ERROR(Produce(store, options, [&](const std::vector<Cell>& cells) -> Status {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out << ',';
      CsvField(out, cells[i].text);
    }
    out << "\r\n";
    if (!out) return Status::Io("cannot write the export");
    if (!header) ++result.rows;
    header = false;
    return Status::Ok();
  }));
  out.flush();
  if (!out) return Status::Io("cannot write the export");
  return result;
}

Result<TableExportResult> ExportTableXlsx(ServerStore& store, const TableExportOptions& options,
                                          const std::string& path) {
  lxw_workbook_options wo{};
  wo.constant_memory = LXW_TRUE;
  lxw_workbook* book = workbook_new_opt(path.c_str(), &wo);
  if (!book) return Status::Io("cannot create " + path);
  lxw_worksheet* sheet = workbook_add_worksheet(book, ImportKindName(options.kind));
  TableExportResult result;
  lxw_row_t row = 0;
  Status st = Produce(store, options, [&](const std::vector<Cell>& cells) -> Status {
    if (row >= 1048575) return Status::ResourceExhausted("more rows than an Excel sheet holds");
    for (size_t i = 0; i < cells.size(); ++i) {
      const auto col = static_cast<lxw_col_t>(i);
      if (cells[i].text.empty()) continue;
      lxw_error e = cells[i].number
                        ? worksheet_write_number(sheet, row, col, std::stod(cells[i].text), nullptr)
                        : worksheet_write_string(sheet, row, col, cells[i].text.c_str(), nullptr);
      if (e != LXW_NO_ERROR) return Status::Io(std::string("xlsx: ") + lxw_strerror(e));
    }
    if (row > 0) ++result.rows;
    ++row;
    return Status::Ok();
  });
  const lxw_error closed = workbook_close(book);
  FB_RETURN_IF_ERROR(st);
  if (closed != LXW_NO_ERROR) return Status::Io(std::string("xlsx: ") + lxw_strerror(closed));
  return result;
}

}  // namespace fieldbook::server
