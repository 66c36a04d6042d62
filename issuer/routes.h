// Routes: the HTTP adapter of veil-issuer serve — parse the request, call the endpoint function, answer JSON.
#pragma once

#include "issuer/issuer_app.h"
#include "veil/platform/http_server.h"

namespace veil::issuer {

/// install_routes registers every endpoint of the issuer (DESIGN.md "Issuer") on |server|:
/// public — GET /.well-known/openid-credential-issuer, /.well-known/oauth-authorization-server,
/// /.well-known/jwt-vc-issuer, /types/<id>, /offers/<offer_id>, /status/<list_id>; POST /token, /nonce, /credential;
/// admin (Authorization: Bearer <admin key>, compared in constant time) — POST /admin/offers,
/// GET /admin/credentials, POST /admin/credentials/<id>/(revoke|suspend|reinstate), POST /admin/keys/rotate.
/// The state-creating public endpoints are rate-limited per client address (config rate_limit). |app| must
/// outlive the server.
void install_routes(platform::HttpServer& server, IssuerApp& app);

}  // namespace veil::issuer
