// The stores' "no such rep / customer / territory" refusals (issue #19): each a kNotFound Status
// made by RefusalStatus (fieldbook/refusal_status.h) from its code in HttpRefusals, so its English
// is the table's ("no rep r1") and "error_code"/"error_values" go on the wire beside it. One place
// for the three, not a RefusalStatus literal at every store's return.
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_SERVER_NOT_FOUND_H_
#define FIELDBOOK_SERVER_NOT_FOUND_H_

#include <string>

#include "fieldbook/refusal_status.h"

namespace fieldbook::server {

inline Status NoRep(const std::string& rep) {
  return RefusalStatus(StatusCode::kNotFound, {"http_no_rep", {{"rep", rep}}});
}
inline Status NoCustomer(const std::string& customer) {
  return RefusalStatus(StatusCode::kNotFound, {"http_no_customer", {{"customer", customer}}});
}
inline Status NoTerritory(const std::string& territory) {
  return RefusalStatus(StatusCode::kNotFound, {"http_no_territory", {{"territory", territory}}});
}

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NOT_FOUND_H_
