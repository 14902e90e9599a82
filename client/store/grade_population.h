// GradePopulation: the figures provisional grading ranks a customer by when the rules use
// quintiles — for every other customer with orders on the device, the days since its last order
// and its orders and spend in the rules' window — kept in fb_grade_population
// (schema/sql/replica/0020_grade_population.sql) and brought up to date incrementally (issue #18):
// triggers mark the customers whose orders (or deletion) changed, and Others() recomputes only
// those, from their own orders; everything is recomputed when the day or the window changed, or
// when more than a tenth of the customers changed at once (a big pull). FullRecompute() computes
// the same figures from every order, as provisional grading did before (the tests compare them).
//
// Orders count as everywhere (orders.h): voids, voided orders (within their customer), orders
// after today and orders of deleted customers are left out; an order date is its first 10
// characters.
//
// Thread safety: not thread-safe; use it on the thread that owns the replica's connection.
#ifndef FIELDBOOK_CLIENT_STORE_GRADE_POPULATION_H_
#define FIELDBOOK_CLIENT_STORE_GRADE_POPULATION_H_

#include <cstdint>
#include <string>

#include "fieldbook/grading.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"

namespace fieldbook::client {

class GradePopulation {
 public:
  explicit GradePopulation(Db& db) : db_(db) {}

  // The ranking figures of every customer with orders on the device except `customer_id`, as of
  // `today` with a window of `window_days`, after bringing the kept figures up to date. Call it
  // inside the write's transaction.
  Result<RankingPopulation> Others(const std::string& customer_id, int32_t today, int window_days);
  // The same, computed from every order on the device (nothing kept).
  Result<RankingPopulation> FullRecompute(const std::string& customer_id, int32_t today,
                                          int window_days);
  // How many customers were recomputed by the last Others() (all of them after a rebuild).
  int64_t last_refreshed() const { return last_refreshed_; }

 private:
  Status Refresh(int32_t today, int window_days);

  Db& db_;
  int64_t last_refreshed_ = 0;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_GRADE_POPULATION_H_
