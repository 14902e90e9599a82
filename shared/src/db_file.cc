#include "fieldbook/db_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fieldbook {

DbOptions InspectOptions() {
  DbOptions options;
  options.read_only = true;
  options.create = false;
  options.wal = false;
  return options;
}

Result<DbFileKind> InspectDbFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return DbFileKind::kMissing;
    return Status::Io(std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return DbFileKind::kNotRegular;
  if (st.st_size == 0) return DbFileKind::kEmpty;
  static constexpr char kMagic[] = "SQLite format 3";  // 16 bytes with its NUL
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Io(std::strerror(errno));
  char header[sizeof kMagic] = {};
  const ssize_t n = ::read(fd, header, sizeof header);
  ::close(fd);
  const bool sqlite =
      n == static_cast<ssize_t>(sizeof header) && std::memcmp(header, kMagic, sizeof header) == 0;
  return sqlite ? DbFileKind::kSqlite : DbFileKind::kNotSqlite;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out.append(c == '"' ? 2 : 1, c);
  return out + '"';
}

}  // namespace fieldbook
