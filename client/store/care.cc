// Care (care.h): birthdays and care tasks in the days ahead, and care tasks made from birthdays.
#include "store/care.h"
#include "lang/messages.h"
#include "lang/store_errors.h"

#include <algorithm>
#include <set>
#include <utility>

#include "fieldbook/dates.h"
#include "fieldbook/sqlite_db.h"
#include "store/rows.h"
#include "store/settings.h"
#include "store/tasks.h"

namespace fieldbook::client {

namespace {

using internal::ForEachRow;
using internal::ParseInt;
using internal::ResolveCustomerId;
using internal::Trim;

constexpr const char* kDaysKey = "care_days";

// Someone with a birthday: the customer itself or one of its contacts.
struct Person {
  std::string customer_id, customer_name, contact_id, contact_name, birthday;
};

// Every customer (not deleted) and contact with a birthday; `customer_id` narrows it to one.
Result<std::vector<Person>> PeopleWithBirthdays(Db& db, const std::string& customer_id) {
  std::vector<Person> out;
  FB_RETURN_IF_ERROR(
      ForEachRow(db,
                 "SELECT c.id, c.name, '', '', c.birthday FROM customers c WHERE c.deleted = 0 "
                 "AND c.birthday IS NOT NULL AND c.birthday <> '' AND (?1 = '' OR c.id = ?1) "
                 "UNION ALL SELECT c.id, c.name, k.id, k.name, k.birthday FROM contacts k JOIN "
                 "customers c ON c.id = k.customer_id WHERE k.deleted = 0 AND c.deleted = 0 AND "
                 "k.birthday IS NOT NULL AND k.birthday <> '' AND (?1 = '' OR c.id = ?1)",
                 {customer_id}, [&](Statement& s) {
                   out.push_back(Person{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)});
                 }));
  return out;
}

}  // namespace

std::optional<int32_t> NextBirthday(const std::string& birthday, int32_t today) {
  if (!ParseDate(birthday)) return std::nullopt;
  const unsigned month = static_cast<unsigned>(std::stoi(birthday.substr(5, 2)));
  const unsigned day = static_cast<unsigned>(std::stoi(birthday.substr(8, 2)));
  const int year = CivilFromDays(today).year;
  for (int y : {year, year + 1}) {
    const unsigned d = IsCivilDate(y, static_cast<int>(month), static_cast<int>(day)) ? day : 28;
    const int32_t next = DaysFromCivil(y, month, d);
    if (next >= today) return next;
  }
  return std::nullopt;  // not reached: next year's is always later than today
}

Result<int64_t> Care::Days() {
  FB_ASSIGN_OR_RETURN(std::string text, settings_.Get(kDaysKey));
  int64_t days = 0;
  if (text.empty() || !ParseInt(text, &days) || days < 0 || days > kMaxCareDays) {
    return kDefaultCareDays;
  }
  return days;
}

Status Care::SetDays(int64_t days) {
  if (days < 0 || days > kMaxCareDays) {
    return Invalid("err_care_days", {{"max", std::to_string(kMaxCareDays)}});
  }
  return settings_.Put(kDaysKey, std::to_string(days));
}

Result<std::vector<CareItem>> Care::Upcoming(const std::string& today_text, int64_t days) {
  const std::optional<int32_t> today = ParseDate(today_text);
  if (!today) {
    return Invalid("err_date_format", {{"value", today_text}});
  }
  if (days < 0 || days > kMaxCareDays) {
    return Invalid("err_care_days", {{"max", std::to_string(kMaxCareDays)}});
  }
  const std::string last = fieldbook::FormatDate(*today + days);
  std::vector<CareItem> out;
  // Care tasks scheduled in the window; a birthday task stands for its birthday.
  std::set<std::pair<std::string, std::string>> scheduled;  // (customer, day)
  {
    FB_RETURN_IF_ERROR(
        ForEachRow(db_,
                   "SELECT t.id, t.customer_id, c.name, t.due_date, t.kind, t.title, t.status "
                   "FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE t.deleted = 0 "
                   "AND c.deleted = 0 AND t.kind IN ('care', 'birthday') AND t.status IN "
                   "('open', 'done') AND t.due_date >= ?1 AND t.due_date <= ?2 "
                   "ORDER BY t.due_date, c.name, t.id",
                   {today_text, last}, [&](Statement& s) {
                     if (s.Text(4) == "birthday") scheduled.emplace(s.Text(1), s.Text(3));
                     if (s.Text(6) != "open") return;
                     CareItem item;
                     item.kind = CareItem::Kind::kCareTask;
                     item.task_id = s.Text(0);
                     item.customer_id = s.Text(1);
                     item.customer_name = s.Text(2);
                     item.date = s.Text(3);
                     item.days_until = DaysBetween(today_text, item.date);
                     item.why = {"care_task",
                                 {{"kind", s.Text(4)},
                                  {"title", s.Text(5)},
                                  {"customer", item.customer_name},
                                  {"date", item.date},
                                  {"days", std::to_string(item.days_until)}}};
                     item.reason = Say(Lang::kEnglish, item.why);
                     out.push_back(std::move(item));
                   }));
  }
  FB_ASSIGN_OR_RETURN(std::vector<Person> people, PeopleWithBirthdays(db_, ""));
  for (Person& p : people) {
    const std::optional<int32_t> next = NextBirthday(p.birthday, *today);
    if (!next || *next - *today > days) continue;
    CareItem item;
    item.kind = CareItem::Kind::kBirthday;
    item.date = fieldbook::FormatDate(*next);
    if (scheduled.count({p.customer_id, item.date}) > 0) continue;
    item.days_until = *next - *today;
    item.customer_id = std::move(p.customer_id);
    item.customer_name = std::move(p.customer_name);
    item.contact_id = std::move(p.contact_id);
    item.contact_name = std::move(p.contact_name);
    item.why = {
        "care_birthday",
        {{"who", item.contact_id.empty() ? item.customer_name
                                         : item.contact_name + " (" + item.customer_name + ")"},
         {"date", item.date},
         {"days", std::to_string(item.days_until)}}};
    item.reason = Say(Lang::kEnglish, item.why);
    out.push_back(std::move(item));
  }
  std::stable_sort(out.begin(), out.end(), [](const CareItem& a, const CareItem& b) {
    return a.date != b.date ? a.date < b.date : a.customer_name < b.customer_name;
  });
  return out;
}

Result<std::string> Care::ScheduleBirthday(Tasks& tasks, const std::string& today_text,
                                           const std::string& customer, const std::string& contact,
                                           const std::string& title, Lang lang) {
  const std::optional<int32_t> today = ParseDate(today_text);
  if (!today) {
    return Invalid("err_date_format", {{"value", today_text}});
  }
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(db_, customer));
  FB_ASSIGN_OR_RETURN(std::vector<Person> people, PeopleWithBirthdays(db_, customer_id));
  const std::string wanted = Trim(contact);
  for (const Person& p : people) {
    const bool match = wanted.empty() ? p.contact_id.empty()
                                      : p.contact_id == wanted ||
                                            (wanted.size() >= 6 &&
                                             p.contact_id.compare(0, wanted.size(), wanted) == 0);
    if (!match) continue;
    const std::optional<int32_t> next = NextBirthday(p.birthday, *today);
    if (!next) continue;
    const std::string name = p.contact_id.empty() ? p.customer_name : p.contact_name;
    NewTask task;
    task.customer_id = customer_id;
    task.due_date = fieldbook::FormatDate(*next);
    task.kind = "birthday";
    task.title = Trim(title).empty() ? Render(lang, "care_birthday_title", {name}) : Trim(title);
    task.notes = Render(lang, "care_birthday_note", {name, p.birthday});
    return tasks.Add(task);
  }
  if (wanted.empty()) {
    return StoreError(StatusCode::kNotFound, "err_care_no_birthday", {{"id", customer_id}});
  }
  return StoreError(StatusCode::kNotFound, "err_care_no_contact_birthday",
                    {{"contact", wanted}, {"id", customer_id}});
}

}  // namespace fieldbook::client
