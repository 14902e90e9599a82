// The server's one logger (server/http/log.h): its line format, and that hostile values cannot
// forge a line or a field.
#include "http/log.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace fieldbook::server {
namespace {

TEST(LogTest, ALineHasLevelComponentEventAndFieldsInOrder) {
  EXPECT_EQ(FormatLogLine("http", "warn", "tls_handshake_failed",
                          {{"remote", "10.0.0.1:5000"}, {"error", "bad record"}}),
            "level=warn component=http event=tls_handshake_failed remote=10.0.0.1:5000 "
            "error=\"bad record\"");
  EXPECT_EQ(FormatLogLine("", "info", "stopped", {}), "level=info event=stopped");
}

TEST(LogTest, HostileValuesAreQuotedAndEscaped) {
  EXPECT_EQ(FormatLogLine("", "error", "e", {{"v", ""}}), "level=error event=e v=\"\"");
  EXPECT_EQ(FormatLogLine("", "error", "e", {{"v", "a=b"}}), "level=error event=e v=\"a=b\"");
  // A newline cannot start a forged line; quotes and backslashes cannot end the value early.
  EXPECT_EQ(FormatLogLine("", "error", "e", {{"v", "x\nts=1 level=info event=forged"}}),
            "level=error event=e v=\"x\\nts=1 level=info event=forged\"");
  EXPECT_EQ(FormatLogLine("", "error", "e", {{"v", "say \"hi\" \\"}}),
            "level=error event=e v=\"say \\\"hi\\\" \\\\\"");
  EXPECT_EQ(FormatLogLine("", "error", "e", {{"v", std::string("a\x01\x7f\rb")}}),
            "level=error event=e v=\"a\\x01\\x7f\\x0db\"");
}

TEST(LogTest, BothEntryPointsWriteOneTimestampedLineToStderr) {
  ::testing::internal::CaptureStderr();
  LogEvent("info", "nightly_started", {{"run", "7"}});
  LogComponentEvent("http", "error", "accept_failed", {{"error", "too many open files"}});
  const std::string out = ::testing::internal::GetCapturedStderr();
  const std::regex line(
      "ts=\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z (level=[a-z]+ .*)\n");
  std::smatch m;
  std::string rest = out;
  ASSERT_TRUE(std::regex_search(rest, m, line)) << out;
  EXPECT_EQ(m.position(0), 0) << out;
  EXPECT_EQ(m[1].str(), "level=info event=nightly_started run=7");
  rest = m.suffix();
  ASSERT_TRUE(std::regex_search(rest, m, line)) << out;
  EXPECT_EQ(m.position(0), 0) << out;
  EXPECT_EQ(m[1].str(),
            "level=error component=http event=accept_failed error=\"too many open files\"");
  EXPECT_TRUE(m.suffix().str().empty()) << out;
}

}  // namespace
}  // namespace fieldbook::server
