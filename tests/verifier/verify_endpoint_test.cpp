// POST /v1/verify as a plain function: the body's shape, the answer `veil-verifier verify` would print, the
// operator's no_kb switch, and the /health and /metrics bodies.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"
#include "verifier/verification_fixtures.h"
#include "verifier/verify_endpoint.h"

using namespace veil;
using namespace veil::verifier;
using namespace veil::verifier::verification_test;

namespace {

Json body_for(const std::string& presentation) {
  return {{"presentation", presentation}, {"aud", kAud}, {"nonce", kNonce}};
}

void expect_bad_request(const platform::HttpResult<Json>& answer) {
  REQUIRE_FALSE(answer);
  CHECK(answer.error().status == 400);
  CHECK(answer.error().error == "invalid_request");
}

// run_cli runs `veil-verifier verify` with |args| and returns its stdout.
std::string run_cli(const std::string& args) {
  const std::string command = std::string(VEIL_VERIFIER_BIN) + " verify " + args + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  ::pclose(pipe);
  return out;
}

}  // namespace

TEST_CASE("POST /v1/verify answers a valid presentation like veil-verifier verify", "[verify_endpoint]") {
  const Service service;
  const std::string presentation = present(issue());
  const auto answer = verify_response({*service.verifier}, body_for(presentation));
  REQUIRE(answer);
  CHECK((*answer)["valid"] == true);
  CHECK((*answer)["iss"] == kIss);
  CHECK((*answer)["vct"] == kVct);
  CHECK((*answer)["claims"]["given_name"] == "Erika");
  CHECK((*answer)["key_binding"] == Json{{"aud", kAud}, {"nonce", kNonce}, {"iat", kNow}});
  CHECK((*answer)["status"] == "unchecked");

  veil_test::TempDir dir;
  std::ofstream(dir.file("trust.json")) << trust_document().dump();
  std::ofstream(dir.file("presentation.txt")) << presentation;
  const std::string cli = run_cli("--presentation " + dir.file("presentation.txt") + " --trust " +
                                  dir.file("trust.json") + " --aud " + kAud + " --nonce " + kNonce +
                                  " --now " + std::to_string(kNow));
  auto printed = parse_json(cli);
  REQUIRE(printed);
  CHECK(*printed == *answer);
}

TEST_CASE("POST /v1/verify answers a rejected presentation with its error code, not a request error",
          "[verify_endpoint]") {
  const Service service;
  PresentSpec spec;
  spec.nonce = "stale";
  const auto answer = verify_response({*service.verifier}, body_for(present(issue(), spec)));
  REQUIRE(answer);
  CHECK((*answer)["valid"] == false);
  CHECK((*answer)["error"]["code"] == "nonce_mismatch");
  CHECK((*answer)["error"]["message"].is_string());
}

TEST_CASE("POST /v1/verify refuses a body of the wrong shape", "[verify_endpoint]") {
  const Service service;
  const VerifyEndpointContext context{*service.verifier};
  const std::string p = present(issue());
  expect_bad_request(verify_response(context, Json::array()));
  expect_bad_request(verify_response(context, {{"aud", kAud}, {"nonce", kNonce}}));
  expect_bad_request(verify_response(context, {{"presentation", 5}, {"aud", kAud}, {"nonce", kNonce}}));
  expect_bad_request(verify_response(context, {{"presentation", ""}, {"aud", kAud}, {"nonce", kNonce}}));
  expect_bad_request(verify_response(context, {{"presentation", p}, {"aud", kAud}}));
  expect_bad_request(verify_response(context, {{"presentation", p}, {"aud", kAud}, {"nonce", 1}}));
  expect_bad_request(verify_response(context, {{"presentation", p}}));
  Json unknown = body_for(p);
  unknown["debug"] = true;
  expect_bad_request(verify_response(context, unknown));
  Json issuers = body_for(p);
  issuers["trusted_issuers"] = kIss;
  expect_bad_request(verify_response(context, issuers));
  Json age = body_for(p);
  age["max_credential_age_seconds"] = -1;
  expect_bad_request(verify_response(context, age));
}

TEST_CASE("POST /v1/verify accepts no_kb only when the operator allows it [attack:K1]", "[verify_endpoint][attack:K1]") {
  const Service service;
  PresentSpec bare;
  bare.key_binding = false;
  const Json body = {{"presentation", present(issue(), bare)}, {"no_kb", true}};
  expect_bad_request(verify_response({*service.verifier}, body));
  const VerifyEndpointContext lenient{*service.verifier, /*allow_no_kb=*/true};
  const auto answer = verify_response(lenient, body);
  REQUIRE(answer);
  CHECK((*answer)["valid"] == true);
  CHECK((*answer)["key_binding"].is_null());
  Json both = body;
  both["aud"] = kAud;
  both["nonce"] = kNonce;
  expect_bad_request(verify_response(lenient, both));
  // Without no_kb, a stripped KB-JWT is still required.
  const auto stripped = verify_response(lenient, body_for(present(issue(), bare)));
  REQUIRE(stripped);
  CHECK((*stripped)["error"]["code"] == "missing_key_binding");
}

TEST_CASE("POST /v1/verify applies the caller's trusted issuers and maximum age", "[verify_endpoint]") {
  const Service service;
  Json body = body_for(present(issue()));
  body["trusted_issuers"] = {"https://someone-else.example"};
  auto answer = verify_response({*service.verifier}, body);
  REQUIRE(answer);
  CHECK((*answer)["error"]["code"] == "untrusted_issuer");
  body.erase("trusted_issuers");
  body["max_credential_age_seconds"] = 60;
  answer = verify_response({*service.verifier}, body);
  REQUIRE(answer);
  CHECK((*answer)["error"]["code"] == "credential_too_old");
}

TEST_CASE("POST /v1/verify logs the outcome code without claims or the presentation", "[verify_endpoint]") {
  const Service service;
  std::ostringstream out;
  const platform::JsonLogger log(out);
  const VerifyEndpointContext context{*service.verifier, false, &log};
  PresentSpec spec;
  spec.aud = "https://other.example";
  const std::string presentation = present(issue(), spec);
  REQUIRE(verify_response(context, body_for(presentation)));
  REQUIRE(verify_response(context, body_for(present(issue()))));
  const std::string text = out.str();
  CHECK(text.find("\"code\":\"aud_mismatch\"") != std::string::npos);
  CHECK(text.find("\"outcome\":\"verified\"") != std::string::npos);
  CHECK(text.find("Erika") == std::string::npos);
  CHECK(text.find(kNonce) == std::string::npos);
  CHECK(text.find(presentation.substr(0, 20)) == std::string::npos);
}

TEST_CASE("GET /health and GET /metrics bodies", "[verify_endpoint][metrics]") {
  CHECK(health_response() == Json{{"status", "ok"}});
  Service service;
  register_verifier_metrics(service.metrics);
  REQUIRE(verify_response({*service.verifier}, body_for(present(issue()))));
  observe_http_request(service.metrics, kVerifyPath, 200, std::chrono::milliseconds(2));
  const std::string text = metrics_response(service.metrics);
  CHECK(text.find("# TYPE veil_http_requests_total counter") != std::string::npos);
  CHECK(text.find("veil_http_requests_total{route=\"/v1/verify\",status=\"200\"} 1") != std::string::npos);
  CHECK(text.find("veil_verifications_total{code=\"none\",outcome=\"verified\"} 1") != std::string::npos);
  CHECK(text.find("veil_verification_duration_seconds_count 1") != std::string::npos);
  CHECK(text.find("veil_http_request_duration_seconds_bucket{route=\"/v1/verify\",le=\"0.0025\"} 1") !=
        std::string::npos);
}
