#include "veil/json.h"

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace veil {
namespace {

// StrictDomBuilder is a SAX handler that builds the DOM like nlohmann's own, and refuses what RFC 8725 and
// RFC 8259 let a parser refuse: a repeated member name (nlohmann would keep the last one, letting two parsers
// disagree about a signed header), nesting beyond the limit (checked as containers open, so hostile nesting
// never allocates), and numbers that overflowed to infinity. Checking duplicates against the object being
// built costs one map lookup per member, with no copies.
class StrictDomBuilder {
 public:
  explicit StrictDomBuilder(int max_depth) : max_depth_(static_cast<std::size_t>(max_depth)) {}

  bool null() { return add(nullptr) != nullptr; }
  bool boolean(bool value) { return add(value) != nullptr; }
  bool number_integer(Json::number_integer_t value) { return add(value) != nullptr; }
  bool number_unsigned(Json::number_unsigned_t value) { return add(value) != nullptr; }
  bool number_float(Json::number_float_t value, const Json::string_t& /*text*/) {
    if (!std::isfinite(value)) return refuse(ErrorCode::invalid_json, "json number is out of range");
    return add(value) != nullptr;
  }
  bool string(Json::string_t& value) { return add(std::move(value)) != nullptr; }
  bool binary(Json::binary_t& /*value*/) { return refuse(ErrorCode::invalid_json, "not valid json"); }

  bool start_object(std::size_t /*size*/) { return open(Json::value_t::object); }
  bool start_array(std::size_t /*size*/) { return open(Json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(Json::string_t& name) {
    auto& members = open_.back()->get_ref<Json::object_t&>();
    auto [member, inserted] = members.emplace(std::move(name), nullptr);
    if (!inserted) return refuse(ErrorCode::duplicate_json_member, "json object repeats a member name");
    member_ = &member->second;
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception&) {
    return refuse(ErrorCode::invalid_json, "not valid json");
  }

  Result<Json> take(bool parsed) {
    if (error_) return tl::unexpected(std::move(*error_));
    if (!parsed) return fail(ErrorCode::invalid_json, "not valid json");
    return std::move(root_);
  }

 private:
  // add places |value| where the grammar says the next value goes and returns where it now lives. Pointers
  // to open containers stay valid: an array only grows while none of its children is open.
  Json* add(Json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      parent.get_ref<Json::array_t&>().push_back(std::move(value));
      return &parent.get_ref<Json::array_t&>().back();
    }
    *member_ = std::move(value);
    return member_;
  }

  bool open(Json::value_t type) {
    if (open_.size() >= max_depth_) return refuse(ErrorCode::nesting_too_deep, "json nests too deeply");
    open_.push_back(add(Json(type)));
    return true;
  }

  bool close() {
    open_.pop_back();
    return true;
  }

  bool refuse(ErrorCode code, const char* message) {
    if (!error_) error_ = Error{code, message};
    return false;
  }

  std::size_t max_depth_;
  Json root_;
  std::vector<Json*> open_;
  Json* member_ = nullptr;
  std::optional<Error> error_;
};

}  // namespace

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
  // nlohmann silently skips a UTF-8 byte-order mark; RFC 8259 §8.1 forbids sending one, and a signed header
  // with one is not the header the signer meant (RFC 8725 §3.7).
  if (text.starts_with("\xEF\xBB\xBF")) return fail(ErrorCode::invalid_json, "json starts with a byte-order mark");
  // nlohmann's SAX parser keeps its own state stack (no recursion), and the builder stops at max_depth.
  StrictDomBuilder builder(limits.max_depth);
  const bool parsed = Json::sax_parse(text.begin(), text.end(), &builder, Json::input_format_t::json, /*strict=*/true);
  return builder.take(parsed);
}

Result<Json> parse_json_object(std::string_view text, ErrorCode not_object_code, const JsonLimits& limits) {
  VEIL_TRY(Json value, parse_json(text, limits));
  if (!value.is_object()) return fail(not_object_code, "json is not an object");
  return value;
}

}  // namespace veil
