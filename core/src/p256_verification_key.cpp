// The one place Veil uses OpenSSL's EC_KEY API (deprecated in 3.0, still supported): see the header for the
// measured reason. Deprecation warnings are silenced for this file only.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "p256_verification_key.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <array>
#include <cstdlib>

namespace veil::p256 {
namespace {

const EC_GROUP* curve() {
  // Created once and only read afterwards; EC_GROUP is safe to share for reading.
  static const EC_GROUP* group = [] {
    EC_GROUP* made = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    if (made == nullptr) std::abort();  // the library lacks P-256: nothing can work
    return made;
  }();
  return group;
}

// scratch returns this thread's BN_CTX: decoding a point with a null context makes OpenSSL allocate and free one
// per call, a measurable share of importing the holder key of every presentation.
BN_CTX* scratch() {
  struct Owner {
    BN_CTX* ctx = BN_CTX_new();
    ~Owner() { BN_CTX_free(ctx); }
  };
  thread_local Owner owner;
  return owner.ctx;
}

}  // namespace

struct VerificationKey::Handle {
  EC_KEY* key = nullptr;
  ~Handle() { EC_KEY_free(key); }
};

Result<VerificationKey> VerificationKey::parse(std::span<const std::uint8_t> x, std::span<const std::uint8_t> y) {
  if (x.size() != 32 || y.size() != 32) return fail(ErrorCode::invalid_jwk, "ec coordinate length");
  std::array<std::uint8_t, 65> encoded{};
  encoded[0] = 0x04;  // SEC 1 §2.3.3 uncompressed point
  std::copy(x.begin(), x.end(), encoded.begin() + 1);
  std::copy(y.begin(), y.end(), encoded.begin() + 33);

  auto handle = std::make_shared<Handle>();
  handle->key = EC_KEY_new();
  // EC_KEY_oct2key decodes straight into the key's own point, checking that it lies on the curve.
  const bool ok = handle->key != nullptr && scratch() != nullptr && EC_KEY_set_group(handle->key, curve()) == 1 &&
                  EC_KEY_oct2key(handle->key, encoded.data(), encoded.size(), scratch()) == 1 &&
                  EC_POINT_is_at_infinity(curve(), EC_KEY_get0_public_key(handle->key)) == 0;
  if (!ok) {
    ERR_clear_error();
    return fail(ErrorCode::invalid_jwk, "ec point is not on p-256");
  }
  return VerificationKey(std::move(handle));
}

bool VerificationKey::verify(std::span<const std::uint8_t, 32> digest, std::span<const std::uint8_t> r,
                             std::span<const std::uint8_t> s) const {
  ECDSA_SIG* signature = ECDSA_SIG_new();
  BIGNUM* r_bn = BN_bin2bn(r.data(), static_cast<int>(r.size()), nullptr);
  BIGNUM* s_bn = BN_bin2bn(s.data(), static_cast<int>(s.size()), nullptr);
  if (signature == nullptr || r_bn == nullptr || s_bn == nullptr || ECDSA_SIG_set0(signature, r_bn, s_bn) != 1) {
    ECDSA_SIG_free(signature);
    BN_free(r_bn);
    BN_free(s_bn);
    return false;
  }
  const int verified = ECDSA_do_verify(digest.data(), static_cast<int>(digest.size()), signature, handle_->key);
  ECDSA_SIG_free(signature);  // owns r_bn and s_bn now
  if (verified != 1) ERR_clear_error();
  return verified == 1;
}

}  // namespace veil::p256
