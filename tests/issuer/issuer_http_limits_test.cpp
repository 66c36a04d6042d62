// HTTP limits of veil-issuer serve on its own routes: body size (ATTACKS H1), hostile JSON (H5), content types
// (H6), and request framing (a POST without a body).
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "issuer/issuer_test_support.h"

using veil::Json;
using veil::JwsAlg;
using namespace veil::issuer;
using namespace veil::issuer::testing;

namespace {

std::string nested(std::size_t depth) {
  return "{\"credential_configuration_id\": " + std::string(depth, '[') + std::string(depth, ']') + "}";
}

}  // namespace

TEST_CASE("issuer answers 413 to a body over max_body_bytes, with Content-Length or chunked [attack:H1][attack:H2]",
          "[issuer][http][attack:H1][attack:H2]") {
  IssuerTestServer issuer([](IssuerConfig& config) { config.http.max_body_bytes = 4096; });
  const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
  const std::string big = Json{{"credential_configuration_id", "age"}, {"padding", std::string(8192, 'a')}}.dump();
  SECTION("/credential") {
    expect_error(issuer.client().Post("/credential", {{"Authorization", "Bearer " + token}}, big, "application/json"),
                 413, "payload_too_large");
  }
  SECTION("/admin/offers") {
    expect_error(issuer.client().Post("/admin/offers", {{"Authorization", "Bearer " + issuer.admin_key()}}, big,
                                      "application/json"),
                 413, "payload_too_large");
  }
  SECTION("/token") {
    expect_error(issuer.client().Post("/token", big, "application/x-www-form-urlencoded"), 413, "payload_too_large");
  }
  SECTION("/credential with chunked transfer coding and no length [attack:H2]") {
    std::string chunked = "POST /credential HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                          "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 8; ++i) chunked += "400\r\n" + std::string(1024, 'a') + "\r\n";
    chunked += "0\r\n\r\n";
    const std::string answer = raw_exchange(issuer.port(), chunked, 3000);
    INFO(answer.substr(0, 200));
    CHECK(answer.starts_with("HTTP/1.1 413"));
  }
  // A body just under the limit is read and judged on its content.
  auto fits = issuer.post_json("/credential", IssuerTestServer::credential_request("age", {"x"}), token);
  REQUIRE(fits);
  CHECK(fits->status == 400);
}

TEST_CASE("issuer answers 400 to deeply nested or duplicate-key JSON [attack:H5]", "[issuer][http][attack:H5]") {
  IssuerTestServer issuer;
  const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
  const httplib::Headers bearer{{"Authorization", "Bearer " + token}};
  const httplib::Headers admin{{"Authorization", "Bearer " + issuer.admin_key()}};
  const std::string holder_proof = Holder::generate(JwsAlg::ES256).proof(issuer.issuer_id(), issuer.clock().now(),
                                                                         issuer.fresh_nonce());
  const std::vector<std::string> hostile{
      nested(10000),
      nested(issuer.config().http.max_json_depth + 1),
      R"({"credential_configuration_id": "age", "credential_configuration_id": "person", "proofs": {"jwt": [")" +
          holder_proof + R"("]}})",
      R"({"credential_configuration_id": "age", "proofs": {"jwt": [], "jwt": [")" + holder_proof + R"("]}})",
      R"({"credential_configuration_id": "age", "n": 1e999999})",
      "{\"credential_configuration_id\": \"a\xff\xfe\"}",
      "[\"not an object\"]",
      "{\"credential_configuration_id\": \"age\"",
      ""};
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    INFO("hostile body " << i);
    expect_error(issuer.client().Post("/credential", bearer, hostile[i], "application/json"), 400, "invalid_request");
    expect_error(issuer.client().Post("/admin/offers", admin, hostile[i], "application/json"), 400,
                 "invalid_request");
  }
  const std::string duplicate_claims = R"({"credential_configuration_id": "age", "claims": {"age_over_18": true,
      "age_over_18": false}})";
  expect_error(issuer.client().Post("/admin/offers", admin, duplicate_claims, "application/json"), 400,
               "invalid_request");
  // None of it spent the token: the Wallet's real request still succeeds.
  auto issued = issuer.client().Post(
      "/credential", bearer, IssuerTestServer::credential_request("age", {holder_proof}).dump(), "application/json");
  REQUIRE(issued);
  CHECK(issued->status == 200);
}

TEST_CASE("issuer answers 415 to JSON endpoints sent text/plain or a form [attack:H6]", "[issuer][http][attack:H6]") {
  IssuerTestServer issuer;
  const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
  const std::string body = IssuerTestServer::credential_request("age", {"x"}).dump();
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1",
                           "application/jsonx", "application/xml"}) {
    INFO(type);
    expect_error(issuer.client().Post("/credential", {{"Authorization", "Bearer " + token}}, body, type), 415,
                 "unsupported_media_type");
    expect_error(issuer.client().Post("/admin/offers", {{"Authorization", "Bearer " + issuer.admin_key()}}, body, type),
                 415, "unsupported_media_type");
  }
  // httplib itself parses multipart bodies before routing and answers 400 to one that is not multipart: refused
  // either way, never read as JSON.
  for (const std::string path : {"/credential", "/admin/offers"}) {
    auto multipart = issuer.client().Post(path.c_str(), {{"Authorization", "Bearer " + issuer.admin_key()}}, body,
                                          "multipart/form-data; boundary=x");
    REQUIRE(multipart);
    INFO(path << " " << multipart->status);
    CHECK((multipart->status == 415 || multipart->status == 400));
  }
  auto charset = issuer.client().Post("/credential", {{"Authorization", "Bearer " + token}}, body,
                                      "application/json; charset=utf-8");
  REQUIRE(charset);
  CHECK(charset->status == 400);  // read as JSON: the proof "x" is what is wrong
}

TEST_CASE("token endpoint refuses a JSON body: it takes application/x-www-form-urlencoded only",
          "[issuer][http][token]") {
  IssuerTestServer issuer;
  const Json offer = issuer.create_offer("age", example_claims("age"));
  const Json json_form = {{"grant_type", kPreAuthorizedCodeGrant}, {"pre-authorized_code", pre_authorized_code(offer)}};
  auto answer = issuer.client().Post("/token", json_form.dump(), "application/json");
  REQUIRE(answer);
  CHECK((answer->status == 415 || answer->status == 400));
  CHECK(answer->get_header_value("Cache-Control") == "no-store");
  // The code was not spent by the refused request.
  issuer.redeem(offer);
}

TEST_CASE("a POST without Content-Length or Transfer-Encoding has an empty body and is answered at once",
          "[issuer][http][nonce]") {
  IssuerTestServer issuer;
  // RFC 9112 §6.3: a request with neither header has a body of length zero; the server must not wait for more.
  const auto started = std::chrono::steady_clock::now();
  const std::string answer =
      raw_exchange(issuer.port(), "POST /nonce HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 3000);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  INFO(answer);
  CHECK(answer.starts_with("HTTP/1.1 200"));
  CHECK(answer.find("\"c_nonce\"") != std::string::npos);
  CHECK(elapsed < std::chrono::seconds(2));

  SECTION("a bodyless POST to a JSON endpoint is an invalid request, not a timeout") {
    const std::string refused = raw_exchange(
        issuer.port(),
        "POST /admin/offers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + issuer.admin_key() +
            "\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
        3000);
    INFO(refused);
    CHECK(refused.starts_with("HTTP/1.1 400"));
  }
  SECTION("a keep-alive connection serves the next request after a bodyless POST") {
    const std::string both = raw_exchange(issuer.port(),
                                          "POST /nonce HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                          "GET /.well-known/jwt-vc-issuer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                          "Connection: close\r\n\r\n",
                                          3000, true);
    INFO(both);
    CHECK(both.starts_with("HTTP/1.1 200"));
    const auto second = both.find("HTTP/1.1 ", 1);
    REQUIRE(second != std::string::npos);
    CHECK(both.substr(second, 12) == "HTTP/1.1 200");
    CHECK(both.find("\"jwks\"") != std::string::npos);
  }
}

TEST_CASE("issuer never answers a cross-origin preflight with CORS headers [attack:H9]", "[issuer][http][attack:H9]") {
  IssuerTestServer issuer;
  const std::string answer = raw_exchange(issuer.port(),
                                          "OPTIONS /admin/offers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                          "Origin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n"
                                          "Access-Control-Request-Private-Network: true\r\nConnection: close\r\n\r\n",
                                          3000);
  INFO(answer);
  REQUIRE(answer.starts_with("HTTP/1.1 "));
  CHECK(answer.find("Access-Control-Allow") == std::string::npos);
  auto metadata = issuer.client().Get("/.well-known/openid-credential-issuer", {{"Origin", "https://evil.example"}});
  REQUIRE(metadata);
  for (const auto& [name, value] : metadata->headers) CHECK_FALSE(name.starts_with("Access-Control-Allow"));
  CHECK(metadata->get_header_value("X-Content-Type-Options") == "nosniff");
}

TEST_CASE("a client flooding the public endpoints gets 429 while metadata stays available [attack:H12]",
          "[issuer][http][attack:H12]") {
  IssuerTestServer issuer([](IssuerConfig& config) { config.public_rate_limit = {/*per_second=*/1, /*burst=*/5}; });
  int refused = 0;
  for (int i = 0; i < 10; ++i) {
    const auto answer = issuer.client().Post("/nonce");
    REQUIRE(answer);
    if (answer->status == 429) {
      ++refused;
      CHECK(body_json(answer).at("error") == "too_many_requests");
    }
  }
  // Five fit the burst; at one per second, at most one more can have refilled while the loop ran.
  CHECK(refused >= 4);
  const auto metadata = issuer.client().Get("/.well-known/openid-credential-issuer");
  REQUIRE(metadata);
  CHECK(metadata->status == 200);
}
