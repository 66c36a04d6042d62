// Bounded, strict JSON parsing for untrusted input.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "veil/error.h"

namespace veil {

using Json = nlohmann::json;

/// JsonLimits bounds what parse_json accepts. The defaults fit every credential and request Veil handles.
struct JsonLimits {
  std::size_t max_bytes = 1 << 20;  // 1 MiB
  int max_depth = 32;               // nested objects and arrays
};

/// parse_json parses untrusted JSON text. It fails with input_too_large beyond limits.max_bytes,
/// nesting_too_deep beyond limits.max_depth (checked before the parser recurses), duplicate_json_member when an
/// object repeats a member name, and invalid_json for anything else: syntax errors, invalid UTF-8, a leading
/// byte-order mark, trailing bytes, or numbers that overflow a double (1e999999).
Result<Json> parse_json(std::string_view text, const JsonLimits& limits = {});

/// parse_json_object is parse_json that also requires the top-level value to be an object; otherwise it
/// fails with |not_object_code| (callers name what the object was, e.g. invalid_jwt_payload).
Result<Json> parse_json_object(std::string_view text, ErrorCode not_object_code, const JsonLimits& limits = {});

/// json_depth returns the deepest nesting of objects and arrays in |text| without parsing it, reading strings
/// correctly (brackets inside strings do not count). Garbage gives some number; parse_json rejects it later.
int json_depth(std::string_view text);

}  // namespace veil
