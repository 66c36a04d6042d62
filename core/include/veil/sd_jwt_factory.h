// SdJwtFactory: turns claims and a disclosure frame into an unsigned SD-JWT payload plus Disclosures
// (RFC 9901 §4.1, §4.2). Pure: no keys, no clock; salts come from an injected SaltSource.
#pragma once

#include <cstddef>
#include <vector>

#include "veil/disclosure.h"
#include "veil/disclosure_frame.h"
#include "veil/error.h"
#include "veil/hash.h"
#include "veil/json.h"
#include "veil/salt_source.h"

namespace veil {

/// UnsignedSdJwt is the payload to sign (with "_sd", "...", "_sd_alg") and the Disclosures that go with it.
struct UnsignedSdJwt {
  Json payload;
  std::vector<Disclosure> disclosures;
};

/// SdJwtFactoryOptions are the issuance choices that do not depend on keys.
struct SdJwtFactoryOptions {
  HashAlg hash_alg = HashAlg::sha_256;
  /// decoys_per_level adds this many decoy digests (§4.2.5) to every "_sd" array the frame creates, so the
  /// number of disclosable claims does not show.
  std::size_t decoys_per_level = 0;
  /// max_random_decoys_per_level adds, on top, a uniformly random number of decoys in [0, max] to each "_sd"
  /// array (drawn per array from the system CSPRNG), so the count of decoys does not show either.
  std::size_t max_random_decoys_per_level = 0;
};

/// build_sd_jwt applies |frame| to |claims| recursively (a disclosable value may itself contain disclosable
/// parts, §6.3). At an object level, a frame "_sd" entry that is a non-negative integer names the member spelled
/// as that number ("18"). Every "_sd" array is sorted, so its order says nothing about the claim order (§4.2.4.1).
/// Fails with invalid_claims when |claims| is not an object or the frame names a member or index that is not
/// there (or the claims set "_sd_alg", or hold invalid UTF-8), invalid_disclosure_frame for a frame whose shape does not match the
/// claims, forbidden_claim_name when a claim anywhere is named "_sd" or "...", nesting_too_deep beyond 64 levels.
/// Salts are drawn in post-order (inner disclosures first, members in claims order), then decoys per level;
/// decoy digests hash a fresh value from |salts|.
Result<UnsignedSdJwt> build_sd_jwt(const Json& claims, const DisclosureFrame& frame, SaltSource& salts,
                                   const SdJwtFactoryOptions& options = {});

}  // namespace veil
