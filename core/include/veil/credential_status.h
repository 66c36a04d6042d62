// CredentialStatus: the "status" claim of a Referenced Token (draft-ietf-oauth-status-list §6.1), which points
// at one entry of a Status List: {"status_list": {"idx": <non-negative integer>, "uri": "<Status List Token URI>"}}.
#pragma once

#include <cstddef>
#include <string>

#include "veil/error.h"
#include "veil/json.h"

namespace veil {

/// StatusListReference is the "status_list" member of a status claim: the index of this token's status and
/// the URI of the Status List Token that holds it (its "sub").
struct StatusListReference {
  std::size_t idx = 0;
  std::string uri;
};

/// CredentialStatus is a well-formed status claim that references a Token Status List.
class CredentialStatus {
 public:
  /// parse reads the value of the "status" claim. Fails with invalid_status_claim when it is not an object, has
  /// no "status_list" object, or "status_list" lacks "idx" or a non-empty string "uri"; and with
  /// status_index_out_of_range when idx is present but negative or not a JSON integer (1.5, "3", true).
  /// Members for other status mechanisms, next to "status_list", are ignored (TSL §6.1 allows them).
  static Result<CredentialStatus> parse(const Json& status_claim);

  /// from_claims is parse applied to the "status" member of a JWT payload. Fails with invalid_status_claim when
  /// |claims| is not an object or has no "status" member, and otherwise as parse.
  static Result<CredentialStatus> from_claims(const Json& claims);

  const StatusListReference& status_list() const { return status_list_; }

 private:
  explicit CredentialStatus(StatusListReference reference) : status_list_(std::move(reference)) {}
  StatusListReference status_list_;
};

/// status_claim builds the "status" claim value {"status_list": {"idx": idx, "uri": uri}} an issuer puts in a
/// Referenced Token. Fails with invalid_argument when uri is empty.
Result<Json> status_claim(const StatusListReference& reference);

}  // namespace veil
