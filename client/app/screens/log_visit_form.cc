#include "log_visit_form.h"

#include <algorithm>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "fieldbook/dates.h"
#include "widgets.h"

namespace fieldbook::app {

namespace {

constexpr const char* kPopupId = "###log_visit";

std::string UtcNow(WallClock& clock) { return FormatIsoUtc(static_cast<int64_t>(clock.NowMs())); }

}  // namespace

std::string LocationText(const Strings& s, const OpenVisitRow& v) {
  if (!v.distance_m) return s.visit_location_unknown;
  return ui::Format(s.visit_distance_fmt, *v.distance_m,
                    v.location_check == "verified" ? s.visit_verified : s.visit_unverified);
}

void LogVisitForm::Post(SubmitVisit submit, Intents& intents) {
  if (intents.Post(std::move(submit))) {
    waiting_for = next_request++;
    error.clear();
  } else {
    error = s.busy;
  }
}

void LogVisitForm::Open(const std::string& id, const std::string& name) {
  if (id != f.customer_id) {
    // A different customer: start afresh. The same one: keep what was typed.
    f = Fields{};
    f.customer_id = id;
  }
  f.customer_name = name;
  error.clear();
  open_requested = true;
}

void LogVisitForm::Draw(const Snapshot& snap, Intents& intents) {
  if (open_requested) {
    ImGui::OpenPopup(kPopupId);
    open_requested = false;
  }
  const std::string title = ui::Format(s.visit_title_fmt, f.customer_name.c_str()) + kPopupId;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(std::min(620.0f, display.x - 40), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y / 2), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  visible = ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings);
  if (!visible) return;

  // The outcome of our save arrived: close, or say why not.
  if (waiting_for != 0 && snap.last_visit.request_id == waiting_for) {
    waiting_for = 0;
    if (snap.last_visit.ok) {
      ++saved;
      f = Fields{};
      error.clear();
      ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
      visible = false;
      return;
    }
    error = ui::ErrorText(s, snap.last_visit.error);
  }

  const float label_width = 170.0f;
  auto label = [label_width](const char* text) {
    ui::TextMuted(text);
    ImGui::SameLine(label_width);
    ImGui::SetNextItemWidth(-FLT_MIN);
  };

  label(s.visit_purpose);
  ui::CodeCombo("##purpose", s.lang, CodesOf("purpose"), f.purpose, nullptr);
  Anchor("visit.purpose");
  label(s.visit_outcome);
  ui::CodeCombo("##outcome", s.lang, CodesOf("outcome"), f.outcome, nullptr);
  Anchor("visit.outcome");

  ui::TextMuted(s.visit_notes);
  ImGui::InputTextMultiline("##notes", &f.notes, ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 5));
  Anchor("visit.notes");

  ui::TextMuted(s.visit_follow_up);
  ImGui::SetNextItemWidth(140.0f);
  ImGui::InputTextWithHint("##follow_up", "YYYY-MM-DD", &f.follow_up,
                           ImGuiInputTextFlags_CharsNoBlank);
  Anchor("visit.follow_up");
  struct Offset {
    const char* text;
    int days;
    const char* anchor;
  };
  for (const Offset& o :
       {Offset{s.in_1_day, 1, "visit.in_1_day"}, Offset{s.in_7_days, 7, "visit.in_7_days"},
        Offset{s.in_14_days, 14, "visit.in_14_days"}}) {
    ImGui::SameLine();
    if (ImGui::Button(o.text)) f.follow_up = ui::AddDays(snap.today, o.days);
    Anchor(o.anchor);
  }

  // A visit in progress here (checked in earlier, even before a restart): the form checks out.
  const OpenVisitRow* open = nullptr;
  for (const OpenVisitRow& v : snap.plan->in_progress) {
    if (v.customer_id == f.customer_id) open = &v;
  }
  if (open != nullptr) {
    ui::TextColored(ui::kDue,
                    ui::Format(s.visit_in_progress_fmt, ui::LocalTime(open->check_in).c_str()));
    ImGui::SameLine();
    ui::TextMuted(LocationText(s, *open));
    Anchor("visit.in_progress");
  } else {
    if (ImGui::Button(s.check_in_now)) f.check_in = UtcNow(clock);
    Anchor("visit.check_in");
    if (!f.check_in.empty()) {
      ImGui::SameLine();
      ui::TextMuted(ui::Format(s.checked_in_fmt, ui::LocalTime(f.check_in).c_str()));
    }
    ImGui::SameLine();
    if (ImGui::Button(s.check_out_now)) f.check_out = UtcNow(clock);
    Anchor("visit.check_out");
    if (!f.check_out.empty()) {
      ImGui::SameLine();
      ui::TextMuted(ui::Format(s.checked_out_fmt, ui::LocalTime(f.check_out).c_str()));
    }
  }

  ImGui::Checkbox(s.with_location, &f.with_location);
  Anchor("visit.with_location");
  if (f.with_location) {
    ImGui::SetNextItemWidth(160.0f);
    ImGui::InputDouble(s.latitude, &f.lat, 0, 0, "%.6f", ImGuiInputTextFlags_AutoSelectAll);
    Anchor("visit.lat");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160.0f);
    ImGui::InputDouble(s.longitude, &f.lon, 0, 0, "%.6f", ImGuiInputTextFlags_AutoSelectAll);
    Anchor("visit.lon");
  }

  if (!error.empty()) ui::TextColored(ui::kOverdue, error);
  ImGui::Separator();

  const bool saving = waiting_for != 0;
  ImGui::BeginDisabled(saving);
  // Without a visit in progress: start one (only the location is kept; the rest at check-out).
  if (open == nullptr) {
    if (ImGui::Button(s.visit_start)) {
      SubmitVisit submit;
      submit.request_id = next_request;
      submit.draft.mode = VisitDraft::Mode::kCheckIn;
      submit.draft.customer_id = f.customer_id;
      if (f.with_location) {
        submit.draft.lat = f.lat;
        submit.draft.lon = f.lon;
      }
      Post(std::move(submit), intents);
    }
    Anchor("visit.start");
    ImGui::SameLine();
  }
  const char* save = open != nullptr ? s.visit_checkout : s.save_visit;
  if (ImGui::Button(saving ? s.saving : save, ImVec2(140, 0))) {
    if (!f.follow_up.empty() && !ui::IsDate(f.follow_up)) {
      error = s.bad_date;
    } else {
      SubmitVisit submit;
      submit.request_id = next_request;
      if (open != nullptr) {
        submit.draft.mode = VisitDraft::Mode::kCheckOut;
        submit.draft.visit_id = open->id;
      }
      submit.draft.customer_id = f.customer_id;
      submit.draft.purpose = f.purpose;
      submit.draft.outcome = f.outcome;
      submit.draft.notes = f.notes;
      submit.draft.next_follow_up = f.follow_up;
      submit.draft.check_in = f.check_in;
      submit.draft.check_out = f.check_out;
      if (f.with_location) {
        submit.draft.lat = f.lat;
        submit.draft.lon = f.lon;
      }
      Post(std::move(submit), intents);
    }
  }
  Anchor(open != nullptr ? "visit.checkout" : "visit.submit");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(s.cancel, ImVec2(110, 0))) {
    ImGui::CloseCurrentPopup();
    visible = false;
  }
  Anchor("visit.cancel");
  ImGui::EndPopup();
}

}  // namespace fieldbook::app
