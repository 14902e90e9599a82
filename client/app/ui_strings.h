// Strings: the desktop app's UI text in English and Chinese, chosen once at start-up (--lang).
// (The file is ui_strings.h: a strings.h on the include path would shadow the C library's.)
// Each entry is written once with both languages side by side (FIELDBOOK_UI_STRINGS), so a
// missing translation is a compile error; UiTexts() gives the same table as entries of the one
// string-table type (fieldbook/lang_text.h) the device's messages and the reasons use. Entries
// ending in _fmt are printf formats; both languages take the same arguments in the same order.
//
// CodeLabel() translates the schema's enumeration codes (purpose "delivery", stage "deciding",
// ...) for display (fieldbook::CodeLabels()); unknown codes are shown as they are.
//
// Thread safety: immutable static data; safe from any thread.
#ifndef FIELDBOOK_CLIENT_APP_UI_STRINGS_H_
#define FIELDBOOK_CLIENT_APP_UI_STRINGS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lang/messages.h"

namespace fieldbook::app {

// The language (client/lang/messages.h: shared with fieldbook-cli and its messages).
using Lang = client::Lang;
using client::ParseLang;

// X(name, English, Chinese)
#define FIELDBOOK_UI_STRINGS(X)                                                                    \
  X(app_title, "Fieldbook", "Fieldbook 外勤手册")                                                  \
  X(loading, "Opening the replica...", "正在打开本地数据...")                                      \
  X(tab_customers, "Customers", "客户")                                                            \
  X(tab_plan, "Today's plan", "今日计划")                                                          \
  X(back_to_list, "< All customers", "< 全部客户")                                                 \
  X(tab_review_fmt, "Review (%d)", "待处理 (%d)")                                                  \
  X(search_hint, "Search name, city, phone, contact, notes", "搜索名称、城市、电话、联系人、备注") \
  X(filter_tier, "Tier", "等级")                                                                   \
  X(filter_stage, "Stage", "阶段")                                                                 \
  X(filter_type, "Type", "类型")                                                                   \
  X(filter_region, "Region", "区域")                                                               \
  X(filter_any, "Any", "全部")                                                                     \
  X(filter_pref, "Preference", "偏好")                                                             \
  X(filter_pref_value_hint, "e.g. 月结", "例如 月结")                                              \
  X(filter_overdue, "Overdue only", "仅逾期")                                                      \
  X(list_count_fmt, "%d customers", "共 %d 家客户")                                                \
  X(col_name, "Name", "名称")                                                                      \
  X(col_city, "City", "城市")                                                                      \
  X(col_tier, "Tier", "等级")                                                                      \
  X(col_stage, "Stage", "阶段")                                                                    \
  X(col_last_visit, "Last visit", "上次拜访")                                                      \
  X(overdue, "overdue", "逾期")                                                                    \
  X(no_selection, "Select a customer on the left.", "请在左侧选择客户。")                          \
  X(customer_gone, "This customer is no longer on this device.", "该客户已不在本设备上。")         \
  X(log_visit, "Log visit", "记录拜访")                                                            \
  X(tab_profile, "Profile & grade", "资料与评级")                                                  \
  X(tab_contacts, "Contacts", "联系人")                                                            \
  X(tab_visits, "Visits", "拜访")                                                                  \
  X(tab_orders, "Orders", "订单")                                                                  \
  X(tab_tasks, "Tasks", "任务")                                                                    \
  X(tab_feedback, "Feedback", "反馈")                                                              \
  X(field_type, "Type", "类型")                                                                    \
  X(field_relationship, "Relationship", "关系")                                                    \
  X(field_stage, "Purchase stage", "采购阶段")                                                     \
  X(field_region, "Region", "区域")                                                                \
  X(field_address, "Address", "地址")                                                              \
  X(field_phone, "Phone", "电话")                                                                  \
  X(field_contact, "Contact", "联系人")                                                            \
  X(field_owner, "Owner", "负责人")                                                                \
  X(field_territory, "Territory", "片区")                                                          \
  X(field_tags, "Tags", "标签")                                                                    \
  X(field_notes, "Notes", "备注")                                                                  \
  X(field_location, "Location", "位置")                                                            \
  X(public_pool, "public pool", "公海")                                                            \
  X(grade, "Grade", "评级")                                                                        \
  X(not_graded, "Not graded yet.", "尚未评级。")                                                   \
  X(grade_tier, "Tier", "等级")                                                                    \
  X(grade_recency, "Recency score", "最近购买得分")                                                \
  X(grade_frequency, "Frequency score", "购买频次得分")                                            \
  X(grade_monetary, "Monetary score", "消费金额得分")                                              \
  X(grade_churn, "Churn risk", "流失风险")                                                         \
  X(grade_lifecycle, "Lifecycle", "生命周期")                                                      \
  X(grade_ticket, "Ticket size", "客单价")                                                         \
  X(graded_at, "Graded at", "评级时间")                                                            \
  X(grade_reasons, "Why", "依据")                                                                  \
  X(provisional, "Provisional", "暂定")                                                            \
  X(provisional_note,                                                                              \
    "Computed on this device from what you recorded; the server's next grade "                     \
    "replaces it.",                                                                                \
    "根据您在本设备上的记录计算，服务器下次评级后将被替换。")                                      \
  X(grade_computed_at, "Computed at", "计算时间")                                                  \
  X(server_grade, "Server grade", "服务器评级")                                                    \
  X(tab_reports, "Reports", "报表")                                                                \
  X(reports_title, "Reports", "报表")                                                              \
  X(reports_refresh, "Update from server", "从服务器更新")                                         \
  X(reports_as_of_fmt, "Server reports as of %s", "服务器报表更新于 %s")                           \
  X(reports_never, "The server's reports are not on this device yet: sync to get them.",           \
    "本设备上还没有服务器报表：同步后即可查看。")                                                  \
  X(reports_failed_fmt, "Could not update from the server: %s", "无法从服务器更新：%s")            \
  X(reports_tiers, "Customers by tier (this device, works offline)",                               \
    "各等级客户数 (本设备数据，离线可用)")                                                         \
  X(reports_provisional_fmt, "%lld graded provisionally", "其中 %lld 个为暂定评级")                \
  X(not_graded_short, "Not graded", "未评级")                                                      \
  X(reports_migration, "Tier migration between the last two grading runs",                         \
    "最近两次评级之间的等级迁移")                                                                  \
  X(reports_runs_fmt, "Run %lld (%s) \xE2\x86\x92 run %lld (%s); rows: before, columns: after",    \
    "第 %lld 次 (%s) \xE2\x86\x92 第 %lld 次 (%s)；行：之前，列：之后")                            \
  X(reports_no_runs, "No grading run yet.", "尚无评级记录。")                                      \
  X(reports_new_tier, "new", "新")                                                                 \
  X(reports_at_risk, "At-risk customers", "流失风险客户")                                          \
  X(reports_no_risk, "No customer at risk.", "暂无流失风险客户。")                                 \
  X(reports_portfolio, "My portfolio", "我的客户组合")                                             \
  X(reports_portfolio_fmt, "As of %s", "截至 %s")                                                  \
  X(reports_customers, "Customers", "客户数")                                                      \
  X(reports_by_tier, "By tier", "按等级")                                                          \
  X(reports_follow_ups, "Follow-up tasks", "跟进任务")                                             \
  X(reports_visits, "Promised visits", "承诺的拜访")                                               \
  X(reports_due_fmt, "%lld due today, %lld overdue", "今日到期 %lld，逾期 %lld")                   \
  X(reports_revenue_fmt, "Revenue, last %d days", "近 %d 天营业额")                                \
  X(reports_no_portfolio, "No portfolio from the server yet.", "暂无服务器的客户组合数据。")       \
  X(none, "None yet.", "暂无。")                                                                   \
  X(col_title, "Title", "职务")                                                                    \
  X(col_wechat, "WeChat", "微信")                                                                  \
  X(primary, "primary", "主要")                                                                    \
  X(col_date, "Date", "日期")                                                                      \
  X(col_purpose, "Purpose", "目的")                                                                \
  X(col_outcome, "Outcome", "结果")                                                                \
  X(col_notes, "Notes", "备注")                                                                    \
  X(col_follow_up, "Follow-up", "跟进日期")                                                        \
  X(col_amount, "Amount", "金额")                                                                  \
  X(col_lines, "Lines", "明细")                                                                    \
  X(col_due, "Due", "到期")                                                                        \
  X(col_kind, "Kind", "类型")                                                                      \
  X(col_task, "Task", "任务")                                                                      \
  X(col_status, "Status", "状态")                                                                  \
  X(col_satisfaction, "Satisfaction", "满意度")                                                    \
  X(col_complaint, "Complaint", "投诉")                                                            \
  X(mark_done, "Done", "完成")                                                                     \
  /* The rep's forms (issue #18, H6): the order form */                                            \
  X(new_order, "New order", "新建订单")                                                            \
  X(order_title_fmt, "New order: %s", "新建订单：%s")                                              \
  X(correct_title_fmt, "Correct the order of %s: %s", "更正 %s 的订单：%s")                        \
  X(order_search_hint, "Part number, name or brand", "配件号、名称或品牌")                         \
  X(order_no_catalogue,                                                                            \
    "No product catalogue on this device: lines are free text with their price.",                  \
    "本设备没有产品目录：明细按自由文本录入，需填写单价。")                                        \
  X(order_no_hits, "No product matches.", "没有匹配的产品。")                                      \
  X(order_add, "Add", "添加")                                                                      \
  X(order_free_text_fmt, "Add \"%s\" as free text", "按自由文本添加“%s”")                          \
  X(col_part, "Part no.", "配件号")                                                                \
  X(col_brand, "Brand", "品牌")                                                                    \
  X(col_price, "Price", "价格")                                                                    \
  X(col_qty, "Qty", "数量")                                                                        \
  X(col_unit_price, "Unit price", "单价")                                                          \
  X(col_price_reason, "Why another price", "改价原因")                                             \
  X(col_line_total, "Line total", "小计")                                                          \
  X(order_reason_hint, "if not the list price", "与价目表不同时必填")                              \
  X(order_no_lines, "Add parts from the catalogue above.", "请从上方目录添加配件。")               \
  X(order_total_fmt, "Total %s", "合计 %s")                                                        \
  X(order_remove, "Remove", "删除")                                                                \
  X(correct_reason, "Why it is corrected", "更正原因")                                             \
  X(save_order, "Save order", "保存订单")                                                          \
  X(order_bad_price_fmt, "Line %d: the unit price must be an amount of yuan.",                     \
    "第 %d 行：单价应为金额 (元)。")                                                               \
  X(order_bad_qty_fmt, "Line %d: the quantity must be at least 1.", "第 %d 行：数量至少为 1。")    \
  X(order_need_price_fmt, "Line %d: give the unit price (the price list has none for it).",        \
    "第 %d 行：请填写单价 (价目表中没有此配件的价格)。")                                           \
  X(order_need_price_reason_fmt,                                                                   \
    "Line %d: the price differs from the list: say why in \"Why "                                  \
    "another price\".",                                                                            \
    "第 %d 行：价格与价目表不同，请填写“改价原因”。")                                              \
  X(order_need_lines, "An order needs at least one line.", "订单至少需要一行明细。")               \
  X(order_need_reason, "Say why the order is corrected.", "请填写更正原因。")                      \
  X(outlier_title, "Unusual amount", "金额异常")                                                   \
  X(outlier_question, "This total is far above this customer's usual orders. Save it anyway?",     \
    "该金额远高于此客户的常规订单。仍要保存吗？")                                                  \
  X(outlier_save, "Save anyway", "仍然保存")                                                       \
  X(outlier_back, "Go back and fix", "返回修改")                                                   \
  X(order_void, "Void", "作废")                                                                    \
  X(order_correct, "Correct", "更正")                                                              \
  X(order_is_void, "VOID", "作废单")                                                               \
  X(order_voided, "voided", "已作废")                                                              \
  X(order_corrected, "corrected", "已更正")                                                        \
  X(void_of_fmt, "Voids the order of %s: %s", "作废 %s 的订单：%s")                                \
  X(voided_because_fmt, "Voided: %s", "已作废：%s")                                                \
  X(corrected_by_fmt, "Replaced by the correction of %s", "已由 %s 的更正单取代")                  \
  X(corrects_fmt, "Corrects the order of %s", "更正 %s 的订单")                                    \
  X(void_title_fmt, "Void the order %s", "作废订单 %s")                                            \
  X(void_note,                                                                                     \
    "The order stays listed as voided; it no longer counts in totals, reports and grading.",       \
    "订单仍会显示并标记为作废；不再计入合计、报表和评级。")                                        \
  X(void_reason, "Why it is voided", "作废原因")                                                   \
  X(void_submit, "Void order", "作废订单")                                                         \
  X(void_need_reason, "Say why the order is voided.", "请填写作废原因。")                          \
  X(new_customer, "New customer", "新建客户")                                                      \
  X(edit_customer, "Edit", "编辑")                                                                 \
  X(edit_customer_fmt, "Edit customer: %s", "编辑客户：%s")                                        \
  X(field_name, "Name", "名称")                                                                    \
  X(field_name_latin, "Name in pinyin", "拼音名称")                                                \
  X(field_province, "Province", "省份")                                                            \
  X(dup_title, "Possibly already on this device: open it instead of adding it again",              \
    "本设备上可能已有此客户：请直接打开，不要重复添加")                                            \
  X(dup_same_phone, "same phone", "电话相同")                                                      \
  X(dup_similar_fmt, "similar name in %s", "%s 有相似名称")                                        \
  X(save_customer, "Save", "保存")                                                                 \
  X(save_anyway, "Save anyway: a different customer", "仍然保存：不是同一客户")                    \
  X(customer_need_name, "A customer needs a name.", "客户需要名称。")                              \
  X(add_contact, "Add contact", "添加联系人")                                                      \
  X(add_task, "Add task", "添加任务")                                                              \
  X(add_feedback, "Feedback", "记录反馈")                                                          \
  X(release_to_pool, "Release to pool", "退回公海")                                                \
  X(contact_add_fmt, "New contact: %s", "新建联系人：%s")                                          \
  X(contact_edit_fmt, "Edit contact: %s", "编辑联系人：%s")                                        \
  X(contact_email, "Email", "邮箱")                                                                \
  X(contact_birthday, "Birthday (YYYY-MM-DD)", "生日 (YYYY-MM-DD)")                                \
  X(contact_primary, "Primary contact", "主要联系人")                                              \
  X(contact_need_name, "A contact needs a name.", "联系人需要姓名。")                              \
  X(bad_birthday, "The birthday must be YYYY-MM-DD.", "生日格式应为 YYYY-MM-DD。")                 \
  X(edit_contact, "Edit", "编辑")                                                                  \
  X(task_add_fmt, "New task: %s", "新建任务：%s")                                                  \
  X(task_need_title, "Say what is to be done.", "请填写任务内容。")                                \
  X(task_bad_due, "The due date must be YYYY-MM-DD.", "到期日期格式应为 YYYY-MM-DD。")             \
  X(feedback_add_fmt, "Feedback: %s", "客户反馈：%s")                                              \
  X(feedback_not_asked, "Not asked", "未评价")                                                     \
  X(feedback_empty, "Give a satisfaction score or what the customer said.",                        \
    "请填写满意度或客户意见。")                                                                    \
  X(release_title_fmt, "Release to the public pool: %s", "退回公海：%s")                           \
  X(release_note,                                                                                  \
    "The request is sent at the next sync; the server grants or refuses it (see the Public pool "  \
    "tab).",                                                                                       \
    "申请将在下次同步时发送，由服务器批准或拒绝 (见公海页)。")                                     \
  X(release_reason, "Why", "原因")                                                                 \
  X(release_submit, "Release", "退回")                                                             \
  X(release_need_reason, "Say why the customer goes back to the pool.", "请填写退回公海的原因。")  \
  X(tab_preferences, "Preferences", "偏好")                                                        \
  X(pref_add, "Add preference", "添加偏好")                                                        \
  X(pref_add_fmt, "New preference: %s", "新建偏好：%s")                                            \
  X(pref_edit_fmt, "Edit preference: %s", "编辑偏好：%s")                                          \
  X(pref_remove_fmt, "Remove this preference of %s?", "删除 %s 的这项偏好？")                      \
  X(pref_kind, "Kind", "类别")                                                                     \
  X(pref_value, "Preference", "偏好内容")                                                          \
  X(pref_value_hint, "e.g. 博世, 月结, 上午送货", "例如 博世、月结、上午送货")                     \
  X(pref_need_value, "Say what the customer prefers.", "请填写客户的偏好。")                       \
  X(pref_already, "This customer already has this preference.", "该客户已有这项偏好。")            \
  X(pref_edit, "Edit", "编辑")                                                                     \
  X(pref_remove, "Remove", "删除")                                                                 \
  X(visit_title_fmt, "Log visit: %s", "记录拜访：%s")                                              \
  X(visit_purpose, "Purpose", "拜访目的")                                                          \
  X(visit_outcome, "Outcome", "拜访结果")                                                          \
  X(visit_notes, "Notes", "备注")                                                                  \
  X(visit_follow_up, "Next follow-up (YYYY-MM-DD)", "下次跟进 (YYYY-MM-DD)")                       \
  X(in_1_day, "Tomorrow", "明天")                                                                  \
  X(in_7_days, "In a week", "一周后")                                                              \
  X(in_14_days, "In 2 weeks", "两周后")                                                            \
  X(check_in_now, "Check in now", "现在签到")                                                      \
  X(check_out_now, "Check out now", "现在签退")                                                    \
  X(checked_in_fmt, "In: %s", "签到：%s")                                                          \
  X(checked_out_fmt, "Out: %s", "签退：%s")                                                        \
  X(with_location, "Record location", "记录位置")                                                  \
  X(latitude, "Latitude", "纬度")                                                                  \
  X(longitude, "Longitude", "经度")                                                                \
  X(save_visit, "Save visit", "保存拜访")                                                          \
  X(visit_start, "Check in (start the visit)", "签到（开始拜访）")                                 \
  X(visit_checkout, "Check out", "签退")                                                           \
  X(visit_in_progress_fmt, "Checked in since %s", "已签到，自 %s")                                 \
  X(visit_distance_fmt, "%.0f m from the garage: %s", "距门店 %.0f 米：%s")                        \
  X(visit_verified, "verified", "已核实")                                                          \
  X(visit_unverified, "unverified", "未核实")                                                      \
  X(visit_location_unknown, "location unknown", "位置未知")                                        \
  X(status_checked_in_fmt, "Checked in at %s since %s", "已在 %s 签到，自 %s")                     \
  X(cancel, "Cancel", "取消")                                                                      \
  X(saving, "Saving...", "正在保存...")                                                            \
  X(busy, "Busy, try again.", "正忙，请重试。")                                                    \
  X(bad_date, "The follow-up date must be YYYY-MM-DD.", "跟进日期格式应为 YYYY-MM-DD。")           \
  X(visit_saved, "Visit saved.", "拜访已保存。")                                                   \
  X(plan_title_fmt, "Today, %s", "今天 %s")                                                        \
  X(plan_overdue, "Overdue follow-ups", "逾期跟进")                                                \
  X(plan_due, "Due today", "今日到期")                                                             \
  X(plan_suggested, "Suggested visits", "建议拜访")                                                \
  X(plan_empty, "Nothing planned for today.", "今天没有安排。")                                    \
  X(plan_care_fmt, "Care (next %lld days)", "客户关怀（未来 %lld 天）")                            \
  X(plan_care_task, "Schedule care task", "安排关怀任务")                                          \
  X(open, "Open", "打开")                                                                          \
  X(online, "Online", "在线")                                                                      \
  X(offline, "Offline", "离线")                                                                    \
  X(not_connected, "Connection not checked", "尚未连接服务器")                                     \
  X(no_server, "No server configured", "未配置服务器")                                             \
  X(pending_one, "1 change waiting", "1 条改动待上传")                                             \
  X(pending_fmt, "%lld changes waiting", "%lld 条改动待上传")                                      \
  X(all_synced, "All changes sent", "改动已全部上传")                                              \
  X(last_sync_fmt, "Last sync: %s", "上次同步：%s")                                                \
  X(never_synced, "Never synced", "从未同步")                                                      \
  X(sync_summary_fmt, "Sent %zu, received %zu", "上传 %zu 条，下载 %zu 条")                        \
  X(sync_refused_fmt, ", refused %zu (see Review)", "，被拒 %zu 条 (见待处理)")                    \
  X(sync, "Sync", "同步")                                                                          \
  X(syncing, "Syncing...", "正在同步...")                                                          \
  X(review_title, "Changes the server refused", "服务器拒绝的改动")                                \
  X(review_empty, "Nothing to review: the server accepted every change.",                          \
    "没有待处理项：服务器已接受所有改动。")                                                        \
  X(col_code, "Code", "代码")                                                                      \
  X(col_record, "Record", "记录")                                                                  \
  X(col_reason, "Reason", "原因")                                                                  \
  X(col_values, "Refused values", "被拒绝的内容")                                                  \
  X(tab_pool, "Public pool", "公海")                                                               \
  X(pool_title_fmt, "Public pool (公海) as of %s", "公海客户 (更新于 %s)")                         \
  X(pool_never, "This device has no copy of the public pool yet: sync to get it.",                 \
    "本设备上还没有公海数据：同步后即可查看。")                                                    \
  X(pool_caps_fmt, "Claims today %lld of %lld, holding %lld of %lld",                              \
    "今日已认领 %lld/%lld，持有客户 %lld/%lld")                                                    \
  X(pool_regions_fmt, "Your regions: %s", "您的区域：%s")                                          \
  X(pool_all_regions, "Your regions: all", "您的区域：全部")                                       \
  X(pool_empty, "No customers in the pool for you.", "公海中暂无您可认领的客户。")                 \
  X(pool_error_fmt, "The last sync could not exchange the pool: %s (requests wait)",               \
    "上次同步未能更新公海：%s (申请将等待下次同步)")                                               \
  X(col_since, "In pool since", "进入公海")                                                        \
  X(col_why, "Why", "原因")                                                                        \
  X(pool_claim, "Claim", "认领")                                                                   \
  X(pool_claim_waiting, "Claim waits for sync", "认领待同步")                                      \
  X(pool_would_refuse_fmt, "The server would refuse now: %s", "服务器目前会拒绝：%s")              \
  X(pool_claim_recorded,                                                                           \
    "Claim recorded: it is sent at the next sync, where the server grants or refuses it.",         \
    "认领已记录：将在下次同步时发送，由服务器批准或拒绝。")                                        \
  X(pool_claim_failed_fmt, "Claim not recorded: %s", "认领未记录：%s")                             \
  X(pool_requests, "Your claims and releases", "您的认领与退回申请")                               \
  X(pool_no_requests, "No requests yet.", "暂无申请。")                                            \
  X(req_claim, "Claim", "认领")                                                                    \
  X(req_release, "Release", "退回公海")                                                            \
  X(req_pending, "Waiting for sync", "待同步")                                                     \
  X(req_granted, "Granted", "已批准")                                                              \
  X(req_released, "Released", "已退回")                                                            \
  X(req_refused, "Refused", "被拒绝")                                                              \
  X(col_requested, "Asked", "申请时间")                                                            \
  X(col_answer, "Server's answer", "服务器答复")                                                   \
  X(plan_reclaim, "Returning to the public pool", "即将退回公海")                                  \
  X(reclaim_in_fmt, "Returns to the pool in %lld days unless visited or ordered",                  \
    "%lld 天后退回公海，除非拜访或下单")                                                           \
  X(reclaim_tomorrow, "Returns to the pool tomorrow unless visited or ordered",                    \
    "明天退回公海，除非拜访或下单")                                                                \
  X(reclaim_due, "Due to return to the pool: visit or order now, then sync",                       \
    "已到期退回公海：请尽快拜访或下单并同步")                                                      \
  X(reclaim_last_fmt, "last visit or order %s", "上次拜访或下单 %s")                               \
  X(reclaim_no_activity, "no visit or order on record", "无拜访或订单记录")

struct Strings {
#define FIELDBOOK_UI_STRING_FIELD(name, en, zh) const char* name;
  FIELDBOOK_UI_STRINGS(FIELDBOOK_UI_STRING_FIELD)
#undef FIELDBOOK_UI_STRING_FIELD
  Lang lang;
};

const Strings& StringsFor(Lang lang);
// The same table, one LangText per entry (code = the entry's name), in table order.
std::span<const LangText> UiTexts();

// A schema code's label ("deciding" -> "Deciding" / "决策中"); the code itself when unknown.
std::string_view CodeLabel(Lang lang, std::string_view code);

// Known codes of one enumeration, in display order: "tier", "purpose", "outcome", "stage", "type",
// "region", "relationship", "task_kind", "task_status", "lifecycle", "ticket", "rule".
const std::vector<std::string>& CodesOf(std::string_view enumeration);

// Every text the UI may show in `lang` (strings and code labels), for the font atlas.
std::string AllText(Lang lang);

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_UI_STRINGS_H_
