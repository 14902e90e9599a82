#include "store/products.h"

#include "fieldbook/columns.h"
#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"

namespace fieldbook::client {

Result<std::vector<ProductRow>> ProductCatalog::Search(const std::string& text, size_t limit,
                                                       bool include_inactive) {
  if (text.empty() || text.size() > 200) {
    return Invalid("err_product_search_text");
  }
  if (limit == 0 || limit > 500) return Invalid("err_product_limit");
  FB_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(std::string("SELECT " FB_PRODUCT_COLUMNS) +
                  " FROM products WHERE deleted = 0 AND (?2 OR coalesce(active, 1) = 1) "
                  "AND (instr(lower(coalesce(part_number, '')), lower(?1)) > 0 "
                  "OR instr(lower(coalesce(name, '')), lower(?1)) > 0 "
                  "OR instr(lower(coalesce(brand, '')), lower(?1)) > 0) "
                  "ORDER BY lower(part_number) = lower(?1) DESC, "
                  "instr(lower(part_number), lower(?1)) = 1 DESC, part_number, id LIMIT ?3"));
  s->Bind(1, text)
      .Bind(2, static_cast<int64_t>(include_inactive ? 1 : 0))
      .Bind(3, static_cast<int64_t>(limit));
  return ReadRows(*s, [](Statement& r) { return ReadProductRecord(r); });
}

Result<std::optional<ProductRow>> ProductCatalog::ByPartNumber(const std::string& part_number) {
  FB_ASSIGN_OR_RETURN(Statement * s,
                      db_.Prepare(std::string("SELECT " FB_PRODUCT_COLUMNS) +
                                  " FROM products WHERE part_number = ? AND deleted = 0 "
                                  "ORDER BY id LIMIT 1"));
  s->Bind(1, part_number);
  FB_ASSIGN_OR_RETURN(bool found, s->Step());
  std::optional<ProductRow> out;
  if (found) out = ReadProductRecord(*s);
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
