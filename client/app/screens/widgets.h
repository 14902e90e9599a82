// Small drawing helpers shared by the screens: text from string_views, translated codes, printf
// formatting of translated formats, colours, dates and money. Everything here only draws or
// formats; none of it reads data.
//
// Thread safety: UI thread only (they call ImGui).
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_WIDGETS_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_WIDGETS_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"

namespace fieldbook::app::ui {

inline const ImVec4 kOverdue{0.93f, 0.33f, 0.31f, 1.0f};
inline const ImVec4 kDue{0.95f, 0.70f, 0.25f, 1.0f};
inline const ImVec4 kGood{0.36f, 0.78f, 0.42f, 1.0f};
inline const ImVec4 kMuted{0.60f, 0.62f, 0.66f, 1.0f};

void Text(std::string_view text);
void TextColored(const ImVec4& color, std::string_view text);
void TextWrapped(std::string_view text);
void TextMuted(std::string_view text);
// A screen's title, larger than its text.
void Title(std::string_view text);
// "—" for an empty value.
void Value(std::string_view text);

// printf into a std::string (translated formats carry their own arguments).
std::string Format(const char* fmt, ...) IM_FMTARGS(1);

// An error the store or the server gave as the rep reads it: its phrase in the UI's language when
// it carries one this build knows, else its message (client/lang/store_errors.h RenderError).
std::string ErrorText(const Strings& s, const Status& error);
// The snapshot's latest failure (Snapshot::error) in the UI's language: what failed, then why.
std::string ErrorLine(const Strings& s, const Snapshot& snap);

// A combo over an enumeration's codes showing translated labels. `any` (may be null) is the label
// of the "no value" entry; `title` (may be null) prefixes the shown value ("Tier: A"). True when
// the rep changed `value`. While open, its entries are anchored as "option:<code>" ("option:" for
// `any`).
bool CodeCombo(const char* id, Lang lang, const std::vector<std::string>& codes, std::string& value,
               const char* any, const char* title = nullptr);

// YYYY-MM-DD plus `days`; "" when `date` cannot be read.
std::string AddDays(const std::string& date, int days);
bool IsDate(const std::string& date);
// "¥1,234.50" / "1,234.50 元" (CNY, client/lang/messages.h) or "1,234.50 USD".
std::string Money(int64_t cents, const std::string& currency, Lang lang = Lang::kEnglish);
// "2026-11-23T01:15:00Z" -> "2026-11-23 09:15" in local time; other text unchanged.
std::string LocalTime(const std::string& iso_utc);

// The layout for the window's width (issue #19): below kNarrowWidth (phones) the customers list
// and a customer's page are stacked (one at a time, with a way back) and tables keep their main
// columns; below kTouchWidth every target is at least kTouchTarget pixels tall.
inline constexpr float kNarrowWidth = 720;
inline constexpr float kTouchWidth = 1024;
inline constexpr float kTouchTarget = 44;
struct Layout {
  bool narrow = false;
  bool touch = false;
};
// The layout of this frame's main viewport.
Layout CurrentLayout();

// A row of items that wraps instead of overlapping or running off a narrow window: call Next()
// before each item with the item's width; it stays on the line when it fits, else starts a new
// line. ButtonWidth() is what ImGui::Button(label) takes (its visible label, "##" ids excluded).
//   ui::WrapRow row;
//   for (...) { row.Next(ui::WrapRow::ButtonWidth(label)); ImGui::Button(label); }
class WrapRow {
 public:
  WrapRow();
  void Next(float width);
  static float ButtonWidth(const char* label);

 private:
  float right_ = 0;  // the width available from the row's start
  float x_ = 0;      // where the current line's last item ends
  bool first_ = true;
};

// A table row of a label and a value (inside a two-column table).
void FieldRow(const char* label, std::string_view value);
// The same, the value in `color`.
void FieldRow(const char* label, std::string_view value, const ImVec4& color);
// A two-column table of labels (`label_width` wide) and values, filled with FieldRow. False when
// it is not shown (then do not call ImGui::EndTable).
bool BeginFieldTable(const char* id, float label_width);

// The screens' list tables: striped rows, inner horizontal borders, columns sized by weight.
struct Column {
  const char* label;
  float weight = -1;  // a stretched column's share (-1: by its contents); a fixed one's width
  bool fixed = false;
};
inline Column Fixed(const char* label, float width) { return Column{label, width, true}; }
// Begins list table `id` with `columns` (and their header row when `headers`) and `extra` flags.
// False when it is not shown (then draw no rows and do not call ImGui::EndTable).
bool BeginList(const char* id, std::initializer_list<Column> columns, bool headers = true,
               ImGuiTableFlags extra = 0);
// One row of a list table; the ids of its widgets are scoped by `id` (PushID until destroyed).
class ListRow {
 public:
  explicit ListRow(std::string_view id);
  explicit ListRow(int id);
  ~ListRow();
  ListRow(const ListRow&) = delete;
  ListRow& operator=(const ListRow&) = delete;
};
// The next cell of the row, holding `text` (wrapped, muted, coloured).
void Cell(std::string_view text);
void CellWrapped(std::string_view text);
void CellColored(const ImVec4& color, std::string_view text);

// One intent waiting to be posted: screens keep what the rep asked for until the queue takes it
// (the queue refuses when full), retrying every frame.
class Outbox {
 public:
  void Set(Intent intent) { pending_ = std::move(intent); }
  // Posts the pending intent, if any; false while one is still waiting.
  bool Flush(Intents& intents);
  bool waiting() const { return pending_.has_value(); }

 private:
  std::optional<Intent> pending_;
};

}  // namespace fieldbook::app::ui

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_WIDGETS_H_
