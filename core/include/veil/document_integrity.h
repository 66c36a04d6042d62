// Document integrity: the W3C Subresource Integrity metadata ("sha256-<base64>") that SD-JWT VC uses in
// vct#integrity, extends#integrity and schema_uri#integrity to pin a fetched document to the bytes the referrer
// meant (draft-ietf-oauth-sd-jwt-vc, "Document Integrity"; W3C SRI §3.3).
#pragma once

#include <string_view>

#include "veil/error.h"

namespace veil {

/// check_document_integrity checks |document| (the exact bytes fetched) against |integrity|, a whitespace-
/// separated list of "<alg>-<base64 digest>[?options]" with alg sha256, sha384 or sha512. As W3C SRI §3.3.5
/// says, only the strongest algorithm present counts and one matching digest of it is enough; tokens with other
/// algorithms are ignored. Unlike a browser, an integrity value with no usable token fails (the referrer asked
/// for a check Veil cannot make). Fails with invalid_type_metadata naming the mismatch or the malformed value.
[[nodiscard]] Status check_document_integrity(std::string_view integrity, std::string_view document);

}  // namespace veil
