// Presentation: the holder's side (RFC 9901 §4.3, §7.2): choose what to disclose, then bind it to a verifier.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "veil/claim_path.h"
#include "veil/error.h"
#include "veil/sd_jwt.h"
#include "veil/signer.h"

namespace veil {

/// select_disclosures returns |issued| with only the Disclosures needed to reveal the claims at |paths|: the
/// claim itself, every disclosable parent needed to reach it, and, when a path names an object or array,
/// everything beneath it. Nothing else is disclosed. Fails with unknown_claim_path when a path names a claim
/// the credential does not have, unexpected_key_binding when |issued| already carries a KB-JWT (§7.2),
/// invalid_sd_digests / unsupported_sd_alg for a payload whose "_sd", "..." or "_sd_alg" are malformed, and
/// with the parsing errors of the issuer JWT (read without verifying: the holder trusts its own credential).
/// An array index counts the elements the holder can see (decoy digests are skipped), i.e. the positions of
/// the issuer's original array; on an object, an index names the member spelled as that number
/// ("age_equal_or_over.18"). The returned Disclosures keep their order in |issued|.
Result<SdJwt> select_disclosures(const SdJwt& issued, std::span<const ClaimPath> paths);

/// ClaimSelection is one claim the holder reveals: |path| names it; with |with_descendants| (the default) the
/// selection also reveals everything beneath an object or array, as a ClaimPath does; without, only the claim's
/// own Disclosure and those of its parents, so an object or array is shown with its selectively disclosable
/// members and elements withheld (what sd-jwt-python's `true` on a container means).
struct ClaimSelection {
  ClaimPath path;
  bool with_descendants = true;
};

/// select_disclosures returns |issued| with only the Disclosures needed to reveal |selections|; a selection
/// with with_descendants behaves exactly as its path in the ClaimPath overload, one without stops at the named
/// claim. Fails like the ClaimPath overload (unknown_claim_path for a path the credential does not have).
Result<SdJwt> select_disclosures(const SdJwt& issued, std::span<const ClaimSelection> selections);

/// KeyBindingRequest is what a verifier asked the holder to bind to.
struct KeyBindingRequest {
  std::string aud;
  std::string nonce;
  std::int64_t iat = 0;
};

/// add_key_binding signs a KB-JWT over |presentation| (sd_hash with the credential's _sd_alg) and returns the
/// SD-JWT+KB. Fails with unexpected_key_binding when |presentation| already has one, with the parsing errors of
/// the issuer JWT and unsupported_sd_alg, and internal_error when the holder's signer fails.
Result<SdJwt> add_key_binding(const SdJwt& presentation, const KeyBindingRequest& request, const Signer& holder);

}  // namespace veil
