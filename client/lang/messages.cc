#include "lang/messages.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "lang/review_messages.h"

namespace fieldbook::client {

namespace {

// clang-format off
// Entries of other tables written as X(code, English, Chinese) join this one through this macro
// (e.g. FIELDBOOK_REVIEW_MESSAGES(FIELDBOOK_MESSAGE_ENTRY) at the end of kMessages).
#define FIELDBOOK_MESSAGE_ENTRY(code, en, zh) {#code, en, zh},
constexpr LangText kMessages[] = {
    {"sync_kept_one", "nothing was lost: 1 change stays queued on this device for the next sync",
     "没有丢失任何数据：1 条改动已安全保存在本机，下次同步时发送"},
    {"sync_kept_many", "nothing was lost: {0} changes stay queued on this device for the next sync",
     "没有丢失任何数据：{0} 条改动已安全保存在本机，下次同步时发送"},
    {"sync_pool_one", ", and 1 pool request waits", "，另有 1 个公海请求等待发送"},
    {"sync_pool_many", ", and {0} pool requests wait", "，另有 {0} 个公海请求等待发送"},
    {"sync_unreachable", "the server could not be reached ({0}); {1}",
     "无法连接服务器（{0}）；{1}"},
    {"sync_failed", "{0}; {1}", "同步失败（{0}）；{1}"},
    {"sync_offline_short_one", "Offline: 1 change safely queued, nothing lost",
     "离线：1 条改动已安全保存，没有丢失"},
    {"sync_offline_short", "Offline: {0} changes safely queued, nothing lost",
     "离线：{0} 条改动已安全保存，没有丢失"},
    {"sync_failed_short_one", "Sync failed: 1 change safely queued, nothing lost",
     "同步失败：1 条改动已安全保存，没有丢失"},
    {"sync_failed_short", "Sync failed: {0} changes safely queued, nothing lost",
     "同步失败：{0} 条改动已安全保存，没有丢失"},
    {"sync_pool_short_one", "; 1 pool request waits too", "；另有 1 个公海请求等待发送"},
    {"sync_pool_short", "; {0} pool requests wait too", "；另有 {0} 个公海请求等待发送"},
    // A customer's grade (fieldbook-cli customer show).
    {"grade_not_graded", "grade: not graded yet", "评级：尚未评级"},
    {"grade_head", "grade {0}", "评级 {0}"},
    {"grade_provisional",
     "[PROVISIONAL: computed on this device {0}; the server's next grade replaces it]",
     "[暂定：{0:date}在本设备上计算，服务器下次评级后将被替换]"},
    {"grade_graded", "(graded {0}, rules v{1})", "（评级于 {0:date}，规则 v{1}）"},
    {"grade_churn_risk", "churn risk {0}", "流失风险 {0}"},
    {"grade_server", "server grade {0} (graded {1})", "服务器评级 {0}（评级于 {1:date}）"},
    // The review list's (review_messages.h).
    FIELDBOOK_REVIEW_MESSAGES(FIELDBOOK_MESSAGE_ENTRY)
    // fieldbook-cli's own lines (client/cli/*: headings, labels, answers, warnings, status), codes
    // cli_...; counts as {n:plural:one:many} in English.
    // Common words.
    {"cli_never", "never", "从未"},
    {"cli_none", "(none)", "（无）"},
    {"cli_no_date", "(no date)", "（无日期）"},
    {"cli_no_name", "(no name)", "（无名称）"},
    {"cli_provisional", " (provisional)", "（暂定）"},
    {"cli_last_visit", "last visit {0}", "上次拜访 {0}"},
    {"cli_last_visit_never", "last visit never", "从未拜访"},
    {"cli_customers", "{0:plural:customer:customers}", "{0} 个客户"},
    {"cli_tasks", "{0:plural:task:tasks}", "{0} 个任务"},
    {"cli_preferences", "{0:plural:preference:preferences}", "{0} 条偏好"},
    {"cli_not_set_up",
     "this device is not set up yet: run fieldbook-cli init --server URL --token TOKEN",
     "本设备尚未设置：请运行 fieldbook-cli init --server URL --token TOKEN"},
    // Adding and changing records.
    {"cli_added_customer", "added customer", "已添加客户"},
    {"cli_updated_customer", "updated customer {0}: {1}", "已更新客户 {0}：{1}"},
    {"cli_added_contact", "added contact", "已添加联系人"},
    {"cli_added_task", "added task", "已添加任务"},
    {"cli_task_due", " due {0}", "，截止 {0}"},
    {"cli_task_done", "task {0} done", "任务 {0} 已完成"},
    {"cli_logged_visit", "logged visit", "已记录拜访"},
    {"cli_recorded_feedback", "recorded feedback", "已记录反馈"},
    {"cli_added_care_task", "added care task", "已添加关怀任务"},
    {"cli_added_preference", "added preference {0}: {1}", "已添加偏好 {0}：{1}"},
    {"cli_preference_note_set", "preference {0}: note set", "偏好 {0}：备注已保存"},
    {"cli_preference_removed", "preference {0} removed", "偏好 {0} 已删除"},
    // customer show.
    {"cli_show_id", "id {0}", "编号 {0}"},
    {"cli_show_type", "type {0}", "类型 {0}"},
    {"cli_show_stage", "stage {0}", "采购阶段 {0}"},
    {"cli_show_relationship", "relationship {0}", "客户关系 {0}"},
    {"cli_show_region", "region {0}", "区域 {0}"},
    {"cli_show_at", "at {0}", "位置 {0}"},
    {"cli_show_phone", "phone {0}", "电话 {0}"},
    {"cli_show_contact", "contact {0}", "联系人 {0}"},
    {"cli_show_birthday", "birthday {0}", "生日 {0:date}"},
    {"cli_show_owner", "owner {0}", "负责人 {0}"},
    {"cli_show_added", "added {0}", "添加于 {0:date}"},
    {"cli_show_tags", "tags {0}", "标签 {0}"},
    {"cli_show_notes", "notes: {0}", "备注：{0}"},
    {"cli_show_contacts", "Contacts:", "联系人："},
    {"cli_show_wechat", "wechat {0}", "微信 {0}"},
    {"cli_show_primary", "[primary]", "[主要联系人]"},
    {"cli_show_visits", "Visits ({0} latest of {1}):", "拜访（共 {1} 次，最近 {0} 次）："},
    {"cli_show_next_follow_up", "next follow-up {0}", "下次跟进 {0:date}"},
    {"cli_show_orders", "Orders ({0} latest of {1}):", "订单（共 {1} 个，最近 {0} 个）："},
    {"cli_show_open_tasks", "Open tasks:", "待办任务："},
    {"cli_show_feedback", "Feedback:", "反馈："},
    {"cli_show_satisfaction", "satisfaction {0}/5", "满意度 {0}/5"},
    {"cli_show_complaint", "complaint: {0}", "投诉：{0}"},
    // customer search.
    {"cli_search_indexing", "indexing {0} records for search (once, after an upgrade)...",
     "正在为搜索建立 {0} 条记录的索引（升级后仅此一次）……"},
    {"cli_search_matched_contact", "  (matched in contacts)", "  （在联系人中找到）"},
    {"cli_search_matched_visit", "  (matched in visits)", "  （在拜访记录中找到）"},
    {"cli_search_matched_order", "  (matched in orders)", "  （在订单中找到）"},
    {"cli_search_matched_feedback", "  (matched in feedbacks)", "  （在反馈中找到）"},
    {"cli_search_none", "no customer matches '{0}'", "没有客户符合“{0}”"},
    {"cli_product_none", "no product matches '{0}'", "没有产品符合“{0}”"},
    {"cli_product_discontinued", "(discontinued)", "（已停产）"},
    // plan and care.
    {"cli_plan_pool_warnings", "Public pool (公海) warnings:", "公海提醒："},
    {"cli_reclaim_in_days",
     "{0}: will return to the public pool in {1:days} unless visited or ordered ({2})",
     "{0}：{1} 天后将退回公海，除非拜访或下单（{2}）"},
    {"cli_reclaim_tomorrow",
     "{0}: will return to the public pool tomorrow unless visited or ordered ({1})",
     "{0}：明天将退回公海，除非拜访或下单（{1}）"},
    {"cli_reclaim_due",
     "{0}: due to return to the public pool since {1}; a visit or an order synced before the "
     "server's next reclaim keeps it ({2})",
     "{0}：自 {1:date} 起应退回公海；在服务器下次回收前同步一次拜访或订单即可保留（{2}）"},
    {"cli_reclaim_last_activity", "last activity {0}", "最近活动 {0:date}"},
    {"cli_reclaim_no_activity", "no visit or order on record", "没有拜访或订单记录"},
    {"cli_plan_for", "Plan for {0}:", "{0:date}的计划："},
    {"cli_plan_nothing", "  nothing due and no customers to suggest",
     "  没有到期事项，也没有建议拜访的客户"},
    {"cli_plan_follow_up", "[follow-up] ", "[跟进]      "},
    {"cli_plan_visit", "[visit]     ", "[拜访]      "},
    {"cli_care_head", "Care ({0} and the next {1:days}):", "关怀（{0:date}及之后 {1} 天）："},
    {"cli_care_none", "  no birthdays or care tasks", "  没有生日或关怀任务"},
    // The desktop app's start-up (client/app/app_main.cc), on stderr after "fieldbook: ".
    {"app_needs_screenshot_dir", "--headless needs --screenshot-dir DIR",
     "--headless 需要 --screenshot-dir DIR"},
    {"app_not_ready_in_time", "the replica did not open in time", "本地数据未能及时打开"},
    {"app_tour_step_failed", "tour step failed: {0}", "截图步骤失败：{0}"},
    {"app_no_customers", "no customers on this device: no customer screenshots",
     "本设备上没有客户：不截客户页面"},
    {"app_no_match", "no customer matches \"{0}\": no customer screenshots",
     "没有客户匹配“{0}”：不截客户页面"},
    {"app_no_display", "cannot open a window ({0}); without a display use --headless "
     "--screenshot-dir DIR", "无法打开窗口（{0}）；没有显示器时请用 --headless --screenshot-dir DIR"},
    {"app_cannot_open_window", "cannot open a window: {0}", "无法打开窗口：{0}"},
    {"app_cannot_draw", "cannot draw in the window: {0}", "无法在窗口中绘图：{0}"},
    // A care task made from a birthday (store/care.cc): written in the rep's language.
    {"care_birthday_title", "birthday greetings for {0}", "生日问候 {0}"},
    {"care_birthday_note", "birthday of {0} ({1})", "{0} 的生日（{1}）"},
    {"cli_care_make_task", "care task {0}", "建关怀任务：fieldbook-cli care task {0}"},
    {"cli_care_task_id", "task {0}", "任务 {0}"},
    {"cli_care_days", "the plan shows birthdays and care tasks of the next {0:days}",
     "计划显示之后 {0} 天内的生日和关怀任务"},
    // visits.
    {"cli_visit_checked_in", "checked in at {0} since {1} (visit {2}); {3}",
     "已在 {0} 签到，自 {1} 起（拜访 {2}）；{3}"},
    {"cli_visit_located", "located the visit at {0} since {1} (visit {2}); {3}",
     "已为 {0} 的拜访定位，自 {1} 起（拜访 {2}）；{3}"},
    {"cli_visit_location_unknown", "location unknown (visit locate --lat --lon)",
     "位置未知（可用 fieldbook-cli visit locate --lat --lon 补上）"},
    {"cli_visit_garage_location_unknown", "the garage's location is unknown: not verified",
     "客户位置未知：未验证"},
    {"cli_visit_verified", "{0} m from the garage: verified", "距客户 {0} 米：已验证"},
    {"cli_visit_unverified", "{0} m from the garage: unverified", "距客户 {0} 米：未验证"},
    {"cli_visit_none_open", "no visit in progress", "没有进行中的拜访"},
    {"cli_visit_checked_out", "checked out: logged visit", "已离店：已记录拜访"},
    {"cli_visit_radius", "a check-in within {0} m of the garage is verified",
     "在客户 {0} 米以内签到即为已验证"},
    // orders.
    {"cli_order_void", "VOID", "作废单"},
    {"cli_order_voided_mark", "[VOIDED]", "[已作废]"},
    {"cli_order_void_of", "void of {0}: {1}", "作废 {0}：{1}"},
    {"cli_order_corrected_by", "corrected by {0}", "已由 {0} 更正"},
    {"cli_order_voided_by", "voided by {0}: {1}", "已由 {0} 作废：{1}"},
    {"cli_order_corrects", "corrects {0}", "更正 {0}"},
    {"cli_order_added", "added order {0}: {1:plural:line:lines}, total {2}",
     "已添加订单 {0}：{1} 行，合计 {2}"},
    {"cli_order_total", "total {0} in {1:plural:order:orders} (voided orders and voids left out)",
     "合计 {0}，共 {1} 个订单（不含已作废的订单和作废单）"},
    {"cli_order_voided",
     "voided order {0} (void {1}: {2}); it stays listed as voided and no longer counts",
     "已作废订单 {0}（作废单 {1}：{2}）；它仍以已作废列出，不再计入"},
    {"cli_order_corrected", "corrected order {0} with order {1}: {2:plural:line:lines}, total {3}",
     "已用订单 {1} 更正订单 {0}：{2} 行，合计 {3}"},
    // The public pool.
    {"cli_pool_no_copy", "this device has no copy of the public pool yet: run fieldbook-cli sync",
     "本设备还没有公海列表：请运行 fieldbook-cli sync"},
    {"cli_pool_head",
     "Public pool (公海) as of {0} — {1}; claims today {2} of {3}; holding {4} of {5}",
     "公海（截至 {0}）— {1}；今日已认领 {2}/{3}；持有 {4}/{5}"},
    {"cli_pool_every_region", "every region", "所有区域"},
    {"cli_pool_your_regions", "your regions: {0}", "您的区域：{0}"},
    {"cli_pool_since", "in the pool since {0}", "自 {0:date} 起在公海"},
    {"cli_pool_claim_waits", "[your claim waits for the next sync]", "[您的认领等待下次同步]"},
    {"cli_pool_why", "why: {0}", "原因：{0}"},
    {"cli_pool_would_refuse", "the server would refuse a claim now: {0}",
     "现在认领会被服务器拒绝：{0}"},
    {"cli_pool_empty", "no customers in the pool for you", "公海中没有您可认领的客户"},
    {"cli_pool_count", "{0:plural:customer:customers}; claim one with fieldbook-cli pool claim ID",
     "{0} 个客户；认领请用 fieldbook-cli pool claim ID"},
    {"cli_pool_count_truncated",
     "{0:plural:customer:customers} (the server listed only the first ones); claim one with "
     "fieldbook-cli pool claim ID",
     "{0} 个客户（服务器只列出了前面的部分）；认领请用 fieldbook-cli pool claim ID"},
    {"cli_pool_claim_recorded",
     "claim of {0} recorded; it is sent at the next sync (fieldbook-cli sync), where the server "
     "grants or refuses it",
     "已记录认领 {0}；将在下次同步（fieldbook-cli sync）时发送，由服务器批准或拒绝"},
    {"cli_pool_claim_note", "note: as of {0} the server would have refused it: {1}",
     "注意：截至 {0}，服务器会拒绝它：{1}"},
    {"cli_pool_release_recorded",
     "release of {0} recorded; it is sent at the next sync, and the customer leaves this device "
     "once the server has put it in the pool",
     "已记录退回 {0}；将在下次同步时发送，服务器放回公海后该客户会离开本设备"},
    {"cli_pool_no_requests", "no pool requests: claim with fieldbook-cli pool claim ID",
     "没有公海请求：认领请用 fieldbook-cli pool claim ID"},
    {"cli_pool_answered", "(answered {0})", "（答复于 {0}）"},
    {"cli_pool_your_reason", "your reason: {0}", "您的原因：{0}"},
    {"cli_claim_pending", "claim of {0}: waiting for the next sync", "认领 {0}：等待下次同步"},
    {"cli_release_pending", "release of {0}: waiting for the next sync", "退回 {0}：等待下次同步"},
    {"cli_claim_granted", "claim of {0}: granted", "认领 {0}：已批准"},
    {"cli_release_granted", "release of {0}: done (released to the pool)",
     "退回 {0}：已完成（已放回公海）"},
    {"cli_claim_refused", "claim of {0}: refused: {1}", "认领 {0}：被拒绝：{1}"},
    {"cli_release_refused", "release of {0}: refused: {1}", "退回 {0}：被拒绝：{1}"},
    {"cli_no_reason_given", "no reason given", "未说明原因"},
    // review list.
    {"cli_review_nothing", "nothing to review: the server accepted every change from this device",
     "没有需要处理的：服务器接受了本设备的每一项改动"},
    {"cli_review_resolved", "resolved: {0}", "已处理：{0}"},
    {"cli_review_applied_by_manager", "applied by a manager", "主管已采纳"},
    {"cli_review_dismissed_by_manager", "dismissed by a manager", "主管已驳回"},
    {"cli_review_dismissed_by_rep", "dismissed by the rep", "业务员已忽略"},
    {"cli_review_count",
     "{0:plural:record:records} the server did not take as sent; nothing was deleted "
     "(fieldbook-cli review dismiss ID [--note TEXT] lets one go)",
     "{0} 条记录服务器未按原样接受；没有删除任何内容（fieldbook-cli review dismiss ID [--note "
     "TEXT] 可忽略其中一条）"},
    // init, sync and status.
    {"cli_init_done", "set up for {0} with {1}; run fieldbook-cli sync to download your customers",
     "已为 {0} 设置，服务器 {1}；运行 fieldbook-cli sync 下载您的客户"},
    {"cli_init_needs",
     "--server and either --token or --code (a setup code from your manager) are required",
     "需要 --server，以及 --token 或 --code（主管给的设置码）二者之一"},
    {"cli_plain_http",
     "refusing plain http:// to {0}: the device token and your customers would cross the network "
     "unencrypted. Use https:// (with --ca-file for a private CA), or give --insecure-http if this "
     "network is trusted",
     "拒绝以明文 http:// 连接 {0}：设备令牌和您的客户数据会未加密地经过网络。请使用 https://（私有 "
     "CA 请加 --ca-file），如果网络可信也可加上 --insecure-http"},
    {"cli_setup_code_needs_server", "the server must be reachable to use a setup code ({0})",
     "使用设置码时必须能连接服务器（{0}）"},
    {"cli_token_of_manager",
     "this token belongs to a manager; fieldbook-cli needs a rep's device token",
     "此令牌属于主管；fieldbook-cli 需要业务员的设备令牌"},
    {"cli_token_of_other_rep", "the token belongs to {0}, not {1}", "此令牌属于 {0}，不是 {1}"},
    {"cli_whoami_unreachable",
     "the server could not be reached to learn whose token this is ({0}); give --rep to set up "
     "offline",
     "无法连接服务器来确认此令牌属于谁（{0}）；如需离线设置，请加上 --rep"},
    {"cli_saved_url_unusable", "the saved server URL {0} is not usable: {1}",
     "保存的服务器地址 {0} 无法使用：{1}"},
    {"cli_cannot_write", "cannot write {0}", "无法写入 {0}"},
    {"cli_init_offline",
     "set up offline for {0} with {1} (the server could not be reached: {2}); the first sync "
     "checks the token",
     "已离线为 {0} 设置，服务器 {1}（无法连接服务器：{2}）；第一次同步时检查令牌"},
    {"cli_outlier_hint", " (add --confirm-outlier)", "（确认无误请加上 --confirm-outlier）"},
    {"cli_sync_with", "synced with {0}", "已与 {0} 同步"},
    {"cli_sync_pushed", "  pushed:   {0:plural:change:changes}", "  已发送：  {0} 条改动"},
    {"cli_sync_rejected", "  rejected: {0}", "  被拒绝：  {0}"},
    {"cli_sync_rejected_kept", " (kept for you: see fieldbook-cli review list)",
     "（已为您保留：见 fieldbook-cli review list）"},
    {"cli_sync_received", "  received: {0:plural:row:rows}", "  已接收：  {0} 行"},
    {"cli_sync_evicted", "  evicted:  {0:plural:customer:customers}", "  已移出：  {0} 个客户"},
    {"cli_sync_evicted_why", " no longer assigned to you", "（不再分配给您）"},
    {"cli_sync_evictions_deferred", "; {0} more leave once your changes to them land",
     "；另有 {0} 个在您对其的改动送达后移出"},
    {"cli_sync_restored",
     "  restored: the server had been restored from a backup and may have lost changes you synced "
     "earlier; {0:plural:record:records} of yours on this device were sent again, so nothing of "
     "yours that this device still holds is lost",
     "  已恢复：  服务器曾从备份恢复，可能丢失了您之前同步的改动；本设备上您的 {0} "
     "条记录已重新发送，本设备仍保存的内容都没有丢失"},
    {"cli_sync_rebuilt", "  rebuilt:  the replica was downloaded afresh",
     "  已重建：  本机数据已重新下载"},
    {"cli_sync_verified_whole", "  verified: this replica was checked against the server: whole",
     "  已核对：  本机数据已与服务器核对：完整"},
    {"cli_sync_verified_repaired",
     "  verified: this replica was checked against the server; {0:plural:part:parts} differed and "
     "were repaired ({1:plural:row:rows} restored, {2} removed)",
     "  已核对：  本机数据已与服务器核对；{0} 部分不一致，已修复（恢复 {1} 行，删除 {2} 行）"},
    {"cli_sync_pool", "  pool:     {0}", "  公海：    {0}"},
    {"cli_sync_pool_not_exchanged",
     "  pool:     not exchanged ({0}); your pool requests wait for the next sync",
     "  公海：    未交换（{0}）；您的公海请求等待下次同步"},
    {"cli_sync_reports_not_refreshed", "  reports:  the server's reports were not refreshed ({0})",
     "  报表：    服务器的报表未更新（{0}）"},
    {"cli_sync_review_resolved",
     "  review:   {0:plural:item was:items were} resolved by a manager (fieldbook-cli review list "
     "--all)",
     "  待处理：  主管已处理 {0} 条（fieldbook-cli review list --all）"},
    {"cli_sync_review_not_refreshed",
     "  review:   the review list was not brought up to date ({0})",
     "  待处理：  待处理列表未更新（{0}）"},
    {"cli_sync_queued", "  queued:   {0:plural:change:changes}", "  待发送：  {0} 条改动"},
    {"cli_sync_clock_ahead", "  warning:  this device's clock is {0} minutes ahead of the server's",
     "  警告：    本设备的时钟比服务器快 {0} 分钟"},
    {"cli_sync_clock_behind", "  warning:  this device's clock is {0} minutes behind the server's",
     "  警告：    本设备的时钟比服务器慢 {0} 分钟"},
    // A replica that cannot be opened, and fieldbook-cli recover (client/cli/recover_command.cc).
    {"cli_replica_cannot_open", "cannot open the replica {0}: {1}", "无法打开本地数据 {0}：{1}"},
    {"cli_replica_damaged",
     "cannot open the replica {0}: {1}. The replica is damaged; nothing was pushed from it. Run "
     "fieldbook-cli recover to keep the writes it has not synced yet and rebuild it from the "
     "server.",
     "无法打开本地数据 {0}：{1}。本地数据已损坏，没有从它发送任何内容。请运行 fieldbook-cli "
     "recover，保留尚未同步的改动，并从服务器重建本地数据。"},
    {"cli_recover_no_replica", "no replica at {0}: nothing to recover",
     "{0} 处没有本地数据：没有可恢复的内容"},
    {"cli_recover_no_settings",
     "the server and device token cannot be read from the damaged replica {0}; give --server and "
     "--token (ask your manager for a new token). Nothing was changed",
     "无法从已损坏的本地数据 {0} 中读出服务器和设备令牌；请给出 --server 和 --token（可向主管要一个"
     "新令牌）。没有做任何改动"},
    {"cli_recover_no_settings_why",
     "the server and device token cannot be read from the damaged replica {0} ({1}); give "
     "--server and --token (ask your manager for a new token). Nothing was changed",
     "无法从已损坏的本地数据 {0} 中读出服务器和设备令牌（{1}）；请给出 --server 和 --token（可向主管"
     "要一个新令牌）。没有做任何改动"},
    {"cli_recover_cannot_create", "cannot create {0}: {1}", "无法创建 {0}：{1}"},
    {"cli_recover_download_failed",
     "could not download your data from {0} ({1}); the damaged replica is untouched: try again "
     "when the server can be reached",
     "无法从 {0} 下载您的数据（{1}）；已损坏的本地数据保持原样：请在能连接服务器时再试"},
    {"cli_recover_replay_failed",
     "could not replay the salvaged changes: {0}; the damaged replica is untouched",
     "无法重放抢救出的改动：{0}；已损坏的本地数据保持原样"},
    {"cli_recover_rebuilt_at", "{1} (the rebuilt replica is at {0})", "{1}（重建的本地数据在 {0}）"},
    {"cli_recover_done", "recovered {0}", "已恢复 {0}"},
    {"cli_recover_downloaded", "  downloaded:  {0:plural:row:rows} from {1}",
     "  已下载：    从 {1} 下载了 {0} 行"},
    {"cli_recover_salvaged",
     "  salvaged:    {0} unsynced changed rows (from {1} outbox entries), {2}",
     "  已抢救：    {0} 行尚未同步的改动（读自 {1} 条待发送记录），{2}"},
    {"cli_recover_pushed", "pushed", "已发送"},
    {"cli_recover_queued", "queued for the next sync ({0})", "留待下次同步（{0}）"},
    {"cli_recover_unreadable", "  unreadable:  {0} damaged parts", "  无法读取：  {0} 处损坏"},
    {"cli_recover_lost", "; these rows' changes could not be read:{0}",
     "；这些行的改动无法读取：{0}"},
    {"cli_recover_lost_more", " (and {0} more)", "（另有 {0} 行）"},
    {"cli_recover_note", "  note:        {0}", "  说明：      {0}"},
    {"cli_recover_kept", "  damaged copy kept at {0}", "  已损坏的副本保存在 {0}"},
    {"cli_status_rep", "rep:            {0}", "业务员：        {0}"},
    {"cli_status_not_set_up", "(not set up: run fieldbook-cli init)",
     "（尚未设置：请运行 fieldbook-cli init）"},
    {"cli_status_server", "server:         {0}", "服务器：        {0}"},
    {"cli_status_replica", "replica:        {0} (id {1})", "本机数据：      {0}（编号 {1}）"},
    {"cli_status_customers", "customers:      {0}", "客户：          {0}"},
    {"cli_status_pending", "pending writes: {0}", "待发送改动：    {0}"},
    {"cli_status_last_sync", "last sync:      {0}", "上次同步：      {0}"},
    {"cli_status_skew_ahead", "clock skew:     {0} ms (this device is ahead of the server)",
     "时钟偏差：      {0} 毫秒（本设备比服务器快）"},
    {"cli_status_skew_behind", "clock skew:     {0} ms (this device is behind the server)",
     "时钟偏差：      {0} 毫秒（本设备比服务器慢）"},
    {"cli_status_cursor", "cursor:         {0}", "同步位置：      {0}"},
    {"cli_status_review", "review list:    {0:plural:record:records} (fieldbook-cli review list)",
     "待处理列表：    {0} 条记录（fieldbook-cli review list）"},
    {"cli_status_review_none", "review list:    {0:plural:record:records}",
     "待处理列表：    {0} 条记录"},
    {"cli_status_deferred", "deferred evictions: {0}", "延后移出：      {0}"},
    {"cli_status_deferred_one", "customer {0} leaves once your changes to it land",
     "客户 {0} 在您对其的改动送达后移出"},
    {"cli_status_pool", "pool requests:  {0} waiting for the next sync",
     "公海请求：      {0} 个等待下次同步"},
    {"cli_status_pool_see",
     "pool requests:  {0} waiting for the next sync (fieldbook-cli pool requests)",
     "公海请求：      {0} 个等待下次同步（fieldbook-cli pool requests）"},
};
#undef FIELDBOOK_MESSAGE_ENTRY
// clang-format on

}  // namespace

std::span<const LangText> DeviceMessages() { return kMessages; }

std::vector<std::string_view> MessageCodes() {
  std::vector<std::string_view> out;
  for (const LangText& e : kMessages) out.push_back(e.code);
  return out;
}

std::optional<std::string_view> MessageTemplate(Lang lang, std::string_view code) {
  const LangText* e = FindText(kMessages, code);
  if (e == nullptr) e = FindText(CommonTexts(), code);
  if (e == nullptr) return std::nullopt;
  return e->In(lang);
}

std::string Render(Lang lang, std::string_view code, std::initializer_list<std::string> args) {
  const std::optional<std::string_view> tmpl = MessageTemplate(lang, code);
  if (!tmpl) return std::string(code);
  TextValues values;
  for (const std::string& a : args) values.emplace_back(std::to_string(values.size()), a);
  return FillText(lang, *tmpl, values);
}

std::string RenderSyncFailure(Lang lang, const SyncFailure& f) {
  std::string kept = f.queued == 1 ? Render(lang, "sync_kept_one")
                                   : Render(lang, "sync_kept_many", {std::to_string(f.queued)});
  if (f.pool_waiting > 0) {
    kept += f.pool_waiting == 1 ? Render(lang, "sync_pool_one")
                                : Render(lang, "sync_pool_many", {std::to_string(f.pool_waiting)});
  }
  return Render(lang, f.unreachable ? "sync_unreachable" : "sync_failed", {f.detail, kept});
}

std::string RenderSyncFailureShort(Lang lang, const SyncFailure& f) {
  std::string line =
      f.queued == 1
          ? Render(lang, f.unreachable ? "sync_offline_short_one" : "sync_failed_short_one")
          : Render(lang, f.unreachable ? "sync_offline_short" : "sync_failed_short",
                   {std::to_string(f.queued)});
  if (f.pool_waiting > 0) {
    line += f.pool_waiting == 1 ? Render(lang, "sync_pool_short_one")
                                : Render(lang, "sync_pool_short", {std::to_string(f.pool_waiting)});
  }
  return line;
}

}  // namespace fieldbook::client
