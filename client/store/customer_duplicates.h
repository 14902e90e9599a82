// Customer duplicates on the device (issue #18): before the rep adds a garage, the customers
// already on this device that it may duplicate — the same phone number (the customer's or one of
// its contacts'), or a similar name in the same city — so the app can show them and let the rep
// open one instead. Only the device's own data is read (no server round trip; offline works).
//
// Phones compare by fieldbook/duplicate_detector.h's NormalizePhone (digits, +86/0086 removed, at
// least 7 digits), as the server's possible-duplicate check does. Names compare by NormalizeName
// (case, spaces and punctuation removed) with the common trade words stripped from the end (汽修,
// 汽车修理厂, 快修, 车行, 汽配, 轮胎店, 有限公司, ... and "auto repair", "garage" ...): two names
// are similar when what is left is equal, or one holds the other and the shorter has at least 2
// characters. Cities compare equal after trimming and dropping a trailing 市.
//
// Thread safety: a function over a Db, used on the thread that owns it.
#ifndef FIELDBOOK_CLIENT_STORE_CUSTOMER_DUPLICATES_H_
#define FIELDBOOK_CLIENT_STORE_CUSTOMER_DUPLICATES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "fieldbook/status.h"

namespace fieldbook {
class Db;
}

namespace fieldbook::client {

struct DuplicateCandidate {
  std::string id;
  std::string name;
  std::string city;
  std::string phone;
  bool same_phone = false;    // the customer's or a contact's phone is the new one's
  bool similar_name = false;  // in the same city
};

// What the rep is about to add; "" fields are not compared.
struct NewCustomerKeys {
  std::string name;
  std::string city;
  std::string phone;
  std::string except_id;  // a customer being edited is not its own duplicate
};

// The name as compared: normalised, trade words stripped from its end.
std::string NameKey(const std::string& name);
// Whether two names are similar by the rule above.
bool SimilarNames(const std::string& a, const std::string& b);

// Up to `limit` live customers on the device that `keys` may duplicate: same phone first, then
// similar names, each by name.
Result<std::vector<DuplicateCandidate>> FindLikelyDuplicates(Db& db, const NewCustomerKeys& keys,
                                                             size_t limit = 10);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_CUSTOMER_DUPLICATES_H_
