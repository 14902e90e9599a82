#include "customer_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"

namespace fieldbook::app {

namespace {

constexpr const char* kPopupId = "###customer_form";

struct FieldInfo {
  const char* column;
  const char* enumeration;  // a combo over these codes; nullptr: text
  const char* anchor;
};

constexpr FieldInfo kFields[CustomerForm::kFieldCount] = {
    {"name", nullptr, "customer_form.name"},
    {"name_latin", nullptr, "customer_form.name_latin"},
    {"customer_type", "type", "customer_form.type"},
    {"purchase_stage", "stage", "customer_form.stage"},
    {"relationship", "relationship", "customer_form.relationship"},
    {"region_class", "region", "customer_form.region"},
    {"phone", nullptr, "customer_form.phone"},
    {"primary_contact", nullptr, "customer_form.contact"},
    {"address", nullptr, "customer_form.address"},
    {"city", nullptr, "customer_form.city"},
    {"province", nullptr, "customer_form.province"},
    {"tags", nullptr, "customer_form.tags"},
    {"notes", nullptr, "customer_form.notes"},
};

const char* Label(const Strings& s, CustomerForm::Field f) {
  const char* labels[CustomerForm::kFieldCount] = {
      s.field_name,     s.field_name_latin, s.field_type,    s.field_stage,   s.field_relationship,
      s.field_region,   s.field_phone,      s.field_contact, s.field_address, s.col_city,
      s.field_province, s.field_tags,       s.field_notes};
  return labels[f];
}

}  // namespace

const char* CustomerForm::Column(Field f) { return kFields[f].column; }

void CustomerForm::OpenNew() {
  if (!id.empty()) values = {};  // after an edit: start afresh; else keep what was typed
  id.clear();
  original = {};
  error.clear();
  open_requested = true;
}

void CustomerForm::OpenEdit(const CustomerDetail& d) {
  id = d.id;
  original = {d.name,  d.name_latin,      d.type,    d.stage, d.relationship, d.region,
              d.phone, d.primary_contact, d.address, d.city,  d.province,     d.tags,
              d.notes};
  values = original;
  error.clear();
  open_requested = true;
}

std::string CustomerForm::TypedText() const {
  std::string out;
  for (const std::string& v : values) out += v;
  return out;
}

void CustomerForm::Close() {
  pending.Forget();
  ImGui::CloseCurrentPopup();
  visible = false;
}

void CustomerForm::DrawDuplicates(const Snapshot& snap) {
  // Ask again whenever what identifies a garage changes (the latest question wins in the queue).
  DuplicateCheck keys{values[kName], values[kCity], values[kPhone], id, {}};
  if (!(keys == asked)) {
    outbox.Set(CheckDuplicates{keys});
    asked = keys;
  }
  const DuplicateCheck& answer = *snap.duplicates;
  if (!(answer == asked) || answer.rows.empty()) return;
  ImGui::Separator();
  ui::TextColored(ui::kDue, s.dup_title);
  Anchor("customer_form.duplicates");
  for (const DuplicateRow& r : answer.rows) {
    ImGui::PushID(r.id.c_str());
    if (ImGui::SmallButton(s.open)) {
      // Show that customer instead of adding a second one.
      outbox.Set(SelectCustomer{r.id});
      values = {};
      Close();
    }
    Anchor("dup.open:", r.id);
    ImGui::SameLine();
    std::string why = r.same_phone ? std::string(s.dup_same_phone) : std::string();
    if (r.similar_name) {
      why += (why.empty() ? "" : ", ") + ui::Format(s.dup_similar_fmt, r.city.c_str());
    }
    ui::Text(r.name + "  " + r.city + "  " + r.phone + "  (" + why + ")");
    ImGui::PopID();
  }
}

void CustomerForm::Draw(const Snapshot& snap, Intents& intents) {
  const std::string title = id.empty() ? std::string(s.new_customer)
                                       : ui::Format(s.edit_customer_fmt, original[kName].c_str());
  visible = ui::BeginFormModal(kPopupId, title, 680.0f, open_requested);
  if (!visible) {
    outbox.Flush(intents);  // a candidate opened as the form closed
    return;
  }
  if (std::optional<FormResult> r = pending.Arrived(snap)) {
    if (r->ok) {
      ++saved;
      values = {};
      Close();
      ImGui::EndPopup();
      return;
    }
    error = ui::ErrorText(s, r->error);
  }

  for (int i = 0; i < kFieldCount; ++i) {
    const Field f = static_cast<Field>(i);
    ImGui::PushID(i);
    ui::FieldLabel(Label(s, f), 170.0f);
    if (kFields[i].enumeration != nullptr) {
      ui::CodeCombo("##v", s.lang, CodesOf(kFields[i].enumeration), values[i], s.filter_any);
    } else if (f == kNotes) {
      ImGui::InputTextMultiline("##v", &values[i],
                                ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 3));
    } else {
      ImGui::InputText("##v", &values[i]);
    }
    Anchor(kFields[i].anchor);
    ImGui::PopID();
  }
  if (id.empty()) DrawDuplicates(snap);

  const bool warned = id.empty() && *snap.duplicates == asked && !snap.duplicates->rows.empty();
  const ui::FormButton pressed = ui::SaveCancel(
      s, error, pending.waiting(), warned ? s.save_anyway : s.save_customer, "customer_form");
  if (pressed == ui::FormButton::kCancel) Close();
  if (pressed == ui::FormButton::kSave) {
    CustomerDraft draft;
    draft.id = id;
    for (int i = 0; i < kFieldCount; ++i) {
      if (!id.empty() && values[i] == original[i]) continue;  // an edit writes what changed
      draft.fields.emplace_back(kFields[i].column, values[i]);
    }
    if (values[kName].find_first_not_of(" \t") == std::string::npos) {
      error = s.customer_need_name;
    } else if (!id.empty() && draft.fields.empty()) {
      Close();  // nothing changed
    } else if (pending.Post(intents, SubmitCustomer{0, std::move(draft)})) {
      error.clear();
    } else {
      error = s.busy;
    }
  }
  outbox.Flush(intents);
  ImGui::EndPopup();
}

}  // namespace fieldbook::app
