#include "import/import_values.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "fieldbook/dates.h"
#include "fieldbook/refusal_status.h"
#include "fieldbook/utf8.h"
#include "import/xlsx_reader.h"

namespace fieldbook::server {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Removes every occurrence of each of `what` from `s`.
std::string Strip(std::string s, std::initializer_list<const char*> what) {
  for (const char* w : what) {
    const std::string ww(w);
    for (size_t at = s.find(ww); at != std::string::npos; at = s.find(ww, at))
      s.erase(at, ww.size());
  }
  return s;
}

bool ValidDay(int y, int m, int d) { return y >= 1900 && y <= 2999 && IsCivilDate(y, m, d); }

// Reads up to `max` digits at `i`.
bool Digits(const std::string& s, size_t& i, size_t min, size_t max, int* out) {
  size_t n = 0;
  int v = 0;
  while (i < s.size() && IsDigit(s[i]) && n < max) {
    v = v * 10 + (s[i] - '0');
    ++i;
    ++n;
  }
  *out = v;
  return n >= min;
}

// Accepts one separator at `i`: '-', '/', '.', or the given CJK unit.
bool Sep(const std::string& s, size_t& i, const char* cjk) {
  if (i < s.size() && (s[i] == '-' || s[i] == '/' || s[i] == '.')) {
    ++i;
    return true;
  }
  const size_t n = std::string_view(cjk).size();
  if (s.compare(i, n, cjk) == 0) {
    i += n;
    return true;
  }
  return false;
}

struct DayTime {
  int y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
};

Result<DayTime> ParseDayTime(std::string_view text) {
  const std::string s = TrimCell(text);
  const Status bad = RefusalStatus(StatusCode::kInvalidArgument, {"http_import_not_date", {}});
  DayTime t;
  // An Excel serial number (a date cell read as a plain number).
  bool numeric = !s.empty();
  size_t dots = 0;
  for (char c : s) {
    numeric = numeric && (IsDigit(c) || c == '.');
    dots += c == '.';
  }
  numeric = numeric && dots <= 1;
  if (numeric && s.size() <= 16) {
    if (s.size() == 8 && s.find('.') == std::string::npos) {  // 20261123
      t.y = std::atoi(s.substr(0, 4).c_str());
      t.m = std::atoi(s.substr(4, 2).c_str());
      t.d = std::atoi(s.substr(6, 2).c_str());
      if (ValidDay(t.y, t.m, t.d)) return t;
      return bad;
    }
    const std::string day = ExcelSerialToText(std::strtod(s.c_str(), nullptr));
    if (day.size() < 10) return bad;
    std::sscanf(day.c_str(), "%4d-%2d-%2d", &t.y, &t.m, &t.d);
    if (day.size() >= 19) std::sscanf(day.c_str() + 11, "%2d:%2d:%2d", &t.hh, &t.mm, &t.ss);
    if (!ValidDay(t.y, t.m, t.d)) return bad;
    return t;
  }
  size_t i = 0;
  if (!Digits(s, i, 4, 4, &t.y) || !Sep(s, i, "年") || !Digits(s, i, 1, 2, &t.m) ||
      !Sep(s, i, "月") || !Digits(s, i, 1, 2, &t.d)) {
    return bad;
  }
  if (s.compare(i, 3, "日") == 0) i += 3;
  if (!ValidDay(t.y, t.m, t.d)) {
    return RefusalStatus(StatusCode::kInvalidArgument,
                         {"http_import_not_calendar_day", {{"text", Utf8Prefix(s, 64)}}});
  }
  // An optional time: " 14:30", "T14:30:05", " 14:30:05Z".
  while (i < s.size() && (s[i] == ' ' || s[i] == 'T')) ++i;
  if (i < s.size()) {
    if (!Digits(s, i, 1, 2, &t.hh) || i >= s.size() || s[i] != ':' ||
        !Digits(s, ++i, 2, 2, &t.mm)) {
      return bad;
    }
    if (i < s.size() && s[i] == ':' && !Digits(s, ++i, 2, 2, &t.ss)) return bad;
    if (i < s.size() && s[i] == '.') {  // fractions of a second
      ++i;
      while (i < s.size() && IsDigit(s[i])) ++i;
    }
    if (i < s.size() && s[i] == 'Z') ++i;
    if (i != s.size() || t.hh > 23 || t.mm > 59 || t.ss > 59) return bad;
  }
  return t;
}

}  // namespace

std::string TrimCell(std::string_view text) {
  size_t b = 0, e = text.size();
  auto blank_at = [&](size_t i, bool back) -> size_t {
    if (back) {
      if (i >= 1 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\r' ||
                     text[i - 1] == '\n')) {
        return 1;
      }
      if (i >= 3 && text.substr(i - 3, 3) == "\xE3\x80\x80") return 3;
      if (i >= 2 && text.substr(i - 2, 2) == "\xC2\xA0") return 2;
      return 0;
    }
    if (i < text.size() &&
        (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
      return 1;
    }
    if (text.substr(i, 3) == "\xE3\x80\x80") return 3;
    if (text.substr(i, 2) == "\xC2\xA0") return 2;
    return 0;
  };
  while (b < e) {
    const size_t n = blank_at(b, false);
    if (n == 0) break;
    b += n;
  }
  while (e > b) {
    const size_t n = blank_at(e, true);
    if (n == 0) break;
    e -= n;
  }
  return std::string(text.substr(b, e - b));
}

Result<std::string> ParseImportDate(std::string_view text) {
  FB_ASSIGN_OR_RETURN(DayTime t, ParseDayTime(text));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.y, t.m, t.d);
  return std::string(buf);
}

Result<std::string> ParseImportDateTime(std::string_view text) {
  FB_ASSIGN_OR_RETURN(DayTime t, ParseDayTime(text));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.y, t.m, t.d, t.hh, t.mm, t.ss);
  return std::string(buf);
}

Result<int64_t> ParseAmountCents(std::string_view text) {
  std::string s = Strip(TrimCell(text), {"¥", "￥", "元", "人民币", "RMB", "rmb", "CNY", "cny", " ",
                                         "，", "\xC2\xA0"});
  bool negative = false;
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
    negative = true;
    s = s.substr(1, s.size() - 2);
  }
  if (!s.empty() && s[0] == '-') {
    negative = !negative;
    s.erase(0, 1);
  }
  int64_t scale = 1;
  if (s.size() > 3 && s.compare(s.size() - 3, 3, "万") == 0) {
    scale = 10000;
    s.resize(s.size() - 3);
  }
  const Status bad = RefusalStatus(StatusCode::kInvalidArgument, {"http_import_not_amount", {}});
  // Thousands separators: commas between groups of three digits before the point.
  std::string digits;
  size_t point = std::string::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      digits += c;
    } else if (c == ',' && point == std::string::npos && !digits.empty()) {
      size_t n = 0;
      while (i + 1 + n < s.size() && IsDigit(s[i + 1 + n])) ++n;
      if (n != 3) return bad;
    } else if (c == '.' && point == std::string::npos) {
      point = digits.size();
    } else {
      return bad;
    }
  }
  if (digits.empty()) return bad;
  const size_t decimals = point == std::string::npos ? 0 : digits.size() - point;
  if (decimals > 2 && scale == 1) {
    // Excel's floating-point leftovers (12.300000000000001): round to the fen when tiny.
    const double v = std::strtod((s.find(',') == std::string::npos ? s : digits).c_str(), nullptr);
    if (s.find(',') != std::string::npos) return bad;
    const double cents = v * 100;
    if (std::fabs(cents - std::round(cents)) > 1e-6 || cents > 9e15) {
      return RefusalStatus(StatusCode::kInvalidArgument, {"http_import_amount_decimals", {}});
    }
    const auto c = static_cast<int64_t>(std::llround(cents));
    return negative ? -c : c;
  }
  if (digits.size() > 15) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_import_amount_too_large", {}});
  }
  int64_t value = std::strtoll(digits.c_str(), nullptr, 10);
  for (size_t k = decimals; k < 2; ++k) value *= 10;
  if (scale > 1) {
    if (decimals > 2) return bad;
    value *= scale;
  }
  return negative ? -value : value;
}

Result<int64_t> ParseQuantity(std::string_view text) {
  FB_ASSIGN_OR_RETURN(int64_t cents, ParseAmountCents(text));
  if (cents % 100 != 0) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_import_not_whole", {}});
  }
  if (cents < 0) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_import_negative_quantity", {}});
  }
  return cents / 100;
}

Result<std::string> ParsePhone(std::string_view text) {
  std::string s = TrimCell(text);
  // Excel shows a long number as 1.3800138001E+10 and CSV keeps that.
  const size_t e = s.find_first_of("eE");
  if (e != std::string::npos && e > 0 &&
      s.find_first_not_of("0123456789.eE+") == std::string::npos) {
    const double v = std::strtod(s.c_str(), nullptr);
    if (v >= 1e6 && v < 1e16 && v == std::floor(v)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.0f", v);
      s = buf;
    }
  }
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0 &&
      s.find_first_not_of("0123456789") == s.size() - 2) {
    s.resize(s.size() - 2);
  }
  if (s.size() > 64) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_import_phone_too_long", {}});
  }
  return s;
}

Result<int64_t> ParseFlag(std::string_view text) {
  std::string s = TrimCell(text);
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (s == "是" || s == "yes" || s == "y" || s == "true" || s == "1" || s == "√" || s == "主") {
    return int64_t{1};
  }
  if (s == "否" || s == "no" || s == "n" || s == "false" || s == "0" || s.empty()) {
    return int64_t{0};
  }
  return RefusalStatus(StatusCode::kInvalidArgument, {"http_import_not_flag", {}});
}

Result<std::string> ParseEnum(const std::string& field, std::string_view text) {
  std::string s = TrimCell(text);
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  using Words = std::vector<std::pair<const char*, std::vector<const char*>>>;
  static const Words kType = {
      {"garage", {"garage", "修理厂", "汽修厂", "汽修", "维修厂", "快修", "修理"}},
      {"dealer", {"dealer", "经销商", "4s店", "4s", "车行", "汽配", "汽配店"}},
      {"fleet", {"fleet", "车队", "物流", "运输公司"}},
      {"individual", {"individual", "个人", "车主", "散客"}}};
  static const Words kRelationship = {
      {"potential", {"potential", "潜在", "潜在客户", "意向"}},
      {"existing", {"existing", "现有", "现有客户", "老客户", "已合作", "合作"}},
      {"vip", {"vip", "重要", "重要客户", "大客户", "重点客户"}}};
  static const Words kStage = {{"aware", {"aware", "了解", "初步接触", "接触"}},
                               {"interested", {"interested", "有兴趣", "感兴趣", "意向"}},
                               {"deciding", {"deciding", "决策", "决策中", "洽谈", "谈判"}},
                               {"customer", {"customer", "成交", "已成交", "客户"}}};
  const Words* words = field == "customer_type"    ? &kType
                       : field == "relationship"   ? &kRelationship
                       : field == "purchase_stage" ? &kStage
                                                   : nullptr;
  if (!words) return Status::Internal("no enumeration " + field);
  std::string allowed;
  for (const auto& [value, aliases] : *words) {
    for (const char* a : aliases) {
      if (s == a) return std::string(value);
    }
    allowed += (allowed.empty() ? "" : ", ") + std::string(value) + "/" + aliases[1];
  }
  return RefusalStatus(StatusCode::kInvalidArgument,
                       {"http_import_not_one_of", {{"choices", allowed}}});
}

Result<Value> ParseField(const FieldSpec& field, std::string_view raw) {
  // An export protects text Excel would take for a formula with a leading apostrophe.
  std::string unquoted = TrimCell(raw);
  if (unquoted.size() >= 2 && unquoted[0] == '\'' &&
      std::string_view("=+-@").find(unquoted[1]) != std::string_view::npos) {
    unquoted.erase(0, 1);
  }
  const std::string_view text = unquoted;
  switch (field.type) {
    case FieldType::kText:
      return Value(std::string(text));
    case FieldType::kPhone: {
      FB_ASSIGN_OR_RETURN(std::string p, ParsePhone(text));
      return Value(std::move(p));
    }
    case FieldType::kDate: {
      FB_ASSIGN_OR_RETURN(std::string d, ParseImportDate(text));
      return Value(std::move(d));
    }
    case FieldType::kDateTime: {
      FB_ASSIGN_OR_RETURN(std::string d, ParseImportDateTime(text));
      return Value(std::move(d));
    }
    case FieldType::kAmount: {
      FB_ASSIGN_OR_RETURN(int64_t c, ParseAmountCents(text));
      return Value(c);
    }
    case FieldType::kQuantity: {
      FB_ASSIGN_OR_RETURN(int64_t q, ParseQuantity(text));
      return Value(q);
    }
    case FieldType::kEnum: {
      FB_ASSIGN_OR_RETURN(std::string e, ParseEnum(field.key, text));
      return Value(std::move(e));
    }
    case FieldType::kFlag: {
      FB_ASSIGN_OR_RETURN(int64_t f, ParseFlag(text));
      return Value(f);
    }
  }
  return Status::Internal("unknown field type");
}

}  // namespace fieldbook::server
