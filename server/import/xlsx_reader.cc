#include "import/xlsx_reader.h"

#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <set>

#include "fieldbook/dates.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/refusal_status.h"
#include "fieldbook/utf8.h"

namespace fieldbook::server {

namespace {

// A refusal of the whole workbook (issue #19): a code of fieldbook/lang_text.h HttpRefusals with
// its values, its English the code's; `detail` (a library's own words: libzip's, expat's) follows
// it in the English only.
Status Refuse(Phrase why, const std::string& detail = "") {
  if (detail.empty()) return RefusalStatus(StatusCode::kInvalidArgument, std::move(why));
  std::string english = SayRefusal(Lang::kEnglish, why) + detail;
  return Status(StatusCode::kInvalidArgument, std::move(english), std::move(why));
}

// A cell's value named in a problem: at most 64 bytes of whole characters (a value may be 1 MiB).
std::string Shown(const std::string& value) { return Utf8Prefix(value, 64); }

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMaxSheets = 1000;
constexpr size_t kMaxMerges = 100000;

std::string_view Local(const XML_Char* name) {
  std::string_view n(name);
  const size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attr(const XML_Char** attrs, std::string_view name) {
  for (size_t i = 0; attrs[i] != nullptr; i += 2) {
    if (Local(attrs[i]) == name) return attrs[i + 1];
  }
  return nullptr;
}

// The value of attribute `name`, or `fallback` when it is absent.
std::string AttrOr(const XML_Char** attrs, std::string_view name, const char* fallback) {
  const char* value = Attr(attrs, name);
  return value != nullptr ? value : fallback;
}

// Receives expat's events for one entry of the archive.
class XmlEvents {
 public:
  virtual ~XmlEvents() = default;
  virtual void Start(std::string_view name, const XML_Char** attrs) = 0;
  virtual void End(std::string_view) {}
  virtual void Text(const char*, size_t) {}
  Status status;  // set by a handler to stop the parse with an error
};

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attrs) {
  static_cast<XmlEvents*>(data)->Start(Local(name), attrs);
}
void XMLCALL OnEnd(void* data, const XML_Char* name) {
  static_cast<XmlEvents*>(data)->End(Local(name));
}
void XMLCALL OnText(void* data, const XML_Char* s, int len) {
  static_cast<XmlEvents*>(data)->Text(s, static_cast<size_t>(len));
}

// "B12" -> column 1, row 12 (row 0 when absent). False when it is not a cell reference.
bool ParseRef(std::string_view ref, size_t* column, int64_t* row) {
  size_t i = 0;
  size_t col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    col = col * 26 + static_cast<size_t>(ref[i] - 'A' + 1);
    if (col > 16384) return false;
    ++i;
  }
  if (i == 0) return false;
  int64_t r = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    r = r * 10 + (ref[i] - '0');
    if (r > 1048576) return false;
  }
  *column = col - 1;
  *row = r;
  return true;
}

struct Merge {
  int64_t r1, r2;
  size_t c1, c2;
  std::string ref;
};

}  // namespace

std::string ExcelSerialToText(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial >= 2958466) return "";
  double days_f = std::floor(serial);
  int64_t seconds = std::llround((serial - days_f) * 86400.0);
  if (seconds >= 86400) {
    days_f += 1;
    seconds -= 86400;
  }
  int64_t days = static_cast<int64_t>(days_f);
  if (date1904) days += 1462;
  if (days == 0 && seconds > 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
    return buf;
  }
  if (days < 1 || days == 60) return "";  // day 0 and Excel's 1900-02-29 do not exist
  // Excel counts 1900-02-29 (serial 60): serials from 61 are one day ahead of a true count.
  const int64_t unix_days = days - (days > 60 ? 25569 : 25568);
  if (CivilFromDays(unix_days).year > 9999) return "";
  std::string text = FormatDate(unix_days);
  if (seconds == 0) return text;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  return text + buf;
}

bool IsDateFormat(int id, const std::string& code) {
  // Built-in date formats, including the CJK ones (27-36, 50-58: 2026年11月23日 and the like).
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
      (id >= 50 && id <= 58)) {
    return true;
  }
  if (code.empty()) return false;
  // A custom code shows a date when, outside quoted text, brackets and escapes, it has y or d
  // (m alone may be minutes).
  bool quoted = false;
  int bracket = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (quoted) {
      continue;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      ++bracket;
    } else if (c == ']') {
      bracket = std::max(0, bracket - 1);
    } else if (bracket == 0 && (c == 'y' || c == 'Y' || c == 'd' || c == 'D')) {
      return true;
    }
  }
  return false;
}

struct XlsxState {
  SheetOptions options;
  std::string bytes;  // OpenBytes: the archive itself
  zip_t* zip = nullptr;
  uint64_t total_compressed = 0;
  uint64_t inflated = 0;  // bytes inflated so far, all entries
  std::vector<Phrase> notes;
  bool date1904 = false;
  struct SheetEntry {
    std::string name, rid, state, target;
  };
  std::vector<SheetEntry> sheets;
  size_t chosen = 0;
  std::vector<std::string> shared;
  std::set<size_t> date_styles;
  std::vector<Merge> merges;
  // The sheet being streamed.
  zip_file_t* file = nullptr;
  XML_Parser parser = nullptr;
  std::unique_ptr<XmlEvents> events;
  uint64_t entry_size = 0, entry_compressed = 0, entry_read = 0;
  std::deque<SheetRow> ready;
  bool done = false;
  size_t formulas = 0;
  uint64_t sheet_compressed = 0;

  ~XlsxState() {
    if (parser) XML_ParserFree(parser);
    if (file) zip_fclose(file);
    if (zip) zip_discard(zip);
  }

  Status Limits(const std::string& name, uint64_t size, uint64_t compressed) const {
    if (size > options.max_uncompressed_bytes) {
      return Refuse({"http_import_zip_entry_too_large",
                     {{"entry", Shown(name)},
                      {"size", std::to_string(size)},
                      {"limit", std::to_string(options.max_uncompressed_bytes)}}});
    }
    if (size > options.ratio_floor_bytes &&
        size / std::max<uint64_t>(compressed, 1) > options.max_ratio) {
      return Refuse({"http_import_zip_entry_ratio",
                     {{"entry", Shown(name)},
                      {"ratio", std::to_string(size / std::max<uint64_t>(compressed, 1))},
                      {"limit", std::to_string(options.max_ratio)}}});
    }
    return Status::Ok();
  }

  // Opens an entry, checking its declared sizes. nullptr with ok status: no such entry.
  Result<zip_file_t*> OpenEntry(const std::string& name, uint64_t* size, uint64_t* compressed) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip, name.c_str(), 0, &st) != 0) return static_cast<zip_file_t*>(nullptr);
    *size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    *compressed = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    FB_RETURN_IF_ERROR(Limits(name, *size, *compressed));
    zip_file_t* f = zip_fopen(zip, name.c_str(), 0);
    if (!f) {
      return Refuse({"http_import_zip_entry_unreadable", {{"entry", Shown(name)}}},
                    std::string(": ") + zip_strerror(zip));
    }
    return f;
  }

  // Reads up to `cap` bytes of an open entry, enforcing the limits on what actually inflates.
  Result<size_t> ReadSome(zip_file_t* f, const std::string& name, char* buf, size_t cap,
                          uint64_t declared, uint64_t compressed, uint64_t* read_so_far) {
    const zip_int64_t got = zip_fread(f, buf, cap);
    if (got < 0) {
      return Refuse({"http_import_zip_entry_damaged", {{"entry", Shown(name)}}},
                    std::string(": ") + zip_file_strerror(f));
    }
    *read_so_far += static_cast<uint64_t>(got);
    inflated += static_cast<uint64_t>(got);
    if (*read_so_far > declared || inflated > options.max_uncompressed_bytes) {
      return Refuse(
          {"http_import_zip_entry_more",
           {{"entry", Shown(name)}, {"limit", std::to_string(options.max_uncompressed_bytes)}}});
    }
    FB_RETURN_IF_ERROR(Limits(name, *read_so_far, compressed));
    return static_cast<size_t>(got);
  }

  // Parses a whole entry with `events`. `required`: a missing entry is an error.
  Status ParseEntry(const std::string& name, XmlEvents& ev, bool required) {
    uint64_t size = 0, compressed = 0, read = 0;
    FB_ASSIGN_OR_RETURN(zip_file_t * f, OpenEntry(name, &size, &compressed));
    if (!f) {
      return required ? Refuse({"http_import_xlsx_part_missing", {{"entry", Shown(name)}}})
                      : Status::Ok();
    }
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, &ev);
    XML_SetElementHandler(p, OnStart, OnEnd);
    XML_SetCharacterDataHandler(p, OnText);
    Status result = Status::Ok();
    std::string buf(kChunk, '\0');
    while (true) {
      auto got = ReadSome(f, name, buf.data(), buf.size(), size, compressed, &read);
      if (!got.ok()) {
        result = got.status();
        break;
      }
      const bool last = *got == 0;
      if (XML_Parse(p, buf.data(), static_cast<int>(*got), last) == XML_STATUS_ERROR) {
        result = ev.status.ok() ? Refuse({"http_import_xlsx_damaged_xml",
                                          {{"entry", Shown(name)},
                                           {"line", std::to_string(XML_GetCurrentLineNumber(p))}}},
                                         std::string(": ") + XML_ErrorString(XML_GetErrorCode(p)))
                                : ev.status;
        break;
      }
      // A handler's refusal (a shared string over the limit) ends the parse too.
      if (!ev.status.ok()) {
        result = ev.status;
        break;
      }
      if (last) break;
    }
    XML_ParserFree(p);
    zip_fclose(f);
    return result;
  }
};

namespace {

class WorkbookEvents final : public XmlEvents {
 public:
  explicit WorkbookEvents(XlsxState& s) : s_(s) {}
  void Start(std::string_view name, const XML_Char** a) override {
    if (name == "workbookPr") {
      const std::string date1904 = AttrOr(a, "date1904", "");
      s_.date1904 = date1904 == "1" || date1904 == "true";
    } else if (name == "sheet" && s_.sheets.size() < kMaxSheets) {
      s_.sheets.push_back(
          {AttrOr(a, "name", ""), AttrOr(a, "id", ""), AttrOr(a, "state", "visible"), ""});
    }
  }

 private:
  XlsxState& s_;
};

class RelsEvents final : public XmlEvents {
 public:
  void Start(std::string_view name, const XML_Char** a) override {
    if (name != "Relationship") return;
    const char* id = Attr(a, "Id");
    const char* target = Attr(a, "Target");
    if (id && target && targets.size() < 10000) targets[id] = target;
  }
  std::map<std::string, std::string> targets;
};

class StylesEvents final : public XmlEvents {
 public:
  explicit StylesEvents(XlsxState& s) : s_(s) {}
  void Start(std::string_view name, const XML_Char** a) override {
    if (name == "numFmt") {
      const char* id = Attr(a, "numFmtId");
      const char* code = Attr(a, "formatCode");
      if (id && code && codes_.size() < 10000) codes_[std::atoi(id)] = code;
    } else if (name == "cellXfs") {
      in_xfs_ = true;
    } else if (name == "xf" && in_xfs_ && xf_ < 100000) {
      const char* id = Attr(a, "numFmtId");
      const int fmt = id ? std::atoi(id) : 0;
      auto it = codes_.find(fmt);
      if (IsDateFormat(it == codes_.end() ? fmt : -1, it == codes_.end() ? "" : it->second)) {
        s_.date_styles.insert(xf_);
      }
      ++xf_;
    }
  }
  void End(std::string_view name) override {
    if (name == "cellXfs") in_xfs_ = false;
  }

 private:
  XlsxState& s_;
  std::map<int, std::string> codes_;
  bool in_xfs_ = false;
  size_t xf_ = 0;
};

class SharedEvents final : public XmlEvents {
 public:
  explicit SharedEvents(XlsxState& s) : s_(s) {}
  void Start(std::string_view name, const XML_Char**) override {
    if (name == "si") {
      cur_.clear();
      in_si_ = true;
    } else if (name == "rPh") {
      ++skip_;  // phonetic guides (furigana) are not part of the text
    } else if (name == "t" && in_si_ && skip_ == 0) {
      in_t_ = true;
    }
  }
  void End(std::string_view name) override {
    if (name == "si") {
      s_.shared.push_back(std::move(cur_));
      cur_.clear();
      in_si_ = false;
    } else if (name == "rPh") {
      --skip_;
    } else if (name == "t") {
      in_t_ = false;
    }
  }
  void Text(const char* s, size_t n) override {
    if (!in_t_) return;
    cur_.append(s, n);
    if (cur_.size() > s_.options.max_cell_bytes && status.ok()) {
      status = Refuse({"http_import_xlsx_shared_too_long",
                       {{"index", std::to_string(s_.shared.size())},
                        {"max", std::to_string(s_.options.max_cell_bytes)}}});
    }
  }

 private:
  XlsxState& s_;
  std::string cur_;
  bool in_si_ = false, in_t_ = false;
  int skip_ = 0;
};

class MergeEvents final : public XmlEvents {
 public:
  explicit MergeEvents(XlsxState& s) : s_(s) {}
  void Start(std::string_view name, const XML_Char** a) override {
    if (name != "mergeCell" || s_.merges.size() >= kMaxMerges) return;
    const char* ref = Attr(a, "ref");
    if (!ref) return;
    std::string_view r(ref);
    const size_t colon = r.find(':');
    if (colon == std::string_view::npos) return;
    Merge m;
    if (!ParseRef(r.substr(0, colon), &m.c1, &m.r1) ||
        !ParseRef(r.substr(colon + 1), &m.c2, &m.r2)) {
      return;
    }
    if (m.r2 < m.r1) std::swap(m.r1, m.r2);
    if (m.c2 < m.c1) std::swap(m.c1, m.c2);
    m.ref = std::string(r);
    s_.merges.push_back(std::move(m));
  }

 private:
  XlsxState& s_;
};

class SheetEvents final : public XmlEvents {
 public:
  explicit SheetEvents(XlsxState& s) : s_(s) {}
  void Start(std::string_view name, const XML_Char** a) override {
    if (!status.ok()) return;
    if (name == "row") {
      row_.Clear();
      const char* r = Attr(a, "r");
      int64_t n = r ? std::atoll(r) : 0;
      row_.number = n > last_row_ && n <= 1048576 ? n : last_row_ + 1;
      next_col_ = 0;
      in_row_ = true;
    } else if (name == "c" && in_row_) {
      const char* ref = Attr(a, "r");
      size_t col = next_col_;
      int64_t rr = 0;
      if (ref) ParseRef(ref, &col, &rr);
      if (col < next_col_) col = next_col_;
      col_ = col;
      next_col_ = col + 1;
      type_ = AttrOr(a, "t", "n");
      const char* st = Attr(a, "s");
      style_ = st ? static_cast<size_t>(std::atoll(st)) : 0;
      v_.clear();
      is_.clear();
      has_f_ = false;
      has_v_ = false;
      text_ = nullptr;
    } else if (name == "v") {
      text_ = &v_;
      has_v_ = true;
    } else if (name == "f") {
      has_f_ = true;
    } else if (name == "t" && type_ == "inlineStr") {
      text_ = &is_;
    } else if (name == "rPh") {
      ++skip_;
    }
  }
  void End(std::string_view name) override {
    if (!status.ok()) return;
    if (name == "v" || name == "t") {
      text_ = nullptr;
    } else if (name == "rPh") {
      --skip_;
    } else if (name == "c" && in_row_) {
      FinishCell();
    } else if (name == "row" && in_row_) {
      in_row_ = false;
      last_row_ = row_.number;
      for (const Merge& m : s_.merges) {
        if (row_.number < m.r1 || row_.number > m.r2) continue;
        for (size_t c = m.c1; c <= m.c2 && c < s_.options.max_columns; ++c) {
          if (row_.number == m.r1 && c == m.c1) continue;
          row_.issues.push_back(
              {c,
               {"http_import_cell_merged",
                {{"range", m.ref}, {"cell", ColumnName(m.c1) + std::to_string(m.r1)}}}});
        }
      }
      s_.ready.push_back(std::move(row_));
      row_.Clear();
    }
  }
  void Text(const char* s, size_t n) override {
    if (!text_ || skip_ > 0 || !status.ok()) return;
    text_->append(s, n);
    if (text_->size() > s_.options.max_cell_bytes) {
      status = Refuse({"http_import_cell_too_long",
                       {{"row", std::to_string(row_.number)},
                        {"column", ColumnName(col_)},
                        {"max", std::to_string(s_.options.max_cell_bytes)}}});
    }
  }

 private:
  void FinishCell() {
    if (col_ >= s_.options.max_columns) {
      status = Refuse({"http_import_xlsx_too_many_columns",
                       {{"row", std::to_string(row_.number)},
                        {"column", ColumnName(col_)},
                        {"max", std::to_string(s_.options.max_columns)}}});
      return;
    }
    std::string value;
    if (type_ == "s") {
      char* end = nullptr;
      const unsigned long long i = std::strtoull(v_.c_str(), &end, 10);
      if (!v_.empty() && *end == '\0' && i < s_.shared.size()) {
        value = s_.shared[i];
      } else if (has_v_) {
        row_.issues.push_back({col_, {"http_import_cell_shared_string", {{"index", Shown(v_)}}}});
      }
    } else if (type_ == "inlineStr") {
      value = is_;
    } else if (type_ == "b") {
      value = v_ == "1" ? "TRUE" : "FALSE";
    } else if (type_ == "e") {
      row_.issues.push_back({col_, {"http_import_cell_excel_error", {{"error", Shown(v_)}}}});
    } else if (type_ == "n" && !v_.empty() && s_.date_styles.count(style_) > 0) {
      char* end = nullptr;
      const double d = std::strtod(v_.c_str(), &end);
      value = *end == '\0' ? ExcelSerialToText(d, s_.date1904) : "";
      if (value.empty()) value = v_;
    } else {
      value = v_;
    }
    if (has_f_) {
      if (!has_v_) {
        row_.issues.push_back({col_, {"http_import_cell_formula", {}}});
      } else {
        ++s_.formulas;
      }
    }
    if (value.empty()) return;
    if (row_.cells.size() <= col_) row_.cells.resize(col_ + 1);
    row_.cells[col_] = std::move(value);
  }

  XlsxState& s_;
  SheetRow row_;
  bool in_row_ = false;
  int64_t last_row_ = 0;
  size_t next_col_ = 0, col_ = 0, style_ = 0;
  std::string type_, v_, is_;
  std::string* text_ = nullptr;
  bool has_f_ = false, has_v_ = false;
  int skip_ = 0;
};

// "worksheets/sheet1.xml" relative to xl/, or "/xl/worksheets/sheet1.xml".
std::string ResolveTarget(const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  return "xl/" + target;
}

}  // namespace

XlsxReader::XlsxReader() : s_(std::make_unique<XlsxState>()) {}
XlsxReader::~XlsxReader() = default;

Result<std::unique_ptr<XlsxReader>> XlsxReader::Open(const std::string& path,
                                                     const SheetOptions& options) {
  std::unique_ptr<XlsxReader> r(new XlsxReader());
  int err = 0;
  r->s_->zip = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!r->s_->zip) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    Status refused =
        Refuse({"http_import_not_xlsx", {}}, " (" + std::string(zip_error_strerror(&ze)) + ")");
    zip_error_fini(&ze);
    return refused;
  }
  FB_RETURN_IF_ERROR(r->Start(options));
  return r;
}

Result<std::unique_ptr<XlsxReader>> XlsxReader::OpenBytes(std::string bytes,
                                                          const SheetOptions& options) {
  std::unique_ptr<XlsxReader> r(new XlsxReader());
  r->s_->bytes = std::move(bytes);
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t* src = zip_source_buffer_create(r->s_->bytes.data(), r->s_->bytes.size(), 0, &ze);
  if (src) r->s_->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
  if (!r->s_->zip) {
    if (src) zip_source_free(src);
    Status refused =
        Refuse({"http_import_not_xlsx", {}}, " (" + std::string(zip_error_strerror(&ze)) + ")");
    zip_error_fini(&ze);
    return refused;
  }
  zip_error_fini(&ze);
  FB_RETURN_IF_ERROR(r->Start(options));
  return r;
}

Status XlsxReader::Start(const SheetOptions& options) {
  XlsxState& s = *s_;
  s.options = options;
  // The declared sizes of every entry, before inflating anything.
  const zip_int64_t n = zip_get_num_entries(s.zip, 0);
  uint64_t declared = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    if (zip_stat_index(s.zip, static_cast<zip_uint64_t>(i), 0, &st) != 0) continue;
    const std::string name = (st.valid & ZIP_STAT_NAME) ? st.name : "?";
    FB_RETURN_IF_ERROR(s.Limits(name, st.size, st.comp_size));
    declared += st.size;
    s.total_compressed += st.comp_size;
    if (declared > options.max_uncompressed_bytes) {
      return Refuse(
          {"http_import_zip_total", {{"limit", std::to_string(options.max_uncompressed_bytes)}}});
    }
  }
  WorkbookEvents wb(s);
  FB_RETURN_IF_ERROR(s.ParseEntry("xl/workbook.xml", wb, true));
  if (s.sheets.empty()) return Refuse({"http_import_xlsx_no_sheets", {}});
  RelsEvents rels;
  FB_RETURN_IF_ERROR(s.ParseEntry("xl/_rels/workbook.xml.rels", rels, true));
  for (auto& sheet : s.sheets) {
    auto it = rels.targets.find(sheet.rid);
    if (it != rels.targets.end()) sheet.target = ResolveTarget(it->second);
  }
  std::vector<std::string> hidden;
  bool found = false;
  for (size_t i = 0; i < s.sheets.size() && !found; ++i) {
    const auto& sh = s.sheets[i];
    const bool is_hidden = sh.state == "hidden" || sh.state == "veryHidden";
    if (!options.sheet.empty()) {
      if (sh.name != options.sheet) continue;
      if (is_hidden)
        s.notes.push_back({"http_import_note_sheet_hidden", {{"sheet", Shown(sh.name)}}});
    } else if (is_hidden) {
      hidden.push_back(sh.name);
      continue;
    }
    s.chosen = i;
    found = true;
  }
  if (!found) {
    // The English marks the hidden sheets; the code's value names them only (no English in it).
    std::string names, marked;
    for (const auto& sh : s.sheets) {
      const std::string quoted = (names.empty() ? "\"" : ", \"") + Shown(sh.name) + "\"";
      names += quoted;
      marked += quoted;
      if (sh.state != "visible") marked += " (hidden)";
    }
    if (options.sheet.empty()) {
      return Status(StatusCode::kInvalidArgument,
                    "every sheet of the workbook is hidden: " + marked + "; name one with --sheet",
                    {"http_import_xlsx_all_hidden", {{"sheets", names}}});
    }
    return Status(
        StatusCode::kInvalidArgument,
        "the workbook has no sheet \"" + Shown(options.sheet) + "\"; its sheets: " + marked,
        {"http_import_xlsx_no_sheet", {{"sheet", Shown(options.sheet)}, {"sheets", names}}});
  }
  if (!hidden.empty()) {
    std::string names;
    for (const auto& h : hidden) names += (names.empty() ? "\"" : ", \"") + Shown(h) + "\"";
    s.notes.push_back({"http_import_note_skipped_hidden", {{"sheets", names}}});
  }
  const auto& sheet = s.sheets[s.chosen];
  if (s.sheets.size() > 1) {
    s.notes.push_back({"http_import_note_reading_sheet",
                       {{"sheet", Shown(sheet.name)}, {"count", std::to_string(s.sheets.size())}}});
  }
  if (sheet.target.empty()) {
    return Refuse({"http_import_xlsx_sheet_no_part", {{"sheet", Shown(sheet.name)}}});
  }
  StylesEvents styles(s);
  FB_RETURN_IF_ERROR(s.ParseEntry("xl/styles.xml", styles, false));
  SharedEvents shared(s);
  FB_RETURN_IF_ERROR(s.ParseEntry("xl/sharedStrings.xml", shared, false));
  MergeEvents merges(s);
  FB_RETURN_IF_ERROR(s.ParseEntry(sheet.target, merges, true));
  if (!s.merges.empty()) {
    s.notes.push_back({"http_import_note_merged", {{"count", std::to_string(s.merges.size())}}});
  }
  uint64_t compressed = 0;
  FB_ASSIGN_OR_RETURN(s.file, s.OpenEntry(sheet.target, &s.entry_size, &compressed));
  if (!s.file) return Refuse({"http_import_xlsx_sheet_missing", {{"entry", Shown(sheet.target)}}});
  s.entry_compressed = compressed;
  s.events = std::make_unique<SheetEvents>(s);
  s.parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(s.parser, s.events.get());
  XML_SetElementHandler(s.parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(s.parser, OnText);
  return Status::Ok();
}

Result<bool> XlsxReader::Next(SheetRow& row) {
  XlsxState& s = *s_;
  std::string buf;
  while (s.ready.empty() && !s.done) {
    buf.resize(kChunk);
    const std::string& name = s.sheets[s.chosen].target;
    FB_ASSIGN_OR_RETURN(size_t got, s.ReadSome(s.file, name, buf.data(), buf.size(), s.entry_size,
                                               s.entry_compressed, &s.entry_read));
    const bool last = got == 0;
    if (XML_Parse(s.parser, buf.data(), static_cast<int>(got), last) == XML_STATUS_ERROR) {
      if (!s.events->status.ok()) return s.events->status;
      return Refuse({"http_import_xlsx_sheet_damaged",
                     {{"line", std::to_string(XML_GetCurrentLineNumber(s.parser))}}},
                    std::string(": ") + XML_ErrorString(XML_GetErrorCode(s.parser)));
    }
    if (!s.events->status.ok()) return s.events->status;
    if (last) s.done = true;
  }
  if (s.ready.empty()) return false;
  row = std::move(s.ready.front());
  s.ready.pop_front();
  return true;
}

std::vector<Phrase> XlsxReader::Notes() const {
  std::vector<Phrase> notes = s_->notes;
  if (s_->formulas > 0) {
    notes.push_back({"http_import_note_formulas", {{"count", std::to_string(s_->formulas)}}});
  }
  return notes;
}

uint64_t XlsxReader::BytesRead() const { return s_->entry_read; }
uint64_t XlsxReader::TotalBytes() const { return s_->entry_size; }

std::vector<std::string> XlsxReader::SheetNames() const {
  std::vector<std::string> names;
  for (const auto& sh : s_->sheets) names.push_back(sh.name);
  return names;
}

std::string XlsxReader::SheetName() const { return s_->sheets[s_->chosen].name; }

}  // namespace fieldbook::server
