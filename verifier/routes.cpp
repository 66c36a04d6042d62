#include "verifier/routes.h"

#include <chrono>

#include "veil/platform/http_guard.h"
#include "veil/platform/http_request.h"
#include "veil/platform/http_response.h"
#include "veil/platform/metrics.h"
#include "verifier/mcp_server.h"
#include "verifier/presentation_transactions.h"
#include "verifier/verify_endpoint.h"

namespace veil::verifier {
namespace {

using platform::HttpError;
using platform::HttpResult;
using Request = httplib::Request;
using Response = httplib::Response;

void answer(Response& response, const HttpResult<Json>& result, int status = 200) {
  if (!result) return platform::send_error(response, result.error());
  platform::send_json(response, status, *result);
}

// with_path_id runs |handle| with the route's first capture when it is a safe id (ATTACKS H11), else 404.
template <class Handle>
void with_path_id(const Request& request, Response& response, Handle&& handle) {
  const std::string id = request.matches.size() > 1 ? request.matches[1].str() : std::string();
  if (!platform::is_safe_id(id)) return platform::send_error(response, {404, "not_found", "no such resource"});
  handle(id);
}

// with_relying_party runs |handle| for the relying party whose API key the request carries (ATTACKS H10: missing,
// malformed, a prefix or any other value is 401; keys are compared in constant time).
template <class Handle>
void with_relying_party(const Request& request, Response& response, const VerifierApp& app, Handle&& handle) {
  const auto token = platform::bearer_token(request);
  const RelyingParty* party = token ? app.relying_parties().authenticate(*token) : nullptr;
  if (party == nullptr) {
    platform::set_header_once(response, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return platform::send_error(response, {401, "unauthorized", "this API needs Authorization: Bearer <API key>"});
  }
  handle(*party);
}

// observed wraps |handler| so that every answer is counted under its route pattern, with its duration.
template <class Handler>
httplib::Server::Handler observed(VerifierApp& app, std::string route, Handler handler) {
  return [&app, route = std::move(route), handler = std::move(handler)](const Request& request, Response& response) {
    const auto started = std::chrono::steady_clock::now();
    handler(request, response);
    observe_http_request(app.metrics(), route, response.status, std::chrono::steady_clock::now() - started);
  };
}

// install_rate_limit refuses, before routing, a client that floods the endpoints that store state, sign or verify
// (ATTACKS H12); results, health and metrics stay unlimited.
void install_rate_limit(platform::HttpServer& server, const VerifierConfig& config) {
  auto limiter = std::make_shared<platform::RateLimiter>(config.rate_limit);
  server.add_request_check([limiter](const Request& request) -> std::optional<HttpError> {
    // POST under /v1/presentation-requests: creation and the front-end's response_code redemption.
    const bool limited = (request.method == "POST" && request.path.starts_with(kPresentationRequestsPath)) ||
                         request.path == kMcpPath || request.path.starts_with(kRequestPath) ||
                         request.path.starts_with(kResponsePath);
    if (!limited || limiter->allow(request.remote_addr)) return std::nullopt;
    return HttpError{429, "too_many_requests", "slow down: too many requests from this address"};
  });
}

void install_relying_party_routes(platform::HttpServer& server, VerifierApp& app) {
  auto& router = server.router();
  router.Post(kPresentationRequestsPath,
              observed(app, kPresentationRequestsPath, [&app, &server](const Request& request, Response& response) {
                with_relying_party(request, response, app, [&](const RelyingParty& party) {
                  auto body = platform::read_json_body(request, server.limits());
                  if (!body) return platform::send_error(response, body.error());
                  app.purge_if_due();
                  answer(response, create_presentation_request(app.transactions(), party, *body), 201);
                });
              }));
  const std::string result_route = std::string(kPresentationRequestsPath) + "/<id>";
  router.Get(std::string(kPresentationRequestsPath) + "/([^/]+)",
             observed(app, result_route, [&app](const Request& request, Response& response) {
               with_relying_party(request, response, app, [&](const RelyingParty& party) {
                 with_path_id(request, response, [&](const std::string& id) {
                   answer(response, presentation_result(app.transactions(), party, id));
                 });
               });
             }));
  // The front-end's fetch with the response_code of the redirect (OpenID4VP 1.0 §14.3): no API key, the code is
  // the credential; a POST body keeps it out of URLs and logs.
  const std::string redeem_route = std::string(kPresentationRequestsPath) + "/<id>/result";
  router.Post(std::string(kPresentationRequestsPath) + "/([^/]+)/result",
              observed(app, redeem_route, [&app, &server](const Request& request, Response& response) {
                with_path_id(request, response, [&](const std::string& id) {
                  auto body = platform::read_json_body(request, server.limits());
                  if (!body) return platform::send_error(response, body.error());
                  answer(response, redeem_presentation_result(app.transactions(), id, *body));
                });
              }));
  router.Post(kVerifyPath, observed(app, kVerifyPath, [&app, &server](const Request& request, Response& response) {
                with_relying_party(request, response, app, [&](const RelyingParty&) {
                  auto body = platform::read_json_body(request, server.limits());
                  if (!body) return platform::send_error(response, body.error());
                  const VerifyEndpointContext context{app.verifier(), app.config().allow_no_kb, &app.log()};
                  answer(response, verify_response(context, *body));
                });
              }));
}

// mcp_answer writes an McpServer answer: JSON for bodies (never SSE), nothing for 202 and 204.
void mcp_answer(Response& response, const McpHttpResponse& answer) {
  if (answer.session_id) platform::set_header_once(response, kMcpSessionHeader, *answer.session_id);
  if (answer.body) return platform::send_json(response, answer.status, *answer.body);
  response.status = answer.status;
  platform::set_header_once(response, "Cache-Control", "no-store");
}

// single_header reads a header the MCP transport defines once; a repeat sets |repeated|.
std::optional<std::string> single_header(const Request& request, const char* name, bool& repeated) {
  const std::size_t count = request.get_header_value_count(name);
  if (count > 1) repeated = true;
  if (count != 1) return std::nullopt;
  return request.get_header_value(name);
}

// with_mcp_relying_party is with_relying_party answering in JSON-RPC, as the rest of /mcp does.
template <class Handle>
void with_mcp_relying_party(const Request& request, Response& response, const VerifierApp& app, Handle&& handle) {
  const auto token = platform::bearer_token(request);
  const RelyingParty* party = token ? app.relying_parties().authenticate(*token) : nullptr;
  if (party == nullptr) {
    platform::set_header_once(response, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return mcp_answer(response, mcp_transport_error(401, kMcpTransportRefused,
                                                    "unauthorized: /mcp needs Authorization: Bearer <API key>"));
  }
  handle(*party);
}

// install_mcp_routes serves the MCP endpoint (Streamable HTTP): POST for messages, DELETE to end a session, GET
// 405 (no server-initiated SSE stream). Any Origin header is refused before the body is read (transport
// "Security Warning": DNS rebinding): an API key belongs to a service, never to a web page.
void install_mcp_routes(platform::HttpServer& server, VerifierApp& app) {
  auto origins = std::make_shared<platform::OriginGuard>();
  server.add_request_check([origins](const Request& request) -> std::optional<HttpError> {
    if (request.path != kMcpPath) return std::nullopt;
    return origins->check(request);
  });
  auto mcp = std::make_shared<McpServer>(app);
  auto& router = server.router();
  router.Post(kMcpPath, observed(app, kMcpPath, [&app, &server, mcp](const Request& request, Response& response) {
                with_mcp_relying_party(request, response, app, [&](const RelyingParty& party) {
                  bool repeated = false;
                  auto accept = single_header(request, "Accept", repeated);
                  auto session = single_header(request, kMcpSessionHeader, repeated);
                  auto version = single_header(request, kMcpProtocolVersionHeader, repeated);
                  const bool json = platform::media_type_is(request, "application/json");
                  const McpHttpRequest exchange{party,           request.body,       json,    std::move(accept),
                                                std::move(session), std::move(version), repeated};
                  const auto depth = static_cast<int>(server.limits().max_json_depth);
                  mcp_answer(response, mcp->post(exchange, server.limits().max_body_bytes, depth));
                });
              }));
  router.Delete(kMcpPath, observed(app, kMcpPath, [&app, mcp](const Request& request, Response& response) {
                  with_mcp_relying_party(request, response, app, [&](const RelyingParty& party) {
                    bool repeated = false;
                    auto session = single_header(request, kMcpSessionHeader, repeated);
                    if (repeated) {
                      return mcp_answer(response, mcp_transport_error(400, kJsonRpcInvalidRequest,
                                                                      "Mcp-Session-Id may appear once"));
                    }
                    mcp_answer(response, mcp->end_session(party, session));
                  });
                }));
  router.Get(kMcpPath, observed(app, kMcpPath, [](const Request&, Response& response) {
               platform::set_header_once(response, "Allow", "POST, DELETE");
               mcp_answer(response, mcp_transport_error(405, kMcpTransportRefused,
                                                        "this server answers every request with JSON and offers no SSE stream"));
             }));
}

void install_operations_routes(platform::HttpServer& server, VerifierApp& app) {
  auto& router = server.router();
  router.Get(kHealthPath, observed(app, kHealthPath, [](const Request&, Response& response) {
               platform::send_json(response, 200, health_response());
             }));
  router.Get(kMetricsPath, [&app](const Request&, Response& response) {
    platform::send_text(response, 200, metrics_response(app.metrics()), platform::kPrometheusContentType);
  });
}

void install_wallet_routes(platform::HttpServer& server, VerifierApp& app) {
  auto& router = server.router();
  router.Get(std::string(kRequestPath) + "([^/]+)",
             observed(app, std::string(kRequestPath) + "<id>", [&app](const Request& request, Response& response) {
               with_path_id(request, response, [&](const std::string& id) {
                 auto object = request_object(app.transactions(), id);
                 if (!object) return platform::send_error(response, object.error());
                 platform::send_text(response, 200, *object, kRequestObjectMediaType);
               });
             }));
  router.Post(std::string(kResponsePath) + "([^/]+)",
              observed(app, std::string(kResponsePath) + "<id>", [&app](const Request& request, Response& response) {
    // An unknown id is answered like an unknown state: 400, not 404 (VP §8.2 error response).
    const std::string id = request.matches.size() > 1 ? request.matches[1].str() : std::string();
    auto form = platform::read_form_body(request);
    if (!form) return platform::send_error(response, form.error());
    app.purge_if_due();
    auto outcome = receive_response(app.transactions(), id, *form);
    if (outcome) return platform::send_json(response, 200, *outcome);
    const Error& error = outcome.error();
    if (error.code == ErrorCode::storage_error || error.code == ErrorCode::internal_error) {
      return platform::send_error(response, {500, "server_error", "the verifier's storage failed"});
    }
    platform::send_json(response, 400,
                        {{"error", "invalid_request"},
                         {"error_description", error.message},
                         {"error_code", std::string(error_code_name(error.code))}});
  }));
}

}  // namespace

void install_routes(platform::HttpServer& server, VerifierApp& app) {
  install_rate_limit(server, app.config());
  install_relying_party_routes(server, app);
  install_wallet_routes(server, app);
  install_mcp_routes(server, app);
  install_operations_routes(server, app);
}

}  // namespace veil::verifier
