// ClaimPath: a path into a claim set (OpenID4VP 1.0 §7 "Claims Path Pointer"; dotted form for the CLI).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"

namespace veil {

/// AllArrayElements is the null element of a claims path: every element of an array.
struct AllArrayElements {
  bool operator==(const AllArrayElements&) const = default;
};

/// ClaimPathElement selects an object member (string), an array index (non-negative integer) or all array
/// elements.
using ClaimPathElement = std::variant<std::string, std::size_t, AllArrayElements>;

/// ClaimPath is a non-empty sequence of elements.
class ClaimPath {
 public:
  /// parse_dotted reads "address.country", "nationalities.0", "nationalities.*". A segment of decimal digits
  /// is an index, "*" is all elements, anything else a member name. Fails with invalid_claim_path for an
  /// empty path or an empty segment.
  static Result<ClaimPath> parse_dotted(std::string_view dotted);
  /// from_json reads a DCQL claims path array (["address", "country"], ["nationalities", null], [..., 0]).
  /// Fails with invalid_claim_path when it is not a non-empty array of strings, non-negative integers and nulls.
  static Result<ClaimPath> from_json(const Json& path);
  explicit ClaimPath(std::vector<ClaimPathElement> elements) : elements_(std::move(elements)) {}

  const std::vector<ClaimPathElement>& elements() const { return elements_; }
  Json to_json() const;
  std::string to_dotted() const;
  /// starts_with is true when |prefix| equals the first elements of this path (AllArrayElements matches any
  /// index on either side).
  bool starts_with(const ClaimPath& prefix) const;
  /// child returns this path extended by one element.
  ClaimPath child(ClaimPathElement element) const;

  bool operator==(const ClaimPath&) const = default;

 private:
  std::vector<ClaimPathElement> elements_;
};

}  // namespace veil
