#include "store/client_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <set>
#include <utility>

#include "fieldbook/sqlite_db.h"
#include "store/client_store_internal.h"

namespace fieldbook::client {

namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers.

using internal::IntOpt;
using internal::RealOpt;
using internal::Stmt;
using internal::Trim;

// Binds text, or NULL for "".
void BindText(Statement& s, int index, const std::string& text) {
  if (text.empty()) {
    s.BindNull(index);
  } else {
    s.Bind(index, text);
  }
}

void BindReal(Statement& s, int index, const std::optional<double>& v) {
  if (v) {
    s.Bind(index, *v);
  } else {
    s.BindNull(index);
  }
}

// Unicode code points in UTF-8 text.
size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

bool OneOf(const std::string& v, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

Status CheckEnum(const std::string& what, const std::string& v,
                 const std::vector<std::string>& allowed) {
  if (OneOf(v, allowed)) return Status::Ok();
  return Status::InvalidArgument(what + " must be one of " + Join(allowed, ", ") + " (not '" + v +
                                 "')");
}

const std::vector<std::string> kCustomerTypes = {"garage", "dealer", "fleet", "individual"};
const std::vector<std::string> kRelationships = {"potential", "existing", "vip"};
const std::vector<std::string> kStages = {"aware", "interested", "deciding", "customer"};
const std::vector<std::string> kRegionClasses = {"local", "domestic", "international"};
const std::vector<std::string> kTiers = {"VIP", "A", "B", "C", "D"};
const std::vector<std::string> kTaskKinds = {"call", "visit", "care", "birthday"};

std::string DaysText(int64_t days) { return std::to_string(days) + (days == 1 ? " day" : " days"); }

// ---------------------------------------------------------------------------------------------
// Customer columns a rep writes. The SQL below lists them in this order.

const std::vector<EditableField> kEditable = {
    {"name", "garage name as written (Chinese or Latin)"},
    {"name_latin", "pinyin or transliteration, for search and sorting"},
    {"customer_type", "garage, dealer, fleet or individual"},
    {"relationship", "potential, existing or vip"},
    {"purchase_stage", "aware, interested, deciding or customer"},
    {"region_class", "local, domestic or international"},
    {"address", "street address"},
    {"city", "city"},
    {"province", "province"},
    {"country", "country"},
    {"lat", "latitude, -90 to 90"},
    {"lon", "longitude, -180 to 180"},
    {"phone", "main phone number"},
    {"primary_contact", "the person to ask for"},
    {"birthday", "YYYY-MM-DD (the owner's, for garages)"},
    {"tags", "comma-separated tags"},
    {"notes", "free notes"},
};

int EditableIndex(const std::string& field) {
  for (size_t i = 0; i < kEditable.size(); ++i) {
    if (field == kEditable[i].name) return static_cast<int>(i);
  }
  return -1;
}

// Checks one customer field and converts it to the value stored.
Result<Value> CustomerFieldValue(const std::string& field, const std::optional<std::string>& raw) {
  if (field == "owner_rep_id" || field == "territory_id") {
    return Status::InvalidArgument(field +
                                   " is set by managers on the server; ask your manager to "
                                   "reassign the customer");
  }
  if (field.rfind("grade_", 0) == 0 || field == "graded_at") {
    return Status::InvalidArgument(field +
                                   " is computed by the grading on the server and cannot be "
                                   "edited on a device");
  }
  if (field == "id" || field == "created_at" || field == "deleted" ||
      (!field.empty() && field[0] == '_')) {
    return Status::InvalidArgument(field + " cannot be edited");
  }
  if (EditableIndex(field) < 0) {
    std::vector<std::string> names;
    for (const EditableField& f : kEditable) names.emplace_back(f.name);
    return Status::InvalidArgument("unknown customer field '" + field +
                                   "'; fields: " + Join(names, ", "));
  }
  const std::string v = raw ? Trim(*raw) : std::string();
  if (field == "name" && v.empty()) return Status::InvalidArgument("name cannot be empty");
  if (v.empty()) return Value();
  if (field == "customer_type") FB_RETURN_IF_ERROR(CheckEnum("customer type", v, kCustomerTypes));
  if (field == "relationship") FB_RETURN_IF_ERROR(CheckEnum("relationship", v, kRelationships));
  if (field == "purchase_stage") FB_RETURN_IF_ERROR(CheckEnum("purchase stage", v, kStages));
  if (field == "region_class") FB_RETURN_IF_ERROR(CheckEnum("region class", v, kRegionClasses));
  if (field == "birthday" && !IsValidDate(v)) {
    return Status::InvalidArgument("birthday must be a date like 1980-05-17 (not '" + v + "')");
  }
  if (field == "lat" || field == "lon") {
    double d = 0;
    const double bound = field == "lat" ? 90 : 180;
    if (!ParseDouble(v, &d) || d < -bound || d > bound) {
      return Status::InvalidArgument(
          std::string(field == "lat" ? "latitude" : "longitude") + " must be a number from " +
          std::to_string(-static_cast<int>(bound)) + " to " +
          std::to_string(static_cast<int>(bound)) + " (not '" + v + "')");
    }
    return Value(d);
  }
  return Value(v);
}

Status CheckCoordinates(const std::optional<double>& lat, const std::optional<double>& lon) {
  if (lat.has_value() != lon.has_value()) {
    return Status::InvalidArgument("give both latitude and longitude, or neither");
  }
  if (lat && (*lat < -90 || *lat > 90)) {
    return Status::InvalidArgument("latitude must be from -90 to 90");
  }
  if (lon && (*lon < -180 || *lon > 180)) {
    return Status::InvalidArgument("longitude must be from -180 to 180");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// SQL. Every statement is a constant; values are always bound.

#define FB_CUSTOMER_COLUMNS                                                                     \
  "c.id, c.name, c.name_latin, c.customer_type, c.relationship, c.purchase_stage, "             \
  "c.region_class, c.address, c.city, c.province, c.country, c.lat, c.lon, c.phone, "           \
  "c.primary_contact, c.birthday, c.tags, c.notes, c.owner_rep_id, c.territory_id, "            \
  "c.created_at, c.grade_tier, c.grade_lifecycle, c.grade_churn_risk, c.graded_at, c.deleted, " \
  "(SELECT max(lv.check_in) FROM visits lv WHERE lv.customer_id = c.id)"
constexpr int kCustomerColumnCount = 27;

// Visits that a later correction replaced do not count.
// A void counts only within its own customer (the server refuses any other).
#define FB_LIVE_VISIT                                                                    \
  "v.id NOT IN (SELECT vx.voids_id FROM visits vx WHERE vx.customer_id = v.customer_id " \
  "AND vx.voids_id IS NOT NULL)"

Customer ReadCustomer(const Statement& s, int b = 0) {
  Customer c;
  c.id = s.Text(b + 0);
  c.name = s.Text(b + 1);
  c.name_latin = s.Text(b + 2);
  c.customer_type = s.Text(b + 3);
  c.relationship = s.Text(b + 4);
  c.purchase_stage = s.Text(b + 5);
  c.region_class = s.Text(b + 6);
  c.address = s.Text(b + 7);
  c.city = s.Text(b + 8);
  c.province = s.Text(b + 9);
  c.country = s.Text(b + 10);
  c.lat = RealOpt(s, b + 11);
  c.lon = RealOpt(s, b + 12);
  c.phone = s.Text(b + 13);
  c.primary_contact = s.Text(b + 14);
  c.birthday = s.Text(b + 15);
  c.tags = s.Text(b + 16);
  c.notes = s.Text(b + 17);
  c.owner_rep_id = s.Text(b + 18);
  c.territory_id = s.Text(b + 19);
  c.created_at = s.Text(b + 20);
  c.grade_tier = s.Text(b + 21);
  c.grade_lifecycle = s.Text(b + 22);
  c.grade_churn_risk = RealOpt(s, b + 23);
  c.graded_at = s.Text(b + 24);
  c.deleted = s.Int(b + 25) != 0;
  c.last_visit = s.Text(b + 26);
  return c;
}

#define FB_VISIT_COLUMNS                                                                         \
  "v.id, v.customer_id, v.rep_id, v.check_in, v.check_out, v.lat, v.lon, v.purpose, v.outcome, " \
  "v.notes, v.next_follow_up, v.voids_id"

Visit ReadVisit(const Statement& s) {
  Visit v;
  v.id = s.Text(0);
  v.customer_id = s.Text(1);
  v.rep_id = s.Text(2);
  v.check_in = s.Text(3);
  v.check_out = s.Text(4);
  v.lat = RealOpt(s, 5);
  v.lon = RealOpt(s, 6);
  v.purpose = s.Text(7);
  v.outcome = s.Text(8);
  v.notes = s.Text(9);
  v.next_follow_up = s.Text(10);
  v.voids_id = s.Text(11);
  return v;
}

#define FB_TASK_COLUMNS                                                                          \
  "t.id, t.customer_id, (SELECT c.name FROM customers c WHERE c.id = t.customer_id), t.rep_id, " \
  "t.due_date, t.kind, t.status, t.title, t.notes, t.done_at"

Task ReadTask(const Statement& s) {
  Task t;
  t.id = s.Text(0);
  t.customer_id = s.Text(1);
  t.customer_name = s.Text(2);
  t.rep_id = s.Text(3);
  t.due_date = s.Text(4);
  t.kind = s.Text(5);
  t.status = s.Text(6);
  t.title = s.Text(7);
  t.notes = s.Text(8);
  t.done_at = s.Text(9);
  return t;
}

// The UPDATE of a customer edit names exactly the edited columns (bound as ?1..?n, the id as
// ?n+1): capture records every column an UPDATE names as an edit, even one re-entered with the
// value it holds (docs/sync.md, "Capture"), so a column the rep did not touch must not be named.
// Column names come from kEditable only; one statement text per set of columns, cached by Db.
std::string UpdateCustomerSql(const std::vector<std::optional<Value>>& values) {
  std::string s = "UPDATE customers SET ";
  int n = 0;
  for (size_t i = 0; i < kEditable.size(); ++i) {
    if (!values[i]) continue;
    if (n) s += ", ";
    s += std::string(kEditable[i].name) + " = ?" + std::to_string(++n);
  }
  return s + " WHERE id = ?" + std::to_string(n + 1) + " AND deleted = 0";
}

const std::string& InsertCustomerSql() {
  static const std::string sql = [] {
    std::string cols = "id, owner_rep_id, created_at, deleted";
    std::string params = "?1, ?2, ?3, 0";
    for (size_t i = 0; i < kEditable.size(); ++i) {
      cols += std::string(", ") + kEditable[i].name;
      params += ", ?" + std::to_string(i + 4);
    }
    return "INSERT INTO customers (" + cols + ") VALUES (" + params + ")";
  }();
  return sql;
}

// Builds the FTS5 query: every word of at least three characters as a quoted string (trigrams
// match substrings); shorter words become LIKE patterns.
struct SearchTerms {
  std::string match;               // "" when no word is long enough for the index
  std::vector<std::string> likes;  // '%word%', escaped with '\'
};

SearchTerms ParseSearch(const std::string& query) {
  SearchTerms terms;
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(word);
    word.clear();
  };
  for (size_t i = 0; i < query.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(query[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      flush();
    } else if (c == 0xE3 && i + 2 < query.size() &&
               static_cast<unsigned char>(query[i + 1]) == 0x80 &&
               static_cast<unsigned char>(query[i + 2]) == 0x80) {
      flush();  // U+3000 ideographic space
      i += 2;
    } else {
      word.push_back(query[i]);
    }
  }
  flush();
  for (const std::string& w : words) {
    if (CodePoints(w) >= 3) {
      if (!terms.match.empty()) terms.match += " AND ";
      terms.match += '"';
      for (char ch : w) {
        if (ch == '"') terms.match += '"';
        terms.match += ch;
      }
      terms.match += '"';
    } else {
      std::string pattern = "%";
      for (char ch : w) {
        if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
        pattern += ch;
      }
      pattern += '%';
      terms.likes.push_back(pattern);
    }
  }
  return terms;
}

constexpr size_t kMaxShortWords = 4;

// Days between two dates as the calendar counts them (b - a).
int64_t DaysBetween(const std::string& a, const std::string& b) {
  auto days = [](const std::string& d) -> int64_t {
    int64_t y = 0, m = 0, day = 0;
    if (!ParseInt(std::string_view(d).substr(0, 4), &y) ||
        !ParseInt(std::string_view(d).substr(5, 2), &m) ||
        !ParseInt(std::string_view(d).substr(8, 2), &day)) {
      return 0;
    }
    // Days from civil (Howard Hinnant's algorithm).
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  };
  if (a.size() < 10 || b.size() < 10) return 0;
  return days(b) - days(a);
}

// The local calendar date of an ISO-8601 UTC time "YYYY-MM-DDTHH:MM:SSZ".
std::string LocalDateOf(const std::string& utc) {
  std::tm tm{};
  if (utc.size() < 19 ||
      std::sscanf(utc.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return utc.substr(0, 10);
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const time_t secs = timegm(&tm);
  std::tm local{};
  localtime_r(&secs, &local);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &local);
  return buf;
}

}  // namespace

// -----------------------------------------------------------------------------------------------
// Dates and money.

bool IsValidDate(const std::string& date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  int64_t y = 0, m = 0, d = 0;
  if (!ParseInt(std::string_view(date).substr(0, 4), &y) ||
      !ParseInt(std::string_view(date).substr(5, 2), &m) ||
      !ParseInt(std::string_view(date).substr(8, 2), &d)) {
    return false;
  }
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (date[i] < '0' || date[i] > '9') return false;
  }
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

std::string FormatUtc(int64_t unix_ms) {
  const time_t secs = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::string> NormalizeTime(const std::string& raw) {
  const std::string text = Trim(raw);
  if (text.size() < 10 || !IsValidDate(text.substr(0, 10))) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  size_t i = 10;
  auto two = [&](size_t at, int64_t max, int* out) {
    int64_t v = 0;
    if (at + 2 > text.size() || !ParseInt(std::string_view(text).substr(at, 2), &v) || v < 0 ||
        v > max) {
      return false;
    }
    *out = static_cast<int>(v);
    return true;
  };
  if (i == text.size()) {
    tm.tm_hour = 12;  // a date alone: midday, so the day stays the same in UTC almost everywhere
  } else {
    if (text[i] != 'T' && text[i] != ' ') return std::nullopt;
    if (!two(i + 1, 23, &tm.tm_hour) || i + 3 >= text.size() || text[i + 3] != ':' ||
        !two(i + 4, 59, &tm.tm_min)) {
      return std::nullopt;
    }
    i += 6;
    if (i < text.size() && text[i] == ':') {
      if (!two(i + 1, 60, &tm.tm_sec)) return std::nullopt;
      i += 3;
      if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
      }
    }
  }
  time_t secs = 0;
  if (i == text.size()) {
    tm.tm_isdst = -1;
    secs = mktime(&tm);  // the device's local time
  } else if (text[i] == 'Z' && i + 1 == text.size()) {
    secs = timegm(&tm);
  } else if (text[i] == '+' || text[i] == '-') {
    const int sign = text[i] == '+' ? 1 : -1;
    int hh = 0, mm = 0;
    if (!two(i + 1, 14, &hh)) return std::nullopt;
    size_t j = i + 3;
    if (j < text.size() && text[j] == ':') ++j;
    if (!two(j, 59, &mm) || j + 2 != text.size()) return std::nullopt;
    secs = timegm(&tm) - sign * (hh * 3600 + mm * 60);
  } else {
    return std::nullopt;
  }
  if (secs == static_cast<time_t>(-1)) return std::nullopt;
  return FormatUtc(static_cast<int64_t>(secs) * 1000);
}

std::optional<int64_t> ParseYuan(const std::string& raw) {
  const std::string text = Trim(raw);
  const size_t dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || frac.size() > 2) return std::nullopt;
  if (dot != std::string::npos && frac.empty()) return std::nullopt;
  for (char c : whole + frac) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  while (frac.size() < 2) frac += '0';
  int64_t yuan = 0, fen = 0;
  if (!ParseInt(whole, &yuan) || !ParseInt(frac, &fen)) return std::nullopt;
  return yuan * 100 + fen;
}

std::string FormatYuan(int64_t cents) {
  const bool negative = cents < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  std::string frac = std::to_string(abs % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return (negative ? "-" : "") + std::to_string(abs / 100) + "." + frac;
}

// -----------------------------------------------------------------------------------------------
// Opening and settings.

Result<std::unique_ptr<ClientStore>> ClientStore::Open(const std::string& path, WallClock& wall,
                                                       const ReplicaOptions& options) {
  const bool on_disk = !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0;
  if (on_disk) {
    // Created 0600 before SQLite opens it, so the WAL and shared-memory files SQLite makes next
    // to it get the same mode.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return Status::Io("cannot open the replica " + path + ": " + std::strerror(errno));
    }
    ::close(fd);
  }
  FB_ASSIGN_OR_RETURN(std::unique_ptr<Replica> replica, Replica::Open(path, wall, options));
  if (on_disk) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string file = path + suffix;
      if (::chmod(file.c_str(), 0600) != 0 && errno != ENOENT) {
        return Status::Io("cannot restrict the permissions of " + file + ": " +
                          std::strerror(errno));
      }
    }
  }
  return std::unique_ptr<ClientStore>(new ClientStore(wall, std::move(replica)));
}

ClientStore::~ClientStore() = default;

std::string ClientStore::NowIso() { return FormatUtc(static_cast<int64_t>(wall_.NowMs())); }

std::string ClientStore::Today() {
  const time_t secs = static_cast<time_t>(wall_.NowMs() / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Result<std::string> ClientStore::Setting(const std::string& key) {
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_->db().Prepare("SELECT value FROM fb_settings WHERE key = ?"));
  Stmt s(raw);
  s->Bind(1, key);
  FB_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Text(0) : std::string();
}

Status ClientStore::PutSetting(const std::string& key, const std::string& value) {
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_->db().Prepare("INSERT INTO fb_settings (key, value) VALUES (?, ?) "
                                             "ON CONFLICT (key) DO UPDATE SET value = "
                                             "excluded.value"));
  Stmt s(raw);
  s->Bind(1, key);
  BindText(*s, 2, value);
  return s->Run();
}

Result<ClientSettings> ClientStore::Settings() {
  ClientSettings out;
  FB_ASSIGN_OR_RETURN(out.server_url, Setting("server_url"));
  FB_ASSIGN_OR_RETURN(out.device_token, Setting("device_token"));
  FB_ASSIGN_OR_RETURN(out.rep_id, Setting("rep_id"));
  FB_ASSIGN_OR_RETURN(out.rep_name, Setting("rep_name"));
  FB_ASSIGN_OR_RETURN(out.ca_file, Setting("ca_file"));
  return out;
}

Status ClientStore::SaveSettings(const ClientSettings& settings) {
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_->db()));
  FB_RETURN_IF_ERROR(PutSetting("server_url", settings.server_url));
  FB_RETURN_IF_ERROR(PutSetting("device_token", settings.device_token));
  FB_RETURN_IF_ERROR(PutSetting("rep_id", settings.rep_id));
  FB_RETURN_IF_ERROR(PutSetting("rep_name", settings.rep_name));
  FB_RETURN_IF_ERROR(PutSetting("ca_file", settings.ca_file));
  return txn->Commit();
}

Result<std::string> ClientStore::RequireRep() {
  FB_ASSIGN_OR_RETURN(std::string rep, Setting("rep_id"));
  if (rep.empty()) {
    return Status::InvalidArgument(
        "this device is not set up yet: run fieldbook-cli init --server URL --token TOKEN");
  }
  return rep;
}

// -----------------------------------------------------------------------------------------------
// Customers.

const std::vector<EditableField>& ClientStore::EditableCustomerFields() { return kEditable; }

Result<std::string> ClientStore::ResolveId(const char* sql, const std::string& raw_ref,
                                           const char* what) {
  const std::string ref = Trim(raw_ref);
  if (ref.empty()) return Status::InvalidArgument(std::string("give a ") + what + " id");
  FB_ASSIGN_OR_RETURN(Statement * raw, replica_->db().Prepare(sql));
  Stmt s(raw);
  s->Bind(1, ref);
  s->Bind(2, static_cast<int64_t>(CodePoints(ref) >= 6 ? 1 : 0));
  std::vector<std::string> found;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    const std::string id = s->Text(0);
    if (id == ref) return id;  // an exact id wins over prefixes
    found.push_back(id);
  }
  if (found.size() == 1) return found[0];
  if (found.empty())
    return Status::NotFound(std::string("no ") + what + " " + ref + " on this device");
  return Status::InvalidArgument(std::string("several ") + what + "s start with " + ref +
                                 "; give more of the id");
}

Result<std::string> ClientStore::ResolveCustomer(const std::string& ref) {
  return ResolveId(
      "SELECT id FROM customers WHERE deleted = 0 AND (id = ?1 OR (?2 AND substr(id, 1, "
      "length(?1)) = ?1)) LIMIT 3",
      ref, "customer");
}

Result<std::string> ClientStore::AddCustomer(const std::vector<FieldValue>& fields) {
  FB_ASSIGN_OR_RETURN(std::string rep, RequireRep());
  std::vector<Value> values(kEditable.size());
  std::set<std::string> seen;
  bool has_name = false;
  for (const FieldValue& f : fields) {
    if (!seen.insert(f.field).second) {
      return Status::InvalidArgument(f.field + " is given twice");
    }
    FB_ASSIGN_OR_RETURN(Value v, CustomerFieldValue(f.field, f.value));
    values[EditableIndex(f.field)] = std::move(v);
    if (f.field == "name") has_name = true;
  }
  if (!has_name) return Status::InvalidArgument("a new customer needs a name");
  const int lat = EditableIndex("lat"), lon = EditableIndex("lon");
  if (IsNull(values[lat]) != IsNull(values[lon])) {
    return Status::InvalidArgument("give both latitude and longitude, or neither");
  }
  const std::string id = replica_->ids().Next();
  FB_ASSIGN_OR_RETURN(Statement * raw, replica_->db().Prepare(InsertCustomerSql()));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, rep).Bind(3, NowIso());
  for (size_t i = 0; i < values.size(); ++i) s->Bind(static_cast<int>(i + 4), values[i]);
  FB_RETURN_IF_ERROR(s->Run());
  return id;
}

Status ClientStore::EditCustomer(const std::string& ref, const std::vector<FieldValue>& edits) {
  if (edits.empty()) return Status::InvalidArgument("nothing to change: name a field to edit");
  std::vector<std::optional<Value>> values(kEditable.size());
  for (const FieldValue& f : edits) {
    FB_ASSIGN_OR_RETURN(Value v, CustomerFieldValue(f.field, f.value));
    const int idx = EditableIndex(f.field);
    if (values[idx]) return Status::InvalidArgument(f.field + " is given twice");
    values[idx] = std::move(v);
  }
  FB_ASSIGN_OR_RETURN(std::string id, ResolveCustomer(ref));
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_->db()));
  {
    FB_ASSIGN_OR_RETURN(Statement * raw, replica_->db().Prepare(UpdateCustomerSql(values)));
    Stmt s(raw);
    int p = 0;
    for (const std::optional<Value>& v : values) {
      if (v) s->Bind(++p, *v);
    }
    s->Bind(p + 1, id);
    FB_RETURN_IF_ERROR(s->Run());
  }
  // Latitude and longitude go together, after the edit as before it.
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        replica_->db().Prepare("SELECT (lat IS NULL) = (lon IS NULL) FROM "
                                               "customers WHERE id = ?"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row && s->Int(0) == 0) {
      return Status::InvalidArgument("give both latitude and longitude, or neither");
    }
  }
  return txn->Commit();
}

Result<CustomerProfile> ClientStore::ShowCustomer(const std::string& ref, size_t recent) {
  FB_ASSIGN_OR_RETURN(std::string id, ResolveCustomer(ref));
  Db& db = replica_->db();
  CustomerProfile p;
  const int64_t n = static_cast<int64_t>(recent);
  {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare("SELECT " FB_CUSTOMER_COLUMNS
                                                    " FROM customers c WHERE c.id = ?"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("no customer " + ref + " on this device");
    p.customer = ReadCustomer(*s);
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT id, customer_id, name, title, phone, wechat, email, "
                                   "birthday, is_primary, notes FROM contacts WHERE customer_id = "
                                   "? AND deleted = 0 ORDER BY coalesce(is_primary, 0) DESC, name, "
                                   "id"));
    Stmt s(raw);
    s->Bind(1, id);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      Contact c;
      c.id = s->Text(0);
      c.customer_id = s->Text(1);
      c.name = s->Text(2);
      c.title = s->Text(3);
      c.phone = s->Text(4);
      c.wechat = s->Text(5);
      c.email = s->Text(6);
      c.birthday = s->Text(7);
      c.is_primary = s->Int(8) != 0;
      c.notes = s->Text(9);
      p.contacts.push_back(std::move(c));
    }
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT " FB_VISIT_COLUMNS " FROM visits v WHERE v.customer_id "
                                   "= ? ORDER BY v.check_in DESC, v.id DESC LIMIT ?"));
    Stmt s(raw);
    s->Bind(1, id).Bind(2, n);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      p.recent_visits.push_back(ReadVisit(*s));
    }
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT (SELECT count(*) FROM visits WHERE customer_id = ?1), "
                                   "(SELECT count(*) FROM orders WHERE customer_id = ?1)"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) {
      p.visit_count = s->Int(0);
      p.order_count = s->Int(1);
    }
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT id, customer_id, rep_id, order_date, amount_cents, "
                                   "currency, notes, voids_id FROM orders WHERE customer_id = ? "
                                   "ORDER BY order_date DESC, id DESC LIMIT ?"));
    Stmt s(raw);
    s->Bind(1, id).Bind(2, n);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      Order o;
      o.id = s->Text(0);
      o.customer_id = s->Text(1);
      o.rep_id = s->Text(2);
      o.order_date = s->Text(3);
      o.amount_cents = s->Int(4);
      o.currency = s->Text(5);
      o.notes = s->Text(6);
      o.voids_id = s->Text(7);
      p.recent_orders.push_back(std::move(o));
    }
  }
  for (Order& o : p.recent_orders) {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT id, part_no, description, quantity, unit_price_cents "
                                   "FROM order_lines WHERE order_id = ? ORDER BY id"));
    Stmt s(raw);
    s->Bind(1, o.id);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      o.lines.push_back(OrderLine{s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4)});
    }
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT " FB_TASK_COLUMNS " FROM tasks t WHERE t.customer_id "
                                   "= ? AND t.deleted = 0 AND t.status = 'open' ORDER BY "
                                   "t.due_date IS NULL, t.due_date, t.id"));
    Stmt s(raw);
    s->Bind(1, id);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      p.open_tasks.push_back(ReadTask(*s));
    }
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT id, customer_id, rep_id, created_at, satisfaction, "
                                   "complaint FROM feedback WHERE customer_id = ? ORDER BY "
                                   "created_at DESC, id DESC LIMIT ?"));
    Stmt s(raw);
    s->Bind(1, id).Bind(2, n);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      p.feedback.push_back(
          Feedback{s->Text(0), s->Text(1), s->Text(2), s->Text(3), IntOpt(*s, 4), s->Text(5)});
    }
  }
  FB_ASSIGN_OR_RETURN(p.grade, CustomerGrades(id));
  return p;
}

Result<std::vector<Customer>> ClientStore::ListCustomers(const CustomerFilter& f) {
  if (f.stage) FB_RETURN_IF_ERROR(CheckEnum("purchase stage", *f.stage, kStages));
  if (f.type) FB_RETURN_IF_ERROR(CheckEnum("customer type", *f.type, kCustomerTypes));
  if (f.region_class)
    FB_RETURN_IF_ERROR(CheckEnum("region class", *f.region_class, kRegionClasses));
  std::optional<std::string> tier = f.tier;
  if (tier) {
    std::transform(tier->begin(), tier->end(), tier->begin(), [](char c) {
      return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    });
    FB_RETURN_IF_ERROR(CheckEnum("tier", *tier, kTiers));
  }
  if (f.overdue && !IsValidDate(f.today)) {
    return Status::InvalidArgument("the date must look like 2026-11-23 (not '" + f.today + "')");
  }
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      replica_->db().Prepare(
          "SELECT " FB_CUSTOMER_COLUMNS " FROM customers c WHERE c.deleted = 0"
          " AND (?1 IS NULL OR c.purchase_stage = ?1)"
          " AND (?2 IS NULL OR c.customer_type = ?2)"
          " AND (?3 IS NULL OR c.region_class = ?3)"
          " AND (?4 IS NULL OR coalesce(nullif(c.grade_tier, ''), 'C') = ?4)"
          " AND (?5 IS NULL OR c.id IN ("
          "   SELECT t.customer_id FROM tasks t WHERE t.deleted = 0 AND t.status = 'open'"
          "     AND t.due_date < ?5"
          "   UNION SELECT v.customer_id FROM visits v WHERE v.next_follow_up < ?5"
          "     AND v.next_follow_up <> '' AND " FB_LIVE_VISIT
          "     AND v.check_in = (SELECT max(x.check_in) FROM visits x"
          "       WHERE x.customer_id = v.customer_id AND x.id NOT IN (SELECT y.voids_id"
          "       FROM visits y WHERE y.customer_id = x.customer_id AND y.voids_id IS NOT NULL))))"
          " ORDER BY coalesce(nullif(c.name_latin, ''), c.name), c.id LIMIT ?6"));
  Stmt s(raw);
  auto opt = [&](int i, const std::optional<std::string>& v) {
    if (v) {
      s->Bind(i, *v);
    } else {
      s->BindNull(i);
    }
  };
  opt(1, f.stage);
  opt(2, f.type);
  opt(3, f.region_class);
  opt(4, tier);
  opt(5, f.overdue ? std::optional<std::string>(f.today) : std::nullopt);
  s->Bind(6, f.limit == 0 ? int64_t{-1} : static_cast<int64_t>(f.limit));
  std::vector<Customer> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadCustomer(*s));
  }
  return out;
}

Result<std::vector<SearchHit>> ClientStore::SearchCustomers(const std::string& query,
                                                            size_t limit) {
  SearchTerms terms = ParseSearch(query);
  if (terms.match.empty() && terms.likes.empty()) {
    return Status::InvalidArgument("give something to search for");
  }
  if (terms.likes.size() > kMaxShortWords) terms.likes.resize(kMaxShortWords);
  const bool indexed = !terms.match.empty();
  FB_RETURN_IF_ERROR(UpdateSearchIndex());  // local writes since the last search
  // With the index: bm25 (names weigh more than the rest), best document per customer. Without
  // (every word shorter than three characters): LIKE over the indexed text, customers' own
  // documents before contacts' before visits'.
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      replica_->db().Prepare(
          indexed ? "SELECT " FB_CUSTOMER_COLUMNS ", h.kind, min(h.score) AS best"
                    // LIMIT -1 keeps the subquery from being flattened: bm25() only works in
                    // the query that scans the index.
                    " FROM (SELECT customer_id, kind, title, body,"
                    " bm25(fb_search, 0.0, 0.0, 5.0, 1.0) AS score"
                    " FROM fb_search WHERE fb_search MATCH ?1 LIMIT -1) h"
                    " JOIN customers c ON c.id = h.customer_id WHERE c.deleted = 0"
                    " AND (?2 IS NULL OR (h.title || ' ' || h.body) LIKE ?2 ESCAPE '\\')"
                    " AND (?3 IS NULL OR (h.title || ' ' || h.body) LIKE ?3 ESCAPE '\\')"
                    " AND (?4 IS NULL OR (h.title || ' ' || h.body) LIKE ?4 ESCAPE '\\')"
                    " AND (?5 IS NULL OR (h.title || ' ' || h.body) LIKE ?5 ESCAPE '\\')"
                    " GROUP BY c.id ORDER BY best, c.name, c.id LIMIT ?6"
                  : "SELECT " FB_CUSTOMER_COLUMNS ", h.kind,"
                    " min(CASE h.kind WHEN 'customer' THEN 0 WHEN 'contact' THEN 1 ELSE 2 END)"
                    " AS best FROM fb_search h JOIN customers c ON c.id = h.customer_id"
                    " WHERE c.deleted = 0 AND ?1 IS NULL"
                    " AND (?2 IS NULL OR (h.title || ' ' || h.body) LIKE ?2 ESCAPE '\\')"
                    " AND (?3 IS NULL OR (h.title || ' ' || h.body) LIKE ?3 ESCAPE '\\')"
                    " AND (?4 IS NULL OR (h.title || ' ' || h.body) LIKE ?4 ESCAPE '\\')"
                    " AND (?5 IS NULL OR (h.title || ' ' || h.body) LIKE ?5 ESCAPE '\\')"
                    " GROUP BY c.id ORDER BY best, c.name, c.id LIMIT ?6"));
  Stmt s(raw);
  if (indexed) {
    s->Bind(1, terms.match);
  } else {
    s->BindNull(1);
  }
  for (size_t i = 0; i < kMaxShortWords; ++i) {
    if (i < terms.likes.size()) {
      s->Bind(static_cast<int>(i + 2), terms.likes[i]);
    } else {
      s->BindNull(static_cast<int>(i + 2));
    }
  }
  s->Bind(6, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit));
  std::vector<SearchHit> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(SearchHit{ReadCustomer(*s), s->Text(kCustomerColumnCount)});
  }
  return out;
}

Result<std::string> ClientStore::AddContact(const std::string& customer, const Contact& contact) {
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomer(customer));
  if (Trim(contact.name).empty()) return Status::InvalidArgument("a contact needs a name");
  if (!contact.birthday.empty() && !IsValidDate(contact.birthday)) {
    return Status::InvalidArgument("birthday must be a date like 1980-05-17 (not '" +
                                   contact.birthday + "')");
  }
  const std::string id = replica_->ids().Next();
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_->db().Prepare(
                          "INSERT INTO contacts (id, customer_id, name, title, phone, wechat, "
                          "email, birthday, is_primary, notes, deleted) VALUES (?, ?, ?, ?, ?, ?, "
                          "?, ?, ?, ?, 0)"));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, customer_id).Bind(3, Trim(contact.name));
  BindText(*s, 4, Trim(contact.title));
  BindText(*s, 5, Trim(contact.phone));
  BindText(*s, 6, Trim(contact.wechat));
  BindText(*s, 7, Trim(contact.email));
  BindText(*s, 8, contact.birthday);
  s->Bind(9, static_cast<int64_t>(contact.is_primary ? 1 : 0));
  BindText(*s, 10, contact.notes);
  FB_RETURN_IF_ERROR(s->Run());
  return id;
}

// -----------------------------------------------------------------------------------------------
// Facts.

Result<std::string> ClientStore::LogVisit(const NewVisit& v) {
  FB_ASSIGN_OR_RETURN(std::string rep, RequireRep());
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomer(v.customer_id));
  std::string check_in = NowIso();
  if (!v.check_in.empty()) {
    auto t = NormalizeTime(v.check_in);
    if (!t) {
      return Status::InvalidArgument("check-in time must look like 2026-11-23T09:30 (not '" +
                                     v.check_in + "')");
    }
    check_in = *t;
  }
  std::string check_out;
  if (!v.check_out.empty()) {
    auto t = NormalizeTime(v.check_out);
    if (!t) {
      return Status::InvalidArgument("check-out time must look like 2026-11-23T10:15 (not '" +
                                     v.check_out + "')");
    }
    check_out = *t;
    if (check_out < check_in) {
      return Status::InvalidArgument("check-out is before check-in");
    }
  }
  FB_RETURN_IF_ERROR(CheckCoordinates(v.lat, v.lon));
  if (!v.next_follow_up.empty()) {
    if (!IsValidDate(v.next_follow_up)) {
      return Status::InvalidArgument("the next follow-up must be a date like 2026-12-01 (not '" +
                                     v.next_follow_up + "')");
    }
    if (v.next_follow_up < LocalDateOf(check_in)) {
      return Status::InvalidArgument("the next follow-up is before the visit");
    }
  }
  const std::string id = replica_->ids().Next();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_->db()));  // with its provisional grade
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_->db().Prepare(
                          "INSERT INTO visits (id, customer_id, rep_id, check_in, check_out, lat, "
                          "lon, purpose, outcome, notes, next_follow_up) VALUES (?, ?, ?, ?, ?, "
                          "?, ?, ?, ?, ?, ?)"));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, customer_id).Bind(3, rep).Bind(4, check_in);
  BindText(*s, 5, check_out);
  BindReal(*s, 6, v.lat);
  BindReal(*s, 7, v.lon);
  BindText(*s, 8, Trim(v.purpose));
  BindText(*s, 9, Trim(v.outcome));
  BindText(*s, 10, v.notes);
  BindText(*s, 11, v.next_follow_up);
  FB_RETURN_IF_ERROR(s->Run());
  FB_RETURN_IF_ERROR(RegradeProvisionally(customer_id, {"visits", id}));
  FB_RETURN_IF_ERROR(txn->Commit());
  return id;
}

Result<Order> ClientStore::AddOrder(const NewOrder& in) {
  FB_ASSIGN_OR_RETURN(std::string rep, RequireRep());
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomer(in.customer_id));
  Order o;
  o.id = replica_->ids().Next();
  o.customer_id = customer_id;
  o.rep_id = rep;
  o.order_date = in.order_date.empty() ? Today() : in.order_date;
  if (!IsValidDate(o.order_date)) {
    return Status::InvalidArgument("the order date must look like 2026-11-23 (not '" +
                                   o.order_date + "')");
  }
  o.currency = Trim(in.currency).empty() ? "CNY" : Trim(in.currency);
  if (o.currency.size() != 3 || !std::all_of(o.currency.begin(), o.currency.end(),
                                             [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Status::InvalidArgument("currency must be a three-letter code like CNY (not '" +
                                   o.currency + "')");
  }
  o.notes = in.notes;
  if (in.lines.empty()) return Status::InvalidArgument("an order needs at least one line");
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (size_t i = 0; i < in.lines.size(); ++i) {
    const NewOrderLine& l = in.lines[i];
    const std::string where = "line " + std::to_string(i + 1) + ": ";
    if (Trim(l.part_no).empty()) return Status::InvalidArgument(where + "the part number is empty");
    if (l.quantity <= 0) {
      return Status::InvalidArgument(where + "quantity must be a whole number above 0");
    }
    if (l.unit_price_cents < 0) {
      return Status::InvalidArgument(where + "the unit price cannot be negative");
    }
    if (l.unit_price_cents != 0 && l.quantity > kMax / l.unit_price_cents) {
      return Status::InvalidArgument(where + "the amount is too large");
    }
    const int64_t line_total = l.quantity * l.unit_price_cents;
    if (o.amount_cents > kMax - line_total) {
      return Status::InvalidArgument("the order total is too large");
    }
    o.amount_cents += line_total;
    o.lines.push_back(OrderLine{replica_->ids().Next(), Trim(l.part_no), Trim(l.description),
                                l.quantity, l.unit_price_cents});
  }
  Db& db = replica_->db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("INSERT INTO orders (id, customer_id, rep_id, order_date, "
                                   "amount_cents, currency, notes) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    Stmt s(raw);
    s->Bind(1, o.id).Bind(2, o.customer_id).Bind(3, rep).Bind(4, o.order_date);
    s->Bind(5, o.amount_cents).Bind(6, o.currency);
    BindText(*s, 7, o.notes);
    FB_RETURN_IF_ERROR(s->Run());
  }
  for (const OrderLine& l : o.lines) {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("INSERT INTO order_lines (id, order_id, customer_id, part_no, "
                                   "description, quantity, unit_price_cents) VALUES (?, ?, ?, ?, "
                                   "?, ?, ?)"));
    Stmt s(raw);
    s->Bind(1, l.id).Bind(2, o.id).Bind(3, o.customer_id).Bind(4, l.part_no);
    BindText(*s, 5, l.description);
    s->Bind(6, l.quantity).Bind(7, l.unit_price_cents);
    FB_RETURN_IF_ERROR(s->Run());
  }
  FB_RETURN_IF_ERROR(RegradeProvisionally(o.customer_id, {"orders", o.id}));
  FB_RETURN_IF_ERROR(txn->Commit());
  return o;
}

Result<std::string> ClientStore::AddFeedback(const NewFeedback& f) {
  FB_ASSIGN_OR_RETURN(std::string rep, RequireRep());
  if (f.satisfaction && (*f.satisfaction < 1 || *f.satisfaction > 5)) {
    return Status::InvalidArgument("satisfaction must be 1 to 5");
  }
  const std::string complaint = Trim(f.complaint);
  if (!f.satisfaction && complaint.empty()) {
    return Status::InvalidArgument("give a satisfaction score (1 to 5), a complaint, or both");
  }
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomer(f.customer_id));
  const std::string id = replica_->ids().Next();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_->db()));  // with its provisional grade
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_->db().Prepare("INSERT INTO feedback (id, customer_id, rep_id, "
                                             "created_at, satisfaction, complaint) VALUES (?, ?, "
                                             "?, ?, ?, ?)"));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, customer_id).Bind(3, rep).Bind(4, NowIso());
  if (f.satisfaction) {
    s->Bind(5, *f.satisfaction);
  } else {
    s->BindNull(5);
  }
  BindText(*s, 6, complaint);
  FB_RETURN_IF_ERROR(s->Run());
  FB_RETURN_IF_ERROR(RegradeProvisionally(customer_id, {"feedback", id}));
  FB_RETURN_IF_ERROR(txn->Commit());
  return id;
}

// -----------------------------------------------------------------------------------------------
// Tasks.

Result<std::string> ClientStore::AddTask(const NewTask& t) {
  FB_ASSIGN_OR_RETURN(std::string rep, RequireRep());
  if (!IsValidDate(t.due_date)) {
    return Status::InvalidArgument("the due date must look like 2026-11-23 (not '" + t.due_date +
                                   "')");
  }
  const std::string kind = t.kind.empty() ? "visit" : t.kind;
  FB_RETURN_IF_ERROR(CheckEnum("task kind", kind, kTaskKinds));
  const std::string title = Trim(t.title);
  if (title.empty()) return Status::InvalidArgument("a task needs a title");
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomer(t.customer_id));
  const std::string id = replica_->ids().Next();
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_->db().Prepare("INSERT INTO tasks (id, customer_id, rep_id, "
                                             "due_date, kind, status, title, notes, deleted) "
                                             "VALUES (?, ?, ?, ?, ?, 'open', ?, ?, 0)"));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, customer_id).Bind(3, rep).Bind(4, t.due_date).Bind(5, kind);
  s->Bind(6, title);
  BindText(*s, 7, t.notes);
  FB_RETURN_IF_ERROR(s->Run());
  return id;
}

Status ClientStore::CompleteTask(const std::string& ref) {
  FB_ASSIGN_OR_RETURN(
      std::string id,
      ResolveId("SELECT id FROM tasks WHERE deleted = 0 AND (id = ?1 OR (?2 AND substr(id, 1, "
                "length(?1)) = ?1)) LIMIT 3",
                ref, "task"));
  Db& db = replica_->db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare("SELECT status FROM tasks WHERE id = ?"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound("no task " + ref + " on this device");
    const std::string status = s->Text(0);
    if (status == "done") return Status::Conflict("task " + id + " is already done");
    if (status == "cancelled") return Status::Conflict("task " + id + " was cancelled");
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("UPDATE tasks SET status = 'done', done_at = ? WHERE id = ?"));
    Stmt s(raw);
    s->Bind(1, NowIso()).Bind(2, id);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return txn->Commit();
}

Result<std::vector<Task>> ClientStore::ListTasks(const TaskFilter& f) {
  std::string customer_id;
  if (!f.customer_id.empty()) {
    FB_ASSIGN_OR_RETURN(customer_id, ResolveCustomer(f.customer_id));
  }
  if (!f.due_by.empty() && !IsValidDate(f.due_by)) {
    return Status::InvalidArgument("the date must look like 2026-11-23 (not '" + f.due_by + "')");
  }
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      replica_->db().Prepare("SELECT " FB_TASK_COLUMNS " FROM tasks t WHERE t.deleted = 0"
                             " AND (?1 OR t.status = 'open')"
                             " AND (?2 IS NULL OR t.customer_id = ?2)"
                             " AND (?3 IS NULL OR t.due_date <= ?3)"
                             " ORDER BY t.status <> 'open', t.due_date IS NULL, t.due_date, t.id"));
  Stmt s(raw);
  s->Bind(1, static_cast<int64_t>(f.include_closed ? 1 : 0));
  BindText(*s, 2, customer_id);
  BindText(*s, 3, f.due_by);
  std::vector<Task> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadTask(*s));
  }
  return out;
}

// -----------------------------------------------------------------------------------------------
// Status and sync.

Result<StoreStatus> ClientStore::GetStatus() {
  StoreStatus st;
  FB_ASSIGN_OR_RETURN(ClientSettings settings, Settings());
  st.replica_id = replica_->replica_id();
  st.server_url = settings.server_url;
  st.rep_id = settings.rep_id;
  st.rep_name = settings.rep_name;
  st.has_token = !settings.device_token.empty();
  FB_ASSIGN_OR_RETURN(st.pending_writes, replica_->PendingWriteCount());
  FB_ASSIGN_OR_RETURN(std::string last, Setting("last_sync_ms"));
  int64_t v = 0;
  if (ParseInt(last, &v)) st.last_sync_ms = v;
  FB_ASSIGN_OR_RETURN(std::string skew, Setting("last_sync_skew_ms"));
  if (ParseInt(skew, &v)) st.clock_skew_ms = v;
  st.cursor = replica_->cursor();
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        replica_->db().Prepare("SELECT count(*) FROM customers WHERE deleted = 0"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) st.customers = s->Int(0);
  }
  FB_ASSIGN_OR_RETURN(st.review, replica_->ReviewList());
  FB_ASSIGN_OR_RETURN(st.deferred_evictions, replica_->DeferredEvictions());
  return st;
}

Status ClientStore::RecordSync(int64_t clock_skew_ms) {
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_->db()));
  FB_RETURN_IF_ERROR(PutSetting("last_sync_ms", std::to_string(wall_.NowMs())));
  FB_RETURN_IF_ERROR(PutSetting("last_sync_skew_ms", std::to_string(clock_skew_ms)));
  return txn->Commit();
}

// -----------------------------------------------------------------------------------------------
// The day's plan.

Result<std::vector<PlanItem>> ClientStore::Plan(const std::string& today, size_t limit) {
  if (!IsValidDate(today)) {
    return Status::InvalidArgument("the date must look like 2026-11-23 (not '" + today + "')");
  }
  if (limit == 0) return std::vector<PlanItem>();
  Db& db = replica_->db();
  std::vector<PlanItem> follow_ups;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT t.id, t.customer_id, c.name, t.due_date, t.kind, "
                                   "t.title, c.grade_tier FROM tasks t JOIN customers c ON c.id = "
                                   "t.customer_id WHERE t.deleted = 0 AND t.status = 'open' AND "
                                   "c.deleted = 0 AND t.due_date IS NOT NULL AND t.due_date <> '' "
                                   "AND t.due_date <= ? ORDER BY t.due_date, c.name, t.id"));
    Stmt s(raw);
    s->Bind(1, today);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      PlanItem item;
      item.kind = PlanItem::Kind::kFollowUp;
      item.task_id = s->Text(0);
      item.customer_id = s->Text(1);
      item.customer_name = s->Text(2);
      item.due_date = s->Text(3);
      item.tier = s->Text(6);
      item.days_overdue = DaysBetween(item.due_date, today);
      const std::string what = s->Text(4).empty() ? "task" : s->Text(4) + " task";
      item.reason = what + " \"" + s->Text(5) + "\" " +
                    (item.days_overdue > 0 ? "overdue since " + item.due_date + " (" +
                                                 DaysText(item.days_overdue) + ")"
                                           : std::string("due today"));
      follow_ups.push_back(std::move(item));
    }
  }
  {
    // Follow-ups promised at a customer's latest visit: a later visit settles them.
    FB_ASSIGN_OR_RETURN(
        Statement * raw,
        db.Prepare("WITH live AS (SELECT v.* FROM visits v WHERE " FB_LIVE_VISIT "),"
                   " latest AS (SELECT customer_id, max(check_in) AS last_in FROM live"
                   "   GROUP BY customer_id)"
                   " SELECT v.id, v.customer_id, c.name, v.next_follow_up,"
                   "   date(v.check_in, 'localtime'), c.grade_tier, v.purpose"
                   " FROM live v JOIN latest l ON l.customer_id = v.customer_id"
                   "   AND v.check_in = l.last_in JOIN customers c ON c.id = v.customer_id"
                   " WHERE c.deleted = 0 AND v.next_follow_up IS NOT NULL"
                   "   AND v.next_follow_up <> '' AND v.next_follow_up <= ?"
                   " ORDER BY v.next_follow_up, c.name, v.id"));
    Stmt s(raw);
    s->Bind(1, today);
    std::set<std::string> seen;
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      PlanItem item;
      item.kind = PlanItem::Kind::kFollowUp;
      item.visit_id = s->Text(0);
      item.customer_id = s->Text(1);
      if (!seen.insert(item.customer_id).second) continue;
      item.customer_name = s->Text(2);
      item.due_date = s->Text(3);
      item.tier = s->Text(5);
      item.days_overdue = DaysBetween(item.due_date, today);
      item.reason = "follow-up promised at the visit of " + s->Text(4) +
                    (item.days_overdue > 0 ? " was due " + item.due_date + " (" +
                                                 DaysText(item.days_overdue) + " overdue)"
                                           : std::string(" is due today"));
      follow_ups.push_back(std::move(item));
    }
  }
  // Most overdue first; on the same day, tasks before visit follow-ups (stable).
  std::stable_sort(follow_ups.begin(), follow_ups.end(),
                   [](const PlanItem& a, const PlanItem& b) { return a.due_date < b.due_date; });
  std::vector<PlanItem> plan;
  std::set<std::string> planned;
  for (PlanItem& item : follow_ups) {
    if (plan.size() >= limit) return plan;
    planned.insert(item.customer_id);
    plan.push_back(std::move(item));
  }

  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      db.Prepare("WITH last AS (SELECT v.customer_id, max(v.check_in) AS last_in FROM visits v"
                 "   WHERE " FB_LIVE_VISIT " GROUP BY v.customer_id)"
                 " SELECT c.id, c.name, c.grade_tier, c.grade_churn_risk,"
                 "   CAST(julianday(?1) - julianday(date(l.last_in, 'localtime')) AS INTEGER)"
                 "     AS days,"
                 "   CASE coalesce(c.grade_tier, 'C') WHEN 'VIP' THEN -1 WHEN 'A' THEN 0"
                 "     WHEN 'B' THEN 1 WHEN 'D' THEN 3 ELSE 2 END AS tier_rank"
                 " FROM customers c LEFT JOIN last l ON l.customer_id = c.id"
                 " WHERE c.deleted = 0 AND (days IS NULL OR days > 0)"
                 " ORDER BY tier_rank, days IS NOT NULL, days DESC,"
                 "   coalesce(c.grade_churn_risk, 0) DESC, c.name, c.id"
                 " LIMIT ?2"));
  Stmt s(raw);
  s->Bind(1, today).Bind(2, static_cast<int64_t>(limit + planned.size()));
  while (plan.size() < limit) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    PlanItem item;
    item.kind = PlanItem::Kind::kSuggestedVisit;
    item.customer_id = s->Text(0);
    if (planned.count(item.customer_id)) continue;
    item.customer_name = s->Text(1);
    item.tier = s->Text(2);
    item.churn_risk = RealOpt(*s, 3);
    item.days_since_visit = IntOpt(*s, 4);
    std::string reason = item.tier.empty() ? "tier C (not graded)" : "tier " + item.tier;
    reason += item.days_since_visit ? ", last visit " + DaysText(*item.days_since_visit) + " ago"
                                    : std::string(", never visited");
    if (item.churn_risk && *item.churn_risk > 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", *item.churn_risk);
      reason += std::string(", churn risk ") + buf;
    }
    item.reason = std::move(reason);
    plan.push_back(std::move(item));
  }
  return plan;
}

// The search documents (schema/sql/replica/0003_client.sql): one per customer, contact (not
// deleted) and visit, with rowid = source rowid * 4 + kind. Phones are indexed as written and as
// digits only. `c` is the source table; the flush joins it to the queue `q`.
#define FB_DIGITS(column)                                            \
  "replace(replace(replace(replace(replace(replace(coalesce(" column \
  ", ''), ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '')"
#define FB_INSERT_SEARCH "INSERT INTO fb_search (rowid, customer_id, kind, title, body) SELECT "
#define FB_CUSTOMER_DOC                                                                           \
  "c.rowid * 4 + 1, c.id, 'customer', coalesce(c.name, '') || ' ' || coalesce(c.name_latin, '')," \
  " coalesce(c.city, '') || ' ' || coalesce(c.phone, '') || ' ' || " FB_DIGITS(                   \
      "c.phone") " || ' ' || coalesce(c.primary_contact, '')"
#define FB_CONTACT_DOC                                               \
  "c.rowid * 4 + 2, c.customer_id, 'contact', coalesce(c.name, '')," \
  " coalesce(c.phone, '') || ' ' || " FB_DIGITS("c.phone")
#define FB_VISIT_DOC                                                               \
  "c.rowid * 4 + 3, c.customer_id, 'visit', '', coalesce(c.purpose, '') || ' ' ||" \
  " coalesce(c.outcome, '') || ' ' || coalesce(c.notes, '')"
// Queued documents of one kind, the queue driving the join (one rowid lookup per document).
#define FB_QUEUED(table, kind) \
  " FROM fb_search_queue q CROSS JOIN " table " c ON c.rowid = q.doc >> 2 WHERE q.doc & 3 = " kind

Status ClientStore::RebuildSearchIndex() {
  Db& db = replica_->db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  for (const char* sql : {
           "DELETE FROM fb_search",
           "DELETE FROM fb_search_queue",
           FB_INSERT_SEARCH FB_CUSTOMER_DOC " FROM customers c",
           FB_INSERT_SEARCH FB_CONTACT_DOC " FROM contacts c WHERE c.deleted = 0",
           FB_INSERT_SEARCH FB_VISIT_DOC " FROM visits c",
       }) {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
    Stmt s(raw);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return txn->Commit();
}

Status ClientStore::UpdateSearchIndex() {
  Db& db = replica_->db();
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT EXISTS (SELECT 1 FROM fb_search_queue)"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row || s->Int(0) == 0) return Status::Ok();
  }
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  // Each statement writes the index once, so FTS5 flushes its pending terms once per kind rather
  // than once per row. A document whose row is gone (deleted, evicted, a deleted contact) is
  // removed and not written again.
  for (const char* sql : {
           "DELETE FROM fb_search WHERE rowid IN (SELECT doc FROM fb_search_queue)",
           FB_INSERT_SEARCH FB_CUSTOMER_DOC FB_QUEUED("customers", "1"),
           FB_INSERT_SEARCH FB_CONTACT_DOC FB_QUEUED("contacts", "2") " AND c.deleted = 0",
           FB_INSERT_SEARCH FB_VISIT_DOC FB_QUEUED("visits", "3"),
           "DELETE FROM fb_search_queue",
       }) {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
    Stmt s(raw);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return txn->Commit();
}

#undef FB_QUEUED
#undef FB_VISIT_DOC
#undef FB_CONTACT_DOC
#undef FB_CUSTOMER_DOC
#undef FB_INSERT_SEARCH
#undef FB_DIGITS

}  // namespace fieldbook::client
