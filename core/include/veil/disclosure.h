// Disclosure: one salted claim (RFC 9901 §4.2.1 object property, §4.2.2 array element).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "veil/error.h"
#include "veil/hash.h"
#include "veil/json.h"

namespace veil {

/// Disclosure keeps its exact encoded string as received or created; its digest is computed over that string,
/// never over a re-serialization (§4.2.3). Holding one means it decoded to a well-formed array.
class Disclosure {
 public:
  /// parse decodes an encoded Disclosure. Fails with invalid_disclosure when it is not base64url of a JSON
  /// array of 2 (array element) or 3 (object property) elements with a string salt and a string claim name;
  /// forbidden_claim_name when the name is "_sd" or "..." (§7.1 step 3.3.2.2); input_too_large /
  /// nesting_too_deep beyond |limits|.
  static Result<Disclosure> parse(std::string_view encoded, const JsonLimits& limits = {});

  /// for_property makes ["salt", "name", value]. Fails with forbidden_claim_name for "_sd" and "...", and
  /// invalid_claims when |value| holds invalid UTF-8.
  static Result<Disclosure> for_property(std::string salt, std::string name, Json value);
  /// for_array_element makes ["salt", value]. Invalid UTF-8 in |value| is replaced by U+FFFD (value() then
  /// reports the replaced value); use try_for_array_element to reject it instead.
  static Disclosure for_array_element(std::string salt, Json value);
  /// try_for_array_element makes ["salt", value]. Fails with invalid_claims when |value| holds invalid UTF-8.
  static Result<Disclosure> try_for_array_element(std::string salt, Json value);

  const std::string& encoded() const { return encoded_; }
  const std::string& salt() const { return salt_; }
  /// claim_name is empty for an array-element disclosure.
  const std::optional<std::string>& claim_name() const { return claim_name_; }
  const Json& value() const { return value_; }
  bool is_array_element() const { return !claim_name_.has_value(); }

  /// digest returns base64url(hash(encoded())), the value the payload refers to it by.
  std::string digest(HashAlg alg) const { return hash_base64url(alg, encoded_); }

 private:
  Disclosure(std::string encoded, std::string salt, std::optional<std::string> name, Json value)
      : encoded_(std::move(encoded)), salt_(std::move(salt)), claim_name_(std::move(name)), value_(std::move(value)) {}

  std::string encoded_;
  std::string salt_;
  std::optional<std::string> claim_name_;
  Json value_;
};

}  // namespace veil
