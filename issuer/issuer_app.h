// IssuerApp: one running issuer — settings, credential types, store, signing keys and admin key opened from the
// data directory — and the IssuerContext its endpoints share.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "issuer/issuer_config.h"
#include "issuer/issuer_context.h"
#include "issuer/issuer_metadata.h"
#include "issuer/issuer_signing_keys.h"
#include "issuer/issuer_store.h"
#include "veil/clock.h"
#include "veil/error.h"

namespace veil::issuer {

class IssuerApp {
 public:
  /// open prepares an issuer from |config| (public_url must be set: serve fills in http://HOST:PORT after binding).
  /// On first start it creates <data_dir> (0700) with issuer.db, keys/ and admin-api-key (unless admin_key_file
  /// names another file). Fails with invalid_config, io_error, storage_error, unsupported_storage_version and the
  /// errors of loading schemas and keys, each naming what failed.
  static Result<std::unique_ptr<IssuerApp>> open(IssuerConfig config, const Clock& clock);

  IssuerContext context() { return IssuerContext{config_, metadata_, catalog_, *store_, *keys_, clock_}; }
  const IssuerConfig& config() const { return config_; }
  const IssuerMetadataOptions& metadata() const { return metadata_; }
  const CredentialCatalog& catalog() const { return catalog_; }
  IssuerSigningKeys& keys() { return *keys_; }
  IssuerStore& store() { return *store_; }
  const Clock& clock() const { return clock_; }
  /// admin_key is the bearer key of the admin API.
  const std::string& admin_key() const { return admin_key_; }

  /// purge_expired_if_due deletes expired offers (with their claims), access tokens and c_nonces at most once a
  /// minute; the routes that create such rows call it, so a flood of them cannot pile up (ATTACKS H12).
  void purge_expired_if_due();

 private:
  IssuerApp(IssuerConfig config, IssuerMetadataOptions metadata, CredentialCatalog catalog,
            std::unique_ptr<IssuerStore> store, std::unique_ptr<IssuerSigningKeys> keys, std::string admin_key,
            const Clock& clock)
      : config_(std::move(config)),
        metadata_(std::move(metadata)),
        catalog_(std::move(catalog)),
        store_(std::move(store)),
        keys_(std::move(keys)),
        admin_key_(std::move(admin_key)),
        clock_(clock) {}

  IssuerConfig config_;
  IssuerMetadataOptions metadata_;
  CredentialCatalog catalog_;
  std::unique_ptr<IssuerStore> store_;
  std::unique_ptr<IssuerSigningKeys> keys_;
  std::string admin_key_;
  const Clock& clock_;
  std::atomic<std::int64_t> last_purge_{0};
};

}  // namespace veil::issuer
