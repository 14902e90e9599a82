// MouseInput (issue #19): SDL's mouse events reach ImGui one step per frame — a position change
// and a button change never in the same frame, one button change per frame — so a tap's motion,
// press and release that arrive together still look to ImGui like a hover, a press, a release.
#include "mouse_input.h"

#include <gtest/gtest.h>

#include <vector>

namespace fieldbook::testing {
namespace {

using app::MouseInput;

SDL_Event Motion(int x, int y) {
  SDL_Event e{};
  e.type = SDL_MOUSEMOTION;
  e.motion.x = x;
  e.motion.y = y;
  return e;
}

SDL_Event Button(bool down, int x, int y, Uint8 button = SDL_BUTTON_LEFT) {
  SDL_Event e{};
  e.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
  e.button.button = button;
  e.button.x = x;
  e.button.y = y;
  return e;
}

SDL_Event Leave() {
  SDL_Event e{};
  e.type = SDL_WINDOWEVENT;
  e.window.event = SDL_WINDOWEVENT_LEAVE;
  return e;
}

struct FrameInput {
  float x, y;
  bool left, right;
};

// Applies the queue frame by frame into a scratch ImGuiIO until it is empty.
std::vector<FrameInput> Frames(MouseInput& mouse) {
  ImGuiContext* ctx = ImGui::CreateContext();
  std::vector<FrameInput> out;
  for (int guard = 0; mouse.pending() && guard < 100; ++guard) {
    ImGuiIO& io = ImGui::GetIO();
    mouse.Apply(io);
    out.push_back({io.MousePos.x, io.MousePos.y, io.MouseDown[0], io.MouseDown[1]});
  }
  ImGui::DestroyContext(ctx);
  return out;
}

TEST(MouseInputTest, ATapsMotionPressAndReleaseTakeAFrameEach) {
  MouseInput mouse;
  ASSERT_TRUE(mouse.Queue(Motion(40, 30)));
  ASSERT_TRUE(mouse.Queue(Motion(300, 20)));
  ASSERT_TRUE(mouse.Queue(Button(true, 300, 20)));
  ASSERT_TRUE(mouse.Queue(Button(false, 300, 20)));
  const std::vector<FrameInput> f = Frames(mouse);
  ASSERT_EQ(f.size(), 3u);
  // The pointer arrives (both motions in one frame: only the last position counts), unpressed.
  EXPECT_EQ(f[0].x, 300);
  EXPECT_EQ(f[0].y, 20);
  EXPECT_FALSE(f[0].left);
  // Then the press in place, then the release: a press never lost between two frames.
  EXPECT_EQ(f[1].x, 300);
  EXPECT_TRUE(f[1].left);
  EXPECT_EQ(f[2].x, 300);
  EXPECT_FALSE(f[2].left);
}

TEST(MouseInputTest, APressElsewhereMovesThePointerThereFirst) {
  MouseInput mouse;
  mouse.Queue(Button(true, 10, 10));  // no motion event before it (a touch screen's first tap)
  mouse.Queue(Button(false, 10, 10));
  mouse.Queue(Button(true, 500, 400, SDL_BUTTON_RIGHT));
  mouse.Queue(Button(false, 500, 400, SDL_BUTTON_RIGHT));
  const std::vector<FrameInput> f = Frames(mouse);
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f[0].x, 10);
  EXPECT_FALSE(f[0].left);
  EXPECT_TRUE(f[1].left);
  EXPECT_FALSE(f[2].left);
  EXPECT_EQ(f[3].x, 500);
  EXPECT_FALSE(f[3].right);
  EXPECT_TRUE(f[4].right);
  EXPECT_FALSE(f[4].left);
  EXPECT_FALSE(f[5].right);
}

TEST(MouseInputTest, LeavingTheWindowHidesThePointerUnlessAButtonIsHeld) {
  MouseInput mouse;
  mouse.Queue(Motion(50, 60));
  mouse.Queue(Button(true, 50, 60));
  mouse.Queue(Leave());  // a drag past the edge keeps its pointer
  mouse.Queue(Button(false, 50, 60));
  mouse.Queue(Leave());
  const std::vector<FrameInput> f = Frames(mouse);
  ASSERT_EQ(f.size(), 5u);
  EXPECT_TRUE(f[1].left);
  EXPECT_EQ(f[2].x, 50);  // left while held
  EXPECT_TRUE(f[2].left);
  EXPECT_FALSE(f[3].left);  // released (a frame of its own) ...
  EXPECT_EQ(f[3].x, 50);
  EXPECT_LT(f[4].x, -1e30f);  // ... then left: the pointer is gone
}

TEST(MouseInputTest, OtherEventsAreLeftToTheBackend) {
  MouseInput mouse;
  SDL_Event key{};
  key.type = SDL_KEYDOWN;
  EXPECT_FALSE(mouse.Queue(key));
  SDL_Event wheel{};
  wheel.type = SDL_MOUSEWHEEL;
  EXPECT_FALSE(mouse.Queue(wheel));
  SDL_Event focus{};
  focus.type = SDL_WINDOWEVENT;
  focus.window.event = SDL_WINDOWEVENT_FOCUS_GAINED;
  EXPECT_FALSE(mouse.Queue(focus));
  EXPECT_FALSE(mouse.pending());
}

}  // namespace
}  // namespace fieldbook::testing
