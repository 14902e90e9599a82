#include "fieldbook/row_digest.h"

#include <sqlite3.h>

#include <bit>
#include <cstring>

namespace fieldbook {

namespace {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big,
              "mixed-endian platforms are not supported");

constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr uint64_t kSeed = 0x27D4EB2F165667C5ULL;

uint64_t LoadLittleEndian(const unsigned char* p, size_t n) {
  uint64_t w = 0;
  for (size_t i = 0; i < n; ++i) w |= uint64_t{p[i]} << (8 * i);
  return w;
}

uint64_t Round(uint64_t h, uint64_t word) {
  word *= kPrime2;
  word = std::rotl(word, 31);
  word *= kPrime1;
  h ^= word;
  return std::rotl(h, 27) * kPrime1 + kPrime3;
}

// splitmix64's finaliser: every input bit affects every output bit.
uint64_t Finalise(uint64_t z) {
  z ^= z >> 30;
  z *= 0xBF58476D1CE4E5B9ULL;
  z ^= z >> 27;
  z *= 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return z;
}

void AppendLittleEndian(std::string& out, uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  out.append(bytes, 8);
}

}  // namespace

uint64_t Hash64(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  uint64_t h = kSeed ^ (static_cast<uint64_t>(n) * kPrime1);
  size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= n; i += 8) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      h = Round(h, word);
    }
  } else {
    for (; i + 8 <= n; i += 8) h = Round(h, LoadLittleEndian(p + i, 8));
  }
  if (i < n) h = Round(h, LoadLittleEndian(p + i, n - i));
  return Finalise(h);
}

void RowDigester::Varint(uint64_t v) {
  while (v >= 0x80) {
    buffer_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  buffer_.push_back(static_cast<char>(v));
}

void RowDigester::Reset(int table_code, std::string_view row_id) {
  buffer_.clear();
  buffer_.push_back('\x01');
  Varint(static_cast<uint64_t>(table_code));
  Varint(row_id.size());
  buffer_.append(row_id);
}

void RowDigester::AddNull() { buffer_.push_back('\x00'); }

void RowDigester::AddInt(int64_t v) {
  buffer_.push_back('\x01');
  AppendLittleEndian(buffer_, static_cast<uint64_t>(v));
}

void RowDigester::AddReal(double v) {
  // SQLite may store a REAL with an integral value as an integer and read it back as a REAL, which
  // turns -0.0 into 0.0; both are the same value here.
  if (v == 0.0) v = 0.0;
  buffer_.push_back('\x02');
  AppendLittleEndian(buffer_, std::bit_cast<uint64_t>(v));
}

void RowDigester::AddText(std::string_view text) {
  buffer_.push_back('\x03');
  Varint(text.size());
  buffer_.append(text);
}

void RowDigester::Add(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) {
    AddInt(*i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    AddReal(*d);
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    AddText(*s);
  } else {
    AddNull();
  }
}

void RowDigester::Add(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      AddInt(sqlite3_value_int64(v));
      return;
    case SQLITE_FLOAT:
      AddReal(sqlite3_value_double(v));
      return;
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
      AddText(std::string_view(text == nullptr ? "" : text,
                               static_cast<size_t>(sqlite3_value_bytes(v))));
      return;
    }
    case SQLITE_BLOB: {
      const auto* blob = static_cast<const char*>(sqlite3_value_blob(v));
      AddText(std::string_view(blob == nullptr ? "" : blob,
                               static_cast<size_t>(sqlite3_value_bytes(v))));
      return;
    }
    default:
      AddNull();
  }
}

uint64_t RowDigest(int table_code, std::string_view row_id, std::span<const Value> values) {
  RowDigester digester;
  digester.Reset(table_code, row_id);
  for (const Value& v : values) digester.Add(v);
  return digester.Digest();
}

uint32_t DigestBucket(std::string_view key, uint32_t buckets) {
  return static_cast<uint32_t>(Hash64(key) % (buckets == 0 ? 1 : buckets));
}

const std::string& BucketKeyColumn(const TableInfo& table) {
  static const std::string kId = "id";
  return table.customer_column.empty() ? kId : table.customer_column;
}

bool IsLiveRow(const TableInfo& table, const Value& deleted) {
  if (table.is_fact()) return true;
  // The SQL the triggers use: deleted IS NOT 1.
  if (const auto* i = std::get_if<int64_t>(&deleted)) return *i != 1;
  if (const auto* d = std::get_if<double>(&deleted)) return *d != 1.0;
  return true;
}

uint64_t DigestSchemaFingerprint(const Catalog& catalog) {
  std::string text = "fieldbook row digest v" + std::to_string(kRowDigestVersion) + "\n";
  for (const TableInfo& t : catalog.tables()) {
    text += std::to_string(t.code) + " " + t.name + " " + (t.is_fact() ? "fact" : "mutable") +
            " key=" + BucketKeyColumn(t) + ":";
    for (const std::string& c : t.columns) text += " " + c;
    text += "\n";
  }
  return Hash64(text);
}

}  // namespace fieldbook
