// Care (client/store/care.h, issue #18): birthdays of customers and contacts in the days ahead,
// across the year's end and on 29 February, at the scale of a rep's book (thousands of customers
// and contacts), care tasks in the window, and a care task made from a birthday taking the
// birthday's place.
#include "store/care.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fieldbook/dates.h"
#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::CareItem;
using client::NextBirthday;
using fieldbook::Lang;

int32_t Day(const char* date) { return *ParseDate(date); }
std::string Next(const char* birthday, const char* today) {
  auto next = NextBirthday(birthday, Day(today));
  return next ? FormatDate(*next) : "none";
}

TEST(NextBirthdayTest, SameMonthAndDayOnOrAfterTodayAcrossTheYearsEnd) {
  EXPECT_EQ(Next("1980-12-01", "2026-11-23"), "2026-12-01");
  EXPECT_EQ(Next("1980-11-23", "2026-11-23"), "2026-11-23");  // today
  EXPECT_EQ(Next("1980-11-22", "2026-11-23"), "2027-11-22");  // yesterday: next year
  EXPECT_EQ(Next("1975-01-02", "2026-12-30"), "2027-01-02");
  EXPECT_EQ(Next("1975-12-31", "2026-12-31"), "2026-12-31");
  EXPECT_EQ(Next("1975-01-01", "2026-12-31"), "2027-01-01");
}

TEST(NextBirthdayTest, TheTwentyNinthOfFebruaryFallsOnTheTwentyEighthInACommonYear) {
  EXPECT_EQ(Next("2000-02-29", "2026-02-01"), "2026-02-28");
  EXPECT_EQ(Next("2000-02-29", "2026-02-28"), "2026-02-28");
  EXPECT_EQ(Next("2000-02-29", "2026-03-01"), "2027-02-28");
  EXPECT_EQ(Next("2000-02-29", "2027-03-01"), "2028-02-29");  // a leap year: its own day
  EXPECT_EQ(Next("2000-02-29", "2028-02-29"), "2028-02-29");
  EXPECT_EQ(Next("2000-02-29", "2027-12-31"), "2028-02-29");
  EXPECT_EQ(Next("1999-02-28", "2028-02-28"), "2028-02-28");
  for (const char* bad : {"", "1990-02-30", "12-01", "1990/12/01", "tomorrow"}) {
    EXPECT_EQ(Next(bad, "2026-11-23"), "none") << bad;
  }
}

class CareTest : public ClientStoreTest {
 protected:
  // `customers` customers and as many contacts (two per customer for half of them), with
  // birthdays spread over every day of a leap year (1988), in one transaction; a few deleted.
  void AddBook(int customers) {
    Db& db = store_->replica().db();
    auto txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    const int32_t jan1 = Day("1988-01-01");
    for (int i = 0; i < customers; ++i) {
      const std::string id = "c" + std::to_string(100000 + i);
      const std::string birthday = i % 4 == 3 ? "" : FormatDate(jan1 + (i * 7) % 366);
      const bool deleted = i % 97 == 5;
      ASSERT_TRUE(
          Exec(db,
               "INSERT INTO customers (id, name, birthday, owner_rep_id, deleted) VALUES "
               "(?, ?, ?, 'rep-a', ?)",
               {Value(id), Value("汽修 " + id), birthday.empty() ? Value() : Value(birthday),
                Value(int64_t{deleted ? 1 : 0})})
              .ok());
      if (!birthday.empty() && !deleted) birthdays_[id] = birthday;
      for (int k = 0; k < (i % 2 == 0 ? 2 : 0); ++k) {
        const std::string contact = "k" + std::to_string(100000 + i) + "-" + std::to_string(k);
        const std::string born = FormatDate(jan1 + (i * 13 + k * 101) % 366);
        const bool gone = (i + k) % 89 == 3;
        ASSERT_TRUE(Exec(db,
                         "INSERT INTO contacts (id, customer_id, name, birthday, deleted) VALUES "
                         "(?, ?, ?, ?, ?)",
                         {Value(contact), Value(id), Value("联系人 " + contact), Value(born),
                          Value(int64_t{gone ? 1 : 0})})
                        .ok());
        if (!gone && !deleted) birthdays_[contact] = born;
      }
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  // The people whose birthday (month and day) falls on one of the days from `today` to `days`
  // later, found the plain way: by comparing "MM-DD" texts, with 29 February on 28 February in a
  // common year.
  std::set<std::string> Expected(const char* today, int days) {
    std::map<std::string, int> wanted;  // "MM-DD" -> count of matches it stands for
    for (int d = 0; d <= days; ++d) {
      const std::string date = FormatDate(Day(today) + d);
      const int year = std::stoi(date.substr(0, 4));
      const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      wanted[date.substr(5)] = 1;
      if (!leap && date.substr(5) == "02-28") wanted["02-29"] = 1;
    }
    std::set<std::string> out;
    for (const auto& [who, birthday] : birthdays_) {
      if (wanted.count(birthday.substr(5))) out.insert(who);
    }
    return out;
  }

  std::set<std::string> Found(const std::vector<CareItem>& items) {
    std::set<std::string> out;
    for (const CareItem& c : items) {
      if (c.kind != CareItem::Kind::kBirthday) continue;
      EXPECT_TRUE(out.insert(c.contact_id.empty() ? c.customer_id : c.contact_id).second);
    }
    return out;
  }

  std::map<std::string, std::string> birthdays_;  // customer or contact id -> birthday
};

TEST_F(CareTest, BirthdaysOfThousandsOfCustomersAndContactsAcrossTheYearsEndAndLeapDays) {
  ASSERT_NO_FATAL_FAILURE(AddBook(4000));
  struct Case {
    const char* today;
    int days;
  };
  for (const Case& c : {Case{"2026-12-28", 7}, Case{"2026-11-23", 7}, Case{"2027-02-25", 5},
                        Case{"2028-02-27", 3}, Case{"2026-12-31", 0}, Case{"2026-06-01", 60}}) {
    auto items = store_->care().Upcoming(c.today, c.days);
    ASSERT_TRUE(items.ok()) << items.status().ToString();
    const std::set<std::string> expected = Expected(c.today, c.days);
    EXPECT_GT(expected.size(), 0u) << c.today;
    EXPECT_EQ(Found(*items), expected) << c.today << " +" << c.days;
    // Soonest first, each with its day and reason.
    for (size_t i = 1; i < items->size(); ++i) {
      EXPECT_LE((*items)[i - 1].date, (*items)[i].date);
    }
    for (const CareItem& item : *items) {
      EXPECT_LE(item.days_until, c.days);
      EXPECT_EQ(DaysBetween(c.today, item.date), item.days_until);
      EXPECT_NE(item.reason.find("birthday of "), std::string::npos) << item.reason;
    }
  }
  // Across the year's end the day is next year's; on 28 February 2027, 29 February birthdays.
  auto year_end = store_->care().Upcoming("2026-12-28", 7);
  ASSERT_TRUE(year_end.ok());
  bool next_year = false;
  for (const CareItem& item : *year_end) next_year |= item.date.starts_with("2027-01-");
  EXPECT_TRUE(next_year);
  auto leap = store_->care().Upcoming("2027-02-28", 0);
  ASSERT_TRUE(leap.ok());
  int leap_born = 0;
  for (const CareItem& item : *leap) {
    EXPECT_EQ(item.date, "2027-02-28");
    const std::string& who = item.contact_id.empty() ? item.customer_id : item.contact_id;
    leap_born += birthdays_[who].ends_with("02-29") ? 1 : 0;
  }
  EXPECT_GT(leap_born, 0);
}

TEST_F(CareTest, CareTasksInTheWindowAndATaskMadeFromABirthdayTakesItsPlace) {
  const std::string garage = AddCustomer({{"name", "鑫达汽修"}, {"birthday", "1970-11-25"}});
  auto contact = store_->customers().AddContact(garage, client::Contact{
                                                            .name = "王强",
                                                            .birthday = "1985-11-27",
                                                        });
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  const std::string other = AddCustomer({{"name", "顺通汽配"}});
  ASSERT_TRUE(store_->tasks().Add({other, "2026-11-26", "care", "送中秋月饼", ""}).ok());
  ASSERT_TRUE(store_->tasks().Add({other, "2026-11-24", "call", "报价", ""}).ok());
  ASSERT_TRUE(store_->tasks().Add({other, "2026-12-20", "care", "年底拜访", ""}).ok());

  auto items = store_->care().Upcoming("2026-11-23", 7);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ((*items)[0].reason, "birthday of 鑫达汽修 on 2026-11-25, in 2 days");
  EXPECT_EQ((*items)[1].reason, "care task \"送中秋月饼\" for 顺通汽配 due 2026-11-26, in 3 days");
  EXPECT_EQ((*items)[2].reason, "birthday of 王强 (鑫达汽修) on 2026-11-27, in 4 days");
  EXPECT_EQ((*items)[2].contact_id, *contact);

  // A care task from the contact's birthday: due on the day, kind birthday; the birthday is now
  // that task (listed once).
  auto task = store_->care().ScheduleBirthday(store_->tasks(), "2026-11-23", garage, *contact, "",
                                              Lang::kChinese);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  items = store_->care().Upcoming("2026-11-23", 7);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ((*items)[2].kind, CareItem::Kind::kCareTask);
  EXPECT_EQ((*items)[2].task_id, *task);
  EXPECT_EQ((*items)[2].reason,
            "birthday task \"生日问候 王强\" for 鑫达汽修 due 2026-11-27, in 4 days");
  // Its title and notes in the rep's language (the notes were English in Chinese).
  auto tasks = store_->tasks().List({.customer_id = garage});
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].title, "生日问候 王强");
  EXPECT_EQ((*tasks)[0].notes, "王强 的生日（1985-11-27）");
  // Done, it is off the list, and the birthday does not come back.
  ASSERT_TRUE(store_->tasks().Complete(*task).ok());
  items = store_->care().Upcoming("2026-11-23", 7);
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(items->size(), 2u);

  EXPECT_EQ(store_->care()
                .ScheduleBirthday(store_->tasks(), "2026-11-23", other, "", "", Lang::kEnglish)
                .status()
                .code(),
            StatusCode::kNotFound);
  // The window is the device's setting.
  EXPECT_EQ(*store_->care().Days(), 7);
  ASSERT_TRUE(store_->care().SetDays(30).ok());
  EXPECT_EQ(*store_->care().Days(), 30);
  EXPECT_EQ(store_->care().SetDays(400).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->care().Upcoming("2026-11-23", 30)->size(), 3u);  // + 年底拜访
}

TEST_F(CareTest, ABirthdayTasksTitleAndNotesAreInTheRepsLanguage) {
  const std::string garage = AddCustomer({{"name", "鑫达汽修"}, {"birthday", "1970-11-25"}});
  auto task = store_->care().ScheduleBirthday(store_->tasks(), "2026-11-23", garage, "", "",
                                              Lang::kEnglish);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  auto tasks = store_->tasks().List({.customer_id = garage});
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].title, "birthday greetings for 鑫达汽修");
  EXPECT_EQ((*tasks)[0].notes, "birthday of 鑫达汽修 (1970-11-25)");
  EXPECT_EQ((*tasks)[0].kind, "birthday");
  EXPECT_EQ((*tasks)[0].due_date, "2026-11-25");
}

}  // namespace
}  // namespace fieldbook::testing
