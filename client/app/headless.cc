#include "headless.h"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

#include <vector>

// stbi_write_png from the system's libstb (imgui's pkg-config links it), built optimized: a copy
// compiled here ran at the dev build's -O0 under the sanitizers, three quarters of a full-HD
// screenshot tour's time.
#include <stb_image_write.h>

#include "frame.h"
#include "lang/store_errors.h"

namespace fieldbook::app {

namespace {
constexpr float kFrameSeconds = 1.0f / 60.0f;
}  // namespace

Result<std::unique_ptr<HeadlessApp>> HeadlessApp::Create(ViewModel& vm, WallClock& clock,
                                                         const HeadlessOptions& options) {
  if (options.width < 64 || options.height < 64 || options.width > 8192 || options.height > 8192) {
    return Status::InvalidArgument("the headless screen must be 64x64 to 8192x8192");
  }
  std::unique_ptr<HeadlessApp> app(new HeadlessApp(vm, options, clock));
  app->surface_ =
      SDL_CreateRGBSurfaceWithFormat(0, options.width, options.height, 32, SDL_PIXELFORMAT_RGBA32);
  if (app->surface_ == nullptr) {
    return Status::Io(std::string("cannot create a drawing surface: ") + SDL_GetError());
  }
  app->renderer_ = SDL_CreateSoftwareRenderer(app->surface_);
  if (app->renderer_ == nullptr) {
    return Status::Io(std::string("cannot create the software renderer: ") + SDL_GetError());
  }

  app->context_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(app->context_);
  ConfigureImGui();
  ImGuiIO& io = ImGui::GetIO();
  io.BackendPlatformName = "fieldbook_headless";
  io.DisplaySize = ImVec2(static_cast<float>(options.width), static_cast<float>(options.height));
  // Keys are ImGuiKey_ values themselves in KeysDown[].
  for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;
  if (!ImGui_ImplSDLRenderer_Init(app->renderer_)) {
    return Status::Io("cannot start ImGui's SDL renderer");
  }
  return app;
}

HeadlessApp::HeadlessApp(ViewModel& vm, const HeadlessOptions& options, WallClock& clock)
    : vm_(vm),
      options_(options),
      fonts_(std::make_unique<FontSet>(options.font_path, options.font_size, options.lang)),
      ui_(std::make_unique<AppUi>(options.lang, clock)) {}

HeadlessApp::~HeadlessApp() {
  if (context_ != nullptr) {
    ImGui::SetCurrentContext(context_);
    if (ImGui::GetIO().BackendRendererUserData != nullptr) ImGui_ImplSDLRenderer_Shutdown();
    ImGui::DestroyContext(context_);
  }
  if (renderer_ != nullptr) SDL_DestroyRenderer(renderer_);
  if (surface_ != nullptr) SDL_FreeSurface(surface_);
}

void HeadlessApp::Frame() {
  ImGui::SetCurrentContext(context_);
  std::shared_ptr<const Snapshot> snap = vm_.snapshot();
  probe_.Clear();
  InstallProbe(&probe_);
  RenderAppFrame(renderer_, *fonts_, *ui_, *snap, vm_.intents(), [this] {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = kFrameSeconds;
    // Click and the others set the mouse directly; a Tap's events go through MouseInput.
    if (mouse_.pending()) mouse_.Apply(io);
  });
  InstallProbe(nullptr);
  ++frames_;
}

bool HeadlessApp::Settle(std::chrono::milliseconds timeout) {
  // A frame may post intents, and a snapshot may make the next frame post more or switch tabs;
  // ImGui lays out a new tab bar or table one frame after it first appears. Three rounds cover
  // a screen reacting to what it posted.
  for (int round = 0; round < 3; ++round) {
    if (!vm_.WaitIdle(timeout)) return false;
    Frame();
  }
  return true;
}

bool HeadlessApp::Click(std::string_view anchor) {
  std::optional<WidgetRect> r = probe_.Find(anchor);
  if (!r) return false;
  ImGui::SetCurrentContext(context_);
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(r->cx(), r->cy());
  Frame();  // hover
  io.MouseDown[0] = true;
  Frame();  // press
  io.MouseDown[0] = false;
  Frame();  // release: most widgets act here
  return Settle();
}

bool HeadlessApp::Tap(std::string_view anchor) {
  std::optional<WidgetRect> r = probe_.Find(anchor);
  if (!r) return false;
  const Sint32 x = static_cast<Sint32>(r->cx());
  const Sint32 y = static_cast<Sint32>(r->cy());
  SDL_Event e{};
  e.type = SDL_MOUSEMOTION;
  e.motion.x = x;
  e.motion.y = y;
  mouse_.Queue(e);
  for (Uint32 type : {SDL_MOUSEBUTTONDOWN, SDL_MOUSEBUTTONUP}) {
    e = SDL_Event{};
    e.type = type;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.x = x;
    e.button.y = y;
    mouse_.Queue(e);
  }
  while (mouse_.pending()) Frame();
  Frame();  // the release's frame has been drawn; widgets acting on release have posted
  return Settle();
}

void HeadlessApp::Type(std::string_view utf8) {
  ImGui::SetCurrentContext(context_);
  const std::string text(utf8);
  ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
  Frame();
  Settle();
}

void HeadlessApp::Press(int imgui_key) {
  ImGui::SetCurrentContext(context_);
  ImGuiIO& io = ImGui::GetIO();
  io.KeysDown[imgui_key] = true;
  Frame();
  io.KeysDown[imgui_key] = false;
  Frame();
  Settle();
}

bool HeadlessApp::Scroll(std::string_view anchor, float wheel) {
  std::optional<WidgetRect> r = probe_.Find(anchor);
  if (!r) return false;
  ImGui::SetCurrentContext(context_);
  ImGui::GetIO().MousePos = ImVec2(r->cx(), r->cy());
  Frame();
  Wheel(wheel);
  return true;
}

void HeadlessApp::Wheel(float wheel) {
  ImGui::SetCurrentContext(context_);
  ImGui::GetIO().MouseWheel = wheel;  // ImGui clears it after the frame
  Frame();
  Settle();
}

Status HeadlessApp::SavePng(const std::string& path) const {
  if (frames_ == 0) return Status::InvalidArgument("no frame rendered yet");
  if (SDL_LockSurface(surface_) != 0) return Status::Io(SDL_GetError());
  // RGBA32 is R, G, B, A in memory; drop alpha (the frame is opaque).
  const int w = surface_->w;
  const int h = surface_->h;
  std::vector<unsigned char> rgb(static_cast<size_t>(w) * static_cast<size_t>(h) * 3);
  const auto* pixels = static_cast<const unsigned char*>(surface_->pixels);
  for (int y = 0; y < h; ++y) {
    const unsigned char* src = pixels + static_cast<ptrdiff_t>(y) * surface_->pitch;
    unsigned char* dst = rgb.data() + static_cast<size_t>(y) * static_cast<size_t>(w) * 3;
    for (int x = 0; x < w; ++x) {
      dst[3 * x + 0] = src[4 * x + 0];
      dst[3 * x + 1] = src[4 * x + 1];
      dst[3 * x + 2] = src[4 * x + 2];
    }
  }
  SDL_UnlockSurface(surface_);
  if (stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3) == 0) {
    return client::StoreError(StatusCode::kIo, "err_write_failed", {{"path", path}});
  }
  return Status::Ok();
}

}  // namespace fieldbook::app
