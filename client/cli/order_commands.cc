// fieldbook-cli order add|list|void|correct (cli_commands.h): orders, recorded once; a void or a
// correction is a new order that voids the original (store/orders.h).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "lang/help_texts.h"
#include "lang/store_errors.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

namespace {

// An order's total as the rep reads it: "200.00 CNY" in English; in Chinese a yuan total as the
// grade's and the app's amounts read ("1,234.50 元"), another currency by its code.
std::string TotalText(Lang lang, int64_t cents, const std::string& currency) {
  if (lang == Lang::kChinese && currency == "CNY") return FormatMoney(lang, cents);
  return FormatYuan(cents) + " " + currency;
}

// What the order subcommands parse into (alive as long as main's CLI11 app).
struct OrderOptions {
  NewOrder order;
  OrderLineOptions lines;
  std::string order_ref;
  std::string customer;
  std::string reason;
  OrderCorrection correction;
  std::string notes;
};

Result<std::vector<LineRequest>> ParseLines(const OrderLineOptions& o) {
  std::vector<LineRequest> out;
  for (const std::string& spec : o.lines) {
    FB_ASSIGN_OR_RETURN(LineRequest line, ParseOrderLine(spec));
    line.free_text = o.free_text;
    line.price_reason = o.price_reason;
    out.push_back(std::move(line));
  }
  return out;
}

std::string LinesText(const Order& o) {
  std::string out;
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLine& l = o.lines[i];
    out += (i ? ", " : "") + l.part_no + " x" + std::to_string(l.quantity) + " @ " +
           FormatYuan(l.unit_price_cents);
  }
  return out;
}

// "voided by X: reason", "corrected by X", "void of X: reason", "corrects X", or "".
std::string VoidState(const OrderEntry& e, Lang lang) {
  if (e.is_void) return Render(lang, "cli_order_void_of", {e.order.voids_id, e.order.notes});
  if (!e.voided_by.empty()) {
    return e.corrected ? Render(lang, "cli_order_corrected_by", {e.voided_by})
                       : Render(lang, "cli_order_voided_by", {e.voided_by, e.void_reason});
  }
  if (!e.order.voids_id.empty()) return Render(lang, "cli_order_corrects", {e.order.voids_id});
  return "";
}

// An outlier's refusal (kRejected) says how to confirm it.
int FailOrder(const CliContext& ctx, const std::string& what, const Status& s) {
  if (s.code() != StatusCode::kRejected) return Fail(ctx, what, s);
  return Fail(ctx, what, s, "cli_outlier_hint");
}

}  // namespace

std::string OrderEntryLine(const OrderEntry& e, Lang lang) {
  std::string out = WhenText(lang, e.order.order_date) + "  ";
  if (e.is_void) {
    out += Render(lang, "cli_order_void");
  } else {
    out += TotalText(lang, e.order.amount_cents, e.order.currency);
    if (!e.counts()) out += "  " + Render(lang, "cli_order_voided_mark");
    out += "  " + LinesText(e.order);
  }
  const std::string state = VoidState(e, lang);
  if (!state.empty()) out += lang == Lang::kChinese ? "  （" + state + "）" : "  (" + state + ")";
  return out;
}

json::object OrderEntryJson(const OrderEntry& e) {
  json::object o = ToJson(e.order);
  o["is_void"] = e.is_void;
  o["voided_by"] = TextOrNull(e.voided_by);
  o["corrected"] = e.corrected;
  o["void_reason"] = TextOrNull(e.void_reason);
  o["counts"] = e.counts();
  if (e.is_void) o["amount_cents"] = nullptr;
  return o;
}

Result<LineRequest> ParseOrderLine(const std::string& spec) {
  auto bad = [&spec](const char* error) { return Invalid(error, {{"spec", spec}}); };
  const size_t last = spec.rfind(':');
  if (last == std::string::npos || last == 0) return bad("err_line_spec_fields");
  const size_t mid = spec.rfind(':', last - 1);
  LineRequest line;
  const size_t qty_at = mid == std::string::npos ? 0 : mid + 1;
  line.part_no = spec.substr(0, mid == std::string::npos ? last : mid);
  if (line.part_no.empty()) return bad("err_line_spec_part");
  const std::string qty =
      mid == std::string::npos ? spec.substr(last + 1) : spec.substr(qty_at, last - qty_at);
  if (qty.empty() || qty.size() > 9 || qty.find_first_not_of("0123456789") != std::string::npos) {
    return bad("err_line_spec_quantity");
  }
  line.quantity = std::stoll(qty);
  if (mid != std::string::npos) {
    auto price = ParseYuan(spec.substr(last + 1));
    if (!price) return bad("err_line_spec_price");
    line.unit_price_cents = *price;
  }
  return line;
}

int RunOrderAdd(const CliContext& ctx, NewOrder order, const OrderLineOptions& lines) {
  const char* what = "order add";
  auto parsed = ParseLines(lines);
  if (!parsed.ok()) return Fail(ctx, what, parsed.status());
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto added = store->orders().Add(std::move(order), *parsed);
  if (!added.ok()) return FailOrder(ctx, what, added.status());
  return Answer(ctx, ToJson(*added),
                Render(LangOf(ctx), "cli_order_added",
                       {added->id, std::to_string(added->lines.size()),
                        TotalText(LangOf(ctx), added->amount_cents, added->currency)}));
}

int RunOrderList(const CliContext& ctx, const std::string& customer) {
  const char* what = "order list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto ledger = store->orders().ForCustomer(customer);
  if (!ledger.ok()) return Fail(ctx, what, ledger.status());
  if (ctx.json) {
    PrintJson(json::object{{"orders", JsonList(ledger->orders, OrderEntryJson)},
                           {"total_cents", ledger->total_cents},
                           {"counted", ledger->counted}});
    return kExitOk;
  }
  const Lang lang = LangOf(ctx);
  for (const OrderEntry& e : ledger->orders)
    std::cout << e.order.id << "  " << OrderEntryLine(e, lang) << "\n";
  std::cout << Render(lang, "cli_order_total",
                      {FormatYuan(ledger->total_cents), std::to_string(ledger->counted)})
            << "\n";
  return kExitOk;
}

int RunOrderVoid(const CliContext& ctx, const std::string& order, const std::string& reason) {
  const char* what = "order void";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto v = store->orders().Void(order, reason);
  if (!v.ok()) return Fail(ctx, what, v.status());
  json::object o = ToJson(*v);
  o["amount_cents"] = nullptr;
  return Answer(ctx, o, Render(LangOf(ctx), "cli_order_voided", {v->voids_id, v->id, v->notes}));
}

int RunOrderCorrect(const CliContext& ctx, const std::string& order, OrderCorrection correction,
                    const OrderLineOptions& lines) {
  const char* what = "order correct";
  auto parsed = ParseLines(lines);
  if (!parsed.ok()) return Fail(ctx, what, parsed.status());
  correction.lines = std::move(*parsed);
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto fixed = store->orders().Correct(order, correction);
  if (!fixed.ok()) return FailOrder(ctx, what, fixed.status());
  return Answer(ctx, ToJson(*fixed),
                Render(LangOf(ctx), "cli_order_corrected",
                       {fixed->voids_id, fixed->id, std::to_string(fixed->lines.size()),
                        TotalText(LangOf(ctx), fixed->amount_cents, fixed->currency)}));
}

void AddOrderCommands(CLI::App* group, CliContext& ctx, std::function<int()>& action,
                      const LeafFactory& leaf, Lang lang) {
  const auto H = [lang](const char* code) { return HelpText(lang, code); };
  static OrderOptions o;  // the parsed options outlive every callback
  CLI::App* add = leaf(group, "add", "help_order_add");
  add->add_option("--customer", o.order.customer_id, H("help_customer_ref"))->required();
  auto line_options = [&H](CLI::App* cmd, OrderLineOptions& lines, const std::string& help) {
    CLI::Option* line = cmd->add_option("--line", lines.lines, help);
    cmd->add_flag("--free-text", lines.free_text, H("help_order_free_text"));
    cmd->add_option("--price-reason", lines.price_reason, H("help_order_price_reason"));
    return line;
  };
  line_options(add, o.lines, H("help_order_add_line"))->required();
  add->add_option("--date", o.order.order_date, H("help_order_add_date"));
  add->add_option("--currency", o.order.currency, H("help_order_currency"))->capture_default_str();
  add->add_option("--notes", o.order.notes, H("help_notes"));
  add->add_flag("--confirm-outlier", o.order.confirm_outlier, H("help_order_confirm_outlier"));
  add->callback([&] { action = [&] { return RunOrderAdd(ctx, o.order, o.lines); }; });

  CLI::App* list = leaf(group, "list", "help_order_list");
  list->add_option("--customer", o.customer, H("help_customer_ref"))->required();
  list->callback([&] { action = [&] { return RunOrderList(ctx, o.customer); }; });

  CLI::App* void_cmd = leaf(group, "void", "help_order_void");
  void_cmd->add_option("order", o.order_ref, H("help_order_ref"))->required();
  void_cmd->add_option("--reason", o.reason, H("help_order_void_reason"))->required();
  void_cmd->callback([&] { action = [&] { return RunOrderVoid(ctx, o.order_ref, o.reason); }; });

  CLI::App* correct = leaf(group, "correct", "help_order_correct");
  correct->add_option("order", o.order_ref, H("help_order_ref"))->required();
  correct->add_option("--reason", o.correction.reason, H("help_order_correct_reason"))->required();
  line_options(correct, o.lines, H("help_order_correct_line"));
  correct->add_option("--date", o.correction.order_date, H("help_order_correct_date"));
  correct->add_option("--currency", o.correction.currency, H("help_order_currency"));
  auto* notes = correct->add_option("--notes", o.notes, H("help_order_correct_notes"));
  correct->add_flag("--confirm-outlier", o.correction.confirm_outlier,
                    H("help_order_confirm_outlier"));
  correct->callback([&, notes] {
    if (notes->count() > 0) o.correction.notes = o.notes;
    action = [&] { return RunOrderCorrect(ctx, o.order_ref, o.correction, o.lines); };
  });
}

}  // namespace fieldbook::client::cli
