#include "cli/device_replica.h"

#include <cctype>

#include "cli/output.h"
#include "store/replica_health.h"

namespace fieldbook::client::cli {

SystemWallClock& Wall() {
  static SystemWallClock wall;
  return wall;
}

std::unique_ptr<ClientStore> OpenStore(const CliContext& ctx, const char* what, int* exit_code,
                                       bool create) {
  const Result<std::string> resolved = ReplicaPath(ctx.replica, create);
  if (!resolved.ok()) {
    *exit_code = Fail(ctx, what, resolved.status());
    return nullptr;
  }
  const std::string& path = *resolved;
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
    const bool damaged = exists && store.status().code() == StatusCode::kCorrupt;
    *exit_code = FailSaid(ctx, what, CodeName(store.status().code()),
                          damaged ? "cli_replica_damaged" : "cli_replica_cannot_open", {path},
                          kExitFailure, &store.status());
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

}  // namespace fieldbook::client::cli
