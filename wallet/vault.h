// Vault: the wallet's at-rest cryptography (ATTACKS.md "Wallet data at rest"), all from libsodium.
//
//   passphrase --Argon2id(opslimit, memlimit, 16-byte salt)--> key-encryption key (KEK, 32 bytes)
//   KEK --XChaCha20-Poly1305(random 24-byte nonce, AAD = format, algorithm, parameters, salt)--> wrapped data key
//   data key (random 32 bytes) --XChaCha20-Poly1305(random 24-byte nonce, AAD = table, row, column, schema)--> value
//
// The KDF parameters are stored next to the wrapped key and bound into its AAD, so they can be raised later
// (rewrap) and cannot be lowered by someone who edits the file. Keys live in SecretBytes (wiped on destruction).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/secret_bytes.h"

namespace veil::wallet {

/// kArgon2id13 is libsodium's crypto_pwhash_ALG_ARGON2ID13, the only KDF algorithm a vault accepts.
constexpr int kArgon2id13 = 2;

/// kMaxOpslimit and kMaxMemlimit bound the Argon2id parameters a vault accepts (SENSITIVE is 4 passes, 1 GiB).
constexpr std::uint64_t kMaxOpslimit = 64;
constexpr std::uint64_t kMaxMemlimit = 4ull << 30;

/// KdfParams are the Argon2id cost parameters stored with the wrapped data key.
struct KdfParams {
  int algorithm = kArgon2id13;
  std::uint64_t opslimit = 3;                  // passes (crypto_pwhash_OPSLIMIT_MODERATE)
  std::uint64_t memlimit = 256ull << 20;       // bytes (crypto_pwhash_MEMLIMIT_MODERATE, 256 MiB)

  /// defaults are the parameters a new wallet uses: libsodium's MODERATE (3 passes, 256 MiB).
  static KdfParams defaults();
  /// interactive is libsodium's INTERACTIVE (2 passes, 64 MiB), for machines where MODERATE is too slow.
  static KdfParams interactive();
  /// minimum is libsodium's crypto_pwhash_OPSLIMIT_MIN / MEMLIMIT_MIN (1 pass, 8 KiB): for tests only.
  static KdfParams minimum();

  /// weaker_than is true when this costs less than |target| in passes or memory (or uses another algorithm):
  /// then an unlock re-wraps the data key under |target|.
  bool weaker_than(const KdfParams& target) const;
  bool operator==(const KdfParams&) const = default;
};

/// check_kdf_params fails with invalid_argument when |params| names another algorithm than Argon2id v1.3 or lies
/// outside [libsodium's minimum, kMaxOpslimit / kMaxMemlimit] (a bound so that an edited file cannot make unlock
/// run for hours or exhaust memory).
Status check_kdf_params(const KdfParams& params);

/// WrappedDataKey is what a vault stores about its data key: enough, with the passphrase, to recover it.
struct WrappedDataKey {
  static constexpr std::uint8_t kFormatVersion = 1;
  std::uint8_t format_version = kFormatVersion;
  KdfParams kdf;
  std::array<std::uint8_t, 16> salt{};
  std::array<std::uint8_t, 24> nonce{};
  std::vector<std::uint8_t> ciphertext;  // 32-byte data key + 16-byte Poly1305 tag
};

/// Aad says where a sealed value lives; it is authenticated with the value, so a ciphertext copied to another
/// table, row or column, or read under another schema version, fails to open.
struct Aad {
  std::string_view table;
  std::string_view row_id;
  std::string_view column;
  std::uint32_t schema_version = 1;
};

/// passphrase_from copies a passphrase given as text into SecretBytes. It never fails.
SecretBytes passphrase_from(std::string_view text);

/// Vault holds an unwrapped data key and seals and opens values with it.
class Vault {
 public:
  /// Created is a new vault and the wrapped form of its key, to be stored.
  struct Created;

  /// create draws a new random data key and wraps it under |passphrase| with Argon2id(|kdf|) and a fresh salt.
  /// Fails with invalid_argument for an empty passphrase or parameters check_kdf_params refuses, and with
  /// internal_error when libsodium cannot allocate the Argon2id memory.
  static Result<Created> create(const SecretBytes& passphrase, const KdfParams& kdf);

  /// unlock unwraps the data key of |wrapped| with |passphrase|. Fails with wrong_passphrase when the passphrase
  /// is wrong or any byte of the wrapped key, nonce, salt, parameters or format version was altered (stored
  /// parameters that check_kdf_params refuses count as altered: they are never run), and with internal_error
  /// when libsodium cannot allocate the Argon2id memory.
  static Result<Vault> unlock(const SecretBytes& passphrase, const WrappedDataKey& wrapped);

  /// rewrap wraps this vault's data key anew under |passphrase| with |kdf| and a fresh salt and nonce (raising
  /// the parameters, or changing the passphrase). Fails like create.
  Result<WrappedDataKey> rewrap(const SecretBytes& passphrase, const KdfParams& kdf) const;

  /// seal encrypts |plaintext| for the place |aad| names. The result is
  /// version byte (1) || 24-byte random nonce || ciphertext || 16-byte tag; the version byte is authenticated too.
  /// It fails only with internal_error.
  Result<std::vector<std::uint8_t>> seal(std::span<const std::uint8_t> plaintext, const Aad& aad) const;
  Result<std::vector<std::uint8_t>> seal(std::string_view plaintext, const Aad& aad) const;

  /// open decrypts a value sealed for |aad|. Fails with sealed_data_corrupt when any byte of it was altered,
  /// it was sealed for another place or under another key, or it is too short or of an unknown version.
  Result<SecretBytes> open(std::span<const std::uint8_t> sealed, const Aad& aad) const;

  /// lookup_tag is a keyed BLAKE2b-256 of |value| under a subkey of the data key for |purpose|: equal values give
  /// equal tags, and without the data key a tag says nothing about its value (a verifier's client_id is stored so).
  std::array<std::uint8_t, 32> lookup_tag(std::string_view purpose, std::string_view value) const;

 private:
  explicit Vault(SecretBytes data_key) : data_key_(std::move(data_key)) {}
  SecretBytes data_key_;
};

struct Vault::Created {
  Vault vault;
  WrappedDataKey wrapped;
};

/// xchacha20poly1305_encrypt is the AEAD of draft-irtf-cfrg-xchacha (libsodium
/// crypto_aead_xchacha20poly1305_ietf_encrypt): ciphertext || 16-byte tag. Fails with invalid_argument for a key
/// that is not 32 bytes or a nonce that is not 24 bytes.
Result<std::vector<std::uint8_t>> xchacha20poly1305_encrypt(std::span<const std::uint8_t> key,
                                                            std::span<const std::uint8_t> nonce,
                                                            std::span<const std::uint8_t> aad,
                                                            std::span<const std::uint8_t> plaintext);

/// xchacha20poly1305_decrypt reverses xchacha20poly1305_encrypt. Fails with invalid_argument for a key that is
/// not 32 bytes or a nonce that is not 24 bytes, and with sealed_data_corrupt when the tag does not verify.
[[nodiscard]] Result<SecretBytes> xchacha20poly1305_decrypt(std::span<const std::uint8_t> key,
                                                            std::span<const std::uint8_t> nonce,
                                                            std::span<const std::uint8_t> aad,
                                                            std::span<const std::uint8_t> ciphertext_and_tag);

}  // namespace veil::wallet
