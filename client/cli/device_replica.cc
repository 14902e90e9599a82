#include "cli/device_replica.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "cli/output.h"
#include "store/replica_health.h"

namespace fieldbook::client::cli {

std::string ResolveReplicaPath(const CliContext& ctx, std::string* error, bool create) {
  std::string path = ctx.replica.empty() ? DefaultReplicaPath() : ctx.replica;
  if (path.empty()) {
    *error = "no replica path: give --replica PATH or set FIELDBOOK_REPLICA (or HOME)";
    return {};
  }
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (create && !dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
      std::filesystem::create_directories(dir, ec);
      if (ec) {
        *error = "cannot create " + dir.string() + ": " + ec.message();
        return {};
      }
      ::chmod(dir.c_str(), 0700);  // the replica holds the device token
    }
  }
  return path;
}

SystemWallClock& Wall() {
  static SystemWallClock wall;
  return wall;
}

std::unique_ptr<ClientStore> OpenStore(const CliContext& ctx, const char* what, int* exit_code,
                                       bool create) {
  std::string error;
  const std::string path = ResolveReplicaPath(ctx, &error, create);
  if (path.empty()) {
    *exit_code = Fail(ctx, what, "invalid_argument", error, kExitUsage);
    return nullptr;
  }
  bool exists = true;
  if (Status file = CheckReplicaFile(path); !file.ok()) {
    exists = file.code() != StatusCode::kNotFound;
    if (!create || exists) {
      *exit_code = Fail(ctx, what, CodeName(file.code()), file,
                        file.code() == StatusCode::kNotFound ? kExitUsage : kExitFailure);
      return nullptr;
    }
  }
  auto store = ClientStore::Open(path, Wall());
  if (!store.ok()) {
    std::string message = "cannot open the replica " + path + ": " + store.status().message();
    if (exists && store.status().code() == StatusCode::kCorrupt) {
      message +=
          ". The replica is damaged; nothing was pushed from it. Run fieldbook-cli recover "
          "to keep the writes it has not synced yet and rebuild it from the server.";
    }
    *exit_code = Fail(ctx, what, CodeName(store.status().code()), message, kExitFailure);
    return nullptr;
  }
  return std::move(store).value();
}

bool IsPlainHttpToAnotherHost(const std::string& url) {
  const std::string scheme = "http://";
  if (url.size() < scheme.size()) return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
  }
  std::string host = url.substr(scheme.size());
  host = host.substr(0, host.find_first_of("/?#"));
  if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  if (!host.empty() && host[0] == '[') {
    host = host.substr(
        1, host.find(']') == std::string::npos ? std::string::npos : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host == "localhost" || host == "::1") return false;
  if (host.rfind("127.", 0) == 0 && host.find_first_not_of("0123456789.") == std::string::npos) {
    return false;
  }
  return true;
}

std::string DefaultReplicaPath() {
  if (const char* env = std::getenv("FIELDBOOK_REPLICA"); env != nullptr && *env != '\0') {
    return env;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.local/share/fieldbook/replica.db";
  }
  return {};
}

}  // namespace fieldbook::client::cli
