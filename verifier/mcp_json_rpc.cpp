#include "verifier/mcp_json_rpc.h"

#include <algorithm>

namespace veil::verifier {
namespace {

tl::unexpected<JsonRpcFailure> invalid(const Json& id, std::string message) {
  return tl::unexpected(JsonRpcFailure{id, {kJsonRpcInvalidRequest, std::move(message), std::nullopt}});
}

// JSON-RPC 2.0 §4: an id is a string, a number or null; MCP narrows it to a string or an integer, never null.
bool valid_id(const Json& id) { return id.is_string() || id.is_number_integer(); }

}  // namespace

tl::expected<JsonRpcMessage, JsonRpcFailure> parse_json_rpc_message(std::string_view body, std::size_t max_bytes,
                                                                    int max_depth) {
  auto parsed = parse_json(body, JsonLimits{max_bytes, max_depth});
  if (!parsed) {
    return tl::unexpected(
        JsonRpcFailure{nullptr, {kJsonRpcParseError, "parse error: " + parsed.error().message, std::nullopt}});
  }
  const Json& message = *parsed;
  if (message.is_array()) return invalid(nullptr, "batches are not supported: send one JSON-RPC message per POST");
  if (!message.is_object()) return invalid(nullptr, "a JSON-RPC message must be a JSON object");
  // The id is read first so that every later refusal can name the request it answers.
  Json id = nullptr;
  if (message.contains("id")) {
    if (!valid_id(message["id"])) return invalid(nullptr, "\"id\" must be a string or an integer");
    id = message["id"];
  }
  static constexpr const char* kMembers[] = {"jsonrpc", "id", "method", "params", "result", "error"};
  for (const auto& member : message.items()) {
    // Not a structured binding: clang 14 (the fuzz and sanitizer build) cannot capture one in the lambda below.
    const std::string& name = member.key();
    if (std::none_of(std::begin(kMembers), std::end(kMembers), [&](const char* known) { return name == known; })) {
      return invalid(id, "\"" + name + "\" is not a JSON-RPC message member");
    }
  }
  if (!message.contains("jsonrpc") || message["jsonrpc"] != "2.0") return invalid(id, "\"jsonrpc\" must be \"2.0\"");

  if (!message.contains("method")) {
    if (!message.contains("id")) return invalid(nullptr, "a message needs \"method\" (a request) or \"id\" (a response)");
    if (message.contains("params")) return invalid(id, "a response carries no \"params\"");
    if (message.contains("result") == message.contains("error")) {
      return invalid(id, "a response carries exactly one of \"result\" and \"error\"");
    }
    return JsonRpcResponse{id};
  }
  if (message.contains("result") || message.contains("error")) {
    return invalid(id, "a request carries neither \"result\" nor \"error\"");
  }
  const Json& method = message["method"];
  if (!method.is_string() || method.get_ref<const std::string&>().empty()) {
    return invalid(id, "\"method\" must be a non-empty string");
  }
  Json params = Json::object();
  if (message.contains("params")) {
    if (!message["params"].is_object()) return invalid(id, "\"params\" must be an object");
    params = message["params"];
  }
  if (!message.contains("id")) return JsonRpcNotification{method.get<std::string>(), std::move(params)};
  return JsonRpcRequest{id, method.get<std::string>(), std::move(params)};
}

Json json_rpc_result(const Json& id, Json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Json json_rpc_error(const Json& id, const JsonRpcError& error) {
  Json object = {{"code", error.code}, {"message", error.message}};
  if (error.data) object["data"] = *error.data;
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(object)}};
}

}  // namespace veil::verifier
