// OsReason and SqliteReason: an operating system's or SQLite's error as a reason of the error
// table (store_errors.h).
#include <utility>

#include "lang/store_errors.h"

namespace fieldbook::client {

std::string OsReason(const std::error_code& ec) {
  static const std::pair<std::errc, const char*> kReasons[] = {
      {std::errc::no_such_file_or_directory, "why_os_no_such_file"},
      {std::errc::permission_denied, "why_os_permission_denied"},
      {std::errc::operation_not_permitted, "why_os_not_permitted"},
      {std::errc::read_only_file_system, "why_os_read_only"},
      {std::errc::no_space_on_device, "why_os_disk_full"},
      {std::errc::not_a_directory, "why_os_not_a_folder"},
      {std::errc::is_a_directory, "why_os_is_a_folder"},
      {std::errc::file_exists, "why_os_exists"},
      {std::errc::filename_too_long, "why_os_name_too_long"},
      {std::errc::io_error, "why_os_io"},
  };
  for (const auto& [errc, reason] : kReasons) {
    if (ec == errc) return reason;
  }
  return ec.message();
}

std::optional<std::string> SqliteReason(std::string_view message) {
  // SQLite's own words for its result codes (sqlite3_errstr), as fieldbook/sqlite_db.h ends its
  // errors with them.
  static const std::pair<std::string_view, const char*> kReasons[] = {
      {"database is locked", "why_sqlite_locked"},
      {"database table is locked", "why_sqlite_locked"},
      {"database or disk is full", "why_sqlite_full"},
      {"attempt to write a readonly database", "why_sqlite_read_only"},
      {"unable to open database file", "why_sqlite_cannot_open"},
      {"disk I/O error", "why_sqlite_io"},
      {"access permission denied", "why_os_permission_denied"},
  };
  for (const auto& [words, reason] : kReasons) {
    if (message.ends_with(words)) return std::string(reason);
  }
  return std::nullopt;
}

}  // namespace fieldbook::client
