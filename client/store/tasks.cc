#include "store/tasks.h"

#include "fieldbook/dates.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "store/rows.h"
#include "store/settings.h"

namespace fieldbook::client {

namespace {

using internal::BindText;
using internal::CheckEnum;
using internal::NowIso;
using internal::ReadTask;
using internal::ResolveCustomerId;
using internal::ResolveId;
using internal::Stmt;
using internal::Trim;

const std::vector<std::string> kTaskKinds = {"call", "visit", "care", "birthday"};

}  // namespace

Result<std::string> Tasks::Add(const NewTask& t) {
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.RequireRep());
  if (!IsValidDate(t.due_date)) {
    return Invalid("err_task_due_date", {{"value", t.due_date}});
  }
  const std::string kind = t.kind.empty() ? "visit" : t.kind;
  FB_RETURN_IF_ERROR(CheckEnum("task kind", kind, kTaskKinds));
  const std::string title = Trim(t.title);
  if (title.empty()) return Invalid("err_task_needs_title");
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(replica_.db(), t.customer_id));
  const std::string id = replica_.ids().Next();
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_.db().Prepare("INSERT INTO tasks (id, customer_id, rep_id, "
                                            "due_date, kind, status, title, notes, deleted) "
                                            "VALUES (?, ?, ?, ?, ?, 'open', ?, ?, 0)"));
  Stmt s(raw);
  s->Bind(1, id).Bind(2, customer_id).Bind(3, rep).Bind(4, t.due_date).Bind(5, kind);
  s->Bind(6, title);
  BindText(*s, 7, t.notes);
  FB_RETURN_IF_ERROR(s->Run());
  return id;
}

Status Tasks::Complete(const std::string& ref) {
  FB_ASSIGN_OR_RETURN(
      std::string id,
      ResolveId(replica_.db(),
                "SELECT id FROM tasks WHERE deleted = 0 AND (id = ?1 OR (?2 AND substr(id, 1, "
                "length(?1)) = ?1)) LIMIT 3",
                ref, "task"));
  Db& db = replica_.db();
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare("SELECT status FROM tasks WHERE id = ?"));
    Stmt s(raw);
    s->Bind(1, id);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      return StoreError(StatusCode::kNotFound, "err_not_on_device",
                        {{"what", "task"}, {"ref", ref}});
    }
    const std::string status = s->Text(0);
    if (status == "done") return StoreError(StatusCode::kConflict, "err_task_done", {{"id", id}});
    if (status == "cancelled") {
      return StoreError(StatusCode::kConflict, "err_task_cancelled", {{"id", id}});
    }
  }
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("UPDATE tasks SET status = 'done', done_at = ? WHERE id = ?"));
    Stmt s(raw);
    s->Bind(1, NowIso(wall_)).Bind(2, id);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return txn->Commit();
}

Result<std::vector<Task>> Tasks::List(const TaskFilter& f) {
  std::string customer_id;
  if (!f.customer_id.empty()) {
    FB_ASSIGN_OR_RETURN(customer_id, ResolveCustomerId(replica_.db(), f.customer_id));
  }
  if (!f.due_by.empty() && !IsValidDate(f.due_by)) {
    return Invalid("err_date_format", {{"value", f.due_by}});
  }
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      replica_.db().Prepare("SELECT " FB_TASK_COLUMNS " FROM tasks t WHERE t.deleted = 0"
                            " AND (?1 OR t.status = 'open')"
                            " AND (?2 IS NULL OR t.customer_id = ?2)"
                            " AND (?3 IS NULL OR t.due_date <= ?3)"
                            " ORDER BY t.status <> 'open', t.due_date IS NULL, t.due_date, t.id"));
  Stmt s(raw);
  s->Bind(1, static_cast<int64_t>(f.include_closed ? 1 : 0));
  BindText(*s, 2, customer_id);
  BindText(*s, 3, f.due_by);
  return ReadRows(*s, ReadTask);
}

}  // namespace fieldbook::client
