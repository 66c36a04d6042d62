#include "wallet/wallet_server_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "wallet/routes.h"

namespace veil::wallet::testing {

MovableClock::MovableClock() : now_(SystemClock().now()) {}

WalletTestServer::WalletTestServer(bool initialize, const std::function<void(WalletConfig&)>& configure)
    : dir_("veil-wallet-api") {
  data_dir_ = dir_.file("wallet");
  WalletConfig config;
  config.port = 0;
  config.data_dir = data_dir_;
  config.kdf = "minimum";
  config.allow_loopback_http = true;
  if (configure) configure(config);
  auto app = WalletApp::open(config, clock_);
  if (!app) throw std::runtime_error("WalletApp::open: " + app.error().message);
  app_ = std::move(*app);
  if (initialize) {
    auto opened = app_->open_with_passphrase(passphrase_from(kTestPassphrase));
    if (!opened) throw std::runtime_error("initialize: " + opened.error().message);
  }
  server_ = std::make_unique<platform::HttpServer>(config.http);
  if (!server_->bind("127.0.0.1", 0)) throw std::runtime_error("cannot bind a loopback port");
  install_routes(*server_, *app_);
  server_->start_in_background();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  client_->set_read_timeout(30, 0);
}

WalletTestServer::~WalletTestServer() { server_->join(); }

httplib::Headers WalletTestServer::with_bearer(const std::optional<std::string>& bearer,
                                               const httplib::Headers& headers) const {
  httplib::Headers all = headers;
  const std::string token = bearer.value_or(app_->api_token());
  if (!token.empty()) all.emplace("Authorization", "Bearer " + token);
  return all;
}

httplib::Result WalletTestServer::get(const std::string& path, std::optional<std::string> bearer,
                                      const httplib::Headers& headers) {
  return client_->Get(path, with_bearer(bearer, headers));
}

httplib::Result WalletTestServer::post(const std::string& path, const Json& body, std::optional<std::string> bearer,
                                       const httplib::Headers& headers, const std::string& content_type) {
  return client_->Post(path, with_bearer(bearer, headers), body.dump(), content_type);
}

httplib::Result WalletTestServer::del(const std::string& path, std::optional<std::string> bearer) {
  return client_->Delete(path, with_bearer(bearer, {}));
}

Json json_of(const httplib::Result& result, int status) {
  REQUIRE(result);
  INFO(result->body);
  REQUIRE(result->status == status);
  return Json::parse(result->body);
}

Json expect_wallet_error(const httplib::Result& result, int status, const std::string& error) {
  REQUIRE(result);
  INFO(result->body);
  CHECK(result->status == status);
  CHECK_FALSE(result->has_header("Access-Control-Allow-Origin"));
  Json body = Json::parse(result->body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body.value("error", "") == error);
  return body;
}

std::string raw_request(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("connect");
  }
  (void)!::write(fd, request.data(), request.size());
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd waiting{fd, POLLIN, 0};
    if (::poll(&waiting, 1, 200) <= 0) {
      // Complete once the head and the Content-Length body are in.
      const auto head_end = answer.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      const auto length_at = answer.find("Content-Length: ");
      if (length_at == std::string::npos || length_at > head_end) break;
      const auto length = std::stoul(answer.substr(length_at + 16));
      if (answer.size() >= head_end + 4 + length) break;
      continue;
    }
    char buffer[4096];
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return answer;
}

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace veil::wallet::testing
