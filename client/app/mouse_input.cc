#include "mouse_input.h"

namespace fieldbook::app {

namespace {

// SDL's left, right, middle -> ImGui's 0, 1, 2; -1 for other buttons.
int ImGuiButton(Uint8 button) {
  return button == SDL_BUTTON_LEFT     ? 0
         : button == SDL_BUTTON_RIGHT  ? 1
         : button == SDL_BUTTON_MIDDLE ? 2
                                       : -1;
}

bool Same(const ImVec2& a, const ImVec2& b) { return a.x == b.x && a.y == b.y; }

}  // namespace

bool MouseInput::Queue(const SDL_Event& e) {
  switch (e.type) {
    case SDL_MOUSEMOTION:
      queue_.push_back({Step::Kind::kMove,
                        ImVec2(static_cast<float>(e.motion.x), static_cast<float>(e.motion.y))});
      return true;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
      const int b = ImGuiButton(e.button.button);
      if (b >= 0) {
        queue_.push_back({Step::Kind::kButton,
                          ImVec2(static_cast<float>(e.button.x), static_cast<float>(e.button.y)), b,
                          e.type == SDL_MOUSEBUTTONDOWN});
      }
      return true;
    }
    case SDL_WINDOWEVENT:
      if (e.window.event != SDL_WINDOWEVENT_LEAVE) return false;
      queue_.push_back({Step::Kind::kLeave, ImVec2(-FLT_MAX, -FLT_MAX)});
      return true;
    default:
      return false;
  }
}

void MouseInput::Apply(ImGuiIO& io) {
  bool moved = false;
  bool button_changed = false;
  while (!queue_.empty() && !button_changed) {
    const Step& s = queue_.front();
    if (s.kind == Step::Kind::kButton) {
      if (!Same(s.pos, pos_)) {
        // The press or release happened elsewhere: show the pointer there first.
        if (moved) break;
        pos_ = s.pos;
        break;
      }
      if (moved) break;
      down_[s.button] = s.down;
      button_changed = true;
    } else if (s.kind == Step::Kind::kLeave) {
      // Leaving while a button is held keeps the pointer (ImGui follows drags past the edge).
      if (!down_[0] && !down_[1] && !down_[2]) pos_ = s.pos;
      moved = true;
    } else {
      pos_ = s.pos;
      moved = true;
    }
    queue_.pop_front();
  }
  io.MousePos = pos_;
  for (int b = 0; b < 3; ++b) io.MouseDown[b] = down_[b];
}

}  // namespace fieldbook::app
