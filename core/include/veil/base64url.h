// Strict base64url without padding (RFC 4648 §5, as JWS uses it: RFC 7515 §2).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"

namespace veil {

/// base64url_encode encodes |bytes| with the URL-safe alphabet and no padding.
std::string base64url_encode(std::span<const std::uint8_t> bytes);
std::string base64url_encode(std::string_view bytes);

/// base64url_decode decodes a strict base64url string. It fails with invalid_base64url on padding, '+' or '/',
/// whitespace, any other character, an impossible length (4k+1), or non-zero unused trailing bits (so every
/// byte string has exactly one accepted encoding).
Result<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

/// base64url_decode_to_string is base64url_decode returning the bytes as a std::string (for JSON text).
Result<std::string> base64url_decode_to_string(std::string_view text);

}  // namespace veil
