// The command lines' help pages and usage errors in the rep's language (help_format.h).
#include "cli/help_format.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <regex>
#include <sstream>
#include <utility>
#include <vector>

#include "fieldbook/text_width.h"

namespace fieldbook::client::cli {

namespace {

// CLI11's detail::format_help with the name padded by display width: the same output for ASCII.
std::string NameAndDescription(const std::string& name, const std::string& description,
                               size_t column) {
  std::string out = "  " + name;
  const size_t width = DisplayWidth(out);
  if (width < column) out.append(column - width, ' ');
  if (!description.empty()) {
    if (width >= column) out += "\n" + std::string(column, ' ');
    for (const char c : description) {
      out += c;
      if (c == '\n') out.append(column, ' ');
    }
  }
  return out + "\n";
}

// A value kind CLI11 names (TEXT, INT, UINT, FLOAT) in `lang`; anything else as it is.
std::string Kind(Lang lang, const std::string& kind) {
  static const std::pair<const char*, const char*> kKinds[] = {{"TEXT", "help_word_text"},
                                                               {"INT", "help_word_int"},
                                                               {"UINT", "help_word_uint"},
                                                               {"FLOAT", "help_word_float"}};
  for (const auto& [name, code] : kKinds) {
    if (kind == name) return HelpText(lang, code);
  }
  return kind;
}

class HelpFormatter : public CLI::Formatter {
 public:
  explicit HelpFormatter(Lang lang) : lang_(lang) {
    label("Usage", Word("help_word_usage"));
    label("OPTIONS", Word("help_word_options_badge"));
    label("SUBCOMMAND", Word("help_word_subcommand"));
    label("SUBCOMMANDS", Word("help_word_subcommand_list"));
    label("Positionals", Word("help_word_positionals"));
    label("REQUIRED", Word("help_word_required"));
    label("Excludes", Word("help_word_excludes"));
    label("Needs", Word("help_word_needs"));
    label("Env", Word("help_word_env"));
  }

  // The options' section ("Options": every option's group, the help flag's too) in the language.
  std::string make_group(std::string group, bool is_positional,
                         std::vector<const CLI::Option*> opts) const override {
    if (group == "Options") group = Word("help_word_options");
    return CLI::Formatter::make_group(std::move(group), is_positional, std::move(opts));
  }

  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    return NameAndDescription(make_option_name(opt, is_positional) + make_option_opts(opt),
                              make_option_desc(opt), column_width_);
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    return NameAndDescription(sub->get_display_name(true), sub->get_description(), column_width_);
  }

  // CLI11's make_option_opts with the value's kind in the help language ("TEXT" -> 文本,
  // "UINT:INT in [1 - 500]" -> 非负整数:整数，取值 [1 - 500]).
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (!opt->get_option_text().empty()) return " " + opt->get_option_text();
    std::string out;
    if (opt->get_type_size() != 0) {
      if (!opt->get_type_name().empty()) out += " " + TypeName(opt->get_type_name());
      if (!opt->get_default_str().empty()) out += "=" + opt->get_default_str();
      if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) {
        out += " ...";
      } else if (opt->get_expected_min() > 1) {
        out += " x " + std::to_string(opt->get_expected());
      }
      if (opt->get_required()) out += " " + get_label("REQUIRED");
    }
    if (!opt->get_envname().empty()) {
      out += " (" + get_label("Env") + ":" + opt->get_envname() + ")";
    }
    if (!opt->get_needs().empty()) {
      out += " " + get_label("Needs") + ":";
      for (const CLI::Option* other : opt->get_needs()) out += " " + other->get_name();
    }
    if (!opt->get_excludes().empty()) {
      out += " " + get_label("Excludes") + ":";
      for (const CLI::Option* other : opt->get_excludes()) out += " " + other->get_name();
    }
    return out;
  }

 private:
  std::string Word(std::string_view code) const { return HelpText(lang_, code); }

  // "KIND[:VALIDATOR]...": each kind in the help language, a range validator ("INT in [1 -
  // 500]") as a sentence; other validators ("{en,zh}") as they are.
  std::string TypeName(const std::string& full) const {
    static const std::regex kRange(R"(([A-Z]+) in \[(.*) - (.*)\])");
    std::string out;
    std::stringstream parts(full);
    for (std::string part; std::getline(parts, part, ':');) {
      std::smatch m;
      if (std::regex_match(part, m, kRange)) {
        part = HelpText(lang_, "help_word_range", {Kind(lang_, m[1]), m[2], m[3]});
      } else {
        part = Kind(lang_, part);
      }
      out += (out.empty() ? "" : ":") + part;
    }
    return out;
  }

  Lang lang_;
};

// Whether `e` is CLI11's error type E (its name is not always the type's: an ExtrasError of a
// subcommand carries the subcommand's name).
template <class E>
bool Is(const CLI::ParseError& e) {
  return dynamic_cast<const E*>(&e) != nullptr;
}

// CLI11's English for one usage error, matched by its error type: the help table's code and the
// pattern whose groups are the code's values.
struct UsagePattern {
  bool (*is)(const CLI::ParseError&);
  const char* code;
  std::regex pattern;
};

const std::vector<UsagePattern>& UsagePatterns() {
  static const std::vector<UsagePattern> kPatterns = {
      {Is<CLI::RequiredError>, "help_err_subcommand", std::regex("A subcommand is required")},
      {Is<CLI::RequiredError>, "help_err_required", std::regex(R"((\S+) is required)")},
      {Is<CLI::ValidationError>, "help_err_range",
       std::regex(R"((\S+): Value (\S+) not in range (\S+) to (\S+))")},
      {Is<CLI::ValidationError>, "help_err_not_in", std::regex(R"((\S+): (.*) not in (\{.*\}))")},
      {Is<CLI::ConversionError>, "help_err_convert",
       std::regex(R"(Could not convert: (\S+) = (.*))")},
      {Is<CLI::ExtrasError>, "help_err_extra",
       std::regex("The following argument was not expected: (.*)")},
      {Is<CLI::ExtrasError>, "help_err_extras",
       std::regex("The following arguments were not expected: (.*)")},
      {Is<CLI::ExcludesError>, "help_err_excludes", std::regex(R"((\S+) excludes (\S+))")},
      {Is<CLI::RequiresError>, "help_err_requires", std::regex(R"((\S+) requires (\S+))")},
      {Is<CLI::ArgumentMismatch>, "help_err_missing_value",
       std::regex(R"((\S+): (\d+) required (\S+) missing)")},
  };
  return kPatterns;
}

}  // namespace

Lang HelpLang(int argc, const char* const* argv) {
  std::string_view flag;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--lang" && i + 1 < argc) flag = argv[++i];
    if (arg.substr(0, 7) == "--lang=") flag = arg.substr(7);
  }
  return ChooseLang(flag);
}

void UseHelpLanguage(CLI::App& app, Lang lang) {
  app.formatter(std::make_shared<HelpFormatter>(lang));
  app.set_help_flag("-h,--help", HelpText(lang, "help_help"));
  app.group(HelpText(lang, "help_word_subcommands"));
}

std::string UsageError(Lang lang, const CLI::ParseError& e) {
  const std::string what = e.what();
  std::string line = what;
  for (const UsagePattern& p : UsagePatterns()) {
    std::smatch m;
    if (!p.is(e) || !std::regex_match(what, m, p.pattern)) continue;
    std::vector<std::string> values;
    for (size_t i = 1; i < m.size(); ++i) {
      // A value's kind ("1 required TEXT missing") in the help language too.
      const bool kind = std::string_view(p.code) == "help_err_missing_value" && i == 3;
      values.push_back(kind ? Kind(lang, m[i]) : std::string(m[i]));
    }
    line = HelpText(lang, p.code, values);
    break;
  }
  return HelpText(lang, "help_err_line", {line});
}

}  // namespace fieldbook::client::cli
