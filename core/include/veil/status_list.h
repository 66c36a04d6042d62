// StatusList: the bit array of the IETF Token Status List (draft-ietf-oauth-status-list §4): one status of 1, 2, 4
// or 8 bits per Referenced Token, packed least significant bit first, DEFLATE-compressed in the ZLIB format and
// base64url-encoded as the "lst" member of a {"bits", "lst"} object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"

namespace veil {

/// The Status Types of TSL §7: the value a Status List holds for one Referenced Token.
inline constexpr std::uint8_t kStatusValid = 0x00;
inline constexpr std::uint8_t kStatusInvalid = 0x01;
inline constexpr std::uint8_t kStatusSuspended = 0x02;

/// StatusType names a status value: valid (0x00), invalid (0x01, revoked for good), suspended (0x02, reversible)
/// or other (any other value: application-specific, 0x03 or 0x0C..0x0F, which a verifier must not read as valid).
enum class StatusType { valid, invalid, suspended, other };

/// status_type returns the StatusType of |value|; it never fails.
StatusType status_type(std::uint8_t value);

/// StatusListLimits bounds what StatusList::decode accepts from untrusted input.
struct StatusListLimits {
  /// The largest inflated byte array accepted: 2^24 bytes = 2^27 one-bit statuses. A zlib bomb stops here.
  std::size_t max_bytes = std::size_t{1} << 24;
};

/// StatusList is a well-formed Status List: bits is 1, 2, 4 or 8 and the byte array is non-empty. Indices run
/// from 0 to size() - 1; every status starts as kStatusValid.
class StatusList {
 public:
  /// create returns a list of |size| statuses of |bits| bits, all VALID. Fails with invalid_status_list when bits
  /// is not 1, 2, 4 or 8, invalid_argument when size is 0, and status_list_too_large when the byte array would
  /// exceed limits.max_bytes.
  static Result<StatusList> create(std::size_t size, int bits, const StatusListLimits& limits = {});

  /// decode reads the "status_list" object {"bits": 1|2|4|8, "lst": base64url(zlib(bytes))} of TSL §4.2 (an
  /// "aggregation_uri" member is allowed and ignored; other members are tolerated). Fails with
  /// invalid_status_list when it is not an object, bits is missing, not an integer or not 1, 2, 4 or 8, lst is
  /// missing, not a string, not base64url, not a complete zlib stream (or has bytes after it) or inflates to
  /// nothing, and with status_list_too_large as soon as the inflated bytes exceed limits.max_bytes.
  static Result<StatusList> decode(const Json& status_list, const StatusListLimits& limits = {});

  /// decode_lst is decode from the two members, with the same failures.
  static Result<StatusList> decode_lst(int bits, std::string_view lst, const StatusListLimits& limits = {});

  /// from_bytes wraps an uncompressed byte array (size() becomes bytes * 8 / bits). Fails with
  /// invalid_status_list for bits not 1, 2, 4 or 8 or an empty array, status_list_too_large beyond limits.
  static Result<StatusList> from_bytes(std::vector<std::uint8_t> bytes, int bits,
                                       const StatusListLimits& limits = {});

  int bits() const { return bits_; }
  /// size is the number of statuses: the size given to create, or bytes * 8 / bits for a decoded list.
  std::size_t size() const { return size_; }
  /// bytes is the uncompressed byte array (the last byte may carry unused, zero statuses).
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

  /// get returns the status at |index|. Fails with status_index_out_of_range when index >= size().
  Result<std::uint8_t> get(std::size_t index) const;

  /// set stores |value| at |index|. Fails with status_index_out_of_range when index >= size() and
  /// invalid_argument when value does not fit in bits() bits (e.g. SUSPENDED in a 1-bit list).
  Status set(std::size_t index, std::uint8_t value);

  /// lst returns base64url(zlib(bytes)) at the highest compression level (TSL §4.1 recommends it). Fails with
  /// internal_error only if zlib fails.
  Result<std::string> lst() const;

  /// to_json returns {"bits": bits, "lst": lst()} (plus "aggregation_uri" when given). Fails as lst does.
  Result<Json> to_json(std::optional<std::string_view> aggregation_uri = std::nullopt) const;

 private:
  StatusList(int bits, std::size_t size, std::vector<std::uint8_t> bytes)
      : bits_(bits), size_(size), bytes_(std::move(bytes)) {}
  int bits_;
  std::size_t size_;
  std::vector<std::uint8_t> bytes_;
};

/// random_unused_index returns an index in [0, size) that is not in |used|, chosen uniformly from the free ones
/// with the system CSPRNG, so that indices reveal neither issuance order nor how many tokens exist (TSL §12.5
/// "Unlinkability": non-sequential, random indices). Returns std::nullopt when every index is used. Pure: the
/// caller owns and durably records the allocation.
std::optional<std::size_t> random_unused_index(std::size_t size, const std::unordered_set<std::size_t>& used);

}  // namespace veil
