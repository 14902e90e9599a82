#include "drawn_text.h"

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharToUtf8

#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <utility>

namespace fieldbook::testing {

namespace {

uint64_t Key(const ImVec2& uv) {
  uint32_t u = 0, v = 0;
  std::memcpy(&u, &uv.x, sizeof u);
  std::memcpy(&v, &uv.y, sizeof v);
  return (static_cast<uint64_t>(u) << 32) | v;
}

struct Run {
  std::string text;
  float top = 0;   // the line's top (the glyph's position less its offset)
  float next = 0;  // where the next glyph of this run would start
  float em = 0;    // the font's size as drawn
};

}  // namespace

std::vector<std::string> DrawnText() {
  std::vector<std::string> out;
  const ImDrawData* data = ImGui::GetDrawData();
  if (data == nullptr || !data->Valid) return out;
  // Each visible glyph of the atlas by the texture coordinates of its top-left corner.
  std::map<uint64_t, std::pair<const ImFontGlyph*, const ImFont*>> glyphs;
  for (const ImFont* font : ImGui::GetIO().Fonts->Fonts) {
    for (const ImFontGlyph& g : font->Glyphs) {
      if (g.Visible) glyphs.emplace(Key(ImVec2(g.U0, g.V0)), std::make_pair(&g, font));
    }
  }
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    const ImDrawVert* v = list->VtxBuffer.Data;
    const int n = list->VtxBuffer.Size;
    Run run;
    auto flush = [&] {
      if (!run.text.empty()) out.push_back(std::move(run.text));
      run = Run{};
    };
    for (int i = 0; i + 3 < n;) {
      auto it = glyphs.find(Key(v[i].uv));
      const ImFontGlyph* g = it == glyphs.end() ? nullptr : it->second.first;
      // A glyph's quad: its four corners carry the glyph's four texture coordinates in order.
      if (g == nullptr || v[i + 1].uv.x != g->U1 || v[i + 1].uv.y != g->V0 ||
          v[i + 2].uv.x != g->U1 || v[i + 2].uv.y != g->V1 || v[i + 3].uv.x != g->U0 ||
          v[i + 3].uv.y != g->V1 || g->X1 <= g->X0) {
        ++i;
        continue;
      }
      const float scale = (v[i + 2].pos.x - v[i].pos.x) / (g->X1 - g->X0);
      const float origin = v[i].pos.x - g->X0 * scale;
      const float top = v[i].pos.y - g->Y0 * scale;
      const float em = it->second.second->FontSize * scale;
      const bool same_line = !run.text.empty() && std::fabs(top - run.top) < 1.0f &&
                             origin > run.next - 1.0f && origin - run.next < 2.0f * em;
      if (!same_line) {
        flush();
      } else if (origin - run.next > 0.15f * em) {
        run.text += ' ';  // one or more spaces, which draw nothing
      }
      char utf8[5];
      run.text += ImTextCharToUtf8(utf8, g->Codepoint);
      run.top = top;
      run.next = origin + g->AdvanceX * scale;
      run.em = em;
      i += 4;
    }
    flush();
  }
  return out;
}

}  // namespace fieldbook::testing
