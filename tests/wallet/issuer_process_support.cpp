#include "wallet/issuer_process_support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

extern char** environ;

namespace veil::wallet::testing {

namespace {

constexpr std::chrono::seconds kStartTimeout{20};
constexpr char kListeningPrefix[] = "listening on http://";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// read_line reads |fd| up to the first newline, waiting with poll (no sleeps) until |deadline|.
std::string read_line(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string line;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("veil-issuer did not print its listening line in time");
    pollfd waiting{fd, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) continue;
    char c = 0;
    const ssize_t got = ::read(fd, &c, 1);
    if (got <= 0) throw std::runtime_error("veil-issuer exited before listening: " + line);
    if (c == '\n') return line;
    line.push_back(c);
  }
}

Json parse_body(const httplib::Result& result, int expected_status) {
  REQUIRE(result);
  INFO(result->body);
  REQUIRE(result->status == expected_status);
  return Json::parse(result->body);
}

}  // namespace

platform::FetchPolicy loopback_fetch_policy() {
  platform::FetchPolicy policy;
  policy.allow_loopback_http = true;
  return policy;
}

Json example_claims(const std::string& type) {
  return Json::parse(read_file(std::string(VEIL_SCHEMAS_DIR) + "/" + type + "/example_claims.json"));
}

IssuerProcess::IssuerProcess() : dir_("veil-wallet-issuer") {
  const std::string data_dir = dir_.file("data");
  const std::string log = dir_.file("issuer.log");
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> args = {VEIL_ISSUER_BIN, "serve", "--host", "127.0.0.1", "--port", "0",
                                   "--data-dir", data_dir};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int spawned = ::posix_spawn(&pid_, VEIL_ISSUER_BIN, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  stdout_fd_ = out[0];
  if (spawned != 0) {
    pid_ = -1;
    throw std::runtime_error(std::string("cannot start ") + VEIL_ISSUER_BIN);
  }

  try {
    const std::string line = read_line(stdout_fd_, std::chrono::steady_clock::now() + kStartTimeout);
    if (line.rfind(kListeningPrefix, 0) != 0) throw std::runtime_error("unexpected first line: " + line);
    url_ = "http://" + line.substr(sizeof(kListeningPrefix) - 1);
    port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
    admin_key_ = trim(read_file(data_dir + "/admin-api-key"));
  } catch (...) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    ::close(stdout_fd_);
    throw;
  }
  client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client_->set_connection_timeout(5);
  client_->set_read_timeout(10);
}

IssuerProcess::~IssuerProcess() {
  client_.reset();
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

Json IssuerProcess::create_offer(const std::string& configuration_id, const Json& claims, bool tx_code) {
  const Json request = {{"credential_configuration_id", configuration_id}, {"claims", claims}, {"tx_code", tx_code}};
  const httplib::Headers headers = {{"Authorization", "Bearer " + admin_key_}};
  return parse_body(client_->Post("/admin/offers", headers, request.dump(), "application/json"), 201);
}

Json IssuerProcess::revoke(const std::string& holder_key_thumbprint) {
  const httplib::Headers headers = {{"Authorization", "Bearer " + admin_key_}};
  const Json list = parse_body(client_->Get("/admin/credentials?limit=1000", headers), 200);
  for (const auto& record : list.at("credentials")) {
    if (record.at("holder_key_thumbprint") == holder_key_thumbprint) {
      const std::string path = "/admin/credentials/" + record.at("id").get<std::string>() + "/revoke";
      return parse_body(client_->Post(path, headers, "{}", "application/json"), 200);
    }
  }
  FAIL("the issuer has issued no credential to holder key " << holder_key_thumbprint);
  return Json();
}

}  // namespace veil::wallet::testing
