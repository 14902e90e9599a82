// MouseInput: the mouse as SDL's events tell it, fed to ImGui one step per frame (issue #19).
//
// Dear ImGui 1.86 reads the pointer once per frame, and a widget that lets later widgets overlap
// it (tabs, list rows) is pressed only when the previous frame hovered it or nothing. A tap on a
// touch screen, or a real click that arrives together with the motion that brought the pointer
// there, gave ImGui the new position and the press in the same frame: the previous frame hovered
// whatever lay under the old position, so the first tap on another tab after a plan line opened a
// customer was dropped, and a press could meet windows laid out for the old position. ImGui 1.87
// queues input and trickles it for this reason; this is that queue for 1.86's SDL backend: a
// position change and a button change are never applied in the same frame, and one button change
// at most per frame (a press and its release that came between two frames still show the button
// down for one frame).
//
// The position comes from the events' own coordinates, not from polling SDL's window focus
// (which a window without a window manager loses).
//
// Thread safety: UI thread only, like ImGui.
#ifndef FIELDBOOK_CLIENT_APP_MOUSE_INPUT_H_
#define FIELDBOOK_CLIENT_APP_MOUSE_INPUT_H_

#include <SDL.h>
#include <imgui.h>

#include <deque>

namespace fieldbook::app {

class MouseInput {
 public:
  // Queues a mouse motion, button or window-leave event; false for any other event (left to the
  // ImGui backend).
  bool Queue(const SDL_Event& event);
  // Applies this frame's share of the queue to `io` (call after the backend's NewFrame, before
  // ImGui::NewFrame): the position and the buttons.
  void Apply(ImGuiIO& io);
  // Events wait for the next frames: keep rendering.
  bool pending() const { return !queue_.empty(); }

 private:
  struct Step {
    enum class Kind { kMove, kButton, kLeave } kind;
    ImVec2 pos;
    int button = -1;  // ImGui's index: 0 left, 1 right, 2 middle
    bool down = false;
  };
  std::deque<Step> queue_;
  ImVec2 pos_{-FLT_MAX, -FLT_MAX};
  bool down_[3] = {};
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_MOUSE_INPUT_H_
