#include "store/products.h"

#include <boost/json.hpp>

#include "fieldbook/json.h"
#include "fieldbook/sqlite_db.h"

namespace fieldbook::client {

namespace {

constexpr const char* kColumns =
    "id, part_number, name, brand, category, unit, list_price_cents, tier_prices, active";

ProductRow Read(Statement& s) {
  ProductRow p;
  p.id = s.Text(0);
  p.part_number = s.Text(1);
  p.name = s.Text(2);
  p.brand = s.Text(3);
  p.category = s.Text(4);
  p.unit = s.Text(5);
  if (!s.IsNull(6)) p.list_price_cents = s.Int(6);
  if (!s.IsNull(7)) {
    // Written by the server (a JSON object of whole cents); anything else is ignored, not trusted.
    boost::system::error_code ec;
    const boost::json::value v = ReadJson(s.Text(7), ec, 4);
    if (!ec && v.is_object()) {
      for (const auto& [tier, cents] : v.as_object()) {
        if (cents.is_int64() && cents.as_int64() >= 0) {
          p.tier_prices[std::string(tier)] = cents.as_int64();
        }
      }
    }
  }
  p.active = s.IsNull(8) || s.Int(8) != 0;
  return p;
}

}  // namespace

std::optional<int64_t> ProductRow::PriceFor(const std::string& tier) const {
  auto it = tier_prices.find(tier);
  if (it != tier_prices.end()) return it->second;
  return list_price_cents;
}

Result<std::vector<ProductRow>> ProductCatalog::Search(const std::string& text, size_t limit,
                                                       bool include_inactive) {
  if (text.empty() || text.size() > 200) {
    return Status::InvalidArgument("search for 1 to 200 bytes of text");
  }
  if (limit == 0 || limit > 500) return Status::InvalidArgument("a limit of 1 to 500 products");
  FB_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(std::string("SELECT ") + kColumns +
                  " FROM products WHERE deleted = 0 AND (?2 OR coalesce(active, 1) = 1) "
                  "AND (instr(lower(coalesce(part_number, '')), lower(?1)) > 0 "
                  "OR instr(lower(coalesce(name, '')), lower(?1)) > 0 "
                  "OR instr(lower(coalesce(brand, '')), lower(?1)) > 0) "
                  "ORDER BY lower(part_number) = lower(?1) DESC, "
                  "instr(lower(part_number), lower(?1)) = 1 DESC, part_number, id LIMIT ?3"));
  s->Bind(1, text)
      .Bind(2, static_cast<int64_t>(include_inactive ? 1 : 0))
      .Bind(3, static_cast<int64_t>(limit));
  std::vector<ProductRow> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(Read(*s));
  }
  return out;
}

Result<std::optional<ProductRow>> ProductCatalog::ByPartNumber(const std::string& part_number) {
  FB_ASSIGN_OR_RETURN(Statement * s,
                      db_.Prepare(std::string("SELECT ") + kColumns +
                                  " FROM products WHERE part_number = ? AND deleted = 0 "
                                  "ORDER BY id LIMIT 1"));
  s->Bind(1, part_number);
  FB_ASSIGN_OR_RETURN(bool found, s->Step());
  std::optional<ProductRow> out;
  if (found) out = Read(*s);
  s->Reset();
  return out;
}

Result<int64_t> ProductCatalog::Count(bool include_inactive) {
  FB_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT count(*) FROM products WHERE deleted = 0 "
                                                 "AND (? OR coalesce(active, 1) = 1)"));
  s->Bind(1, static_cast<int64_t>(include_inactive ? 1 : 0));
  FB_ASSIGN_OR_RETURN(bool row, s->Step());
  const int64_t n = row ? s->Int(0) : 0;
  s->Reset();
  return n;
}

}  // namespace fieldbook::client
