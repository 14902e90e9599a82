// FontSet: the app's font (WenQuanYi Micro Hei, which covers Latin and Chinese) and the glyphs its
// ImGui atlas holds. ImGui's "common simplified Chinese" range lacks characters garages use in
// their names (鑫, 胎, 刹, 磊...), so besides Latin, CJK punctuation, that range and every UI
// string, the atlas also holds each code point the snapshot's text contains and the rep has typed;
// when new ones appear, the atlas is rebuilt between frames.
//
// Without the font file (fonts-wqy-microhei not installed) it falls back to ImGui's built-in
// Latin font and says so once on stderr.
//
// Thread safety: UI thread only; it modifies ImGui's font atlas.
#ifndef FIELDBOOK_CLIENT_APP_FONTS_H_
#define FIELDBOOK_CLIENT_APP_FONTS_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ui_strings.h"

struct ImFontAtlas;

namespace fieldbook::app {

inline constexpr const char* kDefaultFontPath = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

class FontSet {
 public:
  FontSet(std::string font_path, float size_px, Lang lang);

  // Asks for glyphs (sorted code points, e.g. Snapshot::glyphs). Cheap when nothing is new.
  void Require(const std::vector<uint32_t>& code_points);
  // Asks for the glyphs of a UTF-8 text (what the rep types).
  void RequireText(std::string_view utf8);

  // Rebuilds `atlas` when glyphs are missing (or on first use). True when it did: the renderer's
  // font texture must then be remade. Call between frames.
  bool Update(ImFontAtlas& atlas);

  bool has_font_file() const { return has_file_; }
  size_t extra_glyphs() const { return wanted_.size(); }

 private:
  void Want(uint32_t code_point);

  std::string path_;
  float size_px_;
  std::string ui_text_;
  bool has_file_ = false;
  bool dirty_ = true;
  std::set<uint32_t> wanted_;        // beyond the base ranges
  const void* last_seen_ = nullptr;  // the last glyph vector scanned by Require
  size_t last_seen_size_ = 0;
  std::vector<uint16_t> base_;    // sorted base ranges, pairs of [first, last]
  std::vector<uint16_t> ranges_;  // what the atlas was built with (must outlive the build)
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_FONTS_H_
