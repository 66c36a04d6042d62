// Tests of the verifier's MCP endpoint on a real loopback server: the Streamable HTTP transport (POST, GET 405,
// DELETE), authentication, Origin, sessions and version negotiation, the lifecycle, JSON-RPC errors, and each
// tool over the REST API's transactions — up to a wallet's answer read back through get_request_result.
#include <catch2/catch.hpp>

#include "veil/json_schema.h"
#include "veil/platform/files.h"
#include "verifier/mcp_server.h"
#include "verifier/mcp_tools.h"
#include "verifier/verifier_test_support.h"

namespace veil::verifier::testing {
namespace {

constexpr char kDefaultKey[] = "default-key-0123456789abcdef";
constexpr char kOtherKey[] = "other-key-0123456789abcdefgh";

void two_relying_parties(VerifierConfig& config) {
  config.api_keys_file = config.data_dir + "-keys.json";
  const Json keys = {{"relying_parties",
                      {{{"name", "default"}, {"api_key", kDefaultKey}}, {{"name", "other"}, {"api_key", kOtherKey}}}}};
  REQUIRE(platform::write_new_secret_file(config.api_keys_file, keys.dump()));
}

// McpClient speaks to /mcp like an MCP client over Streamable HTTP: one JSON-RPC message per POST.
struct McpClient {
  explicit McpClient(VerifierTestServer& test_server, std::string key = kDefaultKey)
      : server(test_server), api_key(std::move(key)) {}

  VerifierTestServer& server;
  std::string api_key;
  std::string session;
  std::string version = "2025-11-25";
  int next_id = 1;

  httplib::Headers headers() const {
    httplib::Headers out = {{"Authorization", "Bearer " + api_key}, {"Accept", "application/json, text/event-stream"}};
    if (!session.empty()) {
      out.emplace(kMcpSessionHeader, session);
      out.emplace(kMcpProtocolVersionHeader, version);
    }
    return out;
  }
  httplib::Result post_text(const std::string& body, const httplib::Headers& extra) {
    return server.client().Post(kMcpPath, extra, body, "application/json");
  }
  httplib::Result post(const Json& message) { return post_text(message.dump(), headers()); }

  // request sends a request and REQUIREs HTTP 200 and a JSON-RPC response with its id.
  Json request(const std::string& method, const Json& params = Json::object()) {
    const int id = next_id++;
    auto answer = post({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    REQUIRE(answer);
    INFO(method << " -> " << answer->status << " " << answer->body);
    REQUIRE(answer->status == 200);
    CHECK(answer->get_header_value("Content-Type").rfind("application/json", 0) == 0);
    const Json body = body_json(answer);
    CHECK(body.at("jsonrpc") == "2.0");
    CHECK(body.at("id") == id);
    return body;
  }
  Json result(const std::string& method, const Json& params = Json::object()) {
    const Json body = request(method, params);
    INFO(body.dump());
    REQUIRE(body.contains("result"));
    return body.at("result");
  }
  Json error(const std::string& method, const Json& params, int code) {
    const Json body = request(method, params);
    INFO(body.dump());
    REQUIRE(body.contains("error"));
    CHECK(body.at("error").at("code") == code);
    return body.at("error");
  }
  void notify(const std::string& method) {
    auto answer = post({{"jsonrpc", "2.0"}, {"method", method}});
    REQUIRE(answer);
    CHECK(answer->status == 202);
    CHECK(answer->body.empty());
  }
  Json initialize(const std::string& requested = "2025-11-25") {
    auto answer = post({{"jsonrpc", "2.0"},
                        {"id", 0},
                        {"method", "initialize"},
                        {"params",
                         {{"protocolVersion", requested},
                          {"capabilities", Json::object()},
                          {"clientInfo", {{"name", "veil-test"}, {"version", "1"}}}}}});
    REQUIRE(answer);
    INFO(answer->body);
    REQUIRE(answer->status == 200);
    session = answer->get_header_value(kMcpSessionHeader);
    REQUIRE(session.size() >= 43);
    const Json result = body_json(answer).at("result");
    version = result.at("protocolVersion");
    return result;
  }
  void connect() {
    initialize();
    notify("notifications/initialized");
  }
  // call runs a tool and returns its CallToolResult.
  Json call(const std::string& tool, const Json& arguments) {
    return result("tools/call", {{"name", tool}, {"arguments", arguments}});
  }
};

// expect_transport_error REQUIREs |status| and a JSON-RPC error body with |code| and a null id.
Json expect_transport_error(const httplib::Result& answer, int status, int code) {
  REQUIRE(answer);
  INFO(answer->status << " " << answer->body);
  REQUIRE(answer->status == status);
  const Json body = body_json(answer);
  CHECK(body.at("jsonrpc") == "2.0");
  CHECK(body.at("error").at("code") == code);
  return body;
}

// expect_tool_error REQUIREs an isError result carrying Veil's |code|, without structuredContent.
Json expect_tool_error(const Json& result, const std::string& code) {
  INFO(result.dump());
  REQUIRE(result.at("isError") == true);
  CHECK_FALSE(result.contains("structuredContent"));
  const Json text = Json::parse(result.at("content").at(0).at("text").get<std::string>());
  CHECK(text.at("error").at("code") == code);
  return text.at("error");
}

// structured REQUIREs a successful result whose structuredContent matches |tool|'s outputSchema and whose text
// content is the same JSON.
Json structured(const Json& result, const Json& definition) {
  INFO(result.dump());
  REQUIRE(result.at("isError") == false);
  const Json content = result.at("structuredContent");
  CHECK(Json::parse(result.at("content").at(0).at("text").get<std::string>()) == content);
  auto schema = JsonSchema::compile(definition.at("outputSchema"));
  REQUIRE(schema);
  const auto valid = schema->validate(content);
  INFO((valid ? std::string() : valid.error().message));
  CHECK(valid);
  return content;
}

const Json kAgePolicy = {{"vct", {"urn:veil:credential:age"}}, {"claims", {{"age_over_18"}}}};

}  // namespace

TEST_CASE("MCP initialize negotiates the version, declares tools and opens a session", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  const Json result = client.initialize();
  CHECK(result.at("protocolVersion") == "2025-11-25");
  CHECK(result.at("capabilities") == Json{{"tools", {{"listChanged", false}}}});
  CHECK(result.at("serverInfo").at("name") == "veil-verifier");
  CHECK_FALSE(result.at("instructions").get<std::string>().empty());
  client.notify("notifications/initialized");
  CHECK(client.result("ping") == Json::object());

  McpClient older{server};
  CHECK(older.initialize("2025-06-18").at("protocolVersion") == "2025-06-18");
  CHECK(older.session != client.session);
  // An unknown version is answered with the latest the server speaks; the client decides whether to stay.
  McpClient future{server};
  CHECK(future.initialize("2099-01-01").at("protocolVersion") == "2025-11-25");
}

TEST_CASE("MCP initialize with wrong params is -32602 naming the member", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  const Json good = {{"protocolVersion", "2025-11-25"},
                     {"capabilities", Json::object()},
                     {"clientInfo", {{"name", "x"}, {"version", "1"}}}};
  const std::vector<std::pair<std::string, Json>> cases = {
      {"protocolVersion", {{"capabilities", Json::object()}, {"clientInfo", {{"name", "x"}, {"version", "1"}}}}},
      {"protocolVersion", {{"protocolVersion", 20251125}, {"capabilities", Json::object()},
                           {"clientInfo", {{"name", "x"}, {"version", "1"}}}}},
      {"capabilities", {{"protocolVersion", "2025-11-25"}, {"clientInfo", {{"name", "x"}, {"version", "1"}}}}},
      {"clientInfo", {{"protocolVersion", "2025-11-25"}, {"capabilities", Json::object()}, {"clientInfo", {{"name", "x"}}}}},
      {"surprise", [&] { Json p = good; p["surprise"] = 1; return p; }()}};
  for (const auto& [member, params] : cases) {
    const Json error = client.error("initialize", params, kJsonRpcInvalidParams);
    CHECK(error.at("message").get<std::string>().find(member) != std::string::npos);
  }
}

TEST_CASE("MCP needs the relying party's API key: 401 otherwise [attack:H10]", "[verifier][mcp][attack:H10]") {
  VerifierTestServer server({}, two_relying_parties);
  const std::string initialize = R"({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}})";
  for (const httplib::Headers& headers :
       {httplib::Headers{}, httplib::Headers{{"Authorization", "Bearer wrong-key-0123456789abcdefghij"}},
        httplib::Headers{{"Authorization", "Bearer default-key-0123456789abcde"}},  // a prefix
        httplib::Headers{{"Authorization", std::string("Basic ") + kDefaultKey}}}) {
    auto answer = server.client().Post(kMcpPath, headers, initialize, "application/json");
    const Json body = expect_transport_error(answer, 401, kMcpTransportRefused);
    CHECK(body.at("id").is_null());
    CHECK(answer->get_header_value("WWW-Authenticate").rfind("Bearer", 0) == 0);
  }
  auto deleted = server.client().Delete(kMcpPath, {{kMcpSessionHeader, "x"}});
  expect_transport_error(deleted, 401, kMcpTransportRefused);
}

TEST_CASE("MCP refuses any Origin (DNS rebinding) before reading the body [attack:H8]", "[verifier][mcp][attack:H8]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  httplib::Headers headers = client.headers();
  headers.emplace("Origin", "http://attacker.example");
  auto answer = client.post_text(R"({"jsonrpc": "2.0", "id": 1, "method": "ping"})", headers);
  REQUIRE(answer);
  CHECK(answer->status == 403);
}

TEST_CASE("MCP over HTTP: GET is 405, bodies must be JSON, Accept must allow it", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  auto get = server.client().Get(kMcpPath, client.headers());
  expect_transport_error(get, 405, kMcpTransportRefused);
  CHECK(get->get_header_value("Allow") == "POST, DELETE");

  auto form = server.client().Post(kMcpPath, client.headers(), "a=b", "application/x-www-form-urlencoded");
  expect_transport_error(form, 415, kMcpTransportRefused);
  httplib::Headers html = {{"Authorization", std::string("Bearer ") + kDefaultKey}, {"Accept", "text/html"}};
  expect_transport_error(client.post_text(R"({"jsonrpc": "2.0", "id": 1, "method": "ping"})", html), 406,
                         kMcpTransportRefused);
  // Large bodies are the HTTP server's to refuse, as on every endpoint.
  auto huge = client.post_text(std::string(server.app().config().http.max_body_bytes + 1, ' '), client.headers());
  REQUIRE(huge);
  CHECK(huge->status == 413);
}

TEST_CASE("MCP malformed JSON is -32700, a batch or a non-JSON-RPC message -32600 (HTTP 400)", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  client.connect();
  expect_transport_error(client.post_text("{\"jsonrpc\": \"2.0\", \"id\": 1,", client.headers()), 400, kJsonRpcParseError);
  expect_transport_error(client.post_text(R"([{"jsonrpc": "2.0", "id": 1, "method": "ping"}])", client.headers()), 400,
                         kJsonRpcInvalidRequest);
  expect_transport_error(client.post_text(R"({"jsonrpc": "1.0", "id": 1, "method": "ping"})", client.headers()), 400,
                         kJsonRpcInvalidRequest);
  // The server sends no requests, so a response from the client has nothing to answer.
  expect_transport_error(client.post_text(R"({"jsonrpc": "2.0", "id": 1, "result": {}})", client.headers()), 400,
                         kJsonRpcInvalidRequest);
}

TEST_CASE("MCP before initialize: no session is 400, an unknown session 404", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  const Json list = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}};
  const Json body = expect_transport_error(client.post(list), 400, kJsonRpcInvalidRequest);
  CHECK(body.at("id") == 1);
  CHECK(body.at("error").at("message").get<std::string>().find("initialize") != std::string::npos);
  client.session = "not-a-session-0123456789";
  expect_transport_error(client.post(list), 404, kMcpSessionNotFound);
  client.session.clear();
  auto notification = client.post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  expect_transport_error(notification, 400, kJsonRpcInvalidRequest);
}

TEST_CASE("MCP serves only ping until notifications/initialized arrives", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  client.initialize();
  CHECK(client.result("ping") == Json::object());
  const Json error = client.error("tools/list", Json::object(), kJsonRpcInvalidRequest);
  CHECK(error.at("message").get<std::string>().find("notifications/initialized") != std::string::npos);
  client.notify("notifications/initialized");
  CHECK(client.result("tools/list").at("tools").size() == 3);
  // initialize again inside a session is refused: a session is initialized once.
  auto again = client.post({{"jsonrpc", "2.0"}, {"id", 9}, {"method", "initialize"}, {"params", Json::object()}});
  expect_transport_error(again, 400, kJsonRpcInvalidRequest);
}

TEST_CASE("MCP refuses a protocol version header other than the negotiated one with 400", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  client.connect();
  client.version = "2024-01-01";
  expect_transport_error(client.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}), 400, kJsonRpcInvalidRequest);
  client.version = "2025-06-18";  // supported, but not this session's
  expect_transport_error(client.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}), 400, kJsonRpcInvalidRequest);
  client.version = "2025-11-25";
  CHECK(client.result("ping") == Json::object());
  // Without the header the negotiated version applies (clients of 2025-03-26 do not send it).
  httplib::Headers bare = {{"Authorization", std::string("Bearer ") + kDefaultKey}, {kMcpSessionHeader, client.session}};
  auto answer = client.post_text(R"({"jsonrpc": "2.0", "id": 5, "method": "ping"})", bare);
  REQUIRE(answer);
  CHECK(answer->status == 200);
}

TEST_CASE("MCP unknown methods are -32601; wrong params -32602 naming the problem", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  client.connect();
  for (const char* method : {"resources/list", "prompts/list", "sampling/createMessage", "tools/delete"}) {
    CHECK(client.error(method, Json::object(), kJsonRpcMethodNotFound).at("message").get<std::string>().find(method) !=
          std::string::npos);
  }
  const auto message = [&](const Json& params) {
    return client.error("tools/call", params, kJsonRpcInvalidParams).at("message").get<std::string>();
  };
  CHECK(message({{"name", "no_such_tool"}, {"arguments", Json::object()}}).find("unknown tool: no_such_tool") !=
        std::string::npos);
  CHECK(message({{"arguments", Json::object()}}).find("name") != std::string::npos);
  CHECK(message({{"name", 5}}).find("name") != std::string::npos);
  CHECK(message({{"name", "get_request_result"}, {"arguments", "id=1"}}).find("arguments") != std::string::npos);
  CHECK(message({{"name", "get_request_result"}, {"argumentz", Json::object()}}).find("argumentz") != std::string::npos);
  CHECK(client.error("tools/list", {{"cursor", "x"}}, kJsonRpcInvalidParams).at("message").get<std::string>().find(
            "cursor") != std::string::npos);
  // _meta is allowed beside any method's params.
  CHECK(client.result("ping", {{"_meta", {{"progressToken", 1}}}}) == Json::object());
}

TEST_CASE("MCP sessions belong to one relying party and end with DELETE", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  client.connect();
  McpClient thief{server, kOtherKey};
  thief.session = client.session;
  thief.version = client.version;
  // Another relying party's session reads as absent, exactly like an unknown one.
  expect_transport_error(thief.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}), 404, kMcpSessionNotFound);
  expect_transport_error(server.client().Delete(kMcpPath, thief.headers()), 404, kMcpSessionNotFound);

  expect_transport_error(server.client().Delete(kMcpPath, {{"Authorization", std::string("Bearer ") + kDefaultKey}}),
                         400, kJsonRpcInvalidRequest);
  auto ended = server.client().Delete(kMcpPath, client.headers());
  REQUIRE(ended);
  CHECK(ended->status == 204);
  expect_transport_error(client.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}), 404, kMcpSessionNotFound);
  expect_transport_error(server.client().Delete(kMcpPath, client.headers()), 404, kMcpSessionNotFound);
}

TEST_CASE("MCP sessions expire when idle and are bounded per relying party", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  client.connect();
  server.clock().advance(kMcpSessionIdleSeconds);
  expect_transport_error(client.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}), 404, kMcpSessionNotFound);

  McpSessions sessions(server.clock());
  const std::string first = sessions.create("default", "2025-11-25");
  server.clock().advance(1);
  const std::string other = sessions.create("other", "2025-11-25");
  for (std::size_t i = 1; i < kMcpMaxSessionsPerRelyingParty; ++i) (void)sessions.create("default", "2025-11-25");
  CHECK(sessions.size() == kMcpMaxSessionsPerRelyingParty + 1);
  (void)sessions.create("default", "2025-11-25");  // one beyond the bound ends default's least recently used
  CHECK_FALSE(sessions.find(first, "default"));
  CHECK(sessions.find(other, "other"));            // never another relying party's
  CHECK(sessions.size() == kMcpMaxSessionsPerRelyingParty + 1);
}

TEST_CASE("MCP tools/list shows the three tools with their schemas", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  client.connect();
  const Json tools = client.result("tools/list").at("tools");
  REQUIRE(tools.size() == 3);
  CHECK(tools[0] == request_attributes_definition());
  CHECK(tools[1] == get_request_result_definition());
  CHECK(tools[2] == verify_presentation_definition());
}

TEST_CASE("MCP request_attributes creates a request of the caller's, readable through REST and MCP",
          "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  client.connect();
  const Json created = structured(client.call("request_attributes", kAgePolicy), request_attributes_definition());
  CHECK(created.at("status") == "pending");
  CHECK(created.at("mode") == "reference");
  CHECK(created.at("link").get<std::string>().rfind("openid4vp://?client_id=", 0) == 0);
  CHECK(created.at("qr_payload") == created.at("link"));
  CHECK(created.at("expires_at").get<std::int64_t>() > server.clock().now());
  const std::string id = created.at("id");
  // The same transaction as POST /v1/presentation-requests: the wallet can open it, REST can read it.
  const WalletRequest request = server.open_link(created.at("link"));
  CHECK(request.dcql_query.at("credentials").at(0).at("meta").at("vct_values") == Json{"urn:veil:credential:age"});
  CHECK(server.result(id).at("status") == "pending");

  const Json pending = structured(client.call("get_request_result", {{"id", id}}), get_request_result_definition());
  CHECK(pending.at("status") == "pending");
  CHECK(pending.at("expires_at") == created.at("expires_at"));
  // Another relying party, through MCP as through REST, sees no such request.
  McpClient other{server, kOtherKey};
  other.connect();
  expect_tool_error(other.call("get_request_result", {{"id", id}}), "not_found");
  expect_tool_error(client.call("get_request_result", {{"id", "unknown-id"}}), "not_found");

  const Json by_value = structured(client.call("request_attributes", {{"dcql_query", {{"credentials",
      {{{"id", "age"}, {"format", "dc+sd-jwt"}, {"meta", {{"vct_values", {"urn:veil:credential:age"}}}},
        {"claims", {{{"path", {"age_over_18"}}}}}}}}}}, {"mode", "value"}}), request_attributes_definition());
  CHECK(by_value.at("mode") == "value");
  CHECK_FALSE(by_value.contains("request_uri"));
}

TEST_CASE("MCP tool arguments outside the input schema are isError results with Veil's code", "[verifier][mcp]") {
  VerifierTestServer server({}, two_relying_parties);
  McpClient client{server};
  client.connect();
  Json error = expect_tool_error(client.call("request_attributes", {{"vct", {"urn:a"}}, {"colour", "red"}}), "invalid_policy");
  CHECK(error.at("message").get<std::string>().find("argument") != std::string::npos);
  expect_tool_error(client.call("request_attributes", {{"vct", {"urn:a"}}, {"mode", "inline"}}), "invalid_policy");
  error = expect_tool_error(client.call("request_attributes", {{"dcql_query", {{"credentials", Json::array()}}}}),
                            "invalid_dcql_query");
  CHECK(error.at("message").get<std::string>().find("/dcql_query/credentials") != std::string::npos);
  // What the schema cannot say, the REST API's own checks still refuse with the same codes.
  expect_tool_error(client.call("request_attributes", Json::object()), "invalid_policy");
  expect_tool_error(client.call("request_attributes", {{"vct", {"urn:a"}}, {"dcql_query", {{"credentials",
      {{{"id", "a"}, {"format", "dc+sd-jwt"}, {"meta", {{"vct_values", {"urn:a"}}}}}}}}}}), "invalid_policy");
  expect_tool_error(client.call("request_attributes", {{"vct", {"urn:a"}}, {"webhook_url", "http://rp.example/hook"}}),
                    "url_not_allowed");
  expect_tool_error(client.call("request_attributes", {{"vct", {"urn:a"}}, {"trusted_issuers", {"https://nobody.example"}}}),
                    "invalid_policy");

  expect_tool_error(client.call("get_request_result", Json::object()), "invalid_request");
  expect_tool_error(client.call("get_request_result", {{"id", "../../etc/passwd"}}), "invalid_request");
  expect_tool_error(client.call("verify_presentation", {{"aud", "x"}}), "invalid_request");
  expect_tool_error(client.call("verify_presentation", {{"presentation", "a~"}, {"aud", "x"}}), "invalid_request");
  expect_tool_error(client.call("verify_presentation", {{"presentation", "a~"}, {"no_kb", true}}), "invalid_request");
}

TEST_CASE("MCP verify_presentation answers like POST /v1/verify", "[verifier][mcp]") {
  const TestIssuer issuer = TestIssuer::generate();
  const Holder holder = Holder::generate();
  VerifierTestServer server({issuer.trust_entry()}, two_relying_parties);
  McpClient client{server};
  client.connect();
  const std::int64_t now = server.clock().now();
  const std::string credential = issuer.issue(type_vct("age"), example_claims("age"), holder.key.public_key(), now);
  const std::string presentation = holder.present(credential, {path("age_over_18")}, "https://rp.example", "n-1", now);

  const Json verified = structured(
      client.call("verify_presentation", {{"presentation", presentation}, {"aud", "https://rp.example"}, {"nonce", "n-1"}}),
      verify_presentation_definition());
  CHECK(verified.at("valid") == true);
  CHECK(verified.at("claims").at("age_over_18") == true);
  CHECK(verified.at("key_binding").at("nonce") == "n-1");
  // A rejected presentation is a result, not a tool error: valid false and the verifier's code.
  const Json rejected = structured(
      client.call("verify_presentation", {{"presentation", presentation}, {"aud", "https://rp.example"}, {"nonce", "n-2"}}),
      verify_presentation_definition());
  CHECK(rejected.at("valid") == false);
  CHECK(rejected.at("error").at("code") == "nonce_mismatch");
}

TEST_CASE("MCP get_request_result shows exactly the requested claims once the wallet answered", "[verifier][mcp]") {
  const TestIssuer issuer = TestIssuer::generate();
  const Holder holder = Holder::generate();
  VerifierTestServer server({issuer.trust_entry()}, two_relying_parties);
  McpClient client{server};
  client.connect();
  const Json created = client.call("request_attributes", kAgePolicy).at("structuredContent");
  const WalletRequest request = server.open_link(created.at("link"));
  const std::int64_t now = server.clock().now();
  const std::string credential = issuer.issue(type_vct("age"), example_claims("age"), holder.key.public_key(), now);
  // The wallet discloses more than was asked: the verifier passes on only age_over_18 (ATTACKS P10).
  const std::string presentation =
      holder.present(credential, {path("age_over_18"), path("age_over_21")}, request.client_id, request.nonce, now);
  auto answered = server.respond(request, {{"credential", {presentation}}});
  REQUIRE(answered);
  REQUIRE(answered->status == 200);

  const Json result =
      structured(client.call("get_request_result", {{"id", created.at("id")}}), get_request_result_definition());
  CHECK(result.at("status") == "verified");
  const Json entry = result.at("credentials").at("credential");
  CHECK(entry.at("iss") == issuer.iss);
  CHECK(entry.at("vct") == type_vct("age"));
  CHECK(entry.at("claims") == Json{{"age_over_18", true}});

  // A declined request reads as failed with the wallet's code.
  const Json declined_request = client.call("request_attributes", kAgePolicy).at("structuredContent");
  const WalletRequest second = server.open_link(declined_request.at("link"));
  auto declined = server.post_form(path_of(second.response_uri), {{"error", "access_denied"}, {"state", second.state}});
  REQUIRE(declined);
  const Json failed =
      structured(client.call("get_request_result", {{"id", declined_request.at("id")}}), get_request_result_definition());
  CHECK(failed.at("status") == "failed");
  CHECK(failed.at("error").at("code") == "access_denied");
}

}  // namespace veil::verifier::testing
