#include "import/importer.h"

#include <openssl/evp.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <unordered_set>

#include "fieldbook/dates.h"
#include "fieldbook/duplicate_detector.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/phrase_nest.h"
#include "fieldbook/refusal_status.h"
#include "fieldbook/utf8.h"
#include "import/import_values.h"
#include "import/importer_impl.h"
#include "store/assignment_store.h"
#include "store/audit_store.h"
#include "store/pool_store.h"

namespace fieldbook::server {

namespace {

// A possible duplicate's problem: [the same phone as a row, as a customer, the same name and
// city as a row, as a customer][skipped, merged, flagged] (FindDuplicate's `why`).
constexpr const char* kDuplicateCodes[4][3] = {
    {"http_import_dup_phone_row_skipped", "http_import_dup_phone_row_merged",
     "http_import_dup_phone_row_flagged"},
    {"http_import_dup_phone_customer_skipped", "http_import_dup_phone_customer_merged",
     "http_import_dup_phone_customer_flagged"},
    {"http_import_dup_name_row_skipped", "http_import_dup_name_row_merged",
     "http_import_dup_name_row_flagged"},
    {"http_import_dup_name_customer_skipped", "http_import_dup_name_customer_merged",
     "http_import_dup_name_customer_flagged"},
};

// The customers columns an import writes from the sheet (external_id, region and rep are not
// columns: they become keys, the territory and the owner).
constexpr const char* kCustomerColumns[] = {
    "name", "name_latin", "customer_type", "relationship", "purchase_stage",  "phone",
    "city", "province",   "country",       "address",      "primary_contact", "birthday",
    "tags", "notes"};

std::string NowIso(WallClock& wall) { return FormatIsoUtc(static_cast<int64_t>(wall.NowMs())); }

bool SameValue(const Value& a, const Value& b) {
  if (a == b) return true;
  // A number stored as REAL and given as an integer (or the reverse) is the same number.
  auto num = [](const Value& v, double* d) {
    if (std::holds_alternative<int64_t>(v))
      *d = static_cast<double>(std::get<int64_t>(v));
    else if (std::holds_alternative<double>(v))
      *d = std::get<double>(v);
    else
      return false;
    return true;
  };
  double x = 0, y = 0;
  return num(a, &x) && num(b, &y) && x == y;
}

// A placement's reason as one phrase: a move's, the import's own refusal, or an unplaced
// customer's with what no rep could offer (UnplacedWhy).
Phrase PlacementWhy(const ImportPlacement& p) {
  if (p.reason.code.rfind("http_", 0) == 0 || !p.rep.empty()) return p.reason;
  return UnplacedWhy(p.reason, p.needs);
}

// The same in `lang`.
std::string PlacementReason(Lang lang, const ImportPlacement& p) {
  const Phrase why = PlacementWhy(p);
  return SayKnown(lang, why).value_or(why.code);
}

// A placement's "how" in `lang` with its reason already rendered in it (`reason`: "" for none).
std::string PlacementTextWith(Lang lang, const ImportPlacement& p, std::string reason) {
  TextValues values = p.how_why.values;
  if (!p.reason.code.empty()) values.emplace_back("reason", std::move(reason));
  return SayRefusal(lang, Phrase{p.how_why.code, std::move(values)});
}

}  // namespace

std::string PlacementText(Lang lang, const ImportPlacement& p) {
  if (p.how_why.code.empty()) return p.how;
  return PlacementTextWith(lang, p, p.reason.code.empty() ? "" : PlacementReason(lang, p));
}

bool NothingWritten(const Status& refused) {
  const Phrase* why = refused.phrase();
  if (why == nullptr) return false;
  for (const auto& [name, value] : why->values) {
    if (name == "written") return value == "nothing";
  }
  return false;
}

Result<OnDuplicate> ParseOnDuplicate(const std::string& name) {
  if (name == "skip") return OnDuplicate::kSkip;
  if (name == "merge") return OnDuplicate::kMerge;
  if (name == "flag") return OnDuplicate::kFlag;
  return Status(
      StatusCode::kInvalidArgument,
      "--on-duplicate must be skip, merge or flag, not '" + name + "'",
      {"http_field_one_of", {{"field", "on_duplicate"}, {"choices", "skip, merge, flag"}}});
}

Importer::Importer(ServerStore& store, WallClock& wall, const ImportOptions& options)
    : store_(store),
      wall_(wall),
      options_(options),
      keys_(store),
      ids_(options.id_seed != 0 ? RowIdGenerator(wall, options.id_seed) : RowIdGenerator(wall)),
      fields_(FieldsOf(options.kind)) {
  if (options_.name.empty()) options_.name = options_.path;
  // The name goes into the report, the audit log and the pool's reasons: a path from a disk of
  // another system's encoding (GBK) as well-formed UTF-8, which PostgreSQL requires.
  options_.name = Utf8Scrub(options_.name);
  if (options_.batch_rows == 0) options_.batch_rows = 5000;
  for (size_t f = 0; f < fields_.size(); ++f) all_fields_.push_back(static_cast<int>(f));
}

std::unique_lock<std::mutex> Importer::LockStore() {
  return options_.lock_store ? options_.lock_store() : std::unique_lock<std::mutex>();
}

void Importer::Issue(int64_t row, int field, const std::string& value, Phrase why,
                     const std::string& level) {
  ImportIssue* issue = AddIssue(row, field, value, level);
  if (issue == nullptr) return;
  issue->reason = SayRefusal(Lang::kEnglish, why);
  issue->why = std::move(why);
}

Phrase HubRefusal(const RowRejection& rej) {
  const std::string& code = rej.code;
  if (code == "invalid") return {"http_import_hub_invalid", {{"table", rej.table}}};
  if (code == "constraint") return {"http_import_hub_constraint", {{"table", rej.table}}};
  if (code == "immutable_fact") return {"http_import_hub_immutable_fact", {{"table", rej.table}}};
  return {"http_import_hub_refused", {{"code", Utf8Prefix(code, 64)}}};
}

void Importer::Issue(int64_t row, int field, const std::string& value, const Status& why,
                     const std::string& level) {
  ImportIssue* issue = AddIssue(row, field, value, level);
  if (issue == nullptr) return;
  issue->reason = why.message();
  if (why.phrase() != nullptr) issue->why = *why.phrase();
}

ImportIssue* Importer::AddIssue(int64_t row, int field, const std::string& value,
                                const std::string& level) {
  ++report_.issues_total;
  if (report_.issues.size() >= options_.max_listed) return nullptr;
  ImportIssue issue;
  issue.row = row;
  if (field >= 0 && map_.column_of_field[field] >= 0) {
    const auto c = static_cast<size_t>(map_.column_of_field[field]);
    issue.column =
        ColumnName(c) + " (" + Utf8Prefix(header_[c], 64) + ")";  // a header may be 1 MiB
  }
  issue.value = Utf8Prefix(value, 200);  // whole characters: a cut one is not UTF-8
  issue.level = level;
  report_.issues.push_back(std::move(issue));
  return &report_.issues.back();
}

std::string Importer::Text(const ImportRecord& r, const char* key) const {
  const int f = F(key);
  if (!r.Has(f)) return "";
  const Value& v = r.values[f];
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  if (std::holds_alternative<int64_t>(v)) return std::to_string(std::get<int64_t>(v));
  return r.texts[f];
}

std::string Importer::Digest(const ImportRecord& r, const std::vector<int>& fields) const {
  std::string text;
  for (int f : fields) {
    text += fields_[f].key;
    text += '=';
    if (r.Has(f)) {
      const Value& v = r.values[f];
      if (std::holds_alternative<std::string>(v))
        text += std::get<std::string>(v);
      else if (std::holds_alternative<int64_t>(v))
        text += std::to_string(std::get<int64_t>(v));
    }
    text += '\x1f';
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < 16 && i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

Status Importer::LoadReference() {
  FB_ASSIGN_OR_RETURN(std::vector<RepInfo> reps, store_.ListReps());
  for (const RepInfo& r : reps) {
    reps_[r.id] = r.id;
    reps_.emplace(r.name, r.id);
    const size_t space = r.name.find(' ');
    if (space != std::string::npos) reps_.emplace(r.name.substr(0, space), r.id);
  }
  FB_ASSIGN_OR_RETURN(std::vector<TerritoryInfo> territories, store_.ListTerritories());
  for (const TerritoryInfo& t : territories) {
    const Territory value{t.id, t.region};
    territories_[t.id] = value;
    territories_.emplace(t.name, value);
    if (!t.region.empty()) territories_.emplace(t.region, value);
    const size_t space = t.name.find(' ');
    if (space != std::string::npos) territories_.emplace(t.name.substr(0, space), value);
  }
  return Status::Ok();
}

Result<std::string> Importer::RepOf(const std::string& text) {
  auto it = reps_.find(text);
  if (it == reps_.end()) {
    return RefusalStatus(StatusCode::kNotFound, {"http_import_no_rep_named", {}});
  }
  return it->second;
}

bool Importer::RowRep(const ImportRecord& r, std::string* rep) {
  rep->clear();
  if (!r.Has(F("rep"))) return true;
  auto found = RepOf(Text(r, "rep"));
  if (!found.ok()) {
    ++report_.rejected;
    Issue(r.row, F("rep"), Text(r, "rep"), found.status());
    return false;
  }
  *rep = std::move(*found);
  return true;
}

std::string Importer::TerritoryOf(const std::string& text, std::string* region) {
  auto it = territories_.find(text);
  if (it == territories_.end()) return "";
  *region = it->second.region;
  return it->second.id;
}

Result<int64_t> Importer::ScanWholeFile() {
  // A file that cannot be read to its end is refused before anything is written.
  FB_ASSIGN_OR_RETURN(auto reader, OpenSheet(options_.path, options_.sheet));
  ImportProgress progress;
  progress.phase = "checking";
  progress.total_bytes = reader->TotalBytes();
  SheetRow row;
  int64_t rows = 0;  // counted like ReadBatch: not blank, or with the reader's issues
  while (true) {
    auto more = reader->Next(row);
    if (!more.ok()) {
      // The English says so; the reader's code and values go with it, and {written: nothing}
      // (NothingWritten: the import's http_import_nothing_written in the reader's language).
      Phrase why = more.status().phrase() != nullptr ? *more.status().phrase() : Phrase{};
      if (!why.code.empty()) why.values.emplace_back("written", "nothing");
      return Status(more.status().code(), more.status().message() + " (nothing was written)",
                    std::move(why));
    }
    if (!*more) return rows > 0 ? rows - 1 : 0;  // the header is not a data row
    bool blank = true;
    for (const std::string& c : row.cells) blank = blank && TrimCell(c).empty();
    if (blank && row.issues.empty()) continue;
    if (++rows % 1000 == 0) {
      FB_RETURN_IF_ERROR(Stopped());
      if (options_.progress) {
        progress.rows = rows - 1;
        progress.bytes = reader->BytesRead();
        options_.progress(progress);
      }
    }
  }
}

Status Importer::Stopped() const {
  if (!options_.stop || !options_.stop()) return Status::Ok();
  return Status::Unavailable("the import was stopped after " + std::to_string(report_.rows) +
                             " rows (the server is stopping); import the file again to write the "
                             "rest: rows imported before are skipped");
}

Result<bool> Importer::ReadBatch(SheetReader& reader, std::vector<SheetRow>& rows) {
  rows.resize(options_.batch_rows);
  size_t n = 0, bytes = 0;
  // Memory stays bounded whatever the rows hold (a cell may be 1 MiB): a batch ends early once
  // its cells hold kMaxBatchBytes.
  while (n < rows.size() && bytes < kMaxBatchBytes) {
    SheetRow& row = rows[n];
    FB_ASSIGN_OR_RETURN(bool more, reader.Next(row));
    if (!more) {
      rows.resize(n);
      return false;
    }
    bool blank = true;
    for (const std::string& c : row.cells) {
      blank = blank && TrimCell(c).empty();
      bytes += c.size();
    }
    if (!blank || !row.issues.empty()) ++n;
  }
  rows.resize(n);
  return true;
}

Status Importer::Process(const SheetRow& row) {
  ++report_.rows;
  FB_ASSIGN_OR_RETURN(std::optional<ImportRecord> record, Parse(row));
  if (!record) return Status::Ok();
  switch (options_.kind) {
    case ImportKind::kCustomers:
      return ProcessCustomer(*record);
    case ImportKind::kContacts:
      return ProcessContact(*record);
    case ImportKind::kOrders:
      return ProcessOrderRow(*record);
    case ImportKind::kVisits:
      return ProcessVisit(*record);
    case ImportKind::kProducts:
      return ProcessProduct(*record);
  }
  return Status::Ok();
}

Result<std::optional<ImportRecord>> Importer::Parse(const SheetRow& row) {
  const auto& fields = fields_;
  ImportRecord r;
  r.row = row.number;
  r.values.assign(fields.size(), Value());
  r.texts.assign(fields.size(), std::string());
  bool bad = false;
  for (size_t c = header_.size(); c < row.cells.size(); ++c) {
    if (TrimCell(row.cells[c]).empty()) continue;
    Issue(row.number, -1, row.cells[c],
          Phrase{"http_import_beyond_header",
                 {{"column", ColumnName(c)}, {"columns", std::to_string(header_.size())}}});
    bad = true;
    break;
  }
  for (const CellIssue& issue : row.issues) {
    if (issue.column >= map_.field_of_column.size()) continue;
    const int f = map_.field_of_column[issue.column];
    if (f < 0) continue;  // a column that is not imported
    Issue(row.number, f, issue.column < row.cells.size() ? row.cells[issue.column] : "", issue.why);
    bad = true;
  }
  for (size_t c = 0; c < row.cells.size() && c < map_.field_of_column.size(); ++c) {
    const int f = map_.field_of_column[c];
    if (f < 0) continue;
    std::string text = TrimCell(row.cells[c]);
    if (text.empty()) continue;
    auto value = ParseField(fields[f], text);
    if (!value.ok()) {
      Issue(row.number, f, text, value.status());
      bad = true;
      continue;
    }
    r.values[f] = std::move(*value);
    r.texts[f] = std::move(text);
  }
  if (bad) {
    ++report_.rejected;
    return std::optional<ImportRecord>();
  }
  return std::optional<ImportRecord>(std::move(r));
}

Result<bool> Importer::Diff(RowWrite& write) {
  const TableInfo* table = store_.hub().catalog().Find(write.table);
  if (!table) return Status::Internal("no table " + write.table);
  FB_ASSIGN_OR_RETURN(auto stored, store_.hub().ReadValues(*table, write.row_id));
  if (!stored) return !write.columns.empty();
  std::vector<std::pair<std::string, Value>> changed;
  for (auto& [name, value] : write.columns) {
    const int i = table->ColumnIndex(name);
    if (i >= 0 && SameValue((*stored)[static_cast<size_t>(i)], value)) continue;
    changed.emplace_back(name, value);
  }
  write.columns = std::move(changed);
  return !write.columns.empty();
}

Status Importer::UpdateExisting(RowWrite write, const std::string& row_id) {
  write.row_id = row_id;
  FB_ASSIGN_OR_RETURN(bool changed, Diff(write));
  if (!changed) {
    ++report_.unchanged;
    return Status::Ok();
  }
  ++report_.updated;
  Queue(std::move(write), false);
  return Status::Ok();
}

Status Importer::LoadLiveDuplicateKeys() {
  live_keys_loaded_ = true;
  FB_RETURN_IF_ERROR(
      keys_.ForEachCustomerKey([&](const std::string& phone, const std::string& name_city) {
        if (!phone.empty()) live_phone_hashes_.push_back(std::hash<std::string>{}(phone));
        if (!name_city.empty()) live_name_hashes_.push_back(std::hash<std::string>{}(name_city));
      }));
  std::sort(live_phone_hashes_.begin(), live_phone_hashes_.end());
  std::sort(live_name_hashes_.begin(), live_name_hashes_.end());
  return Status::Ok();
}

Status Importer::FindDuplicate(const std::string& key, bool phone, std::string* of, int* why,
                               TextValues* values) {
  const auto& in_file = phone ? file_phones_ : file_names_;
  const int what = phone ? 0 : 2;
  if (auto f = in_file.find(key); f != in_file.end()) {
    *of = f->second.second;
    *why = what;
    *values = {{"row", std::to_string(f->second.first)}};
    return Status::Ok();
  }
  if (!live_keys_loaded_) FB_RETURN_IF_ERROR(LoadLiveDuplicateKeys());
  const auto& live = phone ? live_phone_hashes_ : live_name_hashes_;
  if (!std::binary_search(live.begin(), live.end(), std::hash<std::string>{}(key))) {
    return Status::Ok();
  }
  FB_ASSIGN_OR_RETURN(auto ids,
                      phone ? keys_.CustomersByPhoneKey(key) : keys_.CustomersByNameCityKey(key));
  if (!ids.empty()) {
    *of = ids[0];
    *why = what + 1;
    *values = {{"customer", ids[0]}};
  }
  return Status::Ok();
}

Status Importer::ProcessCustomer(const ImportRecord& r) {
  const std::string name = Text(r, "name");
  if (name.empty()) {
    return Reject(r.row, F("name"), "", Phrase{"http_import_no_name", {}});
  }
  const std::string ext = Text(r, "external_id");
  const std::string key = ext.empty() ? "h:" + Digest(r) : "x:" + ext;
  RowWrite write{"customers", "", {}};
  for (const char* column : kCustomerColumns) {
    if (r.Has(F(column))) write.columns.emplace_back(column, r.values[F(column)]);
  }
  std::string region;
  std::string territory;
  if (r.Has(F("region"))) {
    territory = TerritoryOf(Text(r, "region"), &region);
    if (territory.empty()) {
      Issue(r.row, F("region"), Text(r, "region"), Phrase{"http_import_no_territory_named", {}},
            "warning");
    }
  }
  std::string rep;
  if (!RowRep(r, &rep)) return Status::Ok();

  // Imported before (an earlier run, or an earlier row of this file with the same key).
  std::optional<std::string> existing;
  auto run = run_customer_keys_.find(key);
  if (run != run_customer_keys_.end()) {
    existing = run->second;
  } else {
    FB_ASSIGN_OR_RETURN(existing, keys_.RowOfKey("customer", key));
  }
  if (existing) return UpdateExisting(std::move(write), *existing);

  // Possible duplicates: of an earlier row of this file, or of a live customer.
  const std::string phone_key = NormalizePhone(Text(r, "phone"));
  const std::string name_key = NormalizeName(name) + "|" + NormalizeName(Text(r, "city"));
  std::string dup_of;
  int dup_why = 0;
  TextValues dup_values;
  int dup_field = F("phone");
  if (!phone_key.empty())
    FB_RETURN_IF_ERROR(FindDuplicate(phone_key, true, &dup_of, &dup_why, &dup_values));
  if (dup_of.empty()) {
    dup_field = F("name");
    FB_RETURN_IF_ERROR(FindDuplicate(name_key, false, &dup_of, &dup_why, &dup_values));
  }
  const std::string dup_value = dup_field == F("phone") ? Text(r, "phone") : name;
  if (!dup_of.empty()) {
    if (options_.on_duplicate == OnDuplicate::kSkip) {
      ++report_.duplicates_skipped;
      Issue(r.row, dup_field, dup_value, Phrase{kDuplicateCodes[dup_why][0], dup_values},
            "duplicate");
      return Status::Ok();
    }
    if (options_.on_duplicate == OnDuplicate::kMerge) {
      ++report_.merged;
      Issue(r.row, dup_field, dup_value, Phrase{kDuplicateCodes[dup_why][1], dup_values},
            "duplicate");
      run_customer_keys_[key] = dup_of;
      new_keys_.emplace_back("customer", key, dup_of);
      write.row_id = dup_of;
      FB_ASSIGN_OR_RETURN(bool changed, Diff(write));
      if (changed) Queue(std::move(write), false);
      return Status::Ok();
    }
    ++report_.flagged;
    Issue(r.row, dup_field, dup_value, Phrase{kDuplicateCodes[dup_why][2], dup_values},
          "duplicate");
  }

  write.row_id = ids_.Next();
  write.columns.emplace_back("created_at", NowIso(wall_));
  if (!territory.empty()) write.columns.emplace_back("territory_id", territory);
  run_customer_keys_[key] = write.row_id;
  new_keys_.emplace_back("customer", key, write.row_id);
  if (!phone_key.empty()) file_phones_.emplace(phone_key, std::make_pair(r.row, write.row_id));
  file_names_.emplace(name_key, std::make_pair(r.row, write.row_id));
  ++report_.created;
  HeldCustomer facts;
  facts.id = write.row_id;
  facts.name = name;
  facts.purchase_stage = Text(r, "purchase_stage");
  facts.region = region;
  facts.territory_id = territory;
  if (!rep.empty()) {
    write.columns.emplace_back("owner_rep_id", rep);
    ++report_.per_rep[rep];
    if (report_.placements.size() < options_.max_listed) {
      report_.placements.push_back(
          {r.row,
           write.row_id,
           name,
           rep,
           "column " + rep_column_,
           Phrase{"http_import_placed_by_column", {{"column", rep_column_}}},
           {},
           {}});
    }
    if (assignment_loaded_) {
      facts.holder = rep;
      held_.push_back(facts);
    }
    Queue(std::move(write), true);
    return Status::Ok();
  }
  pending_.push_back({writes_.size(), r.row, std::move(facts)});
  Queue(std::move(write), true);
  return Status::Ok();
}

Status Importer::PlaceCustomers() {
  if (pending_.empty()) return Status::Ok();
  if (!assignment_loaded_) {
    AssignmentStore assignment(store_, wall_);
    FB_ASSIGN_OR_RETURN(rules_, assignment.CurrentRules());
    FB_ASSIGN_OR_RETURN(tiers_, assignment.TierOrder());
    FB_ASSIGN_OR_RETURN(profiles_, assignment.Profiles());
    FB_ASSIGN_OR_RETURN(held_, assignment.HeldCustomers());
    assignment_loaded_ = true;
    // Customers of this batch placed by their rep column count towards their reps' loads.
    std::unordered_set<std::string> pending_ids;
    for (const auto& p : pending_) pending_ids.insert(p.facts.id);
    for (const RowWrite& w : writes_) {
      if (w.table != "customers" || pending_ids.count(w.row_id) > 0) continue;
      for (const auto& [column, value] : w.columns) {
        if (column != "owner_rep_id") continue;
        HeldCustomer h;
        h.id = w.row_id;
        h.holder = std::get<std::string>(value);
        held_.push_back(std::move(h));
      }
    }
  }
  const size_t base = held_.size();
  for (const auto& p : pending_) held_.push_back(p.facts);
  const AssignmentPlan plan = PlanAssignment(rules_, tiers_, profiles_, held_, "");
  held_.resize(base);
  std::unordered_map<std::string, const ProposedMove*> moves;
  for (const ProposedMove& m : plan.moves) moves[m.customer] = &m;
  std::unordered_map<std::string, const UnplacedCustomer*> unplaced;
  for (const UnplacedCustomer& u : plan.unplaced) unplaced[u.customer] = &u;
  for (auto& p : pending_) {
    RowWrite& w = writes_[p.write];
    auto m = moves.find(p.facts.id);
    ImportPlacement placement{p.row, p.facts.id, p.facts.name, "", "", {}, {}, {}};
    if (m != moves.end()) {
      w.columns.emplace_back("owner_rep_id", m->second->to);
      p.facts.holder = m->second->to;
      held_.push_back(p.facts);
      ++report_.per_rep[m->second->to];
      placement.rep = m->second->to;
      placement.how_why = {
          "http_import_placed_by_rules",
          {{"version", std::to_string(plan.rules_version)}, {"load", m->second->to_load}}};
      placement.reason = m->second->why;
    } else {
      auto u = unplaced.find(p.facts.id);
      placement.how_why = {"http_import_placed_in_pool", {}};
      if (u != unplaced.end()) {
        placement.reason = u->second->why;
        placement.needs = u->second->needs;
      } else {
        placement.reason = {"http_import_no_rep_can_take", {}};
      }
    }
    // The English "how" only for a placement the report lists; the reason rendered once.
    const bool listed = report_.placements.size() < options_.max_listed;
    if (placement.rep.empty()) {
      // The pool's reason is a phrase, the file a value and the placement's reason nested in it
      // (fieldbook/phrase_nest.h): each reader sees it in their language (issue #19); its English
      // is rendered once, where the pool keeps it (PoolStore::Release).
      // The name as a value cut to whole characters (a path may be long, or not UTF-8 on a disk
      // of another system's): the pool's reason stays within PoolStore::kMaxReasonBytes.
      Phrase why{"pool_imported", {{"file", Utf8Prefix(options_.name, 120)}}};
      NestPhrase(why.values, "reason", PlacementWhy(placement));
      to_pool_.emplace_back(p.facts.id, std::move(why));
      ++report_.pooled;
    }
    if (listed) {
      placement.how = PlacementText(Lang::kEnglish, placement);
      report_.placements.push_back(std::move(placement));
    }
  }
  pending_.clear();
  return Status::Ok();
}

Status Importer::Flush() {
  if (options_.kind == ImportKind::kCustomers) FB_RETURN_IF_ERROR(PlaceCustomers());
  if (!options_.dry_run && (!writes_.empty() || !new_keys_.empty() || !to_pool_.empty())) {
    FB_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
    std::unordered_set<std::string> refused;
    if (!writes_.empty()) {
      // The bulk write joins this transaction (no savepoint of its own): a failure returns here
      // and `txn` rolls the whole batch back.
      FB_ASSIGN_OR_RETURN(PushResult result,
                          options_.row_by_row
                              ? store_.Write(writes_)
                              : store_.WriteBulk(writes_, fresh_, /*in_callers_transaction=*/true));
      for (const RowRejection& rej : result.rejections) {
        refused.insert(rej.row_id);
        Issue(0, -1, rej.row_id,
              Status(StatusCode::kRejected, "refused by the hub: " + rej.reason, HubRefusal(rej)));
        ++report_.rejected;
      }
    }
    if (refused.empty()) {
      FB_RETURN_IF_ERROR(keys_.PutKeys(new_keys_));
    } else {
      std::vector<ImportStore::Key> kept;
      for (const auto& k : new_keys_) {
        if (refused.count(std::get<2>(k)) == 0) kept.push_back(k);
      }
      FB_RETURN_IF_ERROR(keys_.PutKeys(kept));
    }
    PoolStore pool(store_, wall_);
    for (const auto& [customer, reason] : to_pool_) {
      if (refused.count(customer) > 0) continue;
      FB_ASSIGN_OR_RETURN(PoolEntry entry, pool.Release(customer, "", reason, options_.actor));
      (void)entry;
    }
    FB_RETURN_IF_ERROR(txn->Commit());
    ++report_.batches;
    if (options_.kill_after_batches > 0 && report_.batches >= options_.kill_after_batches) {
      ::raise(SIGKILL);
    }
  }
  writes_.clear();
  fresh_.clear();
  new_keys_.clear();
  to_pool_.clear();
  return Status::Ok();
}

Result<ImportReport> Importer::Run() {
  report_.kind = ImportKindName(options_.kind);
  report_.file = options_.name;
  report_.dry_run = options_.dry_run;
  FB_ASSIGN_OR_RETURN(auto reader, OpenSheet(options_.path, options_.sheet));
  report_.format = reader->Format();
  SheetRow row;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool more, reader->Next(row));
    if (!more) {
      return Status(StatusCode::kInvalidArgument, options_.name + " has no rows: nothing to import",
                    {"http_import_no_rows", {}});
    }
    bool blank = true;
    for (const std::string& c : row.cells) blank = blank && TrimCell(c).empty();
    if (!blank) break;
  }
  for (const std::string& c : row.cells) header_.push_back(TrimCell(c));
  FB_ASSIGN_OR_RETURN(map_, MapHeader(options_.kind, header_, options_.mapping));
  if (const int rep = map_.Column(options_.kind, "rep"); rep >= 0) {
    rep_column_ = Utf8Prefix(header_[static_cast<size_t>(rep)], 64);
  }
  for (const std::string& h : map_.ignored) report_.ignored_columns.push_back(h);
  for (size_t c = 0; c < header_.size(); ++c) {
    report_.columns.push_back({ColumnName(c), header_[c], map_.field_of_column[c]});
  }
  ImportProgress progress;
  if (!options_.dry_run) {
    FB_ASSIGN_OR_RETURN(progress.total_rows, ScanWholeFile());
  }
  {
    auto lock = LockStore();
    FB_RETURN_IF_ERROR(LoadReference());
    if (options_.own_connection && !options_.dry_run) FB_RETURN_IF_ERROR(keys_.BulkWrites(true));
  }
  progress.total_bytes = reader->TotalBytes();
  // One batch at a time: its rows are read without the store's lock, then processed and written
  // (one transaction) under it. An order is never split: the order still open at the end of a
  // batch (its next row may follow) is written with the next one.
  std::vector<SheetRow> rows;
  bool more = true;
  while (more) {
    FB_ASSIGN_OR_RETURN(more, ReadBatch(*reader, rows));
    {
      auto lock = LockStore();
      for (const SheetRow& r : rows) {
        FB_RETURN_IF_ERROR(Process(r));
        if (options_.progress && report_.rows % 1000 == 0) {
          progress.rows = report_.rows;
          progress.bytes = reader->BytesRead();
          progress.issues = report_.issues_total;
          options_.progress(progress);
        }
      }
      if (!more && options_.kind == ImportKind::kOrders) FB_RETURN_IF_ERROR(CloseOrder());
      FB_RETURN_IF_ERROR(Flush());
    }
    if (more && options_.pause_between_batches_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.pause_between_batches_ms));
    }
    if (more) FB_RETURN_IF_ERROR(Stopped());
  }
  report_.note_phrases = reader->Notes();
  report_.notes = NotesInEnglish(report_.note_phrases);
  if (options_.progress) {
    progress.rows = report_.rows;
    progress.bytes = progress.total_bytes;
    progress.issues = report_.issues_total;
    progress.done = true;
    options_.progress(progress);
  }
  if (!options_.dry_run) {
    if (options_.own_connection) {
      // Durable from here: the last commits (grades, the audit entry) sync the WAL, and with it
      // every batch before them.
      auto lock = LockStore();
      FB_RETURN_IF_ERROR(keys_.BulkWrites(false));
    }
    // In steps, each under the store's lock (GradingStore::GradeAllInSteps).
    if (options_.kind == ImportKind::kOrders) FB_RETURN_IF_ERROR(Regrade());
    auto lock = LockStore();
    AuditEntry entry;
    entry.actor = options_.actor;
    entry.action = "import." + report_.kind;
    entry.subject = options_.name;
    entry.after =
        boost::json::object{{"rows", report_.rows},         {"created", report_.created},
                            {"updated", report_.updated},   {"unchanged", report_.unchanged},
                            {"rejected", report_.rejected}, {"pooled", report_.pooled}};
    FB_RETURN_IF_ERROR(store_.Audit(std::move(entry)));
  }
  return report_;
}

Result<ImportReport> RunImport(ServerStore& store, WallClock& wall, const ImportOptions& options) {
  Importer importer(store, wall, options);
  return importer.Run();
}

}  // namespace fieldbook::server
