// Strings: the desktop app's UI text in English and Chinese, chosen once at start-up (--lang).
// (The file is ui_strings.h: a strings.h on the include path would shadow the C library's.)
// The text is one table, ui_strings.json: one [name, English, Chinese] entry per string. The build
// turns it into FIELDBOOK_UI_STRINGS(X) (ui_strings_table.h, ui_strings.cmake), which makes a
// field of Strings per entry, so a name the code uses and the table lacks is a compile error, and
// an entry without both languages stops the build. UiTexts() gives the same table as entries of
// the one string-table type (fieldbook/lang_text.h) the device's messages and the reasons use.
// Entries ending in _fmt are printf formats; both languages take the same arguments in the same
// order.
//
// CodeLabel() translates the schema's enumeration codes (purpose "delivery", stage "deciding",
// ...) for display (fieldbook::CodeLabels()); unknown codes are shown as they are.
//
// Thread safety: immutable static data; safe from any thread.
#ifndef FIELDBOOK_CLIENT_APP_UI_STRINGS_H_
#define FIELDBOOK_CLIENT_APP_UI_STRINGS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lang/messages.h"
#include "ui_strings_table.h"  // FIELDBOOK_UI_STRINGS(X), from ui_strings.json

namespace fieldbook::app {

// The language (client/lang/messages.h: shared with fieldbook-cli and its messages).
using Lang = client::Lang;
using client::ParseLang;

struct Strings {
#define FIELDBOOK_UI_STRING_FIELD(name, en, zh) const char* name;
  FIELDBOOK_UI_STRINGS(FIELDBOOK_UI_STRING_FIELD)
#undef FIELDBOOK_UI_STRING_FIELD
  Lang lang;
};

const Strings& StringsFor(Lang lang);
// The same table, one LangText per entry (code = the entry's name), in table order.
std::span<const LangText> UiTexts();

// A schema code's label ("deciding" -> "Deciding" / "决策中"); the code itself when unknown.
std::string_view CodeLabel(Lang lang, std::string_view code);

// Known codes of one enumeration, in display order: "tier", "purpose", "outcome", "stage", "type",
// "region", "relationship", "task_kind", "task_status", "lifecycle", "ticket", "rule".
const std::vector<std::string>& CodesOf(std::string_view enumeration);

// Every text the UI may show in `lang` (strings and code labels), for the font atlas.
std::string AllText(Lang lang);

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_UI_STRINGS_H_
