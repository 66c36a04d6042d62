#include "veil/issuer_keys.h"

#include <utility>

namespace veil {

namespace {

// parse_jwks reads {"keys": [...]} (RFC 7517 §5) into verifiers. Key errors keep their own codes.
Result<std::vector<std::shared_ptr<SignatureVerifier>>> parse_jwks(const Json& jwks) {
  if (!jwks.is_object()) return fail(ErrorCode::invalid_argument, "jwks is not an object");
  const auto keys = jwks.find("keys");
  if (keys == jwks.end() || !keys->is_array()) return fail(ErrorCode::invalid_argument, "jwks has no keys array");
  std::vector<std::shared_ptr<SignatureVerifier>> verifiers;
  verifiers.reserve(keys->size());
  for (const Json& key_json : *keys) {
    VEIL_TRY(const Jwk key, Jwk::parse(key_json));
    VEIL_TRY(auto verifier, make_verifier(key));
    verifiers.push_back(std::shared_ptr<SignatureVerifier>(std::move(verifier)));
  }
  return verifiers;
}

}  // namespace

Result<TrustList> TrustList::parse(const Json& document) {
  if (!document.is_object()) return fail(ErrorCode::invalid_argument, "trust file is not a json object");
  const auto issuers = document.find("issuers");
  if (issuers == document.end() || !issuers->is_array()) {
    return fail(ErrorCode::invalid_argument, "trust file has no issuers array");
  }
  TrustList list;
  for (const Json& entry : *issuers) {
    if (!entry.is_object()) return fail(ErrorCode::invalid_argument, "trust file issuer entry is not an object");
    const auto iss = entry.find("iss");
    if (iss == entry.end() || !iss->is_string() || iss->get_ref<const std::string&>().empty()) {
      return fail(ErrorCode::invalid_argument, "trust file issuer entry has no iss string");
    }
    const auto jwks = entry.find("jwks");
    const auto resolve = entry.find("resolve");
    Issuer issuer;
    if (resolve != entry.end()) {
      // Metadata-resolved issuers get their keys later, from /.well-known/jwt-vc-issuer (VC §4) only.
      if (jwks != entry.end() || !resolve->is_string() || *resolve != "metadata") {
        return fail(ErrorCode::invalid_argument, "trust file issuer entry needs either jwks or resolve: metadata");
      }
      issuer.resolve_by_metadata = true;
    } else {
      if (jwks == entry.end()) {
        return fail(ErrorCode::invalid_argument, "trust file issuer entry needs either jwks or resolve: metadata");
      }
      VEIL_TRY(issuer.keys, parse_jwks(*jwks));
    }
    if (!list.issuers_.emplace(iss->get<std::string>(), std::move(issuer)).second) {
      return fail(ErrorCode::invalid_argument, "trust file lists an issuer twice");
    }
  }
  return list;
}

Result<TrustList> TrustList::single_key(const Jwk& key) {
  VEIL_TRY(auto verifier, make_verifier(key));
  TrustList list;
  list.any_issuer_keys_.push_back(std::shared_ptr<SignatureVerifier>(std::move(verifier)));
  return list;
}

Status TrustList::add_keys(const std::string& iss, const Json& jwks) {
  const auto it = issuers_.find(iss);
  if (it == issuers_.end()) return fail(ErrorCode::untrusted_issuer, "issuer is not in the trust list");
  VEIL_TRY(auto verifiers, parse_jwks(jwks));
  for (auto& verifier : verifiers) it->second.keys.push_back(std::move(verifier));
  return {};
}

std::vector<std::string> TrustList::issuers_to_resolve() const {
  std::vector<std::string> names;
  for (const auto& [iss, issuer] : issuers_) {
    if (issuer.resolve_by_metadata) names.push_back(iss);
  }
  return names;
}

Result<std::vector<const SignatureVerifier*>> TrustList::candidates(const std::string& iss,
                                                                    const std::optional<std::string>& kid) const {
  const std::vector<std::shared_ptr<SignatureVerifier>>* keys = &any_issuer_keys_;
  if (keys->empty()) {
    const auto it = issuers_.find(iss);
    if (it == issuers_.end()) return fail(ErrorCode::untrusted_issuer, "issuer is not trusted");
    keys = &it->second.keys;
  }
  // kid is an opaque label compared for equality only (RFC 8725 §2.9); a pinned key without a kid is not
  // restricted to any label.
  std::vector<const SignatureVerifier*> found;
  for (const auto& key : *keys) {
    const auto& key_kid = key->key().kid();
    if (!kid || !key_kid || *key_kid == *kid) found.push_back(key.get());
  }
  if (found.empty()) return fail(ErrorCode::unknown_key, "no trusted key matches the issuer and kid");
  return found;
}

}  // namespace veil
