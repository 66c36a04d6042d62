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

namespace {

Json error_json(const Error& error) {
  return {{"code", std::string(error_code_name(error.code))}, {"message", error.message}};
}

}  // namespace

std::string verify_output(const Result<VerifiedCredential>& outcome) {
  if (!outcome) return "{" + field("valid", false) + ", " + field("error", error_json(outcome.error())) + "}";
  const Json object = verify_output_json(outcome);
  // Members in the order DESIGN.md documents, as for the CLI.
  std::string line = "{" + field("valid", true);
  for (const char* name : {"iss", "vct", "claims", "disclosed"}) line += ", " + field(name, object.at(name));
  std::string key_binding = "null";
  if (const auto& kb = outcome->key_binding) {
    key_binding = "{" + field("aud", kb->aud) + ", " + field("nonce", kb->nonce) + ", " + field("iat", kb->iat) + "}";
  }
  line += ", \"key_binding\": " + key_binding;
  return line + ", " + field("status", object.at("status")) + "}";
}

Json verify_output_json(const Result<VerifiedCredential>& outcome) {
  if (!outcome) return {{"valid", false}, {"error", error_json(outcome.error())}};
  const VerifiedCredential& verified = *outcome;
  Json disclosed = Json::array();
  for (const auto& path : verified.disclosed) disclosed.push_back(path.to_json());
  Json key_binding = nullptr;
  if (verified.key_binding) {
    key_binding = {{"aud", verified.key_binding->aud}, {"nonce", verified.key_binding->nonce},
                   {"iat", verified.key_binding->iat}};
  }
  return {{"valid", true},         {"iss", verified.iss},         {"vct", verified.vct},
          {"claims", verified.claims}, {"disclosed", std::move(disclosed)}, {"key_binding", std::move(key_binding)},
          {"status", verified.status}};
}

}  // namespace veil::verifier
