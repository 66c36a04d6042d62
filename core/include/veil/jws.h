// Jws: compact JWS (RFC 7515 §7.1) signing and verification, for JWTs only (the payload is a JSON object).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/jws_alg.h"
#include "veil/signature_verifier.h"
#include "veil/signer.h"

namespace veil {

class VerifiedJws;

/// UnverifiedJws is a JWS that parsed cleanly but whose signature has not been checked. Nothing read from it
/// may be trusted before verify() succeeds. Parsing already enforces RFC 8725: the protected header is a JSON
/// object without duplicate members; "alg" is on the allow-list; "crit" (no extension is understood) and
/// "b64" are refused; the payload is a JSON object. Header members that name keys ("jwk", "x5c", "jku", "x5u")
/// are never used for key selection and never fetched: the caller chooses the SignatureVerifier from its own
/// trust configuration (RFC 8725 §2.9, §3.10). Such members stay visible in unverified_header() as data only.
class UnverifiedJws {
 public:
  /// parse_compact reads "header.payload.signature". Fails with malformed_jws (not exactly three non-empty
  /// parts; the JSON serialization where compact is expected), invalid_base64url, invalid_jws_header (header
  /// not a JSON object, invalid JSON, "alg" missing or not a string, "typ"/"kid"/"cty" not strings),
  /// duplicate_json_member, alg_not_allowed, unsupported_crit (any "crit", malformed or not), invalid_jwt_payload
  /// (payload not JSON or not a JSON object, or any "b64" member: JWTs must not use unencoded payloads, RFC 7797),
  /// input_too_large (a part longer than limits.max_bytes allows) or nesting_too_deep.
  static Result<UnverifiedJws> parse_compact(std::string_view compact, const JsonLimits& limits = {});

  /// parse_parts builds the same from the three base64url members of a JWS JSON serialization
  /// (RFC 7515 §7.2: "protected", "payload", "signature"), with the same checks.
  static Result<UnverifiedJws> parse_parts(std::string_view protected_b64, std::string_view payload_b64,
                                           std::string_view signature_b64, const JsonLimits& limits = {});

  JwsAlg alg() const { return alg_; }
  const Json& unverified_header() const { return header_; }
  const Json& unverified_payload() const { return payload_; }
  /// kid and typ are the header members when present (strings by construction).
  std::optional<std::string> kid() const;
  std::optional<std::string> typ() const;
  /// signing_input is "base64url(header).base64url(payload)" exactly as received.
  std::string_view signing_input() const { return signing_input_; }
  const std::vector<std::uint8_t>& signature() const { return signature_; }
  /// compact returns the JWS as received ("header.payload.signature").
  std::string compact() const;

  /// verify checks the signature with |verifier|. Fails with alg_not_allowed when the header's alg is not the
  /// key's algorithm (no ES256 token is ever checked as EdDSA or vice versa) and invalid_signature otherwise.
  [[nodiscard]] Result<VerifiedJws> verify(const SignatureVerifier& verifier) const&;
  /// verify on an expiring UnverifiedJws moves its header and payload into the VerifiedJws instead of copying
  /// them (the verifier's hot path). The token is left untouched when the signature does not verify, so the
  /// caller may try another key.
  [[nodiscard]] Result<VerifiedJws> verify(const SignatureVerifier& verifier) &&;

 private:
  UnverifiedJws() = default;
  Status check_signature(const SignatureVerifier& verifier) const;
  JwsAlg alg_ = JwsAlg::ES256;
  Json header_;
  Json payload_;
  std::string signing_input_;
  std::string signature_b64_;
  std::vector<std::uint8_t> signature_;
};

/// VerifiedJws is a JWS whose signature verified; only UnverifiedJws::verify makes one.
class VerifiedJws {
 public:
  const Json& header() const { return header_; }
  const Json& payload() const { return payload_; }
  JwsAlg alg() const { return alg_; }

  /// Parts is a verified JWS taken apart, for a caller that goes on to rewrite the payload (the SD-JWT verifier
  /// turns it into the processed claims without copying it).
  struct Parts {
    Json header;
    Json payload;
  };
  Parts take() && { return Parts{std::move(header_), std::move(payload_)}; }

 private:
  friend class UnverifiedJws;
  VerifiedJws(JwsAlg alg, Json header, Json payload)
      : alg_(alg), header_(std::move(header)), payload_(std::move(payload)) {}
  JwsAlg alg_;
  Json header_;
  Json payload_;
};

/// sign_jws_compact signs |payload| (a JSON object) and returns the compact JWS. |header| supplies members such
/// as "typ"; "alg" is set from the signer, and "kid" from the signer when the header has none. Fails with
/// invalid_argument when payload or header is not an object, internal_error when signing fails.
Result<std::string> sign_jws_compact(const Json& header, const Json& payload, const Signer& signer);

}  // namespace veil
