// Tasks: the rep's to-dos per customer on the device (call, visit, care, birthday) — add, mark
// done, list. A task is a mutable replicated row: completing it is an ordinary write that capture
// sends at the next sync.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_TASKS_H_
#define FIELDBOOK_CLIENT_STORE_TASKS_H_

#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "store/records.h"

namespace fieldbook {
class Replica;
}

namespace fieldbook::client {

class SettingsTable;

struct NewTask {
  std::string customer_id;
  std::string due_date;  // YYYY-MM-DD
  std::string kind = "visit";
  std::string title;
  std::string notes;
};

struct TaskFilter {
  bool include_closed = false;
  std::string customer_id;  // "" = every customer
  std::string due_by;       // YYYY-MM-DD; "" = any due date
};

class Tasks {
 public:
  Tasks(Replica& replica, WallClock& wall, SettingsTable& settings)
      : replica_(replica), wall_(wall), settings_(settings) {}

  Result<std::string> Add(const NewTask& task);
  // Marks a task (id or unique prefix) done: kConflict when it is done or cancelled already.
  Status Complete(const std::string& task);
  // Open tasks first, then by due date.
  Result<std::vector<Task>> List(const TaskFilter& filter);

 private:
  Replica& replica_;
  WallClock& wall_;
  SettingsTable& settings_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_TASKS_H_
