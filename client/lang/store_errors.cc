#include "lang/store_errors.h"

namespace fieldbook::client {

namespace {

// English exactly as the store wrote these errors before they were codes (tests and scripts
// read them); Chinese with the same values.
constexpr LangText kErrors[] = {
    // Customers (client/store/customers.cc).
    {"err_set_by_managers",
     "{field} is set by managers on the server; ask your manager to reassign the customer",
     "{field:word}由主管在服务器上设置；请让主管重新分配该客户"},
    {"err_computed_by_grading",
     "{field} is computed by the grading on the server and cannot be edited on a device",
     "{field:word}由服务器评级计算，不能在设备上修改"},
    {"err_cannot_edit", "{field} cannot be edited", "{field:word}不能修改"},
    {"err_unknown_field", "unknown customer field '{field}'; fields: {fields}",
     "没有客户字段“{field}”；可用的字段：{fields}"},
    {"err_name_empty", "name cannot be empty", "名称不能为空"},
    {"err_birthday", "birthday must be a date like 1980-05-17 (not '{value}')",
     "生日必须是 1980-05-17 这样的日期（不是“{value}”）"},
    {"err_coordinate", "{what} must be a number from {min} to {max} (not '{value}')",
     "{what:word}必须是 {min} 到 {max} 之间的数字（不是“{value}”）"},
    {"err_given_twice", "{field} is given twice", "{field:word}给了两次"},
    {"err_customer_needs_name", "a new customer needs a name", "新客户需要名称"},
    {"err_lat_lon_pair", "give both latitude and longitude, or neither",
     "请同时给出纬度和经度，或者都不给"},
    {"err_nothing_to_change", "nothing to change: name a field to edit",
     "没有要修改的内容：请指明要修改的字段"},
    {"err_date_format", "the date must look like 2026-11-23 (not '{value}')",
     "日期必须是 2026-11-23 这样的格式（不是“{value}”）"},
    {"err_contact_needs_name", "a contact needs a name", "联系人需要姓名"},
    // Visits, orders, feedback (client/store/facts.cc, visits.cc).
    {"err_check_out_before_check_in", "check-out is before check-in", "离店时间早于签到时间"},
    {"err_follow_up_date", "the next follow-up must be a date like 2026-12-01 (not '{value}')",
     "下次跟进必须是 2026-12-01 这样的日期（不是“{value}”）"},
    {"err_follow_up_before_visit", "the next follow-up is before the visit", "下次跟进早于拜访"},
    {"err_latitude_range", "latitude must be from -90 to 90", "纬度必须在 -90 到 90 之间"},
    {"err_longitude_range", "longitude must be from -180 to 180", "经度必须在 -180 到 180 之间"},
    {"err_no_visit_in_progress", "no visit in progress: check in first",
     "没有进行中的拜访：请先签到"},
    {"err_order_date", "the order date must look like 2026-11-23 (not '{value}')",
     "订单日期必须是 2026-11-23 这样的格式（不是“{value}”）"},
    {"err_currency", "currency must be a three-letter code like CNY (not '{value}')",
     "币种必须是 CNY 这样的三个字母的代码（不是“{value}”）"},
    {"err_order_no_lines", "an order needs at least one line", "订单至少需要一行"},
    {"err_line_no_part", "line {line}: the part number is empty", "第 {line} 行：零件号为空"},
    {"err_line_quantity", "line {line}: quantity must be a whole number above 0",
     "第 {line} 行：数量必须是大于 0 的整数"},
    {"err_line_price_negative", "line {line}: the unit price cannot be negative",
     "第 {line} 行：单价不能为负数"},
    {"err_line_amount_too_large", "line {line}: the amount is too large", "第 {line} 行：金额过大"},
    {"err_order_total_too_large", "the order total is too large", "订单总额过大"},
    {"err_satisfaction_range", "satisfaction must be 1 to 5", "满意度必须是 1 到 5"},
    {"err_feedback_empty", "give a satisfaction score (1 to 5), a complaint, or both",
     "请给出满意度（1 到 5）或投诉内容，或者两者都给"},
    // Tasks (client/store/tasks.cc).
    {"err_task_due_date", "the due date must look like 2026-11-23 (not '{value}')",
     "截止日期必须是 2026-11-23 这样的格式（不是“{value}”）"},
    {"err_task_needs_title", "a task needs a title", "任务需要标题"},
    {"err_task_done", "task {id} is already done", "任务 {id} 已经完成"},
    {"err_task_cancelled", "task {id} was cancelled", "任务 {id} 已被取消"},
    // Any record (client/store/rows.cc).
    {"err_enum", "{what} must be one of {allowed} (not '{value}')",
     "{what:word}必须是以下之一：{allowed}（不是“{value}”）"},
    {"err_time_format", "{what} time must look like 2026-11-23T09:30 (not '{value}')",
     "{what:word}时间必须是 2026-11-23T09:30 这样的格式（不是“{value}”）"},
    {"err_give_id", "give a {what} id", "请给出{what:word}编号"},
    {"err_not_on_device", "no {what} {ref} on this device", "本设备上没有{what:word} {ref}"},
    {"err_several_ids", "several {what}s start with {ref}; give more of the id",
     "有多个{what:word}的编号以 {ref} 开头；请给出更长的编号"},
    // The public pool on the device (client/store/pool_cache.cc).
    {"err_pool_claim_waits", "a claim of {name} ({id}) already waits for the next sync",
     "认领 {name}（{id}）已在等待下次同步"},
    {"err_pool_release_waits", "the release of {name} ({id}) already waits for the next sync",
     "退回 {name}（{id}）已在等待下次同步"},
    {"err_pool_too_many_waiting", "{n} pool requests already wait for the next sync; sync first",
     "已有 {n} 个公海请求等待下次同步；请先同步"},
    {"err_pool_give_customer", "give the id or the name of a pooled customer",
     "请给出公海中客户的编号或名称"},
    {"err_pool_no_copy",
     "this device has no copy of the public pool yet: sync first (fieldbook-cli sync)",
     "本设备还没有公海列表：请先同步（fieldbook-cli sync）"},
    {"err_pool_ambiguous", "'{ref}' matches more than one customer in the pool; give the id",
     "“{ref}”与公海中的多个客户相符；请给出编号"},
    {"err_pool_not_listed",
     "'{ref}' is not in the public pool as of {as_of} (fieldbook-cli pool list shows it; a sync "
     "refreshes it)",
     "截至 {as_of:date}，“{ref}”不在公海中（fieldbook-cli pool list 可查看；同步后会更新）"},
    {"err_pool_release_reason", "say why the customer goes back to the pool (--reason)",
     "请说明客户退回公海的原因（--reason）"},
    {"err_reason_too_long", "the reason is longer than {max} bytes", "原因超过 {max} 字节"},
    // fieldbook-cli's --line PART:QTY[:PRICE] (client/cli/order_commands.cc).
    {"err_line_spec_fields",
     "--line must look like PART:QTY (the price list's price) or PART:QTY:UNIT_PRICE_YUAN, e.g. "
     "BP-1024:4 or BP-1024:4:128.50 (missing fields in '{spec}')",
     "--line 的格式必须是 PART:QTY（按价目表价格）或 PART:QTY:UNIT_PRICE_YUAN，例如 BP-1024:4 或 "
     "BP-1024:4:128.50（“{spec}”缺少字段）"},
    {"err_line_spec_part",
     "--line must look like PART:QTY (the price list's price) or PART:QTY:UNIT_PRICE_YUAN, e.g. "
     "BP-1024:4 or BP-1024:4:128.50 (no part number in '{spec}')",
     "--line 的格式必须是 PART:QTY（按价目表价格）或 PART:QTY:UNIT_PRICE_YUAN，例如 BP-1024:4 或 "
     "BP-1024:4:128.50（“{spec}”没有零件号）"},
    {"err_line_spec_quantity",
     "--line must look like PART:QTY (the price list's price) or PART:QTY:UNIT_PRICE_YUAN, e.g. "
     "BP-1024:4 or BP-1024:4:128.50 (the quantity is not a whole number in '{spec}')",
     "--line 的格式必须是 PART:QTY（按价目表价格）或 PART:QTY:UNIT_PRICE_YUAN，例如 BP-1024:4 或 "
     "BP-1024:4:128.50（“{spec}”中的数量不是整数）"},
    {"err_line_spec_price",
     "--line must look like PART:QTY (the price list's price) or PART:QTY:UNIT_PRICE_YUAN, e.g. "
     "BP-1024:4 or BP-1024:4:128.50 (the unit price is not an amount of yuan in '{spec}')",
     "--line 的格式必须是 PART:QTY（按价目表价格）或 PART:QTY:UNIT_PRICE_YUAN，例如 BP-1024:4 或 "
     "BP-1024:4:128.50（“{spec}”中的单价不是人民币金额）"},
};

}  // namespace

std::span<const LangText> StoreErrors() { return kErrors; }

Status StoreError(StatusCode code, std::string_view error, const TextValues& values) {
  const LangText* e = FindText(kErrors, error);
  if (e == nullptr) return Status(code, std::string(error));
  return Status(code, FillText(Lang::kEnglish, e->en, values), Phrase{std::string(error), values});
}

Status Invalid(std::string_view error, const TextValues& values) {
  return StoreError(StatusCode::kInvalidArgument, error, values);
}

std::optional<std::string> SayError(Lang lang, const Phrase& phrase) {
  if (const LangText* e = FindText(kErrors, phrase.code)) {
    return FillText(lang, e->In(lang), phrase.values);
  }
  if (FindText(HttpRefusals(), phrase.code) != nullptr) return SayRefusal(lang, phrase);
  return std::nullopt;
}

std::string RenderError(Lang lang, const Status& error) {
  if (lang == Lang::kEnglish || error.phrase() == nullptr) return error.message();
  return SayError(lang, *error.phrase()).value_or(error.message());
}

}  // namespace fieldbook::client
