#include "wallet/vault.h"

#include <sodium.h>

#include <cstdlib>
#include <utility>

namespace veil::wallet {
namespace {

static_assert(kArgon2id13 == crypto_pwhash_ALG_ARGON2ID13);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == 16);
static_assert(crypto_pwhash_argon2id_SALTBYTES == 16);

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 24;
constexpr std::size_t kTagBytes = 16;
constexpr std::uint8_t kSealedFormatVersion = 1;

void ensure_sodium() {
  if (sodium_init() < 0) std::abort();  // no entropy source: no key may be made
}

void append(std::vector<std::uint8_t>& out, std::string_view text) { out.insert(out.end(), text.begin(), text.end()); }

void append_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

void append_u64(std::vector<std::uint8_t>& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

// Every field is length-prefixed, so no two different places encode to the same AAD ("ab"+"c" vs "a"+"bc").
void append_field(std::vector<std::uint8_t>& out, std::string_view field) {
  append_u32(out, static_cast<std::uint32_t>(field.size()));
  append(out, field);
}

// The wrapped key's AAD binds what the KEK was derived with: an attacker who lowers the stored parameters (to
// make offline guessing cheaper for the next re-wrap) or edits the salt gets wrong_passphrase, not a weaker key.
std::vector<std::uint8_t> wrap_aad(const WrappedDataKey& wrapped) {
  std::vector<std::uint8_t> aad;
  append_field(aad, "veil wallet data key");
  aad.push_back(wrapped.format_version);
  append_u32(aad, static_cast<std::uint32_t>(wrapped.kdf.algorithm));
  append_u64(aad, wrapped.kdf.opslimit);
  append_u64(aad, wrapped.kdf.memlimit);
  aad.insert(aad.end(), wrapped.salt.begin(), wrapped.salt.end());
  return aad;
}

// ATTACKS.md "Wallet data at rest": AAD = table + row id + column + schema version, so a sealed value moved to
// another row or column does not open.
std::vector<std::uint8_t> seal_aad(std::uint8_t version, const Aad& aad) {
  std::vector<std::uint8_t> out;
  append_field(out, "veil wallet sealed value");
  out.push_back(version);
  append_field(out, aad.table);
  append_field(out, aad.row_id);
  append_field(out, aad.column);
  append_u32(out, aad.schema_version);
  return out;
}

Result<SecretBytes> derive_kek(const SecretBytes& passphrase, const KdfParams& kdf,
                               const std::array<std::uint8_t, 16>& salt) {
  SecretBytes kek(std::vector<std::uint8_t>(kKeyBytes, 0));
  const auto secret = passphrase.reveal();
  // An empty passphrase has no data pointer; crypto_pwhash declares its argument non-null (UBSan).
  const char* password = secret.empty() ? "" : reinterpret_cast<const char*>(secret.data());
  if (crypto_pwhash(kek.reveal_mutable().data(), kek.size(), password,
                    secret.size(), salt.data(), kdf.opslimit, static_cast<std::size_t>(kdf.memlimit),
                    kdf.algorithm) != 0) {
    return fail(ErrorCode::internal_error, "argon2id could not allocate its memory");
  }
  return kek;
}

Result<WrappedDataKey> wrap(const SecretBytes& data_key, const SecretBytes& passphrase, const KdfParams& kdf) {
  if (passphrase.empty()) return fail(ErrorCode::invalid_argument, "the passphrase is empty");
  VEIL_CHECK(check_kdf_params(kdf));
  WrappedDataKey wrapped;
  wrapped.kdf = kdf;
  randombytes_buf(wrapped.salt.data(), wrapped.salt.size());
  randombytes_buf(wrapped.nonce.data(), wrapped.nonce.size());
  VEIL_TRY(SecretBytes kek, derive_kek(passphrase, kdf, wrapped.salt));
  VEIL_TRY(wrapped.ciphertext,
           xchacha20poly1305_encrypt(kek.reveal(), wrapped.nonce, wrap_aad(wrapped), data_key.reveal()));
  return wrapped;
}

}  // namespace

KdfParams KdfParams::defaults() {
  return KdfParams{kArgon2id13, crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}

KdfParams KdfParams::interactive() {
  return KdfParams{kArgon2id13, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                   crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

KdfParams KdfParams::minimum() {
  return KdfParams{kArgon2id13, crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

bool KdfParams::weaker_than(const KdfParams& target) const {
  return algorithm != target.algorithm || opslimit < target.opslimit || memlimit < target.memlimit;
}

Status check_kdf_params(const KdfParams& params) {
  if (params.algorithm != kArgon2id13) return fail(ErrorCode::invalid_argument, "kdf algorithm is not argon2id");
  if (params.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN || params.opslimit > kMaxOpslimit) {
    return fail(ErrorCode::invalid_argument, "argon2id opslimit is out of range");
  }
  if (params.memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN || params.memlimit > kMaxMemlimit) {
    return fail(ErrorCode::invalid_argument, "argon2id memlimit is out of range");
  }
  return {};
}

SecretBytes passphrase_from(std::string_view text) {
  return SecretBytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Result<Vault::Created> Vault::create(const SecretBytes& passphrase, const KdfParams& kdf) {
  ensure_sodium();
  SecretBytes data_key = SecretBytes::random(kKeyBytes);
  VEIL_TRY(WrappedDataKey wrapped, wrap(data_key, passphrase, kdf));
  return Created{Vault(std::move(data_key)), std::move(wrapped)};
}

Result<Vault> Vault::unlock(const SecretBytes& passphrase, const WrappedDataKey& wrapped) {
  ensure_sodium();
  // Every way the stored record can be wrong looks the same to the caller: an edited file and a mistyped
  // passphrase are indistinguishable by design.
  if (wrapped.format_version != WrappedDataKey::kFormatVersion || !check_kdf_params(wrapped.kdf) ||
      wrapped.ciphertext.size() != kKeyBytes + kTagBytes) {
    return fail(ErrorCode::wrong_passphrase, "the passphrase does not unlock this wallet");
  }
  VEIL_TRY(SecretBytes kek, derive_kek(passphrase, wrapped.kdf, wrapped.salt));
  auto data_key = xchacha20poly1305_decrypt(kek.reveal(), wrapped.nonce, wrap_aad(wrapped), wrapped.ciphertext);
  if (!data_key) return fail(ErrorCode::wrong_passphrase, "the passphrase does not unlock this wallet");
  return Vault(std::move(*data_key));
}

Result<WrappedDataKey> Vault::rewrap(const SecretBytes& passphrase, const KdfParams& kdf) const {
  return wrap(data_key_, passphrase, kdf);
}

Result<std::vector<std::uint8_t>> Vault::seal(std::span<const std::uint8_t> plaintext, const Aad& aad) const {
  std::array<std::uint8_t, kNonceBytes> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  VEIL_TRY(auto ciphertext,
           xchacha20poly1305_encrypt(data_key_.reveal(), nonce, seal_aad(kSealedFormatVersion, aad), plaintext));
  std::vector<std::uint8_t> sealed;
  sealed.reserve(1 + nonce.size() + ciphertext.size());
  sealed.push_back(kSealedFormatVersion);
  sealed.insert(sealed.end(), nonce.begin(), nonce.end());
  sealed.insert(sealed.end(), ciphertext.begin(), ciphertext.end());
  return sealed;
}

Result<std::vector<std::uint8_t>> Vault::seal(std::string_view plaintext, const Aad& aad) const {
  return seal(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size()),
              aad);
}

Result<SecretBytes> Vault::open(std::span<const std::uint8_t> sealed, const Aad& aad) const {
  if (sealed.size() < 1 + kNonceBytes + kTagBytes || sealed[0] != kSealedFormatVersion) {
    return fail(ErrorCode::sealed_data_corrupt, "sealed value is truncated or of an unknown version");
  }
  auto plaintext = xchacha20poly1305_decrypt(data_key_.reveal(), sealed.subspan(1, kNonceBytes),
                                             seal_aad(sealed[0], aad), sealed.subspan(1 + kNonceBytes));
  if (!plaintext) return fail(ErrorCode::sealed_data_corrupt, "sealed value does not open for its place");
  return plaintext;
}

std::array<std::uint8_t, 32> Vault::lookup_tag(std::string_view purpose, std::string_view value) const {
  // A subkey, so the data key itself is used for one algorithm only.
  static_assert(crypto_kdf_KEYBYTES == kKeyBytes && crypto_kdf_CONTEXTBYTES == 8);
  SecretBytes subkey(std::vector<std::uint8_t>(crypto_generichash_KEYBYTES, 0));
  crypto_kdf_derive_from_key(subkey.reveal_mutable().data(), subkey.size(), 1, "veil_tag", data_key_.reveal().data());
  std::vector<std::uint8_t> input;
  append_field(input, purpose);
  append_field(input, value);
  std::array<std::uint8_t, 32> tag{};
  crypto_generichash(tag.data(), tag.size(), input.data(), input.size(), subkey.reveal().data(), subkey.size());
  return tag;
}

Result<std::vector<std::uint8_t>> xchacha20poly1305_encrypt(std::span<const std::uint8_t> key,
                                                            std::span<const std::uint8_t> nonce,
                                                            std::span<const std::uint8_t> aad,
                                                            std::span<const std::uint8_t> plaintext) {
  ensure_sodium();
  if (key.size() != kKeyBytes) return fail(ErrorCode::invalid_argument, "xchacha20-poly1305 key is not 32 bytes");
  if (nonce.size() != kNonceBytes) {
    return fail(ErrorCode::invalid_argument, "xchacha20-poly1305 nonce is not 24 bytes");
  }
  std::vector<std::uint8_t> out(plaintext.size() + kTagBytes);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &written, plaintext.data(), plaintext.size(),
                                                 aad.data(), aad.size(), nullptr, nonce.data(), key.data()) != 0) {
    return fail(ErrorCode::internal_error, "xchacha20-poly1305 encryption failed");
  }
  out.resize(static_cast<std::size_t>(written));
  return out;
}

Result<SecretBytes> xchacha20poly1305_decrypt(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                                              std::span<const std::uint8_t> aad,
                                              std::span<const std::uint8_t> ciphertext_and_tag) {
  ensure_sodium();
  if (key.size() != kKeyBytes) return fail(ErrorCode::invalid_argument, "xchacha20-poly1305 key is not 32 bytes");
  if (nonce.size() != kNonceBytes) {
    return fail(ErrorCode::invalid_argument, "xchacha20-poly1305 nonce is not 24 bytes");
  }
  if (ciphertext_and_tag.size() < kTagBytes) {
    return fail(ErrorCode::sealed_data_corrupt, "xchacha20-poly1305 ciphertext is shorter than its tag");
  }
  SecretBytes plaintext(std::vector<std::uint8_t>(ciphertext_and_tag.size() - kTagBytes, 0));
  unsigned long long written = 0;
  // libsodium writes nothing to |plaintext| unless the tag verifies.
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plaintext.reveal_mutable().data(), &written, nullptr,
                                                 ciphertext_and_tag.data(), ciphertext_and_tag.size(), aad.data(),
                                                 aad.size(), nonce.data(), key.data()) != 0) {
    return fail(ErrorCode::sealed_data_corrupt, "xchacha20-poly1305 tag does not verify");
  }
  return plaintext;
}

}  // namespace veil::wallet
