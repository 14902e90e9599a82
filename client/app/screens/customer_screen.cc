#include "customer_screen.h"

#include <functional>

#include <imgui.h>

#include "../ui_probe.h"

namespace fieldbook::app {

namespace {

// The page's lists: ui::BeginList, resizable; "None yet." instead when the list is `empty`.
bool BeginPageList(const Strings& s, const char* id, bool empty,
                   std::initializer_list<ui::Column> columns) {
  if (empty) {
    ui::TextMuted(s.none);
    return false;
  }
  return ui::BeginList(id, columns, true, ImGuiTableFlags_Resizable);
}

// RFM scores are 1 to 5; 0 means no orders in the grading window.
std::string Score(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) + " / 5" : std::string();
}

void Profile(const Strings& s, const CustomerDetail& d) {
  if (ui::BeginFieldTable("profile", 140.0f)) {
    ui::FieldRow(s.field_type, CodeLabel(s.lang, d.type));
    ui::FieldRow(s.field_relationship, CodeLabel(s.lang, d.relationship));
    ui::FieldRow(s.field_stage, CodeLabel(s.lang, d.stage));
    ui::FieldRow(s.field_region, CodeLabel(s.lang, d.region));
    std::string address = d.address;
    for (const std::string* part : {&d.city, &d.province}) {
      if (part->empty() || address.find(*part) != std::string::npos) continue;
      address += (address.empty() ? "" : ", ") + *part;
    }
    ui::FieldRow(s.field_address, address);
    ui::FieldRow(s.field_phone, d.phone);
    ui::FieldRow(s.field_contact, d.primary_contact);
    ui::FieldRow(s.field_owner, d.owner_name.empty() ? s.public_pool : d.owner_name);
    ui::FieldRow(s.field_territory, d.territory_name);
    ui::FieldRow(s.field_tags, d.tags);
    ui::FieldRow(s.field_notes, d.notes);
    ui::FieldRow(s.field_location,
                 d.lat && d.lon ? ui::Format("%.5f, %.5f", *d.lat, *d.lon) : std::string());
    ImGui::EndTable();
  }

  ImGui::Spacing();
  ImGui::Separator();
  ui::Text(s.grade);
  if (d.grade_provisional) {
    // A provisional grade is marked as such, with what it stands in for.
    ImGui::SameLine();
    ui::TextColored(ui::kDue, s.provisional);
    Anchor("customer.grade.provisional");
    ui::TextMuted(s.provisional_note);
  }
  if (d.graded_at.empty() && d.tier.empty()) {
    ui::TextMuted(s.not_graded);
    return;
  }
  if (ui::BeginFieldTable("grade", 140.0f)) {
    ui::FieldRow(s.grade_tier, d.tier);
    ui::FieldRow(s.grade_recency, Score(d.recency));
    ui::FieldRow(s.grade_frequency, Score(d.frequency));
    ui::FieldRow(s.grade_monetary, Score(d.monetary));
    const std::string_view ticket = fieldbook::CodeLabel(s.lang, "ticket", d.ticket_class);
    ui::FieldRow(s.grade_ticket, ticket);
    Anchor("customer.grade.ticket:", ticket);
    ui::FieldRow(s.grade_lifecycle, CodeLabel(s.lang, d.lifecycle));
    ui::FieldRow(s.grade_churn,
                 d.churn_risk ? ui::Format("%.0f%%", *d.churn_risk * 100) : std::string());
    if (d.grade_provisional) {
      ui::FieldRow(s.grade_computed_at, ui::LocalTime(d.grade_computed_at));
      std::string server = d.server_tier.empty() ? std::string(s.not_graded) : d.server_tier;
      if (!d.server_tier.empty() && !d.graded_at.empty()) {
        server += " (" + ui::LocalTime(d.graded_at) + ")";
      }
      ui::FieldRow(s.server_grade, server);
    } else {
      ui::FieldRow(s.graded_at, ui::LocalTime(d.graded_at));
    }
    ImGui::EndTable();
  }
  if (!d.grade_reasons.empty()) {
    ui::TextMuted(s.grade_reasons);
    for (const GradeReason& reason : d.grade_reasons) {
      ImGui::Bullet();
      const std::string line = ReasonLine(s.lang, reason);
      ui::TextWrapped(line);
      Anchor("customer.reason:", line);
    }
  }
}

void Contacts(const Strings& s, const CustomerDetail& d, ContactForm& form) {
  if (!BeginPageList(s, "contacts", d.contacts.empty(),
                     {{s.col_name},
                      {s.col_title},
                      {s.field_phone},
                      {s.col_wechat},
                      ui::Fixed("##edit", 70.0f)})) {
    return;
  }
  for (const ContactRow& c : d.contacts) {
    ui::ListRow row(c.id);
    ui::Cell(c.name);
    if (c.primary) {
      ImGui::SameLine();
      ui::TextMuted(s.primary);
    }
    ui::Cell(c.title);
    ui::Cell(c.phone);
    ui::Cell(c.wechat);
    ImGui::TableNextColumn();
    if (ImGui::SmallButton(s.edit_contact)) form.OpenEdit(d, c);
    Anchor("contact.edit:", c.id);
  }
  ImGui::EndTable();
}

void Visits(const Strings& s, const CustomerDetail& d) {
  if (!BeginPageList(s, "visits", d.visits.empty(),
                     {{s.col_date, 1.4f},
                      {s.col_purpose, 1.0f},
                      {s.col_outcome, 1.0f},
                      {s.col_notes, 3.0f},
                      {s.col_follow_up, 1.1f}})) {
    return;
  }
  for (const VisitRow& v : d.visits) {
    ImGui::TableNextRow();
    ui::Cell(ui::LocalTime(v.check_in));
    ui::Cell(CodeLabel(s.lang, v.purpose));
    ui::Cell(CodeLabel(s.lang, v.outcome));
    ui::CellWrapped(v.notes);
    ui::Cell(v.next_follow_up);
  }
  ImGui::EndTable();
}

// The date of order `id` on this page ("" when it is not among the recent ones).
std::string OrderDate(const CustomerDetail& d, const std::string& id) {
  for (const OrderRow& o : d.orders) {
    if (o.id == id) return o.date;
  }
  return "";
}

// The ledger: voids and voided orders stay listed, marked; an order that counts can be voided or
// corrected (issue #18).
void Orders(const Strings& s, const CustomerDetail& d, OrderForm& form, VoidOrderDialog& voider) {
  if (!BeginPageList(s, "orders", d.orders.empty(),
                     {{s.col_date, 1.0f},
                      {s.col_amount, 1.0f},
                      {s.col_lines, 0.5f},
                      {s.col_notes, 2.5f},
                      ui::Fixed("##actions", 150.0f)})) {
    return;
  }
  for (const OrderRow& o : d.orders) {
    ui::ListRow row(o.id);
    ui::Cell(o.date);
    ImGui::TableNextColumn();
    if (o.is_void) {
      ui::TextColored(ui::kOverdue, s.order_is_void);
      Anchor("order.is_void:", o.id);
    } else if (!o.counts()) {
      ui::TextMuted(ui::Money(o.amount_cents, o.currency));
      ImGui::SameLine();
      ui::TextColored(ui::kOverdue, o.corrected ? s.order_corrected : s.order_voided);
      Anchor("order.voided:", o.id);
    } else {
      ui::Text(ui::Money(o.amount_cents, o.currency));
    }
    ImGui::TableNextColumn();
    if (!o.is_void) ImGui::Text("%d", o.line_count);
    ImGui::TableNextColumn();
    if (o.is_void) {
      ui::TextWrapped(ui::Format(s.void_of_fmt, OrderDate(d, o.voids_id).c_str(), o.notes.c_str()));
    } else {
      ui::TextWrapped(o.notes);
      if (!o.voided_by.empty()) {
        ui::TextMuted(o.corrected
                          ? ui::Format(s.corrected_by_fmt, OrderDate(d, o.voided_by).c_str())
                          : ui::Format(s.voided_because_fmt, o.void_reason.c_str()));
      } else if (!o.voids_id.empty()) {
        ui::TextMuted(ui::Format(s.corrects_fmt, OrderDate(d, o.voids_id).c_str()));
      }
    }
    ImGui::TableNextColumn();
    if (o.counts()) {
      if (ImGui::SmallButton(s.order_void)) voider.Open(o);
      Anchor("order.void:", o.id);
      ImGui::SameLine();
      if (ImGui::SmallButton(s.order_correct)) form.OpenCorrection(d, o);
      Anchor("order.correct:", o.id);
    }
  }
  ImGui::EndTable();
}

void Tasks(const Strings& s, const CustomerDetail& d, ui::Outbox& outbox) {
  if (!BeginPageList(s, "tasks", d.tasks.empty(),
                     {{s.col_due, 1.0f},
                      {s.col_kind, 0.7f},
                      {s.col_task, 3.0f},
                      {s.col_status, 0.8f},
                      ui::Fixed("##done", 70.0f)})) {
    return;
  }
  for (const TaskRow& t : d.tasks) {
    ui::ListRow row(t.id);
    ui::CellColored(t.overdue ? ui::kOverdue : ImGui::GetStyleColorVec4(ImGuiCol_Text), t.due_date);
    ui::Cell(CodeLabel(s.lang, t.kind));
    ui::CellWrapped(t.title);
    if (!t.notes.empty()) ui::TextMuted(t.notes);
    ui::Cell(CodeLabel(s.lang, t.status));
    ImGui::TableNextColumn();
    if (t.status == "open") {
      if (ImGui::SmallButton(s.mark_done)) outbox.Set(CompleteTask{t.id});
      Anchor("task.done:", t.id);
    }
  }
  ImGui::EndTable();
}

void Feedback(const Strings& s, const CustomerDetail& d) {
  if (!BeginPageList(s, "feedback", d.feedback.empty(),
                     {{s.col_date, 1.0f}, {s.col_satisfaction, 0.8f}, {s.col_complaint, 3.0f}})) {
    return;
  }
  for (const FeedbackRow& f : d.feedback) {
    ImGui::TableNextRow();
    ui::Cell(ui::LocalTime(f.created_at));
    ui::Cell(f.satisfaction > 0 ? ui::Format("%d / 5", f.satisfaction) : std::string());
    ui::CellWrapped(f.complaint);
  }
  ImGui::EndTable();
}

// The customer's structured preferences (issue #18): kind, value and note, with Edit and Remove.
void Preferences(const Strings& s, const CustomerDetail& d, PreferenceForm& form) {
  if (ImGui::Button(s.pref_add)) form.Open(d);
  Anchor("customer.add_preference");
  if (!BeginPageList(s, "preferences", d.preferences.empty(),
                     {{s.pref_kind, 1.0f},
                      {s.pref_value, 1.5f},
                      {s.field_notes, 2.5f},
                      ui::Fixed("##actions", 130.0f)})) {
    return;
  }
  for (const PreferenceRow& p : d.preferences) {
    ui::ListRow row(p.id);
    ui::Cell(CodeLabel(s.lang, p.kind));
    ui::Cell(p.value);
    Anchor("preference:", p.id);
    ui::CellWrapped(p.note);
    ImGui::TableNextColumn();
    if (ImGui::SmallButton(s.pref_edit)) form.OpenEdit(d, p);
    Anchor("preference.edit:", p.id);
    ImGui::SameLine();
    if (ImGui::SmallButton(s.pref_remove)) form.OpenRemove(d, p);
    Anchor("preference.remove:", p.id);
  }
  ImGui::EndTable();
}

// A tab whose label carries a count; the ### part keeps its id stable as the count changes.
bool CountedTab(const char* title, size_t count, const char* id) {
  const std::string label = ui::Format("%s (%zu)###%s", title, count, id);
  const bool open = ImGui::BeginTabItem(label.c_str());
  Anchor(std::string("customer.tab.") + id);
  return open;
}

}  // namespace

void CustomerScreen::Draw(const Snapshot& snap, Intents& intents) {
  log_visit_requested = false;
  DrawPage(snap);
  outbox.Flush(intents);
  DrawForms(snap, intents);
}

std::string CustomerScreen::TypedText() const {
  return order_form.TypedText() + void_dialog.reason + customer_form.TypedText() +
         contact_form.TypedText() + task_form.TypedText() + feedback_form.TypedText() +
         release_dialog.TypedText() + preference_form.TypedText();
}

void CustomerScreen::DrawForms(const Snapshot& snap, Intents& intents) {
  order_form.Draw(snap, intents);
  void_dialog.Draw(snap, intents);
  customer_form.Draw(snap, intents);
  contact_form.Draw(snap, intents);
  task_form.Draw(snap, intents);
  feedback_form.Draw(snap, intents);
  release_dialog.Draw(snap, intents);
  preference_form.Draw(snap, intents);
}

void CustomerScreen::ActionBar(const CustomerDetail& d, const std::string& today) {
  // One row that wraps on a narrow window (ui::WrapRow) rather than running off its edge.
  struct Action {
    const char* label;
    const char* anchor;
    std::function<void()> open;
  };
  const Action actions[] = {
      {s.new_order, "customer.new_order", [&] { order_form.Open(d); }},
      {s.add_task, "customer.add_task", [&] { task_form.Open(d, today); }},
      {s.add_feedback, "customer.add_feedback", [&] { feedback_form.Open(d); }},
      {s.add_contact, "customer.add_contact", [&] { contact_form.Open(d); }},
      {s.edit_customer, "customer.edit", [&] { customer_form.OpenEdit(d); }},
      {s.release_to_pool, "customer.release", [&] { release_dialog.Open(d); }},
      {s.new_customer, "customer.new", [&] { customer_form.OpenNew(); }},
  };
  ui::WrapRow row;
  for (const Action& a : actions) {
    row.Next(ui::WrapRow::ButtonWidth(a.label));
    if (ImGui::Button(a.label)) a.open();
    Anchor(a.anchor);
  }
}

void CustomerScreen::NewCustomerButton() {
  if (ImGui::Button(s.new_customer)) customer_form.OpenNew();
  Anchor("customer.new");
}

void CustomerScreen::DrawPage(const Snapshot& snap) {
  if (snap.selected_id.empty()) {
    ui::TextMuted(s.no_selection);
    NewCustomerButton();
    return;
  }
  const CustomerDetail& d = *snap.customer;
  if (d.id.empty()) {
    ui::TextMuted(s.customer_gone);
    NewCustomerButton();
    return;
  }

  // Header: name, then what kind of customer this is; "Log visit" on the right.
  ImGui::SetWindowFontScale(1.3f);
  ui::Text(d.name.empty() ? d.name_latin : d.name);
  ImGui::SetWindowFontScale(1.0f);
  Anchor("customer.name");
  const float button_width =
      ImGui::CalcTextSize(s.log_visit).x + 2 * ImGui::GetStyle().FramePadding.x;
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - button_width);
  if (ImGui::Button(s.log_visit)) log_visit_requested = true;
  Anchor("customer.log_visit");

  std::string line = d.name_latin;
  for (std::string_view part : {std::string_view(d.city), CodeLabel(s.lang, d.type)}) {
    if (part.empty()) continue;
    if (!line.empty()) line += " \xC2\xB7 ";  // middle dot
    line += part;
  }
  if (!d.tier.empty()) {
    line += (line.empty() ? "" : " \xC2\xB7 ") + std::string(s.grade_tier) + " " + d.tier;
    if (d.grade_provisional) line += " (" + std::string(s.provisional) + ")";
  }
  ui::TextMuted(line);
  ActionBar(d, snap.today);
  ImGui::Spacing();

  if (ImGui::BeginTabBar("customer_tabs")) {
    const bool profile = ImGui::BeginTabItem(s.tab_profile);
    Anchor("customer.tab.profile");
    if (profile) {
      ImGui::BeginChild("profile_scroll");
      Profile(s, d);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (CountedTab(s.tab_contacts, d.contacts.size(), "contacts")) {
      Contacts(s, d, contact_form);
      ImGui::EndTabItem();
    }
    if (CountedTab(s.tab_visits, d.visits.size(), "visits")) {
      ImGui::BeginChild("visits_scroll");
      Visits(s, d);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (CountedTab(s.tab_orders, d.orders.size(), "orders")) {
      ImGui::BeginChild("orders_scroll");
      Orders(s, d, order_form, void_dialog);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (CountedTab(s.tab_tasks, d.tasks.size(), "tasks")) {
      Tasks(s, d, outbox);
      ImGui::EndTabItem();
    }
    if (CountedTab(s.tab_feedback, d.feedback.size(), "feedback")) {
      Feedback(s, d);
      ImGui::EndTabItem();
    }
    if (CountedTab(s.tab_preferences, d.preferences.size(), "preferences")) {
      Preferences(s, d, preference_form);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
}

}  // namespace fieldbook::app
