#include "veil/signature_verifier.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <string_view>
#include <thread>

#include "veil/base64url.h"
#include "veil/signer.h"
#include "test_keys.h"

using veil::ErrorCode;
using veil::Json;
using veil::Jwk;
using Bytes = std::vector<std::uint8_t>;

using veil_test::bytes_of;

namespace {

Bytes b64(std::string_view text) {
  auto decoded = veil::base64url_decode(text);
  REQUIRE(decoded);
  return *decoded;
}

Bytes hex(std::string_view text) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// RFC 7515 §A.3: an ES256 JWS and its public key.
constexpr std::string_view kRfc7515SigningInput =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
constexpr std::string_view kRfc7515Signature =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

std::unique_ptr<veil::SignatureVerifier> rfc7515_verifier() {
  auto jwk = Jwk::parse(Json{{"kty", "EC"},
                             {"crv", "P-256"},
                             {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                             {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}});
  REQUIRE(jwk);
  auto verifier = veil::make_verifier(*jwk);
  REQUIRE(verifier);
  return std::move(*verifier);
}

ErrorCode verify_error(const veil::SignatureVerifier& verifier, std::string_view data, const Bytes& signature) {
  auto status = verifier.verify(bytes_of(data), signature);
  REQUIRE_FALSE(status);
  return status.error().code;
}

const Bytes kOrder = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
const Bytes kOrderMinus1 = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550");

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

TEST_CASE("ES256 verifier accepts the RFC 7515 A.3 signature", "[signature_verifier]") {
  auto verifier = rfc7515_verifier();
  CHECK(verifier->alg() == veil::JwsAlg::ES256);
  CHECK(verifier->verify(bytes_of(kRfc7515SigningInput), b64(kRfc7515Signature)));
}

TEST_CASE("ES256 verifier rejects a changed message or signature", "[signature_verifier]") {
  auto verifier = rfc7515_verifier();
  std::string data(kRfc7515SigningInput);
  data.back() = 'A';
  CHECK(verify_error(*verifier, data, b64(kRfc7515Signature)) == ErrorCode::invalid_signature);
  Bytes signature = b64(kRfc7515Signature);
  signature[10] ^= 1;
  CHECK(verify_error(*verifier, kRfc7515SigningInput, signature) == ErrorCode::invalid_signature);
}

TEST_CASE("ES256 verifier rejects signatures that are not exactly 64 bytes [attack:J4]",
          "[signature_verifier][attack:J4]") {
  auto verifier = rfc7515_verifier();
  const Bytes good = b64(kRfc7515Signature);
  Bytes longer = good;
  longer.push_back(0);
  Bytes shorter(good.begin(), good.end() - 1);
  CHECK(verify_error(*verifier, kRfc7515SigningInput, longer) == ErrorCode::invalid_signature);
  CHECK(verify_error(*verifier, kRfc7515SigningInput, shorter) == ErrorCode::invalid_signature);
  CHECK(verify_error(*verifier, kRfc7515SigningInput, {}) == ErrorCode::invalid_signature);
  // The same signature in DER form (what OpenSSL itself takes) is refused: JWS is R||S only.
  // This s has its top bit set, so DER needs a 0x00 sign byte in front of it.
  REQUIRE((good[0] & 0x80) == 0);
  REQUIRE((good[32] & 0x80) != 0);
  Bytes der = {0x30, 0x45, 0x02, 0x20};
  der.insert(der.end(), good.begin(), good.begin() + 32);
  der.insert(der.end(), {0x02, 0x21, 0x00});
  der.insert(der.end(), good.begin() + 32, good.end());
  auto converted = veil::ecdsa_der_to_jws(der);
  REQUIRE(converted);
  CHECK(*converted == good);
  CHECK(verify_error(*verifier, kRfc7515SigningInput, der) == ErrorCode::invalid_signature);
}

TEST_CASE("ES256 verifier rejects r or s equal to 0, n or beyond [attack:J5]", "[signature_verifier][attack:J5]") {
  auto verifier = rfc7515_verifier();
  const Bytes good = b64(kRfc7515Signature);
  const Bytes r(good.begin(), good.begin() + 32);
  const Bytes s(good.begin() + 32, good.end());
  const Bytes zero(32, 0);
  Bytes one(32, 0);
  one.back() = 1;
  const Bytes all_ones(32, 0xFF);
  // r + n and s + n do not fit into 32 bytes, so the only 32-byte aliases are the values >= n themselves.
  for (const Bytes& bad : {zero, kOrder, all_ones}) {
    CHECK(verify_error(*verifier, kRfc7515SigningInput, concat(bad, s)) == ErrorCode::invalid_signature);
    CHECK(verify_error(*verifier, kRfc7515SigningInput, concat(r, bad)) == ErrorCode::invalid_signature);
  }
  for (const Bytes& a : {zero, one, kOrderMinus1, kOrder}) {
    for (const Bytes& b : {zero, one, kOrderMinus1, kOrder}) {
      CHECK(verify_error(*verifier, kRfc7515SigningInput, concat(a, b)) == ErrorCode::invalid_signature);
    }
  }
  // The other valid signature (r, n - s) is a different signature of the same message; ECDSA accepts it, so
  // signatures must never be used as identifiers.
}

TEST_CASE("Ed25519 verifier rejects a malleated s and wrong lengths [attack:J6]", "[signature_verifier][attack:J6]") {
  auto jwk = Jwk::parse(Json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}});
  REQUIRE(jwk);
  auto verifier = veil::make_verifier(*jwk);
  REQUIRE(verifier);
  CHECK((*verifier)->alg() == veil::JwsAlg::EdDSA);
  CHECK((*verifier)->key() == *jwk);
  constexpr std::string_view input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  const Bytes good = b64("hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
  REQUIRE((*verifier)->verify(bytes_of(input), good));
  // s + L (little-endian addition of the group order L = 2^252 + 27742317777372353535851937790883648493) is the
  // classic malleation: the same point equation holds, RFC 8032 §5.1.7 requires rejecting s >= L.
  const Bytes order = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  Bytes malleated = good;
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = malleated[32 + i] + order[i] + carry;
    malleated[32 + i] = static_cast<std::uint8_t>(sum & 0xFF);
    carry = sum >> 8;
  }
  REQUIRE(carry == 0);
  CHECK(verify_error(**verifier, input, malleated) == ErrorCode::invalid_signature);
  CHECK(verify_error(**verifier, input, Bytes(good.begin(), good.end() - 1)) == ErrorCode::invalid_signature);
  Bytes with_garbage = good;
  with_garbage.push_back(0);
  CHECK(verify_error(**verifier, input, with_garbage) == ErrorCode::invalid_signature);
  CHECK(verify_error(**verifier, input, {}) == ErrorCode::invalid_signature);
}

TEST_CASE("ecdsa_der_to_jws accepts only strict DER", "[signature_verifier]") {
  auto check_rejected = [](const Bytes& der) {
    auto converted = veil::ecdsa_der_to_jws(der);
    REQUIRE_FALSE(converted);
    CHECK(converted.error().code == ErrorCode::invalid_signature);
  };
  // SEQUENCE { INTEGER 1, INTEGER 2 } → left-padded 32-byte halves.
  auto small = veil::ecdsa_der_to_jws(hex("3006020101020102"));
  REQUIRE(small);
  Bytes expected(64, 0);
  expected[31] = 1;
  expected[63] = 2;
  CHECK(*small == expected);
  check_rejected(hex("308106020101020102"));  // long-form length
  check_rejected(hex("300702020001020102"));  // INTEGER with a superfluous leading zero
  check_rejected(hex("3006020181020102"));    // negative INTEGER
  check_rejected(hex("300602010102010200"));  // trailing byte after the sequence
  check_rejected(hex("3007020101020102"));    // sequence length too long
  check_rejected(hex("3005020101020102"));    // sequence length too short
  check_rejected(hex("3003020101"));          // one integer
  check_rejected(hex("3006020001020102"));    // empty INTEGER
  check_rejected(hex("3106020101020102"));    // SET instead of SEQUENCE
  check_rejected(hex("3006030101020102"));    // BIT STRING instead of INTEGER
  check_rejected({});
  // 33 value bytes without the sign byte do not fit P-256.
  Bytes oversized = {0x30, 0x26, 0x02, 0x21};
  oversized.insert(oversized.end(), 33, 0x01);
  oversized.insert(oversized.end(), {0x02, 0x01, 0x01});
  check_rejected(oversized);
}

TEST_CASE("a verifier can be shared between threads", "[signature_verifier]") {
  for (auto alg : {veil::JwsAlg::ES256, veil::JwsAlg::EdDSA}) {
    auto key = veil::PrivateJwk::generate(alg);
    REQUIRE(key);
    auto signer = veil::make_signer(*key);
    auto verifier = veil::make_verifier(key->public_key());
    REQUIRE(signer);
    REQUIRE(verifier);
    auto signature = (*signer)->sign(bytes_of("shared"));
    REQUIRE(signature);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 50; ++i) {
          if (!(*verifier)->verify(bytes_of("shared"), *signature)) ++failures;
          Bytes bad = *signature;
          bad[5] ^= 0x40;
          if ((*verifier)->verify(bytes_of("shared"), bad)) ++failures;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(failures == 0);
  }
}
