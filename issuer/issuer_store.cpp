#include "issuer/issuer_store.h"

#include <algorithm>
#include <string>

#include "veil/base64url.h"
#include "veil/hash.h"
#include "veil/secret_bytes.h"

namespace veil::issuer {

SecretHash SecretHash::of(std::string_view secret) {
  const std::vector<std::uint8_t> digest = hash_bytes(HashAlg::sha_256, secret);
  std::array<std::uint8_t, 32> bytes{};
  std::copy_n(digest.begin(), bytes.size(), bytes.begin());
  return SecretHash(bytes);
}

Result<SecretHash> SecretHash::from_bytes(std::span<const std::uint8_t> digest) {
  std::array<std::uint8_t, 32> bytes{};
  if (digest.size() != bytes.size()) return fail(ErrorCode::invalid_argument, "a secret hash is 32 bytes");
  std::copy_n(digest.begin(), bytes.size(), bytes.begin());
  return SecretHash(bytes);
}

bool SecretHash::equals(const SecretHash& other) const { return constant_time_equals(bytes_, other.bytes_); }

std::string random_url_token(std::size_t bytes) {
  const SecretBytes random = SecretBytes::random(bytes);
  return base64url_encode(random.reveal());
}

OfferSecrets OfferSecrets::generate() { return from_offer_id(random_url_token()); }

OfferSecrets OfferSecrets::from_offer_id(std::string_view offer_id) {
  // A domain-separated hash: the code follows from the offer id, the offer id does not follow from the code, and
  // the store keeps only SHA-256 of each.
  std::string input = "veil pre-authorized code v1";
  input.append(offer_id);
  return OfferSecrets{std::string(offer_id), hash_base64url(HashAlg::sha_256, input)};
}

std::string_view redeem_outcome_name(RedeemOutcome outcome) {
  switch (outcome) {
    case RedeemOutcome::redeemed: return "redeemed";
    case RedeemOutcome::unknown_code: return "unknown_code";
    case RedeemOutcome::expired_code: return "expired_code";
    case RedeemOutcome::used_code: return "used_code";
    case RedeemOutcome::tx_code_missing: return "tx_code_missing";
    case RedeemOutcome::tx_code_unexpected: return "tx_code_unexpected";
    case RedeemOutcome::wrong_tx_code: return "wrong_tx_code";
    case RedeemOutcome::tx_code_attempts_exhausted: return "tx_code_attempts_exhausted";
  }
  return "unknown_code";
}

std::string_view credential_status_name(CredentialStatus status) {
  switch (status) {
    case CredentialStatus::valid: return "valid";
    case CredentialStatus::invalid: return "invalid";
    case CredentialStatus::suspended: return "suspended";
  }
  return "invalid";
}

Result<CredentialStatus> parse_credential_status(std::string_view name) {
  if (name == "valid") return CredentialStatus::valid;
  if (name == "invalid" || name == "revoked") return CredentialStatus::invalid;
  if (name == "suspended") return CredentialStatus::suspended;
  return fail(ErrorCode::invalid_argument, "a credential status is valid, invalid (revoked) or suspended");
}

}  // namespace veil::issuer
