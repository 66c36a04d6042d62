#include "p256.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>

#include <algorithm>

namespace veil::p256 {
namespace {

std::array<std::uint8_t, 1 + 2 * kFieldBytes> uncompressed_point(std::span<const std::uint8_t> x,
                                                                 std::span<const std::uint8_t> y) {
  // SEC 1 §2.3.3: 0x04 || X || Y.
  std::array<std::uint8_t, 1 + 2 * kFieldBytes> point{};
  point[0] = 0x04;
  std::copy(x.begin(), x.end(), point.begin() + 1);
  std::copy(y.begin(), y.end(), point.begin() + 1 + kFieldBytes);
  return point;
}

Result<ossl::EvpPkeyPtr> from_params(const OSSL_PARAM* params, int selection) {
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return fail(ErrorCode::internal_error, "ec key context");
  EVP_PKEY* raw = nullptr;
  // OpenSSL decodes the point with EC_POINT_oct2point, which refuses points off the curve.
  if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, const_cast<OSSL_PARAM*>(params)) != 1 || raw == nullptr) {
    return fail(ErrorCode::invalid_jwk, "ec point is not on p-256");
  }
  ossl::EvpPkeyPtr key(raw);
  // RFC 8725 §2.5 / invalid-curve attacks: check the point explicitly as well (on the curve, not infinity).
  ossl::EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check) return fail(ErrorCode::internal_error, "ec check context");
  if (EVP_PKEY_public_check(check.get()) != 1) return fail(ErrorCode::invalid_jwk, "ec point is not on p-256");
  return key;
}

}  // namespace

bool is_valid_scalar(std::span<const std::uint8_t> scalar) {
  if (scalar.size() != kFieldBytes) return false;
  if (std::all_of(scalar.begin(), scalar.end(), [](std::uint8_t b) { return b == 0; })) return false;
  return std::lexicographical_compare(scalar.begin(), scalar.end(), kOrder.begin(), kOrder.end());
}

Result<ossl::EvpPkeyPtr> private_key(std::span<const std::uint8_t> d, std::span<const std::uint8_t> x,
                                     std::span<const std::uint8_t> y) {
  if (!is_valid_scalar(d)) return fail(ErrorCode::invalid_jwk, "ec private scalar out of range");
  if (x.size() != kFieldBytes || y.size() != kFieldBytes) return fail(ErrorCode::invalid_jwk, "ec coordinate length");
  auto point = uncompressed_point(x, y);
  ossl::SecureBignumPtr scalar(BN_secure_new());
  if (!scalar || BN_bin2bn(d.data(), static_cast<int>(d.size()), scalar.get()) == nullptr) {
    return fail(ErrorCode::internal_error, "bignum");
  }
  ossl::OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar.get()) != 1) {
    return fail(ErrorCode::internal_error, "ec key parameters");
  }
  ossl::OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) return fail(ErrorCode::internal_error, "ec key parameters");
  return from_params(params.get(), EVP_PKEY_KEYPAIR);
}

Result<Point> derive_public(std::span<const std::uint8_t> d) {
  if (!is_valid_scalar(d)) return fail(ErrorCode::invalid_jwk, "ec private scalar out of range");
  ossl::EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  ossl::BnCtxPtr bn_ctx(BN_CTX_secure_new());
  ossl::SecureBignumPtr scalar(BN_secure_new());
  ossl::BignumPtr x(BN_new());
  ossl::BignumPtr y(BN_new());
  if (!group || !bn_ctx || !scalar || !x || !y) return fail(ErrorCode::internal_error, "ec allocation");
  ossl::EcPointPtr point(EC_POINT_new(group.get()));
  if (!point || BN_bin2bn(d.data(), static_cast<int>(d.size()), scalar.get()) == nullptr ||
      EC_POINT_mul(group.get(), point.get(), scalar.get(), nullptr, nullptr, bn_ctx.get()) != 1 ||
      EC_POINT_get_affine_coordinates(group.get(), point.get(), x.get(), y.get(), bn_ctx.get()) != 1) {
    return fail(ErrorCode::internal_error, "ec point multiplication");
  }
  Point out{std::vector<std::uint8_t>(kFieldBytes), std::vector<std::uint8_t>(kFieldBytes)};
  if (BN_bn2binpad(x.get(), out.x.data(), kFieldBytes) != kFieldBytes ||
      BN_bn2binpad(y.get(), out.y.data(), kFieldBytes) != kFieldBytes) {
    return fail(ErrorCode::internal_error, "ec coordinate encoding");
  }
  return out;
}

}  // namespace veil::p256
