// The server's own refusals at its HTTP layer (lang_text.h HttpRefusals): English exactly as the
// server wrote them before they were codes (old devices and scripts read "error"."message"),
// Chinese with the same values.
#include "fieldbook/lang_text.h"

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
};

}  // namespace

std::span<const LangText> HttpRefusals() { return kRefusals; }

std::string SayRefusal(Lang lang, const Phrase& refusal) {
  const LangText* t = FindText(kRefusals, refusal.code);
  if (t == nullptr) return refusal.code;
  return FillText(lang, t->In(lang), refusal.values);
}

}  // namespace fieldbook
