#include "veil/hash.h"

#include <catch2/catch.hpp>

using veil::ErrorCode;
using veil::HashAlg;

TEST_CASE("parse_hash_alg accepts the IANA names Veil supports", "[hash]") {
  CHECK(veil::parse_hash_alg("sha-256") == HashAlg::sha_256);
  CHECK(veil::parse_hash_alg("sha-384") == HashAlg::sha_384);
  CHECK(veil::parse_hash_alg("sha-512") == HashAlg::sha_512);
  for (auto alg : {HashAlg::sha_256, HashAlg::sha_384, HashAlg::sha_512}) {
    CHECK(veil::parse_hash_alg(veil::hash_alg_name(alg)) == alg);
  }
}

TEST_CASE("parse_hash_alg refuses truncated, misspelled and unknown hashes", "[hash]") {
  for (const char* name : {"sha-256-32", "sha-256-128", "SHA-256", "sha256", "md5", "sha-1", "sha3-256", ""}) {
    INFO(name);
    auto parsed = veil::parse_hash_alg(name);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::unsupported_sd_alg);
  }
}

TEST_CASE("hash_bytes matches the FIPS 180-4 examples for abc", "[hash]") {
  CHECK(veil::hash_base64url(HashAlg::sha_256, "abc") == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  CHECK(veil::hash_bytes(HashAlg::sha_256, "abc").size() == 32);
  CHECK(veil::hash_bytes(HashAlg::sha_384, "abc").size() == 48);
  CHECK(veil::hash_bytes(HashAlg::sha_512, "abc").size() == 64);
  // SHA-384("abc") starts cb00753f, SHA-512("abc") starts ddaf35a1.
  CHECK(veil::hash_bytes(HashAlg::sha_384, "abc")[0] == 0xcb);
  CHECK(veil::hash_bytes(HashAlg::sha_512, "abc")[0] == 0xdd);
  // SHA-256 of the empty string.
  CHECK(veil::hash_base64url(HashAlg::sha_256, "") == "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
}

TEST_CASE("hash_base64url reproduces an RFC 9901 disclosure digest", "[hash]") {
  // An RFC 9901 example disclosure ["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"] (checked with
  // python3 hashlib as well).
  CHECK(veil::hash_base64url(HashAlg::sha_256,
                             "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0") ==
        "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0");
}
