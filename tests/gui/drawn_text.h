// DrawnText: the text the app's last frame drew, read back from ImGui's draw lists, for the word
// walk of the app's screens (issue #19: no English left in the Chinese app). Each glyph ImGui
// draws is a textured quad whose texture coordinates are its glyph's in the font atlas: the quads
// are mapped back to their code points and joined into runs — one per piece of text on one line,
// a skipped space (spaces draw nothing) read back as one. A glyph cut by a clip rectangle (its
// texture coordinates moved) is left out.
//
// Thread safety: the thread that owns the ImGui context, between one frame and the next.
#ifndef FIELDBOOK_TESTS_GUI_DRAWN_TEXT_H_
#define FIELDBOOK_TESTS_GUI_DRAWN_TEXT_H_

#include <string>
#include <vector>

namespace fieldbook::testing {

// Every run of text in the current context's last rendered frame (ImGui::GetDrawData()), in
// drawing order, as UTF-8.
std::vector<std::string> DrawnText();

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_GUI_DRAWN_TEXT_H_
