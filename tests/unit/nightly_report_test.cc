// The nightly run's JSON and readable summary, from recorded step reports.
#include "nightly/nightly_report.h"

#include <gtest/gtest.h>

#include <cstring>
#include <regex>
#include <set>

#include "fieldbook/utf8.h"

namespace fieldbook::server {
namespace {

NightlyRunRecord SampleRun() {
  NightlyRunRecord run;
  run.id = 7;
  run.trigger = "schedule";
  run.status = "failed";
  run.day = "2026-11-23";
  run.started_ms = 1795372200000;  // 2026-11-22T18:30:00Z
  run.finished_ms = run.started_ms + 12500;
  run.resumed = 1;
  run.steps = {
      {"grade", 0, "done", run.started_ms, run.started_ms + 2000, 1,
       R"({"customers":2000,"changed":37,"rules_version":3,"day":"2026-11-23"})", ""},
      {"reclaim", 1, "skipped", run.started_ms, run.started_ms, 1,
       R"({"skipped":"not configured: reclaiming to the public pool (issue #7) is not wired in yet"})",
       ""},
      {"verify", 2, "done", run.started_ms, run.started_ms, 1, R"({"verified":8,"repaired":1})",
       ""},
      {"compact", 3, "done", run.started_ms, run.started_ms + 5000, 2,
       R"({"scope_events":1200,"applied_sets":340,"tombstones":5,"bytes_freed":2097152,)"
       R"("floor":4567,"horizon":"2026-10-24T18:30:00Z",)"
       R"("bookkeeping":{"percent_of_user_data":14.8}})",
       ""},
      {"backup", 4, "failed", run.started_ms, run.finished_ms, 1, "{}", "disk full"},
  };
  return run;
}

TEST(NightlyReport, JsonSummarisesEveryStep) {
  const boost::json::object json = NightlyRunJson(SampleRun());
  EXPECT_EQ(json.at("id").as_int64(), 7);
  EXPECT_EQ(json.at("status").as_string(), "failed");
  EXPECT_EQ(json.at("started").as_string(), "2026-11-22T18:30:00Z");
  EXPECT_DOUBLE_EQ(json.at("seconds").as_double(), 12.5);
  const boost::json::object& summary = json.at("summary").as_object();
  EXPECT_EQ(summary.at("grades_changed").as_int64(), 37);
  EXPECT_EQ(summary.at("customers_reclaimed").as_int64(), 0);
  EXPECT_EQ(summary.at("replicas_verified").as_int64(), 8);
  EXPECT_EQ(summary.at("replicas_repaired").as_int64(), 1);
  const boost::json::object& compacted = summary.at("history_compacted").as_object();
  EXPECT_EQ(compacted.at("scope_events").as_int64(), 1200);
  EXPECT_EQ(compacted.at("bytes_freed").as_int64(), 2097152);
  ASSERT_EQ(summary.at("errors").as_array().size(), 1u);
  EXPECT_EQ(summary.at("errors").as_array()[0].at("step").as_string(), "backup");
  ASSERT_EQ(json.at("steps").as_array().size(), 5u);
  EXPECT_EQ(json.at("steps").as_array()[3].at("attempts").as_int64(), 2);
  EXPECT_EQ(json.at("steps").as_array()[0].at("report").at("changed").as_int64(), 37);
}

TEST(NightlyReport, TextSaysWhatHappenedOvernight) {
  const std::string text = NightlyRunText(SampleRun());
  for (const char* expected :
       {"nightly run 7: failed (schedule, day 2026-11-23) started 2026-11-22T18:30:00Z",
        "took 12.5 s", "resumed 1x", "2000 customers graded as of 2026-11-23, 37 grades changed",
        "reclaim  skipped  not configured", "8 replicas verified, 1 repaired",
        "forgot 1200 scope events, 340 push answers, 5 tombstones", "2.0 MiB freed",
        "history floor 4567", "sync bookkeeping 14.8% of user data", "backup   failed   FAILED",
        "errors:\n  backup: disk full"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
}

// The report's words are codes with values (issue #19): in Chinese no English sentence is left
// (the server's own words in a step's error, a file's path, stay as they are), every code has
// both languages with the same values, and the JSON gives each step's line in both.
TEST(NightlyReport, TextAndStepLinesReadInTheManagersLanguage) {
  NightlyRunRecord run = SampleRun();
  run.steps.push_back({"backup", 5, "done", run.started_ms, run.finished_ms, 1,
                       R"({"file":"/srv/fb/backups/fieldbook-20261123.db","bytes":900,)"
                       R"("removed":["a.db","b.db"]})",
                       ""});
  run.steps.push_back({"reclaim", 6, "running", run.started_ms, 0, 1, R"({"reclaimed":4})", ""});
  const std::string zh = NightlyRunText(run, Lang::kChinese);
  for (const char* expected :
       {"夜间任务第 7 次运行：失败（定时，日期 2026年11月23日），开始于 2026年11月22日 18:30 UTC，"
        "用时 12.5 秒，崩溃或停止后续跑 1 次",
        "分级 完成 截至 2026年11月23日 已为 2000 个客户分级，37 个等级有变化（规则版本 3）",
        "回收 已跳过 已跳过：not configured", "已校验 8 个副本，修复 1 个",
        "清除了早于 2026年10月24日 18:30 UTC 的 1200 条范围事件、340 条推送应答和 5 条删除标记；"
        "释放 2.0 MiB；历史下限 4567；同步记录占用户数据的 14.8%",
        "备份 失败 失败：disk full",
        "/srv/fb/backups/fieldbook-20261123.db（900 字节，完整性检查通过），已轮换移除 2 "
        "个较旧的备份",
        "回收 运行中 尚未完成，目前：4 个客户已回收到公海", "错误：\n  备份: disk full"}) {
    EXPECT_NE(zh.find(expected), std::string::npos) << "missing: " << expected << "\n" << zh;
  }
  // Without the values (the server's words, a path), nothing English is left.
  std::string words = zh;
  for (const char* value : {"not configured: reclaiming to the public pool (issue #7) is not "
                            "wired in yet",
                            "disk full", "/srv/fb/backups/fieldbook-20261123.db", "MiB", "UTC"}) {
    for (size_t at; (at = words.find(value)) != std::string::npos;) words.erase(at, strlen(value));
  }
  EXPECT_EQ(words.find_first_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos) << words;
  EXPECT_EQ(NoNightlyRunText(Lang::kChinese), "还没有夜间任务的运行记录");
  EXPECT_EQ(NoNightlyRunText(Lang::kEnglish), "no nightly run yet");

  const boost::json::object json = NightlyRunJson(run);
  const boost::json::object& verify = json.at("steps").as_array()[2].as_object();
  EXPECT_EQ(verify.at("line").at("en").as_string(), "8 replicas verified, 1 repaired");
  EXPECT_EQ(verify.at("line").at("zh").as_string(), "已校验 8 个副本，修复 1 个");

  static const std::regex kPlaceholder(R"(\{([a-z_]+)(:[a-z_:]+)?\})");
  auto names = [](std::string_view text) {
    std::set<std::string> out;
    const std::string str(text);
    for (std::sregex_iterator it(str.begin(), str.end(), kPlaceholder), end; it != end; ++it) {
      out.insert((*it)[1].str());
    }
    return out;
  };
  std::set<std::string> codes;
  for (const LangText& t : NightlyTexts()) {
    EXPECT_TRUE(codes.insert(std::string(t.code)).second) << "twice: " << t.code;
    EXPECT_FALSE(t.en.empty()) << t.code;
    EXPECT_NE(t.en, t.zh) << t.code;
    EXPECT_EQ(names(t.en), names(t.zh)) << t.code;
    EXPECT_NE(std::string(t.zh).find_first_of("\xE3\xE4\xE5\xE6\xE7\xE8\xE9"), std::string::npos)
        << t.code << ": " << t.zh;
  }
  // Every code is reached by a run above (or the empty list's line).
  std::string both = NightlyRunText(run, Lang::kChinese) + NoNightlyRunText(Lang::kChinese);
  for (const char* status : {"running", "succeeded", "interrupted", "abandoned"}) {
    run.status = status;
    both += NightlyRunText(run, Lang::kChinese);
  }
  run.trigger = "manual";
  run.steps[1].report_json = "{}";  // skipped, saying no why
  run.steps[4].status = "done";
  run.steps[4].error.clear();
  run.resumed = 0;
  both += NightlyRunText(run, Lang::kChinese);
  for (const LangText& t : NightlyTexts()) {
    const std::string code(t.code);
    if (names(t.zh).empty()) {
      EXPECT_NE(both.find(t.zh), std::string::npos) << "no run shows " << code;
    }
  }
}

// A step's line is built whole (it was printed into 160 bytes: a step this build does not know,
// named as stored, was cut there, in the middle of a character in Chinese, and the report was not
// UTF-8). In English the name and status columns are still padded to 8 ("grade    done     ").
TEST(NightlyReport, AStepsLongNameIsNeverCutInTheMiddleOfACharacter) {
  NightlyRunRecord run = SampleRun();
  std::string name;
  for (int i = 0; i < 60; ++i) name += "清";  // 180 bytes: byte 157 of the line is inside one
  run.steps = {{name, 0, "done", run.started_ms, run.finished_ms, 1, "{}", ""},
               {"grade", 1, "done", run.started_ms, run.started_ms + 2000, 1,
                R"({"customers":2000,"changed":37,"rules_version":3,"day":"2026-11-23"})", ""}};
  for (const Lang lang : {Lang::kEnglish, Lang::kChinese}) {
    const std::string text = NightlyRunText(run, lang);
    EXPECT_TRUE(IsValidUtf8(text)) << text;
    const std::string done = lang == Lang::kEnglish ? "done" : "完成";
    EXPECT_NE(text.find("\n  " + name + " " + done + " "), std::string::npos) << text;
  }
  EXPECT_NE(NightlyRunText(run, Lang::kEnglish).find("\n  grade    done     2000 customers"),
            std::string::npos);
}

}  // namespace
}  // namespace fieldbook::server
