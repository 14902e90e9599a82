// HeadlessApp: the desktop app rendered without a window or display — SDL's software renderer
// drawing into an in-memory surface — and driven by real ImGui input (mouse position and buttons,
// keys, typed characters) over successive frames. The GUI tests use it to click, type and take
// screenshots; `fieldbook --headless` uses it for the screenshot tour (scripts/demo on a machine
// without a display).
//
// It owns its ImGui context, the font atlas and the AppUi; the ViewModel is the caller's. Input
// helpers find widgets by their UiProbe anchors from the previous frame.
//
// Thread safety: one thread (it owns an ImGui context). Only one HeadlessApp (or window) may
// exist per thread at a time.
#ifndef FIELDBOOK_CLIENT_APP_HEADLESS_H_
#define FIELDBOOK_CLIENT_APP_HEADLESS_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app_ui.h"
#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "fonts.h"
#include "mouse_input.h"
#include "ui_probe.h"
#include "ui_strings.h"
#include "view_model.h"

struct SDL_Surface;
struct SDL_Renderer;
struct ImGuiContext;

namespace fieldbook::app {

struct HeadlessOptions {
  int width = 1280;
  int height = 800;
  Lang lang = Lang::kEnglish;
  std::string font_path = kDefaultFontPath;
  float font_size = 18.0f;
};

class HeadlessApp {
 public:
  // `vm` and `clock` must outlive the HeadlessApp.
  static Result<std::unique_ptr<HeadlessApp>> Create(ViewModel& vm, WallClock& clock,
                                                     const HeadlessOptions& options);
  ~HeadlessApp();
  HeadlessApp(const HeadlessApp&) = delete;
  HeadlessApp& operator=(const HeadlessApp&) = delete;

  // Renders one frame with the latest snapshot and the input set so far.
  void Frame();
  // Lets the worker carry out what the frames posted, rendering until the screen is up to date.
  // False when the worker did not finish in time.
  bool Settle(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Moves the mouse to the anchor's centre, presses and releases the left button (one frame
  // each), then settles. False when the anchor was not on screen in the last frame.
  bool Click(std::string_view anchor);
  // A tap on the anchor's centre as a touch screen delivers it: the pointer's motion, the press
  // and the release all at once, fed to ImGui through the window's own MouseInput (one step per
  // frame); renders until they are applied, then settles. False when the anchor was not on screen.
  bool Tap(std::string_view anchor);
  // Types UTF-8 text into the focused widget, then settles.
  void Type(std::string_view utf8);
  // Presses and releases a key (ImGuiKey_Enter, ImGuiKey_Escape...), then settles.
  void Press(int imgui_key);
  // Moves the mouse over the anchor and turns the wheel (negative: down), then settles.
  bool Scroll(std::string_view anchor, float wheel);
  // Turns the wheel where the mouse is, then settles.
  void Wheel(float wheel);

  std::optional<WidgetRect> Find(std::string_view anchor) const { return probe_.Find(anchor); }
  const UiProbe& probe() const { return probe_; }
  // Writes the last frame as a PNG.
  Status SavePng(const std::string& path) const;

  AppUi& ui() { return *ui_; }
  const FontSet& fonts() const { return *fonts_; }
  ViewModel& view_model() { return vm_; }
  int frames() const { return frames_; }

 private:
  HeadlessApp(ViewModel& vm, const HeadlessOptions& options, WallClock& clock);

  ViewModel& vm_;
  HeadlessOptions options_;
  SDL_Surface* surface_ = nullptr;
  SDL_Renderer* renderer_ = nullptr;
  ImGuiContext* context_ = nullptr;
  std::unique_ptr<FontSet> fonts_;
  std::unique_ptr<AppUi> ui_;
  UiProbe probe_;
  MouseInput mouse_;  // Tap: events as the window gets them
  int frames_ = 0;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_HEADLESS_H_
