// One frame of the desktop app over an SDL_Renderer, shared by the window (app_main.cc) and the
// headless renderer (headless.h): keep the font atlas covering the snapshot's text and what the
// rep typed, run the ImGui frame with AppUi, and render it.
//
// Thread safety: UI thread only (the thread that owns the ImGui context).
#ifndef FIELDBOOK_CLIENT_APP_FRAME_H_
#define FIELDBOOK_CLIENT_APP_FRAME_H_

#include <functional>

#include "app_ui.h"
#include "fonts.h"
#include "intents.h"
#include "snapshot.h"

struct SDL_Renderer;

namespace fieldbook::app {

// Sets up the current ImGui context for the app: no imgui.ini, the app's style.
void ConfigureImGui();

// `platform_new_frame` feeds the platform's input and display size (the SDL2 backend, or the
// headless harness) after the font atlas is ready and before ImGui::NewFrame.
void RenderAppFrame(SDL_Renderer* renderer, FontSet& fonts, AppUi& ui, const Snapshot& snap,
                    Intents& intents, const std::function<void()>& platform_new_frame);

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_FRAME_H_
