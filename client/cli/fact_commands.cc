// fieldbook-cli visit log and feedback add: facts, recorded once (cli_commands.h); orders are in
// order_commands.cc.
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

int RunVisitLog(const CliContext& ctx, const NewVisit& visit) {
  const char* what = "visit log";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  return AnswerAdded(ctx, what, store->facts().LogVisit(visit),
                     Render(LangOf(ctx), "cli_logged_visit"));
}

int RunFeedbackAdd(const CliContext& ctx, const NewFeedback& feedback) {
  const char* what = "feedback add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  return AnswerAdded(ctx, what, store->facts().AddFeedback(feedback),
                     Render(LangOf(ctx), "cli_recorded_feedback"));
}

}  // namespace fieldbook::client::cli
