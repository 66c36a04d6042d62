// Routes: the HTTP adapter of veil-verifier serve — parse the request, call the endpoint function, answer JSON.
#pragma once

#include "veil/platform/http_server.h"
#include "verifier/verifier_app.h"

namespace veil::verifier {

/// install_routes registers every endpoint of the verifier (DESIGN.md "Verifier") on |server|:
/// relying parties (Authorization: Bearer <API key>, compared in constant time; 401 unauthorized otherwise) —
/// POST /v1/presentation-requests, GET /v1/presentation-requests/<id>, POST /v1/verify;
/// wallets — GET /request/<id> (application/oauth-authz-req+jwt), POST /response/<id> (direct_post; a rejected
/// response answers 400 {"error": "invalid_request", "error_description", "error_code": <Veil code>});
/// AI agents — POST /mcp and DELETE /mcp, the MCP server (McpServer, same API keys; JSON-RPC error bodies; any
/// Origin header 403; GET /mcp 405);
/// operations — GET /health, GET /metrics (Prometheus text).
/// Presentation-request creation, /mcp and the wallet endpoints are rate-limited per client address (config
/// rate_limit; 429). |app| must outlive the server.
void install_routes(platform::HttpServer& server, VerifierApp& app);

}  // namespace veil::verifier
