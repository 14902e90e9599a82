// The server's refusals (lang_text.h HttpRefusals), ONE table: its HTTP layer's, its JSON APIs'
// field checks, and the errors of its stores and imports that reach an HTTP body. English as the
// server wrote them before they were codes (old devices and scripts read "error"."message"; a call
// site whose English differs from its generic code's keeps its own on the wire), Chinese with the
// same values. tests/unit/api_error_codes_test.cc fails on a code missing here, unused, or
// missing a language.
#include "fieldbook/lang_text.h"
#include "fieldbook/refusal_status.h"

namespace fieldbook {

namespace {

constexpr LangText kRefusals[] = {
    // The transport (server/http/http_session.cc): limits and a busy server.
    {"http_internal", "internal server error", "服务器内部错误"},
    {"http_busy_queue", "the server has too many requests waiting; retry",
     "服务器等待处理的请求过多；请重试"},
    {"http_busy_bodies", "the server is reading too many request bodies; retry",
     "服务器正在读取的请求过多；请重试"},
    {"http_busy_uploads",
     "the uploads in progress take all the disk the server gives uploads; retry later",
     "进行中的上传已占满服务器留给上传的磁盘空间；请稍后重试"},
    {"http_busy_connections", "the server has too many open connections; try again",
     "服务器打开的连接过多；请重试"},
    {"http_busy_connections_address",
     "the server has too many open connections from your address; try again",
     "服务器上来自您的地址的连接过多；请重试"},
    {"http_body_not_stored", "cannot store the request body", "服务器无法保存请求内容"},
    {"http_body_too_large", "the request body exceeds the limit of {limit} bytes",
     "请求内容超过了 {limit} 字节的上限"},
    {"http_body_too_large_route",
     "the request body exceeds the limit of {limit} bytes for route "
     "{route}",
     "请求内容超过了 {limit} 字节的上限（{route} 接口）"},
    {"http_headers_too_large", "the request headers exceed the limit of {limit} bytes",
     "请求头超过了 {limit} 字节的上限"},
    {"http_trailers_too_large", "the request trailers exceed the limit of {limit} bytes",
     "请求尾部字段超过了 {limit} 字节的上限"},
    {"http_malformed_request", "malformed HTTP request: {error}", "HTTP 请求格式错误：{error}"},
    // Who may call what (server/api/sync_service.cc, console_api.cc).
    {"http_unauthorized", "missing, unknown or revoked device token, or a disabled rep",
     "设备令牌缺失、未知或已被吊销，或业务员已被停用"},
    {"http_auth_failed", "authentication failed on the server", "服务器上的身份验证失败"},
    {"http_csrf", "a console session's changes need its X-CSRF-Token (GET /v1/admin/session)",
     "控制台会话的修改需要其 X-CSRF-Token（GET /v1/admin/session）"},
    {"http_managers_not_sync", "managers steer through /v1/admin; /v1/sync is for reps' devices",
     "主管通过 /v1/admin 管理；/v1/sync 只供业务员的设备使用"},
    {"http_admin_needs_manager", "the admin API needs a manager's token", "管理接口需要主管的令牌"},
    {"http_too_many_logins", "too many failed logins; try again in {seconds} s",
     "登录失败次数过多；请在 {seconds} 秒后重试"},
    {"http_too_many_setup_codes", "too many wrong setup codes; try again in {seconds} s",
     "输错设置码的次数过多；请在 {seconds} 秒后重试"},
    // Routes and bodies (server/api/sync_service.cc, http_json.cc, sync_api.cc, device_api.cc).
    {"http_no_route", "no route {path}", "没有接口 {path}"},
    {"http_use_post", "use POST for {path}", "{path} 须用 POST 请求"},
    {"http_use_get", "use GET for {path}", "{path} 须用 GET 请求"},
    {"http_reports_get", "reports are read with GET", "报表须用 GET 请求读取"},
    {"http_records_get", "the records routes are read-only (GET)", "记录接口只读（GET）"},
    {"http_pool_for_reps",
     "the pool routes under /v1/pool are for reps; managers use /v1/admin/pool",
     "/v1/pool 下的公海接口供业务员使用；主管请用 /v1/admin/pool"},
    {"http_own_reports", "a rep's token shows only that rep's own reports",
     "业务员的令牌只能查看本人的报表"},
    {"http_json_too_large", "JSON bodies are limited to {limit} bytes",
     "JSON 请求内容不能超过 {limit} 字节"},
    {"http_body_larger_than", "the body is larger than {max} bytes", "请求内容超过了 {max} 字节"},
    {"http_body_limit_8k", "the body is limited to 8 KiB", "请求内容不能超过 8 KiB"},
    {"http_body_not_object", "the body must be a JSON object", "请求内容必须是 JSON 对象"},
    {"http_query_number", "query parameter {name} must be a whole number from {lo} to {hi}",
     "查询参数 {name} 必须是 {lo} 到 {hi} 之间的整数"},
    {"http_field_text", "\"{field}\" must be a text of 1 to 64 bytes",
     "“{field}”必须是 1 到 64 字节的文本"},
    {"http_field_id", "\"id\" must be a positive whole number", "“id”必须是正整数"},
    {"http_field_ttl", "\"ttl_seconds\" must be a whole number of seconds from 1 to 86400",
     "“ttl_seconds”必须是 1 到 86400 之间的整数秒"},
    {"http_unknown_field", "unknown field \"{field}\"", "未知字段“{field}”"},
    {"http_missing_field", "missing field \"{field}\"", "缺少字段“{field}”"},
    {"http_new_device_no_id", "a new device has no id yet", "新设备还没有编号"},
    {"http_name_the_device", "name the device (\"device\") or its \"id\"",
     "请指明设备（“device”）或其“id”"},
    {"http_sync_no_replica", "sync request has no replica id", "同步请求没有副本编号"},
    {"http_sync_other_replica", "the pushed set names another replica than the request",
     "推送的改动属于另一个副本，与请求不符"},
    // The JSON APIs' own checks of a body's fields and a query's parameters (server/api: admin,
    // products, assignment and pool, console pages, import, nightly, reports, records, audit):
    // generic, the field named by its value. A call site that wrote its own English before keeps
    // it on the wire ("error"."message") and sends the code beside it (http_types.h).
    {"http_field_not_text", "\"{field}\" must be a text", "“{field}”必须是文本"},
    {"http_field_empty", "\"{field}\" is empty", "“{field}”不能为空"},
    {"http_field_text_bytes", "field \"{field}\" must be a text of 1 to {max} bytes",
     "“{field}”必须是 1 到 {max} 字节的文本"},
    {"http_field_too_long", "\"{field}\" is at most {max} bytes", "“{field}”不能超过 {max} 字节"},
    {"http_field_control", "\"{field}\" must not hold control characters",
     "“{field}”不能包含控制字符"},
    {"http_field_not_bool", "\"{field}\" must be true or false", "“{field}”必须是 true 或 false"},
    {"http_field_not_list", "\"{field}\" must be a list", "“{field}”必须是列表"},
    {"http_field_not_object", "\"{field}\" must be an object", "“{field}”必须是对象"},
    {"http_field_list_texts", "\"{field}\" must be a list of texts", "“{field}”必须是文本列表"},
    {"http_field_list_max", "\"{field}\" must be a list of at most {max} items",
     "“{field}”必须是最多 {max} 项的列表"},
    {"http_field_list_empty", "\"{field}\" must be a non-empty list", "“{field}”必须是非空列表"},
    {"http_field_whole_number", "\"{field}\" must be a whole number", "“{field}”必须是整数"},
    {"http_field_positive", "\"{field}\" must be a whole number of 1 or more",
     "“{field}”必须是不小于 1 的整数"},
    {"http_field_number_or_null",
     "\"{field}\" must be a whole number from {lo} to {hi}, or null for no limit",
     "“{field}”必须是 {lo} 到 {hi} 之间的整数，或为 null（不设上限）"},
    {"http_field_one_of", "\"{field}\" must be one of {choices}",
     "“{field}”必须是以下之一：{choices}"},
    {"http_field_server_set", "field \"{field}\" is set by the server",
     "“{field}”由服务器设定，不能修改"},
    {"http_field_date", "\"{field}\" must be a date YYYY-MM-DD",
     "“{field}”必须是 YYYY-MM-DD 格式的日期"},
    {"http_field_time", "\"{field}\" must be a UTC time like 2026-11-23T10:00:00Z or a day",
     "“{field}”必须是 UTC 时间（如 2026-11-23T10:00:00Z）或日期"},
    {"http_field_id_chars", "\"{field}\" may hold only letters, digits, '-', '_' and '.'",
     "“{field}”只能包含字母、数字以及 '-'、'_'、'.'"},
    {"http_query_missing", "missing query parameter {name}", "缺少查询参数 {name}"},
    {"http_query_too_long", "query parameter {name} is at most {max} bytes",
     "查询参数 {name} 不能超过 {max} 字节"},
    {"http_too_many_items", "at most {max} items per request", "每次请求最多 {max} 项"},
    {"http_body_limit_kib", "the body is limited to {kib} KiB", "请求内容不能超过 {kib} KiB"},
    {"http_body_shape", "the body must be {shape}", "请求内容必须是 {shape}"},
    {"http_body_empty_object", "the body must be {} or empty",
     "请求内容必须是空的 JSON 对象或为空"},
    {"http_body_json_type", "send the body as application/json",
     "请求内容须以 application/json 格式发送"},
    {"http_held_edit_fields",
     "edit {index} needs table, row_id and column (text) and hlc (a positive integer)",
     "第 {index} 条修改须有 table、row_id、column（文本）和 hlc（正整数）"},
    {"http_use_methods", "use {methods} for {path}", "{path} 须用 {methods} 请求"},
    // The console's sign-in and files (server/api/console_api.cc, console_assets.cc).
    {"http_login_fields",
     "a login needs \"rep\" (1 to 128 bytes) and \"password\" (at most 1024 bytes), both strings",
     "登录须提供“rep”（1 到 128 字节）和“password”（最多 1024 字节），均为文本"},
    {"http_wrong_password", "wrong rep id or password", "账号或密码错误"},
    {"http_console_managers_only", "only active managers can use the console",
     "只有在职的主管才能使用控制台"},
    {"http_no_session", "no console session (log in first)", "没有控制台会话（请先登录）"},
    {"http_console_read_only", "the console's files are read-only", "控制台的文件是只读的"},
    {"http_console_bad_path", "not a console file path", "不是控制台文件的路径"},
    {"http_console_no_file", "no console file {path}", "没有控制台文件 {path}"},
    {"http_console_not_installed",
     "the console's files are not installed with this server (see docs/console.md; "
     "--console-dir names their folder)",
     "此服务器没有安装控制台的文件（见 docs/console.md；--console-dir 指定其目录）"},
    // Setup codes and devices (server/store/setup_codes.cc, device_tokens.cc).
    {"http_setup_code_form", "a setup code is 10 letters and digits, like ABCDE-FGHJK",
     "设置码由 10 个字母和数字组成，如 ABCDE-FGHJK"},
    {"http_setup_code_unknown", "unknown setup code: check it, or ask your manager for a new one",
     "设置码无效：请核对，或向主管索取新的设置码"},
    {"http_setup_code_used",
     "this setup code was used already (a code sets up one device); ask your manager for a new "
     "one",
     "此设置码已被使用（一个设置码只能设置一台设备）；请向主管索取新的设置码"},
    {"http_setup_code_expired", "this setup code has expired; ask your manager for a new one",
     "此设置码已过期；请向主管索取新的设置码"},
    {"http_setup_code_manager", "{rep} is a manager; setup codes are for reps' devices",
     "{rep} 是主管；设置码只用于业务员的设备"},
    {"http_device_name_taken",
     "{rep} already has a device named '{device}' (revoke it first, or choose another name)",
     "{rep} 已有名为“{device}”的设备（请先吊销它，或换一个名称）"},
    {"http_no_device", "{rep} has no device {device}", "{rep} 没有设备 {device}"},
    {"http_device_name_ambiguous",
     "{rep} has several devices named '{device}' in use: name one by its id (`rep devices` lists "
     "them)",
     "{rep} 有多台在用的设备名为“{device}”：请用编号指明其中一台（`rep devices` 可列出）"},
    {"http_device_revoked_already", "{rep}'s device '{device}' (#{id}) is revoked already",
     "{rep} 的设备“{device}”（#{id}）已被吊销"},
    // What a route looks for and does not find, and the routes' own states.
    {"http_no_report", "no report '{kind}' (tiers, movement, at-risk or portfolio)",
     "没有报表“{kind}”（可选：tiers、movement、at-risk、portfolio）"},
    {"http_report_from_to",
     "give both from and to (grading run ids), or neither for the two latest runs",
     "请同时给出 from 和 to（评级批次编号），或都不给以比较最近两次评级"},
    {"http_no_rep", "no rep {rep}", "没有业务员 {rep}"},
    {"http_rep_already_exists", "rep {rep} already exists", "业务员 {rep} 已存在"},
    {"http_customer_in_pool",
     "customer {customer} is in the public pool: assign it with `fieldbook-server pool assign` (or "
     "let a rep claim it)",
     "客户 {customer} 在公海中：请用 `fieldbook-server pool assign` 分配（或由业务员认领）"},
    {"http_no_customer", "no customer {customer}", "没有客户 {customer}"},
    {"http_no_territory", "no territory {territory}", "没有片区 {territory}"},
    {"http_no_active_rep", "no active rep {rep}", "没有在职的业务员 {rep}"},
    {"http_rep_disabled", "rep {rep} is disabled", "业务员 {rep} 已停用"},
    {"http_rep_may_not_sync", "rep {rep} may no longer sync", "业务员 {rep} 已不能同步"},
    {"http_filter_empty", "filter: name at least one of text, rep, territory, tier, city",
     "筛选条件：至少给出 text、rep、territory、tier、city 中的一项"},
    {"http_filter_too_many",
     "filter: {n} customers match; move at most {max} at a time (narrow the filter)",
     "筛选条件：有 {n} 个客户符合；每次最多移动 {max} 个（请缩小筛选范围）"},
    {"http_territory_needs_name", "name: a new territory needs a name", "名称：新片区需要名称"},
    {"http_no_product", "no product with part number or id {ref}",
     "没有配件号或编号为 {ref} 的产品"},
    {"http_no_import_job", "no import job {id} of this session",
     "本会话没有编号为 {id} 的导入任务"},
    {"http_price_range", "\"{field}\" must be between 0 and ¥1,000,000,000.00",
     "“{field}”必须在 0 到 1,000,000,000.00 元之间"},
    {"http_part_number_taken", "part number {part} is already product {id} ({name})",
     "配件号 {part} 已是产品 {id}（{name}）"},
    {"http_upload_empty", "the upload is empty: there is nothing to import",
     "上传的文件是空的：没有可导入的内容"},
    {"http_upload_not_kept", "cannot keep the upload for the import's job",
     "无法为导入任务保存上传的文件"},
    // A sheet an import cannot read as its kind (server/import: the file, its header, a mapping).
    {"http_import_xls", "an old Excel .xls file: save it as .xlsx or as CSV",
     "这是旧版 Excel .xls 文件：请另存为 .xlsx 或 CSV"},
    {"http_import_no_rows", "the file has no rows: nothing to import",
     "文件中没有任何行：没有可导入的内容"},
    {"http_import_mapping_not_text", "mapping of \"{header}\": the field must be a string",
     "列“{header}”的对应：字段必须是文本"},
    {"http_import_mapping_unknown",
     "mapping of \"{header}\": {kind} have no field \"{field}\" (fields: {fields})",
     "列“{header}”的对应：{kind} 没有字段“{field}”（可用字段：{fields}）"},
    {"http_import_columns_clash",
     "columns {first} (\"{first_header}\") and {second} (\"{second_header}\") both mean {field}; "
     "map one of them to another field or to \"\" in a --mapping file",
     "{first} 列（“{first_header}”）和 {second} 列（“{second_header}”）都表示 {field}；"
     "请把其中一列对应到别的字段，或在对应设置中忽略它"},
    {"http_import_no_known_column",
     "row 1 names no column Fieldbook knows for {kind} (is the header on the first row? is this "
     "the "
     "right kind of sheet?); give a --mapping file",
     "第 1 行没有 Fieldbook 认得的 {kind} 列（表头在第一行吗？表格种类对吗？）；请设置列的对应"},
    {"http_import_no_names",
     "no column of customer names (客户名称 / 名称 / name); map one with --mapping",
     "没有客户名称列（客户名称 / 名称 / name）；请设置列的对应"},
    {"http_import_no_part_numbers",
     "no column of part numbers (配件号 / 零件号 / part number); map one with --mapping",
     "没有配件号列（配件号 / 零件号 / part number）；请设置列的对应"},
    {"http_import_no_customer_column",
     "{kind} need a column naming the customer: its external id (客户编号 / customer id) or its "
     "phone (客户电话 / customer phone)",
     "{kind} 需要一列指明客户：其外部编号（客户编号 / customer id）或电话（客户电话 / customer "
     "phone）"},
    {"http_import_jobs_off", "imports as jobs are not set up", "此服务器未启用导入任务"},
    {"http_import_running", "another import is running; start this one when it has ended",
     "另一个导入正在进行；请等它结束后再开始"},
    {"http_server_stopping", "the server is stopping: no new import starts",
     "服务器正在停止：不再开始新的导入"},
    {"http_nightly_off", "this server cannot run the nightly job on request",
     "此服务器不能按请求运行夜间任务"},
    {"http_nightly_running",
     "a nightly run started by {by} at {at} is still going; wait for it to finish",
     "{by} 于 {at:date} 启动的夜间任务仍在运行；请等它结束"},
    {"http_nightly_lease",
     "the nightly job is running (run {run}, by {holder}, lease until {until}); wait for it to "
     "finish",
     "夜间任务正在运行（第 {run} 次，由 {holder} 运行，租约至 {until:date}）；请等它结束"},
};

}  // namespace

std::span<const LangText> HttpRefusals() { return kRefusals; }

std::string SayRefusal(Lang lang, const Phrase& refusal) {
  const LangText* t = FindText(kRefusals, refusal.code);
  if (t == nullptr) return refusal.code;
  return FillText(lang, t->In(lang), refusal.values);
}

Status RefusalStatus(StatusCode code, Phrase refusal) {
  std::string english = SayRefusal(Lang::kEnglish, refusal);
  return Status(code, std::move(english), std::move(refusal));
}

}  // namespace fieldbook
