// DisclosureFrame: which parts of a claim set an issuer makes selectively disclosable.
#pragma once

#include <set>
#include <string>

#include "veil/error.h"
#include "veil/json.h"

namespace veil {

/// DisclosureFrame uses the common frame shape (../shared/vectors/sd-jwt case.json): at each object level
/// "_sd": ["name", ...] lists the disclosable member names; for an array "_sd": [0, 2] lists disclosable
/// element indices; nested frames sit under the member name, or under the index written as a string ("1").
class DisclosureFrame {
 public:
  /// parse checks the shape. Fails with invalid_disclosure_frame when "_sd" is not an array of strings (object
  /// level) or non-negative integers (array level), or a nested frame is not an object.
  static Result<DisclosureFrame> parse(const Json& frame);

  /// everything makes every member at every depth and every array element individually disclosable, except
  /// the top-level members named in |never_disclosable| (which stay plain, but their insides are not framed).
  static DisclosureFrame everything(const Json& claims, const std::set<std::string>& never_disclosable);

  /// none discloses nothing selectively: the claims are signed in the clear.
  static DisclosureFrame none();

  const Json& to_json() const { return frame_; }

 private:
  explicit DisclosureFrame(Json frame) : frame_(std::move(frame)) {}
  Json frame_;
};

}  // namespace veil
