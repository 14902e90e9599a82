#include "lang/store_errors.h"

#include "fieldbook/phrase_json.h"

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
    {"err_order_outlier_customer",
     "the total ¥{total} is {ratio}x this customer's median order (¥{median} over {orders} "
     "orders): check it, and confirm it if it is right",
     "合计 ¥{total} 是该客户订单中位数（¥{median}，共 {orders} 个订单）的 {ratio} 倍：请核对，"
     "无误后再确认"},
    {"err_order_outlier_territory",
     "the total ¥{total} is {ratio}x the median order in this customer's territory (the customer "
     "has fewer than 3 orders) (¥{median} over {orders} orders): check it, and confirm it if it is "
     "right",
     "合计 ¥{total} 是该客户所在片区订单中位数（¥{median}，共 {orders} 个订单；该客户的订单少于 "
     "3 个）的 {ratio} 倍：请核对，无误后再确认"},
    {"err_order_outlier_device",
     "the total ¥{total} is {ratio}x the median order on this device (the customer has fewer than "
     "3 orders) (¥{median} over {orders} orders): check it, and confirm it if it is right",
     "合计 ¥{total} 是本设备订单中位数（¥{median}，共 {orders} 个订单；该客户的订单少于 3 个）的 "
     "{ratio} 倍：请核对，无误后再确认"},
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
    // The pool's exchange (client/sync/pool_sync.cc): one claim whose answer cannot be read, and
    // such a claim settled when its customer arrives.
    {"err_pool_claim_answer_unreadable",
     "the server's answer to the claim of {name} ({id}) is larger than {max} bytes and cannot be "
     "read; the claim waits and is sent again at the next sync (if the server granted it, the "
     "customer arrives with a sync)",
     "服务器对认领 {name}（{id}）的应答超过 {max} 字节，无法读取；此认领仍在等待，下次同步时会再次"
     "发送（如果服务器已批准，客户会随同步到达）"},
    {"err_pool_claim_arrived",
     "granted: the customer arrived with a sync (the server's answer to the claim could not be "
     "read)",
     "已批准：客户已随同步到达（服务器对此认领的应答无法读取）"},
    // Preferences (client/store/preferences.cc).
    {"err_pref_note_long", "a preference's note has at most {max} characters",
     "偏好备注最多 {max} 个字符"},
    {"err_pref_exists", "customer {customer} already has the {kind} {value} (preference {id})",
     "客户 {customer} 已有{kind:label} {value}（偏好 {id}）"},
    {"err_pref_value_size", "a preference's value has 1 to {max} characters",
     "偏好的值须为 1 到 {max} 个字符"},
    {"err_no_preference", "no preference {ref}", "没有偏好 {ref}"},
    // Order lines priced from the catalogue (client/store/order_pricing.cc).
    {"err_line_price_reason_long",
     "line {line}: the price reason is too long (at most {max} "
     "characters)",
     "第 {line} 行：改价原因过长（最多 {max} 个字符）"},
    {"err_line_part_unknown",
     "line {line}: part {part} is not in the catalogue (search it with `product search`, or "
     "record it as free text with its price)",
     "第 {line} 行：零件 {part} 不在产品目录中（可用 `product search` "
     "搜索，或连同单价按自由文本记录）"},
    {"err_line_part_discontinued",
     "line {line}: part {part} is discontinued (record it as free text with its price if you "
     "still sell it)",
     "第 {line} 行：零件 {part} 已停售（如仍在销售，请连同单价按自由文本记录）"},
    {"err_line_no_list_price",
     "line {line}: the price list has no price for {part}: give its unit price (PART:QTY:PRICE)",
     "第 {line} 行：价目表中没有 {part} 的价格：请给出单价（PART:QTY:PRICE）"},
    {"err_line_free_needs_price",
     "line {line}: a part that is not in the catalogue: give its unit price (PART:QTY:PRICE)",
     "第 {line} 行：该零件不在产品目录中：请给出单价（PART:QTY:PRICE）"},
    {"err_line_price_differs",
     "line {line}: the price list says ¥{listed} for {part}; give the reason for ¥{price} "
     "(--price-reason)",
     "第 {line} 行：价目表中 {part} 的价格是 ¥{listed}；请说明改为 ¥{price} "
     "的原因（--price-reason）"},
    {"err_line_price_differs_tier",
     "line {line}: the price list says ¥{listed} for {part} (tier {tier}); give the reason for "
     "¥{price} (--price-reason)",
     "第 {line} 行：价目表中 {part}（{tier} 级）的价格是 ¥{listed}；请说明改为 ¥{price} 的原因"
     "（--price-reason）"},
    // Voids and corrections (client/store/orders.cc).
    {"err_void_reason", "give the reason for the void (--reason), e.g. \"wrong quantity\"",
     "请给出作废的原因（--reason），例如“数量记错了”"},
    {"err_correction_reason",
     "give the reason for the correction (--reason), e.g. \"wrong quantity\"",
     "请给出更正的原因（--reason），例如“数量记错了”"},
    {"err_reason_long_chars", "the reason is too long (at most {max} characters)",
     "原因过长（最多 {max} 个字符）"},
    {"err_order_other_customer",
     "order {id} is an order of another customer ({customer}); a void or correction must be of "
     "the same customer",
     "订单 {id} 属于另一个客户（{customer}）；作废或更正只能针对同一客户的订单"},
    {"err_order_is_void",
     "order {id} is a void (of order {of}); a void is final: record the order again with `order "
     "add`",
     "订单 {id} 是一张作废单（作废订单 {of}）；作废不可撤回：请用 `order add` 重新记录订单"},
    {"err_order_voided_by", "order {id} is already voided by {by}", "订单 {id} 已被 {by} 作废"},
    {"err_order_corrected_by",
     "order {id} is already corrected by order {by}; void or correct that one instead",
     "订单 {id} 已由订单 {by} 更正；请改为作废或更正那一张"},
    // Care, the plan, products, search, the review list, visits, settings.
    {"err_care_days", "care days must be from 0 to {max}", "关怀天数必须在 0 到 {max} 之间"},
    {"err_care_no_birthday", "customer {id} has no birthday on this device",
     "本设备上客户 {id} 没有生日信息"},
    {"err_care_no_contact_birthday", "no contact {contact} with a birthday at customer {id}",
     "客户 {id} 没有带生日信息的联系人 {contact}"},
    {"err_product_search_text", "search for 1 to 200 bytes of text", "请搜索 1 到 200 字节的文字"},
    {"err_product_limit", "a limit of 1 to 500 products", "数量上限须为 1 到 500 个产品"},
    {"err_search_empty", "give something to search for", "请输入要搜索的内容"},
    {"err_dismiss_note_long", "a dismissal's note has at most {max} characters",
     "处理说明最多 {max} 个字符"},
    {"err_no_review_entry", "no open review entry #{id} (fieldbook-cli review list shows them)",
     "没有未处理的待处理项 #{id}（fieldbook-cli review list 可查看）"},
    {"err_radius", "the radius must be from 1 to {max} metres", "半径必须在 1 到 {max} 米之间"},
    {"err_checked_in_elsewhere",
     "already checked in at {name} since {since} (visit {id}): check out first",
     "已在 {name} 签到（自 {since:date} 起，拜访 {id}）：请先离店"},
    {"err_visits_in_progress", "{n} visits are in progress ({ids}): name one",
     "有 {n} 个拜访正在进行（{ids}）：请指明其中一个"},
    {"err_visit_ambiguous", "'{ref}' names more than one visit", "“{ref}”对应多个拜访"},
    {"err_no_visit_in_progress_ref", "no visit in progress {ref}", "没有进行中的拜访 {ref}"},
    {"err_not_set_up",
     "this device is not set up yet: run fieldbook-cli init --server URL --token TOKEN",
     "本设备尚未设置：请运行 fieldbook-cli init --server URL --token TOKEN"},
    // The network (client/sync/http_client.cc): a server that cannot be reached, and why (a value
    // why_... is read from this table in the reader's language; other words stay as they are).
    {"err_net_cannot_reach", "cannot reach {origin}: {why}", "无法连接 {origin}：{why}"},
    {"err_net_connect_timeout", "cannot reach {origin}: no connection within {ms} ms",
     "无法连接 {origin}：{ms} 毫秒内未能建立连接"},
    {"err_net_tls_untrusted",
     "cannot reach {origin}: the server's TLS certificate is not trusted: "
     "{why}",
     "无法连接 {origin}：服务器的 TLS 证书不受信任：{why}"},
    {"err_net_tls_failed", "cannot reach {origin}: TLS handshake failed: {why}",
     "无法连接 {origin}：TLS 握手失败：{why}"},
    {"err_net_no_answer", "no answer from {origin} within {ms} ms",
     "{origin} 在 {ms} 毫秒内没有应答"},
    {"err_net_bad_answer", "bad answer from {origin}: {why}", "{origin} 的应答无法读取：{why}"},
    {"err_net_lost", "lost the connection to {origin}: {why}", "与 {origin} 的连接中断：{why}"},
    {"err_net_answer_too_large",
     "the response from {origin} is larger than the limit of {max} bytes",
     "{origin} 的应答超过了 {max} 字节的上限"},
    // A server that misbehaves (client/sync/): a status or refusal code this build cannot read, an
    // answer it cannot read, an impossible position. The English of such an error keeps the
    // server's own words (its message, a decoder's detail) for logs and scripts; the rep reads
    // these, with {what} one of the what_ values below.
    {"err_server_status", "the server answered HTTP {status} to {what}",
     "服务器对{what}应答了 HTTP {status}"},
    {"err_server_answer_unreadable", "the server's answer to {what} cannot be read",
     "服务器对{what}的应答无法读取"},
    {"err_sync_impossible",
     "the server sent an impossible {what} ({value}); nothing of its answer was stored",
     "服务器发来了不可能的{what}（{value}）；其应答的内容都没有保存"},
    {"err_token_refused",
     "the server refused the device token (HTTP {status}); ask your manager for a new one",
     "服务器拒绝了设备令牌（HTTP {status}）；请向主管要一个新的令牌"},
    {"err_whoami_no_rep", "the server's answer to /v1/whoami names no rep",
     "服务器对 /v1/whoami 的应答中没有业务员"},
    {"err_pool_not_offered", "the server does not offer the public pool", "服务器没有提供公海"},
    {"err_pool_listing_other_rep",
     "the server listed the pool for {rep}, but this device belongs to {own}",
     "服务器发来的是 {rep} 的公海列表，但本设备属于 {own}"},
    {"err_pool_listing_day", "the pool listing's day is not a date: '{value}'",
     "公海列表的日期不是有效的日期：“{value}”"},
    {"what_sync", "the sync", "同步"},
    {"what_pool_listing", "the pool listing", "公海列表"},
    {"what_claims", "the claims", "认领请求"},
    {"what_release", "the release", "退回请求"},
    {"what_reports", "the reports", "报表"},
    {"what_review_status", "the review list's status", "待处理列表的状态"},
    {"what_whoami", "the token check", "令牌查询"},
    {"what_setup_code", "the setup code", "设置码"},
    {"what_cursor", "cursor", "同步位置"},
    {"what_epoch", "epoch", "数据纪元"},
    {"what_time", "time", "时间"},
    {"why_not_http", "not an HTTP answer", "不是 HTTP 应答"},
    // The sync's exchanges (client/sync/): a setup code, the push, the review list's status.
    {"err_setup_code_form", "a setup code is 10 letters and digits, like ABCDE-FGHJK",
     "设置码是 10 个字母和数字，例如 ABCDE-FGHJK"},
    {"err_setup_code_no_token", "the server's answer to the setup code holds no device token",
     "服务器对设置码的应答中没有设备令牌"},
    {"err_push_unanswered", "the server did not answer the push; it will be resent",
     "服务器没有应答这次推送；会再次发送"},
    {"err_review_status_answer", "the server answered {status} when asked about the review list",
     "询问待处理列表时服务器应答了 {status}"},
    // A server URL or CA file fieldbook-cli cannot use (client/sync/http_client.cc).
    {"err_bad_server_url",
     "bad server URL \"{url}\": {why} (expected http://host:port or https://host:port)",
     "服务器地址“{url}”不可用：{why}（应为 http://host:port 或 https://host:port）"},
    {"why_url_scheme", "the scheme must be http or https", "协议必须是 http 或 https"},
    {"why_url_spaces", "it contains spaces", "其中有空格"},
    {"why_url_user_query", "user names, queries and fragments are not supported",
     "不支持用户名、查询参数和片段"},
    {"why_url_query", "queries and fragments are not supported", "不支持查询参数和片段"},
    {"why_url_bracket_open", "unterminated [IPv6 address]", "[IPv6 地址] 缺少右括号"},
    {"why_url_bracket_junk", "junk after the [IPv6 address]", "[IPv6 地址] 后面有多余的字符"},
    {"why_url_empty_port", "empty port", "端口为空"},
    {"why_url_no_host", "no host", "没有主机名"},
    {"why_url_port_number", "the port must be a number", "端口必须是数字"},
    {"why_url_port_range", "the port must be between 1 and 65535", "端口必须在 1 到 65535 之间"},
    {"err_ca_file_missing", "CA file {path} does not exist", "CA 文件 {path} 不存在"},
    {"err_ca_file_unreadable", "cannot load CA certificates from {path} (PEM expected): {why}",
     "无法从 {path} 读取 CA 证书（应为 PEM 格式）：{why}"},
    {"err_system_ca", "cannot load the system's CA certificates: {why}",
     "无法读取系统的 CA 证书：{why}"},
    {"why_ca_no_certificate", "no certificate or CRL found", "其中没有证书"},
    // Why the server's certificate is not trusted (err_net_tls_untrusted); any other reason keeps
    // OpenSSL's words.
    {"why_tls_self_signed", "it is self-signed", "这是一个自签名证书"},
    {"why_tls_self_signed_root", "its chain ends in a self-signed certificate",
     "其证书链的根证书是自签名证书"},
    {"why_tls_unknown_issuer", "its issuer is not among the trusted certificates",
     "签发机构不在受信任的证书之中"},
    {"why_tls_no_chain", "its issuer cannot be found", "找不到它的签发机构"},
    {"why_tls_expired", "it has expired", "证书已过期"},
    {"why_tls_not_yet_valid", "it is not valid yet (is this device's date and time right?)",
     "证书尚未生效（请检查本设备的日期和时间）"},
    {"why_tls_host_mismatch", "it is not for this host name", "证书不是为这个主机名签发的"},
    {"why_tls_ip_mismatch", "it is not for this IP address", "证书不是为这个 IP 地址签发的"},
    // Why a TLS handshake failed (err_net_tls_failed), besides the network's reasons below.
    {"why_tls_not_tls", "the server does not speak TLS on this port (is it an http:// address?)",
     "服务器在这个端口上不使用 TLS（是否应该用 http:// 地址？）"},
    {"why_tls_version", "the server and this device have no TLS version in common",
     "服务器和本设备没有共同支持的 TLS 版本"},
    {"why_tls_refused", "the server does not accept this device's TLS settings",
     "服务器不接受本设备的 TLS 设置"},
    {"why_tls_device_refused", "the server does not accept this device's certificate",
     "服务器不接受本设备的证书"},
    {"why_tls_device_certificate", "the server wants a certificate from this device",
     "服务器要求本设备提供证书"},
    {"why_connection_refused", "connection refused", "连接被拒绝"},
    {"why_host_not_found", "host not found", "找不到服务器"},
    {"why_network_unreachable", "network unreachable", "网络不可达"},
    {"why_host_unreachable", "host unreachable", "服务器不可达"},
    {"why_connection_reset", "connection reset by the server", "连接被服务器重置"},
    {"why_server_closed", "the server closed the connection", "服务器关闭了连接"},
    {"why_broken_pipe", "broken pipe", "连接已断开，无法继续发送"},
    {"why_connection_aborted", "connection aborted", "连接被中止"},
    {"why_timed_out", "connection timed out", "连接超时"},
    {"why_resolution_timeout", "name resolution timed out", "域名解析超时"},
    {"why_not_a_database", "the file cannot be read as a database", "该文件无法作为数据库读取"},
    // A file fieldbook-cli or the app writes (export --out, the headless screenshots).
    {"err_write_failed", "writing {path} failed", "写入 {path} 失败"},
    // The replica file (client/store/replica_health.cc).
    {"err_no_replica",
     "no replica at {path}: set this device up with fieldbook-cli init --server URL --token TOKEN "
     "(only init creates a replica; check --replica)",
     "{path} 处没有本地数据：请先用 fieldbook-cli init --server URL --token TOKEN 设置本设备（只有 "
     "init 会创建本地数据；请检查 --replica）"},
    {"err_not_a_file", "{path} is not a regular file", "{path} 不是普通文件"},
    {"err_replica_unreadable", "cannot read the replica {path}: {why}",
     "无法读取本地数据 {path}：{why}"},
    {"err_replica_empty",
     "the replica {path} is empty (0 bytes): it is damaged and everything it held is gone, "
     "including writes not synced yet and the device token. Move it away and set the device up "
     "again with fieldbook-cli init.",
     "本地数据 {path} 是空的（0 "
     "字节）：它已损坏，其中的一切都已丢失，包括尚未同步的改动和设备令牌。"
     "请把它移走，再用 fieldbook-cli init 重新设置本设备。"},
    {"err_replica_not_sqlite",
     "the replica {path} is damaged: its first page is not a SQLite header. Nothing was pushed "
     "from it. Run fieldbook-cli recover to keep the writes it has not synced yet and rebuild it "
     "from the server.",
     "本地数据 {path} 已损坏：它的第一页不是 SQLite 文件头。没有从它发送任何内容。请运行 "
     "fieldbook-cli recover，保留尚未同步的改动，并从服务器重建本地数据。"},
    {"err_replica_damaged",
     "the replica {path} is damaged ({detail}). Nothing was pushed from it. Run fieldbook-cli "
     "recover to keep the writes it has not synced yet and rebuild it from the server.",
     "本地数据 {path} 已损坏（{detail}）。没有从它发送任何内容。请运行 fieldbook-cli recover，"
     "保留尚未同步的改动，并从服务器重建本地数据。"},
    {"err_replica_nothing_readable", "nothing can be read from {path}: {why}",
     "{path} 中没有任何可读取的内容：{why}"},
    {"err_no_replica_path",
     "no replica path: give --replica PATH or set FIELDBOOK_REPLICA (or HOME)",
     "没有本地数据的路径：请给出 --replica PATH，或设置 FIELDBOOK_REPLICA（或 HOME）"},
    {"err_cannot_open_replica", "cannot open the replica {path}: {why}",
     "无法打开本地数据 {path}：{why}"},
    {"err_cannot_restrict", "cannot restrict the permissions of {path}: {why}",
     "无法限制 {path} 的访问权限：{why}"},
    // The operating system's common errors (OsReason), in its own English words.
    {"why_os_no_such_file", "No such file or directory", "没有那个文件或文件夹"},
    {"why_os_permission_denied", "Permission denied", "权限不够"},
    {"why_os_not_permitted", "Operation not permitted", "不允许的操作"},
    {"why_os_read_only", "Read-only file system", "文件系统是只读的"},
    {"why_os_disk_full", "No space left on device", "磁盘空间已满"},
    {"why_os_not_a_folder", "Not a directory", "不是文件夹"},
    {"why_os_is_a_folder", "Is a directory", "是一个文件夹"},
    {"why_os_exists", "File exists", "文件已存在"},
    {"why_os_name_too_long", "File name too long", "文件名过长"},
    {"why_os_io", "Input/output error", "输入/输出错误"},
    // SQLite's own words for what the file system or another program did to the replica
    // (SqliteReason): shown alone in Chinese, the statement's English left out.
    {"why_sqlite_locked", "database is locked",
     "本地数据正被另一个程序使用（已锁定）；请关闭它或稍后再试"},
    {"why_sqlite_full", "database or disk is full", "磁盘空间已满，无法写入本地数据"},
    {"why_sqlite_read_only", "attempt to write a readonly database",
     "本地数据是只读的，无法写入（请检查文件的权限）"},
    {"why_sqlite_cannot_open", "unable to open database file",
     "无法打开本地数据文件（请检查文件和文件夹的权限）"},
    {"why_sqlite_io", "disk I/O error", "磁盘读写错误"},
    {"err_cannot_create_folder", "cannot create {path}: {why}", "无法创建 {path}：{why}"},
    {"err_cannot_move", "cannot move {path}: {why}", "无法移动 {path}：{why}"},
    // The desktop app (client/app/store_data_source.cc).
    {"err_no_server", "no server is set up on this device", "本设备尚未设置服务器"},
    {"err_app_no_transport", "this app cannot reach a server", "此应用无法连接服务器"},
    {"err_reports_copy_unreadable", "the copy of the server's reports cannot be read: {detail}",
     "无法读取本机保存的服务器报表：{detail}"},
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

// `values` with each value that is a reason or a thing of the table (why_..., what_...) in `lang`.
TextValues Resolved(Lang lang, TextValues values) {
  for (auto& value : values) {
    if (value.second.rfind("why_", 0) != 0 && value.second.rfind("what_", 0) != 0) continue;
    if (const LangText* t = FindText(kErrors, value.second))
      value.second = std::string(t->In(lang));
  }
  return values;
}

}  // namespace

std::span<const LangText> StoreErrors() { return kErrors; }

Status StoreError(StatusCode code, std::string_view error, const TextValues& values) {
  const LangText* e = FindText(kErrors, error);
  if (e == nullptr) return Status(code, std::string(error));
  return Status(code, FillText(Lang::kEnglish, e->en, Resolved(Lang::kEnglish, values)),
                Phrase{std::string(error), values});
}

Status Invalid(std::string_view error, const TextValues& values) {
  return StoreError(StatusCode::kInvalidArgument, error, values);
}

std::optional<std::string> SayError(Lang lang, const Phrase& phrase) {
  if (const LangText* e = FindText(kErrors, phrase.code)) {
    return FillText(lang, e->In(lang), Resolved(lang, phrase.values));
  }
  return SayKnown(lang, phrase);
}

std::string RenderError(Lang lang, const Status& error) {
  return RenderError(lang, error.message(),
                     error.phrase() ? std::optional<Phrase>(*error.phrase()) : std::nullopt);
}

std::string SayStoredText(Lang lang, std::string_view stored) {
  const StoredPhrase p = ReadStoredPhrase(stored);
  if (!p.phrase.code.empty()) {
    if (std::optional<std::string> said = SayError(lang, p.phrase)) return *said;
  }
  return SayStored(lang, stored);
}

std::string RenderError(Lang lang, const std::string& message,
                        const std::optional<Phrase>& phrase) {
  if (lang == Lang::kEnglish) return message;
  if (!phrase) {
    // SQLite's words (a locked, full or read-only replica) read in the rep's language.
    const std::optional<std::string> reason = SqliteReason(message);
    const LangText* said = reason ? FindText(kErrors, *reason) : nullptr;
    return said != nullptr ? std::string(said->In(lang)) : message;
  }
  return SayError(lang, *phrase).value_or(message);
}

}  // namespace fieldbook::client
