#include "veil/status_list.h"

#include <zlib.h>

#include <sodium.h>

#include <algorithm>
#include <array>
#include <limits>

#include "veil/base64url.h"

namespace veil {

namespace {

bool valid_bits(int bits) { return bits == 1 || bits == 2 || bits == 4 || bits == 8; }

std::size_t statuses_per_byte(int bits) { return static_cast<std::size_t>(8 / bits); }

// Inflates a ZLIB stream (RFC 1950, not gzip, not raw DEFLATE) into at most |max_bytes| bytes. The output grows
// in fixed chunks and the loop stops the moment the cap is passed, so a bomb costs at most max_bytes of memory
// and the time to produce them (TSL Security Considerations on decompression; ATTACKS.md L6).
Result<std::vector<std::uint8_t>> inflate_bounded(const std::vector<std::uint8_t>& input, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return fail(ErrorCode::internal_error, "zlib inflateInit failed");
  struct End {
    z_stream* s;
    ~End() { inflateEnd(s); }
  } end{&stream};

  if (input.size() > std::numeric_limits<uInt>::max()) return fail(ErrorCode::status_list_too_large, "lst is too long");
  stream.next_in = const_cast<Bytef*>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());

  std::vector<std::uint8_t> out;
  std::array<std::uint8_t, 64 * 1024> chunk{};
  for (;;) {
    stream.next_out = chunk.data();
    stream.avail_out = static_cast<uInt>(chunk.size());
    const int rc = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = chunk.size() - stream.avail_out;
    if (out.size() + produced > max_bytes) {
      return fail(ErrorCode::status_list_too_large, "status list inflates beyond the configured bound");
    }
    out.insert(out.end(), chunk.data(), chunk.data() + produced);
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;
    // Z_BUF_ERROR with output space left means the input ended before the stream did.
    return fail(ErrorCode::invalid_status_list, "lst is not a complete zlib stream");
  }
  if (stream.avail_in != 0) return fail(ErrorCode::invalid_status_list, "lst has bytes after the zlib stream");
  return out;
}

}  // namespace

StatusType status_type(std::uint8_t value) {
  switch (value) {
    case kStatusValid: return StatusType::valid;
    case kStatusInvalid: return StatusType::invalid;
    case kStatusSuspended: return StatusType::suspended;
    default: return StatusType::other;
  }
}

Result<StatusList> StatusList::create(std::size_t size, int bits, const StatusListLimits& limits) {
  if (!valid_bits(bits)) return fail(ErrorCode::invalid_status_list, "bits must be 1, 2, 4 or 8");
  if (size == 0) return fail(ErrorCode::invalid_argument, "a status list needs at least one status");
  const std::size_t per_byte = statuses_per_byte(bits);
  const std::size_t byte_count = size / per_byte + (size % per_byte != 0 ? 1 : 0);
  if (byte_count > limits.max_bytes) return fail(ErrorCode::status_list_too_large, "status list is too large");
  return StatusList(bits, size, std::vector<std::uint8_t>(byte_count, 0));
}

Result<StatusList> StatusList::from_bytes(std::vector<std::uint8_t> bytes, int bits, const StatusListLimits& limits) {
  if (!valid_bits(bits)) return fail(ErrorCode::invalid_status_list, "bits must be 1, 2, 4 or 8");
  if (bytes.empty()) return fail(ErrorCode::invalid_status_list, "status list is empty");
  if (bytes.size() > limits.max_bytes) return fail(ErrorCode::status_list_too_large, "status list is too large");
  const std::size_t size = bytes.size() * statuses_per_byte(bits);
  return StatusList(bits, size, std::move(bytes));
}

Result<StatusList> StatusList::decode_lst(int bits, std::string_view lst, const StatusListLimits& limits) {
  // Check bits before touching lst: no inflation work for a list that is rejected anyway (TSL §4.2).
  if (!valid_bits(bits)) return fail(ErrorCode::invalid_status_list, "bits must be 1, 2, 4 or 8");
  auto compressed = base64url_decode(lst);
  if (!compressed) return fail(ErrorCode::invalid_status_list, "lst is not base64url");
  VEIL_TRY(auto bytes, inflate_bounded(*compressed, limits.max_bytes));
  return from_bytes(std::move(bytes), bits, limits);
}

Result<StatusList> StatusList::decode(const Json& status_list, const StatusListLimits& limits) {
  if (!status_list.is_object()) return fail(ErrorCode::invalid_status_list, "status_list is not an object");
  const auto bits = status_list.find("bits");
  // TSL §4.2: bits is a JSON Integer; 1.0, "1" and true are not.
  if (bits == status_list.end() || !bits->is_number_integer()) {
    return fail(ErrorCode::invalid_status_list, "bits is missing or not an integer");
  }
  const auto lst = status_list.find("lst");
  if (lst == status_list.end() || !lst->is_string()) {
    return fail(ErrorCode::invalid_status_list, "lst is missing or not a string");
  }
  const auto aggregation_uri = status_list.find("aggregation_uri");
  if (aggregation_uri != status_list.end() && !aggregation_uri->is_string()) {
    return fail(ErrorCode::invalid_status_list, "aggregation_uri is not a string");
  }
  // Compare as int64 first so that 2^40 does not wrap into a valid value.
  const std::int64_t bits_value = bits->is_number_unsigned()
                                      ? static_cast<std::int64_t>(std::min<std::uint64_t>(bits->get<std::uint64_t>(), 256))
                                      : bits->get<std::int64_t>();
  if (bits_value < 1 || bits_value > 8) return fail(ErrorCode::invalid_status_list, "bits must be 1, 2, 4 or 8");
  return decode_lst(static_cast<int>(bits_value), lst->get_ref<const std::string&>(), limits);
}

Result<std::uint8_t> StatusList::get(std::size_t index) const {
  if (index >= size_) return fail(ErrorCode::status_index_out_of_range, "status index is outside the list");
  // TSL §4.1: statuses fill each byte from the least significant bit upwards.
  const std::size_t per_byte = statuses_per_byte(bits_);
  const unsigned shift = static_cast<unsigned>((index % per_byte) * static_cast<std::size_t>(bits_));
  const unsigned mask = (1u << bits_) - 1u;
  return static_cast<std::uint8_t>((bytes_[index / per_byte] >> shift) & mask);
}

Status StatusList::set(std::size_t index, std::uint8_t value) {
  if (index >= size_) return fail(ErrorCode::status_index_out_of_range, "status index is outside the list");
  const unsigned mask = (1u << bits_) - 1u;
  if (value > mask) return fail(ErrorCode::invalid_argument, "status value does not fit in bits");
  const std::size_t per_byte = statuses_per_byte(bits_);
  const unsigned shift = static_cast<unsigned>((index % per_byte) * static_cast<std::size_t>(bits_));
  std::uint8_t& byte = bytes_[index / per_byte];
  byte = static_cast<std::uint8_t>((byte & ~(mask << shift)) | (static_cast<unsigned>(value) << shift));
  return {};
}

Result<std::string> StatusList::lst() const {
  uLongf capacity = compressBound(static_cast<uLong>(bytes_.size()));
  std::vector<std::uint8_t> compressed(capacity);
  if (compress2(compressed.data(), &capacity, bytes_.data(), static_cast<uLong>(bytes_.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    return fail(ErrorCode::internal_error, "zlib compression failed");
  }
  compressed.resize(capacity);
  return base64url_encode(compressed);
}

Result<Json> StatusList::to_json(std::optional<std::string_view> aggregation_uri) const {
  VEIL_TRY(auto encoded, lst());
  Json out = Json::object();
  out["bits"] = bits_;
  out["lst"] = std::move(encoded);
  if (aggregation_uri) out["aggregation_uri"] = std::string(*aggregation_uri);
  return out;
}

std::optional<std::size_t> random_unused_index(std::size_t size, const std::unordered_set<std::size_t>& used) {
  std::size_t used_in_range = 0;
  for (const std::size_t index : used) used_in_range += index < size ? 1 : 0;
  if (used_in_range >= size) return std::nullopt;
  const std::size_t free_count = size - used_in_range;

  // A uniform r in [0, free_count) by rejection sampling over 64-bit draws (no modulo bias).
  const std::uint64_t bound = static_cast<std::uint64_t>(free_count);
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t draw = 0;
  do {
    randombytes_buf(&draw, sizeof draw);
  } while (draw >= limit);
  std::uint64_t rank = draw % bound;

  // The rank-th free index: start at rank and step over every used index at or below the candidate, in
  // ascending order. O(k log k) in the used indices, independent of the list size.
  std::vector<std::size_t> below;
  below.reserve(used_in_range);
  for (const std::size_t index : used) {
    if (index < size) below.push_back(index);
  }
  std::sort(below.begin(), below.end());
  std::size_t candidate = static_cast<std::size_t>(rank);
  for (const std::size_t index : below) {
    if (index > candidate) break;
    ++candidate;
  }
  return candidate;
}

}  // namespace veil
