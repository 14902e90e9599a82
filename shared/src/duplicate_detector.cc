#include "fieldbook/duplicate_detector.h"

#include <cctype>
#include <string_view>
#include <type_traits>

#include "fieldbook/columns.h"
#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"

namespace fieldbook {

std::string NormalizePhone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.rfind("0086", 0) == 0) {
    digits.erase(0, 4);
  } else if (digits.size() == 13 && digits.rfind("86", 0) == 0) {
    digits.erase(0, 2);  // +86 followed by an 11-digit mobile number
  }
  return digits.size() >= 7 ? digits : std::string();
}

std::string NormalizeName(std::string_view name) {
  std::string out;
  size_t i = 0;
  while (i < name.size()) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
      ++i;
      continue;
    }
    size_t len = (c >= 0xf0) ? 4 : (c >= 0xe0) ? 3 : (c >= 0xc0) ? 2 : 1;
    if (i + len > name.size()) len = name.size() - i;
    std::string_view ch = name.substr(i, len);
    i += len;
    if (len == 3) {
      const auto b0 = static_cast<unsigned char>(ch[0]);
      const auto b1 = static_cast<unsigned char>(ch[1]);
      // U+3000–U+303F CJK symbols and punctuation (E3 80..80 BF).
      if (b0 == 0xe3 && b1 == 0x80) continue;
      // U+FF00–U+FF0F, U+FF1A–U+FF20, U+FF3B–U+FF40, U+FF5B–U+FF65: full-width punctuation.
      if (b0 == 0xef && (b1 == 0xbc || b1 == 0xbd)) {
        const auto b2 = static_cast<unsigned char>(ch[2]);
        const unsigned cp = 0xff00 + ((b1 - 0xbc) << 6) + (b2 - 0x80);
        if (cp <= 0xff0f || (cp >= 0xff1a && cp <= 0xff20) || (cp >= 0xff3b && cp <= 0xff40) ||
            (cp >= 0xff5b && cp <= 0xff65)) {
          continue;
        }
      }
    }
    out.append(ch);
  }
  return out;
}

namespace {

// On a Db or on the storage seam (the hub on either backend): the same statements.
template <typename Database>
Result<int> Flag(Database& db, const std::string& customer_id, uint64_t now_ms) {
  FB_ASSIGN_OR_RETURN(auto* self,
                      db.Prepare("SELECT name, city, phone, deleted FROM customers WHERE id = ?"));
  self->Bind(1, customer_id);
  FB_ASSIGN_OR_RETURN(bool found, self->Step());
  if (!found) return 0;
  const std::string name = NormalizeName(self->Text(0));
  const std::string city = NormalizeName(self->Text(1));
  const std::string phone = NormalizePhone(self->Text(2));
  const bool deleted = self->Int(3) != 0;
  self->Reset();

  // Keep this customer's keys current (a deleted customer has none), then look its keys up. On
  // PostgreSQL one statement (a data-modifying WITH; the lookup passes over this customer's own
  // keys anyway): one round trip instead of two.
  const Value phone_key = phone.empty() || deleted ? Value() : Value(phone);
  const Value name_key = name.empty() || deleted ? Value() : Value(name + "|" + city);
  constexpr std::string_view kKeys =
      "INSERT INTO fb_customer_keys (customer_id, phone_key, name_city_key) VALUES (?3, ?1, ?2) "
      "ON CONFLICT (customer_id) DO UPDATE SET phone_key = excluded.phone_key, "
      "name_city_key = excluded.name_city_key";
  constexpr std::string_view kLookUp =
      "SELECT customer_id, CASE WHEN phone_key = ?1 THEN 1 ELSE 0 END FROM fb_customer_keys "
      "WHERE (phone_key = ?1 OR name_city_key = ?2) AND customer_id <> ?3";
  bool one_statement = false;
  if constexpr (std::is_same_v<Database, SqlDb>) {
    one_statement = db.dialect() == SqlDialect::kPostgres;
  }
  if (!one_statement) {
    FB_ASSIGN_OR_RETURN(auto* keys, db.Prepare(kKeys));
    keys->Bind(1, phone_key).Bind(2, name_key).Bind(3, customer_id);
    FB_RETURN_IF_ERROR(keys->Run());
    if (deleted) return 0;
  }
  FB_ASSIGN_OR_RETURN(
      auto* candidates,
      db.Prepare(one_statement ? "WITH k AS (" + std::string(kKeys) + ") " + std::string(kLookUp)
                               : std::string(kLookUp)));
  candidates->Bind(1, phone_key).Bind(2, name_key).Bind(3, customer_id);
  struct Hit {
    std::string other;
    std::string reason;
  };
  std::vector<Hit> hits;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, candidates->Step());
    if (!row) break;
    const bool same_phone = !candidates->IsNull(1) && candidates->Int(1) != 0;
    hits.push_back(
        {candidates->Text(0), same_phone ? "same phone " + phone : "same name and city"});
  }

  FB_ASSIGN_OR_RETURN(
      auto* insert,
      db.Prepare("INSERT INTO fb_possible_duplicates (customer_a, customer_b, reason, "
                 "detected_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  int added = 0;
  for (const Hit& h : hits) {
    const bool self_first = customer_id < h.other;
    insert->Reset();
    insert->Bind(1, self_first ? customer_id : h.other)
        .Bind(2, self_first ? h.other : customer_id)
        .Bind(3, h.reason)
        .Bind(4, static_cast<int64_t>(now_ms));
    FB_RETURN_IF_ERROR(insert->Run());
    added += static_cast<int>(db.LastChanges());
  }
  return added;
}

}  // namespace

Result<int> FlagPossibleDuplicates(Db& db, const std::string& customer_id, uint64_t now_ms) {
  return Flag(db, customer_id, now_ms);
}

Result<int> FlagPossibleDuplicates(SqlDb& db, const std::string& customer_id, uint64_t now_ms) {
  return Flag(db, customer_id, now_ms);
}

Result<std::vector<DuplicatePair>> ListPossibleDuplicates(Db& db) {
  FB_ASSIGN_OR_RETURN(Statement * stmt,
                      db.Prepare("SELECT customer_a, customer_b, reason, status "
                                 "FROM fb_possible_duplicates ORDER BY customer_a, customer_b"));
  return ReadRows(*stmt, [](const Statement& s) {
    return DuplicatePair{s.Text(0), s.Text(1), s.Text(2), s.Text(3)};
  });
}

}  // namespace fieldbook
