#include "verifier/verify_endpoint.h"

#include <algorithm>
#include <iterator>

#include "verifier/verify_output.h"

namespace veil::verifier {

namespace {

using platform::http_fail;

bool is_string_member(const Json& body, const char* name) { return body.contains(name) && body[name].is_string(); }

}  // namespace

platform::HttpResult<Json> verify_response(const VerifyEndpointContext& context, const Json& body) {
  if (!body.is_object()) return http_fail(400, "invalid_request", "the body must be a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    static const char* const kMembers[] = {"presentation", "aud", "nonce", "no_kb", "trusted_issuers",
                                           "max_credential_age_seconds"};
    if (std::find_if(std::begin(kMembers), std::end(kMembers), [&](const char* m) { return it.key() == m; }) ==
        std::end(kMembers)) {
      return http_fail(400, "invalid_request", "unknown member in the body");
    }
  }
  if (!is_string_member(body, "presentation") || body["presentation"].get_ref<const std::string&>().empty()) {
    return http_fail(400, "invalid_request", "\"presentation\" must be a non-empty string");
  }
  PresentationExpectations expectations;
  const bool no_kb = body.contains("no_kb");
  if (no_kb && !body["no_kb"].is_boolean()) return http_fail(400, "invalid_request", "\"no_kb\" must be a boolean");
  expectations.require_key_binding = !(no_kb && body["no_kb"].get<bool>());
  const bool has_aud = body.contains("aud");
  const bool has_nonce = body.contains("nonce");
  if (has_aud != has_nonce) return http_fail(400, "invalid_request", "\"aud\" and \"nonce\" go together");
  if (has_aud) {
    if (!is_string_member(body, "aud") || !is_string_member(body, "nonce")) {
      return http_fail(400, "invalid_request", "\"aud\" and \"nonce\" must be strings");
    }
    expectations.aud = body["aud"].get<std::string>();
    expectations.nonce = body["nonce"].get<std::string>();
  }
  if (!expectations.require_key_binding) {
    // ATTACKS.md K1: accepting a bare SD-JWT is the operator's decision, never the caller's alone.
    if (!context.allow_no_kb) {
      return http_fail(400, "invalid_request", "this verifier requires key binding (\"no_kb\" is not allowed)");
    }
    if (has_aud) return http_fail(400, "invalid_request", "\"no_kb\" excludes \"aud\" and \"nonce\"");
  } else if (!has_aud) {
    return http_fail(400, "invalid_request", "give \"aud\" and \"nonce\" to check key binding, or \"no_kb\": true");
  }
  if (body.contains("trusted_issuers")) {
    const Json& issuers = body["trusted_issuers"];
    if (!issuers.is_array()) return http_fail(400, "invalid_request", "\"trusted_issuers\" must be an array");
    for (const Json& iss : issuers) {
      if (!iss.is_string() || iss.get_ref<const std::string&>().empty()) {
        return http_fail(400, "invalid_request", "\"trusted_issuers\" must hold non-empty strings");
      }
      expectations.trusted_issuers.push_back(iss.get<std::string>());
    }
  }
  if (body.contains("max_credential_age_seconds")) {
    const Json& age = body["max_credential_age_seconds"];
    if (!age.is_number_integer() || age.get<std::int64_t>() < 0) {
      return http_fail(400, "invalid_request", "\"max_credential_age_seconds\" must be a non-negative integer");
    }
    expectations.max_credential_age_seconds = age.get<std::int64_t>();
  }

  const auto start = std::chrono::steady_clock::now();
  const auto outcome = context.verifier.verify(body["presentation"].get_ref<const std::string&>(), expectations);
  if (context.log != nullptr) {
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (outcome) {
      context.log->info("verification", {{"outcome", platform::LogId("verified")}, {"duration", elapsed}});
    } else {
      context.log->info("verification", {{"outcome", platform::LogId("failed")},
                                         {"code", outcome.error().code},
                                         {"duration", elapsed}});
    }
  }
  return verify_output_json(outcome);
}

Json health_response() { return {{"status", "ok"}}; }

void register_verifier_metrics(platform::Metrics& metrics) {
  (void)metrics.describe_counter("veil_http_requests_total", "HTTP requests answered, by route and status");
  (void)metrics.describe_histogram("veil_http_request_duration_seconds", "Time to answer an HTTP request, by route");
  (void)metrics.describe_counter("veil_verifications_total",
                                 "Presentations verified, by outcome (verified, failed) and error code");
  (void)metrics.describe_histogram("veil_verification_duration_seconds",
                                   "Time to verify one presentation, including trust and status fetches");
}

void observe_http_request(platform::Metrics& metrics, std::string_view route, int status,
                          std::chrono::duration<double> elapsed) {
  const std::string route_label(route);
  metrics.counter("veil_http_requests_total", {{"route", route_label}, {"status", std::to_string(status)}}).increment();
  metrics.histogram("veil_http_request_duration_seconds", {{"route", route_label}}).observe(elapsed.count());
}

std::string metrics_response(const platform::Metrics& metrics) { return metrics.render(); }

}  // namespace veil::verifier
