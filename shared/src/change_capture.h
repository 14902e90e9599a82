// Change capture on a replica: triggers that record every local write to a replicated table in
// the outbox (fb_outbox) inside the same SQLite transaction, at column granularity.
//
// Why triggers rather than the session extension: a trigger runs inside the writing statement, so
// the change record and the write commit or roll back together no matter who writes. The
// triggers call functions that only Fieldbook registers on its connections (fb_capture_enabled,
// fb_hlc_next, fb_capture_mask); a write from any other connection (the sqlite3 shell, a script)
// fails with "no such function" instead of slipping past capture. One outbox row per write
// (table, row id, Hlc, bitmask of the written columns), in one B-tree keyed by (table, row id,
// Hlc), keeps capture cheap: values are read from the row itself when a push is built. Every
// column an UPDATE names is recorded, changed or not (a re-entered value is an edit).
//
// Replicated rows are never deleted by SQL while capture is enabled (set deleted = 1; facts are
// voided by a correction), ids never change, and facts are never updated; the triggers refuse it.
// The sync engine suspends capture while it applies changes that came from the hub.
//
// Thread safety: a CaptureContext belongs to its Db's thread.
#ifndef FIELDBOOK_SRC_CHANGE_CAPTURE_H_
#define FIELDBOOK_SRC_CHANGE_CAPTURE_H_

#include "fieldbook/catalog.h"
#include "fieldbook/hlc.h"
#include "fieldbook/status.h"

namespace fieldbook {

class Db;

struct CaptureContext {
  HybridClock* clock = nullptr;
  bool enabled = true;
};

// Registers fb_capture_enabled(), fb_hlc_next() and fb_capture_mask() on `db`. `context` must
// outlive `db`.
Status RegisterCaptureFunctions(Db& db, CaptureContext* context);

// (Re)creates the capture and guard triggers of every replicated table from its current columns,
// unless the installed ones were generated from the same SQL (a fingerprint kept in fb_meta).
// Idempotent; run after migrations on every open.
Status InstallCaptureTriggers(Db& db, const Catalog& catalog);

// Installs generated triggers (`triggers`: their DROP and CREATE statements) in one transaction
// that also records their fingerprint in fb_meta under `meta_key`, unless the fingerprint there
// is already theirs and `count_sql` (a count of the installed ones) finds one per CREATE TRIGGER,
// so that a trigger dropped by another program is put back. `what` names them in an error. The
// capture triggers and the outbox history triggers (outbox_history.h) are installed by it.
Status InstallTriggersOnce(Db& db, const std::string& triggers, const char* meta_key,
                           const char* count_sql, const char* what);

// Suspends capture for its lifetime (applying hub changes, purging rows).
class CaptureSuspension {
 public:
  explicit CaptureSuspension(CaptureContext& context) : context_(context), was_(context.enabled) {
    context_.enabled = false;
  }
  ~CaptureSuspension() { context_.enabled = was_; }
  CaptureSuspension(const CaptureSuspension&) = delete;
  CaptureSuspension& operator=(const CaptureSuspension&) = delete;

 private:
  CaptureContext& context_;
  bool was_;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_CHANGE_CAPTURE_H_
