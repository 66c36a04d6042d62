#include "veil/type_metadata_chain.h"

#include <set>
#include <utility>

#include "veil/document_integrity.h"

namespace veil {

Result<std::vector<TypeMetadata>> resolve_type_metadata(const std::string& vct,
                                                        const std::optional<std::string>& vct_integrity,
                                                        const TypeMetadataFetcher& fetch,
                                                        const TypeMetadataChainLimits& limits) {
  std::vector<TypeMetadata> chain;
  std::set<std::string, std::less<>> seen;
  std::string next = vct;
  std::optional<std::string> integrity = vct_integrity;
  for (;;) {
    // SD-JWT VC "extends": a circular chain has no base type to stop at; refuse it before fetching again.
    if (!seen.insert(next).second) {
      return fail(ErrorCode::invalid_type_metadata, "type metadata extends itself in a cycle through " + next);
    }
    if (chain.size() == limits.max_depth) {
      return fail(ErrorCode::invalid_type_metadata,
                  "type metadata extends more than " + std::to_string(limits.max_depth) + " levels");
    }
    VEIL_TRY(const std::string bytes, fetch(next));
    // SD-JWT VC "Document Integrity": the referrer's vct#integrity / extends#integrity pins these exact bytes.
    if (integrity) {
      if (auto checked = check_document_integrity(*integrity, bytes); !checked) {
        return fail(ErrorCode::invalid_type_metadata, "type metadata of " + next + ": " + checked.error().message);
      }
    }
    VEIL_TRY(const Json document, parse_json_object(bytes, ErrorCode::invalid_type_metadata, limits.json));
    VEIL_TRY(TypeMetadata metadata, TypeMetadata::parse(document));
    if (metadata.vct() != next) {
      return fail(ErrorCode::invalid_type_metadata, "type metadata fetched for " + next + " names another vct");
    }
    std::optional<std::string> parent = metadata.extends();
    integrity = metadata.extends_integrity();
    chain.push_back(std::move(metadata));
    if (!parent) return chain;
    next = std::move(*parent);
  }
}

Result<std::vector<TypeMetadata>> resolve_credential_type_metadata(const Json& payload,
                                                                   const TypeMetadataFetcher& fetch,
                                                                   const TypeMetadataChainLimits& limits) {
  if (!payload.is_object()) return fail(ErrorCode::invalid_vct, "the credential payload is not an object");
  const auto vct = payload.find("vct");
  if (vct == payload.end() || !vct->is_string()) return fail(ErrorCode::invalid_vct, "vct is missing or not a string");
  std::optional<std::string> integrity;
  if (const auto found = payload.find("vct#integrity"); found != payload.end()) {
    if (!found->is_string()) return fail(ErrorCode::invalid_type_metadata, "vct#integrity is not a string");
    integrity = found->get<std::string>();
  }
  return resolve_type_metadata(vct->get<std::string>(), integrity, fetch, limits);
}

}  // namespace veil
