// Customer duplicates on the device (customer_duplicates.h).
#include "store/customer_duplicates.h"

#include <algorithm>
#include <map>

#include "fieldbook/duplicate_detector.h"
#include "fieldbook/sqlite_db.h"
#include "store/rows.h"

namespace fieldbook::client {

namespace {

using internal::CodePoints;
using internal::ForEachRow;
using internal::Trim;

// Trade words a garage's name often ends with, as NormalizeName writes them; longest first.
constexpr const char* kTradeWords[] = {
    "汽车修理厂", "汽车维修", "汽车配件", "维修中心", "有限公司", "汽修厂", "修理厂", "修理店",
    "轮胎店",     "汽修",     "快修",     "车行",     "汽配",     "公司",   "店",     "autorepair",
    "autoparts",  "garage",   "motors",   "repair",   "tyres",    "tires",  "auto"};

// Digits and punctuation phone numbers are written with, removed in SQL before the LIKE.
#define FB_PHONE_DIGITS(col)                             \
  "replace(replace(replace(replace(replace(replace(" col \
  ", '-', ''), ' ', ''), '(', ''), ')', "                \
  "''), '+', ''), '.', '')"

std::string CityKey(const std::string& city) {
  std::string c = Trim(city);
  const std::string shi = "市";
  if (c.size() > shi.size() && c.compare(c.size() - shi.size(), shi.size(), shi) == 0) {
    c.resize(c.size() - shi.size());
  }
  return c;
}

struct Found {
  DuplicateCandidate c;
  std::string name_latin;
};

// Reads id, name, name_latin, city, phone.
Found ReadCandidate(Statement& s) {
  Found f;
  f.c.id = s.Text(0);
  f.c.name = s.Text(1);
  f.name_latin = s.Text(2);
  f.c.city = s.Text(3);
  f.c.phone = s.Text(4);
  return f;
}

constexpr const char* kCandidateColumns = "c.id, c.name, c.name_latin, c.city, c.phone";

}  // namespace

std::string NameKey(const std::string& name) {
  std::string key = NormalizeName(name);
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (const char* word : kTradeWords) {
      const std::string w = word;
      if (key.size() > w.size() && key.compare(key.size() - w.size(), w.size(), w) == 0) {
        key.resize(key.size() - w.size());
        stripped = true;
        break;
      }
    }
  }
  return key;
}

bool SimilarNames(const std::string& a, const std::string& b) {
  const std::string ka = NameKey(a), kb = NameKey(b);
  if (ka.empty() || kb.empty()) return false;
  if (ka == kb) return true;
  const std::string& shorter = ka.size() < kb.size() ? ka : kb;
  const std::string& longer = ka.size() < kb.size() ? kb : ka;
  return shorter.size() >= 4 && CodePoints(shorter) >= 2 &&
         longer.find(shorter) != std::string::npos;
}

Result<std::vector<DuplicateCandidate>> FindLikelyDuplicates(Db& db, const NewCustomerKeys& keys,
                                                             size_t limit) {
  std::map<std::string, Found> found;  // by id
  const std::string phone = NormalizePhone(keys.phone);
  if (!phone.empty()) {
    // The last 7 digits narrow the scan; the normalised numbers decide.
    const std::string tail = phone.substr(phone.size() - 7);
    {
      FB_RETURN_IF_ERROR(
          ForEachRow(db,
                     std::string("SELECT ") + kCandidateColumns +
                         " FROM customers c WHERE c.deleted = 0 AND c.id != ?2 AND " +
                         FB_PHONE_DIGITS("c.phone") + " LIKE '%' || ?1",
                     {tail, keys.except_id}, [&](Statement& s) {
                       Found f = ReadCandidate(s);
                       if (NormalizePhone(f.c.phone) != phone) return;
                       f.c.same_phone = true;
                       found[f.c.id] = std::move(f);
                     }));
    }
    FB_RETURN_IF_ERROR(
        ForEachRow(db,
                   std::string("SELECT ") + kCandidateColumns +
                       ", k.phone FROM contacts k JOIN customers c ON c.id = "
                       "k.customer_id WHERE k.deleted = 0 AND c.deleted = 0 AND c.id "
                       "!= ?2 AND " +
                       FB_PHONE_DIGITS("k.phone") + " LIKE '%' || ?1",
                   {tail, keys.except_id}, [&](Statement& s) {
                     if (NormalizePhone(s.Text(5)) != phone) return;
                     Found f = ReadCandidate(s);
                     f.c.same_phone = true;
                     found.try_emplace(f.c.id, std::move(f));
                   }));
  }
  const std::string city = CityKey(keys.city);
  if (!NameKey(keys.name).empty() && !city.empty()) {
    FB_RETURN_IF_ERROR(ForEachRow(db,
                                  std::string("SELECT ") + kCandidateColumns +
                                      " FROM customers c WHERE c.deleted = 0 AND c.id != ?2 AND "
                                      "(trim(c.city) = ?1 OR trim(c.city) = ?1 || '市')",
                                  {city, keys.except_id}, [&](Statement& s) {
                                    Found f = ReadCandidate(s);
                                    if (!SimilarNames(keys.name, f.c.name) &&
                                        !SimilarNames(keys.name, f.name_latin))
                                      return;
                                    auto [it, added] = found.try_emplace(f.c.id, std::move(f));
                                    it->second.c.similar_name = true;
                                    (void)added;
                                  }));
  }
  std::vector<DuplicateCandidate> out;
  out.reserve(found.size());
  for (auto& [id, f] : found) out.push_back(std::move(f.c));
  std::sort(out.begin(), out.end(), [](const DuplicateCandidate& a, const DuplicateCandidate& b) {
    if (a.same_phone != b.same_phone) return a.same_phone;
    return a.name < b.name;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace fieldbook::client
