// The Importer behind RunImport (importer.h), shared by importer.cc (reading, batches, customers)
// importer_records.cc (contacts, orders, visits) and importer_products.cc (the product catalogue).
// Internal to the server library.
//
// Thread safety: one Importer per import, used by one thread.
#ifndef FIELDBOOK_SERVER_IMPORTER_IMPL_H_
#define FIELDBOOK_SERVER_IMPORTER_IMPL_H_

#include <memory>
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

class Importer {
 public:
  Importer(ServerStore& store, WallClock& wall, const ImportOptions& options);
  Result<ImportReport> Run();

 private:
  // importer.cc
  Status LoadReference();
  Status ScanWholeFile();
  Result<std::optional<ImportRecord>> Parse(const SheetRow& row);
  void Issue(int64_t row, int field, const std::string& value, const std::string& reason,
             const std::string& level = "error");
  int F(const char* key) const { return FieldIndex(options_.kind, key); }
  std::string Text(const ImportRecord& r, const char* key) const;
  std::string Digest(const ImportRecord& r, const std::vector<int>& fields) const;
  Result<std::string> RepOf(const std::string& text);
  std::string TerritoryOf(const std::string& text, std::string* region);
  Status Flush();
  Status ProcessCustomer(const ImportRecord& r);
  Status PlaceCustomers();
  // Writes the columns of `write` that differ from the stored row (none: unchanged). Returns
  // whether anything is written.
  Result<bool> Diff(RowWrite& write);

  // importer_records.cc
  Result<std::string> ResolveCustomer(const ImportRecord& r);
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
  std::vector<std::string> header_;
  HeaderMap map_;

  // The batch being built; written by Flush in one transaction.
  std::vector<RowWrite> writes_;
  std::vector<std::tuple<std::string, std::string, std::string>> new_keys_;  // kind, key, row
  std::unordered_map<std::string, std::string> batch_keys_;  // kind|key -> row, this file
  int64_t batch_rows_ = 0;

  // Reference data.
  std::unordered_map<std::string, std::string> reps_;  // id or name -> rep id
  struct Territory {
    std::string id, region;
  };
  std::unordered_map<std::string, Territory> territories_;       // id, name, region -> territory
  std::unordered_map<std::string, std::string> customer_cache_;  // ref -> customer id

  // Customers: duplicates within the file and placement by the assignment rules.
  std::unordered_map<std::string, std::pair<int64_t, std::string>> file_phones_, file_names_;
  std::unordered_map<std::string, std::string> run_customer_keys_;  // key -> id (this run)
  struct PendingPlacement {
    size_t write;  // index into writes_
    int64_t row;
    HeldCustomer facts;
  };
  std::vector<PendingPlacement> pending_;
  std::vector<std::pair<std::string, std::string>> to_pool_;  // customer, reason
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
    std::vector<std::pair<std::string, std::string>> line_keys;  // key, line id
    std::vector<int64_t> line_rows;
    std::unordered_map<std::string, int> line_counts;  // line digest -> occurrences so far
  };
  std::optional<OpenOrder> order_;

  // Products: the row that named each part number first in this file.
  std::unordered_map<std::string, int64_t> file_parts_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORTER_IMPL_H_
