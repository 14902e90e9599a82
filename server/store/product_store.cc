#include "store/product_store.h"

#include <boost/json.hpp>
#include <charconv>

#include "fieldbook/columns.h"
#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "fieldbook/refusal_status.h"
#include "fieldbook/row_id.h"
#include "fieldbook/utf8.h"
#include "store/audit_store.h"
#include "store/store_dialect.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

constexpr int64_t kMaxCents = 100000000000;  // ¥1,000,000,000.00
constexpr size_t kMaxTiers = 32;

#define FB_PRODUCT_ROW FB_PRODUCT_COLUMNS ", updated_at"

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

bool HasControl(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// `what` names the field in the English ("the part number"), `field` in the code's values.
Status CheckText(const char* what, const std::string& field, const std::optional<std::string>& v,
                 size_t min, size_t max) {
  if (!v) return Status::Ok();
  if (v->size() < min || v->size() > max) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(what) + " must be " + (min > 0 ? "1 to " : "at most ") +
                      std::to_string(max) + " bytes (got " + std::to_string(v->size()) + ")",
                  {min > 0 ? "http_field_text_bytes" : "http_field_too_long",
                   {{"field", field}, {"max", std::to_string(max)}}});
  }
  if (HasControl(*v)) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(what) + " must not hold control characters",
                  {"http_field_control", {{"field", field}}});
  }
  return Status::Ok();
}

Status NeedsPartNumber() {
  return Status(StatusCode::kInvalidArgument, "a product needs a part number (配件号)",
                {"http_missing_field", {{"field", "part_number"}}});
}

// "98", "98.5", "98.50" (yuan) -> cents.
Result<int64_t> ParseYuan(std::string_view text) {
  const std::string s = Trim(text);
  const size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  auto digits = [](const std::string& d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!digits(whole) || (dot != std::string::npos && !digits(frac)) || frac.size() > 2 ||
      whole.size() > 12) {
    return Status::InvalidArgument("'" + s + "' is not a price in yuan (like 98 or 98.50)");
  }
  int64_t yuan = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), yuan);
  int64_t cents = 0;
  if (!frac.empty()) {
    std::from_chars(frac.data(), frac.data() + frac.size(), cents);
    if (frac.size() == 1) cents *= 10;
  }
  return yuan * 100 + cents;
}

// An entry of a tier-price cell that is not TIER=PRICE; the entry cut to 64 bytes (a cell may
// hold 1 MiB).
Status TierPriceForm(const std::string& entry) {
  return RefusalStatus(StatusCode::kInvalidArgument,
                       {"http_tier_price_form", {{"entry", Utf8Prefix(entry, 64)}}});
}

Product ReadProduct(SqlStatement& s) {
  Product p;
  static_cast<ProductRecord&>(p) = ReadProductRecord(s);
  p.updated_at = s.Text(kProductColumnCount);
  return p;
}

}  // namespace

boost::json::object ProductJson(const Product& p) {
  boost::json::object o = ProductRecordJson(p);
  o["updated_at"] = p.updated_at;
  return o;
}

Status ProductStore::Validate(const ProductFields& f, bool creating) {
  if (creating && (!f.part_number || f.part_number->empty())) return NeedsPartNumber();
  if (creating && (!f.name || f.name->empty())) {
    return Status(StatusCode::kInvalidArgument, "a product needs a name (名称)",
                  {"http_missing_field", {{"field", "name"}}});
  }
  FB_RETURN_IF_ERROR(CheckText("the part number", "part_number", f.part_number, 1, 64));
  FB_RETURN_IF_ERROR(CheckText("the name", "name", f.name, 1, 200));
  FB_RETURN_IF_ERROR(CheckText("the brand", "brand", f.brand, 0, 100));
  FB_RETURN_IF_ERROR(CheckText("the category", "category", f.category, 0, 100));
  FB_RETURN_IF_ERROR(CheckText("the unit", "unit", f.unit, 0, 100));
  if (f.list_price_cents && (*f.list_price_cents < 0 || *f.list_price_cents > kMaxCents)) {
    return Status(StatusCode::kInvalidArgument,
                  "the list price must be between 0 and ¥1,000,000,000.00",
                  {"http_price_range", {{"field", "list_price_cents"}}});
  }
  if (f.tier_prices) {
    if (f.tier_prices->size() > kMaxTiers) {
      return Status(
          StatusCode::kInvalidArgument, "at most " + std::to_string(kMaxTiers) + " tier prices",
          {"http_field_list_max", {{"field", "tier_prices"}, {"max", std::to_string(kMaxTiers)}}});
    }
    for (const auto& [tier, cents] : *f.tier_prices) {
      FB_RETURN_IF_ERROR(CheckText("a tier name", "tier_prices", tier, 1, 32));
      if (cents < 0 || cents > kMaxCents) {
        return Status(StatusCode::kInvalidArgument,
                      "the price of tier " + tier + " must be between 0 and ¥1,000,000,000.00",
                      {"http_price_range", {{"field", "tier_prices." + tier}}});
      }
    }
  }
  return Status::Ok();
}

Result<std::map<std::string, int64_t>> ProductStore::ParseTierPrices(const std::string& text) {
  std::map<std::string, int64_t> out;
  const std::string s = Trim(text);
  if (s.empty()) return out;
  if (s.front() == '{') {
    boost::system::error_code ec;
    const boost::json::value v = ReadJson(s, ec, 4);
    if (ec || !v.is_object()) {
      return RefusalStatus(StatusCode::kInvalidArgument,
                           {"http_tier_prices_json", {{"example", "{\"VIP\": 9800}"}}});
    }
    for (const auto& [tier, cents] : v.as_object()) {
      if (!cents.is_int64()) {
        return RefusalStatus(StatusCode::kInvalidArgument,
                             {"http_tier_price_cents", {{"tier", Utf8Prefix(tier, 64)}}});
      }
      out[std::string(tier)] = cents.as_int64();
    }
    return out;
  }
  // VIP=98.00, A=105 (yuan), separated by commas or semicolons (ASCII or fullwidth).
  std::string plain = s;
  for (const auto& [wide, ascii] :
       {std::pair<std::string, std::string>{"，", ","}, {"；", ";"}, {"：", ":"}, {"＝", "="}}) {
    for (size_t at = plain.find(wide); at != std::string::npos; at = plain.find(wide, at)) {
      plain.replace(at, wide.size(), ascii);
    }
  }
  size_t at = 0;
  while (at <= plain.size()) {
    size_t end = plain.find_first_of(",;", at);
    if (end == std::string::npos) end = plain.size();
    const std::string entry = Trim(plain.substr(at, end - at));
    at = end + 1;
    if (entry.empty()) continue;
    const size_t eq = entry.find_first_of("=:");
    if (eq == std::string::npos) {
      return TierPriceForm(entry);
    }
    const std::string tier = Trim(entry.substr(0, eq));
    auto cents = ParseYuan(entry.substr(eq + 1));
    if (!cents.ok() || tier.empty()) {
      return TierPriceForm(entry);
    }
    out[tier] = *cents;
  }
  return out;
}

std::string ProductStore::TierPricesJson(const std::map<std::string, int64_t>& tiers) {
  boost::json::object o;
  for (const auto& [tier, cents] : tiers) o[tier] = cents;
  return WriteJson(o);
}

Result<std::optional<Product>> ProductStore::FindBy(const char* column, const std::string& value) {
  // `column` is one of two compiled-in names; the value is bound.
  FB_ASSIGN_OR_RETURN(SqlStatement * s, store_.sql().Prepare(std::string("SELECT " FB_PRODUCT_ROW) +
                                                             " FROM products WHERE " + column +
                                                             " = ? AND deleted = 0 LIMIT 1"));
  s->Bind(1, value);
  return ReadOneRow(*s, ReadProduct);
}

Result<std::optional<Product>> ProductStore::Find(const std::string& ref) {
  FB_ASSIGN_OR_RETURN(auto by_part, FindBy("part_number", ref));
  if (by_part) return by_part;
  return FindBy("id", ref);
}

Result<std::vector<Product>> ProductStore::List(const ProductQuery& q) {
  const size_t limit = std::min<size_t>(q.limit == 0 ? 100 : q.limit, 1000);
  // Where the text occurs: instr on SQLite, strpos on PostgreSQL (same arguments, same answer).
  const std::string at(SqlFor(store_.sql(), "instr", "strpos"));
  // Case folded as SQLite folds it (ASCII letters), pages in byte order of part numbers.
  auto lower = [&](std::string_view expr) { return AsciiLower(store_.sql(), expr); };
  const std::string part = ByteOrder(store_.sql(), "part_number");
  FB_ASSIGN_OR_RETURN(
      SqlStatement * s,
      store_.sql().Prepare(std::string("SELECT " FB_PRODUCT_ROW) +
                           " FROM products WHERE deleted = 0 AND (?1 OR coalesce(active, 1) = 1) "
                           "AND " +
                           part + " > ?2 AND (?3 = '' OR " + at + "(" + lower("part_number") +
                           ", " + lower("?3") + ") > 0 OR " + at + "(" +
                           lower("coalesce(name, '')") + ", " + lower("?3") + ") > 0 OR " + at +
                           "(" + lower("coalesce(brand, '')") + ", " + lower("?3") +
                           ") > 0) ORDER BY " + part + " LIMIT ?4"));
  s->Bind(1, static_cast<int64_t>(q.include_inactive ? 1 : 0))
      .Bind(2, q.after)
      .Bind(3, q.text)
      .Bind(4, static_cast<int64_t>(limit));
  return ReadRows(*s, ReadProduct);
}

Status ProductStore::ForEach(const std::function<Status(const Product&)>& row) {
  // Paged by part number, so no statement stays open while `row` runs.
  std::string after;
  while (true) {
    ProductQuery q;
    q.include_inactive = true;
    q.after = after;
    q.limit = 1000;
    FB_ASSIGN_OR_RETURN(std::vector<Product> page, List(q));
    for (const Product& p : page) FB_RETURN_IF_ERROR(row(p));
    if (page.size() < 1000) return Status::Ok();
    after = page.back().part_number;
  }
}

Result<ProductStore::Plan> ProductStore::PlanWrite(std::optional<Product> existing,
                                                   const ProductFields& f) {
  Plan plan;
  ProductWrite& out = plan.result;
  out.created = !existing;
  Product p = existing ? *existing : Product{};
  RowWrite w{"products", p.id, {}};
  auto text = [&](const char* column, const std::optional<std::string>& v, std::string& field) {
    if (!v || (existing && *v == field)) return;
    field = *v;
    w.columns.emplace_back(column, Value(*v));
  };
  text("part_number", f.part_number, p.part_number);
  text("name", f.name, p.name);
  text("brand", f.brand, p.brand);
  text("category", f.category, p.category);
  text("unit", f.unit, p.unit);
  if (f.list_price_cents && (!existing || p.list_price_cents != f.list_price_cents)) {
    p.list_price_cents = f.list_price_cents;
    w.columns.emplace_back("list_price_cents", Value(*f.list_price_cents));
  }
  if (f.tier_prices && (!existing || p.tier_prices != *f.tier_prices)) {
    p.tier_prices = *f.tier_prices;
    w.columns.emplace_back("tier_prices",
                           p.tier_prices.empty() ? Value() : Value(TierPricesJson(p.tier_prices)));
  }
  if (!existing || (f.active && *f.active != p.active)) {
    p.active = f.active.value_or(true);
    w.columns.emplace_back("active", Value(int64_t{p.active ? 1 : 0}));
  }
  out.changed = !w.columns.empty();
  if (out.changed) {
    p.updated_at = FormatIsoUtc(static_cast<int64_t>(wall_.NowMs()));
    w.columns.emplace_back("updated_at", Value(p.updated_at));
    if (!existing) {
      RowIdGenerator ids(wall_);
      p.id = ids.Next();
      w.row_id = p.id;
    }
    plan.row = std::move(w);
  }
  out.product = std::move(p);
  return plan;
}

Result<ProductWrite> ProductStore::Write(std::optional<Product> existing, const ProductFields& f) {
  const std::string id = existing ? existing->id : std::string();
  const bool renames = f.part_number && (!existing || existing->part_number != *f.part_number);
  FB_ASSIGN_OR_RETURN(Plan plan, PlanWrite(std::move(existing), f));
  if (!plan.row) return plan.result;
  // The part number is free (checked in the caller's transaction, so two writers cannot both
  // take it).
  if (renames) {
    FB_ASSIGN_OR_RETURN(auto taken, FindBy("part_number", *f.part_number));
    if (taken && taken->id != id) {
      return Status(StatusCode::kConflict,
                    "part number " + *f.part_number + " is already product " + taken->id + " (" +
                        taken->name + ")",
                    {"http_part_number_taken",
                     {{"part", *f.part_number}, {"id", taken->id}, {"name", taken->name}}});
    }
  }
  FB_ASSIGN_OR_RETURN(PushResult result, store_.Write({std::move(*plan.row)}));
  if (!result.rejections.empty()) {
    // The hub's English as before; its machine code as the value (issue #19).
    const RowRejection& rej = result.rejections.front();
    return Status(StatusCode::kInvalidArgument, "the hub refused the product: " + rej.reason,
                  {"http_product_hub_refused", {{"code", rej.code}}});
  }
  return plan.result;
}

Result<ProductStore::Plan> ProductStore::PlanUpsert(const ProductFields& fields) {
  FB_RETURN_IF_ERROR(Validate(fields, /*creating=*/false));
  if (!fields.part_number) return NeedsPartNumber();
  FB_ASSIGN_OR_RETURN(auto existing, FindBy("part_number", *fields.part_number));
  if (!existing) FB_RETURN_IF_ERROR(Validate(fields, /*creating=*/true));
  return PlanWrite(std::move(existing), fields);
}

Result<ProductWrite> ProductStore::Add(const ProductFields& fields, const std::string& actor) {
  FB_RETURN_IF_ERROR(Validate(fields, /*creating=*/true));
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(ProductWrite w, Write(std::nullopt, fields));
  AuditEntry entry;
  entry.actor = actor;
  entry.action = "product.add";
  entry.subject = w.product.part_number;
  entry.after = ProductJson(w.product);
  FB_RETURN_IF_ERROR(store_.Audit(std::move(entry)));
  FB_RETURN_IF_ERROR(txn->Commit());
  return w;
}

Result<ProductWrite> ProductStore::Update(const std::string& ref, const ProductFields& fields,
                                          const std::string& actor) {
  FB_RETURN_IF_ERROR(Validate(fields, /*creating=*/false));
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(auto existing, Find(ref));
  if (!existing) {
    return Status(StatusCode::kNotFound, "no product with part number or id " + ref,
                  {"http_no_product", {{"ref", ref}}});
  }
  const Product before = *existing;
  FB_ASSIGN_OR_RETURN(ProductWrite w, Write(std::move(existing), fields));
  if (w.changed) {
    AuditEntry entry;
    entry.actor = actor;
    entry.action =
        fields.active && !*fields.active && before.active ? "product.deactivate" : "product.edit";
    entry.subject = w.product.part_number;
    entry.before = ProductJson(before);
    entry.after = ProductJson(w.product);
    FB_RETURN_IF_ERROR(store_.Audit(std::move(entry)));
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return w;
}

}  // namespace fieldbook::server
