#include "verify_output.h"

#include "veil/platform/cli_output.h"

namespace veil::verifier {

namespace {

std::string field(const char* name, const Json& value) {
  return platform::to_display_json(Json(name)) + ": " + platform::to_display_json(value);
}

Json optional_string(const std::optional<std::string>& value) { return value ? Json(*value) : Json(nullptr); }

}  // namespace

std::string verify_output(const Result<VerifiedPresentation>& outcome) {
  if (!outcome) {
    Json error = {{"code", std::string(error_code_name(outcome.error().code))}, {"message", outcome.error().message}};
    return "{" + field("valid", false) + ", " + field("error", error) + "}";
  }
  const VerifiedPresentation& verified = *outcome;
  Json disclosed = Json::array();
  for (const auto& path : verified.disclosed()) disclosed.push_back(path.to_json());
  std::string key_binding = "null";
  if (const auto& kb = verified.key_binding()) {
    key_binding = "{" + field("aud", kb->aud) + ", " + field("nonce", kb->nonce) + ", " + field("iat", kb->iat) + "}";
  }
  // Members in the order DESIGN.md documents; nlohmann objects would sort them.
  std::string line = "{" + field("valid", true);
  line += ", " + field("iss", optional_string(verified.iss()));
  line += ", " + field("vct", optional_string(verified.vct()));
  line += ", " + field("claims", verified.claims());
  line += ", " + field("disclosed", disclosed);
  line += ", \"key_binding\": " + key_binding;
  line += ", " + field("status", "unchecked");  // Token Status List checks arrive with the services
  return line + "}";
}

}  // namespace veil::verifier
