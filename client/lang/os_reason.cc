// OsReason: an operating system's error as a reason of the error table (store_errors.h).
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

}  // namespace fieldbook::client
