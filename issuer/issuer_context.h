// IssuerContext: what every endpoint of veil-issuer serve works with — settings, credential types, store, keys
// and clock — gathered once by IssuerApp and passed by reference, so each endpoint is a plain function that tests
// can call without HTTP.
#pragma once

#include <string>

#include "issuer/issuer_config.h"
#include "issuer/issuer_metadata.h"
#include "issuer/issuer_signing_keys.h"
#include "issuer/issuer_store.h"
#include "veil/clock.h"
#include "veil/platform/http_error.h"

namespace veil::issuer {

struct IssuerContext {
  const IssuerConfig& config;
  /// metadata.public_url is the Credential Issuer Identifier: the iss of every credential, the aud of every proof.
  const IssuerMetadataOptions& metadata;
  const CredentialCatalog& catalog;
  IssuerStore& store;
  IssuerSigningKeys& keys;
  const Clock& clock;

  const std::string& issuer_id() const { return metadata.public_url; }
};

/// storage_failure is the answer when the store itself fails: 500 server_error, details only in the log.
inline platform::HttpError storage_failure() { return {500, "server_error", "the issuer's storage failed"}; }

}  // namespace veil::issuer
