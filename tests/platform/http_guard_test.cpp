#include "veil/platform/http_guard.h"

#include <catch2/catch.hpp>

#include <cctype>
#include <string>
#include <vector>

#include "platform/http_test_support.h"
#include "veil/platform/http_request.h"
#include "veil/platform/http_response.h"

using veil::Json;
using veil::platform::HostGuard;
using veil::platform::HttpServer;
using veil::platform::OriginGuard;
using veil::test::RawConnection;
using veil::test::RunningServer;

namespace {

constexpr const char* kToken = "c2VjcmV0LXRva2VuLWZvci10ZXN0cw";

// A wallet-like server: guard installed, one bearer-protected route.
void add_wallet_routes(HttpServer& server, std::vector<std::string> allowed_origins = {}) {
  veil::platform::install_local_api_guard(server, std::move(allowed_origins));
  auto handler = [](const httplib::Request& request, httplib::Response& response) {
    auto token = veil::platform::bearer_token(request);
    if (!token || !veil::platform::constant_time_equals(*token, kToken)) {
      return veil::platform::send_error(response, {401, "invalid_token", {}});
    }
    veil::platform::send_json(response, 200, Json{{"credentials", Json::array()}});
  };
  server.router().Get("/credentials", handler);
  server.router().Post("/credentials", handler);
}

std::string request_to(const std::string& host_line, const std::string& extra = {}) {
  return "GET /credentials HTTP/1.1\r\n" + host_line + "Authorization: Bearer " + kToken + "\r\n" + extra + "\r\n";
}

bool has_cors_header(const std::string& head) {
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("access-control-") != std::string::npos;
}

}  // namespace

TEST_CASE("HostGuard allows exactly the three loopback authorities of its port [attack:H7]",
          "[http_guard][attack:H7]") {
  const HostGuard guard(8702);
  CHECK(guard.allows("127.0.0.1:8702"));
  CHECK(guard.allows("localhost:8702"));
  CHECK(guard.allows("LocalHost:8702"));
  CHECK(guard.allows("[::1]:8702"));
  for (const char* host : {"evil.example", "evil.example:8702", "attacker.rebind.net:8702", "127.0.0.1",
                           "localhost", "127.0.0.1:8703", "127.0.0.1:87021", "localhost.:8702", "127.1:8702",
                           "0.0.0.0:8702", "[::1]", "::1:8702", "user@127.0.0.1:8702", "127.0.0.1:8702 ",
                           "127.0.0.1.evil.example:8702", "localhost:8702.evil", ""}) {
    CAPTURE(host);
    CHECK_FALSE(guard.allows(host));
  }
  CHECK_FALSE(HostGuard(0).allows("127.0.0.1:0"));
}

TEST_CASE("OriginGuard allows no Origin and listed origins only [attack:H8]", "[http_guard][attack:H8]") {
  httplib::Request none;
  CHECK_FALSE(OriginGuard().check(none));
  httplib::Request evil;
  evil.headers.emplace("Origin", "https://evil.example");
  auto refused = OriginGuard().check(evil);
  REQUIRE(refused);
  CHECK(refused->status == 403);
  httplib::Request null_origin;
  null_origin.headers.emplace("Origin", "null");
  CHECK(OriginGuard().check(null_origin));
  httplib::Request listed;
  listed.headers.emplace("Origin", "http://127.0.0.1:8702");
  CHECK_FALSE(OriginGuard({"http://127.0.0.1:8702"}).check(listed));
  listed.headers.emplace("Origin", "https://evil.example");  // a second, foreign Origin
  CHECK(OriginGuard({"http://127.0.0.1:8702"}).check(listed));
}

TEST_CASE("guarded server accepts loopback Host names with the token", "[http_guard][attack:H7]") {
  HttpServer server;
  add_wallet_routes(server);
  RunningServer running(server);
  const std::string port = std::to_string(running.port());
  for (const std::string& host : std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port}) {
    CAPTURE(host);
    RawConnection connection(running.port());
    REQUIRE(connection.send(request_to("Host: " + host + "\r\n")));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->status == 200);
  }
  auto result = running.client().Get("/credentials", {{"Authorization", std::string("Bearer ") + kToken}});
  REQUIRE(result);
  CHECK(result->status == 200);
}

TEST_CASE("request with a valid token but a foreign Host answers 403 before routing [attack:H7]",
          "[http_guard][attack:H7]") {
  HttpServer server;
  add_wallet_routes(server);
  RunningServer running(server);
  const std::string port = std::to_string(running.port());
  for (const std::string& host_line : std::vector<std::string>{
           "Host: evil.example\r\n", "Host: attacker.rebind.net:" + port + "\r\n", "Host: evil:" + port + "\r\n",
        std::string(), "Host: 127.0.0.1:" + port + "\r\nHost: evil.example\r\n"}) {
    CAPTURE(host_line);
    RawConnection connection(running.port());
    REQUIRE(connection.send(request_to(host_line)));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->status == 403);
    CHECK(Json::parse(response->body) == Json{{"error", "access_denied"}, {"error_description", "host not allowed"}});
    CHECK_FALSE(has_cors_header(response->head));
  }
  // HTTP/1.0 without any Host header.
  RawConnection connection(running.port());
  REQUIRE(connection.send("GET /credentials HTTP/1.0\r\nAuthorization: Bearer " + std::string(kToken) + "\r\n\r\n"));
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 403);
}

TEST_CASE("cross-site POST with a foreign Origin answers 403 [attack:H8]", "[http_guard][attack:H8]") {
  HttpServer server;
  add_wallet_routes(server);
  RunningServer running(server);
  auto client = running.client();
  auto csrf = client.Post("/credentials", {{"Origin", "https://evil.example"}}, "a=b",
                          "application/x-www-form-urlencoded");
  REQUIRE(csrf);
  CHECK(csrf->status == 403);
  CHECK(Json::parse(csrf->body)["error_description"] == "origin not allowed");
  // Even with the token: the Origin check does not depend on it.
  auto with_token = client.Post(
      "/credentials", {{"Origin", "https://evil.example"}, {"Authorization", std::string("Bearer ") + kToken}}, "{}",
      "application/json");
  REQUIRE(with_token);
  CHECK(with_token->status == 403);
}

TEST_CASE("guarded server accepts a listed Origin", "[http_guard][attack:H8]") {
  HttpServer server;
  add_wallet_routes(server, {"http://localhost:9999"});
  RunningServer running(server);
  auto result = running.client().Get(
      "/credentials", {{"Origin", "http://localhost:9999"}, {"Authorization", std::string("Bearer ") + kToken}});
  REQUIRE(result);
  CHECK(result->status == 200);
}

TEST_CASE("preflight from a foreign origin gets no Access-Control-Allow headers [attack:H9]",
          "[http_guard][attack:H9]") {
  for (bool guarded : {true, false}) {
    CAPTURE(guarded);
    HttpServer server;
    if (guarded) {
      add_wallet_routes(server);
    } else {
      server.router().Post("/credentials", [](const httplib::Request&, httplib::Response& response) {
        veil::platform::send_json(response, 200, Json::object());
      });
    }
    RunningServer running(server);
    RawConnection connection(running.port());
    REQUIRE(connection.send("OPTIONS /credentials HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(running.port()) +
                            "\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n"
                            "Access-Control-Request-Headers: authorization, content-type\r\n"
                            "Access-Control-Request-Private-Network: true\r\n\r\n"));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->status == (guarded ? 403 : 404));
    CHECK_FALSE(has_cors_header(response->head));
  }
}

TEST_CASE("missing, wrong and prefix bearer tokens answer 401 [attack:H10]", "[http_guard][attack:H10]") {
  HttpServer server;
  add_wallet_routes(server);
  RunningServer running(server);
  auto client = running.client();
  const std::string token = kToken;
  for (const std::string& authorization : std::vector<std::string>{
           std::string(), "Bearer wrong", "Bearer " + token.substr(0, token.size() - 1), "Bearer " + token + "x",
        "Basic " + token, "Bearer"}) {
    CAPTURE(authorization);
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    auto result = client.Get("/credentials", headers);
    REQUIRE(result);
    CHECK(result->status == 401);
    CHECK(Json::parse(result->body)["error"] == "invalid_token");
    CHECK(result->get_header_value("WWW-Authenticate") == "Bearer");
  }
  auto query = client.Get(("/credentials?access_token=" + token).c_str());
  REQUIRE(query);
  CHECK(query->status == 401);
  auto cookie = client.Get("/credentials", {{"Cookie", "access_token=" + token}});
  REQUIRE(cookie);
  CHECK(cookie->status == 401);
}
