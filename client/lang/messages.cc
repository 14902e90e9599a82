#include "lang/messages.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "lang/review_messages.h"

namespace fieldbook::client {

namespace {

// clang-format off
// Entries of other tables written as X(code, English, Chinese) join this one through this macro
// (e.g. FIELDBOOK_REVIEW_MESSAGES(FIELDBOOK_MESSAGE_ENTRY) at the end of kMessages).
#define FIELDBOOK_MESSAGE_ENTRY(code, en, zh) {#code, en, zh},
constexpr LangText kMessages[] = {
    {"sync_kept_one", "nothing was lost: 1 change stays queued on this device for the next sync",
     "没有丢失任何数据：1 条改动已安全保存在本机，下次同步时发送"},
    {"sync_kept_many", "nothing was lost: {0} changes stay queued on this device for the next sync",
     "没有丢失任何数据：{0} 条改动已安全保存在本机，下次同步时发送"},
    {"sync_pool_one", ", and 1 pool request waits", "，另有 1 个公海请求等待发送"},
    {"sync_pool_many", ", and {0} pool requests wait", "，另有 {0} 个公海请求等待发送"},
    {"sync_unreachable", "the server could not be reached ({0}); {1}",
     "无法连接服务器（{0}）；{1}"},
    {"sync_failed", "{0}; {1}", "同步失败（{0}）；{1}"},
    {"sync_offline_short_one", "Offline: 1 change safely queued, nothing lost",
     "离线：1 条改动已安全保存，没有丢失"},
    {"sync_offline_short", "Offline: {0} changes safely queued, nothing lost",
     "离线：{0} 条改动已安全保存，没有丢失"},
    {"sync_failed_short_one", "Sync failed: 1 change safely queued, nothing lost",
     "同步失败：1 条改动已安全保存，没有丢失"},
    {"sync_failed_short", "Sync failed: {0} changes safely queued, nothing lost",
     "同步失败：{0} 条改动已安全保存，没有丢失"},
    // A customer's grade (fieldbook-cli customer show).
    {"grade_not_graded", "grade: not graded yet", "评级：尚未评级"},
    {"grade_head", "grade {0}", "评级 {0}"},
    {"grade_provisional",
     "[PROVISIONAL: computed on this device {0}; the server's next grade replaces it]",
     "[暂定：{0:date}在本设备上计算，服务器下次评级后将被替换]"},
    {"grade_graded", "(graded {0}, rules v{1})", "（评级于 {0:date}，规则 v{1}）"},
    {"grade_churn_risk", "churn risk {0}", "流失风险 {0}"},
    {"grade_server", "server grade {0} (graded {1})", "服务器评级 {0}（评级于 {1:date}）"},
    // The review list's (review_messages.h).
    FIELDBOOK_REVIEW_MESSAGES(FIELDBOOK_MESSAGE_ENTRY)
};
#undef FIELDBOOK_MESSAGE_ENTRY
// clang-format on

}  // namespace

std::span<const LangText> DeviceMessages() { return kMessages; }

std::vector<std::string_view> MessageCodes() {
  std::vector<std::string_view> out;
  for (const LangText& e : kMessages) out.push_back(e.code);
  return out;
}

std::optional<std::string_view> MessageTemplate(Lang lang, std::string_view code) {
  const LangText* e = FindText(kMessages, code);
  if (e == nullptr) e = FindText(CommonTexts(), code);
  if (e == nullptr) return std::nullopt;
  return e->In(lang);
}

std::string Render(Lang lang, std::string_view code, std::initializer_list<std::string> args) {
  const std::optional<std::string_view> tmpl = MessageTemplate(lang, code);
  if (!tmpl) return std::string(code);
  TextValues values;
  for (const std::string& a : args) values.emplace_back(std::to_string(values.size()), a);
  return FillText(lang, *tmpl, values);
}

std::string RenderSyncFailure(Lang lang, const SyncFailure& f) {
  std::string kept = f.queued == 1 ? Render(lang, "sync_kept_one")
                                   : Render(lang, "sync_kept_many", {std::to_string(f.queued)});
  if (f.pool_waiting > 0) {
    kept += f.pool_waiting == 1 ? Render(lang, "sync_pool_one")
                                : Render(lang, "sync_pool_many", {std::to_string(f.pool_waiting)});
  }
  return Render(lang, f.unreachable ? "sync_unreachable" : "sync_failed", {f.detail, kept});
}

std::string RenderSyncFailureShort(Lang lang, const SyncFailure& f) {
  if (f.queued == 1) {
    return Render(lang, f.unreachable ? "sync_offline_short_one" : "sync_failed_short_one");
  }
  return Render(lang, f.unreachable ? "sync_offline_short" : "sync_failed_short",
                {std::to_string(f.queued)});
}

std::optional<Lang> ParseLang(std::string_view text) {
  std::string lower(text.substr(0, 2));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text.size() > 2 && text[2] != '-' && text[2] != '_' && text[2] != '.') return std::nullopt;
  if (lower == "en") return Lang::kEnglish;
  if (lower == "zh") return Lang::kChinese;
  return std::nullopt;
}

Lang ChooseLang(std::string_view flag) {
  if (!flag.empty()) return ParseLang(flag).value_or(Lang::kEnglish);
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') {
      return ParseLang(v).value_or(Lang::kEnglish);
    }
  }
  return Lang::kEnglish;
}

}  // namespace fieldbook::client
