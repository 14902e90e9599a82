#include "ui_strings.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace fieldbook::app {

namespace {

constexpr Strings kEnglish = {
#define FIELDBOOK_UI_STRING_EN(name, en, zh) en,
    FIELDBOOK_UI_STRINGS(FIELDBOOK_UI_STRING_EN)
#undef FIELDBOOK_UI_STRING_EN
        Lang::kEnglish,
};

constexpr Strings kChinese = {
#define FIELDBOOK_UI_STRING_ZH(name, en, zh) zh,
    FIELDBOOK_UI_STRINGS(FIELDBOOK_UI_STRING_ZH)
#undef FIELDBOOK_UI_STRING_ZH
        Lang::kChinese,
};

struct CodeText {
  const char* enumeration;
  const char* code;
  const char* en;
  const char* zh;
};

// The schema's CHECKed enumerations (schema/sql/domain/0001_domain.sql) and the visit purposes
// and outcomes the field team uses.
constexpr CodeText kCodes[] = {
    {"tier", "A", "A", "A"},
    {"tier", "B", "B", "B"},
    {"tier", "C", "C", "C"},
    {"tier", "D", "D", "D"},
    {"pref", "brand", "Brand", "品牌"},
    {"pref", "payment_terms", "Payment terms", "付款方式"},
    {"pref", "delivery", "Delivery", "送货"},
    {"pref", "other", "Other", "其他"},
    {"purpose", "routine", "Routine call", "例行拜访"},
    {"purpose", "delivery", "Delivery", "送货"},
    {"purpose", "complaint", "Complaint", "处理投诉"},
    {"purpose", "promotion", "Promotion", "促销推广"},
    {"purpose", "collection", "Payment collection", "收款"},
    {"outcome", "ordered", "Ordered", "已下单"},
    {"outcome", "quoted", "Quoted", "已报价"},
    {"outcome", "follow_up", "Needs follow-up", "需跟进"},
    {"outcome", "resolved", "Resolved", "已解决"},
    {"outcome", "no_need", "No need now", "暂无需求"},
    {"stage", "aware", "Aware", "初步了解"},
    {"stage", "interested", "Interested", "有意向"},
    {"stage", "deciding", "Deciding", "决策中"},
    {"stage", "customer", "Customer", "已成交"},
    {"type", "garage", "Garage", "汽修厂"},
    {"type", "dealer", "Dealer", "经销商"},
    {"type", "fleet", "Fleet", "车队"},
    {"type", "individual", "Individual", "个人"},
    {"region", "local", "Local", "本地"},
    {"region", "domestic", "Domestic", "国内"},
    {"region", "international", "International", "国际"},
    {"relationship", "potential", "Potential", "潜在客户"},
    {"relationship", "existing", "Existing", "现有客户"},
    {"relationship", "vip", "VIP", "VIP"},
    {"task_kind", "call", "Call", "电话"},
    {"task_kind", "visit", "Visit", "拜访"},
    {"task_kind", "care", "Care", "关怀"},
    {"task_kind", "birthday", "Birthday", "生日"},
    {"task_status", "open", "Open", "待办"},
    {"task_status", "done", "Done", "已完成"},
    {"task_status", "cancelled", "Cancelled", "已取消"},
    {"lifecycle", "new", "New", "新客户"},
    {"lifecycle", "active", "Active", "活跃"},
    {"lifecycle", "at_risk", "At risk", "有流失风险"},
    {"lifecycle", "churned", "Churned", "已流失"},
    {"lifecycle", "won_back", "Won back", "已挽回"},
};

}  // namespace

const Strings& StringsFor(Lang lang) { return lang == Lang::kChinese ? kChinese : kEnglish; }

std::string_view CodeLabel(Lang lang, std::string_view code) {
  for (const CodeText& c : kCodes) {
    if (code == c.code) return lang == Lang::kChinese ? c.zh : c.en;
  }
  return code;
}

const std::vector<std::string>& CodesOf(std::string_view enumeration) {
  static const auto* const kByEnumeration = [] {
    auto* m = new std::map<std::string, std::vector<std::string>, std::less<>>();
    for (const CodeText& c : kCodes) (*m)[c.enumeration].push_back(c.code);
    return m;
  }();
  static const std::vector<std::string> kNone;
  auto it = kByEnumeration->find(enumeration);
  return it == kByEnumeration->end() ? kNone : it->second;
}

std::string AllText(Lang lang) {
  std::string out;
  const Strings& s = StringsFor(lang);
#define FIELDBOOK_UI_STRING_APPEND(name, en, zh) out += s.name;
  FIELDBOOK_UI_STRINGS(FIELDBOOK_UI_STRING_APPEND)
#undef FIELDBOOK_UI_STRING_APPEND
  for (const CodeText& c : kCodes) out += lang == Lang::kChinese ? c.zh : c.en;
  for (std::string_view code : client::MessageCodes()) {
    out += client::MessageTemplate(lang, code).value_or("");
  }
  return out;
}

}  // namespace fieldbook::app
