// fieldbook: the rep's desktop app (Dear ImGui over SDL2). It opens the rep's replica (the same
// file fieldbook-cli uses) on a worker thread and works offline; the Sync button exchanges changes
// with the server set up by `fieldbook-cli init`.
//
// Without a display, `--headless --screenshot-dir DIR` renders the main screens with SDL's
// software renderer and saves them as PNGs (scripts/demo uses this).
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "app_ui.h"
#include "cli/help_format.h"
#include "fieldbook/command_line.h"
#include "fieldbook/hlc.h"
#include "fonts.h"
#include "frame.h"
#include "headless.h"
#include "lang/messages.h"
#include "lang/store_errors.h"
#include "mouse_input.h"
#include "screens/widgets.h"
#include "store/replica_health.h"
#include "store_data_source.h"
#include "ui_probe.h"
#include "ui_strings.h"
#include "view_model.h"

namespace {

using namespace fieldbook;
using namespace fieldbook::app;

struct Options {
  std::string replica;
  std::string lang;
  bool headless = false;
  std::string screenshot_dir;
  int frames = 3;
  std::string search;
  int width = 1280;
  int height = 800;
  std::string font = kDefaultFontPath;
  std::string probe_file;
};

// --probe-file: after each frame that changed them, the window's position, the open tab, the
// selected customer and every anchored widget's rectangle (ui_probe.h), written whole through a
// rename, so a test can drive the real window with real mouse events (tests/gui/xvfb_gui_test.cc).
void WriteProbe(const std::string& path, SDL_Window* window, const AppUi& ui, const Snapshot& snap,
                const UiProbe& probe, std::string* last) {
  int x = 0, y = 0;
  SDL_GetWindowPosition(window, &x, &y);
  std::string text = "window " + std::to_string(x) + " " + std::to_string(y) + "\n";
  text += "tab " + std::to_string(static_cast<int>(ui.tab())) + "\n";
  text += "selected " + (snap.selected_id.empty() ? std::string("-") : snap.selected_id) + "\n";
  for (const auto& [name, r] : probe.rects()) {
    text += "rect " + name + " " + std::to_string(r.x0) + " " + std::to_string(r.y0) + " " +
            std::to_string(r.x1) + " " + std::to_string(r.y1) + "\n";
  }
  if (text == *last) return;
  *last = text;
  const std::string tmp = path + ".tmp";
  if (std::FILE* f = std::fopen(tmp.c_str(), "w")) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    std::rename(tmp.c_str(), path.c_str());
  }
}

// "fieldbook: " and `text` (already in the UI's language) on stderr.
void SayLine(const std::string& text) { std::fprintf(stderr, "fieldbook: %s\n", text.c_str()); }
// The message `code` (lang/messages.h app_...) in the UI's language, on stderr.
void SayError(Lang lang, std::string_view code, std::initializer_list<std::string> args = {}) {
  SayLine(client::Render(lang, code, args));
}

// The screenshot tour: the customer list, a customer's page and visits, the log-visit form
// (cancelled: the tour writes nothing), the plan, the review list and the reports.
int RunHeadless(ViewModel& vm, WallClock& clock, const Options& o, Lang lang) {
  std::error_code ec;
  std::filesystem::create_directories(o.screenshot_dir, ec);
  if (ec) {
    SayLine(client::RenderError(
        lang, client::StoreError(StatusCode::kIo, "err_cannot_create_folder",
                                 {{"path", o.screenshot_dir}, {"why", client::OsReason(ec)}})));
    return 1;
  }
  HeadlessOptions ho;
  ho.width = o.width;
  ho.height = o.height;
  ho.lang = lang;
  ho.font_path = o.font;
  auto created = HeadlessApp::Create(vm, clock, ho);
  if (!created.ok()) {
    SayLine(client::RenderError(lang, created.status()));
    return 1;
  }
  HeadlessApp& app = **created;
  app.Frame();
  if (!app.Settle()) {
    SayError(lang, "app_not_ready_in_time");
    return 1;
  }
  if (!vm.snapshot()->ready) {
    SayLine(ui::ErrorLine(StringsFor(lang), *vm.snapshot()));
    return 1;
  }

  int failures = 0;
  // A step names the widget it clicks (ui_probe.h), in no language.
  auto step = [&failures, lang](bool ok, const std::string& anchor) {
    if (!ok) {
      SayError(lang, "app_tour_step_failed", {anchor});
      ++failures;
    }
  };
  auto click = [&app, &step](const std::string& anchor) { step(app.Click(anchor), anchor); };
  auto shot = [&app, &o, &failures, lang](const char* name) {
    for (int i = 0; i < o.frames; ++i) app.Frame();
    const std::string path = (std::filesystem::path(o.screenshot_dir) / name).string();
    Status s = app.SavePng(path);
    if (s.ok()) {
      std::printf("%s\n", path.c_str());
    } else {
      SayLine(client::RenderError(lang, s));
      ++failures;
    }
  };

  if (!o.search.empty()) {
    click("list.search");
    app.Type(o.search);
  }
  shot("01-customers.png");
  const std::shared_ptr<const Snapshot> snap = vm.snapshot();
  if (!snap->customers->rows.empty()) {
    click("list.row:" + snap->customers->rows.front().id);
    shot("02-customer.png");
    click("customer.tab.visits");
    shot("03-visits.png");
    click("customer.tab.profile");
    click("customer.log_visit");
    shot("04-log-visit.png");
    click("visit.cancel");
  } else if (o.search.empty()) {
    SayError(lang, "app_no_customers");
  } else {
    SayError(lang, "app_no_match", {o.search});
  }
  click("tab.plan");
  shot("05-plan.png");
  click("tab.review");
  shot("06-review.png");
  click("tab.reports");
  shot("07-reports.png");
  click("tab.pool");
  shot("08-pool.png");
  return failures == 0 ? 0 : 1;
}

int RunWindow(ViewModel& vm, WallClock& clock, const Options& o, Lang lang) {
  SDL_SetHint(SDL_HINT_IME_SHOW_UI, "1");  // Chinese input methods show their candidate window
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    SayError(lang, "app_no_display", {SDL_GetError()});
    return 1;
  }
  SDL_Window* window =
      SDL_CreateWindow(StringsFor(lang).app_title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                       o.width, o.height, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (window == nullptr) {
    SayError(lang, "app_cannot_open_window", {SDL_GetError()});
    SDL_Quit();
    return 1;
  }
  SDL_Renderer* renderer =
      SDL_CreateRenderer(window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
  if (renderer == nullptr) renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
  if (renderer == nullptr) {
    SayError(lang, "app_cannot_draw", {SDL_GetError()});
    SDL_DestroyWindow(window);
    SDL_Quit();
    return 1;
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ConfigureImGui();
  ImGui_ImplSDL2_InitForSDLRenderer(window);
  ImGui_ImplSDLRenderer_Init(renderer);
  FontSet fonts(o.font, 18.0f, lang);
  AppUi ui(lang, clock);

  // Render while something happens (input, a new snapshot); otherwise sleep until input arrives
  // or the next check for a new snapshot, so an idle app does not drain a laptop's battery.
  bool done = false;
  int busy_frames = 0;
  uint64_t seen_version = 0;
  MouseInput mouse;  // the mouse one step per frame (mouse_input.h)
  UiProbe probe;
  std::string probe_written;
  if (!o.probe_file.empty()) InstallProbe(&probe);
  while (!done) {
    SDL_Event event;
    const bool got =
        busy_frames > 0 ? SDL_PollEvent(&event) != 0 : SDL_WaitEventTimeout(&event, 100) != 0;
    if (got) {
      busy_frames = 8;
      do {
        if (!mouse.Queue(event)) ImGui_ImplSDL2_ProcessEvent(&event);
        if (event.type == SDL_QUIT) done = true;
        if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
            event.window.windowID == SDL_GetWindowID(window)) {
          done = true;
        }
      } while (SDL_PollEvent(&event) != 0);
    }
    const std::shared_ptr<const Snapshot> snap = vm.snapshot();
    if (snap->version != seen_version) {
      seen_version = snap->version;
      busy_frames = 8;
    }
    if (mouse.pending()) busy_frames = std::max(busy_frames, 2);
    if (busy_frames > 0) {
      --busy_frames;
      probe.Clear();
      RenderAppFrame(renderer, fonts, ui, *snap, vm.intents(), [&mouse] {
        ImGui_ImplSDL2_NewFrame();
        mouse.Apply(ImGui::GetIO());
      });
      if (!o.probe_file.empty()) WriteProbe(o.probe_file, window, ui, *snap, probe, &probe_written);
    }
  }

  InstallProbe(nullptr);

  ImGui_ImplSDLRenderer_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_DestroyRenderer(renderer);
  SDL_DestroyWindow(window);
  SDL_Quit();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // The help page and usage errors in the UI's language (help codes help_fieldbook_..., the help
  // table of lang/help_texts.h, as fieldbook-cli's): --lang, else the locale.
  const Lang help_lang = client::cli::HelpLang(argc, argv);
  const auto H = [help_lang](const char* code) { return client::HelpText(help_lang, code); };
  CLI::App cli{H("help_fieldbook")};
  client::cli::UseHelpLanguage(cli, help_lang);
  Options o;
  cli.add_option("--replica", o.replica, H("help_replica"));
  cli.add_option("--lang", o.lang, H("help_fieldbook_lang"))->check(CLI::IsMember({"en", "zh"}));
  cli.add_flag("--headless", o.headless, H("help_fieldbook_headless"));
  cli.add_option("--screenshot-dir", o.screenshot_dir, H("help_fieldbook_screenshot_dir"));
  cli.add_option("--frames", o.frames, H("help_fieldbook_frames"))->check(CLI::Range(1, 100));
  cli.add_option("--search", o.search, H("help_fieldbook_search"));
  cli.add_option("--width", o.width, H("help_fieldbook_width"))->check(CLI::Range(320, 8192));
  cli.add_option("--height", o.height, H("help_fieldbook_height"))->check(CLI::Range(240, 8192));
  cli.add_option("--font", o.font, H("help_fieldbook_font"));
  cli.add_option("--probe-file", o.probe_file, H("help_fieldbook_probe_file"));
  const std::optional<int> parsed = fieldbook::ParseCommandLine(
      cli, argc, argv, "fieldbook", 2,
      [help_lang](const CLI::ParseError& e) { return client::cli::UsageError(help_lang, e); });
  if (parsed) return *parsed;
  const Lang lang = client::ChooseLang(o.lang);
  if (o.headless && o.screenshot_dir.empty()) {
    SayError(lang, "app_needs_screenshot_dir");
    return 2;
  }
  // As fieldbook-cli's (its folder made private: the replica holds the device token).
  const Result<std::string> replica = client::ReplicaPath(o.replica, /*create_folder=*/true);
  if (!replica.ok()) {
    SayLine(client::RenderError(lang, replica.status()));
    return 2;
  }
  const std::string& path = *replica;
  SystemWallClock clock;
  ViewModel vm(
      [&path, &clock]() -> Result<std::unique_ptr<DataSource>> {
        FB_ASSIGN_OR_RETURN(std::unique_ptr<StoreDataSource> ds,
                            StoreDataSource::OpenOverHttp(path, clock));
        return std::unique_ptr<DataSource>(std::move(ds));
      },
      clock);
  return o.headless ? RunHeadless(vm, clock, o, lang) : RunWindow(vm, clock, o, lang);
}
