// Care: the reminders of customer care in the rep's day (issue #18) — birthdays of customers and
// their contacts within the next days (the setting care_days, 7 unless changed), and the care
// tasks scheduled in that time (tasks of kind care or birthday), each with its reason. A care task
// can be made from a birthday (`ScheduleBirthday`: kind birthday, due on the day); a birthday with
// such a task (open or done) is shown as that task from then on, not twice.
//
// Birthdays are stored as YYYY-MM-DD (the year of birth, or any year); the next one is the same
// month and day on or after today, across the year's end; a birthday on 29 February falls on
// 28 February in a year that has none.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_CARE_H_
#define FIELDBOOK_CLIENT_STORE_CARE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/lang_text.h"
#include "fieldbook/status.h"

namespace fieldbook {
class Db;
}

namespace fieldbook::client {

class SettingsTable;
class Tasks;

struct CareItem {
  enum class Kind { kBirthday, kCareTask };
  Kind kind = Kind::kBirthday;
  std::string customer_id;
  std::string customer_name;
  std::string contact_id;  // a contact's birthday ("" = the customer's own)
  std::string contact_name;
  std::string task_id;     // a care task
  std::string date;        // the birthday's next day, or the task's due date
  int64_t days_until = 0;  // 0 = today
  Phrase why;              // why, as a value (fieldbook/lang_text.h)
  std::string
      reason;  // the same in English: "birthday of 王强 (鑫达汽修) on 2026-12-01, in 8 days"
};

// The next day on or after `today` (days since 1970) with the month and day of `birthday`
// (YYYY-MM-DD; 29 February -> 28 February in a common year); nullopt for a malformed birthday.
std::optional<int32_t> NextBirthday(const std::string& birthday, int32_t today);

inline constexpr int64_t kDefaultCareDays = 7;
inline constexpr int64_t kMaxCareDays = 366;

class Care {
 public:
  Care(Db& db, SettingsTable& settings) : db_(db), settings_(settings) {}

  // Birthdays and care tasks from `today` (YYYY-MM-DD) to `days` days after it, soonest first.
  Result<std::vector<CareItem>> Upcoming(const std::string& today, int64_t days);
  // The window of Upcoming in days (the setting care_days), and changing it (0 to 366).
  Result<int64_t> Days();
  Status SetDays(int64_t days);

  // Makes a care task for the next birthday of a customer (id or unique prefix) or of one of its
  // contacts (`contact`: id, or "" for the customer's own), due on the day, of kind birthday,
  // titled `title` or "birthday greetings for <name>" / "生日问候 <name>", its notes "birthday of
  // <name> (<birthday>)" / "<name> 的生日（<birthday>）": the rep's own words, kept as written in
  // the rep's language `lang` (lang/messages.h care_birthday_title, care_birthday_note). Returns
  // the task's id.
  Result<std::string> ScheduleBirthday(Tasks& tasks, const std::string& today,
                                       const std::string& customer, const std::string& contact,
                                       const std::string& title, Lang lang);

 private:
  Db& db_;
  SettingsTable& settings_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_CARE_H_
