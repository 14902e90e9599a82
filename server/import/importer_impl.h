// The Importer behind RunImport (importer.h), shared by importer.cc (reading, batches, customers)
// importer_records.cc (contacts, orders, visits) and importer_products.cc (the product catalogue).
// Internal to the server library.
//
// Thread safety: one Importer per import, used by one thread.
#ifndef FIELDBOOK_SERVER_IMPORTER_IMPL_H_
#define FIELDBOOK_SERVER_IMPORTER_IMPL_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/assignment_engine.h"
#include "fieldbook/row_id.h"
#include "import/importer.h"
#include "store/import_store.h"

namespace fieldbook::server {

// One data row: its number and each field's parsed value (null when the cell is empty).
struct ImportRecord {
  int64_t row = 0;
  std::vector<Value> values;  // by FieldsOf(kind) index
  std::vector<std::string> texts;
  bool Has(int field) const { return field >= 0 && !IsNull(values[field]); }
};

// A row the hub refused inside an import, as a value (issue #19): a code of fieldbook/lang_text.h
// HttpRefusals by the hub's machine code (change_set.h RowRejection::code) with the table, never
// the hub's English sentence (which stays the problem's "reason": "refused by the hub: ...").
Phrase HubRefusal(const RowRejection& rej);

class Importer {
 public:
  // The most cell bytes one batch holds in memory before it is written.
  static constexpr size_t kMaxBatchBytes = 8u << 20;

  Importer(ServerStore& store, WallClock& wall, const ImportOptions& options);
  Result<ImportReport> Run();

 private:
  // importer.cc
  // The store's lock for one batch (ImportOptions::lock_store), or no lock (the command line).
  std::unique_lock<std::mutex> LockStore();
  Status LoadReference();
  // Reads the file to its end (refused if it cannot be); returns its data rows (header excluded).
  Result<int64_t> ScanWholeFile();
  Status Stopped() const;  // kUnavailable once ImportOptions::stop says so
  // Reads the next batch of non-blank rows (without the store's lock); false at the end.
  Result<bool> ReadBatch(SheetReader& reader, std::vector<SheetRow>& rows);
  Status Process(const SheetRow& row);
  Result<std::optional<ImportRecord>> Parse(const SheetRow& row);
  // A problem of `row`: its reason a value (issue #19: a code of fieldbook/lang_text.h
  // HttpRefusals with its values), its English made from it; or an error's (its phrase when it
  // has one, else its English alone).
  void Issue(int64_t row, int field, const std::string& value, Phrase why,
             const std::string& level = "error");
  void Issue(int64_t row, int field, const std::string& value, const Status& why,
             const std::string& level = "error");
  ImportIssue* AddIssue(int64_t row, int field, const std::string& value,
                        const std::string& level);  // nullptr past max_listed
  // Rejects the row: counted, and reported as an error.
  template <typename Why>
  Status Reject(int64_t row, int field, const std::string& value, Why&& why) {
    ++report_.rejected;
    Issue(row, field, value, std::forward<Why>(why));
    return Status::Ok();
  }
  int F(const char* key) const {
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (std::strcmp(fields_[i].key, key) == 0) return static_cast<int>(i);
    }
    return -1;
  }
  std::string Text(const ImportRecord& r, const char* key) const;
  // Every field of the kind: the digest of a record without an external id.
  std::string Digest(const ImportRecord& r) const { return Digest(r, all_fields_); }
  std::string Digest(const ImportRecord& r, const std::vector<int>& fields) const;
  Result<std::string> RepOf(const std::string& text);
  // The rep the row's rep column (业务员) names into `rep` ("" when the cell is empty); false
  // when it names nobody: the row is rejected and reported.
  bool RowRep(const ImportRecord& r, std::string* rep);
  std::string TerritoryOf(const std::string& text, std::string* region);
  Status Flush();
  Status ProcessCustomer(const ImportRecord& r);
  // A possible duplicate of a new customer: an earlier row of this file in `in_file`, else a live
  // customer with the same key (`phone`: the phone key, else the name and city key). Sets `of`
  // and `why`; leaves them empty when there is none.
  // `why`: which match it is (kDuplicateCodes' first index: the same phone or name and city, as
  // an earlier row or a customer) and its values.
  Status FindDuplicate(const std::string& key, bool phone, std::string* of, int* why,
                       TextValues* values);
  Status LoadLiveDuplicateKeys();
  Status PlaceCustomers();
  // Writes the columns of `write` that differ from the stored row (none: unchanged). Returns
  // whether anything is written.
  Result<bool> Diff(RowWrite& write);
  // A record imported before as `row_id`: its changed columns are written (updated), or it is
  // unchanged.
  Status UpdateExisting(RowWrite write, const std::string& row_id);

  // importer_records.cc
  Result<std::string> ResolveCustomer(const ImportRecord& r);
  // The customer a contact's, visit's or order's row names; "" when the row is rejected (no such
  // customer, or no `date_key` value: reported with the code `missing_date`; nullptr: no date
  // needed).
  Result<std::string> RowCustomer(const ImportRecord& r, const char* date_key,
                                  const char* missing_date);
  // Who holds the customer now (cached: an import does not move customers it does not create).
  Result<std::string> HolderOf(const std::string& customer);
  // How many lines with each identity (LineIdentity) the stored order has.
  Result<std::unordered_map<std::string, int>> StoredLines(const std::string& order_id);
  // The row a `kind` record with `key` already has: one this file made earlier (`*in_file` set),
  // or one an earlier import recorded; nullopt for a new record.
  Result<std::optional<std::string>> KnownRow(const std::string& kind, const std::string& key,
                                              bool* in_file = nullptr);
  Status ProcessContact(const ImportRecord& r);
  Status ProcessVisit(const ImportRecord& r);
  Status ProcessOrderRow(const ImportRecord& r);
  Status CloseOrder();
  Status Regrade();

  // importer_products.cc
  Status ProcessProduct(const ImportRecord& r);

  ServerStore& store_;
  WallClock& wall_;
  ImportOptions options_;
  ImportStore keys_;
  RowIdGenerator ids_;
  ImportReport report_;
  const std::vector<FieldSpec>& fields_;
  std::vector<int> all_fields_;
  std::vector<std::string> header_;
  HeaderMap map_;
  // The rep column's header as a placement names it ("column 业务员"): cut once to 64 bytes (whole
  // characters, then "…"), as a header an issue names; a header cell may be 1 MiB.
  std::string rep_column_;

  // The batch being built; written by Flush in one transaction. fresh_[i]: writes_[i] is a new
  // row (its id made by this import), which the hub need not look for (Hub::WriteBulk).
  std::vector<RowWrite> writes_;
  std::vector<bool> fresh_;
  void Queue(RowWrite write, bool fresh) {
    writes_.push_back(std::move(write));
    fresh_.push_back(fresh);
  }
  std::vector<std::tuple<std::string, std::string, std::string>> new_keys_;  // kind, key, row
  std::unordered_map<std::string, std::string> batch_keys_;  // kind|key -> row, this file

  // Reference data.
  std::unordered_map<std::string, std::string> reps_;  // id or name -> rep id
  struct Territory {
    std::string id, region;
  };
  std::unordered_map<std::string, Territory> territories_;       // id, name, region -> territory
  std::unordered_map<std::string, std::string> customer_cache_;  // ref -> customer id
  std::unordered_map<std::string, std::string> holders_;         // customer id -> its holder

  // Customers: duplicates within the file and placement by the assignment rules.
  std::unordered_map<std::string, std::pair<int64_t, std::string>> file_phones_, file_names_;
  // Hashes of the live customers' duplicate keys (fb_customer_keys), sorted, loaded once: a key
  // not among them needs no lookup (a hash that is among them is looked up).
  bool live_keys_loaded_ = false;
  std::vector<uint64_t> live_phone_hashes_, live_name_hashes_;
  std::unordered_map<std::string, std::string> run_customer_keys_;  // key -> id (this run)
  struct PendingPlacement {
    size_t write;  // index into writes_
    int64_t row;
    HeldCustomer facts;
  };
  std::vector<PendingPlacement> pending_;
  std::vector<std::pair<std::string, Phrase>> to_pool_;  // customer, why (pool_imported)
  bool assignment_loaded_ = false;
  AssignmentRules rules_;
  std::vector<std::string> tiers_;
  std::vector<RepProfile> profiles_;
  std::vector<HeldCustomer> held_;

  // Orders: the order being read (its lines are consecutive rows with its order number).
  // An order is written whole, with its lines, in one batch (orders are facts: the hub never
  // changes one once recorded), so its rows wait here until the order number changes.
  struct OpenOrder {
    std::string key, id, customer, rep, date, currency, notes, ext;
    int64_t row = 0;               // its first row
    bool exists = false;           // imported before: only lines imported before may appear again
    bool earlier_in_file = false;  // closed earlier in this file: its rows were not consecutive
    int64_t amount = 0;
    std::vector<RowWrite> lines;
    std::vector<int64_t> line_rows;                     // imported before: rows of new lines
    std::unordered_map<std::string, int> line_counts;   // line identity -> occurrences so far
    std::unordered_map<std::string, int> stored_lines;  // imported before: its lines
  };
  std::optional<OpenOrder> order_;

  // Products: the row that named each part number first in this file.
  std::unordered_map<std::string, int64_t> file_parts_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORTER_IMPL_H_
