// LineDiff: what tells two texts apart line by line, for short failure messages when two exports
// (a device's and the server's, one import path's and another's) must be equal: each line only
// one text has, labelled with that text's name, at most `most` a side; "" when the texts are equal.
//
// Thread-safe: a pure function.
#ifndef FIELDBOOK_TESTS_SUPPORT_LINE_DIFF_H_
#define FIELDBOOK_TESTS_SUPPORT_LINE_DIFF_H_

#include <algorithm>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

namespace fieldbook::testing {

inline std::string LineDiff(const std::string& a_text, const std::string& b_text,
                            const std::string& a_name, const std::string& b_name,
                            size_t most = 10) {
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto a = lines(a_text), b = lines(b_text);
  std::string out;
  auto only = [&](const std::vector<std::string>& mine, const std::vector<std::string>& other,
                  const std::string& name) {
    size_t shown = 0;
    for (const auto& l : mine) {
      if (shown < most && !std::binary_search(other.begin(), other.end(), l)) {
        out += name + " only: " + l + "\n";
        ++shown;
      }
    }
  };
  only(a, b, a_name);
  only(b, a, b_name);
  if (out.empty() && a_text != b_text) out = "same lines, other order or count";
  return out;
}

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_LINE_DIFF_H_
