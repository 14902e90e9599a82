// fieldbook-cli customer add/edit/show/list/search and contact add (cli_commands.h).
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

int RunCustomerAdd(const CliContext& ctx, const std::vector<FieldValue>& fields) {
  const char* what = "customer add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  std::string name;
  for (const FieldValue& f : fields) {
    if (f.field == "name" && f.value) name = *f.value;
  }
  return AnswerAdded(ctx, what, store->customers().Add(fields), "added customer", " " + name);
}

int RunCustomerEdit(const CliContext& ctx, const std::string& customer,
                    const std::vector<FieldValue>& edits) {
  const char* what = "customer edit";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  Status s = store->customers().Edit(customer, edits);
  if (!s.ok()) return Fail(ctx, what, s);
  auto id = store->customers().Resolve(customer);
  std::string list;
  json::array fields;
  for (const FieldValue& f : edits) {
    list += (list.empty() ? "" : ", ") + f.field;
    fields.push_back(json::value(f.field));
  }
  const std::string& shown = id.ok() ? *id : customer;
  return Answer(ctx, json::object{{"id", shown}, {"fields", std::move(fields)}},
                "updated customer " + shown + ": " + list);
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
  std::cout << c.name << (c.name_latin.empty() ? "" : " (" + c.name_latin + ")") << "\n";
  std::cout << "  id " << c.id << "\n";
  auto line = [](const std::vector<std::pair<const char*, std::string>>& parts) {
    std::string out;
    for (const auto& [label, value] : parts) {
      if (value.empty()) continue;
      out += (out.empty() ? "" : " · ") + std::string(label) + value;
    }
    if (!out.empty()) std::cout << "  " << out << "\n";
  };
  line({{"type ", c.customer_type},
        {"stage ", c.purchase_stage},
        {"relationship ", c.relationship},
        {"region ", c.region_class}});
  PrintGrade(p->grade, LangOf(ctx));
  std::string location;
  if (c.lat && c.lon) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.5f,%.5f", *c.lat, *c.lon);
    location = buf;
  }
  line({{"", c.city}, {"", c.address}, {"at ", location}});
  line({{"phone ", c.phone}, {"contact ", c.primary_contact}, {"birthday ", c.birthday}});
  line({{"owner ", c.owner_rep_id}, {"added ", c.created_at}, {"tags ", c.tags}});
  if (!c.notes.empty()) std::cout << "  notes: " << c.notes << "\n";
  if (!p->contacts.empty()) {
    std::cout << "Contacts:\n";
    for (const Contact& k : p->contacts) {
      std::cout << "  " << k.name << (k.title.empty() ? "" : " (" + k.title + ")")
                << (k.phone.empty() ? "" : "  " + k.phone)
                << (k.wechat.empty() ? "" : "  wechat " + k.wechat)
                << (k.is_primary ? "  [primary]" : "") << "\n";
    }
  }
  std::cout << "Visits (" << p->recent_visits.size() << " latest of " << p->visit_count << "):\n";
  for (const Visit& v : p->recent_visits) {
    std::cout << "  " << v.check_in;
    if (!v.purpose.empty()) std::cout << "  " << v.purpose;
    if (!v.outcome.empty()) std::cout << " → " << v.outcome;
    if (!v.notes.empty()) std::cout << "  \"" << v.notes << "\"";
    if (!v.next_follow_up.empty()) std::cout << "  next follow-up " << v.next_follow_up;
    std::cout << "\n";
  }
  std::cout << "Orders (" << ledger->orders.size() << " latest of " << p->order_count << "):\n";
  for (const OrderEntry& e : ledger->orders) std::cout << "  " << OrderEntryLine(e) << "\n";
  if (!p->open_tasks.empty()) {
    std::cout << "Open tasks:\n";
    for (const Task& t : p->open_tasks) {
      std::cout << "  " << Or(t.due_date, "(no date)") << "  " << t.kind << "  \"" << t.title
                << "\"  " << t.id << "\n";
    }
  }
  if (!p->feedback.empty()) {
    std::cout << "Feedback:\n";
    for (const Feedback& f : p->feedback) {
      std::cout << "  " << f.created_at.substr(0, 10);
      if (f.satisfaction) std::cout << "  satisfaction " << *f.satisfaction << "/5";
      if (!f.complaint.empty()) std::cout << "  complaint: " << f.complaint;
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
  for (const Customer& c : *list) std::cout << CustomerLine(c) << "\n";
  std::cout << Plural(static_cast<int64_t>(list->size()), "customer", "customers") << "\n";
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
    std::cerr << "indexing " << *pending << " records for search (once, after an upgrade)...\n";
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
  for (const SearchHit& h : *hits) {
    std::cout << CustomerLine(h.customer)
              << (h.matched == "customer" ? "" : "  (matched in " + h.matched + "s)") << "\n";
  }
  if (hits->empty()) std::cout << "no customer matches '" << query << "'\n";
  return kExitOk;
}

int RunContactAdd(const CliContext& ctx, const std::string& customer, const Contact& contact) {
  const char* what = "contact add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  return AnswerAdded(ctx, what, store->customers().AddContact(customer, contact), "added contact",
                     " " + contact.name);
}

}  // namespace fieldbook::client::cli
