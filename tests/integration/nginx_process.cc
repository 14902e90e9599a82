#include "integration/nginx_process.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "support/subprocess.h"
#include "sync/http_client.h"

namespace fieldbook::testing {
namespace {

namespace fs = std::filesystem;

// A loopback port nobody listens on right now (bound, read, closed).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

std::string NginxBinary() {
  for (const char* p : {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

std::string NginxConfigFromDeployDoc(const std::vector<int>& instance_ports, int listen_port) {
  const std::string doc = ReadWholeFile(FIELDBOOK_SOURCE_DIR "/docs/deploy.md");
  const size_t marker = doc.find("<!-- nginx-example -->");
  const size_t open = doc.find("```nginx\n", marker == std::string::npos ? doc.size() : marker);
  const size_t close = doc.find("\n```", open == std::string::npos ? doc.size() : open + 1);
  if (marker == std::string::npos || open == std::string::npos || close == std::string::npos) {
    ADD_FAILURE() << "docs/deploy.md has no ```nginx block after <!-- nginx-example -->";
    return "";
  }
  std::istringstream in(doc.substr(open + 9, close - open - 8));
  std::string out, line;
  size_t servers = 0;
  bool listens = false;
  // `server ADDRESS:PORT params;` inside the upstream; `listen 443 ssl;`; `ssl_…` lines.
  const std::regex upstream_server(R"(^(\s*server\s+)\S+:\d+(.*)$)");
  const std::regex listen(R"(^(\s*listen\s+)443 ssl;(.*)$)");
  const std::regex ssl_line(R"(^\s*ssl_\w+\s.*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, upstream_server)) {
      if (servers < instance_ports.size()) {
        out +=
            m[1].str() + "127.0.0.1:" + std::to_string(instance_ports[servers]) + m[2].str() + "\n";
      }
      ++servers;
    } else if (std::regex_match(line, m, listen)) {
      out += m[1].str() + "127.0.0.1:" + std::to_string(listen_port) + ";" + m[2].str() + "\n";
      listens = true;
    } else if (!std::regex_match(line, ssl_line)) {
      out += line + "\n";
    }
  }
  if (servers != instance_ports.size() || !listens) {
    ADD_FAILURE() << "docs/deploy.md's nginx example lists " << servers
                  << " upstream servers (want " << instance_ports.size() << ") and "
                  << (listens ? "a" : "no") << " `listen 443 ssl;` line";
    return "";
  }
  return out;
}

NginxProcess::~NginxProcess() { Stop(); }

bool NginxProcess::Start(const std::vector<int>& instance_ports) {
  port_ = FreePort();
  const std::string site = NginxConfigFromDeployDoc(instance_ports, port_);
  if (site.empty()) return false;
  fs::create_directories(dir_);
  WriteFile(dir_ + "/fieldbook.conf", site);
  // The main config around the doc's file, as Debian's /etc/nginx/nginx.conf includes conf.d/.
  WriteFile(dir_ + "/nginx.conf",
            "pid " + dir_ + "/nginx.pid;\nerror_log " + dir_ +
                "/error.log info;\nworker_processes 2;\nevents { worker_connections 1024; }\n"
                "http {\n  access_log " +
                dir_ + "/access.log;\n  client_body_temp_path " + dir_ +
                "/body;\n  proxy_temp_path " + dir_ + "/proxy;\n  fastcgi_temp_path " + dir_ +
                "/fastcgi;\n  uwsgi_temp_path " + dir_ + "/uwsgi;\n  scgi_temp_path " + dir_ +
                "/scgi;\n  include " + dir_ + "/fieldbook.conf;\n}\n");
  std::string binary = NginxBinary();
  std::vector<std::string> args = {"-p", dir_,     "-c", dir_ + "/nginx.conf",
                                   "-e", "stderr", "-g", "daemon off;"};
  if (geteuid() == 0) {
    // nginx as an unprivileged user: `nobody`, which may enter the test's folders and own this one.
    const passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr) return false;
    for (fs::path p = fs::path(dir_).parent_path(); p != p.root_path(); p = p.parent_path()) {
      struct stat st {};
      if (stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
        chmod(p.c_str(), (st.st_mode & 07777) | S_IXOTH);
      }
    }
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      (void)chown(e.path().c_str(), nobody->pw_uid, nobody->pw_gid);
    }
    (void)chown(dir_.c_str(), nobody->pw_uid, nobody->pw_gid);
    args.insert(args.begin(),
                {"--reuid=" + std::to_string(nobody->pw_uid),
                 "--regid=" + std::to_string(nobody->pw_gid), "--clear-groups", binary});
    binary = "/usr/bin/setpriv";
  }
  pid_ = SpawnProcess(binary, args, dir_ + "/nginx.out", dir_ + "/nginx.err");
  if (pid_ <= 0) return false;
  for (int i = 0; i < 200; ++i) {  // up to 10 s
    auto http = client::HttpClient::Create(url());
    if (http.ok()) {
      auto reply = (*http)->Get("/healthz");
      if (reply.ok() && reply->status == 200) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void NginxProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGQUIT);  // graceful: finish requests in flight, then exit
  WaitForExit(pid_);
  pid_ = -1;
}

std::string NginxProcess::Log() const {
  return ReadWholeFile(dir_ + "/nginx.err") + ReadWholeFile(dir_ + "/error.log");
}

}  // namespace fieldbook::testing
