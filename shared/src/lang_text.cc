#include "fieldbook/lang_text.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace fieldbook {

namespace {

// Reasons of grades (shared/src/grading.cc), provisional grades (client/store/grades.cc) and the
// day plan (client/store/day_plan.cc), then date parts. English first, then Chinese.
constexpr LangText kCommon[] = {
    // Grading: recency, frequency, monetary.
    {"recency_days", "last order {days} days ago, scores {score}",
     "上次下单在 {days} 天前，得 {score} 分"},
    {"recency_days_quintile",
     "last order {days} days ago, scores {score} (quintile among customers with orders)",
     "上次下单在 {days} 天前，得 {score} 分（在有订单的客户中按五分位排名）"},
    {"recency_none", "no order yet, scores 0", "尚无订单，得 0 分"},
    {"frequency_orders", "{orders} orders in the last {window} days, scores {score}",
     "近 {window} 天下单 {orders} 次，得 {score} 分"},
    {"monetary_spend", "{spend:money} in the last {window} days, scores {score}",
     "近 {window} 天消费 {spend:money}，得 {score} 分"},
    {"frequency_none", "no order in the last {window} days, frequency and monetary score 0",
     "近 {window} 天没有订单，频次和金额均得 0 分"},
    {"score_kept_from_server",
     " (the server's score; these figures would score {device_score} on this device)",
     "（这是服务器的得分；按本设备的数据将得 {device_score} 分）"},
    // Tier and ticket.
    {"ticket_class", "{0} ticket", "{0}客单价"},
    {"tier_vip_spend", "{tier}: spent {spend:money} >= {min:money}",
     "{tier}：消费 {spend:money}，达到 {min:money}"},
    {"tier_vip_relationship", "{tier}: relationship is vip", "{tier}：客户关系为 VIP"},
    {"tier_score", "{tier}: R+F+M = {total} >= {min}", "{tier}：R+F+M = {total}，达到 {min}"},
    {"ticket_high", "average order {average:money} >= {threshold:money}: high ticket",
     "平均每单 {average:money}，不低于 {threshold:money}：高客单价"},
    {"ticket_low", "average order {average:money} < {threshold:money}: low ticket",
     "平均每单 {average:money}，低于 {threshold:money}：低客单价"},
    // Lifecycle.
    {"lifecycle_new_no_order", "new: no order yet", "新客户：尚无订单"},
    {"lifecycle_new_no_order_long", "new: no order yet (prospect for more than {days} days)",
     "新客户：尚无订单（已是潜在客户超过 {days} 天）"},
    {"lifecycle_new_first_order", "new: first order {days} days ago", "新客户：首单在 {days} 天前"},
    {"lifecycle_churned",
     "churned: no order for {quiet} days, {factor}x its rhythm > {limit}x; orders every {rhythm} "
     "days (median gap)",
     "已流失：{quiet} 天未下单，是其下单节奏的 {factor} 倍，超过 {limit} 倍；通常每 {rhythm} "
     "天下单一次（间隔中位数）"},
    {"lifecycle_at_risk",
     "at risk: no order for {quiet} days, {factor}x its rhythm > {limit}x; orders every {rhythm} "
     "days (median gap)",
     "有流失风险：{quiet} 天未下单，是其下单节奏的 {factor} 倍，超过 {limit} 倍；通常每 "
     "{rhythm} 天下单一次（间隔中位数）"},
    {"lifecycle_won_back",
     "won back: ordered again after {gap} quiet days (> {limit}x its rhythm of {rhythm} days)",
     "已挽回：沉寂 {gap} 天后再次下单（超过其 {rhythm} 天节奏的 {limit} 倍）"},
    {"lifecycle_active",
     "active: last order {quiet} days ago; orders every {rhythm} days (median gap)",
     "活跃：上次下单在 {quiet} 天前；通常每 {rhythm} 天下单一次（间隔中位数）"},
    // Churn risk and its adjustments.
    {"churn_risk_rhythm", "churn risk {risk} from {factor}x its rhythm since the last order",
     "风险值 {risk}，距上次下单已是其下单节奏的 {factor} 倍"},
    {"churn_risk_low_satisfaction", "low satisfaction {satisfaction}/5 (+0.15)",
     "满意度低 {satisfaction}/5（+0.15）"},
    {"churn_risk_satisfied", "satisfied {satisfaction}/5 (-0.05)",
     "满意度高 {satisfaction}/5（-0.05）"},
    {"churn_risk_orders_halved", "orders halved ({before} -> {after}) (+0.10)",
     "订单减半（{before} → {after}）（+0.10）"},
    // What the data decide.
    {"stage_ordered", "customer: has ordered (was {was})", "已成交：已经下单（原为 {was:label}）"},
    {"relationship_ordered", "existing: has ordered", "现有客户：已经下单"},
    {"relationship_vip_spend", "vip: spend reached the VIP threshold", "VIP：消费达到 VIP 门槛"},
    // Provisional grades (client/store/grades.cc).
    {"provisional_since_server",
     "computed on this device on {day} from {facts:facts} recorded here since the server's grade "
     "of {graded_at}; the server's next grade replaces it; parts the records did not change keep "
     "the server's values",
     "{day:date} 在本设备上根据此后记录的 {facts:facts} 计算（服务器上次评级于 {graded_at:date}）；"
     "服务器下次评级后将被替换；这些记录未改变的部分保留服务器的结果"},
    {"provisional_first",
     "computed on this device on {day} from {facts:facts} recorded here (the server has not "
     "graded this customer yet); the server's next grade replaces it",
     "{day:date} 在本设备上根据此处记录的 {facts:facts} 计算（服务器尚未给该客户评级）；"
     "服务器下次评级后将被替换"},
    {"provisional_quintiles",
     "quintiles rank among the {customers:plural:customer:customers} with orders on this device",
     "五分位在本设备上有订单的 {customers} 个客户中排名"},
    {"provisional_rules_unreadable",
     "the rules on this device could not be read ({error}), the built-in defaults were used",
     "本设备上的评级规则无法读取（{error}），已使用内置默认规则"},
    // The day plan (client/store/day_plan.cc).
    {"plan_task_overdue", "{kind} task \"{title}\" overdue since {due} ({days:days})",
     "{kind:label}任务“{title}”自 {due:date} 起逾期（{days} 天）"},
    {"plan_task_due", "{kind} task \"{title}\" due today", "{kind:label}任务“{title}”今天到期"},
    {"plan_plain_task_overdue", "task \"{title}\" overdue since {due} ({days:days})",
     "任务“{title}”自 {due:date} 起逾期（{days} 天）"},
    {"plan_plain_task_due", "task \"{title}\" due today", "任务“{title}”今天到期"},
    {"plan_visit_follow_up_overdue",
     "follow-up promised at the visit of {visit_day} was due {due} ({days:days} overdue)",
     "{visit_day:date} 拜访时约定的跟进已于 {due:date} 到期（逾期 {days} 天）"},
    {"plan_visit_follow_up_due", "follow-up promised at the visit of {visit_day} is due today",
     "{visit_day:date} 拜访时约定的跟进今天到期"},
    {"plan_tier", "tier {tier}", "{tier} 级"},
    {"plan_tier_provisional", "tier {tier} (provisional)", "{tier} 级（暂定）"},
    {"plan_tier_ungraded", "tier C (not graded)", "按 C 级（尚未评级）"},
    {"plan_last_visit", "last visit {days:days} ago", "上次拜访在 {days} 天前"},
    {"plan_never_visited", "never visited", "从未拜访"},
    {"plan_churn_risk", "churn risk {risk}", "流失风险 {risk}"},
    {"care_task", "{kind} task \"{title}\" for {customer} due {date}, {days:in_days}",
     "{customer} 的{kind:label}任务“{title}”于 {date:date} 到期，{days:in_days}"},
    {"care_birthday", "birthday of {who} on {date}, {days:in_days}",
     "{who} 的生日在 {date:date}，{days:in_days}"},
    // The public pool's answers to a rep's claim (server/store/pool_store.cc) and the assignment
    // rules a rep breaks for a customer (server/domain/assignment_rules.cc): the rep's own words
    // ("..._you") and a manager's (naming the rep).
    {"pool_daily_cap", "daily claim cap reached ({n}/{cap})", "今日认领次数已达上限（{n}/{cap}）"},
    {"pool_holding_cap", "holding cap reached ({n}/{cap})", "持有客户数已达上限（{n}/{cap}）"},
    {"pool_tier_a_cap", "tier-A capacity reached ({n}/{cap})", "A 级客户容量已满（{n}/{cap}）"},
    {"pool_no_customer", "no customer {customer}", "没有客户 {customer}"},
    {"pool_not_in_pool", "customer {customer} is not in the pool", "客户 {customer} 不在公海中"},
    {"pool_already_yours", "customer {customer} is not in the pool: it is already yours",
     "客户 {customer} 不在公海中：已经是您的客户"},
    {"pool_already_claimed", "already claimed by {who} at {at}",
     "已被 {who} 认领（{at:date} UTC）"},
    {"pool_already_assigned", "already assigned to {who} by a manager at {at}",
     "已由主管分配给 {who}（{at:date} UTC）"},
    {"pool_claimed", "claimed from the pool", "已从公海认领"},
    {"pool_released", "released to the pool", "已放回公海"},
    // The pool's audit and the scope history (server/store/pool_store.cc, duplicate_store.cc):
    // why a customer changed hands, the English as it always was.
    {"pool_claimed_asked", "claimed from the pool (asked on the device at {at})",
     "已从公海认领（在设备上申请于 {at:date}）"},
    {"pool_assigned", "assigned from the pool", "已从公海分配"},
    {"pool_assigned_despite_skill",
     "assigned from the pool despite: tier {tier} needs {needed}: "
     "{rep} is {skill}",
     "已从公海分配，尽管 {tier} 级客户需要{needed:label}业务员：{rep} 是{skill:label}"},
    {"pool_assigned_despite_region",
     "assigned from the pool despite: region mismatch: customer in {region}, {rep} serves "
     "{regions}",
     "已从公海分配，尽管区域不符：客户在 {region}，{rep} 负责 {regions}"},
    {"pool_assigned_despite_closer",
     "assigned from the pool despite: stage {stage} needs a closer: {rep} is not one",
     "已从公海分配，尽管采购阶段为{stage:label}的客户需要成交专员：{rep} 不是"},
    {"scope_claimed", "claimed from the pool by {rep}", "{rep} 已从公海认领"},
    {"scope_released", "released to the pool by {actor}: {reason}", "{actor} 已放回公海：{reason}"},
    {"scope_assigned", "assigned from the pool by {actor}", "{actor} 已从公海分配"},
    {"scope_merged", "merged into {survivor} by {actor}", "{actor} 已将其合并到 {survivor}"},
    // A customer the import put in the pool (server/import/importer.cc): the file and why, a
    // nested phrase (the plan's reason, or the import's own refusal).
    {"pool_imported", "imported from {file}: {reason:phrase}", "从 {file} 导入：{reason:phrase}"},
    {"scope_released_why", "released to the pool by {actor}: {reason:phrase}",
     "{actor} 已放回公海：{reason:phrase}"},
    // The scope history's other reasons (server/store/server_store.cc) and an assignment plan's
    // move in the audit log (server/store/assignment_store.cc).
    {"scope_territory_assigned", "territory {territory} assigned to {rep} by {actor}",
     "{actor} 已将片区 {territory} 分配给 {rep}"},
    {"scope_reassigned", "customer reassigned to {rep} by {actor}", "{actor} 已将客户改派给 {rep}"},
    {"scope_created", "customer created", "客户已创建"},
    {"scope_created_by", "created by {rep}", "由 {rep} 创建"},
    {"scope_territory_changed", "territory changed", "片区已变更"},
    {"audit_assign_move", "rule {rule}: {why:phrase}",
     "按分配规则（{rule:label}）改派：{why:phrase}"},
    // Why the nightly reclaim put a customer back in the pool (server/store/pool_store.cc).
    {"pool_reclaim_idle",
     "no visit or order in the {days} days after {from} (tier {tier}); last one {last}",
     "自 {from:date} 起 {days} 天内没有拜访或订单（{tier} 级）；最近一次在 {last:date}"},
    {"pool_reclaim_idle_never",
     "no visit or order in the {days} days after {from} (tier {tier}); no visit or order on "
     "record",
     "自 {from:date} 起 {days} 天内没有拜访或订单（{tier} 级）；没有任何拜访或订单记录"},
    {"pool_reclaim_idle_ungraded",
     "no visit or order in the {days} days after {from} (not graded); last one {last}",
     "自 {from:date} 起 {days} 天内没有拜访或订单（未评级）；最近一次在 {last:date}"},
    {"pool_reclaim_idle_ungraded_never",
     "no visit or order in the {days} days after {from} (not graded); no visit or order on "
     "record",
     "自 {from:date} 起 {days} 天内没有拜访或订单（未评级）；没有任何拜访或订单记录"},
    {"pool_reclaim_waited",
     "no visit or order in the {days} days after {from}; {rep}'s devices have not synced since "
     "the deadline, waited the maximum {max} days",
     "自 {from:date} 起 {days} 天内没有拜访或订单；截止日后 {rep} 的设备一直没有同步，已等满最长的 "
     "{max} 天"},
    {"pool_reclaim_waiting",
     "due since {due}; waiting for {rep}'s devices to sync, at the latest until {until}",
     "自 {due:date} 起到期；正在等待 {rep} 的设备同步，最晚等到 {until:date}"},
    {"fit_skill", "tier {tier} needs {needed}: {rep} is {skill}",
     "{tier} 级客户需要{needed:label}业务员：{rep} 是{skill:label}"},
    {"fit_skill_you", "tier {tier} needs {needed}: you are {skill}",
     "{tier} 级客户需要{needed:label}业务员：您是{skill:label}"},
    {"fit_region", "region mismatch: customer in {region}, {rep} serves {regions}",
     "区域不符：客户在 {region}，{rep} 负责 {regions}"},
    {"fit_region_you", "not in your region: customer in {region}, you serve {regions}",
     "不在您的区域：客户在 {region}，您负责 {regions}"},
    {"fit_closer", "stage {stage} needs a closer: {rep} is not one",
     "采购阶段为{stage:label}的客户需要成交专员：{rep} 不是"},
    {"fit_closer_you", "stage {stage} needs a closer: you are not one",
     "采购阶段为{stage:label}的客户需要成交专员：您不是"},
    // The assignment plan's reasons (server/domain/assignment_engine.cc), for the console.
    {"assign_no_rep", "no rep holds this customer", "没有业务员负责该客户"},
    {"assign_rep_gone", "rep {rep} no longer exists", "业务员 {rep} 已不存在"},
    {"assign_rep_disabled", "rep {rep} is disabled", "业务员 {rep} 已停用"},
    {"assign_rep_manager", "{rep} is a manager, not a rep", "{rep} 是主管，不是业务员"},
    {"assign_over_capacity", "rep {rep} over capacity {n}/{cap}",
     "业务员 {rep} 超出容量 {n}/{cap}"},
    {"assign_over_capacity_a", "rep {rep} over tier-A capacity {n}/{cap}",
     "业务员 {rep} 超出 A 级客户容量 {n}/{cap}"},
    {"assign_rebalance",
     "rebalance: {from} at {from_share} of capacity, {to} at {to_share} after the move",
     "均衡负载：{from} 已用容量的 {from_share}，调整后 {to} 为 {to_share}"},
    // An unplaced customer's reason (assignment_engine.h UnplacedWhy): why it should move (a
    // nested phrase) and what no rep could offer (need_..., a nested list).
    {"assign_unplaced_none", "{why:phrase}; no other active rep",
     "{why:phrase}；没有其他在职业务员"},
    {"assign_unplaced", "{why:phrase}; no other rep {needs:phrases}",
     "{why:phrase}；没有其他业务员同时满足：{needs:phrases}"},
    {"need_skill", "is {skill}", "是{skill:label}业务员"},
    {"need_region", "serves {region}", "负责 {region}"},
    {"need_closer", "is a closer", "是成交专员"},
    {"need_room", "has room", "有余量"},
    // Dates.
    {"date_day_month_year", "{2} {1} {0}", "{0}年{1}{2}日"},
    {"month_1", "Jan", "1月"},
    {"month_2", "Feb", "2月"},
    {"month_3", "Mar", "3月"},
    {"month_4", "Apr", "4月"},
    {"month_5", "May", "5月"},
    {"month_6", "Jun", "6月"},
    {"month_7", "Jul", "7月"},
    {"month_8", "Aug", "8月"},
    {"month_9", "Sep", "9月"},
    {"month_10", "Oct", "10月"},
    {"month_11", "Nov", "11月"},
    {"month_12", "Dec", "12月"},
};

// The schema's CHECKed enumerations (schema/sql/domain/0001_domain.sql), the visit purposes and
// outcomes the field team uses, the grade's parts and its ticket class.
constexpr LangText kLabels[] = {
    {"tier.A", "A", "A"},
    {"tier.B", "B", "B"},
    {"tier.C", "C", "C"},
    {"tier.D", "D", "D"},
    {"pref.brand", "Brand", "品牌"},
    {"pref.payment_terms", "Payment terms", "付款方式"},
    {"pref.delivery", "Delivery", "送货"},
    {"pref.other", "Other", "其他"},
    {"purpose.routine", "Routine call", "例行拜访"},
    {"purpose.delivery", "Delivery", "送货"},
    {"purpose.complaint", "Complaint", "处理投诉"},
    {"purpose.promotion", "Promotion", "促销推广"},
    {"purpose.collection", "Payment collection", "收款"},
    {"outcome.ordered", "Ordered", "已下单"},
    {"outcome.quoted", "Quoted", "已报价"},
    {"outcome.follow_up", "Needs follow-up", "需跟进"},
    {"outcome.resolved", "Resolved", "已解决"},
    {"outcome.no_need", "No need now", "暂无需求"},
    {"stage.aware", "Aware", "初步了解"},
    {"stage.interested", "Interested", "有意向"},
    {"stage.deciding", "Deciding", "决策中"},
    {"stage.customer", "Customer", "已成交"},
    {"stage.unset", "unset", "未设置"},
    {"type.garage", "Garage", "汽修厂"},
    {"type.dealer", "Dealer", "经销商"},
    {"type.fleet", "Fleet", "车队"},
    {"type.individual", "Individual", "个人"},
    {"region.local", "Local", "本地"},
    {"region.domestic", "Domestic", "国内"},
    {"region.international", "International", "国际"},
    {"relationship.potential", "Potential", "潜在客户"},
    {"relationship.existing", "Existing", "现有客户"},
    {"relationship.vip", "VIP", "VIP"},
    {"task_kind.call", "Call", "电话"},
    {"task_kind.visit", "Visit", "拜访"},
    {"task_kind.care", "Care", "关怀"},
    {"task_kind.birthday", "Birthday", "生日"},
    {"task_status.open", "Open", "待办"},
    {"task_status.done", "Done", "已完成"},
    {"task_status.cancelled", "Cancelled", "已取消"},
    {"lifecycle.new", "New", "新客户"},
    {"lifecycle.active", "Active", "活跃"},
    {"lifecycle.at_risk", "At risk", "有流失风险"},
    {"lifecycle.churned", "Churned", "已流失"},
    {"lifecycle.won_back", "Won back", "已挽回"},
    {"ticket.high", "high", "高"},
    {"ticket.low", "low", "低"},
    {"skill.junior", "Junior", "初级"},
    {"skill.senior", "Senior", "高级"},
    {"skill.key_account", "Key account", "大客户"},
    {"skill.junior+", "Junior or above", "初级及以上"},
    {"skill.senior+", "Senior or above", "高级及以上"},
    // Nouns of the device's store that its errors name ({what:word}: "no customer X on this
    // device"), and the customer fields a rep edits.
    {"word.customer", "customer", "客户"},
    {"word.order", "order", "订单"},
    {"word.task", "task", "任务"},
    {"word.visit", "visit", "拜访"},
    {"word.preference", "preference", "偏好"},
    {"word.contact", "contact", "联系人"},
    {"word.check-in", "check-in", "签到"},
    {"word.check-out", "check-out", "离店"},
    {"word.the check-in", "the check-in", "签到"},
    {"word.the check-out", "the check-out", "离店"},
    {"word.customer type", "customer type", "客户类型"},
    {"word.relationship", "relationship", "客户关系"},
    {"word.purchase stage", "purchase stage", "采购阶段"},
    {"word.region class", "region class", "区域类别"},
    {"word.tier", "tier", "等级"},
    {"word.preference kind", "preference kind", "偏好类别"},
    {"word.task kind", "task kind", "任务类别"},
    {"word.latitude", "latitude", "纬度"},
    {"word.longitude", "longitude", "经度"},
    {"word.name", "name", "名称"},
    {"word.name_latin", "name_latin", "拼音名称"},
    {"word.phone", "phone", "电话"},
    {"word.address", "address", "地址"},
    {"word.city", "city", "城市"},
    {"word.province", "province", "省份"},
    {"word.country", "country", "国家"},
    {"word.primary_contact", "primary_contact", "主要联系人"},
    {"word.birthday", "birthday", "生日"},
    {"word.tags", "tags", "标签"},
    {"word.notes", "notes", "备注"},
    {"word.customer_type", "customer_type", "客户类型"},
    {"word.purchase_stage", "purchase_stage", "采购阶段"},
    {"word.region_class", "region_class", "区域类别"},
    {"word.lat", "lat", "纬度"},
    {"word.lon", "lon", "经度"},
    {"word.owner_rep_id", "owner_rep_id", "负责人"},
    {"word.territory_id", "territory_id", "片区"},
    {"word.grade_tier", "grade_tier", "评级"},
    {"word.grade_lifecycle", "grade_lifecycle", "生命周期"},
    {"word.grade_churn_risk", "grade_churn_risk", "流失风险"},
    {"word.graded_at", "graded_at", "评级时间"},
    {"word.id", "id", "编号"},
    {"word.created_at", "created_at", "添加时间"},
    {"word.deleted", "deleted", "删除标记"},
    // The assignment plan's rules, as an audited move names them (audit_assign_move {rule:label}).
    {"assign_rule.no_rep", "no_rep", "无业务员"},
    {"assign_rule.inactive", "inactive", "业务员不可用"},
    {"assign_rule.skill", "skill", "技能"},
    {"assign_rule.region", "region", "区域"},
    {"assign_rule.closer", "closer", "成交专员"},
    {"assign_rule.capacity", "capacity", "容量"},
    {"assign_rule.capacity_a", "capacity_a", "A 级容量"},
    {"assign_rule.rebalance", "rebalance", "负载均衡"},
    // The tables an import writes, as the hub's refusal of a row names them ({table:word}).
    {"word.customers", "customers", "客户"},
    {"word.contacts", "contacts", "联系人"},
    {"word.visits", "visits", "拜访"},
    {"word.orders", "orders", "订单"},
    {"word.order_lines", "order_lines", "订单明细"},
    {"word.products", "products", "配件"},
    // The parts of a grade, as its reasons name them (English: the part's own name).
    {"rule.provisional", "provisional", "暂定"},
    {"rule.recency", "recency", "最近购买"},
    {"rule.frequency", "frequency", "购买频次"},
    {"rule.monetary", "monetary", "消费金额"},
    {"rule.tier", "tier", "等级"},
    {"rule.ticket", "ticket", "客单价"},
    {"rule.lifecycle", "lifecycle", "生命周期"},
    {"rule.churn_risk", "churn_risk", "流失风险"},
    {"rule.purchase_stage", "purchase_stage", "采购阶段"},
    {"rule.relationship", "relationship", "客户关系"},
};

bool Digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

const std::string* ValueOf(const TextValues& values, std::string_view name) {
  for (const auto& [key, value] : values) {
    if (key == name) return &value;
  }
  return nullptr;
}

// "orders visits feedback" counts ("1 2 0") as "1 order and 2 visits" / "1 个订单和 2 次拜访"
// (the counts that are not 0).
std::string FactsText(Lang lang, const std::string& counts) {
  const bool zh = lang == Lang::kChinese;
  const char* units[3][3] = {{"order", "orders", " 个订单"},
                             {"visit", "visits", " 次拜访"},
                             {"feedback", "feedback", " 条反馈"}};
  std::vector<std::string> parts;
  size_t at = 0;
  for (const auto& unit : units) {
    if (at > counts.size()) break;  // fewer counts than units (a stored value is not trusted)
    const size_t end = std::min(counts.find(' ', at), counts.size());
    const std::string n = counts.substr(at, end - at);
    at = end + 1;
    if (n.empty() || n == "0" || !Digits(n)) continue;
    parts.push_back(zh ? n + unit[2] : n + " " + (n == "1" ? unit[0] : unit[1]));
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? (zh ? "和 " : " and ") : (zh ? "、" : ", ");
    out += parts[i];
  }
  return out;
}

// A value filled in by its kind ("money", "date", "label", "days", "plural:one:many").
std::string Formatted(Lang lang, const std::string& value, std::string_view kind) {
  const size_t colon = kind.find(':');
  const std::string_view head = kind.substr(0, colon);
  if (head == "money") {
    char* end = nullptr;
    const double yuan = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0' || !std::isfinite(yuan) || std::fabs(yuan) > 9e15) {
      return value;
    }
    return FormatMoney(lang, std::llround(yuan * 100.0));
  }
  if (head == "date") return FormatDate(lang, value);
  if (head == "label") return std::string(CodeLabel(lang, "", value));
  if (head == "word") return std::string(CodeLabel(lang, "word", value));
  if (head == "days") {
    if (lang == Lang::kChinese) return value + " 天";
    return value + (value == "1" ? " day" : " days");
  }
  if (head == "facts") return FactsText(lang, value);
  if (head == "in_days") {
    if (value == "0") return lang == Lang::kChinese ? "今天" : "today";
    if (value == "1") return lang == Lang::kChinese ? "明天" : "tomorrow";
    return lang == Lang::kChinese ? value + " 天后" : "in " + value + " days";
  }
  if (head == "plural" && colon != std::string_view::npos) {
    const std::string_view forms = kind.substr(colon + 1);
    const size_t split = forms.find(':');
    if (split == std::string_view::npos) return value;
    return value + " " +
           std::string(value == "1" ? forms.substr(0, split) : forms.substr(split + 1));
  }
  return value;
}

}  // namespace

const LangText* FindText(std::span<const LangText> table, std::string_view code) {
  for (const LangText& t : table) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

std::span<const LangText> CommonTexts() { return kCommon; }

std::span<const LangText> CodeLabels() { return kLabels; }

std::string_view CodeLabel(Lang lang, std::string_view enumeration, std::string_view value) {
  for (const LangText& t : kLabels) {
    const size_t dot = t.code.find('.');
    if (t.code.substr(dot + 1) == value &&
        (enumeration.empty() || t.code.substr(0, dot) == enumeration)) {
      return t.In(lang);
    }
  }
  return value;
}

namespace {

// A phrase nested in `values` under `name` (phrase_nest.h): its code is the value `name`, its
// values those named "name.X"; in `lang` when this build knows the code, else the code.
std::string SayNested(Lang lang, const TextValues& values, std::string_view name,
                      const std::string& code) {
  Phrase inner{code, {}};
  const std::string prefix = std::string(name) + ".";
  for (const auto& [key, value] : values) {
    if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0) {
      inner.values.emplace_back(key.substr(prefix.size()), value);
    }
  }
  return SayKnown(lang, inner).value_or(code);
}

// The most items of a nested list rendered (a real one names at most the 4 needs: skill, region,
// closer, room): a list off the network is bounded before it is spelled out, the rest is "…".
constexpr size_t kMaxNestedItems = 8;

// A nested list (phrase_nest.h): the codes of `codes` (separated by spaces), item I's values
// named "name.I.X"; "a, b and c" / "a、b、c".
std::string SayNestedList(Lang lang, const TextValues& values, std::string_view name,
                          std::string_view codes) {
  std::vector<std::string> items;
  for (size_t start = 0; start < codes.size();) {
    if (items.size() == kMaxNestedItems) {
      items.push_back("…");
      break;
    }
    size_t end = codes.find(' ', start);
    if (end == std::string_view::npos) end = codes.size();
    if (end > start) {
      items.push_back(SayNested(lang, values,
                                std::string(name) + "." + std::to_string(items.size()),
                                std::string(codes.substr(start, end - start))));
    }
    start = end + 1;
  }
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += lang == Lang::kChinese ? "、" : (i + 1 == items.size() ? " and " : ", ");
    out += items[i];
  }
  return out;
}

}  // namespace

std::string FillText(Lang lang, std::string_view tmpl, const TextValues& values) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    const size_t close = tmpl[i] == '{' ? tmpl.find('}', i) : std::string_view::npos;
    if (close != std::string_view::npos) {
      const std::string_view inside = tmpl.substr(i + 1, close - i - 1);
      const size_t colon = inside.find(':');
      const std::string_view name = inside.substr(0, colon);
      if (const std::string* value = ValueOf(values, name); value != nullptr && !name.empty()) {
        const std::string_view kind =
            colon == std::string_view::npos ? std::string_view() : inside.substr(colon + 1);
        if (kind == "phrase") {
          out += SayNested(lang, values, name, *value);
        } else if (kind == "phrases") {
          out += SayNestedList(lang, values, name, *value);
        } else {
          out += kind.empty() ? *value : Formatted(lang, *value, kind);
        }
        i = close;
        continue;
      }
    }
    out += tmpl[i];
  }
  return out;
}

std::string Say(Lang lang, const Phrase& phrase, std::string_view fallback) {
  const LangText* t = FindText(kCommon, phrase.code);
  if (t == nullptr) return std::string(fallback.empty() ? phrase.code : fallback);
  return FillText(lang, t->In(lang), phrase.values);
}

std::optional<std::string> SayKnown(Lang lang, const Phrase& phrase) {
  if (FindText(HttpRefusals(), phrase.code) != nullptr) return SayRefusal(lang, phrase);
  if (FindText(kCommon, phrase.code) != nullptr) return Say(lang, phrase);
  return std::nullopt;
}

std::string SayPhrase(Lang lang, const Phrase& phrase, std::string_view english) {
  std::optional<std::string> said = SayKnown(lang, phrase);
  return said ? std::move(*said) : std::string(english);
}

std::string SayAll(Lang lang, const std::vector<Phrase>& phrases) {
  std::vector<std::string> texts;
  for (const Phrase& p : phrases) texts.push_back(Say(lang, p));
  return JoinTexts(lang, texts, /*clauses=*/false);
}

std::string JoinTexts(Lang lang, const std::vector<std::string>& texts, bool clauses) {
  const char* separator =
      lang == Lang::kChinese ? (clauses ? "；" : "，") : (clauses ? "; " : ", ");
  std::string out;
  for (const std::string& t : texts) out += (out.empty() ? "" : separator) + t;
  return out;
}

std::string NumberText(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(v - std::round(v)) < 1e-9 ? "%.0f" : "%.2f", v);
  return buf;
}

std::string FormatDate(Lang lang, std::string_view iso) {
  // YYYY-MM-DD, then optionally a space or 'T' and HH:MM.
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-' || !Digits(iso.substr(0, 4)) ||
      !Digits(iso.substr(5, 2)) || !Digits(iso.substr(8, 2))) {
    return std::string(iso);
  }
  const int month = std::atoi(std::string(iso.substr(5, 2)).c_str());
  const int day = std::atoi(std::string(iso.substr(8, 2)).c_str());
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::string(iso);
  std::string time;
  if (iso.size() >= 16 && (iso[10] == ' ' || iso[10] == 'T') && iso[13] == ':' &&
      Digits(iso.substr(11, 2)) && Digits(iso.substr(14, 2))) {
    time = " " + std::string(iso.substr(11, 5));
    // A UTC time says so in both languages ("...T09:15:00Z"): its seconds and fraction are not
    // shown, its zone is. (A text's own " UTC" after "{at:date}" follows a value that ends there.)
    std::string_view zone = iso.substr(16);
    if (zone.size() >= 3 && zone[0] == ':' && Digits(zone.substr(1, 2))) zone.remove_prefix(3);
    if (!zone.empty() && zone[0] == '.') {
      const size_t digits = zone.find_first_not_of("0123456789", 1);
      zone.remove_prefix(digits == std::string_view::npos ? zone.size() : digits);
    }
    if (zone == "Z") time += " UTC";
  }
  const LangText* pattern = FindText(kCommon, "date_day_month_year");
  const LangText* name = FindText(kCommon, "month_" + std::to_string(month));
  return FillText(lang, pattern->In(lang),
                  {{"0", std::string(iso.substr(0, 4))},
                   {"1", std::string(name->In(lang))},
                   {"2", std::to_string(day)}}) +
         time;
}

std::string FormatMoney(Lang lang, int64_t cents) {
  const std::string amount = FormatAmount(cents);
  const bool negative = cents < 0;
  const std::string number = negative ? amount.substr(1) : amount;
  const std::string sign = negative ? "-" : "";
  return lang == Lang::kChinese ? sign + number + " 元" : sign + "¥" + number;
}

std::optional<Lang> ParseLang(std::string_view text) {
  // "en", "zh", or either followed by a region or an encoding ("zh-CN", "ZH_CN", "zh_CN.UTF-8").
  if (text.size() < 2 || (text.size() > 2 && text[2] != '-' && text[2] != '_' && text[2] != '.')) {
    return std::nullopt;
  }
  std::string lower(text.substr(0, 2));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "en") return Lang::kEnglish;
  if (lower == "zh") return Lang::kChinese;
  return std::nullopt;
}

Lang ChooseLang(std::string_view flag) {
  if (!flag.empty()) return ParseLang(flag).value_or(Lang::kEnglish);
  // The first locale variable that is set decides, as for any program (POSIX's order).
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') {
      return ParseLang(v).value_or(Lang::kEnglish);
    }
  }
  return Lang::kEnglish;
}

std::string FormatAmount(int64_t cents) {
  const bool negative = cents < 0;
  // The magnitude without overflowing on INT64_MIN.
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(cents + 1)) + 1 : static_cast<uint64_t>(cents);
  std::string whole = std::to_string(magnitude / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) {
    whole.insert(static_cast<size_t>(i), ",");
  }
  const uint64_t fen = magnitude % 100;
  return (negative ? "-" : "") + whole + "." + (fen < 10 ? "0" : "") + std::to_string(fen);
}

}  // namespace fieldbook
