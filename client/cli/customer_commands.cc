// fieldbook-cli customer add/edit/show/list/search and contact add (cli_commands.h).
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "fieldbook/dates.h"
#include "store/review.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

int RunCustomerAdd(const CliContext& ctx, const std::vector<FieldValue>& fields) {
  const char* what = "customer add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  std::string name;
  for (const FieldValue& f : fields) {
    if (f.field == "name" && f.value) name = *f.value;
  }
  return AnswerAdded(ctx, what, store->customers().Add(fields),
                     Render(LangOf(ctx), "cli_added_customer"), " " + name);
}

int RunCustomerEdit(const CliContext& ctx, const std::string& customer,
                    const std::vector<FieldValue>& edits) {
  const char* what = "customer edit";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  Status s = store->customers().Edit(customer, edits);
  if (!s.ok()) return Fail(ctx, what, s);
  auto id = store->customers().Resolve(customer);
  std::vector<std::string> labels;
  json::array fields;
  for (const FieldValue& f : edits) {
    labels.push_back(LangOf(ctx) == Lang::kEnglish ? f.field
                                                   : ReviewFieldLabel(LangOf(ctx), f.field));
    fields.push_back(json::value(f.field));
  }
  const std::string& shown = id.ok() ? *id : customer;
  return Answer(ctx, json::object{{"id", shown}, {"fields", std::move(fields)}},
                Render(LangOf(ctx), "cli_updated_customer",
                       {shown, JoinTexts(LangOf(ctx), labels, /*clauses=*/false)}));
}

int RunCustomerShow(const CliContext& ctx, const std::string& customer) {
  const char* what = "customer show";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto p = store->customers().Show(customer);
  if (!p.ok()) return Fail(ctx, what, p.status());
  // The latest orders as the ledger shows them: voids and voided or corrected orders marked.
  auto ledger = store->orders().ForCustomer(p->customer.id);
  if (!ledger.ok()) return Fail(ctx, what, ledger.status());
  ledger->orders.resize(std::min(ledger->orders.size(), p->recent_orders.size()));
  if (ctx.json) {
    PrintJson(json::object{{"customer", ToJson(p->customer)},
                           {"contacts", JsonList(p->contacts)},
                           {"recent_visits", JsonList(p->recent_visits)},
                           {"visit_count", p->visit_count},
                           {"recent_orders", JsonList(ledger->orders, OrderEntryJson)},
                           {"order_count", p->order_count},
                           {"open_tasks", JsonList(p->open_tasks)},
                           {"feedback", JsonList(p->feedback)},
                           {"grade", ToJson(p->grade.shown())},
                           {"server_grade", ToJson(p->grade.server)}});
    return kExitOk;
  }
  const Customer& c = p->customer;
  const Lang lang = LangOf(ctx);
  std::cout << c.name << (c.name_latin.empty() ? "" : " (" + c.name_latin + ")") << "\n";
  std::cout << "  " << Render(lang, "cli_show_id", {c.id}) << "\n";
  // Parts with a value, as "type garage · stage deciding" (each a message with its value).
  auto line = [lang](const std::vector<std::pair<const char*, std::string>>& parts) {
    std::vector<std::string> shown;
    for (const auto& [code, value] : parts) {
      if (!value.empty()) shown.push_back(*code == '\0' ? value : Render(lang, code, {value}));
    }
    std::string out;
    for (const std::string& s : shown) out += (out.empty() ? "" : " · ") + s;
    if (!out.empty()) std::cout << "  " << out << "\n";
  };
  line({{"cli_show_type", EnumText(lang, "type", c.customer_type)},
        {"cli_show_stage", EnumText(lang, "stage", c.purchase_stage)},
        {"cli_show_relationship", EnumText(lang, "relationship", c.relationship)},
        {"cli_show_region", EnumText(lang, "region", c.region_class)}});
  PrintGrade(p->grade, lang);
  std::string location;
  if (c.lat && c.lon) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.5f,%.5f", *c.lat, *c.lon);
    location = buf;
  }
  line({{"", c.city}, {"", c.address}, {"cli_show_at", location}});
  line({{"cli_show_phone", c.phone},
        {"cli_show_contact", c.primary_contact},
        {"cli_show_birthday", c.birthday}});
  line({{"cli_show_owner", c.owner_rep_id},
        {"cli_show_added", c.created_at},
        {"cli_show_tags", c.tags}});
  if (!c.notes.empty()) std::cout << "  " << Render(lang, "cli_show_notes", {c.notes}) << "\n";
  if (!p->contacts.empty()) {
    std::cout << Render(lang, "cli_show_contacts") << "\n";
    for (const Contact& k : p->contacts) {
      std::cout << "  " << k.name << (k.title.empty() ? "" : " (" + k.title + ")")
                << (k.phone.empty() ? "" : "  " + k.phone)
                << (k.wechat.empty() ? "" : "  " + Render(lang, "cli_show_wechat", {k.wechat}))
                << (k.is_primary ? "  " + Render(lang, "cli_show_primary") : "") << "\n";
    }
  }
  std::cout << Render(lang, "cli_show_visits",
                      {std::to_string(p->recent_visits.size()), std::to_string(p->visit_count)})
            << "\n";
  for (const Visit& v : p->recent_visits) {
    std::cout << "  " << WhenText(lang, v.check_in);
    if (!v.purpose.empty()) std::cout << "  " << EnumText(lang, "purpose", v.purpose);
    if (!v.outcome.empty()) std::cout << " → " << EnumText(lang, "outcome", v.outcome);
    if (!v.notes.empty()) std::cout << "  \"" << v.notes << "\"";
    if (!v.next_follow_up.empty()) {
      std::cout << "  " << Render(lang, "cli_show_next_follow_up", {v.next_follow_up});
    }
    std::cout << "\n";
  }
  std::cout << Render(lang, "cli_show_orders",
                      {std::to_string(ledger->orders.size()), std::to_string(p->order_count)})
            << "\n";
  for (const OrderEntry& e : ledger->orders) std::cout << "  " << OrderEntryLine(e, lang) << "\n";
  if (!p->open_tasks.empty()) {
    std::cout << Render(lang, "cli_show_open_tasks") << "\n";
    for (const Task& t : p->open_tasks) {
      std::cout << "  "
                << (t.due_date.empty() ? Render(lang, "cli_no_date") : WhenText(lang, t.due_date))
                << "  " << EnumText(lang, "task_kind", t.kind) << "  \"" << t.title << "\"  "
                << t.id << "\n";
    }
  }
  if (!p->feedback.empty()) {
    std::cout << Render(lang, "cli_show_feedback") << "\n";
    for (const Feedback& f : p->feedback) {
      std::cout << "  "
                << (lang == Lang::kEnglish ? f.created_at.substr(0, 10)
                                           : WhenText(lang, LocalDateOfIso(f.created_at)));
      if (f.satisfaction) {
        std::cout << "  "
                  << Render(lang, "cli_show_satisfaction", {std::to_string(*f.satisfaction)});
      }
      if (!f.complaint.empty()) {
        std::cout << "  " << Render(lang, "cli_show_complaint", {f.complaint});
      }
      std::cout << "\n";
    }
  }
  return kExitOk;
}

int RunCustomerList(const CliContext& ctx, CustomerFilter filter) {
  const char* what = "customer list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  if (filter.today.empty()) filter.today = store->Today();
  auto list = store->customers().List(filter);
  if (!list.ok()) return Fail(ctx, what, list.status());
  if (ctx.json) {
    PrintJsonList(*list);
    return kExitOk;
  }
  const Lang lang = LangOf(ctx);
  for (const Customer& c : *list) std::cout << CustomerLine(c, lang) << "\n";
  std::cout << Count(lang, "cli_customers", static_cast<int64_t>(list->size())) << "\n";
  return kExitOk;
}

int RunCustomerSearch(const CliContext& ctx, const std::string& query, size_t limit) {
  const char* what = "customer search";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  // After an upgrade the whole replica waits to be indexed again: the CLI does it at once (a
  // search alone indexes one bounded batch), saying so, since it may take a while.
  auto pending = store->search().Pending();
  if (!pending.ok()) return Fail(ctx, what, pending.status());
  if (*pending > static_cast<int64_t>(client::kSearchIndexBudget)) {
    std::cerr << Render(LangOf(ctx), "cli_search_indexing", {std::to_string(*pending)}) << "\n";
    if (Status s = store->search().Update(); !s.ok()) return Fail(ctx, what, s);
  }
  auto hits = store->search().Search(query, limit);
  if (!hits.ok()) return Fail(ctx, what, hits.status());
  if (ctx.json) {
    PrintJsonList(*hits, [](const SearchHit& h) {
      json::object o = ToJson(h.customer);
      o["matched"] = h.matched;
      return o;
    });
    return kExitOk;
  }
  const Lang lang = LangOf(ctx);
  for (const SearchHit& h : *hits) {
    std::cout << CustomerLine(h.customer, lang)
              << (h.matched == "customer" ? "" : Render(lang, "cli_search_matched_" + h.matched))
              << "\n";
  }
  if (hits->empty()) std::cout << Render(lang, "cli_search_none", {query}) << "\n";
  return kExitOk;
}

int RunContactAdd(const CliContext& ctx, const std::string& customer, const Contact& contact) {
  const char* what = "contact add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  return AnswerAdded(ctx, what, store->customers().AddContact(customer, contact),
                     Render(LangOf(ctx), "cli_added_contact"), " " + contact.name);
}

}  // namespace fieldbook::client::cli
