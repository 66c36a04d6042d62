// McpJsonRpc: the JSON-RPC 2.0 messages of the Model Context Protocol — reading one untrusted message from an
// HTTP body, and writing result and error responses (JSON-RPC 2.0 §4-§5; MCP 2025-11-25 "Base Protocol").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <tl/expected.hpp>

#include "veil/json.h"

namespace veil::verifier {

/// The JSON-RPC 2.0 error codes the MCP server answers with (§5.1), and the server-defined ones it adds in the
/// reserved range -32000..-32099 for transport refusals.
inline constexpr int kJsonRpcParseError = -32700;      // the body is not JSON
inline constexpr int kJsonRpcInvalidRequest = -32600;  // JSON, but not an acceptable JSON-RPC message
inline constexpr int kJsonRpcMethodNotFound = -32601;
inline constexpr int kJsonRpcInvalidParams = -32602;
inline constexpr int kJsonRpcInternalError = -32603;
inline constexpr int kMcpTransportRefused = -32000;    // unauthorized, forbidden, not acceptable, wrong media type
inline constexpr int kMcpSessionNotFound = -32001;     // an unknown, expired, ended or foreign Mcp-Session-Id

/// JsonRpcError is the error object of a JSON-RPC response: |code|, a short |message| naming the problem (never
/// a secret or a claim value) and optional |data|.
struct JsonRpcError {
  int code;
  std::string message;
  std::optional<Json> data;
};

/// JsonRpcRequest is a request: a method call with an id the response must echo (a string or an integer; MCP
/// forbids null) and params (an object; absent params read as an empty object).
struct JsonRpcRequest {
  Json id;
  std::string method;
  Json params = Json::object();
};

/// JsonRpcNotification is a method call without an id: it never gets a response.
struct JsonRpcNotification {
  std::string method;
  Json params = Json::object();
};

/// JsonRpcResponse is a result or error a client sent back (for a request the server sent).
struct JsonRpcResponse {
  Json id;
};

/// JsonRpcMessage is one parsed message.
using JsonRpcMessage = std::variant<JsonRpcRequest, JsonRpcNotification, JsonRpcResponse>;

/// JsonRpcFailure is a message that could not be read: the |error| to answer and the request |id| when one could
/// be read (null otherwise, as JSON-RPC 2.0 §5 requires when the id is unknown).
struct JsonRpcFailure {
  Json id;
  JsonRpcError error;
};

/// parse_json_rpc_message reads one JSON-RPC message from |body| with parse_json's limits (at most |max_bytes|,
/// nesting up to |max_depth|). Fails with kJsonRpcParseError for text that is not JSON (syntax, invalid UTF-8,
/// duplicate members, too deep, too large); with kJsonRpcInvalidRequest for a batch (an array: MCP 2025-06-18
/// removed batching), a top level that is not an object, "jsonrpc" other than "2.0", an id that is not a string
/// or an integer, a method that is not a non-empty string, params that are not an object (MCP never sends
/// positional params), a response without exactly one of result and error, or unknown top-level members.
tl::expected<JsonRpcMessage, JsonRpcFailure> parse_json_rpc_message(std::string_view body, std::size_t max_bytes,
                                                                    int max_depth);

/// json_rpc_result is the response {"jsonrpc": "2.0", "id": |id|, "result": |result|}.
Json json_rpc_result(const Json& id, Json result);

/// json_rpc_error is the response {"jsonrpc": "2.0", "id": |id|, "error": {"code", "message", "data"}}; |id| is
/// null when the request's id is unknown.
Json json_rpc_error(const Json& id, const JsonRpcError& error);

}  // namespace veil::verifier
