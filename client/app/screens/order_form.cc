#include "order_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "store/money.h"

namespace fieldbook::app {

namespace {

constexpr const char* kPopupId = "###order_form";
constexpr const char* kOutlierId = "###order_outlier";
constexpr const char* kVoidId = "###void_order";

// The unit price a line will be saved with: the typed price, else the list's (nullopt: neither,
// or the typed text is not an amount).
std::optional<int64_t> UnitCents(const OrderForm::Line& l) {
  if (l.price.empty()) return l.list_cents;
  return client::ParseYuan(l.price);
}

// The rep gave another price than the list's (or one the list cannot confirm): a reason is asked.
bool AsksReason(const OrderForm::Line& l) {
  if (l.free_text || l.price.empty()) return false;
  const std::optional<int64_t> typed = client::ParseYuan(l.price);
  return typed && typed != l.list_cents;
}

std::string CustomerName(const CustomerDetail& d) { return d.name.empty() ? d.name_latin : d.name; }

}  // namespace

void OrderForm::Open(const CustomerDetail& customer) {
  if (customer.id != f.customer_id || !f.corrects.empty()) {
    f = Fields{};  // another customer (or after a correction): start afresh
    f.customer_id = customer.id;
  }
  f.customer_name = CustomerName(customer);
  error.clear();
  open_requested = true;
}

void OrderForm::OpenCorrection(const CustomerDetail& customer, const OrderRow& order) {
  f = Fields{};
  f.customer_id = customer.id;
  f.customer_name = CustomerName(customer);
  f.corrects = order.id;
  f.corrects_date = order.date;
  f.notes = order.notes;
  for (const OrderLineRow& l : order.lines) {
    Line line;
    line.part_no = l.part_no;
    line.name = l.description;
    line.quantity = static_cast<int>(l.quantity);
    line.price = client::FormatYuan(l.unit_price_cents);
    f.lines.push_back(std::move(line));
  }
  error.clear();
  open_requested = true;
}

std::string OrderForm::TypedText() const {
  std::string out = f.notes + f.search + f.reason;
  for (const Line& l : f.lines) out += l.reason;
  return out;
}

void OrderForm::AddLine(Line line) {
  f.lines_changed = true;
  for (Line& l : f.lines) {
    if (l.part_no == line.part_no && l.free_text == line.free_text) {
      ++l.quantity;  // the same part again: one more
      return;
    }
  }
  f.lines.push_back(std::move(line));
}

void OrderForm::DrawSearch(const Snapshot& snap) {
  ImGui::SetNextItemWidth(-FLT_MIN);
  ImGui::InputTextWithHint("##search", s.order_search_hint, &f.search);
  Anchor("order.search");
  if (f.search != searched) {  // search as you type: the latest text wins in the queue
    search_outbox.Set(SearchProducts{f.customer_id, f.search});
    searched = f.search;
  }
  const ProductSearch& found = *snap.products;
  const bool current = found.text == f.search && found.customer_id == f.customer_id;
  if (f.search.empty() || !current) return;
  if (!found.catalogue) {
    ui::TextMuted(s.order_no_catalogue);
  } else if (found.hits.empty()) {
    ui::TextMuted(s.order_no_hits);
  }
  if (!found.hits.empty() &&
      ImGui::BeginTable(
          "hits", 5,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY,
          ImVec2(0, ImGui::GetFrameHeightWithSpacing() * 7))) {
    ImGui::TableSetupColumn(s.col_part, ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn(s.col_name, ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn(s.col_brand, ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn(s.col_price, ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("##add", ImGuiTableColumnFlags_WidthFixed, 70.0f);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    for (const ProductHit& h : found.hits) {
      ui::ListRow row(h.part_number);
      ui::Cell(h.part_number);
      ui::Cell(h.name);
      ui::Cell(h.brand);
      ImGui::TableNextColumn();
      if (h.price_cents) {
        ui::Text(ui::Money(*h.price_cents, "CNY") + (h.unit.empty() ? "" : " / " + h.unit));
      }
      ImGui::TableNextColumn();
      if (ImGui::SmallButton(s.order_add)) {
        Line line;
        line.part_no = h.part_number;
        line.name = h.name;
        line.unit = h.unit;
        line.list_cents = h.price_cents;
        if (h.price_cents) line.price = client::FormatYuan(*h.price_cents);
        AddLine(std::move(line));
      }
      Anchor("order.hit:", h.part_number);
    }
    ImGui::EndTable();
  }
  // A part the catalogue does not have (or no catalogue at all): a free-text line with its price.
  if (found.hits.empty()) {
    if (ImGui::Button(ui::Format(s.order_free_text_fmt, f.search.c_str()).c_str())) {
      Line line;
      line.part_no = f.search;
      line.free_text = true;
      AddLine(std::move(line));
      f.search.clear();
    }
    Anchor("order.free_text");
  }
}

void OrderForm::DrawLines() {
  if (f.lines.empty()) return ui::TextMuted(s.order_no_lines);
  if (!ui::BeginList("lines", {{s.col_part, 2.2f},
                               ui::Fixed(s.col_qty, 100.0f),
                               ui::Fixed(s.col_unit_price, 110.0f),
                               {s.col_price_reason, 1.6f},
                               {s.col_line_total, 1.0f},
                               ui::Fixed("##remove", 70.0f)})) {
    return;
  }
  int remove = -1;
  for (size_t i = 0; i < f.lines.size(); ++i) {
    Line& l = f.lines[i];
    const std::string n = std::to_string(i);
    ui::ListRow row(static_cast<int>(i));
    ui::Cell(l.part_no);
    if (!l.name.empty()) ui::TextMuted(l.name);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::InputInt("##qty", &l.quantity, 0, 0)) f.lines_changed = true;
    Anchor("order.qty:", n);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::InputText("##price", &l.price,
                         ImGuiInputTextFlags_CharsDecimal | ImGuiInputTextFlags_AutoSelectAll)) {
      f.lines_changed = true;
    }
    Anchor("order.price:", n);
    ImGui::TableNextColumn();
    if (AsksReason(l)) {
      if (l.list_cents) ui::TextMuted(ui::Money(*l.list_cents, "CNY"));
      ImGui::SetNextItemWidth(-FLT_MIN);
      if (ImGui::InputTextWithHint("##reason", s.order_reason_hint, &l.reason)) {
        f.lines_changed = true;
      }
      Anchor("order.reason:", n);
    }
    ImGui::TableNextColumn();
    if (const std::optional<int64_t> unit = UnitCents(l)) {
      ui::Text(ui::Money(*unit * l.quantity, "CNY"));
    }
    ImGui::TableNextColumn();
    if (ImGui::SmallButton(s.order_remove)) remove = static_cast<int>(i);
    Anchor("order.remove:", n);
  }
  ImGui::EndTable();
  if (remove >= 0) {
    f.lines.erase(f.lines.begin() + remove);
    f.lines_changed = true;
  }
}

std::optional<OrderDraft> OrderForm::Draft(bool confirm_outlier) {
  OrderDraft d;
  d.customer_id = f.customer_id;
  d.corrects = f.corrects;
  d.reason = f.reason;
  d.notes = f.notes;
  d.confirm_outlier = confirm_outlier;
  if (f.lines.empty() && (f.corrects.empty() || f.lines_changed)) {
    error = s.order_need_lines;
    return std::nullopt;
  }
  if (!f.corrects.empty() && f.reason.find_first_not_of(" \t") == std::string::npos) {
    error = s.order_need_reason;
    return std::nullopt;
  }
  for (size_t i = 0; i < f.lines.size(); ++i) {
    const Line& l = f.lines[i];
    const int n = static_cast<int>(i + 1);
    if (l.quantity < 1) {
      error = ui::Format(s.order_bad_qty_fmt, n);
      return std::nullopt;
    }
    OrderLineDraft line;
    line.part_no = l.part_no;
    line.quantity = l.quantity;
    line.free_text = l.free_text;
    if (!l.price.empty()) {
      const std::optional<int64_t> typed = client::ParseYuan(l.price);
      if (!typed) {
        error = ui::Format(s.order_bad_price_fmt, n);
        return std::nullopt;
      }
      if (typed != l.list_cents) line.unit_price_cents = typed;  // the list's needs no reason
    } else if (!l.list_cents) {
      // Not in the catalogue, or no price for it there: the rep gives one (the store would ask
      // in the CLI's words).
      error = ui::Format(s.order_need_price_fmt, n);
      return std::nullopt;
    }
    if (line.unit_price_cents && l.list_cents &&
        l.reason.find_first_not_of(" \t") == std::string::npos) {
      error = ui::Format(s.order_need_price_reason_fmt, n);
      return std::nullopt;
    }
    line.price_reason = l.reason;
    d.lines.push_back(std::move(line));
  }
  // A correction whose lines the rep left alone keeps the original's, as they were priced.
  if (!f.corrects.empty() && !f.lines_changed) d.lines.clear();
  return d;
}

void OrderForm::Submit(Intents& intents, bool confirm_outlier) {
  std::optional<OrderDraft> draft = Draft(confirm_outlier);
  if (!draft) return;
  if (pending.Post(intents, SubmitOrder{0, std::move(*draft)})) {
    error.clear();
  } else {
    error = s.busy;
  }
}

void OrderForm::Close() {
  ImGui::CloseCurrentPopup();
  visible = false;
}

void OrderForm::DrawOutlierDialog(Intents& intents) {
  if (!ui::BeginFormModal(kOutlierId, s.outlier_title, 520.0f, confirm_requested)) return;
  ui::TextWrapped(s.outlier_question);
  ui::TextColored(ui::kDue, outlier);
  Anchor("order.outlier");
  ImGui::Separator();
  if (ImGui::Button(s.outlier_save)) {
    Submit(intents, /*confirm_outlier=*/true);
    ImGui::CloseCurrentPopup();
  }
  Anchor("order.confirm");
  ImGui::SameLine();
  if (ImGui::Button(s.outlier_back)) ImGui::CloseCurrentPopup();
  Anchor("order.back");
  ImGui::EndPopup();
}

void OrderForm::Draw(const Snapshot& snap, Intents& intents) {
  const std::string title =
      f.corrects.empty()
          ? ui::Format(s.order_title_fmt, f.customer_name.c_str())
          : ui::Format(s.correct_title_fmt, f.corrects_date.c_str(), f.customer_name.c_str());
  visible = ui::BeginFormModal(kPopupId, title, 860.0f, open_requested);
  if (!visible) return;

  // The outcome of our save arrived: close, ask for the confirmation, or say why not.
  if (std::optional<FormResult> r = pending.Arrived(snap)) {
    if (r->ok) {
      ++saved;
      f = Fields{};
      searched.clear();
      error.clear();
      Close();
      ImGui::EndPopup();
      return;
    }
    if (r->needs_confirmation) {
      outlier = ui::ErrorText(s, r->error);
      confirm_requested = true;
    } else {
      error = ui::ErrorText(s, r->error);
    }
  }

  DrawSearch(snap);
  search_outbox.Flush(intents);
  ImGui::Spacing();
  DrawLines();

  int64_t total = 0;
  for (const Line& l : f.lines) total += UnitCents(l).value_or(0) * l.quantity;
  ImGui::SetWindowFontScale(1.2f);
  ui::Text(ui::Format(s.order_total_fmt, ui::Money(total, "CNY").c_str()));
  ImGui::SetWindowFontScale(1.0f);
  Anchor("order.total");

  if (!f.corrects.empty()) {
    ui::FieldLabel(s.correct_reason, 150.0f);
    ImGui::InputText("##correct_reason", &f.reason);
    Anchor("order.correct_reason");
  }
  ui::FieldLabel(s.field_notes, 150.0f);
  ImGui::InputText("##notes", &f.notes);
  Anchor("order.notes");

  switch (ui::SaveCancel(s, error, pending.waiting(), s.save_order, "order")) {
    case ui::FormButton::kSave:
      Submit(intents, false);
      break;
    case ui::FormButton::kCancel:
      pending.Forget();  // a save under way still happens; the form no longer waits for it
      Close();
      break;
    case ui::FormButton::kNone:
      break;
  }

  DrawOutlierDialog(intents);
  ImGui::EndPopup();
}

void VoidOrderDialog::Open(const OrderRow& order) {
  if (order.id != order_id) reason.clear();
  order_id = order.id;
  label = order.date + " " + ui::Money(order.amount_cents, order.currency);
  error.clear();
  open_requested = true;
}

void VoidOrderDialog::Draw(const Snapshot& snap, Intents& intents) {
  visible = ui::BeginFormModal(kVoidId, ui::Format(s.void_title_fmt, label.c_str()), 560.0f,
                               open_requested);
  if (!visible) return;
  if (std::optional<FormResult> r = pending.Arrived(snap)) {
    if (r->ok) {
      ++voided;
      reason.clear();
      ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
      visible = false;
      return;
    }
    error = ui::ErrorText(s, r->error);
  }
  ui::TextWrapped(s.void_note);
  ui::FieldLabel(s.void_reason, 150.0f);
  ImGui::InputText("##void_reason", &reason);
  Anchor("void.reason");
  switch (ui::SaveCancel(s, error, pending.waiting(), s.void_submit, "void")) {
    case ui::FormButton::kSave:
      if (reason.find_first_not_of(" \t") == std::string::npos) {
        error = s.void_need_reason;
      } else if (pending.Post(intents, VoidOrder{0, order_id, reason})) {
        error.clear();
      } else {
        error = s.busy;
      }
      break;
    case ui::FormButton::kCancel:
      pending.Forget();
      ImGui::CloseCurrentPopup();
      visible = false;
      break;
    case ui::FormButton::kNone:
      break;
  }
  ImGui::EndPopup();
}

}  // namespace fieldbook::app
