#include "store/dashboard_store.h"

#include "fieldbook/columns.h"
#include "store/store_sql.h"

namespace fieldbook::server {

Result<std::vector<TerritoryTiers>> DashboardStore::TiersByTerritory() {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      db_.Prepare(
          "SELECT coalesce(t.id, ''), coalesce(t.name, t.id, ''), "
          "coalesce(c.grade_tier, 'not graded'), count(*) "
          "FROM customers c LEFT JOIN territories t ON t.id = c.territory_id AND t.deleted = 0 "
          "WHERE c.deleted = 0 GROUP BY 1, 2, 3 ORDER BY coalesce(t.id, '') = '', 2, 1, 3"));
  std::vector<TerritoryTiers> out;
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](SqlStatement& s) {
    const std::string id = s.Text(0);
    if (out.empty() || out.back().territory_id != id) {
      out.push_back(TerritoryTiers{id, s.Text(1), 0, {}});
    }
    const int64_t n = s.Int(3);
    out.back().tiers[s.Text(2)] += n;
    out.back().customers += n;
  }));
  return out;
}

Result<ReviewCounts> DashboardStore::Review() {
  ReviewCounts out;
  FB_ASSIGN_OR_RETURN(SqlStatement * held,
                      db_.Prepare("SELECT count(*) FROM srv_conflicts WHERE status = 'open'"));
  FB_ASSIGN_OR_RETURN(out.held_edits, ReadInt(*held));
  FB_ASSIGN_OR_RETURN(SqlStatement * pairs,
                      db_.Prepare("SELECT count(*) FROM fb_possible_duplicates d "
                                  "JOIN customers a ON a.id = d.customer_a AND a.deleted = 0 "
                                  "JOIN customers b ON b.id = d.customer_b AND b.deleted = 0 "
                                  "WHERE d.status = 'open'"));
  FB_ASSIGN_OR_RETURN(out.duplicates, ReadInt(*pairs));
  return out;
}

Result<std::vector<ReplicaCheck>> DashboardStore::LatestChecks(int64_t limit) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      db_.Prepare(
          "SELECT v.rep_id, v.replica_id, v.checked_ms, v.outcome, v.rows_resent "
          "FROM srv_verifications v JOIN (SELECT replica_id, max(id) AS id FROM srv_verifications "
          "GROUP BY replica_id) latest ON latest.id = v.id "
          "ORDER BY v.checked_ms DESC, v.id DESC LIMIT ?"));
  stmt->Bind(1, limit);
  return ReadRows(*stmt, [](SqlStatement& s) {
    return ReplicaCheck{s.Text(0), s.Text(1), s.Int(2), s.Text(3), s.Int(4)};
  });
}

}  // namespace fieldbook::server
