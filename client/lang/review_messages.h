// The review list's words (issue #19; client/store/review.h): field and record names, what the
// hub's codes mean, and how an entry reads, in English and Chinese side by side like every
// message (lang/messages.h: part of that one table, so Render, the font atlas and LangTest's walk
// see them). review_field_<column>, review_table_<table>, review_code_<code>.
//
// Thread safety: a macro list only.
#ifndef FIELDBOOK_CLIENT_LANG_REVIEW_MESSAGES_H_
#define FIELDBOOK_CLIENT_LANG_REVIEW_MESSAGES_H_

// X(code, English, Chinese)
#define FIELDBOOK_REVIEW_MESSAGES(X)                                                      \
  X(review_title, "{0} · {1}", "{0}的{1}")                                                \
  X(review_title_new, "{0} · new {1}", "{0}的新{1}")                                      \
  X(review_unknown_garage, "garage {0}… (not on this device)", "客户 {0}…（本机没有）")   \
  X(review_change, "{0}: {1} → {2}", "{0}：由 {1} 改为 {2}")                              \
  X(review_change_new, "{0}: {1}", "{0}为 {1}")                                           \
  X(review_empty_value, "(empty)", "（空）")                                              \
  X(review_removed, "removed", "已删除")                                                  \
  X(review_waits_manager, "waits for your manager", "等待主管处理")                       \
  X(review_dismiss, "Dismiss", "忽略")                                                    \
  X(review_note_hint, "Note for your manager (optional)", "给主管的备注（可选）")         \
  X(review_dismissed, "Dismissed; your manager sees it with your note",                   \
    "已忽略；主管会看到这条记录和您的备注")                                               \
  X(review_table_customers, "customer details", "客户资料")                               \
  X(review_table_contacts, "contact", "联系人")                                           \
  X(review_table_visits, "visit", "拜访")                                                 \
  X(review_table_orders, "order", "订单")                                                 \
  X(review_table_order_lines, "order line", "订单明细")                                   \
  X(review_table_tasks, "follow-up", "跟进任务")                                          \
  X(review_table_feedback, "feedback", "反馈")                                            \
  X(review_table_customer_preferences, "preference", "偏好")                              \
  X(review_table_visit_checkins, "check-in", "签到")                                      \
  X(review_table_review_dismissals, "dismissal", "忽略记录")                              \
  X(review_code_reassigned, "the garage moved to another rep: waits for your manager",    \
    "客户已转给其他业务员：等待主管处理")                                                 \
  X(review_code_out_of_scope, "not one of your garages", "不是您负责的客户")              \
  X(review_code_immutable_fact, "a recorded visit, order or feedback cannot be edited",   \
    "已记录的拜访、订单或反馈不能修改")                                                   \
  X(review_code_constraint, "a value breaks a rule", "有数值不符合规则")                  \
  X(review_code_invalid, "not accepted as sent", "内容不被接受")                          \
  X(review_code_read_only_column, "set by the office, not on a device",                   \
    "由公司设置，设备不能修改")                                                           \
  X(review_code_read_only_table, "kept by the office", "由公司维护")                      \
  X(review_code_foreign_origin, "claims another device's change", "冒用了其他设备的改动") \
  X(review_code_unknown_table, "unknown to the server", "服务器不认识")                   \
  X(review_field_name, "Name", "名称")                                                    \
  X(review_field_name_latin, "Name (Latin)", "拼音名")                                    \
  X(review_field_customer_type, "Type", "类型")                                           \
  X(review_field_relationship, "Relationship", "客户关系")                                \
  X(review_field_purchase_stage, "Stage", "采购阶段")                                     \
  X(review_field_region_class, "Region", "区域")                                          \
  X(review_field_address, "Address", "地址")                                              \
  X(review_field_city, "City", "城市")                                                    \
  X(review_field_province, "Province", "省份")                                            \
  X(review_field_country, "Country", "国家")                                              \
  X(review_field_lat, "Latitude", "纬度")                                                 \
  X(review_field_lon, "Longitude", "经度")                                                \
  X(review_field_phone, "Phone", "电话")                                                  \
  X(review_field_primary_contact, "Main contact", "主要联系人")                           \
  X(review_field_birthday, "Birthday", "生日")                                            \
  X(review_field_tags, "Tags", "标签")                                                    \
  X(review_field_notes, "Notes", "备注")                                                  \
  X(review_field_title, "Title", "职务")                                                  \
  X(review_field_wechat, "WeChat", "微信")                                                \
  X(review_field_email, "Email", "邮箱")                                                  \
  X(review_field_is_primary, "Main contact", "主要联系人")                                \
  X(review_field_check_in, "Check-in", "签到时间")                                        \
  X(review_field_check_out, "Check-out", "离店时间")                                      \
  X(review_field_purpose, "Purpose", "拜访目的")                                          \
  X(review_field_outcome, "Outcome", "拜访结果")                                          \
  X(review_field_next_follow_up, "Next follow-up", "下次跟进")                            \
  X(review_field_order_date, "Order date", "下单日期")                                    \
  X(review_field_amount_cents, "Amount (cents)", "金额（分）")                            \
  X(review_field_currency, "Currency", "币种")                                            \
  X(review_field_part_no, "Part number", "配件编号")                                      \
  X(review_field_description, "Description", "描述")                                      \
  X(review_field_quantity, "Quantity", "数量")                                            \
  X(review_field_unit_price_cents, "Unit price (cents)", "单价（分）")                    \
  X(review_field_due_date, "Due", "截止日期")                                             \
  X(review_field_kind, "Kind", "类别")                                                    \
  X(review_field_status, "Status", "状态")                                                \
  X(review_field_done_at, "Done at", "完成时间")                                          \
  X(review_field_satisfaction, "Satisfaction", "满意度")                                  \
  X(review_field_complaint, "Complaint", "投诉")                                          \
  X(review_field_value, "Value", "内容")                                                  \
  X(review_field_note, "Note", "备注")                                                    \
  X(review_field_deleted, "Removed", "删除")                                              \
  X(review_field_voids_id, "Corrects", "更正")

#endif  // FIELDBOOK_CLIENT_LANG_REVIEW_MESSAGES_H_
