// NginxProcess: Debian's nginx in front of a test's server instances, configured with the load
// balancer example of docs/deploy.md itself (the ```nginx block after the "<!-- nginx-example -->"
// marker), so the documented config is the tested one. The test changes only what a test must:
// the three upstream addresses become the instances' loopback ports, `listen 443 ssl` becomes a
// plain loopback port and the `ssl_` lines go (the test speaks HTTP to nginx); the file is then
// included in a minimal main config whose pid file, logs and temporary folders live in the test's
// folder (`nginx -p DIR -c FILE -g 'daemon off;'`). Run as root, nginx runs as `nobody`.
//
// Not thread-safe: an object belongs to its test's thread.
#ifndef FIELDBOOK_TESTS_INTEGRATION_NGINX_PROCESS_H_
#define FIELDBOOK_TESTS_INTEGRATION_NGINX_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace fieldbook::testing {

// The nginx binary, or "" when it is not installed (scripts/setup installs it).
std::string NginxBinary();

// The doc's example with the instances' ports put in (the exact edits above), or "" and a test
// failure when docs/deploy.md has no such block or its upstream does not list `instances` servers.
std::string NginxConfigFromDeployDoc(const std::vector<int>& instance_ports, int listen_port);

class NginxProcess {
 public:
  explicit NginxProcess(std::string dir) : dir_(std::move(dir)) {}
  ~NginxProcess();
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  // Writes the configs and starts nginx on a free loopback port; waits until it answers.
  bool Start(const std::vector<int>& instance_ports);
  void Stop();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_INTEGRATION_NGINX_PROCESS_H_
