// Provisional grading benchmark (issue #6): what recording an order costs on a rep's device now
// that it grades the customer again (ClientStore::AddOrder -> RegradeProvisionally), on a replica
// the size of a large territory. With the default rules frequency is ranked by quintiles, so each
// order used to read every order on the device; now it reads the kept per-customer figures
// (client/store/grade_population.h). With threshold-only rules it reads the customer's alone. The
// baseline is a plain insert of the same order without grading, measured in the same run.
//
// Run: build/release/tests/perf/provisional_grade_bench [customers] [orders_per_customer] [samples]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "fieldbook/grading.h"
#include "fieldbook/sqlite_db.h"
#include "store/client_store.h"

namespace {

using namespace fieldbook;

using bench::Check;

// Milliseconds for each of `samples` orders on random customers.
std::vector<double> TimeOrders(client::ClientStore& store, int customers, int samples,
                               std::mt19937_64& rng) {
  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    client::NewOrder order;
    order.customer_id = "c" + std::to_string(rng() % static_cast<uint64_t>(customers));
    order.lines = {{"BOSCH-0986452041", "", 4, 12000}};
    const auto start = std::chrono::steady_clock::now();
    auto added = store.facts().AddOrder(order);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    Check(added.status(), "add order");
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

// Milliseconds for each of `samples` plain inserts of the same order (its row and line, in one
// transaction, captured for the next push like any write) without grading: the baseline.
std::vector<double> TimePlainInserts(client::ClientStore& store, int customers, int samples,
                                     std::mt19937_64& rng) {
  std::vector<double> ms;
  Db& db = store.replica().db();
  for (int i = 0; i < samples; ++i) {
    const std::string customer = "c" + std::to_string(rng() % static_cast<uint64_t>(customers));
    const std::string id = store.replica().ids().Next();
    const auto start = std::chrono::steady_clock::now();
    auto txn = Transaction::Begin(db);
    Check(txn.status(), "begin");
    auto order = db.Prepare(
        "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, currency) VALUES "
        "(?, ?, 'rep-bench', ?, 48000, 'CNY')");
    Check(order.status(), "prepare");
    (*order)->Bind(1, id).Bind(2, customer).Bind(3, store.Today());
    Check((*order)->Run(), "plain order");
    (*order)->Reset();
    auto line = db.Prepare(
        "INSERT INTO order_lines (id, order_id, customer_id, part_no, quantity, "
        "unit_price_cents) VALUES (?, ?, ?, 'BOSCH-0986452041', 4, 12000)");
    Check(line.status(), "prepare");
    (*line)->Bind(1, store.replica().ids().Next()).Bind(2, id).Bind(3, customer);
    Check((*line)->Run(), "plain line");
    (*line)->Reset();
    Check((*txn)->Commit(), "commit");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

void Print(const char* label, const std::vector<double>& ms) {
  std::printf("%-44s median %7.2f ms  p95 %7.2f ms  max %7.2f ms  (%zu orders)\n", label,
              ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.back(), ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  const int customers = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int orders_each = argc > 2 ? std::atoi(argv[2]) : 20;
  const int samples = argc > 3 ? std::atoi(argv[3]) : 40;
  if (customers < 1 || orders_each < 0 || samples < 1) {
    std::fprintf(stderr, "usage: %s [customers] [orders_per_customer] [samples]\n", argv[0]);
    return 2;
  }
  char dir_template[] = "/tmp/fieldbook-provisional-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return 1;
  SystemWallClock wall;
  auto opened = client::ClientStore::Open(std::string(dir) + "/replica.db", wall);
  Check(opened.status(), "open");
  client::ClientStore& store = **opened;
  Check(store.SaveSettings({"http://127.0.0.1:9", "fbt_bench", "rep-bench", "bench"}), "settings");

  // The territory, as a first sync would have stored it.
  std::mt19937_64 rng(20261123);
  const int32_t today = *ParseDay(store.Today());
  {
    Db& db = store.replica().db();
    auto txn = Transaction::Begin(db);
    Check(txn.status(), "begin");
    auto customer = db.Prepare(
        "INSERT INTO customers (id, name, owner_rep_id, purchase_stage, relationship, "
        "created_at, grade_tier, graded_at) VALUES (?, ?, 'rep-bench', 'customer', 'existing', "
        "'2024-01-01T00:00:00Z', 'B', '2026-01-01')");
    auto order = db.Prepare(
        "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, currency) "
        "VALUES (?, ?, 'rep-bench', ?, ?, 'CNY')");
    Check(customer.status(), "prepare");
    Check(order.status(), "prepare");
    for (int c = 0; c < customers; ++c) {
      const std::string id = "c" + std::to_string(c);
      (*customer)->Bind(1, id).Bind(2, "garage " + id);
      Check((*customer)->Run(), "customer");
      (*customer)->Reset();
      const int every = 7 + static_cast<int>(rng() % 60);
      for (int k = 0; k < orders_each; ++k) {
        (*order)
            ->Bind(1, id + "-o" + std::to_string(k))
            .Bind(2, id)
            .Bind(3, FormatDay(today - 1 - k * every))
            .Bind(4, static_cast<int64_t>(50000 + rng() % 500000));
        Check((*order)->Run(), "order");
        (*order)->Reset();
      }
    }
    Check((*txn)->Commit(), "commit");
  }
  std::printf("replica: %d customers, %d orders\n", customers, customers * orders_each);

  // The baseline and the graded order, alternating rounds in the same run (the machine is noisy).
  std::vector<double> plain, graded;
  for (int round = 0; round < 5; ++round) {
    for (double v : TimePlainInserts(store, customers, samples / 5 + 1, rng)) plain.push_back(v);
    for (double v : TimeOrders(store, customers, samples / 5 + 1, rng)) graded.push_back(v);
  }
  std::sort(plain.begin(), plain.end());
  std::sort(graded.begin(), graded.end());
  Print("plain insert of the order (baseline)", plain);
  Print("record an order, default rules (quintiles)", graded);
  std::printf("ratio: min %.2fx, median %.2fx (target <= 3x)\n", graded.front() / plain.front(),
              graded[graded.size() / 2] / plain[plain.size() / 2]);
  Check(store.replica().db().ExecScript(
            "INSERT INTO grading_rules (id, version, rules_json) VALUES ('current', 1, "
            "'{\"frequency\":{\"method\":\"thresholds\",\"thresholds\":[2,4,8,12]}}')"),
        "rules");
  Print("record an order, threshold-only rules", TimeOrders(store, customers, samples, rng));

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS %ld MiB\n", usage.ru_maxrss / 1024);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
