#include "veil/platform/http_request.h"

#include <catch2/catch.hpp>

#include <string>

#include "platform/http_test_support.h"
#include "veil/platform/http_response.h"

using veil::Json;
using veil::platform::bearer_token;
using veil::platform::constant_time_equals;
using veil::platform::HttpLimits;
using veil::platform::is_safe_id;
using veil::platform::read_form_body;
using veil::platform::read_json_body;

namespace {

httplib::Request request_with(std::string content_type, std::string body) {
  httplib::Request request;
  request.method = "POST";
  if (!content_type.empty()) request.headers.emplace("Content-Type", std::move(content_type));
  request.body = std::move(body);
  return request;
}

httplib::Request json_request(std::string body) { return request_with("application/json", std::move(body)); }

httplib::Request with_authorization(std::string value) {
  httplib::Request request;
  request.headers.emplace("Authorization", std::move(value));
  return request;
}

}  // namespace

TEST_CASE("read_json_body returns a JSON object body", "[http_request]") {
  auto body = read_json_body(json_request(R"({"grant_type":"x","n":[1,{"a":null}]})"), HttpLimits{});
  REQUIRE(body);
  CHECK((*body)["grant_type"] == "x");
}

TEST_CASE("read_json_body accepts a utf-8 charset parameter and any case", "[http_request]") {
  for (const char* type : {"application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\"",
                           "application/json ; foo=bar"}) {
    CAPTURE(type);
    CHECK(read_json_body(request_with(type, "{}"), HttpLimits{}));
  }
}

TEST_CASE("read_json_body answers 415 for any other content type [attack:H6]", "[http_request][attack:H6]") {
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                           "application/jsonx", "application/json; charset=iso-8859-1", ""}) {
    CAPTURE(type);
    auto body = read_json_body(request_with(type, "{}"), HttpLimits{});
    REQUIRE_FALSE(body);
    CHECK(body.error().status == 415);
    CHECK(body.error().error == "unsupported_media_type");
  }
  httplib::Request twice = json_request("{}");
  twice.headers.emplace("Content-Type", "text/plain");
  auto body = read_json_body(twice, HttpLimits{});
  REQUIRE_FALSE(body);
  CHECK(body.error().status == 415);
}

TEST_CASE("read_json_body answers 400 invalid_request for hostile JSON [attack:H5]", "[http_request][attack:H5]") {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const std::string deep_object = "{\"a\":" + deep + "}";
  struct Case {
    const char* name;
    std::string body;
  };
  const Case cases[] = {
      {"depth 10000", deep_object},
      {"huge exponent", R"({"n":1e999999})"},
      {"invalid utf-8", "{\"a\":\"\xff\xfe\"}"},
      {"duplicate keys", R"({"a":1,"a":2})"},
      {"not an object", "[1,2]"},
      {"trailing bytes", "{} x"},
      {"empty", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto body = read_json_body(json_request(c.body), HttpLimits{});
    REQUIRE_FALSE(body);
    CHECK(body.error().status == 400);
    CHECK(body.error().error == "invalid_request");
    CHECK_FALSE(body.error().description.empty());
  }
}

TEST_CASE("read_json_body takes the depth limit from HttpLimits", "[http_request][attack:H5]") {
  HttpLimits limits;
  limits.max_json_depth = 3;
  CHECK(read_json_body(json_request(R"({"a":{"b":1}})"), limits));
  auto body = read_json_body(json_request(R"({"a":{"b":{"c":[1]}}})"), limits);
  REQUIRE_FALSE(body);
  CHECK(body.error().status == 400);
}

TEST_CASE("read_json_body answers 413 for a body over the limit [attack:H1]", "[http_request][attack:H1]") {
  HttpLimits limits;
  limits.max_body_bytes = 10;
  auto body = read_json_body(json_request(R"({"a":"0123456789"})"), limits);
  REQUIRE_FALSE(body);
  CHECK(body.error().status == 413);
  CHECK(body.error().error == "payload_too_large");
}

TEST_CASE("read_form_body decodes a form", "[http_request]") {
  auto form = read_form_body(request_with("application/x-www-form-urlencoded",
                                          "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code"
                                          "&tx_code=12+34&empty=&&pre-authorized_code=a%2Fb%C3%A9"));
  REQUIRE(form);
  CHECK(form->at("grant_type") == "urn:ietf:params:oauth:grant-type:pre-authorized_code");
  CHECK(form->at("tx_code") == "12 34");
  CHECK(form->at("pre-authorized_code") == "a/b\xc3\xa9");
  CHECK(form->count("empty") == 0);  // RFC 6749 §3.1: no value means omitted
}

TEST_CASE("read_form_body rejects a repeated parameter", "[http_request]") {
  for (const char* body : {"a=1&a=2", "a=1&%61=2", "a=1&b=2&a=1"}) {
    CAPTURE(body);
    auto form = read_form_body(request_with("application/x-www-form-urlencoded", body));
    REQUIRE_FALSE(form);
    CHECK(form.error().status == 400);
    CHECK(form.error().error == "invalid_request");
  }
}

TEST_CASE("read_form_body rejects bad encodings, too many parameters and other content types", "[http_request]") {
  for (const char* body : {"a=%", "a=%4", "a=%zz", "a=%ff", "=x", "a=%C0%AF"}) {
    CAPTURE(body);
    auto form = read_form_body(request_with("application/x-www-form-urlencoded", body));
    REQUIRE_FALSE(form);
    CHECK(form.error().status == 400);
  }
  std::string many;
  for (std::size_t i = 0; i <= veil::platform::kMaxFormParameters; ++i) many += "p" + std::to_string(i) + "=1&";
  auto form = read_form_body(request_with("application/x-www-form-urlencoded", many));
  REQUIRE_FALSE(form);
  CHECK(form.error().status == 400);

  auto json = read_form_body(json_request("a=1"));
  REQUIRE_FALSE(json);
  CHECK(json.error().status == 415);
}

TEST_CASE("read_form_body ignores the query string", "[http_request]") {
  httplib::Request request = request_with("application/x-www-form-urlencoded", "a=1");
  request.params.emplace("a", "2");
  request.params.emplace("b", "3");
  auto form = read_form_body(request);
  REQUIRE(form);
  CHECK(form->size() == 1);
  CHECK(form->at("a") == "1");
}

TEST_CASE("bearer_token returns the token of a well-formed Authorization header [attack:H10]",
          "[http_request][attack:H10]") {
  CHECK(bearer_token(with_authorization("Bearer abc.DEF-123_~+/==")) == std::string_view("abc.DEF-123_~+/=="));
  CHECK(bearer_token(with_authorization("bearer tok")) == std::string_view("tok"));
  CHECK(bearer_token(with_authorization("BEARER  tok")) == std::string_view("tok"));
}

TEST_CASE("bearer_token refuses missing, repeated, foreign and malformed credentials [attack:H10]",
          "[http_request][attack:H10]") {
  CHECK_FALSE(bearer_token(httplib::Request{}));
  for (const char* value : {"", "Bearer", "Bearer ", "Bearer  ", "Basic dXNlcjpwYXNz", "Bearertok", "Bearer a b",
                            "Bearer tok ", "Bearer =abc", "Bearer a=b", "Token tok", " Bearer tok", "Bearer\ttok"}) {
    CAPTURE(value);
    CHECK_FALSE(bearer_token(with_authorization(value)));
  }
  httplib::Request twice = with_authorization("Bearer one");
  twice.headers.emplace("Authorization", "Bearer two");
  CHECK_FALSE(bearer_token(twice));

  // Never from the query string or a cookie (no ambient authority, ATTACKS.md local wallet section).
  httplib::Request ambient;
  ambient.params.emplace("access_token", "tok");
  ambient.headers.emplace("Cookie", "access_token=tok");
  CHECK_FALSE(bearer_token(ambient));
}

TEST_CASE("constant_time_equals compares whole strings [attack:H10]", "[http_request][attack:H10]") {
  const std::string token = "Zm9vYmFyYmF6cXV4cXV1eC1zZWNyZXQtdG9rZW4";
  CHECK(constant_time_equals(token, token));
  CHECK(constant_time_equals(token, std::string(token)));
  CHECK_FALSE(constant_time_equals(token, token.substr(0, token.size() - 1)));  // prefix
  CHECK_FALSE(constant_time_equals(token.substr(0, 1), token));
  CHECK_FALSE(constant_time_equals(token, ""));
  CHECK_FALSE(constant_time_equals("", token));
  CHECK_FALSE(constant_time_equals(token, token + "x"));
  std::string last_differs = token;
  last_differs.back() = 'X';
  CHECK_FALSE(constant_time_equals(token, last_differs));
  std::string first_differs = token;
  first_differs.front() = 'X';
  CHECK_FALSE(constant_time_equals(token, first_differs));
  CHECK(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  CHECK_FALSE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST_CASE("is_safe_id accepts plain ids and refuses traversal [attack:H11]", "[http_request][attack:H11]") {
  CHECK(is_safe_id("abc-DEF_123"));
  CHECK(is_safe_id(std::string(veil::platform::kMaxIdLength, 'a')));
  for (const char* id : {"", "..", ".", "../../db", "a/b", "a\\b", "%2e%2e", "a.b", "a b", "a\n", "é", "a%00"}) {
    CAPTURE(id);
    CHECK_FALSE(is_safe_id(id));
  }
  CHECK_FALSE(is_safe_id(std::string(veil::platform::kMaxIdLength + 1, 'a')));
  CHECK_FALSE(is_safe_id(std::string_view("a\0b", 3)));
}

TEST_CASE("routes guarded by is_safe_id answer 404 or 400 to traversal over HTTP [attack:H11]",
          "[http_request][attack:H11]") {
  veil::platform::HttpServer server;
  server.router().Get("/credentials/(.+)", [](const httplib::Request& request, httplib::Response& response) {
    const std::string id = request.matches[1];
    if (!is_safe_id(id)) return veil::platform::send_error(response, {400, "invalid_request", "bad id"});
    veil::platform::send_json(response, 200, Json{{"id", id}});
  });
  veil::test::RunningServer running(server);
  auto client = running.client();
  auto good = client.Get("/credentials/abc-1");
  REQUIRE(good);
  CHECK(good->status == 200);
  for (const char* path : {"/credentials/../../db", "/credentials/..%2f..%2fdb", "/credentials/%2e%2e",
                           "/credentials/a%00b", "/credentials/a/b"}) {
    CAPTURE(path);
    veil::test::RawConnection connection(running.port());
    REQUIRE(connection.send(std::string("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK((response->status == 400 || response->status == 404));
  }
}

TEST_CASE("JSON endpoints answer 415 and 400 over HTTP [attack:H5] [attack:H6]",
          "[http_request][attack:H5][attack:H6]") {
  veil::platform::HttpServer server;
  server.router().Post("/token", [&server](const httplib::Request& request, httplib::Response& response) {
    auto body = read_json_body(request, server.limits());
    if (!body) return veil::platform::send_error(response, body.error());
    veil::platform::send_json(response, 200, *body);
  });
  veil::test::RunningServer running(server);
  auto client = running.client();
  auto plain = client.Post("/token", "{}", "text/plain");
  REQUIRE(plain);
  CHECK(plain->status == 415);
  CHECK(Json::parse(plain->body)["error"] == "unsupported_media_type");
  auto deep = client.Post("/token", "{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}",
                          "application/json");
  REQUIRE(deep);
  CHECK(deep->status == 400);
  CHECK(Json::parse(deep->body)["error"] == "invalid_request");
}
