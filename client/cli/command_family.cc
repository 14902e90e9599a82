// The shared wiring helpers of command families (command_family.h).
#include "cli/command_family.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <memory>
#include <optional>

#include "cli/device_replica.h"
#include "cli/output.h"

namespace fieldbook::client::cli {

namespace {

int RunNumberSetting(const CliContext& ctx, const NumberSetting& setting,
                     const std::optional<int64_t>& n) {
  FB_OPEN_STORE_OR_RETURN(store, ctx, setting.what);
  if (n) {
    Status s = setting.set(*store, *n);
    if (!s.ok()) return Fail(ctx, setting.what, s);
  }
  auto value = setting.get(*store);
  if (!value.ok()) return Fail(ctx, setting.what, value.status());
  return Answer(ctx, boost::json::object{{setting.json_key, *value}},
                setting.text(LangOf(ctx), *value));
}

}  // namespace

void AddNumberSetting(CliWiring& w, CLI::App* parent, const NumberSetting& setting) {
  auto number = std::make_shared<int64_t>(0);
  CLI::App* cmd = w.leaf(parent, setting.name, setting.help_code);
  CLI::Option* given = cmd->add_option(setting.arg, *number, w.help(setting.arg_help_code));
  cmd->callback([&w, setting, number, given] {
    const std::optional<int64_t> n =
        given->count() > 0 ? std::optional<int64_t>(*number) : std::nullopt;
    w.action = [&w, setting, n] { return RunNumberSetting(w.ctx, setting, n); };
  });
}

}  // namespace fieldbook::client::cli
