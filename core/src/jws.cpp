// Compact JWS for JWTs (RFC 7515 §7.1), with the RFC 8725 restrictions applied while parsing.
//
// Key selection never looks at the header: "jwk", "x5c", "jku" and "x5u" are ignored (never fetched, never
// trusted) because the caller chooses the SignatureVerifier (RFC 8725 §2.9, §3.10; ATTACKS J12).
#include "veil/jws.h"

#include "veil/base64url.h"

namespace veil {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// parse_json reports a generic invalid_json; here the JSON has a name, so say which part was bad.
Result<Json> parse_part(std::string_view text, ErrorCode part_code, const JsonLimits& limits) {
  auto parsed = parse_json_object(text, part_code, limits);
  if (!parsed && parsed.error().code == ErrorCode::invalid_json) return fail(part_code, parsed.error().message);
  return parsed;
}

Result<JwsAlg> check_header(const Json& header) {
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string())
    return fail(ErrorCode::invalid_jws_header, "jws alg missing or not a string");
  VEIL_TRY(const JwsAlg parsed, parse_jws_alg(alg->get_ref<const std::string&>()));
  // RFC 7515 §4.1.11: a recipient must reject crit naming anything it does not understand. Veil understands
  // no extension, so any crit (and a malformed one) is refused.
  if (header.contains("crit")) return fail(ErrorCode::unsupported_crit, "jws crit names an unsupported extension");
  // RFC 7797 (updating RFC 7519): JWTs must not use unencoded payloads ("b64": false); Veil refuses the member
  // outright, whatever its value.
  if (header.contains("b64")) return fail(ErrorCode::invalid_jwt_payload, "jwt cannot use unencoded payloads (b64)");
  for (const char* name : {"typ", "kid", "cty"}) {
    if (auto it = header.find(name); it != header.end() && !it->is_string()) {
      return fail(ErrorCode::invalid_jws_header, std::string("jws ") + name + " is not a string");
    }
  }
  return parsed;
}

std::optional<std::string> string_member(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

Result<UnverifiedJws> UnverifiedJws::parse_compact(std::string_view compact, const JsonLimits& limits) {
  if (!compact.empty() && compact.front() == '{') {
    return fail(ErrorCode::malformed_jws, "jws json serialization where compact was expected");
  }
  const auto first = compact.find('.');
  if (first == std::string_view::npos) return fail(ErrorCode::malformed_jws, "jws does not have three parts");
  const auto second = compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos) {
    return fail(ErrorCode::malformed_jws, "jws does not have three parts");
  }
  return parse_parts(compact.substr(0, first), compact.substr(first + 1, second - first - 1),
                     compact.substr(second + 1), limits);
}

Result<UnverifiedJws> UnverifiedJws::parse_parts(std::string_view protected_b64, std::string_view payload_b64,
                                                 std::string_view signature_b64, const JsonLimits& limits) {
  if (protected_b64.empty() || payload_b64.empty() || signature_b64.empty()) {
    return fail(ErrorCode::malformed_jws, "jws has an empty part");
  }
  // Base64url text is 4/3 the size of the JSON inside; refuse oversized input before decoding it.
  if (protected_b64.size() / 4 * 3 > limits.max_bytes || payload_b64.size() / 4 * 3 > limits.max_bytes ||
      signature_b64.size() / 4 * 3 > limits.max_bytes) {
    return fail(ErrorCode::input_too_large, "jws part too large");
  }
  UnverifiedJws jws;
  VEIL_TRY(const auto header_text, base64url_decode_to_string(protected_b64));
  VEIL_TRY(jws.header_, parse_part(header_text, ErrorCode::invalid_jws_header, limits));
  VEIL_TRY(jws.alg_, check_header(jws.header_));
  VEIL_TRY(const auto payload_text, base64url_decode_to_string(payload_b64));
  VEIL_TRY(jws.payload_, parse_part(payload_text, ErrorCode::invalid_jwt_payload, limits));
  VEIL_TRY(jws.signature_, base64url_decode(signature_b64));
  jws.signing_input_.reserve(protected_b64.size() + 1 + payload_b64.size());
  jws.signing_input_.append(protected_b64).append(".").append(payload_b64);
  jws.signature_b64_ = std::string(signature_b64);
  return jws;
}

std::optional<std::string> UnverifiedJws::kid() const { return string_member(header_, "kid"); }

std::optional<std::string> UnverifiedJws::typ() const { return string_member(header_, "typ"); }

std::string UnverifiedJws::compact() const { return signing_input_ + "." + signature_b64_; }

Status UnverifiedJws::check_signature(const SignatureVerifier& verifier) const {
  // RFC 8725 §3.1: the key decides the algorithm; a header alg that differs is refused, never "adapted to".
  if (verifier.alg() != alg_) return fail(ErrorCode::alg_not_allowed, "jws alg does not match the key");
  return verifier.verify(bytes_of(signing_input_), signature_);
}

Result<VerifiedJws> UnverifiedJws::verify(const SignatureVerifier& verifier) const& {
  VEIL_CHECK(check_signature(verifier));
  return VerifiedJws(alg_, header_, payload_);
}

Result<VerifiedJws> UnverifiedJws::verify(const SignatureVerifier& verifier) && {
  VEIL_CHECK(check_signature(verifier));
  return VerifiedJws(alg_, std::move(header_), std::move(payload_));
}

Result<std::string> sign_jws_compact(const Json& header, const Json& payload, const Signer& signer) {
  if (!header.is_object()) return fail(ErrorCode::invalid_argument, "jws header is not an object");
  if (!payload.is_object()) return fail(ErrorCode::invalid_argument, "jwt payload is not an object");
  Json protected_header = header;
  protected_header["alg"] = jws_alg_name(signer.alg());
  if (!protected_header.contains("kid")) {
    if (auto kid = signer.kid()) protected_header["kid"] = *kid;
  }
  std::string header_text;
  std::string payload_text;
  try {
    header_text = protected_header.dump();
    payload_text = payload.dump();
  } catch (const Json::exception&) {
    // dump() throws on strings that are not valid UTF-8.
    return fail(ErrorCode::invalid_argument, "jws header or payload holds invalid utf-8");
  }
  std::string signing_input = base64url_encode(header_text);
  signing_input.append(".").append(base64url_encode(payload_text));
  VEIL_TRY(const auto signature, signer.sign(bytes_of(signing_input)));
  return signing_input + "." + base64url_encode(signature);
}

}  // namespace veil
