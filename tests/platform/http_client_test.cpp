#include "veil/platform/http_client.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "platform/http_test_support.h"
#include "veil/platform/http_server.h"

namespace {

using veil::ErrorCode;
using veil::platform::FetchPolicy;
using veil::platform::HttpClient;
using veil::platform::parse_fetch_url;

FetchPolicy loopback_policy() {
  FetchPolicy policy;
  policy.allow_loopback_http = true;
  policy.timeout = std::chrono::milliseconds(2000);
  return policy;
}

std::string base_url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

// A server the client tests fetch from: plain answers, a big one, a redirect, a slow one, an echo.
struct FetchTarget {
  veil::platform::HttpServer server;
  std::optional<veil::test::RunningServer> running;

  FetchTarget() {
    auto& router = server.router();
    router.Get("/json", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"issuer":"x"})", "application/json");
    });
    router.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(64 * 1024, 'a'), "text/plain");
    });
    router.Get("/big-chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [](std::size_t offset, httplib::DataSink& sink) {
        if (offset >= 64 * 1024) {
          sink.done();
          return true;
        }
        const std::string chunk(4096, 'b');
        return sink.write(chunk.data(), chunk.size());
      });
    });
    router.Get("/redirect", [](const httplib::Request&, httplib::Response& res) {
      res.status = 302;
      res.set_header("Location", "http://169.254.169.254/latest/meta-data/");
    });
    router.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
      res.set_content("late", "text/plain");
    });
    router.Get("/oauth-error", [](const httplib::Request&, httplib::Response& res) {
      res.status = 400;
      res.set_content(R"({"error":"invalid_grant","error_description":"secret detail"})", "application/json");
    });
    router.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.get_header_value("Content-Type") + "|" + req.body, "text/plain");
    });
    running.emplace(server);
  }
  int port() const { return running->port(); }
};

}  // namespace

TEST_CASE("fetch urls must be https, or plain http to loopback only when the policy allows it", "[http_client]") {
  const FetchPolicy strict;
  const FetchPolicy local = loopback_policy();

  auto https = parse_fetch_url("https://Issuer.Example/path?q=1", strict);
  REQUIRE(https);
  CHECK(https->host == "issuer.example");
  CHECK(https->port == 443);
  CHECK(https->target == "/path?q=1");
  CHECK(https->origin() == "https://issuer.example");

  CHECK(parse_fetch_url("http://127.0.0.1:8701/x", strict).error().code == ErrorCode::url_not_allowed);
  auto loopback = parse_fetch_url("http://127.0.0.1:8701", local);
  REQUIRE(loopback);
  CHECK(loopback->target == "/");
  CHECK(loopback->origin() == "http://127.0.0.1:8701");
  CHECK(parse_fetch_url("http://localhost:1/", local));
  CHECK(parse_fetch_url("http://[::1]:9/", local));
  CHECK(parse_fetch_url("http://issuer.example/", local).error().code == ErrorCode::url_not_allowed);
  CHECK(parse_fetch_url("http://10.0.0.1/", local).error().code == ErrorCode::url_not_allowed);
  CHECK(parse_fetch_url("http://127.0.0.1.evil.example/", local).error().code == ErrorCode::url_not_allowed);
}

TEST_CASE("fetch urls with userinfo, fragments, escapes in the host or bad ports are refused", "[http_client]") {
  const FetchPolicy policy;
  for (const char* url : {"https://user@issuer.example/", "https://issuer.example/#frag", "https://%69ssuer.example/",
                          "https://issuer.example\\@evil/", "https://issuer.example:0/", "https://issuer.example:65536/",
                          "https://issuer.example:80a/", "https:///path", "https://issuer example/", "ftp://issuer.example/",
                          "//issuer.example/", "https://[::1/", "https://issuer.example/\n"}) {
    INFO(url);
    auto parsed = parse_fetch_url(url, policy);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::url_not_allowed);
  }
}

TEST_CASE("a loopback host is any 127/8 address, [::1] or localhost", "[http_client]") {
  CHECK(veil::platform::is_loopback_host("127.0.0.1"));
  CHECK(veil::platform::is_loopback_host("127.1.2.3"));
  CHECK(veil::platform::is_loopback_host("LOCALHOST"));
  CHECK(veil::platform::is_loopback_host("[::1]"));
  CHECK_FALSE(veil::platform::is_loopback_host("127.0.0.1.nip.io"));
  CHECK_FALSE(veil::platform::is_loopback_host("127.0.0"));
  CHECK_FALSE(veil::platform::is_loopback_host("127.0.0.256"));
  CHECK_FALSE(veil::platform::is_loopback_host("128.0.0.1"));
}

TEST_CASE("the client fetches a json document and posts forms and json", "[http_client]") {
  FetchTarget target;
  const HttpClient client(loopback_policy());

  auto got = client.get(base_url(target.port()) + "/json", "application/json");
  REQUIRE(got);
  CHECK(got->status == 200);
  CHECK(veil::platform::media_type_of(got->content_type) == "application/json");
  auto body = veil::platform::json_object_body(*got);
  REQUIRE(body);
  CHECK((*body)["issuer"] == "x");

  auto form = client.post_form(base_url(target.port()) + "/echo", {{"vp_token", R"({"a":["x~y~"]})"}, {"state", "s 1"}});
  REQUIRE(form);
  CHECK(form->body == "application/x-www-form-urlencoded|vp_token=%7B%22a%22%3A%5B%22x~y~%22%5D%7D&state=s%201");

  auto json = client.post_json(base_url(target.port()) + "/echo", veil::Json{{"k", 1}});
  REQUIRE(json);
  CHECK(json->body == R"(application/json|{"k":1})");
}

TEST_CASE("a redirect is reported with its location and never followed [attack:P8]", "[http_client][attack:P8]") {
  FetchTarget target;
  const HttpClient client(loopback_policy());
  auto answer = client.get(base_url(target.port()) + "/redirect", "application/json");
  REQUIRE(answer);
  CHECK(answer->status == 302);
  REQUIRE(answer->location);
  CHECK(*answer->location == "http://169.254.169.254/latest/meta-data/");
  auto expected = veil::platform::expect_status(*answer, 200, "request object");
  REQUIRE_FALSE(expected);
  CHECK(expected.error().code == ErrorCode::unexpected_http_status);
  CHECK(expected.error().message.find("not followed") != std::string::npos);
}

TEST_CASE("an answer beyond the size cap fails, whether it has a length or is chunked", "[http_client]") {
  FetchTarget target;
  FetchPolicy policy = loopback_policy();
  policy.max_response_bytes = 16 * 1024;
  const HttpClient client(policy);
  for (const char* path : {"/big", "/big-chunked"}) {
    INFO(path);
    auto answer = client.get(base_url(target.port()) + path, "text/plain");
    REQUIRE_FALSE(answer);
    CHECK(answer.error().code == ErrorCode::response_too_large);
  }
}

TEST_CASE("a server slower than the timeout gives fetch_failed", "[http_client]") {
  FetchTarget target;
  FetchPolicy policy = loopback_policy();
  policy.timeout = std::chrono::milliseconds(150);
  auto answer = HttpClient(policy).get(base_url(target.port()) + "/slow", "text/plain");
  REQUIRE_FALSE(answer);
  CHECK(answer.error().code == ErrorCode::fetch_failed);
}

TEST_CASE("a refused connection gives fetch_failed and a refused url never connects", "[http_client]") {
  int closed_port = 0;
  {
    FetchTarget gone;
    closed_port = gone.port();
  }
  auto refused = HttpClient(loopback_policy()).get(base_url(closed_port) + "/json", "application/json");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::fetch_failed);

  auto not_allowed = HttpClient().get("http://127.0.0.1:1/json", "application/json");
  REQUIRE_FALSE(not_allowed);
  CHECK(not_allowed.error().code == ErrorCode::url_not_allowed);
}

TEST_CASE("an oauth error answer names its code but not its description", "[http_client]") {
  FetchTarget target;
  auto answer = HttpClient(loopback_policy()).get(base_url(target.port()) + "/oauth-error", "application/json");
  REQUIRE(answer);
  auto expected = veil::platform::expect_status(*answer, 200, "token endpoint");
  REQUIRE_FALSE(expected);
  CHECK(expected.error().message == "token endpoint answered HTTP 400: invalid_grant");
}
