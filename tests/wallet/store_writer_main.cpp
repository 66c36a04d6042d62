// veil_wallet_store_writer: the victim of the kill -9 durability test. It opens (initializing when new) the wallet
// store at argv[1] with the passphrase argv[2] and the minimum KDF parameters, then adds credentials with one copy
// each, numbered 0, 1, 2, ..., and prints "stored <id>" on stdout (flushed) after each add_credential returns —
// the moment the store has told its caller the credential is kept. It stops after argv[3] credentials (default
// 100000) unless killed first. The credential numbered n has claims {"n": n} and the SD-JWT "sd-jwt-<n>~".
#include <cstdio>
#include <string>

#include "wallet/sqlite_wallet_store.h"

int main(int argc, char** argv) {
  using namespace veil::wallet;
  if (argc < 3) {
    std::fprintf(stderr, "usage: veil_wallet_store_writer DB PASSPHRASE [COUNT]\n");
    return 2;
  }
  const long count = argc > 3 ? std::stol(argv[3]) : 100000;
  SqliteWalletStoreOptions options;
  options.kdf_target = KdfParams::minimum();
  auto store = SqliteWalletStore::open(argv[1], options);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", std::string(veil::error_code_name(store.error().code)).c_str());
    return 1;
  }
  const auto passphrase = passphrase_from(argv[2]);
  auto initialized = (*store)->is_initialized();
  if (!initialized) return 1;
  auto ready = *initialized ? (*store)->unlock(passphrase) : (*store)->initialize(passphrase, KdfParams::minimum());
  if (!ready) {
    std::fprintf(stderr, "unlock: %s\n", std::string(veil::error_code_name(ready.error().code)).c_str());
    return 1;
  }
  for (long n = 0; n < count; ++n) {
    auto key = veil::PrivateJwk::generate(veil::JwsAlg::ES256);
    if (!key) return 1;
    NewCredential credential;
    credential.vct = "https://credentials.example/durability";
    credential.issuer = "https://issuer.example";
    credential.claims = {{"n", n}};
    credential.received_at = n;
    credential.copies.push_back(CredentialCopy{"sd-jwt-" + std::to_string(n) + "~", std::move(*key)});
    auto id = (*store)->add_credential(credential);
    if (!id) {
      std::fprintf(stderr, "add: %s\n", std::string(veil::error_code_name(id.error().code)).c_str());
      return 1;
    }
    std::printf("stored %s\n", id->c_str());
    std::fflush(stdout);
  }
  return 0;
}
