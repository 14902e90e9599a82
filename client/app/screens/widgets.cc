#include "widgets.h"

#include <cstdarg>
#include <cstdio>

#include "../ui_probe.h"
#include "fieldbook/dates.h"
#include "lang/store_errors.h"

namespace fieldbook::app::ui {

std::string ErrorText(const Strings& s, const Status& error) {
  return client::RenderError(s.lang, error);
}

std::string ErrorLine(const Strings& s, const Snapshot& snap) {
  if (snap.error_what == nullptr) return snap.error;
  return Format(s.failure_fmt, s.*snap.error_what, ErrorText(s, snap.error_cause).c_str());
}

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

void Title(std::string_view text) {
  ImGui::SetWindowFontScale(1.2f);
  Text(text);
  ImGui::SetWindowFontScale(1.0f);
}

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

bool IsDate(const std::string& date) { return ParseDate(date).has_value(); }

std::string AddDays(const std::string& date, int days) { return fieldbook::AddDays(date, days); }

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

std::string LocalTime(const std::string& iso_utc) { return LocalMinuteOfIso(iso_utc); }

void FieldRow(const char* label, std::string_view value) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  TextMuted(label);
  ImGui::TableSetColumnIndex(1);
  Value(value);
}

void FieldRow(const char* label, std::string_view value, const ImVec4& color) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  TextMuted(label);
  ImGui::TableSetColumnIndex(1);
  TextColored(color, value);
}

bool BeginFieldTable(const char* id, float label_width) {
  if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingStretchProp)) return false;
  ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, label_width);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
  return true;
}

bool BeginList(const char* id, std::initializer_list<Column> columns, bool headers,
               ImGuiTableFlags extra) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                ImGuiTableFlags_SizingStretchProp | extra;
  if (!ImGui::BeginTable(id, static_cast<int>(columns.size()), flags)) return false;
  for (const Column& c : columns) {
    ImGui::TableSetupColumn(
        c.label, c.fixed ? ImGuiTableColumnFlags_WidthFixed : ImGuiTableColumnFlags_WidthStretch,
        c.weight);
  }
  if (headers) ImGui::TableHeadersRow();
  return true;
}

ListRow::ListRow(std::string_view id) {
  ImGui::TableNextRow();
  ImGui::PushID(id.data(), id.data() + id.size());
}

ListRow::ListRow(int id) {
  ImGui::TableNextRow();
  ImGui::PushID(id);
}

ListRow::~ListRow() { ImGui::PopID(); }

void Cell(std::string_view text) {
  ImGui::TableNextColumn();
  Text(text);
}

void CellWrapped(std::string_view text) {
  ImGui::TableNextColumn();
  TextWrapped(text);
}

void CellColored(const ImVec4& color, std::string_view text) {
  ImGui::TableNextColumn();
  TextColored(color, text);
}

bool Outbox::Flush(Intents& intents) {
  if (!pending_) return true;
  if (!intents.Post(*pending_)) return false;
  pending_.reset();
  return true;
}

}  // namespace fieldbook::app::ui
