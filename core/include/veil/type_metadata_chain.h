// TypeMetadataChain: a credential type's Type Metadata and every type it extends, fetched and checked
// (draft-ietf-oauth-sd-jwt-vc, "Type Metadata": extends, vct#integrity, extends#integrity; ATTACKS V7).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/type_metadata.h"

namespace veil {

/// TypeMetadataFetcher returns the exact bytes of the Type Metadata document of the type identifier |vct|. The
/// caller owns how (a local catalog, or an HTTP fetch under its fetch policy) and fails with its own error.
using TypeMetadataFetcher = std::function<Result<std::string>(const std::string& vct)>;

/// TypeMetadataChainLimits bounds the resolution: at most max_depth documents (the type and its ancestors), each
/// parsed under json.
struct TypeMetadataChainLimits {
  std::size_t max_depth = 8;
  JsonLimits json{};
};

/// resolve_type_metadata fetches the Type Metadata of |vct| and then of each type it extends, and returns them,
/// |vct|'s own first. Each document must match the integrity its referrer gave (|vct_integrity| for the first,
/// the child's extends#integrity for a parent; absent means unchecked), parse as Type Metadata, and name in its
/// own vct the identifier it was fetched for. Fails with invalid_type_metadata when a document does not match
/// its integrity, names another vct, or is malformed; when extends leads back to a type already in the chain
/// (circular, including a type extending itself); or when the chain is longer than limits.max_depth. A fetch
/// failure is returned as the fetcher gave it.
Result<std::vector<TypeMetadata>> resolve_type_metadata(const std::string& vct,
                                                        const std::optional<std::string>& vct_integrity,
                                                        const TypeMetadataFetcher& fetch,
                                                        const TypeMetadataChainLimits& limits = {});

/// resolve_credential_type_metadata is resolve_type_metadata for an SD-JWT VC's processed payload: its vct and,
/// when present, its vct#integrity. Fails with invalid_vct when vct is missing or not a string, and with
/// invalid_type_metadata when vct#integrity is not a string; otherwise as resolve_type_metadata.
Result<std::vector<TypeMetadata>> resolve_credential_type_metadata(const Json& payload,
                                                                   const TypeMetadataFetcher& fetch,
                                                                   const TypeMetadataChainLimits& limits = {});

}  // namespace veil
