// Per-algorithm Signer and SignatureVerifier factories behind make_signer / make_verifier (internal).
#pragma once

#include <memory>

#include "veil/jwk.h"
#include "veil/signature_verifier.h"
#include "veil/signer.h"

namespace veil {

Result<std::unique_ptr<Signer>> make_es256_signer(const PrivateJwk& key);
Result<std::unique_ptr<SignatureVerifier>> make_es256_verifier(const Jwk& key);
Result<std::unique_ptr<Signer>> make_ed25519_signer(const PrivateJwk& key);
Result<std::unique_ptr<SignatureVerifier>> make_ed25519_verifier(const Jwk& key);

}  // namespace veil
