#include "veil/platform/http_response.h"

#include <catch2/catch.hpp>

using veil::Json;

TEST_CASE("send_json writes application/json with no-store", "[http_response]") {
  httplib::Response response;
  veil::platform::send_json(response, 201, Json{{"c_nonce", "n"}});
  CHECK(response.status == 201);
  CHECK(Json::parse(response.body) == Json{{"c_nonce", "n"}});
  CHECK(response.get_header_value("Content-Type") == "application/json");
  CHECK(response.get_header_value("Cache-Control") == "no-store");
}

TEST_CASE("send_json never fails on invalid UTF-8 in a value", "[http_response]") {
  httplib::Response response;
  veil::platform::send_json(response, 200, Json{{"a", "\xff"}});
  CHECK(response.status == 200);
  CHECK_FALSE(response.body.empty());
}

TEST_CASE("send_cacheable_json allows caching public metadata for 300 s", "[http_response]") {
  httplib::Response response;
  response.set_header("Cache-Control", "no-store");
  veil::platform::send_cacheable_json(response, Json{{"issuer", "x"}}, "application/jwk-set+json");
  CHECK(response.status == 200);
  CHECK(response.get_header_value("Content-Type") == "application/jwk-set+json");
  CHECK(response.get_header_value_count("Cache-Control") == 1);
  CHECK(response.get_header_value("Cache-Control") == "public, max-age=300");
}

TEST_CASE("send_error writes the OAuth error envelope", "[http_response]") {
  httplib::Response response;
  veil::platform::send_error(response, {400, "invalid_proof", "proof typ is not openid4vci-proof+jwt"});
  CHECK(response.status == 400);
  CHECK(Json::parse(response.body) ==
        Json{{"error", "invalid_proof"}, {"error_description", "proof typ is not openid4vci-proof+jwt"}});
  CHECK(response.get_header_value("Cache-Control") == "no-store");
  CHECK_FALSE(response.has_header("WWW-Authenticate"));

  httplib::Response bare;
  veil::platform::send_error(bare, {404, "not_found", {}});
  CHECK(Json::parse(bare.body) == Json{{"error", "not_found"}});
}

TEST_CASE("send_error on 401 names the Bearer scheme", "[http_response]") {
  httplib::Response response;
  veil::platform::send_error(response, {401, "invalid_token", {}});
  CHECK(response.get_header_value("WWW-Authenticate") == "Bearer");
}

TEST_CASE("send_text writes the body as given with its content type", "[http_response]") {
  httplib::Response response;
  veil::platform::send_text(response, 200, "a.b.c", "application/statuslist+jwt");
  CHECK(response.body == "a.b.c");
  CHECK(response.get_header_value("Content-Type") == "application/statuslist+jwt");
  CHECK(response.get_header_value("Cache-Control") == "no-store");
}

TEST_CASE("default_error_code names the bare statuses", "[http_response]") {
  CHECK(veil::platform::default_error_code(404) == "not_found");
  CHECK(veil::platform::default_error_code(413) == "payload_too_large");
  CHECK(veil::platform::default_error_code(431) == "request_header_fields_too_large");
  CHECK(veil::platform::default_error_code(503) == "server_error");
  CHECK(veil::platform::default_error_code(418) == "invalid_request");
}

TEST_CASE("send_error keeps a WWW-Authenticate challenge the caller already set", "[http_response]") {
  httplib::Response response;
  veil::platform::set_header_once(response, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
  veil::platform::send_error(response, {401, "invalid_token", {}});
  CHECK(response.get_header_value_count("WWW-Authenticate") == 1);
  CHECK(response.get_header_value("WWW-Authenticate") == "Bearer error=\"invalid_token\"");
}
