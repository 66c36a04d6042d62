// Routes: the HTTP adapter of veil-wallet serve — guards, authentication, the JSON API over WalletService and the
// embedded web UI.
#pragma once

#include <string>
#include <vector>

#include "veil/error.h"
#include "veil/platform/http_error.h"
#include "veil/platform/http_server.h"
#include "wallet/wallet_app.h"

namespace veil::wallet {

/// kUiContentSecurityPolicy is sent with every page and script of the UI: nothing but the wallet's own files,
/// no inline script or style, no framing (clickjacking on the consent screen), no form posts elsewhere.
inline constexpr const char* kUiContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'";

/// loopback_origins returns the Origins of the wallet's own UI on |port|: http://127.0.0.1:PORT,
/// http://localhost:PORT and http://[::1]:PORT (the only Origin headers the API accepts).
std::vector<std::string> loopback_origins(int port);

/// http_error_for maps a wallet Error to its HTTP answer: {"error": <error code name>, "error_description":
/// <message>} with 423 wallet_locked, 403 wrong_passphrase, 404 not_found, 409 request_already_answered,
/// 422 no_matching_credential, 502 for what another party did wrong (fetch_failed, unexpected_http_status,
/// response_too_large, invalid_issuer_metadata, issuance_failed, holder_key_mismatch), 500 storage_error,
/// sealed_data_corrupt, internal_error and io_error, 400 for everything else.
platform::HttpError http_error_for(const Error& error);

/// install_routes registers on |server|, which must be bound already (its port names the allowed Host and
/// Origin values):
///  - before routing and before any body byte is read: the Host allow-list (403 for anything but
///    127.0.0.1:PORT, localhost:PORT, [::1]:PORT — DNS rebinding, ATTACKS H7), the Origin check (403 unless the
///    wallet's own origin — CSRF, H8), and for every /api/ path but POST /api/session the bearer check (401
///    unless Authorization: Bearer carries the api-token or a live UI session token, compared in constant time,
///    H10);
///  - the web UI: GET /, /index.html, /app.css, /app.js (no token needed; they hold no personal data), with
///    kUiContentSecurityPolicy and X-Frame-Options: DENY;
///  - the JSON API (README "Wallet API"): POST/DELETE /api/session, GET /api/status, POST /api/initialize,
///    /api/unlock, /api/lock, POST /api/offers, POST /api/offers/<id>/accept, DELETE /api/offers/<id>,
///    GET /api/credentials, GET|DELETE /api/credentials/<id>, POST|GET /api/requests, GET /api/requests/<id>,
///    POST /api/requests/<id>/approve|decline, GET /api/history, GET /api/history/export,
///    GET|POST /api/rules, DELETE /api/rules/<id>, GET|PUT /api/credentials/<id>/always-ask;
///  - the agent token (DATA-DIR/agent-token) opens POST /api/requests only (403 insufficient_scope elsewhere),
///    and its answer is 202 {"status": "submitted"} whatever the holder has.
/// Writes need Content-Type: application/json (415 otherwise); no answer carries CORS headers (H9); ids outside
/// [A-Za-z0-9_-] are 404 (H11). |app| must outlive the server.
void install_routes(platform::HttpServer& server, WalletApp& app);

}  // namespace veil::wallet
