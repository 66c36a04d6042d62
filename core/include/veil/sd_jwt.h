// SdJwt: the serialized form of an SD-JWT or SD-JWT+KB (RFC 9901 §4 compact, §8 JWS JSON), not verified.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/disclosure.h"
#include "veil/error.h"
#include "veil/json.h"

namespace veil {

/// SdJwtLimits bounds what parsing accepts (ATTACKS.md S11). Defaults suit every credential Veil issues.
struct SdJwtLimits {
  std::size_t max_bytes = 1 << 20;      // whole serialization
  std::size_t max_disclosures = 1000;
  JsonLimits json;                      // per JWT part and per disclosure
};

/// SdJwt holds the parts of an SD-JWT: the Issuer-signed JWT, the Disclosures in their order, and an optional
/// KB-JWT. Nothing in it is verified; SdJwtVerifier does that.
class SdJwt {
 public:
  /// parse_compact reads "<JWT>~<D1>~...~<Dn>~[<KB-JWT>]". Fails with malformed_sd_jwt (no "~", a first part
  /// that is not three non-empty dot-separated parts, an empty disclosure between two "~", or a final part that
  /// is not a JWT: a missing trailing "~" is caught here, ATTACKS.md S13), invalid_disclosure /
  /// forbidden_claim_name for a bad disclosure, too_many_disclosures, input_too_large, nesting_too_deep.
  static Result<SdJwt> parse_compact(std::string_view compact, const SdJwtLimits& limits = {});

  /// parse_json reads the flattened or general JWS JSON serialization of §8 ("disclosures" and "kb_jwt" in the
  /// unprotected header of the first signature). Fails like parse_compact, plus malformed_sd_jwt when the JSON
  /// is not of that shape.
  static Result<SdJwt> parse_json(std::string_view json, const SdJwtLimits& limits = {});

  /// parse picks parse_json for text starting with "{" (after whitespace) and parse_compact otherwise.
  static Result<SdJwt> parse(std::string_view text, const SdJwtLimits& limits = {});

  SdJwt(std::vector<std::string> issuer_jwts, std::vector<Disclosure> disclosures,
        std::optional<std::string> kb_jwt = std::nullopt);

  /// issuer_jwt is the (first) Issuer-signed JWT in compact form. With the general JSON serialization there can
  /// be several signatures over one payload; issuer_jwts lists them all, each as a compact JWS.
  const std::string& issuer_jwt() const { return issuer_jwts_.front(); }
  const std::vector<std::string>& issuer_jwts() const { return issuer_jwts_; }
  const std::vector<Disclosure>& disclosures() const { return disclosures_; }
  const std::optional<std::string>& kb_jwt() const { return kb_jwt_; }
  /// unprotected_headers holds, per issuer JWT, the other members of its unprotected JWS header as received in
  /// the §8 JSON serialization (e.g. "kid" in the general form), without "disclosures" and "kb_jwt". Not
  /// integrity protected: use it only as a hint. Empty objects for the compact form; serialize_json writes
  /// them back.
  const std::vector<Json>& unprotected_headers() const { return unprotected_headers_; }
  /// with_unprotected_headers returns a copy with |headers| as unprotected_headers (padded with empty objects).
  SdJwt with_unprotected_headers(std::vector<Json> headers) const;

  /// without_key_binding returns a copy with the KB-JWT removed; with_disclosures one with other disclosures;
  /// with_key_binding one with |kb_jwt| attached.
  SdJwt without_key_binding() const;
  SdJwt with_disclosures(std::vector<Disclosure> disclosures) const;
  SdJwt with_key_binding(std::string kb_jwt) const;

  /// serialize_compact writes the compact form: "<JWT>~<D1>~...~<Dn>~" plus the KB-JWT if any.
  std::string serialize_compact() const;
  /// serialize_json writes the §8 JSON serialization (flattened with one signature, general with several, or
  /// when |general| is set).
  Json serialize_json(bool general = false) const;

  /// sd_hash_input is the string a KB-JWT's sd_hash covers (§4.3.1): the compact SD-JWT without KB-JWT,
  /// "<JWT>~<D1>~...~<Dn>~". For the JSON serialization §8.1 defines the same string over the first signature.
  std::string sd_hash_input() const;

 private:
  std::vector<std::string> issuer_jwts_;
  std::vector<Disclosure> disclosures_;
  std::optional<std::string> kb_jwt_;
  std::vector<Json> unprotected_headers_;
};

}  // namespace veil
