#include "widgets.h"

#include <cstdarg>
#include <cstdio>
#include <ctime>

#include "../ui_probe.h"

namespace fieldbook::app::ui {

void Text(std::string_view text) { ImGui::TextUnformatted(text.data(), text.data() + text.size()); }

void TextColored(const ImVec4& color, std::string_view text) {
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  Text(text);
  ImGui::PopStyleColor();
}

void TextWrapped(std::string_view text) {
  ImGui::PushTextWrapPos(0.0f);
  Text(text);
  ImGui::PopTextWrapPos();
}

void TextMuted(std::string_view text) { TextColored(kMuted, text); }

void Value(std::string_view text) {
  if (text.empty()) {
    TextMuted("\xE2\x80\x94");  // em dash
  } else {
    TextWrapped(text);
  }
}

std::string Format(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char small[256];
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(small, sizeof small, fmt, copy);
  va_end(copy);
  std::string out;
  if (n < 0) {
    out = fmt;
  } else if (static_cast<size_t>(n) < sizeof small) {
    out.assign(small, static_cast<size_t>(n));
  } else {
    out.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(out.data(), out.size(), fmt, args);
    out.resize(static_cast<size_t>(n));
  }
  va_end(args);
  return out;
}

bool CodeCombo(const char* id, Lang lang, const std::vector<std::string>& codes, std::string& value,
               const char* any, const char* title) {
  std::string preview = value.empty() && any != nullptr ? any : std::string(CodeLabel(lang, value));
  if (title != nullptr) preview = std::string(title) + ": " + preview;
  bool changed = false;
  if (ImGui::BeginCombo(id, preview.c_str())) {
    if (any != nullptr) {
      if (ImGui::Selectable(any, value.empty())) {
        changed = !value.empty();
        value.clear();
      }
      Anchor("option:");
    }
    for (const std::string& code : codes) {
      const std::string label(CodeLabel(lang, code));
      ImGui::PushID(code.c_str());
      if (ImGui::Selectable(label.c_str(), value == code)) {
        changed = value != code;
        value = code;
      }
      Anchor("option:", code);
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool IsDate(const std::string& date) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) {
    return false;
  }
  if (date[4] != '-' || date[7] != '-' || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string AddDays(const std::string& date, int days) {
  if (!IsDate(date)) return "";
  std::tm tm{};
  std::sscanf(date.c_str(), "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_mday += days;
  const std::time_t t = timegm(&tm);
  std::tm out{};
  gmtime_r(&t, &out);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &out);
  return buf;
}

Layout CurrentLayout() {
  const float width = ImGui::GetMainViewport()->WorkSize.x;
  return Layout{width < kNarrowWidth, width < kTouchWidth};
}

WrapRow::WrapRow() : right_(ImGui::GetContentRegionAvail().x) {}

void WrapRow::Next(float width) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  if (!first_ && x_ + spacing + width <= right_) {
    ImGui::SameLine();
    x_ += spacing + width;
  } else {
    x_ = width;
  }
  first_ = false;
}

float WrapRow::ButtonWidth(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

std::string Money(int64_t cents, const std::string& currency, Lang lang) {
  if (currency.empty() || currency == "CNY") return client::FormatMoney(lang, cents);
  return client::FormatAmount(cents) + " " + currency;
}

std::string LocalTime(const std::string& iso_utc) {
  std::tm tm{};
  if (iso_utc.size() < 16 || std::sscanf(iso_utc.c_str(), "%4d-%2d-%2dT%2d:%2d", &tm.tm_year,
                                         &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min) != 5) {
    return iso_utc;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
  return buf;
}

void FieldRow(const char* label, std::string_view value) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  TextMuted(label);
  ImGui::TableSetColumnIndex(1);
  Value(value);
}

bool Outbox::Flush(Intents& intents) {
  if (!pending_) return true;
  if (!intents.Post(*pending_)) return false;
  pending_.reset();
  return true;
}

}  // namespace fieldbook::app::ui
