// Realistic distributor sheets for the import tests and benchmark, made in code (nothing large is
// committed): customers with Chinese headers, phones, birthdays as Excel serials or 2026/11/23,
// a rep column; orders as one row per order line with ¥ amounts and thousands separators; CSV in
// UTF-8 or GBK (converted with iconv), or XLSX (xlsx_builder.h) with date-formatted serials.
//
// Thread safety: free functions without shared state.
#ifndef FIELDBOOK_TESTS_SUPPORT_IMPORT_SHEETS_H_
#define FIELDBOOK_TESTS_SUPPORT_IMPORT_SHEETS_H_

#include <iconv.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/xlsx_builder.h"

namespace fieldbook::testing {

inline std::string Utf8ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv_open");
  std::string in = utf8;
  std::string out(in.size() * 2 + 16, '\0');
  char* ip = in.data();
  char* op = out.data();
  size_t il = in.size(), ol = out.size();
  const size_t r = iconv(cd, &ip, &il, &op, &ol);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1)) throw std::runtime_error("iconv");
  out.resize(out.size() - ol);
  return out;
}

inline std::string CsvQuote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

inline std::string CustomerExternalId(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "C%06d", i);
  return buf;
}

inline std::string CustomerPhone(int i) { return std::to_string(13800000000LL + i * 7919LL); }

inline std::string CustomerName(int i) {
  static const char* prefixes[] = {"鑫达", "顺通", "华信", "永安", "金轮", "东风", "宏发", "利民"};
  static const char* suffixes[] = {"汽修", "汽配", "汽车修理厂", "快修"};
  return std::string(prefixes[i % 8]) + suffixes[(i / 8) % 4] + "（" + std::to_string(i) + "号店）";
}

// Customers 1..n: 外部编号, 客户名称, 手机, 城市, 地址, 联系人, 类型, 生日, 备注, 业务员 (the reps
// in turn; empty `reps`: no rep column, the assignment rules place them).
inline std::vector<std::vector<std::string>> CustomerRows(int n,
                                                          const std::vector<std::string>& reps) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"外部编号", "客户名称", "手机", "城市", "地址",
                                     "联系人",   "类型",     "生日", "备注"};
  if (!reps.empty()) header.push_back("业务员");
  rows.push_back(header);
  static const char* cities[] = {"广州", "佛山", "深圳"};
  static const char* types[] = {"修理厂", "经销商", "车队", "garage"};
  for (int i = 1; i <= n; ++i) {
    std::vector<std::string> r = {
        CustomerExternalId(i),
        CustomerName(i),
        CustomerPhone(i),
        cities[i % 3],
        std::string(cities[i % 3]) + "工业路" + std::to_string(i) + "号",
        i % 2 ? "王师傅" : "李老板",
        types[i % 4],
        i % 3 == 0 ? std::to_string(25000 + i % 5000)  // Excel serial
                   : "1980/" + std::to_string(1 + i % 12) + "/" + std::to_string(1 + i % 28),
        i % 5 == 0 ? "老板很满意, 要求送货快" : ""};
    if (!reps.empty()) r.push_back(reps[static_cast<size_t>(i) % reps.size()]);
    rows.push_back(std::move(r));
  }
  return rows;
}

inline std::string RowsToCsv(const std::vector<std::vector<std::string>>& rows) {
  std::string csv;
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size(); ++c) csv += (c ? "," : "") + CsvQuote(r[c]);
    csv += "\r\n";
  }
  return csv;
}

// Orders: `orders` orders of customers 1..customers, each with 1 to 3 lines, one row per line:
// 订单号, 客户编号, 订单日期 (an Excel serial in every other order), 配件号, 数量, 单价
// (¥1,234.50), 金额. `total_cents` (if given) receives the sum of all amounts.
inline std::vector<std::vector<std::string>> OrderRows(int orders, int customers,
                                                       int64_t* total_cents = nullptr) {
  std::vector<std::vector<std::string>> rows = {
      {"订单号", "客户编号", "订单日期", "配件号", "数量", "单价", "金额"}};
  static const char* parts[] = {"BOSCH-0986452041", "NGK-BKR6E", "MANN-W712/75", "BREMBO-P85020"};
  int64_t total = 0;
  auto money = [](int64_t cents) {
    char buf[32];
    const long long yuan = cents / 100;
    std::string digits = std::to_string(yuan);
    std::string grouped;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
      grouped += digits[i];
    }
    std::snprintf(buf, sizeof buf, "¥%s.%02lld", grouped.c_str(),
                  static_cast<long long>(cents % 100));
    return std::string(buf);
  };
  for (int o = 1; o <= orders; ++o) {
    const int customer = 1 + (o * 31) % customers;
    const int day = 45658 + o % 600;  // from 2025-01-01
    char date[16];
    std::snprintf(date, sizeof date, "2025/%d/%d", 1 + o % 12, 1 + o % 28);
    const std::string when = o % 2 ? std::to_string(day) : date;
    for (int l = 0; l < 1 + o % 3; ++l) {
      const int64_t qty = 1 + (o + l) % 12;
      const int64_t price = 3000 + ((o * 7 + l * 13) % 600) * 100 + (o % 3) * 50;
      total += qty * price;
      rows.push_back({"SO" + std::to_string(100000 + o), CustomerExternalId(customer), when,
                      parts[(o + l) % 4], std::to_string(qty), money(price), money(qty * price)});
    }
  }
  if (total_cents) *total_cents = total;
  return rows;
}

// The rows as the first sheet of a workbook: text as inline strings; a column listed in
// `serial_date_columns` holding a number is written as a date-formatted number (style 1).
inline std::string RowsToXlsx(const std::vector<std::vector<std::string>>& rows,
                              const std::vector<size_t>& serial_date_columns = {}) {
  std::vector<std::vector<std::string>> cells;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> row;
    for (size_t c = 0; c < rows[r].size(); ++c) {
      if (rows[r][c].empty()) continue;
      std::string ref;
      for (size_t n = c + 1; n > 0; n = (n - 1) / 26) {
        ref.insert(ref.begin(), static_cast<char>('A' + (n - 1) % 26));
      }
      ref += std::to_string(r + 1);
      bool date = false;
      for (size_t d : serial_date_columns) date = date || d == c;
      const bool numeric = r > 0 && rows[r][c].find_first_not_of("0123456789") == std::string::npos;
      row.push_back(date && numeric ? NumberCell(ref, rows[r][c], 1) : InlineCell(ref, rows[r][c]));
    }
    cells.push_back(std::move(row));
  }
  return MakeXlsx({{"Sheet1", SheetXml(cells)}});
}

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_IMPORT_SHEETS_H_
