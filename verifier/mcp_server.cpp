#include "verifier/mcp_server.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

#include "veil/platform/json_log.h"
#include "verifier/verifier_app.h"

namespace veil::verifier {
namespace {

// The project's version (CMakeLists.txt project()), as serverInfo names it.
constexpr char kServerVersion[] = "0.1.0";

constexpr char kInstructions[] =
    "Veil verifies facts about a person without learning anything else. Call request_attributes with the claims "
    "you need (for example vct [\"urn:veil:credential:age\"] and claims [[\"age_over_18\"]]), show the returned "
    "link or QR payload to the person, then call get_request_result with the id until its status is verified or "
    "failed. You receive only the claims you asked for, verified; never the credential itself or other claims.";

McpTools make_tools() {
  auto tools = McpTools::create();
  if (!tools) {
    // The schemas are written in mcp_tools.cpp: a compile failure is a bug, never input.
    std::cerr << "veil-verifier: MCP tool schema does not compile: " << tools.error().message << "\n";
    std::abort();
  }
  return std::move(*tools);
}

JsonRpcError invalid_params(std::string message) { return {kJsonRpcInvalidParams, std::move(message), std::nullopt}; }

McpHttpResponse answer(Json body) { return {200, std::move(body), std::nullopt}; }

McpHttpResponse failure(int status, const JsonRpcFailure& failed) {
  return {status, json_rpc_error(failed.id, failed.error), std::nullopt};
}

bool is_supported_version(std::string_view version) {
  return std::any_of(std::begin(kMcpProtocolVersions), std::end(kMcpProtocolVersions),
                     [&](const char* known) { return version == known; });
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// RFC 9110 §12.5.1: the answer is application/json, acceptable when Accept lists it, application/* or */*
// (parameters such as q=0 are not weighed: a client that lists the type wants it).
bool accepts_json(std::string_view accept) {
  std::size_t start = 0;
  const std::string header = lowercase(accept);
  while (start <= header.size()) {
    std::size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    std::string range = header.substr(start, end - start);
    range = range.substr(0, range.find(';'));
    range.erase(0, range.find_first_not_of(" \t"));
    range.erase(range.find_last_not_of(" \t") + 1);
    if (range == "application/json" || range == "application/*" || range == "*/*") return true;
    start = end + 1;
  }
  return false;
}

// MCP "Base Protocol": params may carry _meta (an object) beside the method's own members.
std::optional<JsonRpcError> check_members(const Json& params, std::initializer_list<const char*> allowed,
                                          std::string_view method) {
  for (const auto& member : params.items()) {
    // Not a structured binding: clang 14 (the fuzz and sanitizer build) cannot capture one in the lambda below.
    const std::string& name = member.key();
    const Json& value = member.value();
    if (name == "_meta") {
      if (!value.is_object()) return invalid_params(std::string(method) + ": params._meta must be an object");
      continue;
    }
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* known) { return name == known; })) {
      return invalid_params(std::string(method) + ": params." + name + " is not a parameter of this method");
    }
  }
  return std::nullopt;
}

std::optional<JsonRpcError> check_initialize_params(const Json& params) {
  if (auto unknown = check_members(params, {"protocolVersion", "capabilities", "clientInfo"}, "initialize")) {
    return unknown;
  }
  if (!params.contains("protocolVersion") || !params["protocolVersion"].is_string() ||
      params["protocolVersion"].get_ref<const std::string&>().empty()) {
    return invalid_params("initialize: params.protocolVersion must be a non-empty string");
  }
  if (!params.contains("capabilities") || !params["capabilities"].is_object()) {
    return invalid_params("initialize: params.capabilities must be an object");
  }
  const Json* info = params.contains("clientInfo") ? &params["clientInfo"] : nullptr;
  if (info == nullptr || !info->is_object() || !info->contains("name") || !(*info)["name"].is_string() ||
      !info->contains("version") || !(*info)["version"].is_string()) {
    return invalid_params("initialize: params.clientInfo must be an object with string name and version");
  }
  return std::nullopt;
}

}  // namespace

std::string negotiate_mcp_protocol_version(std::string_view requested) {
  return is_supported_version(requested) ? std::string(requested) : std::string(kMcpProtocolVersions[0]);
}

McpHttpResponse mcp_transport_error(int status, int code, std::string message) {
  return {status, json_rpc_error(nullptr, {code, std::move(message), std::nullopt}), std::nullopt};
}

McpServer::McpServer(VerifierApp& app) : app_(app), tools_(make_tools()), sessions_(app.clock()) {}

McpHttpResponse McpServer::post(const McpHttpRequest& request, std::size_t max_body_bytes, int max_json_depth) {
  if (request.repeated_header) {
    return mcp_transport_error(400, kJsonRpcInvalidRequest, "Accept, Mcp-Session-Id and MCP-Protocol-Version may appear once");
  }
  if (!request.json_content_type) {
    return mcp_transport_error(415, kMcpTransportRefused, "POST /mcp takes Content-Type: application/json");
  }
  if (request.accept && !accepts_json(*request.accept)) {
    return mcp_transport_error(406, kMcpTransportRefused, "the answer is application/json, which Accept does not allow");
  }
  auto parsed = parse_json_rpc_message(request.body, max_body_bytes, max_json_depth);
  if (!parsed) return failure(400, parsed.error());
  if (std::holds_alternative<JsonRpcResponse>(*parsed)) {
    return failure(400, {std::get<JsonRpcResponse>(*parsed).id,
                         {kJsonRpcInvalidRequest, "this server sends no requests, so it takes no responses", std::nullopt}});
  }
  const JsonRpcRequest* call = std::get_if<JsonRpcRequest>(&*parsed);
  const std::string& method = call != nullptr ? call->method : std::get<JsonRpcNotification>(*parsed).method;
  const Json id = call != nullptr ? call->id : Json(nullptr);

  if (method == "initialize") {
    if (call == nullptr) return failure(400, {nullptr, {kJsonRpcInvalidRequest, "initialize is a request: give it an id", std::nullopt}});
    if (request.session_id) {
      return failure(400, {id, {kJsonRpcInvalidRequest, "initialize starts a session: send it without Mcp-Session-Id", std::nullopt}});
    }
    return initialize(request, *call);
  }
  // Transport "Session Management": every message after initialize names its session.
  if (!request.session_id) {
    return failure(400, {id, {kJsonRpcInvalidRequest, "Mcp-Session-Id is missing: call initialize first", std::nullopt}});
  }
  auto session = sessions_.find(*request.session_id, request.relying_party.name);
  if (!session) {
    return failure(404, {id, {kMcpSessionNotFound, "session not found: it ended or expired; call initialize again", std::nullopt}});
  }
  // Transport "Protocol Version Header": an unsupported or different version is refused with 400.
  if (request.protocol_version && *request.protocol_version != session->protocol_version) {
    return failure(400, {id, {kJsonRpcInvalidRequest,
                              "MCP-Protocol-Version must be the negotiated version " + session->protocol_version,
                              std::nullopt}});
  }
  if (call == nullptr) {
    if (method == "notifications/initialized") (void)sessions_.mark_initialized(*request.session_id, request.relying_party.name);
    // Other notifications (cancelled, progress, roots/list_changed) need nothing: every answer is immediate.
    return {202, std::nullopt, std::nullopt};
  }
  if (!session->initialized && method != "ping") {
    return answer(json_rpc_error(id, {kJsonRpcInvalidRequest,
                                      "the session is not ready: send notifications/initialized first", std::nullopt}));
  }
  return answer(dispatch(request, *call));
}

McpHttpResponse McpServer::initialize(const McpHttpRequest& request, const JsonRpcRequest& call) {
  if (auto invalid = check_initialize_params(call.params)) return answer(json_rpc_error(call.id, *invalid));
  const std::string version = negotiate_mcp_protocol_version(call.params["protocolVersion"].get_ref<const std::string&>());
  const Json result = {{"protocolVersion", version},
                       {"capabilities", {{"tools", {{"listChanged", false}}}}},
                       {"serverInfo", {{"name", "veil-verifier"}, {"title", "Veil verifier"}, {"version", kServerVersion}}},
                       {"instructions", kInstructions}};
  McpHttpResponse response = answer(json_rpc_result(call.id, result));
  response.session_id = sessions_.create(request.relying_party.name, version);
  app_.log().info("mcp_session_started", {{"relying_party", platform::LogId(request.relying_party.name)}});
  return response;
}

Json McpServer::dispatch(const McpHttpRequest& request, const JsonRpcRequest& call) {
  if (call.method == "ping") {
    if (auto invalid = check_members(call.params, {}, "ping")) return json_rpc_error(call.id, *invalid);
    return json_rpc_result(call.id, Json::object());
  }
  if (call.method == "tools/list") {
    if (auto invalid = check_members(call.params, {"cursor"}, "tools/list")) return json_rpc_error(call.id, *invalid);
    // Pagination: every tool fits on the first page, so no cursor is ever handed out.
    if (call.params.contains("cursor")) {
      return json_rpc_error(call.id, invalid_params("tools/list: params.cursor is not a cursor this server gave"));
    }
    return json_rpc_result(call.id, {{"tools", tools_.list()}});
  }
  if (call.method == "tools/call") {
    if (auto invalid = check_members(call.params, {"name", "arguments"}, "tools/call")) return json_rpc_error(call.id, *invalid);
    if (!call.params.contains("name") || !call.params["name"].is_string()) {
      return json_rpc_error(call.id, invalid_params("tools/call: params.name must be a string"));
    }
    const std::string& name = call.params["name"].get_ref<const std::string&>();
    const McpTool* tool = tools_.find(name);
    if (tool == nullptr) return json_rpc_error(call.id, invalid_params("tools/call: unknown tool: " + name.substr(0, 64)));
    const Json arguments = call.params.value("arguments", Json::object());
    if (!arguments.is_object()) return json_rpc_error(call.id, invalid_params("tools/call: params.arguments must be an object"));
    return json_rpc_result(call.id, tools_.call(*tool, app_, request.relying_party, arguments));
  }
  return json_rpc_error(call.id, {kJsonRpcMethodNotFound, "method not found: " + call.method.substr(0, 64), std::nullopt});
}

McpHttpResponse McpServer::end_session(const RelyingParty& relying_party, const std::optional<std::string>& session_id) {
  if (!session_id) return mcp_transport_error(400, kJsonRpcInvalidRequest, "DELETE /mcp needs the Mcp-Session-Id to end");
  if (!sessions_.end(*session_id, relying_party.name)) {
    return mcp_transport_error(404, kMcpSessionNotFound, "session not found: it ended or expired");
  }
  return {204, std::nullopt, std::nullopt};
}

}  // namespace veil::verifier
