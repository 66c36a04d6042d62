#include "veil/disclosure.h"

#include "veil/base64url.h"

namespace veil {

namespace {

bool is_forbidden_name(std::string_view name) { return name == "_sd" || name == "..."; }

// Encodes ["salt", ...] with the JSON library (STYLE.md 4); the strict handler throws on invalid UTF-8.
Result<std::string> encode_array(const Json& array) {
  try {
    return base64url_encode(array.dump(-1, ' ', false, Json::error_handler_t::strict));
  } catch (const Json::exception&) {
    return fail(ErrorCode::invalid_claims, "a claim value is not valid utf-8");
  }
}

}  // namespace

Result<Disclosure> Disclosure::parse(std::string_view encoded, const JsonLimits& limits) {
  // Bound the work before decoding: 4 base64url characters carry 3 bytes.
  if (encoded.size() / 4 * 3 > limits.max_bytes) return fail(ErrorCode::input_too_large, "disclosure too large");
  auto decoded = base64url_decode_to_string(encoded);
  if (!decoded) return fail(ErrorCode::invalid_disclosure, "disclosure is not base64url");
  auto parsed = parse_json(*decoded, limits);
  if (!parsed) {
    ErrorCode code = parsed.error().code;
    if (code == ErrorCode::input_too_large || code == ErrorCode::nesting_too_deep) return tl::unexpected(parsed.error());
    return fail(ErrorCode::invalid_disclosure, "disclosure is not json (" + parsed.error().message + ")");
  }
  Json& array = *parsed;
  if (!array.is_array()) return fail(ErrorCode::invalid_disclosure, "disclosure is not a json array");
  if (array.size() != 2 && array.size() != 3)
    return fail(ErrorCode::invalid_disclosure, "disclosure must have 2 or 3 elements");
  if (!array[0].is_string()) return fail(ErrorCode::invalid_disclosure, "disclosure salt is not a string");
  std::string salt = array[0].get<std::string>();
  if (array.size() == 2) return Disclosure(std::string(encoded), std::move(salt), std::nullopt, std::move(array[1]));
  if (!array[1].is_string()) return fail(ErrorCode::invalid_disclosure, "disclosure claim name is not a string");
  std::string name = array[1].get<std::string>();
  // §7.1 step 3.3.2.2: a disclosure must not name "_sd" or "...".
  if (is_forbidden_name(name)) return fail(ErrorCode::forbidden_claim_name, "disclosure names a reserved claim");
  return Disclosure(std::string(encoded), std::move(salt), std::move(name), std::move(array[2]));
}

Result<Disclosure> Disclosure::for_property(std::string salt, std::string name, Json value) {
  if (is_forbidden_name(name)) return fail(ErrorCode::forbidden_claim_name, "claim name \"" + name + "\" is reserved");
  VEIL_TRY(std::string encoded, encode_array(Json::array({salt, name, value})));
  return Disclosure(std::move(encoded), std::move(salt), std::move(name), std::move(value));
}

Result<Disclosure> Disclosure::try_for_array_element(std::string salt, Json value) {
  VEIL_TRY(std::string encoded, encode_array(Json::array({salt, value})));
  return Disclosure(std::move(encoded), std::move(salt), std::nullopt, std::move(value));
}

Disclosure Disclosure::for_array_element(std::string salt, Json value) {
  std::string encoded =
      base64url_encode(Json::array({salt, value}).dump(-1, ' ', false, Json::error_handler_t::replace));
  // With invalid UTF-8 replaced, value() must still say what encoded() says.
  Json stored = std::move(value);
  if (auto reparsed = parse_json(*base64url_decode_to_string(encoded)); reparsed) stored = std::move((*reparsed)[1]);
  return Disclosure(std::move(encoded), std::move(salt), std::nullopt, std::move(stored));
}

}  // namespace veil
