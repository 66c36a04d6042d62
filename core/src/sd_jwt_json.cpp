// The JWS JSON serialization of SD-JWT (RFC 9901 §8): disclosures and kb_jwt travel in the unprotected header
// of the first signature.
#include "veil/sd_jwt.h"

#include <algorithm>
#include <string_view>

namespace veil {

namespace {

constexpr char kDisclosures[] = "disclosures";
constexpr char kKbJwt[] = "kb_jwt";

bool is_nonempty_string(const Json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() && !it->get<std::string>().empty();
}

// A JWS member of the JSON serialization is one base64url part (RFC 7515 §7.2.1). Checked here so that what this
// parser accepts is exactly what the compact form would read back: a '.' or '~' inside a member would otherwise
// shift the parts of the compact JWT (and of the sd_hash input) built from it.
bool is_base64url_part(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// A KB-JWT is a compact JWS: three base64url parts.
bool is_compact_jws(std::string_view text) {
  const std::size_t first = text.find('.');
  const std::size_t second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos) return false;
  return is_base64url_part(text.substr(0, first)) && is_base64url_part(text.substr(first + 1, second - first - 1)) &&
         is_base64url_part(text.substr(second + 1));
}

// Splits a compact JWS into its three parts (the SdJwt constructor's callers made them from parts or parsed them).
std::vector<std::string> split_jws(const std::string& compact) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = compact.find('.', start);
    parts.push_back(compact.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  parts.resize(3);
  return parts;
}

}  // namespace

Result<SdJwt> SdJwt::parse_json(std::string_view json, const SdJwtLimits& limits) {
  if (json.size() > limits.max_bytes) return fail(ErrorCode::input_too_large, "sd-jwt too large");
  JsonLimits outer = limits.json;
  outer.max_bytes = limits.max_bytes;
  VEIL_TRY(Json document, parse_json_object(json, ErrorCode::malformed_sd_jwt, outer));
  if (!is_nonempty_string(document, "payload"))
    return fail(ErrorCode::malformed_sd_jwt, "json serialization has no \"payload\" string");
  const std::string payload = document["payload"].get<std::string>();
  if (!is_base64url_part(payload)) return fail(ErrorCode::malformed_sd_jwt, "\"payload\" is not base64url");

  // Flattened (RFC 7515 §7.2.2) has the signature members at the top; general (§7.2.1) lists them.
  std::vector<Json> signatures;
  if (document.contains("signatures")) {
    if (document.contains("signature") || document.contains("protected") || document.contains("header"))
      return fail(ErrorCode::malformed_sd_jwt, "json serialization mixes general and flattened members");
    const Json& list = document["signatures"];
    if (!list.is_array() || list.empty())
      return fail(ErrorCode::malformed_sd_jwt, "\"signatures\" is not a non-empty array");
    for (const Json& entry : list) signatures.push_back(entry);
  } else {
    Json entry = Json::object();
    for (const char* member : {"protected", "header", "signature"})
      if (document.contains(member)) entry[member] = document[member];
    signatures.push_back(std::move(entry));
  }

  std::vector<std::string> issuer_jwts;
  std::vector<Json> headers;
  std::vector<Disclosure> disclosures;
  std::optional<std::string> kb_jwt;
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    const Json& entry = signatures[i];
    if (!entry.is_object() || !is_nonempty_string(entry, "protected") || !is_nonempty_string(entry, "signature"))
      return fail(ErrorCode::malformed_sd_jwt, "signature entry lacks \"protected\" or \"signature\"");
    if (!is_base64url_part(entry["protected"].get_ref<const std::string&>()) ||
        !is_base64url_part(entry["signature"].get_ref<const std::string&>()))
      return fail(ErrorCode::malformed_sd_jwt, "\"protected\" or \"signature\" is not base64url");
    Json header = entry.contains("header") ? entry["header"] : Json::object();
    if (!header.is_object()) return fail(ErrorCode::malformed_sd_jwt, "unprotected \"header\" is not an object");
    issuer_jwts.push_back(entry["protected"].get<std::string>() + "." + payload + "." +
                          entry["signature"].get<std::string>());
    if (i > 0) {
      // §8.2: only the first signature carries the disclosures and the KB-JWT.
      if (header.contains(kDisclosures) || header.contains(kKbJwt))
        return fail(ErrorCode::malformed_sd_jwt, "disclosures or kb_jwt outside the first signature's header");
      headers.push_back(std::move(header));
      continue;
    }
    auto listed = header.find(kDisclosures);
    if (listed == header.end() || !listed->is_array())
      return fail(ErrorCode::malformed_sd_jwt, "unprotected header has no \"disclosures\" array");
    if (listed->size() > limits.max_disclosures)
      return fail(ErrorCode::too_many_disclosures, "more than " + std::to_string(limits.max_disclosures) + " disclosures");
    for (const Json& encoded : *listed) {
      if (!encoded.is_string()) return fail(ErrorCode::invalid_disclosure, "disclosure is not a string");
      VEIL_TRY(Disclosure disclosure, Disclosure::parse(encoded.get<std::string>(), limits.json));
      disclosures.push_back(std::move(disclosure));
    }
    if (header.contains(kKbJwt)) {
      if (!is_nonempty_string(header, kKbJwt)) return fail(ErrorCode::malformed_sd_jwt, "\"kb_jwt\" is not a string");
      kb_jwt = header[kKbJwt].get<std::string>();
      if (!is_compact_jws(*kb_jwt)) return fail(ErrorCode::malformed_sd_jwt, "\"kb_jwt\" is not a compact jwt");
    }
    header.erase(kDisclosures);
    header.erase(kKbJwt);
    headers.push_back(std::move(header));
  }
  SdJwt parsed(std::move(issuer_jwts), std::move(disclosures), std::move(kb_jwt));
  return parsed.with_unprotected_headers(std::move(headers));
}

Json SdJwt::serialize_json(bool general) const {
  Json disclosures = Json::array();
  for (const Disclosure& disclosure : disclosures_) disclosures.push_back(disclosure.encoded());
  Json signatures = Json::array();
  std::string payload;
  for (std::size_t i = 0; i < issuer_jwts_.size(); ++i) {
    std::vector<std::string> parts = split_jws(issuer_jwts_[i]);
    if (i == 0) payload = parts[1];
    Json header = i < unprotected_headers_.size() && unprotected_headers_[i].is_object() ? unprotected_headers_[i]
                                                                                          : Json::object();
    if (i == 0) {
      header[kDisclosures] = disclosures;
      if (kb_jwt_) header[kKbJwt] = *kb_jwt_;
    }
    signatures.push_back(Json{{"protected", parts[0]}, {"header", std::move(header)}, {"signature", parts[2]}});
  }
  if (general || signatures.size() > 1) return Json{{"payload", payload}, {"signatures", std::move(signatures)}};
  Json flattened = std::move(signatures[0]);
  flattened["payload"] = payload;
  return flattened;
}

}  // namespace veil
