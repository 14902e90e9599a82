// Snapshot: everything the screens draw, as one immutable value published by the view model's
// worker. Parts that are expensive to copy (the customer list, the customer page, the plan, the
// reports, the review list) are shared between successive snapshots and replaced, never changed, so
// publishing a new status line does not copy 50,000 list rows.
//
// Every shared_ptr member is non-null (empty values until loaded), so screens need no checks.
//
// Thread safety: a published Snapshot is never modified; any thread may read it.
#ifndef FIELDBOOK_CLIENT_APP_SNAPSHOT_H_
#define FIELDBOOK_CLIENT_APP_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data_source.h"
#include "ui_strings.h"

namespace fieldbook::app {

enum class Connectivity {
  kUnknown,  // no contact with the server tried yet
  kOnline,   // the last contact with the server succeeded
  kOffline,  // the last contact failed: no signal, or the server is down
};

struct StatusInfo {
  Connectivity connectivity = Connectivity::kUnknown;
  bool syncing = false;
  bool server_configured = false;
  int64_t pending_changes = 0;
  std::string last_sync;  // local "YYYY-MM-DD HH:MM", "" if never
  // The last sync this session: what it moved, or why it failed.
  bool synced = false;
  SyncSummary last_summary;  // when synced
  bool sync_failed = false;
  std::string sync_message;           // when sync_failed: the reason (English)
  std::optional<Phrase> sync_phrase;  // and as a value (a server's refusal), when it has one
};

// The outcome of the last SubmitVisit, so the form can close or show why it cannot.
struct VisitResult {
  uint64_t request_id = 0;  // 0: none yet
  bool ok = false;
  Status error;  // why it was not recorded: shown in the UI's language (client::RenderError)
  std::string visit_id;
};

// The outcome of the last ClaimFromPool, for the pool screen.
struct ClaimResult {
  uint64_t request_id = 0;  // 0: none yet
  bool ok = false;
  std::string customer_id;
  Status error;  // why it was not recorded: shown in the UI's language (client::RenderError)
};

// The outcome of the last command of one of the rep's forms (issue #18: order, void...), so the
// form can close or show why it cannot.
struct FormResult {
  uint64_t request_id = 0;  // 0: none yet (request ids are unique across forms)
  bool ok = false;
  // The store refused it until the rep confirms (kRejected: an order far outside the history).
  bool needs_confirmation = false;
  Status error;    // why it was not saved: shown in the UI's language (client::RenderError)
  std::string id;  // the new row's id
};

struct Snapshot {
  uint64_t version = 0;       // increases with every publish
  uint64_t intents_done = 0;  // accepted intents carried out (see IntentQueue::accepted)
  bool ready = false;         // the replica is open and the first load is done
  // The latest failure to open, load or write, for the status bar: in English (logs, tests), and
  // as what failed (a UI string) and why (its Status), which the screens show in the UI's
  // language (ui::ErrorLine).
  std::string error;
  const char* Strings::*error_what = nullptr;
  Status error_cause;
  std::string today;  // YYYY-MM-DD, local time

  CustomerFilter filter;  // the filter `customers` answers
  std::shared_ptr<const CustomerList> customers;

  std::string selected_id;                         // "" when no customer is selected
  std::shared_ptr<const CustomerDetail> customer;  // empty id when none is loaded

  std::shared_ptr<const Plan> plan;
  std::shared_ptr<const Reports> reports;
  std::shared_ptr<const PoolView> pool;
  std::shared_ptr<const std::vector<client::ReviewEntry>> review;
  StatusInfo status;
  VisitResult last_visit;
  ClaimResult last_claim;

  // The rep's forms (issue #18, H6).
  std::shared_ptr<const ProductSearch> products;     // the order form's latest search
  std::shared_ptr<const DuplicateCheck> duplicates;  // the customer form's latest check
  FormResult last_form;

  // Every non-ASCII code point in the text above, sorted: the font atlas must hold these glyphs.
  std::shared_ptr<const std::vector<uint32_t>> glyphs;

  static Snapshot Empty();
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SNAPSHOT_H_
