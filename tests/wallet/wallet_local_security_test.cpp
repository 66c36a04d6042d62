// The local wallet's defences (ATTACKS.md "The local wallet", H1, H5-H11): Host allow-list before routing, Origin
// check, no CORS, bearer token on every API call, safe ids, api-token file permissions, loopback-only bind,
// JSON-only writes, and the one-time UI login code.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "veil/platform/secret_token_file.h"
#include "wallet/routes.h"
#include "wallet/ui_assets.h"
#include "wallet/wallet_server_support.h"

using namespace veil;
using namespace veil::wallet;
using namespace veil::wallet::testing;

namespace {

std::string request_line(const std::string& method, const std::string& path, const std::string& host,
                         const std::string& extra = "") {
  return method + " " + path + " HTTP/1.1\r\n" + (host.empty() ? "" : "Host: " + host + "\r\n") + extra +
         "Connection: close\r\n\r\n";
}

int status_of(const std::string& answer) {
  if (answer.size() < 12 || !answer.starts_with("HTTP/1.1 ")) return 0;
  return std::stoi(answer.substr(9, 3));
}

bool has_cors_header(const std::string& answer) {
  std::string lower = answer;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("access-control-allow-") != std::string::npos;
}

mode_t mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

}  // namespace

TEST_CASE("wallet refuses a foreign Host before routing, even with a valid token [attack:H7]",
          "[wallet][local][attack:H7]") {
  WalletTestServer wallet;
  const std::string port = std::to_string(wallet.port());
  const std::string bearer = "Authorization: Bearer " + wallet.token() + "\r\n";
  for (const std::string& host : std::vector<std::string>{"evil.example:" + port, "attacker.rebind.net:" + port, "evil.example",
                                 "127.0.0.1:1", "127.0.0.1", "localhost.:" + port, "127.1:" + port,
                                 "user@127.0.0.1:" + port, std::string()}) {
    INFO("Host: " << host);
    for (const std::string& path : std::vector<std::string>{"/api/status", "/api/credentials", "/", "/app.js"}) {
      const std::string answer = raw_request(wallet.port(), request_line("GET", path, host, bearer));
      // A request without any Host header may be refused by the HTTP layer itself (400); never served.
      if (host.empty()) CHECK((status_of(answer) == 403 || status_of(answer) == 400));
      else CHECK(status_of(answer) == 403);
      if (!host.empty()) CHECK(answer.find("access_denied") != std::string::npos);
      CHECK(answer.find("\"credentials\"") == std::string::npos);
      CHECK_FALSE(has_cors_header(answer));
    }
  }
  // Two Host headers, one of them right, are refused as well.
  const std::string doubled = "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nHost: evil.example:" +
                              port + "\r\n" + bearer + "Connection: close\r\n\r\n";
  CHECK(status_of(raw_request(wallet.port(), doubled)) == 403);
  // The three loopback spellings are accepted.
  for (const std::string& host : std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port}) {
    INFO("Host: " << host);
    CHECK(status_of(raw_request(wallet.port(), request_line("GET", "/api/status", host, bearer))) == 200);
  }
}

TEST_CASE("wallet refuses a cross-site request with a foreign Origin, with or without a token [attack:H8]",
          "[wallet][local][attack:H8]") {
  WalletTestServer wallet;
  for (const std::string& origin : std::vector<std::string>{"https://evil.example", "null", "http://127.0.0.1:1",
                                   "http://127.0.0.1:" + std::to_string(wallet.port()) + ".evil.example"}) {
    INFO("Origin: " << origin);
    expect_wallet_error(wallet.post("/api/lock", Json::object(), std::nullopt, {{"Origin", origin}}), 403,
                        "access_denied");
    expect_wallet_error(wallet.post("/api/lock", Json::object(), "", {{"Origin", origin}}), 403, "access_denied");
    // A simple (no-preflight) form post from a page: refused before the body is looked at.
    expect_wallet_error(wallet.post("/api/lock", Json::object(), "", {{"Origin", origin}},
                                    "application/x-www-form-urlencoded"),
                        403, "access_denied");
  }
  CHECK_FALSE(wallet.app().store().is_locked());
  // The wallet's own page (same origin) is let through.
  auto own = wallet.post("/api/lock", Json::object(), std::nullopt,
                         {{"Origin", "http://127.0.0.1:" + std::to_string(wallet.port())}});
  json_of(own, 200);
  CHECK(wallet.app().store().is_locked());
}

TEST_CASE("a CORS preflight gets no Access-Control-Allow headers, private network included [attack:H9]",
          "[wallet][local][attack:H9]") {
  WalletTestServer wallet;
  const std::string port = std::to_string(wallet.port());
  for (const std::string& origin : std::vector<std::string>{"https://evil.example", "http://127.0.0.1:" + port}) {
    INFO("Origin: " << origin);
    const std::string preflight =
        request_line("OPTIONS", "/api/unlock", "127.0.0.1:" + port,
                     "Origin: " + origin +
                         "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: "
                         "authorization, content-type\r\nAccess-Control-Request-Private-Network: true\r\n");
    const std::string answer = raw_request(wallet.port(), preflight);
    CHECK(status_of(answer) >= 400);
    CHECK_FALSE(has_cors_header(answer));
  }
  // Ordinary answers never carry CORS headers either.
  auto status = wallet.get("/api/status");
  REQUIRE(status);
  CHECK_FALSE(status->has_header("Access-Control-Allow-Origin"));
  CHECK_FALSE(status->has_header("Access-Control-Allow-Credentials"));
}

TEST_CASE("every API call needs the exact bearer token: missing, wrong, prefix or extended is 401 [attack:H10]",
          "[wallet][local][attack:H10]") {
  WalletTestServer wallet;
  const std::string token = wallet.token();
  REQUIRE(token.size() >= 43);
  for (const std::string& bearer : std::vector<std::string>{std::string(), std::string("wrong"), token.substr(0, token.size() - 1),
                                   token.substr(0, 8), token + "A", std::string(token.size(), 'A')}) {
    INFO("bearer: " << bearer.size() << " characters");
    for (const std::string& path : std::vector<std::string>{"/api/status", "/api/credentials", "/api/history", "/api/requests"}) {
      auto answer = wallet.get(path, bearer);
      expect_wallet_error(answer, 401, "invalid_token");
      CHECK(answer->get_header_value("WWW-Authenticate").starts_with("Bearer"));
    }
    expect_wallet_error(wallet.post("/api/lock", Json::object(), bearer), 401, "invalid_token");
    expect_wallet_error(wallet.del("/api/credentials/abc", bearer), 401, "invalid_token");
  }
  CHECK_FALSE(wallet.app().store().is_locked());
  // Never from the query string, a cookie or another scheme (no ambient authority).
  expect_wallet_error(wallet.get("/api/status?access_token=" + token, ""), 401, "invalid_token");
  expect_wallet_error(wallet.get("/api/status", "", {{"Cookie", "token=" + token}}), 401, "invalid_token");
  expect_wallet_error(wallet.get("/api/status", "", {{"Authorization", "Basic " + token}}), 401, "invalid_token");
  // The right token works, scheme case-insensitive.
  json_of(wallet.get("/api/status"), 200);
  json_of(wallet.get("/api/status", "", {{"Authorization", "bearer " + token}}), 200);
}

TEST_CASE("ids with path traversal answer 404 and touch nothing [attack:H11]", "[wallet][local][attack:H11]") {
  WalletTestServer wallet;
  for (const std::string& path : std::vector<std::string>{"/api/credentials/..", "/api/credentials/%2e%2e", "/api/credentials/..%2Fwallet.db",
                                 "/api/credentials/a.b", "/api/requests/..%2F..%2Fapi-token", "/api/requests/%00",
                                 "/api/credentials/" + std::string(200, 'a')}) {
    INFO(path);
    auto answer = wallet.get(path);
    REQUIRE(answer);
    CHECK(answer->status == 404);
    auto removed = wallet.del(path);
    REQUIRE(removed);
    CHECK(removed->status == 404);
  }
  for (const std::string& path : std::vector<std::string>{"/api/credentials/../../wallet.db", "/api/offers/../x/accept"}) {
    INFO(path);
    auto answer = wallet.post(path, Json::object());
    REQUIRE(answer);
    CHECK((answer->status == 404 || answer->status == 400));
  }
  CHECK(std::filesystem::exists(wallet.data_dir() + "/wallet.db"));
  CHECK(std::filesystem::exists(wallet.data_dir() + "/api-token"));
}

TEST_CASE("the api-token file is created 0600 in a 0700 dir and refused when exposed or a symlink",
          "[wallet][local]") {
  veil_test::TempDir dir("veil-wallet-token");
  const std::string data_dir = dir.file("wallet");
  const SystemClock clock;
  WalletConfig config;
  config.data_dir = data_dir;
  config.kdf = "minimum";
  {
    auto app = WalletApp::open(config, clock);
    REQUIRE(app);
    CHECK(mode_of(data_dir + "/api-token") == 0600);
    CHECK(mode_of(data_dir) == 0700);
    // A second start reads the same token.
    auto again = WalletApp::open(config, clock);
    REQUIRE(again);
    CHECK((*again)->api_token() == (*app)->api_token());
  }
  const std::string token_file = data_dir + "/api-token";
  SECTION("group or world readable") {
    for (mode_t exposed : {0640, 0604, 0660}) {
      REQUIRE(::chmod(token_file.c_str(), exposed) == 0);
      auto refused = WalletApp::open(config, clock);
      REQUIRE_FALSE(refused);
      CHECK(refused.error().code == ErrorCode::io_error);
    }
  }
  SECTION("a symlink to another file") {
    const std::string elsewhere = dir.file("planted");
    { std::ofstream(elsewhere) << std::string(43, 'a') << "\n"; }
    REQUIRE(::chmod(elsewhere.c_str(), 0600) == 0);
    std::filesystem::remove(token_file);
    std::filesystem::create_symlink(elsewhere, token_file);
    auto refused = WalletApp::open(config, clock);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::io_error);
  }
}

TEST_CASE("the wallet refuses to listen on anything but loopback", "[wallet][local]") {
  veil_test::TempDir dir("veil-wallet-bind");
  const SystemClock clock;
  for (const std::string& host : std::vector<std::string>{"0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "127.0.0.1.evil",
                                 "", "127.0.0.2"}) {
    INFO("host " << host);
    WalletConfig config;
    config.host = host;
    config.data_dir = dir.file("wallet");
    auto checked = check_wallet_config(config);
    REQUIRE_FALSE(checked);
    CHECK(checked.error().code == ErrorCode::invalid_config);
    auto app = WalletApp::open(config, clock);
    REQUIRE_FALSE(app);
    CHECK(app.error().code == ErrorCode::invalid_config);
  }
  CHECK_FALSE(std::filesystem::exists(dir.file("wallet")));
  for (const std::string& host : std::vector<std::string>{"127.0.0.1", "::1", "localhost"}) {
    WalletConfig config;
    config.host = host;
    CHECK(check_wallet_config(config));
  }
}

TEST_CASE("writes need application/json: text/plain and forms are 415, multipart is refused [attack:H6]",
          "[wallet][local][attack:H6]") {
  WalletTestServer wallet(false);
  const Json body{{"passphrase", kTestPassphrase}};
  for (const std::string& type : std::vector<std::string>{"text/plain", "application/x-www-form-urlencoded",
                                 "application/json; charset=latin1", "text/plain; charset=utf-8"}) {
    INFO(type);
    expect_wallet_error(wallet.post("/api/initialize", body, std::nullopt, {}, type), 415, "unsupported_media_type");
    expect_wallet_error(wallet.post("/api/session", Json{{"code", "x"}}, "", {}, type), 415, "unsupported_media_type");
  }
  // A multipart body (the third no-preflight type) is already refused by the HTTP layer's multipart parser.
  auto multipart = wallet.post("/api/initialize", body, std::nullopt, {}, "multipart/form-data; boundary=x");
  REQUIRE(multipart);
  CHECK((multipart->status == 415 || multipart->status == 400));
  auto status = json_of(wallet.get("/api/status"), 200);
  CHECK(status["initialized"] == false);
}

TEST_CASE("bodies beyond the limit are 413 and hostile JSON 400 [attack:H1][attack:H5]",
          "[wallet][local][attack:H1][attack:H5]") {
  WalletTestServer wallet(true, [](WalletConfig& config) { config.http.max_body_bytes = 4096; });
  expect_wallet_error(wallet.post("/api/offers", Json{{"offer", std::string(8192, 'a')}}), 413, "payload_too_large");
  const std::string deep = "{\"offer\": " + std::string(2000, '[') + std::string(2000, ']') + "}";  // fits, too deep
  for (const std::string& hostile : std::vector<std::string>{deep, std::string(R"({"offer": "a", "offer": "b"})"),
                                    std::string(R"({"offer": 1e999999})"), std::string("{\"offer\": \"\xff\"}"),
                                    std::string("[]")}) {
    auto answer = wallet.client().Post("/api/offers", {{"Authorization", "Bearer " + wallet.token()}}, hostile,
                                       "application/json");
    expect_wallet_error(answer, 400, "invalid_request");
  }
}

TEST_CASE("the UI login code opens one session, once; sessions act as bearer until ended", "[wallet][local]") {
  WalletTestServer wallet;
  const std::string code = wallet.app().sessions().issue_login_code();
  // The code itself is not a bearer token.
  expect_wallet_error(wallet.get("/api/status", code), 401, "invalid_token");
  auto opened = json_of(wallet.post("/api/session", Json{{"code", code}}, ""), 201);
  const std::string session = opened["session"];
  CHECK(session != code);
  CHECK(session != wallet.token());
  json_of(wallet.get("/api/status", session), 200);
  // Single use: the same code again, a prefix of it, or an unknown one opens nothing.
  expect_wallet_error(wallet.post("/api/session", Json{{"code", code}}, ""), 401, "invalid_token");
  const std::string other = wallet.app().sessions().issue_login_code();
  expect_wallet_error(wallet.post("/api/session", Json{{"code", other.substr(0, 20)}}, ""), 401, "invalid_token");
  expect_wallet_error(wallet.post("/api/session", Json::object(), ""), 401, "invalid_token");
  // A session token does not mint further sessions; the api-token does (a holder who lost the link).
  expect_wallet_error(wallet.post("/api/session", Json::object(), session), 401, "invalid_token");
  auto by_token = json_of(wallet.post("/api/session", Json::object()), 201);
  json_of(wallet.get("/api/credentials", by_token["session"].get<std::string>()), 200);
  // Ending a session revokes it.
  json_of(wallet.del("/api/session", session), 200);
  expect_wallet_error(wallet.get("/api/status", session), 401, "invalid_token");
  // Codes expire.
  const std::string late = wallet.app().sessions().issue_login_code();
  wallet.clock().advance(wallet.app().config().login_code_ttl_seconds + 1);
  expect_wallet_error(wallet.post("/api/session", Json{{"code", late}}, ""), 401, "invalid_token");
  // Sessions expire.
  const std::string fresh = wallet.app().sessions().open_session();
  wallet.clock().advance(wallet.app().config().session_ttl_seconds + 1);
  expect_wallet_error(wallet.get("/api/status", fresh), 401, "invalid_token");
}

TEST_CASE("the web UI is served without a token, under a strict CSP, from the binary", "[wallet][local]") {
  WalletTestServer wallet;
  REQUIRE(ui_assets().size() == 3);
  for (const std::string& path : std::vector<std::string>{"/", "/index.html", "/app.js", "/app.css"}) {
    INFO(path);
    auto answer = wallet.get(path, "");
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->get_header_value("Content-Security-Policy") == kUiContentSecurityPolicy);
    CHECK(answer->get_header_value("X-Frame-Options") == "DENY");
    CHECK(answer->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK_FALSE(answer->has_header("Access-Control-Allow-Origin"));
  }
  auto page = wallet.get("/", "");
  CHECK(page->get_header_value("Content-Type").starts_with("text/html"));
  // No inline script or style (the CSP would block them anyway), no external resource.
  CHECK(page->body.find("<script>") == std::string::npos);
  CHECK(page->body.find("style=") == std::string::npos);
  CHECK(page->body.find("http://") == std::string::npos);
  CHECK(page->body.find("https://") == std::string::npos);
  auto script = wallet.get("/app.js", "");
  CHECK(script->get_header_value("Content-Type").starts_with("text/javascript"));
  CHECK(script->body.find("innerHTML") == std::string::npos);
  CHECK(script->body.find("eval(") == std::string::npos);
}
