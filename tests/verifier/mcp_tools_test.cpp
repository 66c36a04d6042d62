// Unit tests of the verifier's MCP tool definitions: every schema compiles in Veil's JSON Schema validator, the
// input schemas accept what POST /v1/presentation-requests and POST /v1/verify accept and refuse the rest, and
// the output schemas describe what the REST API answers.
#include <catch2/catch.hpp>

#include "veil/json_schema.h"
#include "verifier/mcp_tools.h"

namespace veil::verifier {
namespace {

JsonSchema compiled(const Json& schema) {
  auto compiled_schema = JsonSchema::compile(schema);
  INFO(schema.dump());
  REQUIRE(compiled_schema);
  return *compiled_schema;
}

void expect_valid(const JsonSchema& schema, const Json& instance) {
  const auto valid = schema.validate(instance);
  INFO(instance.dump() << (valid ? std::string() : " -> " + valid.error().message));
  CHECK(valid);
}

void expect_invalid(const JsonSchema& schema, const Json& instance) {
  INFO(instance.dump());
  CHECK_FALSE(schema.validate(instance));
}

const Json kDcql = {{"credentials",
                     {{{"id", "age"},
                       {"format", "dc+sd-jwt"},
                       {"meta", {{"vct_values", {"urn:veil:credential:age"}}}},
                       {"claims", {{{"id", "a"}, {"path", {"age_over_18"}}, {"values", {true}}}}},
                       {"claim_sets", {{"a"}}}}}},
                    {"credential_sets", {{{"options", {{"age"}}}, {"required", true}}}}};

}  // namespace

TEST_CASE("the three tools have names, titles, descriptions and object schemas", "[verifier][mcp]") {
  auto tools = McpTools::create();
  REQUIRE(tools);
  const Json list = tools->list();
  REQUIRE(list.size() == 3);
  std::vector<std::string> names;
  for (const Json& tool : list) {
    names.push_back(tool.at("name"));
    CHECK_FALSE(tool.at("title").get<std::string>().empty());
    CHECK(tool.at("description").get<std::string>().size() > 40);
    for (const char* schema : {"inputSchema", "outputSchema"}) {
      // MCP Tool: both schemas are objects of type "object"; no $schema, so 2020-12 and draft-07 read them alike.
      CHECK(tool.at(schema).at("type") == "object");
      CHECK_FALSE(tool.at(schema).contains("$schema"));
      CHECK(tool.at(schema).at("additionalProperties") == false);
      compiled(tool.at(schema));
    }
    // Agent runtimes refuse combinators at the top of an input schema.
    for (const char* keyword : {"oneOf", "anyOf", "allOf", "not", "$ref"}) CHECK_FALSE(tool.at("inputSchema").contains(keyword));
    CHECK(tool.at("annotations").at("destructiveHint") == false);
  }
  CHECK(names == std::vector<std::string>{"request_attributes", "get_request_result", "verify_presentation"});
  CHECK(tools->find("get_request_result") != nullptr);
  CHECK(tools->find("nope") == nullptr);
}

TEST_CASE("request_attributes takes a simple policy or a DCQL query as the REST API does", "[verifier][mcp]") {
  const JsonSchema input = compiled(request_attributes_definition().at("inputSchema"));
  expect_valid(input, {{"vct", {"urn:veil:credential:age"}}, {"claims", {{"age_over_18"}}}});
  expect_valid(input, {{"vct", "urn:veil:credential:age"}, {"claims", {"address.country", {"nationalities", nullptr}}}});
  expect_valid(input, {{"vct", {"urn:a", "urn:b"}},
                       {"claims", {"given_name"}},
                       {"optional_claims", {"family_name"}},
                       {"trusted_issuers", {"https://issuer.example"}},
                       {"max_age_seconds", 86400},
                       {"mode", "value"},
                       {"webhook_url", "https://rp.example/hook"}});
  expect_valid(input, {{"dcql_query", kDcql}, {"trusted_issuers", "https://issuer.example"}});

  expect_invalid(input, {{"vct", {"urn:a"}}, {"unknown", 1}});                         // additionalProperties
  expect_invalid(input, {{"vct", Json::array()}});                                     // empty list
  expect_invalid(input, {{"vct", {"urn:a", "urn:a"}}});                                // twice
  expect_invalid(input, {{"vct", {"urn:a"}}, {"claims", {{}}}});                       // empty path
  expect_invalid(input, {{"vct", {"urn:a"}}, {"claims", {{"a", -1}}}});                // negative index
  expect_invalid(input, {{"vct", {"urn:a"}}, {"claims", "age_over_18"}});              // not a list
  expect_invalid(input, {{"vct", {"urn:a"}}, {"optional_claims", {"a", "b", "c", "d", "e", "f"}}});
  expect_invalid(input, {{"vct", {"urn:a"}}, {"mode", "inline"}});                     // enum
  expect_invalid(input, {{"vct", {"urn:a"}}, {"max_age_seconds", 0}});
  expect_invalid(input, {{"vct", {"urn:a"}}, {"max_age_seconds", 1.5}});
  Json bad_format = kDcql;
  bad_format["credentials"][0]["format"] = "mso_mdoc";                                  // Veil verifies dc+sd-jwt
  expect_invalid(input, {{"dcql_query", bad_format}});
  Json no_vct = kDcql;
  no_vct["credentials"][0]["meta"] = Json::object();
  expect_invalid(input, {{"dcql_query", no_vct}});
  Json bad_id = kDcql;
  bad_id["credentials"][0]["id"] = "a b";
  expect_invalid(input, {{"dcql_query", bad_id}});
  Json float_value = kDcql;
  float_value["credentials"][0]["claims"][0]["values"] = {1.5};
  expect_invalid(input, {{"dcql_query", float_value}});
  expect_invalid(input, {{"dcql_query", {{"credentials", Json::array()}}}});
}

TEST_CASE("get_request_result takes exactly one safe id", "[verifier][mcp]") {
  const JsonSchema input = compiled(get_request_result_definition().at("inputSchema"));
  expect_valid(input, {{"id", "Q3x_-9"}});
  expect_invalid(input, Json::object());
  expect_invalid(input, {{"id", ""}});
  expect_invalid(input, {{"id", "../etc"}});
  expect_invalid(input, {{"id", std::string(129, 'a')}});
  expect_invalid(input, {{"id", 5}});
  expect_invalid(input, {{"id", "a"}, {"other", 1}});
}

TEST_CASE("verify_presentation takes the body of POST /v1/verify", "[verifier][mcp]") {
  const JsonSchema input = compiled(verify_presentation_definition().at("inputSchema"));
  expect_valid(input, {{"presentation", "a~b~c"}, {"aud", "https://v.example"}, {"nonce", "n"}});
  expect_valid(input, {{"presentation", "a~"}, {"no_kb", true}, {"trusted_issuers", {"https://i.example"}},
                       {"max_credential_age_seconds", 0}});
  expect_invalid(input, {{"aud", "x"}, {"nonce", "n"}});
  expect_invalid(input, {{"presentation", ""}});
  expect_invalid(input, {{"presentation", "a~"}, {"no_kb", "yes"}});
  expect_invalid(input, {{"presentation", "a~"}, {"max_credential_age_seconds", -1}});
  expect_invalid(input, {{"presentation", "a~"}, {"claims", {}}});
}

TEST_CASE("the output schemas describe every answer of the REST API", "[verifier][mcp]") {
  const JsonSchema created = compiled(request_attributes_definition().at("outputSchema"));
  expect_valid(created, {{"id", "abc"}, {"status", "pending"}, {"mode", "reference"}, {"client_id", "x509_hash:abc"},
                         {"request_uri", "http://127.0.0.1:1/request/abc"}, {"link", "openid4vp://?client_id=x"},
                         {"qr_payload", "openid4vp://?client_id=x"}, {"expires_at", 1800000000}});
  expect_invalid(created, {{"id", "abc"}, {"status", "pending"}});

  const JsonSchema result = compiled(get_request_result_definition().at("outputSchema"));
  const Json entry = {{"iss", "https://i.example"}, {"vct", "urn:a"}, {"status", "valid"}, {"claims", {{"age_over_18", true}}}};
  expect_valid(result, {{"id", "a"}, {"status", "pending"}, {"expires_at", 1}});
  expect_valid(result, {{"id", "a"}, {"status", "verified"}, {"completed_at", 1}, {"credentials", {{"credential", entry}}}});
  expect_valid(result, {{"id", "a"}, {"status", "verified"}, {"completed_at", 1}, {"credentials", {{"many", {entry, entry}}}}});
  expect_valid(result, {{"id", "a"}, {"status", "failed"}, {"completed_at", 1},
                        {"error", {{"code", "access_denied"}, {"message", "declined"}}}});
  expect_valid(result, {{"id", "a"}, {"status", "failed"},
                        {"error", {{"code", "transaction_expired"}, {"message", "late"}}}});
  expect_invalid(result, {{"id", "a"}, {"status", "verified"}, {"completed_at", 1}});      // no credentials
  expect_invalid(result, {{"id", "a"}, {"status", "failed"}, {"completed_at", 1}});        // no error
  expect_invalid(result, {{"id", "a"}, {"status", "done"}, {"expires_at", 1}});

  const JsonSchema verified = compiled(verify_presentation_definition().at("outputSchema"));
  expect_valid(verified, {{"valid", true}, {"iss", "https://i.example"}, {"vct", "urn:a"}, {"claims", {{"a", 1}}},
                          {"disclosed", {{"a"}}}, {"key_binding", {{"aud", "x"}, {"nonce", "n"}, {"iat", 1}}},
                          {"status", "unchecked"}});
  expect_valid(verified, {{"valid", true}, {"iss", "https://i.example"}, {"vct", "urn:a"}, {"claims", Json::object()},
                          {"disclosed", Json::array()}, {"key_binding", nullptr}, {"status", "valid"}});
  expect_valid(verified, {{"valid", false}, {"error", {{"code", "invalid_signature"}, {"message", "x"}}}});
  expect_invalid(verified, {{"valid", false}});
  expect_invalid(verified, {{"valid", true}, {"iss", "x"}});
}

}  // namespace veil::verifier
