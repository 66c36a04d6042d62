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
  // Sized once and written by index: every JWS part and Disclosure of a verification passes through here.
  Out out(text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1), {});
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  auto* dst = out.data();
  std::uint32_t invalid = 0;  // OR of every table entry: one branch per input instead of one per character
  std::size_t i = 0;
  for (; i + 4 <= text.size(); i += 4) {
    const std::uint32_t a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]], d = kDecode[in[i + 3]];
    invalid |= a | b | c | d;
    const std::uint32_t n = (a << 18) | (b << 12) | (c << 6) | d;
    *dst++ = static_cast<typename Out::value_type>((n >> 16) & 0xff);
    *dst++ = static_cast<typename Out::value_type>((n >> 8) & 0xff);
    *dst++ = static_cast<typename Out::value_type>(n & 0xff);
  }
  std::uint32_t tail = 0;
  const std::size_t rest = text.size() - i;
  for (std::size_t k = 0; k < rest; ++k) {
    const std::uint32_t value = kDecode[in[i + k]];
    invalid |= value;
    tail = (tail << 6) | (value & 63);
  }
  if ((invalid & 0xc0) != 0) {  // kInvalid is the only table entry with the high bits set
    return fail(ErrorCode::invalid_base64url, "base64url contains a character outside its alphabet");
  }
  // The bits left over must be zero, or two different strings would decode to the same bytes (Wycheproof JWS
  // base64 group; RFC 4648 §3.5 lets decoders reject this): 2 characters carry 1 byte + 4 bits, 3 carry 2 + 2.
  if (rest == 2) {
    if ((tail & 0xf) != 0) return fail(ErrorCode::invalid_base64url, "base64url has non-zero trailing bits");
    *dst++ = static_cast<typename Out::value_type>(tail >> 4);
  } else if (rest == 3) {
    if ((tail & 0x3) != 0) return fail(ErrorCode::invalid_base64url, "base64url has non-zero trailing bits");
    *dst++ = static_cast<typename Out::value_type>((tail >> 10) & 0xff);
    *dst++ = static_cast<typename Out::value_type>((tail >> 2) & 0xff);
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
