#include "store/review_store.h"

#include <algorithm>

#include "fieldbook/columns.h"
#include "fieldbook/json.h"
#include "store/store_sql.h"

namespace fieldbook::server {

boost::json::object DismissalJson(const Dismissal& d) {
  boost::system::error_code ec;
  boost::json::value refused = ReadJson(d.refused_json, ec);
  if (ec || !refused.is_object()) refused = boost::json::object();  // a device wrote it
  return boost::json::object{{"id", d.id},
                             {"customer", d.customer_id},
                             {"customer_name", d.customer_name},
                             {"rep", d.rep_id},
                             {"table", d.table},
                             {"row_id", d.row_id},
                             {"code", d.code},
                             {"refused", std::move(refused)},
                             {"dismissed_at", d.dismissed_at},
                             {"note", d.note}};
}

Result<std::vector<Dismissal>> ReviewStore::Dismissals(const std::string& rep, size_t limit) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      db_.Prepare(
          "SELECT d.id, coalesce(d.customer_id, ''), coalesce(c.name, ''), coalesce(d.rep_id, ''), "
          "coalesce(d.tbl, ''), coalesce(d.row_id, ''), coalesce(d.code, ''), "
          "coalesce(d.refused, ''), coalesce(d.dismissed_at, ''), coalesce(d.note, '') FROM "
          "review_dismissals d LEFT JOIN customers c ON c.id = d.customer_id WHERE ?1 = '' OR "
          "d.rep_id = ?1 ORDER BY d._seq DESC LIMIT ?2"));
  stmt->Bind(1, rep).Bind(2, static_cast<int64_t>(std::min(limit, kMaxListed)));
  auto out = ReadRows(*stmt, [](SqlStatement& s) {
    return Dismissal{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4),
                     s.Text(5), s.Text(6), s.Text(7), s.Text(8), s.Text(9)};
  });
  stmt->Reset();
  return out;
}

}  // namespace fieldbook::server
