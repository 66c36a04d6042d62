// McpServer: the Model Context Protocol server behind the verifier's /mcp endpoint (MCP 2025-11-25, Streamable
// HTTP transport): lifecycle (initialize, notifications/initialized), protocol version negotiation, sessions,
// ping, tools/list and tools/call over McpTools. The routes authenticate the relying party and hand over each
// HTTP exchange; everything MCP-specific happens here.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/json.h"
#include "verifier/mcp_json_rpc.h"
#include "verifier/mcp_sessions.h"
#include "verifier/mcp_tools.h"
#include "verifier/relying_parties.h"

namespace veil::verifier {

class VerifierApp;

/// kMcpPath is the MCP endpoint.
inline constexpr char kMcpPath[] = "/mcp";

/// kMcpSessionHeader and kMcpProtocolVersionHeader are the transport's headers.
inline constexpr char kMcpSessionHeader[] = "Mcp-Session-Id";
inline constexpr char kMcpProtocolVersionHeader[] = "MCP-Protocol-Version";

/// kMcpProtocolVersions are the protocol revisions the server speaks, latest first; initialize answers the
/// client's version when listed, else the first.
inline constexpr const char* kMcpProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26"};

/// McpHttpRequest is what the routes read from one HTTP request to /mcp. A header given more than once is
/// passed as nullopt with |repeated_header| set.
struct McpHttpRequest {
  const RelyingParty& relying_party;  // authenticated by the route
  std::string_view body;
  bool json_content_type = false;                 // Content-Type is application/json (charset utf-8 if any)
  std::optional<std::string> accept;              // the Accept header
  std::optional<std::string> session_id;          // Mcp-Session-Id
  std::optional<std::string> protocol_version;    // MCP-Protocol-Version
  bool repeated_header = false;
};

/// McpHttpResponse is what the route answers: |status|, a JSON body (absent for 202 and 204) and the
/// Mcp-Session-Id header to set (initialize only).
struct McpHttpResponse {
  int status = 200;
  std::optional<Json> body;
  std::optional<std::string> session_id;
};

/// mcp_transport_error is the answer to a refused HTTP exchange: |status| with the JSON-RPC error response
/// {"jsonrpc": "2.0", "id": null, "error": {"code": |code|, "message": |message|}} (the transport allows an
/// error body without id).
McpHttpResponse mcp_transport_error(int status, int code, std::string message);

/// McpServer serves /mcp for one VerifierApp (which must outlive it). Thread-safe.
class McpServer {
 public:
  /// McpServer builds the tool set; it aborts only if a tool's schema is broken (a bug the tests catch).
  explicit McpServer(VerifierApp& app);

  /// post handles POST /mcp: one JSON-RPC message per body, every request answered with one application/json
  /// response (the server never opens an SSE stream). Answers:
  ///  - 415 (kMcpTransportRefused) unless Content-Type is application/json; 406 when an Accept header allows
  ///    neither application/json nor any type; 400 for a repeated transport header;
  ///  - 400 kJsonRpcParseError for a body that is not JSON; 400 kJsonRpcInvalidRequest for a batch, a message
  ///    that is not JSON-RPC 2.0, a response (the server sends no requests), a request other than initialize
  ///    without Mcp-Session-Id, initialize with one, or an MCP-Protocol-Version that is not the session's;
  ///  - 404 kMcpSessionNotFound for an unknown, idle, ended or another relying party's session;
  ///  - 202 without body for a notification (notifications/initialized marks the session ready);
  ///  - 200 with the JSON-RPC response for a request: initialize creates a session (Mcp-Session-Id header)
  ///    and negotiates the version; before notifications/initialized only ping is served
  ///    (kJsonRpcInvalidRequest otherwise); ping, tools/list and tools/call are served; any other method is
  ///    kJsonRpcMethodNotFound; params that do not fit the method are kJsonRpcInvalidParams naming the member.
  /// |max_body_bytes| and |max_json_depth| are the server's HTTP limits.
  McpHttpResponse post(const McpHttpRequest& request, std::size_t max_body_bytes, int max_json_depth);

  /// end_session handles DELETE /mcp: 204 when the relying party's session |session_id| ended, 400 without the
  /// header, 404 when there is no such session of this relying party.
  McpHttpResponse end_session(const RelyingParty& relying_party, const std::optional<std::string>& session_id);

  /// sessions exposes the session table (tests, metrics).
  McpSessions& sessions() { return sessions_; }
  const McpTools& tools() const { return tools_; }

 private:
  McpHttpResponse initialize(const McpHttpRequest& request, const JsonRpcRequest& call);
  Json dispatch(const McpHttpRequest& request, const JsonRpcRequest& call);

  VerifierApp& app_;
  McpTools tools_;
  McpSessions sessions_;
};

/// negotiate_mcp_protocol_version returns |requested| when the server speaks it, else the latest version it speaks
/// (MCP lifecycle "Version Negotiation": the client disconnects if it cannot use the answer).
std::string negotiate_mcp_protocol_version(std::string_view requested);

}  // namespace veil::verifier
