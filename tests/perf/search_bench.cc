// Search benchmark (issue #19): searches on a rep's device with 50,000 customers and about 1.2
// million search documents (per customer 2 contacts, 10 visits, 2 feedback, 3 orders with 2 lines
// each), realistic Chinese names, cities, notes, contacts and part numbers.
//
// For each query (one character, two Chinese characters, pinyin in full, pinyin initials, a
// common phrase, a phone fragment, a part number) it times, run after run in the same process:
//   fieldbook  SearchIndex::Search(query, 20): the app's and the CLI's search, customers ranked
//   sqlite3    the raw SQLite query of the same FTS5 index (the C API on its own connection, no
//              Fieldbook code): the matching documents' customer ids, LIMIT 20
//   before     the search as it was before issue #19, the same SQL on the same data: words under
//              three characters scanned every document with LIKE, longer ones ranked every match
//              with bm25 before cutting to 20
// and prints min and median of --runs runs (default 7; before: 5) with the machine's load.
//
// Run: build/release/tests/perf/fieldbook-searchbench [--customers N] [--runs N] [--dir DIR]
// The replica is generated once into DIR (default /tmp/fieldbook-searchbench) and reused.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "fieldbook/sqlite_db.h"
#include "store/client_store.h"

namespace {

using namespace fieldbook;

using bench::Check;

double Ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

const char* const kShops[] = {"鑫达", "顺通", "华信", "永盛", "恒泰",   "金鹏",   "宏发", "利民",
                              "长城", "大众", "兴隆", "福源", "安达",   "新世纪", "万通", "佳美",
                              "诚信", "东风", "广源", "富强", "盛达",   "鸿运",   "天成", "龙腾",
                              "众鑫", "联合", "瑞丰", "嘉禾", "宝马仕", "德顺"};
const char* const kKinds[] = {"汽修厂", "汽配", "汽车维修中心", "修理厂",
                              "轮胎店", "快修", "汽车服务",     "钣喷中心"};
const char* const kCities[] = {"广州", "佛山", "深圳", "东莞", "长沙", "厦门", "成都", "重庆",
                               "武汉", "南宁", "珠海", "中山", "惠州", "江门", "肇庆", "清远"};
const char* const kStreets[] = {"桂城街道海八路", "工业大道", "人民中路",     "解放西路",
                                "建设北路",       "滨江东路", "高新区科技园", "汽配城"};
const char* const kNotes[] = {"只用嘉实多机油",     "月结，账期30天",   "老板姓陈，周三下午在店",
                              "下周再来",           "需要刹车片样品",   "换了刹车片",
                              "对价格敏感",         "想试用新款火花塞", "库存不足，催货",
                              "客户满意，继续跟进", "投诉送货太慢",     "要发票",
                              "店面扩建中",         "竞品在推促销",     "机油滤清器用量大",
                              "两个技师，一个学徒", "周末营业",         "有意向做连锁",
                              "付款及时",           "喜欢博世的产品"};
const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                 "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
const char* const kGiven[] = {"师傅", "经理", "小姐", "老板", "工", "总", "伟", "芳", "强", "敏"};
const char* const kTitles[] = {"老板", "采购", "店长", "技师", "财务", "前台"};
const char* const kPurposes[] = {"routine", "delivery", "complaint", "promotion"};
const char* const kParts[] = {
    "BOSCH-0986452041", "NGK-BKR6E",         "MANN-W712/75", "BREMBO-P85020", "DENSO-IK20TT",
    "MOBIL-1-5W30",     "CASTROL-EDGE-0W20", "VALEO-826704", "SKF-VKBA3525",  "GATES-K015603XS"};

template <size_t N>
const char* Pick(const char* const (&list)[N], std::mt19937_64& rng) {
  return list[rng() % N];
}

// A replica of `customers` customers with their records, search index built.
void Generate(const std::string& path, int customers) {
  SystemWallClock wall;
  auto opened = client::ClientStore::Open(path, wall);
  Check(opened.status(), "open");
  client::ClientStore& store = **opened;
  Db& db = store.replica().db();
  std::mt19937_64 rng(20261206);
  // The rows as a first sync would store them: without capture (and the queue: the index is
  // built in one pass below). The triggers are put back afterwards.
  std::vector<std::string> triggers;
  {
    auto list = db.Prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'");
    Check(list.status(), "triggers");
    std::vector<std::string> names;
    while (*(*list)->Step()) {
      names.push_back((*list)->Text(0));
      triggers.push_back((*list)->Text(1));
    }
    (*list)->Reset();
    for (const std::string& n : names) Check(db.ExecScript("DROP TRIGGER \"" + n + "\""), "drop");
  }
  auto start = std::chrono::steady_clock::now();
  Check(db.ExecScript("BEGIN"), "begin");
  auto customer = db.Prepare(
      "INSERT INTO customers (id, name, name_latin, city, province, address, phone, "
      "primary_contact, tags, notes, owner_rep_id, customer_type, grade_tier) "
      "VALUES (?, ?, '', ?, '广东', ?, ?, ?, ?, ?, 'rep-bench', 'garage', ?)");
  auto contact = db.Prepare(
      "INSERT INTO contacts (id, customer_id, name, title, phone, wechat, notes, deleted) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, 0)");
  auto visit = db.Prepare(
      "INSERT INTO visits (id, customer_id, rep_id, check_in, purpose, outcome, notes) "
      "VALUES (?, ?, 'rep-bench', ?, ?, 'ordered', ?)");
  auto feedback = db.Prepare(
      "INSERT INTO feedback (id, customer_id, rep_id, created_at, satisfaction, complaint) "
      "VALUES (?, ?, 'rep-bench', '2026-11-01T09:00:00Z', 3, ?)");
  auto order = db.Prepare(
      "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, currency, notes) "
      "VALUES (?, ?, 'rep-bench', '2026-11-02', 100000, 'CNY', ?)");
  auto line = db.Prepare(
      "INSERT INTO order_lines (id, order_id, customer_id, part_no, description, quantity, "
      "unit_price_cents) VALUES (?, ?, ?, ?, ?, 4, 12000)");
  for (auto* s : {&customer, &contact, &visit, &feedback, &order, &line}) {
    Check(s->status(), "prepare");
  }
  auto phone = [&] { return "13" + std::to_string(100000000 + rng() % 900000000); };
  auto run = [](Statement* s) {
    Check(s->Run(), "insert");
    s->Reset();
  };
  const char* const tiers[] = {"A", "B", "C", "D"};
  for (int i = 0; i < customers; ++i) {
    const std::string id = "c" + std::to_string(i);
    const std::string name =
        std::string(Pick(kShops, rng)) + Pick(kKinds, rng) + "（" + std::to_string(i) + "号店）";
    (*customer)
        ->Bind(1, id)
        .Bind(2, name)
        .Bind(3, Pick(kCities, rng))
        .Bind(4, std::string(Pick(kStreets, rng)) + std::to_string(rng() % 900 + 1) + "号")
        .Bind(5, phone())
        .Bind(6, std::string(Pick(kSurnames, rng)) + Pick(kGiven, rng))
        .Bind(7, rng() % 4 == 0 ? "月结,连锁" : "现结")
        .Bind(8, Pick(kNotes, rng))
        .Bind(9, tiers[rng() % 4]);
    run(*customer);
    for (int k = 0; k < 2; ++k) {
      (*contact)
          ->Bind(1, id + "-k" + std::to_string(k))
          .Bind(2, id)
          .Bind(3, std::string(Pick(kSurnames, rng)) + Pick(kGiven, rng))
          .Bind(4, Pick(kTitles, rng))
          .Bind(5, phone())
          .Bind(6, "wx" + std::to_string(rng() % 1000000))
          .Bind(7, Pick(kNotes, rng));
      run(*contact);
    }
    for (int k = 0; k < 10; ++k) {
      char when[32];
      std::snprintf(when, sizeof when, "2026-%02d-%02dT09:00:00Z", 1 + k, 1 + (i % 28));
      (*visit)
          ->Bind(1, id + "-v" + std::to_string(k))
          .Bind(2, id)
          .Bind(3, when)
          .Bind(4, Pick(kPurposes, rng))
          .Bind(5, std::string(Pick(kNotes, rng)) + "；" + Pick(kNotes, rng));
      run(*visit);
    }
    for (int k = 0; k < 2; ++k) {
      (*feedback)->Bind(1, id + "-f" + std::to_string(k)).Bind(2, id).Bind(3, Pick(kNotes, rng));
      run(*feedback);
    }
    for (int k = 0; k < 3; ++k) {
      const std::string oid = id + "-o" + std::to_string(k);
      (*order)->Bind(1, oid).Bind(2, id).Bind(3, rng() % 3 == 0 ? "急件" : "");
      run(*order);
      for (int l = 0; l < 2; ++l) {
        (*line)
            ->Bind(1, oid + "-l" + std::to_string(l))
            .Bind(2, oid)
            .Bind(3, id)
            .Bind(4, Pick(kParts, rng))
            .Bind(5, rng() % 2 ? "刹车片" : "机油滤清器");
        run(*line);
      }
    }
  }
  Check(db.ExecScript("COMMIT"), "commit");
  for (const std::string& sql : triggers) Check(db.ExecScript(sql), "trigger");
  std::printf("generated %d customers and their records in %.1f s\n", customers, Ms(start) / 1000);
  start = std::chrono::steady_clock::now();
  Check(store.search().Rebuild(), "index");
  std::printf("built the search index (both tables, pinyin) in %.1f s\n", Ms(start) / 1000);
  auto docs = db.Prepare("SELECT count(*) FROM fb_search");
  Check(docs.status(), "count");
  (void)*(*docs)->Step();
  std::printf("search documents: %lld\n", static_cast<long long>((*docs)->Int(0)));
}

struct Query {
  const char* label;
  std::string text;
  const char* raw_sql;  // the same index, plain SQLite
  std::string raw_match;
  bool short_word;  // under three characters: before #19, a LIKE scan of every document
};

struct Timing {
  double min = 0, median = 0;
  size_t rows = 0;
};

Timing Time(int runs, const std::function<size_t()>& once) {
  std::vector<double> ms;
  Timing t;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    t.rows = once();
    ms.push_back(Ms(start));
  }
  std::sort(ms.begin(), ms.end());
  t.min = ms.front();
  t.median = ms[ms.size() / 2];
  return t;
}

// The SQL of SearchIndex::Search before issue #19 (client/store/search_index.cc at 34ff52d).
const char* kBeforeIndexed =
    "SELECT c.id, h.kind, min(h.score) AS best FROM (SELECT customer_id, kind, title, body,"
    " bm25(fb_search, 0.0, 0.0, 5.0, 1.0) AS score FROM fb_search WHERE fb_search MATCH ?1"
    " LIMIT -1) h JOIN customers c ON c.id = h.customer_id WHERE c.deleted = 0"
    " GROUP BY c.id ORDER BY best, c.name, c.id LIMIT 20";
const char* kBeforeShort =
    "SELECT c.id, h.kind, min(CASE h.kind WHEN 'customer' THEN 0 WHEN 'contact' THEN 1 ELSE 2"
    " END) AS best FROM fb_search h JOIN customers c ON c.id = h.customer_id"
    " WHERE c.deleted = 0 AND (h.title || ' ' || h.body) LIKE ?1 ESCAPE '\\'"
    " GROUP BY c.id ORDER BY best, c.name, c.id LIMIT 20";

size_t RawRows(sqlite3* db, const char* sql, const std::string& arg) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "raw: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  sqlite3_bind_text(stmt, 1, arg.data(), static_cast<int>(arg.size()), SQLITE_TRANSIENT);
  size_t rows = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) ++rows;
  sqlite3_finalize(stmt);
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  int customers = 50000;
  int runs = 7;
  int before_runs = 5;
  std::string dir = "/tmp/fieldbook-searchbench";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--customers" && i + 1 < argc) {
      customers = std::atoi(argv[++i]);
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (a == "--before-runs" && i + 1 < argc) {
      before_runs = std::atoi(argv[++i]);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--customers N] [--runs N] [--before-runs N] [--dir DIR]\n",
                   argv[0]);
      return 2;
    }
  }
  if (customers < 100 || runs < 1 || before_runs < 0) return 2;
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/search-" + std::to_string(customers) + ".db";
  std::printf("load before: %s\n", bench::LoadAverage().c_str());
  if (!std::filesystem::exists(path)) Generate(path, customers);

  SystemWallClock wall;
  auto opened = client::ClientStore::Open(path, wall);
  Check(opened.status(), "open");
  client::ClientStore& store = **opened;
  Check(store.search().Update(), "index");
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return 1;

  // A phone fragment of a real customer: 7 digits from the middle of c777's phone.
  std::string phone;
  {
    auto s = store.replica().db().Prepare("SELECT phone FROM customers WHERE id = 'c777'");
    Check(s.status(), "phone");
    if (*(*s)->Step()) phone = (*s)->Text(0).substr(3, 7);
    (*s)->Reset();
  }
  const char* kShort =
      "SELECT customer_id FROM fb_search_short WHERE fb_search_short MATCH ?1 LIMIT 20";
  const char* kTrigram = "SELECT customer_id FROM fb_search WHERE fb_search MATCH ?1 LIMIT 20";
  const std::vector<Query> queries = {
      {"1 character", "鑫", kShort, "\"鑫\"", true},
      {"2 Chinese characters", "鑫达", kShort, "\"鑫达\"", true},
      {"pinyin, full", "xinda", kTrigram, "\"xinda\"", false},
      {"pinyin, initials", "xd", kShort, "\"xd\" *", true},
      {"common phrase", "下周再来", kTrigram, "\"下周再来\"", false},
      {"phone fragment", phone, kTrigram, "\"" + phone + "\"", false},
      {"part number", "BKR6E", kTrigram, "\"BKR6E\"", false},
  };
  std::printf("%d customers, limit 20; min / median of %d runs (before: %d runs)\n", customers,
              runs, before_runs);
  std::printf("%-22s %-10s %21s %21s %21s %8s\n", "query", "text", "fieldbook", "sqlite3 raw",
              "before #19", "ratio");
  for (const Query& q : queries) {
    Timing ours = Time(runs, [&] {
      auto hits = store.search().Search(q.text, 20);
      Check(hits.status(), "search");
      return hits->size();
    });
    Timing base = Time(runs, [&] { return RawRows(raw, q.raw_sql, q.raw_match); });
    Timing before;
    if (before_runs > 0) {
      before = Time(before_runs, [&] {
        return q.short_word ? RawRows(raw, kBeforeShort, "%" + q.text + "%")
                            : RawRows(raw, kBeforeIndexed, "\"" + q.text + "\"");
      });
    }
    std::printf(
        "%-22s %-10s %9.2f / %6.2f ms %9.2f / %6.2f ms %9.1f / %7.1f ms %7.2fx  (%zu hits)\n",
        q.label, q.text.c_str(), ours.min, ours.median, base.min, base.median, before.min,
        before.median, ours.median / std::max(base.median, 0.001), ours.rows);
  }
  std::printf("load after: %s\n", bench::LoadAverage().c_str());
  sqlite3_close(raw);
  return 0;
}
