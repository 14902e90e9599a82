// Money as the rep types and reads it: amounts of yuan ("12", "12.5", "12.50") to and from integer
// cents (fen), the unit the store keeps (orders.amount_cents, order_lines.unit_price_cents).
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_CLIENT_STORE_MONEY_H_
#define FIELDBOOK_CLIENT_STORE_MONEY_H_

#include <cstdint>
#include <optional>
#include <string>

namespace fieldbook::client {

// Parses an amount of yuan ("12", "12.5", "12.50") to cents; nullopt when malformed or negative.
std::optional<int64_t> ParseYuan(const std::string& text);
// "12.50" for 1250 cents.
std::string FormatYuan(int64_t cents);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_MONEY_H_
