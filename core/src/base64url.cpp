#include "veil/base64url.h"

#include <array>

namespace veil {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}
constexpr auto kDecode = make_decode_table();

template <class Out>
Result<Out> decode_into(std::string_view text) {
  // A final group of one character cannot carry a whole byte.
  if (text.size() % 4 == 1) return fail(ErrorCode::invalid_base64url, "base64url has an impossible length");
  Out out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const std::uint8_t value = kDecode[static_cast<unsigned char>(c)];
    if (value == kInvalid) return fail(ErrorCode::invalid_base64url, "base64url contains a character outside its alphabet");
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<typename Out::value_type>((buffer >> bits) & 0xff));
    }
  }
  // The bits left over must be zero, or two different strings would decode to the same bytes (Wycheproof JWS
  // base64 group; RFC 4648 §3.5 lets decoders reject this).
  if ((buffer & ((1u << bits) - 1)) != 0) {
    return fail(ErrorCode::invalid_base64url, "base64url has non-zero trailing bits");
  }
  return out;
}

}  // namespace

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t n = std::uint32_t{bytes[i]} << 16;
    if (rest == 2) n |= std::uint32_t{bytes[i + 1]} << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (rest == 2) out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  return base64url_encode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

Result<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
  return decode_into<std::vector<std::uint8_t>>(text);
}

Result<std::string> base64url_decode_to_string(std::string_view text) { return decode_into<std::string>(text); }

}  // namespace veil
