#include "import/import_fields.h"

#include <boost/json.hpp>
#include <cstdlib>
#include <deque>
#include <utility>

#include "fieldbook/refusal_status.h"
#include "fieldbook/utf8.h"
#include "import/sheet_reader.h"

namespace fieldbook::server {

namespace {

// Every field of every kind, one a line: the kinds it belongs to, its key, how its text is parsed
// (import_values.h), the English label, the Chinese header written on export, and the headers
// recognised (normalised forms, separated by spaces). Within a kind, fields are in export order,
// and the first field naming a header wins (编号 is the external id). A bare 电话 / phone column
// means the customer's phone in orders and visits, the contact's own in contacts.
constexpr const char* kFieldTable = R"(
customers|external_id|text|External id|外部编号|外部编号 客户编号 编号 客户代码 代码 externalid id code customerid customercode
customers|name|text|Name|客户名称|客户名称 名称 客户 店名 公司名称 客户名 name customername customer company
customers|name_latin|text|Latin name|拼音|拼音 英文名 namelatin pinyin
customers|customer_type|enum|Type|类型|类型 客户类型 type customertype
customers|relationship|enum|Relationship|关系|关系 客户关系 relationship
customers|purchase_stage|enum|Stage|阶段|阶段 采购阶段 购买阶段 stage purchasestage
customers|region|text|Region|区域|区域 地区 片区 区域编号 region territory area
customers|phone|phone|Phone|电话|电话 手机 手机号 联系电话 电话号码 phone mobile tel telephone
customers|city|text|City|城市|城市 市 city
customers|province|text|Province|省份|省份 省 province
customers|country|text|Country|国家|国家 country
customers|address|text|Address|地址|地址 详细地址 address
customers|primary_contact|text|Contact|联系人|联系人 contact primarycontact contactperson
customers|birthday|date|Birthday|生日|生日 birthday
customers|tags|text|Tags|标签|标签 tags tag
customers|notes|text|Notes|备注|备注 说明 notes note remark remarks
contacts|external_id|text|External id|联系人编号|联系人编号 外部编号 编号 externalid id contactid
orders|external_id|text|Order no|订单号|订单号 订单编号 单号 外部编号 orderno ordernumber orderid externalid
visits|external_id|text|Visit no|拜访编号|拜访编号 外部编号 编号 visitid externalid id
contacts,orders,visits|customer_ref|text|Customer external id|客户编号|客户编号 客户外部编号 客户代码 客户id customerid customerexternalid customercode customerref
contacts|customer_phone|phone|Customer phone|客户电话|客户电话 客户手机 customerphone customermobile
orders,visits|customer_phone|phone|Customer phone|客户电话|客户电话 客户手机 customerphone customermobile 电话 手机 手机号 phone mobile
contacts|name|text|Name|联系人|联系人 姓名 名字 name contact contactname
contacts|title|text|Title|职务|职务 职位 title position role
contacts|phone|phone|Phone|电话|电话 手机 手机号 phone mobile tel
contacts|wechat|text|WeChat|微信|微信 微信号 wechat
contacts|email|text|Email|邮箱|邮箱 电子邮件 email mail
contacts|birthday|date|Birthday|生日|生日 birthday
contacts|is_primary|flag|Primary|主联系人|主联系人 首要联系人 primary isprimary
contacts|notes|text|Notes|备注|备注 notes remark remarks
orders|order_date|date|Order date|订单日期|订单日期 下单日期 日期 orderdate date
orders|part_no|text|Part no|配件号|配件号 零件号 配件编号 型号 partno partnumber sku part
orders|description|text|Description|品名|品名 配件名称 描述 商品名称 description product item
orders|quantity|quantity|Quantity|数量|数量 qty quantity
orders|unit_price|amount|Unit price|单价|单价 unitprice price
orders|amount|amount|Amount|金额|金额 总金额 订单金额 小计 amount total lineamount
orders|currency|text|Currency|币种|币种 货币 currency
orders|notes|text|Notes|备注|备注 notes remark remarks
visits|check_in|datetime|Visit date|拜访日期|拜访日期 拜访时间 日期 时间 visitdate date checkin
visits|purpose|text|Purpose|目的|目的 拜访目的 purpose
visits|outcome|text|Outcome|结果|结果 拜访结果 outcome result
visits|notes|text|Notes|备注|备注 notes remark remarks
visits|next_follow_up|date|Next follow-up|下次跟进|下次跟进 下次跟进日期 nextfollowup followup
customers,orders,visits|rep|text|Rep|业务员|业务员 负责人 销售 销售员 rep salesrep owner repid
products|part_number|text|Part number|配件号|配件号 零件号 配件编号 零件编号 料号 partnumber partno sku
products|name|text|Name|名称|名称 品名 配件名称 商品名称 产品名称 name productname
products|brand|text|Brand|品牌|品牌 brand
products|category|text|Category|类别|类别 分类 类目 category
products|unit|text|Unit|单位|单位 计量单位 unit uom
products|list_price|amount|List price|单价|单价 价格 售价 标准价 零售价 listprice price unitprice
products|tier_prices|text|Tier prices|等级价|等级价 等级价格 分级价 客户等级价 tierprices tierprice
products|active|flag|Active|在售|在售 启用 有效 active enabled
)";

constexpr std::pair<const char*, FieldType> kTypeNames[] = {
    {"text", FieldType::kText},     {"phone", FieldType::kPhone},
    {"date", FieldType::kDate},     {"datetime", FieldType::kDateTime},
    {"amount", FieldType::kAmount}, {"quantity", FieldType::kQuantity},
    {"enum", FieldType::kEnum},     {"flag", FieldType::kFlag}};

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// The table, by kind. Its strings live as long as the process (the FieldSpecs point into them).
std::vector<std::vector<FieldSpec>> BuildFields() {
  static std::deque<std::string> texts;
  auto keep = [](std::string s) { return texts.emplace_back(std::move(s)).c_str(); };
  std::vector<std::vector<FieldSpec>> by_kind(static_cast<size_t>(ImportKind::kProducts) + 1);
  for (const std::string& line : Split(kFieldTable, '\n')) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = Split(line, '|');
    if (cells.size() != 6) std::abort();  // the table above is malformed
    FieldSpec spec{keep(cells[1]), FieldType::kText, keep(cells[3]), keep(cells[4]), {}};
    bool typed = false;
    for (const auto& [name, type] : kTypeNames) {
      if (cells[2] == name) spec.type = type, typed = true;
    }
    if (!typed) std::abort();
    for (std::string& alias : Split(cells[5], ' ')) {
      if (!alias.empty()) spec.aliases.push_back(std::move(alias));
    }
    for (const std::string& kind : Split(cells[0], ',')) {
      auto parsed = ParseImportKind(kind);
      if (!parsed.ok()) std::abort();
      by_kind[static_cast<size_t>(*parsed)].push_back(spec);
    }
  }
  return by_kind;
}

}  // namespace

namespace {

// A header cell as an error names it: at most kHeaderShown bytes of it (whole characters, then
// "…"), so a sheet's 1 MiB header cell does not travel into an error's English and values.
constexpr size_t kHeaderShown = 64;
std::string HeaderShown(std::string_view cell) { return Utf8Prefix(cell, kHeaderShown); }

constexpr std::pair<ImportKind, const char*> kKindNames[] = {{ImportKind::kCustomers, "customers"},
                                                             {ImportKind::kContacts, "contacts"},
                                                             {ImportKind::kOrders, "orders"},
                                                             {ImportKind::kVisits, "visits"},
                                                             {ImportKind::kProducts, "products"}};

}  // namespace

Result<ImportKind> ParseImportKind(const std::string& name) {
  for (const auto& [kind, kind_name] : kKindNames) {
    if (name == kind_name) return kind;
  }
  return Status(
      StatusCode::kInvalidArgument,
      "the kind must be customers, contacts, orders, visits or products, not '" + name + "'",
      Phrase{"http_field_one_of",
             {{"field", "kind"}, {"choices", "customers, contacts, orders, visits, products"}}});
}

const char* ImportKindName(ImportKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "?";
}

const std::vector<FieldSpec>& FieldsOf(ImportKind kind) {
  static const std::vector<std::vector<FieldSpec>> fields = BuildFields();
  return fields[static_cast<size_t>(kind)];
}

int FieldIndex(ImportKind kind, const std::string& key) {
  const auto& fields = FieldsOf(kind);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (key == fields[i].key) return static_cast<int>(i);
  }
  return -1;
}

std::string NormalizeHeader(const std::string& header) {
  std::string h = header;
  // Drop a trailing "(unit)" or "（单位）".
  for (const char* open : {"(", "（"}) {
    const size_t at = h.rfind(open);
    if (at != std::string::npos && at > 0) {
      const std::string tail = h.substr(at);
      if (tail.back() == ')' || (tail.size() >= 3 && tail.compare(tail.size() - 3, 3, "）") == 0)) {
        h.resize(at);
      }
    }
  }
  std::string out;
  for (size_t i = 0; i < h.size(); ++i) {
    const char c = h[i];
    if (c == ' ' || c == '\t' || c == '_' || c == '-' || c == '*' || c == ':' || c == '.' ||
        c == '\r' || c == '\n') {
      continue;
    }
    if (h.compare(i, 3, "：") == 0 ||
        h.compare(i, 3, "\xE3\x80\x80") == 0) {  // ： and ideographic space
      i += 2;
      continue;
    }
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return out;
}

Result<MappingOverrides> ParseMapping(ImportKind kind, const std::string& json) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) {
    return Status::InvalidArgument(
        "the mapping file must be a JSON object from header text to a field, e.g. "
        "{\"店名\": \"name\"}");
  }
  MappingOverrides out;
  for (const auto& [header, field] : v.as_object()) {
    if (!field.is_string()) {
      return RefusalStatus(StatusCode::kInvalidArgument,
                           {"http_import_mapping_not_text", {{"header", HeaderShown(header)}}});
    }
    const std::string key(field.as_string());
    if (!key.empty() && FieldIndex(kind, key) < 0) {
      std::string known;
      for (const FieldSpec& f : FieldsOf(kind))
        known += (known.empty() ? "" : ", ") + std::string(f.key);
      return RefusalStatus(StatusCode::kInvalidArgument, {"http_import_mapping_unknown",
                                                          {{"header", HeaderShown(header)},
                                                           {"kind", ImportKindName(kind)},
                                                           {"field", HeaderShown(key)},
                                                           {"fields", known}}});
    }
    out[NormalizeHeader(std::string(header))] = key;
  }
  return out;
}

int HeaderMap::Column(ImportKind kind, const std::string& key) const {
  const int f = FieldIndex(kind, key);
  return f < 0 || static_cast<size_t>(f) >= column_of_field.size() ? -1 : column_of_field[f];
}

Result<HeaderMap> MapHeader(ImportKind kind, const std::vector<std::string>& header,
                            const MappingOverrides& overrides) {
  Status problem;
  HeaderMap map = DetectHeader(kind, header, overrides, &problem);
  if (!problem.ok()) return problem;
  return map;
}

HeaderMap DetectHeader(ImportKind kind, const std::vector<std::string>& header,
                       const MappingOverrides& overrides, Status* problem) {
  *problem = Status::Ok();
  const auto& fields = FieldsOf(kind);
  HeaderMap map;
  map.field_of_column.assign(header.size(), -1);
  map.column_of_field.assign(fields.size(), -1);
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string norm = NormalizeHeader(header[c]);
    if (norm.empty()) continue;
    int field = -1;
    auto o = overrides.find(norm);
    if (o != overrides.end()) {
      field = o->second.empty() ? -1 : FieldIndex(kind, o->second);
      if (field < 0) continue;  // mapped to "": ignored on purpose
    } else {
      // The first field (in field order) naming this header wins: 编号 is the external id.
      for (size_t f = 0; f < fields.size() && field < 0; ++f) {
        for (const std::string& alias : fields[f].aliases) {
          if (norm == alias) {
            field = static_cast<int>(f);
            break;
          }
        }
      }
      // A recognised field already taken (e.g. 客户编号 in a customers sheet with 外部编号 too)
      // is left to the first column that named it.
    }
    if (field < 0) {
      map.ignored.push_back(header[c]);
      continue;
    }
    if (map.column_of_field[field] >= 0) {
      if (!problem->ok()) continue;  // the first problem is the one told
      const std::string first = ColumnName(static_cast<size_t>(map.column_of_field[field]));
      // The header cells named, each shown cut to kHeaderShown bytes (a cell may be 1 MiB).
      *problem = RefusalStatus(StatusCode::kInvalidArgument,
                               {"http_import_columns_clash",
                                {{"first", first},
                                 {"first_header", HeaderShown(header[map.column_of_field[field]])},
                                 {"second", ColumnName(c)},
                                 {"second_header", HeaderShown(header[c])},
                                 {"field", std::string(fields[field].key)}}});
      continue;
    }
    map.column_of_field[field] = static_cast<int>(c);
    map.field_of_column[c] = field;
  }
  bool any = false;
  for (int c : map.column_of_field) any = any || c >= 0;
  if (problem->ok() && !any) {
    *problem =
        Status(StatusCode::kInvalidArgument,
               "row 1 names no column Fieldbook knows for " + std::string(ImportKindName(kind)) +
                   " (is the header on the first row? is this the right kind of sheet?); "
                   "give a --mapping file",
               {"http_import_no_known_column", {{"kind", ImportKindName(kind)}}});
  }
  if (problem->ok() && kind == ImportKind::kCustomers && map.Column(kind, "name") < 0) {
    *problem =
        Status(StatusCode::kInvalidArgument,
               "no column of customer names (客户名称 / 名称 / name); map one with --mapping",
               {"http_import_no_names", {}});
  }
  if (problem->ok() && kind == ImportKind::kProducts && map.Column(kind, "part_number") < 0) {
    *problem = Status(StatusCode::kInvalidArgument,
                      "no column of part numbers (配件号 / 零件号 / part number); map one with "
                      "--mapping",
                      {"http_import_no_part_numbers", {}});
  }
  if (problem->ok() &&
      (kind == ImportKind::kContacts || kind == ImportKind::kOrders ||
       kind == ImportKind::kVisits) &&
      map.Column(kind, "customer_ref") < 0 && map.Column(kind, "customer_phone") < 0) {
    *problem = Status(StatusCode::kInvalidArgument,
                      std::string(ImportKindName(kind)) +
                          " need a column naming the customer: its external id (客户编号 / "
                          "customer id) or its phone (客户电话 / customer phone)",
                      {"http_import_no_customer_column", {{"kind", ImportKindName(kind)}}});
  }
  return map;
}

}  // namespace fieldbook::server
