// TypeMetadata: an SD-JWT VC Type Metadata document (draft-ietf-oauth-sd-jwt-vc, "SD-JWT VC Type Metadata"):
// what a credential type is called, how its claims are labelled, which claims are mandatory and which may,
// must or must not be selectively disclosable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "veil/claim_path.h"
#include "veil/disclosure_frame.h"
#include "veil/error.h"
#include "veil/json.h"

namespace veil {

/// SdRule is a claim's "sd" value: always (the Issuer MUST make it selectively disclosable), allowed (MAY;
/// the default when "sd" is absent), never (MUST NOT).
enum class SdRule { always, allowed, never };

/// TypeDisplay is one entry of the type's "display" array: a locale and the type's name in it.
struct TypeDisplay {
  std::string locale;                      // RFC 5646 tag ("locale"; older drafts wrote "lang")
  std::string name;
  std::optional<std::string> description;
  std::optional<Json> rendering;           // kept as given ("simple", "svg_template")
};

/// ClaimDisplay is one entry of a claim's "display" array.
struct ClaimDisplay {
  std::string locale;                      // "locale", or "lang" in older drafts
  std::string label;
  std::optional<std::string> description;
};

/// ClaimMetadata is one entry of the "claims" array.
struct ClaimMetadata {
  ClaimPath path;
  std::vector<ClaimDisplay> display;
  SdRule sd = SdRule::allowed;
  bool mandatory = false;
  std::optional<std::string> svg_id;
};

class TypeMetadata {
 public:
  /// parse reads a Type Metadata document. Unknown members are ignored (the draft says consumers MUST ignore
  /// what they do not understand). Fails with invalid_type_metadata when the document is not an object; vct
  /// is missing or not a non-empty string; name, description, extends, extends#integrity, schema_uri or
  /// schema_uri#integrity is not a string; both schema and schema_uri are present or schema is not an object
  /// or boolean; display is not an array of objects with string locale (or lang) and name; claims is not an
  /// array of objects; a claim path is not a non-empty array of strings, non-negative integers and nulls; two
  /// claims have the same path; a claim display entry lacks a string locale and label; sd is not always,
  /// allowed or never; mandatory is not a boolean; svg_id is not an identifier ([A-Za-z_][A-Za-z0-9_]*) or
  /// repeats; or a claim SD-JWT VC forbids as a Disclosure (iss, vct, cnf, status, ...) is marked sd always.
  static Result<TypeMetadata> parse(const Json& document);

  const std::string& vct() const { return vct_; }
  const std::optional<std::string>& name() const { return name_; }
  const std::optional<std::string>& description() const { return description_; }
  const std::optional<std::string>& extends() const { return extends_; }
  const std::optional<std::string>& extends_integrity() const { return extends_integrity_; }
  /// schema is an embedded JSON Schema for the credential (older drafts; later drafts dropped it).
  const std::optional<Json>& schema() const { return schema_; }
  const std::optional<std::string>& schema_uri() const { return schema_uri_; }
  const std::optional<std::string>& schema_uri_integrity() const { return schema_uri_integrity_; }
  const std::vector<TypeDisplay>& display() const { return display_; }
  const std::vector<ClaimMetadata>& claims() const { return claims_; }
  /// document is the Type Metadata exactly as parsed (what an issuer serves at its type URL).
  const Json& document() const { return document_; }

  /// find_claim returns the metadata whose path equals |path| exactly, or nullptr.
  const ClaimMetadata* find_claim(const ClaimPath& path) const;

  /// disclosure_frame builds the frame under which |claims| (the subject's claims) are issued. Claims whose
  /// metadata says sd always or allowed are selectively disclosable, sd never stays plain. Claims the metadata
  /// does not mention are disclosable too (Veil discloses as little as possible by default), at every depth
  /// and for every array element. A null path element applies the rule to every element of the array. The
  /// SD-JWT VC claims that may never be Disclosures (is_never_disclosable) are never framed at the top level.
  /// Metadata paths naming claims that are absent are skipped (optional claims). Fails with invalid_claims
  /// when |claims| is not an object, and invalid_type_metadata when one claim is selected both by an sd always
  /// and an sd never entry.
  Result<DisclosureFrame> disclosure_frame(const Json& claims) const;

  /// check_mandatory checks that every claim marked mandatory is present in |claims|, selecting with the
  /// draft's claim path processing (a path is present when it selects at least one element). Fails with
  /// missing_mandatory_claim naming the first missing claim's path ("address.postal_code").
  [[nodiscard]] Status check_mandatory(const Json& claims) const;

 private:
  TypeMetadata() = default;

  std::string vct_;
  std::optional<std::string> name_, description_, extends_, extends_integrity_;
  std::optional<Json> schema_;
  std::optional<std::string> schema_uri_, schema_uri_integrity_;
  std::vector<TypeDisplay> display_;
  std::vector<ClaimMetadata> claims_;
  Json document_;
};

}  // namespace veil
