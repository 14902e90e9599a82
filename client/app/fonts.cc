#include "fonts.h"

#include <cstdio>
#include <filesystem>
#include <utility>

#include <imgui.h>

#include "utf8.h"

namespace fieldbook::app {

FontSet::FontSet(std::string font_path, float size_px, Lang lang)
    : path_(std::move(font_path)), size_px_(size_px), ui_text_(AllText(lang)) {
  std::error_code ec;
  has_file_ = !path_.empty() && std::filesystem::is_regular_file(path_, ec);

  ImFontAtlas ranges_source;  // only for its static range tables
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(ranges_source.GetGlyphRangesChineseSimplifiedCommon());
  static const ImWchar kPunctuation[] = {
      0x2000, 0x206F,  // general punctuation (… — “ ”)
      0x2190, 0x21FF,  // arrows
      0x25A0, 0x25FF,  // geometric shapes (● ▲)
      0x2600, 0x26FF,  // symbols (★)
      0x3000, 0x30FF,  // CJK punctuation, kana
      0xFF00, 0xFFEF,  // full-width forms (，：（）)
      0,
  };
  builder.AddRanges(kPunctuation);
  // Both languages' strings: a Chinese UI still shows English codes, and the reverse.
  builder.AddText(ui_text_.c_str());
  const std::string other = AllText(lang == Lang::kChinese ? Lang::kEnglish : Lang::kChinese);
  builder.AddText(other.c_str());
  ImVector<ImWchar> ranges;
  builder.BuildRanges(&ranges);
  base_.assign(ranges.begin(), ranges.end());
  if (!base_.empty() && base_.back() == 0) base_.pop_back();
}

void FontSet::Want(uint32_t cp) {
  if (cp > 0xFFFF) return;  // ImWchar is 16 bits in this ImGui build
  for (size_t i = 0; i + 1 < base_.size(); i += 2) {
    if (cp >= base_[i] && cp <= base_[i + 1]) return;
  }
  if (wanted_.insert(cp).second) dirty_ = true;
}

void FontSet::Require(const std::vector<uint32_t>& code_points) {
  if (&code_points == last_seen_ && code_points.size() == last_seen_size_) return;
  last_seen_ = &code_points;
  last_seen_size_ = code_points.size();
  for (uint32_t cp : code_points) Want(cp);
}

void FontSet::RequireText(std::string_view utf8) {
  ForEachCodePoint(utf8, [this](uint32_t cp) {
    if (cp >= 0x80) Want(cp);
  });
}

bool FontSet::Update(ImFontAtlas& atlas) {
  if (!dirty_) return false;
  dirty_ = false;

  ranges_ = base_;
  for (uint32_t cp : wanted_) {
    ranges_.push_back(static_cast<uint16_t>(cp));
    ranges_.push_back(static_cast<uint16_t>(cp));
  }
  ranges_.push_back(0);

  atlas.Clear();
  ImFontConfig config;
  config.OversampleH = 1;  // thousands of CJK glyphs: keep the atlas small
  config.OversampleV = 1;
  config.PixelSnapH = true;
  ImFont* font = nullptr;
  if (has_file_) {
    font = atlas.AddFontFromFileTTF(path_.c_str(), size_px_, &config,
                                    reinterpret_cast<const ImWchar*>(ranges_.data()));
  }
  if (font == nullptr) {
    static bool warned = false;
    if (!warned) {
      std::fprintf(stderr,
                   "fieldbook: font %s not found (install fonts-wqy-microhei); Chinese text "
                   "will not render\n",
                   path_.c_str());
      warned = true;
    }
    ImFontConfig fallback;
    fallback.SizePixels = size_px_;
    atlas.AddFontDefault(&fallback);
  }
  atlas.Build();
  return true;
}

}  // namespace fieldbook::app
