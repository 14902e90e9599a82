// JSON text in and out for every JSON the project writes or reads (HTTP answers, command output,
// stored reports, review payloads, conflict values): numbers round-trip exactly.
//
// Boost.JSON alone does not: its serializer prints doubles in E-notation (-1.3616440703859285E1)
// and its parser (Boost 1.81) may round a decimal one unit in the last place off. WriteJson prints
// a double in the shortest form that reads back as the same double (std::to_chars), in plain
// decimal notation for ordinary magnitudes (1e-6 <= |x| < 1e21: 0.000001, 128.5, 1234567.0) and
// always with a fraction or an exponent, so that it reads back as a double and not as an integer
// (120.0, not 120). ReadJson reads every number with a fraction or an exponent with
// std::from_chars (correctly rounded), integers as Boost does (int64, else uint64).
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_JSON_H_
#define FIELDBOOK_JSON_H_

#include <boost/json.hpp>
#include <string>
#include <string_view>

namespace fieldbook {

// `v` as compact JSON text (like boost::json::serialize, doubles as described above). A NaN or an
// infinity, which JSON cannot hold, prints as null.
std::string WriteJson(const boost::json::value& v);

// Appends `d` as a JSON number (null when not finite).
void AppendJsonDouble(std::string& out, double d);

// Parses one JSON document (surrounding whitespace allowed), with exact doubles, refusing nesting
// deeper than `max_depth`. On malformed input sets `ec` and returns null; `stopped_at`, when
// given, is then the offset of the byte where the text stopped being JSON (its size when it ends
// too soon).
boost::json::value ReadJson(std::string_view text, boost::system::error_code& ec,
                            size_t max_depth = 32, size_t* stopped_at = nullptr);

}  // namespace fieldbook

#endif  // FIELDBOOK_JSON_H_
