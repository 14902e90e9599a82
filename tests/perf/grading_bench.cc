// Grading benchmark (issue #6): grade 1,000,000 customers with 10,000,000 orders (plus visits
// and feedback) in one GradeCustomers call, and report the time and the memory the histories
// and grades take. Target on the 2-core machine: under 10 s. Data are synthetic and
// deterministic (seeded): each customer has a rhythm between weekly and quarterly, some stopped
// ordering, one order in a hundred is corrected.
//
// Run: scripts/bench, or build/release/tests/perf/grading_bench [customers] [orders_per_customer]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "fieldbook/grading.h"

namespace {

long PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fieldbook;
  const int customers = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const int orders_each = argc > 2 ? std::atoi(argv[2]) : 10;
  const int32_t today = *ParseDay("2026-11-23");
  std::mt19937_64 rng(20261123);

  const auto build_start = std::chrono::steady_clock::now();
  std::vector<CustomerHistory> histories(static_cast<size_t>(customers));
  int64_t orders = 0;
  for (int i = 0; i < customers; ++i) {
    CustomerHistory& c = histories[static_cast<size_t>(i)];
    c.customer_id = std::to_string(i);
    c.created_day = today - 800;
    c.relationship = "existing";
    c.purchase_stage = "customer";
    const int every = 7 + static_cast<int>(rng() % 84);
    const int stopped = rng() % 5 == 0 ? static_cast<int>(rng() % 300) : 0;
    c.orders.reserve(static_cast<size_t>(orders_each));
    for (int k = 0; k < orders_each; ++k) {
      const int32_t day = today - stopped - k * every - static_cast<int32_t>(rng() % 3);
      c.orders.push_back(OrderFact{"", day, static_cast<int64_t>(50000 + rng() % 2000000), ""});
      if (rng() % 100 == 0) {  // a correction: order k replaced by a smaller one
        c.orders.back().id = "o" + std::to_string(k);
        c.orders.push_back(OrderFact{"", day, 40000, "o" + std::to_string(k)});
        ++orders;
      }
      ++orders;
    }
    c.visit_days = {today - static_cast<int32_t>(rng() % 60), today - 90};
    if (rng() % 4 == 0) c.satisfaction = {1 + static_cast<int>(rng() % 5)};
  }
  const double build_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
  const long rss_histories = PeakRssMiB();

  GradingRules rules;  // defaults: frequency by quintiles, so the whole population is ranked
  const auto start = std::chrono::steady_clock::now();
  std::vector<Grade> grades = GradeCustomers(histories, rules, today);
  const double grade_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  int at_risk = 0, vip = 0;
  for (const Grade& g : grades) {
    at_risk += g.lifecycle == "at_risk" || g.lifecycle == "churned";
    vip += g.tier == "VIP";
  }
  std::printf("grading: %d customers, %lld orders (%d VIP, %d at risk or churned)\n", customers,
              static_cast<long long>(orders), vip, at_risk);
  std::printf(
      "  built histories in %.2f s; graded in %.2f s (%.0f customers/s) — target < 10 s: %s\n",
      build_s, grade_s, customers / grade_s, grade_s < 10 ? "met" : "MISSED");
  std::printf("  peak RSS: %ld MiB after building histories, %ld MiB after grading\n",
              rss_histories, PeakRssMiB());
  return 0;
}
