// Outbox history on a replica: the values a local write replaces while they are still waiting to
// be pushed, kept with their versions in fb_superseded (replica migration 0014), so that a push
// can carry every unpushed version of a column and not only the newest (docs/sync.md, "Pushing").
//
// Why: the outbox folds writes per row and reads values from the row when a push is built, so an
// edit made before a reassignment and one made after it, with no sync in between, used to leave
// only the later value -- and the hub, which keeps the earlier one and holds the later one for
// review, lost the earlier edit (issue 12, item 4). A generated BEFORE UPDATE trigger per mutable
// table copies, for each column the update changes and that has an unpushed write (an outbox row
// with no set), the old value with the newest such write's Hlc; a BEFORE UPDATE OF trigger per
// column does the same for a column the update names and leaves unchanged (a re-entered value is
// an edit with its own stamp too). Rows with no unpushed write pay one indexed lookup; inserts pay
// nothing.
//
// Thread safety: functions of a Db, used from its thread.
#ifndef FIELDBOOK_SRC_OUTBOX_HISTORY_H_
#define FIELDBOOK_SRC_OUTBOX_HISTORY_H_

#include <string>

#include "fieldbook/catalog.h"
#include "fieldbook/status.h"

namespace fieldbook {

class Db;

// (Re)creates the triggers of every mutable table unless the installed ones were generated from
// the same SQL. Run after migrations and InstallCaptureTriggers on every open.
Status InstallOutboxHistoryTriggers(Db& db, const Catalog& catalog);

// The SQL of one table's trigger (empty for facts, which are never updated). For tests.
std::string OutboxHistoryTriggerSql(const TableInfo& table);

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_OUTBOX_HISTORY_H_
