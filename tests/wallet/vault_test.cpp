#include "wallet/vault.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "veil/json.h"

namespace {

using veil::ErrorCode;
using veil::SecretBytes;
using veil::wallet::Aad;
using veil::wallet::KdfParams;
using veil::wallet::Vault;
using veil::wallet::WrappedDataKey;

const SecretBytes kPassphrase = veil::wallet::passphrase_from("correct horse battery staple");
const Aad kPlace{"credential_copies", "abc/0", "sd_jwt", 1};

std::string text_of(const SecretBytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.reveal().data()), bytes.size());
}

Vault::Created create_vault(const KdfParams& kdf = KdfParams::minimum()) {
  auto created = Vault::create(kPassphrase, kdf);
  REQUIRE(created);
  return std::move(*created);
}

std::vector<std::uint8_t> hex(const std::string& text) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace

TEST_CASE("a vault unlocks with its passphrase and opens what it sealed", "[vault]") {
  auto created = create_vault();
  const std::string sd_jwt = "eyJhbGciOiJFUzI1NiJ9.e30.sig~WyJzYWx0IiwibmFtZSIsIkFkYSJd~";
  auto sealed = created.vault.seal(sd_jwt, kPlace);
  REQUIRE(sealed);
  CHECK(sealed->size() == 1 + 24 + sd_jwt.size() + 16);  // version, nonce, ciphertext, tag
  CHECK((*sealed)[0] == 1);  // format version

  auto unlocked = Vault::unlock(kPassphrase, created.wrapped);
  REQUIRE(unlocked);
  auto opened = unlocked->open(*sealed, kPlace);
  REQUIRE(opened);
  CHECK(text_of(*opened) == sd_jwt);
}

TEST_CASE("sealing the same value twice gives different ciphertexts (random nonces)", "[vault]") {
  auto created = create_vault();
  auto a = created.vault.seal("same", kPlace);
  auto b = created.vault.seal("same", kPlace);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a != *b);
}

TEST_CASE("a wrong passphrase fails cleanly with wrong_passphrase", "[vault]") {
  auto created = create_vault();
  auto unlocked = Vault::unlock(veil::wallet::passphrase_from("correct horse battery stapler"), created.wrapped);
  REQUIRE_FALSE(unlocked);
  CHECK(unlocked.error().code == ErrorCode::wrong_passphrase);
  auto empty = Vault::unlock(SecretBytes(), created.wrapped);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == ErrorCode::wrong_passphrase);
}

TEST_CASE("flipping any byte of the wrapped data key, its nonce or the salt fails with wrong_passphrase", "[vault]") {
  const auto created = create_vault();
  auto expect_refused = [&](const WrappedDataKey& altered) {
    auto unlocked = Vault::unlock(kPassphrase, altered);
    REQUIRE_FALSE(unlocked);
    CHECK(unlocked.error().code == ErrorCode::wrong_passphrase);
  };
  for (std::size_t i = 0; i < created.wrapped.ciphertext.size(); ++i) {
    auto altered = created.wrapped;
    altered.ciphertext[i] ^= 0x01;
    expect_refused(altered);
  }
  for (std::size_t i = 0; i < created.wrapped.nonce.size(); ++i) {
    auto altered = created.wrapped;
    altered.nonce[i] ^= 0x80;
    expect_refused(altered);
  }
  for (std::size_t i = 0; i < created.wrapped.salt.size(); ++i) {
    auto altered = created.wrapped;
    altered.salt[i] ^= 0x01;
    expect_refused(altered);
  }
  auto truncated = created.wrapped;
  truncated.ciphertext.pop_back();
  expect_refused(truncated);
}

TEST_CASE("altering any byte of the stored KDF parameters or format version fails with wrong_passphrase", "[vault]") {
  const auto created = create_vault();
  auto expect_refused = [&](const WrappedDataKey& altered) {
    auto unlocked = Vault::unlock(kPassphrase, altered);
    REQUIRE_FALSE(unlocked);
    CHECK(unlocked.error().code == ErrorCode::wrong_passphrase);
  };
  // Every byte of the 64-bit opslimit and memlimit: a change either leaves the accepted range (refused before
  // Argon2id runs) or changes the KEK, or — for memlimit bits under 1 KiB, which Argon2id rounds away — is caught
  // by the AAD that binds the exact stored value.
  for (int byte = 0; byte < 8; ++byte) {
    auto ops = created.wrapped;
    ops.kdf.opslimit ^= std::uint64_t{1} << (8 * byte);
    expect_refused(ops);
    auto mem = created.wrapped;
    mem.kdf.memlimit ^= std::uint64_t{1} << (8 * byte);
    expect_refused(mem);
  }
  for (int algorithm : {0, 1, 3, 255}) {
    auto altered = created.wrapped;
    altered.kdf.algorithm = algorithm;
    expect_refused(altered);
  }
  auto version = created.wrapped;
  version.format_version = 2;
  expect_refused(version);
}

TEST_CASE("flipping any byte of a sealed value fails with sealed_data_corrupt", "[vault]") {
  const auto created = create_vault();
  auto sealed = created.vault.seal("{\"given_name\":\"Ada\"}", kPlace);
  REQUIRE(sealed);
  // Byte 0 is the version, 1..24 the nonce, then the ciphertext, then the tag.
  for (std::size_t i = 0; i < sealed->size(); ++i) {
    auto altered = *sealed;
    altered[i] ^= 0x01;
    auto opened = created.vault.open(altered, kPlace);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == ErrorCode::sealed_data_corrupt);
  }
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{40}, sealed->size() - 1}) {
    std::vector<std::uint8_t> truncated(sealed->begin(), sealed->begin() + static_cast<std::ptrdiff_t>(size));
    auto opened = created.vault.open(truncated, kPlace);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == ErrorCode::sealed_data_corrupt);
  }
}

TEST_CASE("a sealed value opens only for its own table, row, column and schema version", "[vault]") {
  const auto created = create_vault();
  auto sealed = created.vault.seal("secret", kPlace);
  REQUIRE(sealed);
  for (const Aad& other : {Aad{"credentials", "abc/0", "sd_jwt", 1}, Aad{"credential_copies", "abc/1", "sd_jwt", 1},
                           Aad{"credential_copies", "abc/0", "holder_key", 1},
                           Aad{"credential_copies", "abc/0", "sd_jwt", 2},
                           // Length prefixes: moving a character between fields is a different place.
                           Aad{"credential_copiesa", "bc/0", "sd_jwt", 1}}) {
    auto opened = created.vault.open(*sealed, other);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == ErrorCode::sealed_data_corrupt);
  }
}

TEST_CASE("a value sealed under another wallet's data key does not open", "[vault]") {
  const auto one = create_vault();
  const auto other = create_vault();
  auto sealed = one.vault.seal("secret", kPlace);
  REQUIRE(sealed);
  auto opened = other.vault.open(*sealed, kPlace);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == ErrorCode::sealed_data_corrupt);
}

TEST_CASE("rewrap raises the KDF parameters and keeps the data key", "[vault]") {
  const auto created = create_vault();
  auto sealed = created.vault.seal("kept", kPlace);
  REQUIRE(sealed);
  const KdfParams stronger{veil::wallet::kArgon2id13, 2, 64 * 1024};
  CHECK(created.wrapped.kdf.weaker_than(stronger));
  CHECK_FALSE(stronger.weaker_than(created.wrapped.kdf));
  auto rewrapped = created.vault.rewrap(kPassphrase, stronger);
  REQUIRE(rewrapped);
  CHECK(rewrapped->kdf == stronger);
  CHECK(rewrapped->salt != created.wrapped.salt);
  auto unlocked = Vault::unlock(kPassphrase, *rewrapped);
  REQUIRE(unlocked);
  auto opened = unlocked->open(*sealed, kPlace);
  REQUIRE(opened);
  CHECK(text_of(*opened) == "kept");
}

TEST_CASE("KDF parameters outside Argon2id's range or the vault's bound are refused", "[vault]") {
  using veil::wallet::check_kdf_params;
  CHECK(check_kdf_params(KdfParams::minimum()));
  CHECK(check_kdf_params(KdfParams::interactive()));
  CHECK(check_kdf_params(KdfParams::defaults()));
  CHECK(KdfParams::defaults().opslimit == 3);
  CHECK(KdfParams::defaults().memlimit == 256u << 20);
  for (const KdfParams& bad : {KdfParams{1, 2, 1 << 20}, KdfParams{2, 0, 1 << 20}, KdfParams{2, 65, 1 << 20},
                               KdfParams{2, 2, 8191}, KdfParams{2, 2, (4ull << 30) + 1}}) {
    auto checked = check_kdf_params(bad);
    REQUIRE_FALSE(checked);
    CHECK(checked.error().code == ErrorCode::invalid_argument);
    auto created = Vault::create(kPassphrase, bad);
    REQUIRE_FALSE(created);
    CHECK(created.error().code == ErrorCode::invalid_argument);
  }
  auto empty = Vault::create(SecretBytes(), KdfParams::minimum());
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("lookup tags are equal for equal values and unrelated across purposes and wallets", "[vault]") {
  const auto one = create_vault();
  const auto other = create_vault();
  CHECK(one.vault.lookup_tag("verifier", "x509_hash:abc") == one.vault.lookup_tag("verifier", "x509_hash:abc"));
  CHECK(one.vault.lookup_tag("verifier", "x509_hash:abc") != one.vault.lookup_tag("verifier", "x509_hash:abd"));
  CHECK(one.vault.lookup_tag("verifier", "x509_hash:abc") != one.vault.lookup_tag("other", "x509_hash:abc"));
  CHECK(one.vault.lookup_tag("verifier", "x509_hash:abc") != other.vault.lookup_tag("verifier", "x509_hash:abc"));
}

TEST_CASE("xchacha20poly1305 matches the Wycheproof XChaCha20-Poly1305 vectors", "[vault][wycheproof]") {
  std::ifstream in(std::string(VEIL_VECTORS_DIR) + "/wycheproof/xchacha20_poly1305_test.json");
  REQUIRE(in);
  const veil::Json file = veil::Json::parse(in);
  int valid = 0;
  int invalid = 0;
  for (const auto& group : file.at("testGroups")) {
    for (const auto& test : group.at("tests")) {
      INFO("tcId " << test.at("tcId").get<int>() << ": " << test.at("comment").get<std::string>());
      const auto key = hex(test.at("key").get<std::string>());
      const auto iv = hex(test.at("iv").get<std::string>());
      const auto aad = hex(test.at("aad").get<std::string>());
      const auto msg = hex(test.at("msg").get<std::string>());
      auto ct_and_tag = hex(test.at("ct").get<std::string>());
      const auto tag = hex(test.at("tag").get<std::string>());
      ct_and_tag.insert(ct_and_tag.end(), tag.begin(), tag.end());
      const std::string result = test.at("result").get<std::string>();
      auto decrypted = veil::wallet::xchacha20poly1305_decrypt(key, iv, aad, ct_and_tag);
      if (result == "valid") {
        ++valid;
        auto encrypted = veil::wallet::xchacha20poly1305_encrypt(key, iv, aad, msg);
        REQUIRE(encrypted);
        CHECK(*encrypted == ct_and_tag);
        REQUIRE(decrypted);
        CHECK(std::vector<std::uint8_t>(decrypted->reveal().begin(), decrypted->reveal().end()) == msg);
      } else {
        ++invalid;
        REQUIRE_FALSE(decrypted);
        // A nonce of the wrong size is the caller's mistake; a forged tag is corrupt data.
        CHECK(decrypted.error().code == (iv.size() == 24 ? ErrorCode::sealed_data_corrupt
                                                          : ErrorCode::invalid_argument));
      }
    }
  }
  CHECK(valid == 246);
  CHECK(invalid == 69);
}
