#include "issuer/routes.h"

#include "issuer/credential_admin.h"
#include "issuer/credential_endpoint.h"
#include "issuer/nonce_endpoint.h"
#include "issuer/offer_desk.h"
#include "issuer/status_list_publisher.h"
#include "issuer/token_endpoint.h"
#include "veil/platform/http_request.h"
#include "veil/platform/http_response.h"

namespace veil::issuer {
namespace {

using platform::HttpError;
using platform::HttpResult;
using Request = httplib::Request;
using Response = httplib::Response;

void send_failure(Response& response, const HttpError& error) {
  // RFC 6750 §3: a 401 names the scheme the client must use.
  if (error.status == 401) {
    platform::set_header_once(response, "WWW-Authenticate", "Bearer error=\"" + error.error + "\"");
  }
  platform::send_error(response, error);
}

void answer(Response& response, const HttpResult<Json>& result, int status = 200) {
  if (!result) return send_failure(response, result.error());
  platform::send_json(response, status, *result);
}

// admin_refusal checks the admin bearer key: missing, malformed, a prefix or any other value is 401.
std::optional<HttpError> admin_refusal(const Request& request, const IssuerApp& app) {
  const auto token = platform::bearer_token(request);
  if (!token || !platform::constant_time_equals(*token, app.admin_key())) {
    return HttpError{401, "invalid_token", "the admin API needs Authorization: Bearer <admin key>"};
  }
  return std::nullopt;
}

// with_path_id runs |handle| with the route's first capture when it is a safe id (ATTACKS H11), else 404.
template <class Handle>
void with_path_id(const Request& request, Response& response, Handle&& handle) {
  const std::string id = request.matches.size() > 1 ? request.matches[1].str() : std::string();
  if (!platform::is_safe_id(id)) return platform::send_error(response, {404, "not_found", "no such resource"});
  handle(id);
}

void install_metadata_routes(platform::HttpServer& server, IssuerApp& app) {
  auto& router = server.router();
  router.Get(kCredentialIssuerMetadataPath, [&app](const Request&, Response& response) {
    platform::send_cacheable_json(response, credential_issuer_metadata(app.metadata(), app.catalog()));
  });
  router.Get(kAuthorizationServerMetadataPath, [&app](const Request&, Response& response) {
    platform::send_cacheable_json(response, authorization_server_metadata(app.metadata()));
  });
  router.Get(kJwtVcIssuerMetadataPath, [&app](const Request&, Response& response) {
    platform::send_cacheable_json(response,
                                  jwt_vc_issuer_metadata(app.metadata(), app.keys().jwks(app.clock().now())));
  });
  router.Get(R"(/types/([^/]+))", [&app](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) {
      const CredentialType* type = app.catalog().find(id);
      if (type == nullptr) return platform::send_error(response, {404, "not_found", "no credential type has this id"});
      platform::send_cacheable_json(response, type->type_metadata().document());
    });
  });
  router.Get(R"(/status/([^/]+))", [&app](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) {
      auto token = status_list_token_response(app.context(), id);
      if (!token) return send_failure(response, token.error());
      platform::send_text(response, 200, *token, kStatusListTokenMediaType);
      // TSL §13.7: relying parties may cache the list for ttl; the next fetch after a change shows it.
      platform::set_header_once(response, "Cache-Control",
                                "max-age=" + std::to_string(app.config().status_list_ttl_seconds));
    });
  });
}

// install_rate_limit refuses, before routing, a client that floods the public endpoints which store state or
// sign (ATTACKS H12); metadata, types and status lists stay unlimited (cacheable, cheap, read-only).
void install_rate_limit(platform::HttpServer& server, const IssuerConfig& config) {
  auto limiter = std::make_shared<platform::RateLimiter>(config.public_rate_limit);
  server.add_request_check([limiter](const Request& request) -> std::optional<HttpError> {
    const bool limited = request.path == kTokenPath || request.path == kNoncePath || request.path == kCredentialPath ||
                         request.path.starts_with(kCredentialOffersPath);
    if (!limited || limiter->allow(request.remote_addr)) return std::nullopt;
    return HttpError{429, "too_many_requests", "slow down: too many requests from this address"};
  });
}

void install_protocol_routes(platform::HttpServer& server, IssuerApp& app) {
  auto& router = server.router();
  router.Get(R"(/offers/([^/]+))", [&app](const Request& request, Response& response) {
    with_path_id(request, response,
                 [&](const std::string& id) { answer(response, offer_by_reference(app.context(), id)); });
  });
  router.Post(kTokenPath, [&app](const Request& request, Response& response) {
    auto form = platform::read_form_body(request);
    if (!form) return send_failure(response, form.error());
    answer(response, token_response(app.context(), *form));
  });
  router.Post(kNoncePath, [&app](const Request&, Response& response) {
    app.purge_expired_if_due();
    answer(response, nonce_response(app.context()));
  });
  router.Post(kCredentialPath, [&app, &server](const Request& request, Response& response) {
    const auto token = platform::bearer_token(request);
    if (!token) return send_failure(response, {401, "invalid_token", "a bearer access token is required"});
    auto body = platform::read_json_body(request, server.limits());
    if (!body) return send_failure(response, body.error());
    answer(response, credential_response(app.context(), std::string(*token), *body));
  });
}

void install_admin_routes(platform::HttpServer& server, IssuerApp& app) {
  auto& router = server.router();
  router.Post("/admin/offers", [&app, &server](const Request& request, Response& response) {
    if (auto refusal = admin_refusal(request, app)) return send_failure(response, *refusal);
    auto body = platform::read_json_body(request, server.limits());
    if (!body) return send_failure(response, body.error());
    app.purge_expired_if_due();
    answer(response, create_offer(app.context(), *body), 201);
  });
  router.Get("/admin/credentials", [&app](const Request& request, Response& response) {
    if (auto refusal = admin_refusal(request, app)) return send_failure(response, *refusal);
    answer(response, list_credentials(app.context(), request.params));
  });
  router.Post(R"(/admin/credentials/([^/]+)/([a-z]+))", [&app](const Request& request, Response& response) {
    if (auto refusal = admin_refusal(request, app)) return send_failure(response, *refusal);
    with_path_id(request, response, [&](const std::string& id) {
      answer(response, change_credential_status(app.context(), id, request.matches[2].str()));
    });
  });
  router.Post("/admin/keys/rotate", [&app](const Request& request, Response& response) {
    if (auto refusal = admin_refusal(request, app)) return send_failure(response, *refusal);
    if (!app.keys().rotate(app.clock().now())) {
      return send_failure(response, {500, "server_error", "the new signing key could not be stored"});
    }
    platform::send_json(response, 200, {{"kid", app.keys().current().kid}});
  });
}

}  // namespace

void install_routes(platform::HttpServer& server, IssuerApp& app) {
  install_rate_limit(server, app.config());
  install_metadata_routes(server, app);
  install_protocol_routes(server, app);
  install_admin_routes(server, app);
}

}  // namespace veil::issuer
