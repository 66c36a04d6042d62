// Unit tests of the JSON-RPC 2.0 layer of the verifier's MCP endpoint: what counts as a request, a notification
// or a response, and the error each malformed message gets.
#include <catch2/catch.hpp>

#include "verifier/mcp_json_rpc.h"

namespace veil::verifier {
namespace {

auto parse(std::string_view body) { return parse_json_rpc_message(body, 1 << 20, 64); }

// expect_refused REQUIREs a failure with |code| and returns it.
JsonRpcFailure expect_refused(std::string_view body, int code) {
  auto parsed = parse(body);
  INFO(body);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().error.code == code);
  CHECK_FALSE(parsed.error().error.message.empty());
  return parsed.error();
}

}  // namespace

TEST_CASE("a JSON-RPC request is read with its id, method and params", "[verifier][mcp]") {
  auto parsed = parse(R"({"jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": {"cursor": "x"}})");
  REQUIRE(parsed);
  const auto* request = std::get_if<JsonRpcRequest>(&*parsed);
  REQUIRE(request != nullptr);
  CHECK(request->id == 7);
  CHECK(request->method == "tools/list");
  CHECK(request->params == Json{{"cursor", "x"}});

  auto named = parse(R"({"jsonrpc": "2.0", "id": "a-1", "method": "ping"})");
  REQUIRE(named);
  REQUIRE(std::holds_alternative<JsonRpcRequest>(*named));
  CHECK(std::get<JsonRpcRequest>(*named).id == "a-1");
  CHECK(std::get<JsonRpcRequest>(*named).params == Json::object());  // absent params read as {}
}

TEST_CASE("a message without id is a notification, one with result or error a response", "[verifier][mcp]") {
  auto notification = parse(R"({"jsonrpc": "2.0", "method": "notifications/initialized"})");
  REQUIRE(notification);
  REQUIRE(std::holds_alternative<JsonRpcNotification>(*notification));
  CHECK(std::get<JsonRpcNotification>(*notification).method == "notifications/initialized");

  auto response = parse(R"({"jsonrpc": "2.0", "id": 3, "result": {}})");
  REQUIRE(response);
  REQUIRE(std::holds_alternative<JsonRpcResponse>(*response));
  auto error = parse(R"({"jsonrpc": "2.0", "id": 3, "error": {"code": -1, "message": "x"}})");
  REQUIRE(error);
  CHECK(std::holds_alternative<JsonRpcResponse>(*error));
}

TEST_CASE("text that is not JSON is a parse error (-32700) with a null id", "[verifier][mcp]") {
  for (const char* body : {"", "{", "{\"jsonrpc\": \"2.0\",}", "not json", "{\"a\": 1, \"a\": 2}", "\xff\xfe"}) {
    const auto failure = expect_refused(body, kJsonRpcParseError);
    CHECK(failure.id.is_null());
  }
  // Nesting beyond the limit is refused before the parser recurses.
  expect_refused(std::string(100, '[') + std::string(100, ']'), kJsonRpcParseError);
}

TEST_CASE("a batch is refused (-32600): MCP sends one message per POST", "[verifier][mcp]") {
  const auto failure =
      expect_refused(R"([{"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"jsonrpc": "2.0", "id": 2, "method": "ping"}])",
                     kJsonRpcInvalidRequest);
  CHECK(failure.error.message.find("batch") != std::string::npos);
  expect_refused("[]", kJsonRpcInvalidRequest);
}

TEST_CASE("messages that are JSON but not JSON-RPC 2.0 are invalid requests (-32600)", "[verifier][mcp]") {
  expect_refused("42", kJsonRpcInvalidRequest);
  expect_refused("\"ping\"", kJsonRpcInvalidRequest);
  expect_refused(R"({"id": 1, "method": "ping"})", kJsonRpcInvalidRequest);                       // no jsonrpc
  expect_refused(R"({"jsonrpc": "1.0", "id": 1, "method": "ping"})", kJsonRpcInvalidRequest);      // wrong version
  expect_refused(R"({"jsonrpc": 2.0, "id": 1, "method": "ping"})", kJsonRpcInvalidRequest);        // not a string
  expect_refused(R"({"jsonrpc": "2.0", "id": 1, "method": 5})", kJsonRpcInvalidRequest);           // method type
  expect_refused(R"({"jsonrpc": "2.0", "id": 1, "method": ""})", kJsonRpcInvalidRequest);          // empty method
  expect_refused(R"({"jsonrpc": "2.0", "id": 1, "method": "x", "params": [1]})", kJsonRpcInvalidRequest);
  expect_refused(R"({"jsonrpc": "2.0", "id": 1, "method": "x", "extra": 1})", kJsonRpcInvalidRequest);
  expect_refused(R"({"jsonrpc": "2.0", "id": 1, "method": "x", "result": {}})", kJsonRpcInvalidRequest);
  expect_refused(R"({"jsonrpc": "2.0", "id": 1})", kJsonRpcInvalidRequest);                      // neither
  expect_refused(R"({"jsonrpc": "2.0", "id": 1, "result": 1, "error": {}})", kJsonRpcInvalidRequest);
  expect_refused(R"({"jsonrpc": "2.0"})", kJsonRpcInvalidRequest);
}

TEST_CASE("an id must be a string or an integer; a refusal echoes a readable id", "[verifier][mcp]") {
  for (const char* body : {R"({"jsonrpc": "2.0", "id": null, "method": "ping"})",
                           R"({"jsonrpc": "2.0", "id": 1.5, "method": "ping"})",
                           R"({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"})",
                           R"({"jsonrpc": "2.0", "id": true, "method": "ping"})"}) {
    CHECK(expect_refused(body, kJsonRpcInvalidRequest).id.is_null());
  }
  // The id could be read, so the error names the request it answers.
  CHECK(expect_refused(R"({"jsonrpc": "1.0", "id": 9, "method": "ping"})", kJsonRpcInvalidRequest).id == 9);
}

TEST_CASE("responses are written as JSON-RPC 2.0 result and error objects", "[verifier][mcp]") {
  CHECK(json_rpc_result(4, {{"ok", true}}) == Json{{"jsonrpc", "2.0"}, {"id", 4}, {"result", {{"ok", true}}}});
  CHECK(json_rpc_error(nullptr, {kJsonRpcParseError, "parse error", std::nullopt}) ==
        Json{{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", -32700}, {"message", "parse error"}}}});
  const Json with_data = json_rpc_error("x", {kJsonRpcInvalidParams, "bad", Json{{"member", "name"}}});
  CHECK(with_data.at("error").at("data") == Json{{"member", "name"}});
}

}  // namespace veil::verifier
