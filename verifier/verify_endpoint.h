// VerifyEndpoint: POST /v1/verify (a presentation handed over by other means, answered like `veil-verifier
// verify`), and the bodies of GET /health and GET /metrics, as plain functions the routes call.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "verifier/presentation_verifier.h"
#include "veil/json.h"
#include "veil/platform/http_error.h"
#include "veil/platform/json_log.h"
#include "veil/platform/metrics.h"

namespace veil::verifier {

inline constexpr char kVerifyPath[] = "/v1/verify";
inline constexpr char kHealthPath[] = "/health";
inline constexpr char kMetricsPath[] = "/metrics";

/// VerifyEndpointContext is what POST /v1/verify needs; the service owns every member.
struct VerifyEndpointContext {
  const PresentationVerifier& verifier;
  /// allow_no_kb lets a caller send {"no_kb": true}: accept an SD-JWT without key binding (service config;
  /// off by default, ATTACKS.md K1).
  bool allow_no_kb = false;
  /// log, when set, gets one "verification" line per request: outcome code and duration, never claims.
  const platform::JsonLogger* log = nullptr;
};

/// verify_response handles POST /v1/verify. The body is {"presentation": "<SD-JWT+KB>", "aud": "...",
/// "nonce": "..."} or {"presentation": "...", "no_kb": true}, optionally with "trusted_issuers": [iss, ...] and
/// "max_credential_age_seconds": N. Answers 200 with the object `veil-verifier verify` prints: {"valid": true,
/// "iss", "vct", "claims", "disclosed", "key_binding", "status"} or {"valid": false, "error": {"code",
/// "message"}} (a rejected presentation is an answer, not a request error). Fails with 400 invalid_request for a
/// body that is not of that shape (unknown members, wrong types, aud without nonce, aud/nonce with no_kb,
/// neither), and for no_kb when the context does not allow it.
platform::HttpResult<Json> verify_response(const VerifyEndpointContext& context, const Json& body);

/// health_response is the body of GET /health: {"status": "ok"}.
Json health_response();

/// register_verifier_metrics declares the verifier's metric families with their help texts:
/// veil_http_requests_total{route, status}, veil_http_request_duration_seconds{route},
/// veil_verifications_total{outcome, code} and veil_verification_duration_seconds.
void register_verifier_metrics(platform::Metrics& metrics);

/// observe_http_request counts one answered request under its route pattern (never the raw path: ids in paths
/// would make unbounded label values) and observes its duration.
void observe_http_request(platform::Metrics& metrics, std::string_view route, int status,
                          std::chrono::duration<double> elapsed);

/// metrics_response is the body of GET /metrics (send it as platform::kPrometheusContentType).
std::string metrics_response(const platform::Metrics& metrics);

}  // namespace veil::verifier
