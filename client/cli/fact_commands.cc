// fieldbook-cli visit log, order add and feedback add: facts, recorded once (cli_commands.h).
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

Result<NewOrderLine> ParseOrderLine(const std::string& spec) {
  auto bad = [&spec](const std::string& why) {
    return Status::InvalidArgument(
        "--line must look like PART:QTY:UNIT_PRICE_YUAN, e.g. "
        "BP-1024:4:128.50 (" +
        why + " in '" + spec + "')");
  };
  const size_t last = spec.rfind(':');
  if (last == std::string::npos || last == 0) return bad("missing fields");
  const size_t mid = spec.rfind(':', last - 1);
  if (mid == std::string::npos) return bad("missing fields");
  NewOrderLine line;
  line.part_no = spec.substr(0, mid);
  if (line.part_no.empty()) return bad("no part number");
  const std::string qty = spec.substr(mid + 1, last - mid - 1);
  if (qty.empty() || qty.size() > 9 || qty.find_first_not_of("0123456789") != std::string::npos) {
    return bad("the quantity is not a whole number");
  }
  line.quantity = std::stoll(qty);
  auto price = ParseYuan(spec.substr(last + 1));
  if (!price) return bad("the unit price is not an amount of yuan");
  line.unit_price_cents = *price;
  return line;
}

int RunVisitLog(const CliContext& ctx, const NewVisit& visit) {
  const char* what = "visit log";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto id = store->facts().LogVisit(visit);
  if (!id.ok()) return Fail(ctx, what, id.status());
  if (ctx.json) {
    PrintJson(json::object{{"id", *id}});
  } else {
    std::cout << "logged visit " << *id << "\n";
  }
  return kExitOk;
}

int RunOrderAdd(const CliContext& ctx, NewOrder order, const std::vector<std::string>& lines) {
  const char* what = "order add";
  for (const std::string& spec : lines) {
    auto line = ParseOrderLine(spec);
    if (!line.ok()) return Fail(ctx, what, line.status());
    order.lines.push_back(*line);
  }
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto added = store->facts().AddOrder(order);
  if (!added.ok()) return Fail(ctx, what, added.status());
  if (ctx.json) {
    PrintJson(ToJson(*added));
  } else {
    std::cout << "added order " << added->id << ": "
              << Plural(static_cast<int64_t>(added->lines.size()), "line", "lines") << ", total "
              << FormatYuan(added->amount_cents) << " " << added->currency << "\n";
  }
  return kExitOk;
}

int RunFeedbackAdd(const CliContext& ctx, const NewFeedback& feedback) {
  const char* what = "feedback add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto id = store->facts().AddFeedback(feedback);
  if (!id.ok()) return Fail(ctx, what, id.status());
  if (ctx.json) {
    PrintJson(json::object{{"id", *id}});
  } else {
    std::cout << "recorded feedback " << *id << "\n";
  }
  return kExitOk;
}

}  // namespace fieldbook::client::cli
