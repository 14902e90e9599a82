#include "frame.h"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

namespace fieldbook::app {

void ConfigureImGui() {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is code, not a file in the working directory
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0;
  style.FrameRounding = 4;
  style.GrabRounding = 4;
  style.TabRounding = 4;
  style.FramePadding = ImVec2(8, 5);
  style.ItemSpacing = ImVec2(8, 6);
  style.CellPadding = ImVec2(6, 4);
}

void RenderAppFrame(SDL_Renderer* renderer, FontSet& fonts, AppUi& ui, const Snapshot& snap,
                    Intents& intents, const std::function<void()>& platform_new_frame) {
  fonts.Require(*snap.glyphs);
  fonts.RequireText(ui.TypedText());
  if (fonts.Update(*ImGui::GetIO().Fonts)) ImGui_ImplSDLRenderer_DestroyFontsTexture();

  ImGui_ImplSDLRenderer_NewFrame();  // (re)creates the font texture when needed
  platform_new_frame();
  ImGui::NewFrame();
  ui.Draw(snap, intents);
  ImGui::Render();

  SDL_SetRenderDrawColor(renderer, 24, 26, 30, 255);
  SDL_RenderClear(renderer);
  ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
  SDL_RenderPresent(renderer);
}

}  // namespace fieldbook::app
