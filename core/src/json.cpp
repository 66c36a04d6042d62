#include "veil/json.h"

#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace veil {

int json_depth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // skip the escaped character, which may be a quote
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') deepest = std::max(deepest, ++depth);
    else if (c == '}' || c == ']') --depth;
  }
  return deepest;
}

Result<Json> parse_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) return fail(ErrorCode::input_too_large, "json text is too large");
  // nlohmann's parser is recursive: bound the depth before it runs so hostile nesting cannot exhaust the stack.
  if (json_depth(text) > limits.max_depth) return fail(ErrorCode::nesting_too_deep, "json nests too deeply");
  // nlohmann silently skips a UTF-8 byte-order mark; RFC 8259 §8.1 forbids sending one, and a signed header
  // with one is not the header the signer meant (RFC 8725 §3.7).
  if (text.starts_with("\xEF\xBB\xBF")) return fail(ErrorCode::invalid_json, "json starts with a byte-order mark");

  // The callback sees every member name and value: it records duplicates (nlohmann keeps the last one, which
  // lets two parsers disagree about a signed header) and numbers that overflowed to infinity.
  std::vector<std::set<std::string>> member_names;
  bool duplicate = false;
  bool non_finite = false;
  auto observe = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        member_names.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!member_names.empty()) member_names.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!member_names.empty() && !member_names.back().insert(parsed.get<std::string>()).second) duplicate = true;
        break;
      case Json::parse_event_t::value:
        if (parsed.is_number_float() && !std::isfinite(parsed.get<double>())) non_finite = true;
        break;
      default:
        break;
    }
    return true;
  };
  Json value = Json::parse(text.begin(), text.end(), observe, /*allow_exceptions=*/false);
  if (value.is_discarded()) return fail(ErrorCode::invalid_json, "not valid json");
  if (duplicate) return fail(ErrorCode::duplicate_json_member, "json object repeats a member name");
  if (non_finite) return fail(ErrorCode::invalid_json, "json number is out of range");
  return value;
}

Result<Json> parse_json_object(std::string_view text, ErrorCode not_object_code, const JsonLimits& limits) {
  VEIL_TRY(Json value, parse_json(text, limits));
  if (!value.is_object()) return fail(not_object_code, "json is not an object");
  return value;
}

}  // namespace veil
