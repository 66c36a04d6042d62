#include "issuer/issuer_app.h"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "issuer/sqlite_issuer_store.h"
#include "veil/platform/files.h"
#include "veil/platform/secret_token_file.h"

namespace veil::issuer {
namespace {

template <class T>
Result<T> named(Result<T> result, const std::string& what) {
  if (!result) return fail(result.error().code, what + ": " + result.error().message);
  return result;
}

}  // namespace

Result<std::unique_ptr<IssuerApp>> IssuerApp::open(IssuerConfig config, const Clock& clock) {
  VEIL_CHECK(check_config(config));
  if (config.public_url.empty()) return fail(ErrorCode::invalid_config, "public_url is not set");
  VEIL_CHECK(platform::make_private_data_dir(config.data_dir));

  IssuerMetadataOptions metadata;
  metadata.public_url = credential_issuer_identifier(config.public_url);
  metadata.display_name = config.display_name;
  metadata.batch_size = config.batch_size;
  metadata.credential_signing_algs = {config.signing_alg};

  VEIL_TRY(auto catalog, named(CredentialCatalog::load(config.schemas_dir), "schemas " + config.schemas_dir));

  SqliteIssuerStoreOptions store_options;
  store_options.max_tx_code_attempts = config.max_tx_code_attempts;
  store_options.status_list_size = config.status_list_size;
  store_options.max_batch_size = config.batch_size;
  VEIL_TRY(auto store, named(SqliteIssuerStore::open(config.data_dir + "/issuer.db", store_options), "issuer.db"));

  SigningKeyOptions key_options;
  key_options.alg = config.signing_alg;
  // A retired key must stay published as long as anything it signed can still be valid.
  key_options.max_credential_lifetime_seconds =
      std::max(config.credential_lifetime_seconds, config.status_list_token_lifetime_seconds);
  VEIL_TRY(auto keys, named(IssuerSigningKeys::open(config.data_dir, key_options), "signing keys"));

  const std::string admin_key_file =
      config.admin_key_file.empty() ? config.data_dir + "/admin-api-key" : config.admin_key_file;
  VEIL_TRY(auto admin_key, platform::load_or_create_secret_token(admin_key_file));

  return std::unique_ptr<IssuerApp>(new IssuerApp(std::move(config), std::move(metadata), std::move(catalog),
                                                  std::move(store), std::move(keys), std::move(admin_key), clock));
}

void IssuerApp::purge_expired_if_due() {
  constexpr std::int64_t kPurgeIntervalSeconds = 60;
  const std::int64_t now = clock_.now();
  std::int64_t last = last_purge_.load();
  if (now - last < kPurgeIntervalSeconds || !last_purge_.compare_exchange_strong(last, now)) return;
  // A failed purge is retried at the next interval; expired rows are refused on read either way.
  (void)store_->purge_expired(now);
}

}  // namespace veil::issuer
