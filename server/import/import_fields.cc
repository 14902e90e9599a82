#include "import/import_fields.h"

#include <boost/json.hpp>

#include "import/sheet_reader.h"

namespace fieldbook::server {

namespace {

using T = FieldType;

// Shared by several kinds.
FieldSpec CustomerRef() {
  return {"customer_ref",
          T::kText,
          "Customer external id",
          "客户编号",
          {"客户编号", "客户外部编号", "客户代码", "客户id", "customerid", "customerexternalid",
           "customercode", "customerref"}};
}
// `plain`: a bare 电话 / phone column means the customer's phone (orders, visits; not contacts,
// where it is the contact's own).
FieldSpec CustomerPhone(bool plain) {
  FieldSpec f{"customer_phone",
              T::kPhone,
              "Customer phone",
              "客户电话",
              {"客户电话", "客户手机", "customerphone", "customermobile"}};
  if (plain) f.aliases.insert(f.aliases.end(), {"电话", "手机", "手机号", "phone", "mobile"});
  return f;
}
FieldSpec Rep() {
  return {"rep",
          T::kText,
          "Rep",
          "业务员",
          {"业务员", "负责人", "销售", "销售员", "rep", "salesrep", "owner", "repid"}};
}

const std::vector<FieldSpec>& Customers() {
  static const std::vector<FieldSpec> f = {
      {"external_id",
       T::kText,
       "External id",
       "外部编号",
       {"外部编号", "客户编号", "编号", "客户代码", "代码", "externalid", "id", "code",
        "customerid", "customercode"}},
      {"name",
       T::kText,
       "Name",
       "客户名称",
       {"客户名称", "名称", "客户", "店名", "公司名称", "客户名", "name", "customername",
        "customer", "company"}},
      {"name_latin", T::kText, "Latin name", "拼音", {"拼音", "英文名", "namelatin", "pinyin"}},
      {"customer_type", T::kEnum, "Type", "类型", {"类型", "客户类型", "type", "customertype"}},
      {"relationship", T::kEnum, "Relationship", "关系", {"关系", "客户关系", "relationship"}},
      {"purchase_stage",
       T::kEnum,
       "Stage",
       "阶段",
       {"阶段", "采购阶段", "购买阶段", "stage", "purchasestage"}},
      {"region",
       T::kText,
       "Region",
       "区域",
       {"区域", "地区", "片区", "区域编号", "region", "territory", "area"}},
      {"phone",
       T::kPhone,
       "Phone",
       "电话",
       {"电话", "手机", "手机号", "联系电话", "电话号码", "phone", "mobile", "tel", "telephone"}},
      {"city", T::kText, "City", "城市", {"城市", "市", "city"}},
      {"province", T::kText, "Province", "省份", {"省份", "省", "province"}},
      {"country", T::kText, "Country", "国家", {"国家", "country"}},
      {"address", T::kText, "Address", "地址", {"地址", "详细地址", "address"}},
      {"primary_contact",
       T::kText,
       "Contact",
       "联系人",
       {"联系人", "contact", "primarycontact", "contactperson"}},
      {"birthday", T::kDate, "Birthday", "生日", {"生日", "birthday"}},
      {"tags", T::kText, "Tags", "标签", {"标签", "tags", "tag"}},
      {"notes", T::kText, "Notes", "备注", {"备注", "说明", "notes", "note", "remark", "remarks"}},
      Rep(),
  };
  return f;
}

const std::vector<FieldSpec>& Contacts() {
  static const std::vector<FieldSpec> f = {
      {"external_id",
       T::kText,
       "External id",
       "联系人编号",
       {"联系人编号", "外部编号", "编号", "externalid", "id", "contactid"}},
      CustomerRef(),
      CustomerPhone(false),
      {"name",
       T::kText,
       "Name",
       "联系人",
       {"联系人", "姓名", "名字", "name", "contact", "contactname"}},
      {"title", T::kText, "Title", "职务", {"职务", "职位", "title", "position", "role"}},
      {"phone", T::kPhone, "Phone", "电话", {"电话", "手机", "手机号", "phone", "mobile", "tel"}},
      {"wechat", T::kText, "WeChat", "微信", {"微信", "微信号", "wechat"}},
      {"email", T::kText, "Email", "邮箱", {"邮箱", "电子邮件", "email", "mail"}},
      {"birthday", T::kDate, "Birthday", "生日", {"生日", "birthday"}},
      {"is_primary",
       T::kFlag,
       "Primary",
       "主联系人",
       {"主联系人", "首要联系人", "primary", "isprimary"}},
      {"notes", T::kText, "Notes", "备注", {"备注", "notes", "remark", "remarks"}},
  };
  return f;
}

const std::vector<FieldSpec>& Orders() {
  static const std::vector<FieldSpec> f = {
      {"external_id",
       T::kText,
       "Order no",
       "订单号",
       {"订单号", "订单编号", "单号", "外部编号", "orderno", "ordernumber", "orderid",
        "externalid"}},
      CustomerRef(),
      CustomerPhone(true),
      {"order_date",
       T::kDate,
       "Order date",
       "订单日期",
       {"订单日期", "下单日期", "日期", "orderdate", "date"}},
      {"part_no",
       T::kText,
       "Part no",
       "配件号",
       {"配件号", "零件号", "配件编号", "型号", "partno", "partnumber", "sku", "part"}},
      {"description",
       T::kText,
       "Description",
       "品名",
       {"品名", "配件名称", "描述", "商品名称", "description", "product", "item"}},
      {"quantity", T::kQuantity, "Quantity", "数量", {"数量", "qty", "quantity"}},
      {"unit_price", T::kAmount, "Unit price", "单价", {"单价", "unitprice", "price"}},
      {"amount",
       T::kAmount,
       "Amount",
       "金额",
       {"金额", "总金额", "订单金额", "小计", "amount", "total", "lineamount"}},
      {"currency", T::kText, "Currency", "币种", {"币种", "货币", "currency"}},
      {"notes", T::kText, "Notes", "备注", {"备注", "notes", "remark", "remarks"}},
      Rep(),
  };
  return f;
}

const std::vector<FieldSpec>& Visits() {
  static const std::vector<FieldSpec> f = {
      {"external_id",
       T::kText,
       "Visit no",
       "拜访编号",
       {"拜访编号", "外部编号", "编号", "visitid", "externalid", "id"}},
      CustomerRef(),
      CustomerPhone(true),
      {"check_in",
       T::kDateTime,
       "Visit date",
       "拜访日期",
       {"拜访日期", "拜访时间", "日期", "时间", "visitdate", "date", "checkin"}},
      {"purpose", T::kText, "Purpose", "目的", {"目的", "拜访目的", "purpose"}},
      {"outcome", T::kText, "Outcome", "结果", {"结果", "拜访结果", "outcome", "result"}},
      {"notes", T::kText, "Notes", "备注", {"备注", "notes", "remark", "remarks"}},
      {"next_follow_up",
       T::kDate,
       "Next follow-up",
       "下次跟进",
       {"下次跟进", "下次跟进日期", "nextfollowup", "followup"}},
      Rep(),
  };
  return f;
}

// The product catalogue (issue #18): keyed by part number, so an import is idempotent.
const std::vector<FieldSpec>& Products() {
  static const std::vector<FieldSpec> f = {
      {"part_number",
       T::kText,
       "Part number",
       "配件号",
       {"配件号", "零件号", "配件编号", "零件编号", "料号", "partnumber", "partno", "sku"}},
      {"name",
       T::kText,
       "Name",
       "名称",
       {"名称", "品名", "配件名称", "商品名称", "产品名称", "name", "productname"}},
      {"brand", T::kText, "Brand", "品牌", {"品牌", "brand"}},
      {"category", T::kText, "Category", "类别", {"类别", "分类", "类目", "category"}},
      {"unit", T::kText, "Unit", "单位", {"单位", "计量单位", "unit", "uom"}},
      {"list_price",
       T::kAmount,
       "List price",
       "单价",
       {"单价", "价格", "售价", "标准价", "零售价", "listprice", "price", "unitprice"}},
      {"tier_prices",
       T::kText,
       "Tier prices",
       "等级价",
       {"等级价", "等级价格", "分级价", "客户等级价", "tierprices", "tierprice"}},
      {"active", T::kFlag, "Active", "在售", {"在售", "启用", "有效", "active", "enabled"}},
  };
  return f;
}

}  // namespace

Result<ImportKind> ParseImportKind(const std::string& name) {
  if (name == "customers") return ImportKind::kCustomers;
  if (name == "contacts") return ImportKind::kContacts;
  if (name == "orders") return ImportKind::kOrders;
  if (name == "visits") return ImportKind::kVisits;
  if (name == "products") return ImportKind::kProducts;
  return Status::InvalidArgument(
      "the kind must be customers, contacts, orders, visits or products, not '" + name + "'");
}

const char* ImportKindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kCustomers:
      return "customers";
    case ImportKind::kContacts:
      return "contacts";
    case ImportKind::kOrders:
      return "orders";
    case ImportKind::kVisits:
      return "visits";
    case ImportKind::kProducts:
      return "products";
  }
  return "?";
}

const std::vector<FieldSpec>& FieldsOf(ImportKind kind) {
  switch (kind) {
    case ImportKind::kCustomers:
      return Customers();
    case ImportKind::kContacts:
      return Contacts();
    case ImportKind::kOrders:
      return Orders();
    case ImportKind::kVisits:
      return Visits();
    case ImportKind::kProducts:
      return Products();
  }
  return Customers();
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
      return Status::InvalidArgument("mapping of \"" + std::string(header) +
                                     "\": the field must be a string");
    }
    const std::string key(field.as_string());
    if (!key.empty() && FieldIndex(kind, key) < 0) {
      std::string known;
      for (const FieldSpec& f : FieldsOf(kind))
        known += (known.empty() ? "" : ", ") + std::string(f.key);
      return Status::InvalidArgument("mapping of \"" + std::string(header) +
                                     "\": " + ImportKindName(kind) + " have no field \"" + key +
                                     "\" (fields: " + known + ")");
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
        for (const char* alias : fields[f].aliases) {
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
      return Status::InvalidArgument(
          "columns " + ColumnName(static_cast<size_t>(map.column_of_field[field])) + " (\"" +
          header[map.column_of_field[field]] + "\") and " + ColumnName(c) + " (\"" + header[c] +
          "\") both mean " + fields[field].key +
          "; map one of them to another field or to \"\" in a --mapping file");
    }
    map.column_of_field[field] = static_cast<int>(c);
    map.field_of_column[c] = field;
  }
  bool any = false;
  for (int c : map.column_of_field) any = any || c >= 0;
  if (!any) {
    return Status::InvalidArgument(
        "row 1 names no column Fieldbook knows for " + std::string(ImportKindName(kind)) +
        " (is the header on the first row? is this the right kind of sheet?); give a --mapping "
        "file");
  }
  if (kind == ImportKind::kCustomers && map.Column(kind, "name") < 0) {
    return Status::InvalidArgument(
        "no column of customer names (客户名称 / 名称 / name); map one with --mapping");
  }
  if (kind == ImportKind::kProducts && map.Column(kind, "part_number") < 0) {
    return Status::InvalidArgument(
        "no column of part numbers (配件号 / 零件号 / part number); map one with --mapping");
  }
  if ((kind == ImportKind::kContacts || kind == ImportKind::kOrders ||
       kind == ImportKind::kVisits) &&
      map.Column(kind, "customer_ref") < 0 && map.Column(kind, "customer_phone") < 0) {
    return Status::InvalidArgument(
        std::string(ImportKindName(kind)) +
        " need a column naming the customer: its external id (客户编号 / customer id) or its "
        "phone (客户电话 / customer phone)");
  }
  return map;
}

}  // namespace fieldbook::server
