// Internal: RFC 9901 §7.1 steps 3–5, turning an Issuer-signed payload plus Disclosures into the processed payload.
#pragma once

#include <span>
#include <vector>

#include "veil/claim_path.h"
#include "veil/disclosure.h"
#include "veil/error.h"
#include "veil/hash.h"
#include "veil/json.h"

namespace veil {

/// ProcessedPayload is the payload with every referenced Disclosure applied, and where each one landed.
struct ProcessedPayload {
  /// claims has the disclosed claims inserted and "_sd", the top-level "_sd_alg" and undisclosed array elements
  /// removed.
  Json claims;
  /// disclosed holds the path of the claim each Disclosure revealed, in the order the Disclosures were presented
  /// (array elements by their index in the processed array).
  std::vector<ClaimPath> disclosed;
};

/// read_sd_alg returns the payload's "_sd_alg", sha-256 when absent (§4.1.1). Fails with unsupported_sd_alg
/// when it is not a string or names a hash Veil does not accept (md5, the truncated sha-256-32, ...).
Result<HashAlg> read_sd_alg(const Json& issuer_signed_payload);

/// apply_disclosures runs §7.1 step 3 on |issuer_signed_payload| and checks steps 4 and 5. It fails with
/// invalid_sd_digests when "_sd" is not an array of strings or an array element is an object holding "..."
/// together with other members (or a non-string "..."); duplicate_disclosure when a Disclosure is presented
/// twice; duplicate_digest when a digest occurs twice (decoys included); disclosure_kind_mismatch when an
/// array-element Disclosure is referenced from "_sd" or a property one from "..."; forbidden_claim_name;
/// claim_name_conflict when a disclosed name already exists at its level; unreferenced_disclosure when a
/// Disclosure is not reachable from the payload; nesting_too_deep when the processed claims nest deeper than
/// |max_depth| objects and arrays.
/// The payload is taken by value and rewritten in place: pass it with std::move when it is not needed afterwards.
Result<ProcessedPayload> apply_disclosures(Json issuer_signed_payload, std::span<const Disclosure> disclosures,
                                           HashAlg sd_alg, int max_depth);

}  // namespace veil
