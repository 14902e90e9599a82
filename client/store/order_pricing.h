// Order lines from the product catalogue (issue #18): a line names a part number and a quantity;
// its price comes from the price list on the device (products.h) — the customer's tier price when
// the catalogue has one for the customer's grade tier, else the list price — unless the rep gives
// another price, which needs a reason (kept in the line's description: "刹车片; price ¥120.00
// instead of ¥128.00: 老客户优惠").
//
// Rules (PriceOrderLines):
//   * on a device that has a catalogue (any product), a part must be in it and active; an unknown
//     or discontinued part is refused unless the line is free text (`--free-text`), which then
//     needs its price;
//   * on a device without any product (no catalogue set up yet) every line is free text, as
//     before the catalogue: the price must be given;
//   * a catalogue part with no price in the list needs its price (no reason needed);
//   * a given price that differs from the price list needs a reason.
//
// Thread safety: functions over a Db, used on the thread that owns it.
#ifndef FIELDBOOK_CLIENT_STORE_ORDER_PRICING_H_
#define FIELDBOOK_CLIENT_STORE_ORDER_PRICING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"
#include "store/facts.h"
#include "store/products.h"

namespace fieldbook::client {

// A line as the rep asks for it.
struct LineRequest {
  std::string part_no;
  int64_t quantity = 0;
  std::optional<int64_t> unit_price_cents;  // nullopt: the price list's
  std::string price_reason;                 // why a given price differs from the list
  bool free_text = false;                   // a part that is not in the catalogue
};

// The price a customer pays for `product` by the price list: its grade tier's price, else the
// list price (nullopt: the list has no price for it).
Result<std::optional<int64_t>> ListPriceFor(Db& db, const std::string& customer_id,
                                            const ProductRow& product);

// The lines of a new order, priced and checked by the rules above (errors name the line).
Result<std::vector<NewOrderLine>> PriceOrderLines(Db& db, const std::string& customer_id,
                                                  const std::vector<LineRequest>& lines);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_ORDER_PRICING_H_
