#include "veil/json_schema.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace veil {

namespace {

constexpr int kMaxSchemaDepth = 64;
constexpr int kMaxValidationDepth = 128;
// libstdc++'s regex executor recurses per input character; a bound keeps hostile long strings off the stack.
constexpr std::size_t kMaxPatternInput = 4096;

enum TypeBit : unsigned {
  kNull = 1, kBoolean = 2, kObject = 4, kArray = 8, kNumber = 16, kString = 32, kInteger = 64,
};

enum class Format { none, date, email };

}  // namespace

struct JsonSchema::Compiled {
  struct Node {
    std::optional<bool> boolean;  // a boolean schema: true accepts everything, false nothing
    unsigned types = 0;           // 0: no type keyword
    std::vector<std::pair<std::string, int>> properties;
    std::vector<std::string> required;
    int additional_properties = -1;
    std::vector<int> prefix_items;
    int items = -1;
    std::optional<std::size_t> min_items, max_items, min_length, max_length;
    bool unique_items = false;
    std::optional<Json> enum_values;
    std::optional<Json> const_value;
    std::optional<std::regex> pattern;
    Format format = Format::none;
    std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
    int ref = -1;
    std::vector<int> all_of, any_of, one_of;
    int not_schema = -1;
  };
  std::vector<Node> nodes;
};

namespace {

using Node = JsonSchema::Compiled::Node;

// Keywords that change the validation outcome in draft 2020-12 (or older drafts) and that Veil does not
// implement: compiling a schema with one of them fails instead of silently accepting more than intended.
constexpr std::string_view kUnsupported[] = {
    "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "patternProperties",
    "propertyNames", "dependentRequired", "dependentSchemas", "dependencies", "contains", "minContains",
    "maxContains", "minProperties", "maxProperties", "if", "then", "else", "unevaluatedProperties",
    "unevaluatedItems", "additionalItems", "contentSchema", "$vocabulary", "extends", "disallow",
    "divisibleBy"};

Error schema_error(std::string message) { return Error{ErrorCode::invalid_json_schema, std::move(message)}; }

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

// A member name of untrusted data may appear in a message: keep it short and printable.
std::string printable_token(std::string_view token) {
  std::string out;
  for (char c : token.substr(0, 64)) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (token.size() > 64) out += "...";
  return escape_pointer_token(out);
}

std::optional<unsigned> type_bit(const std::string& name) {
  if (name == "null") return kNull;
  if (name == "boolean") return kBoolean;
  if (name == "object") return kObject;
  if (name == "array") return kArray;
  if (name == "number") return kNumber;
  if (name == "string") return kString;
  if (name == "integer") return kInteger;
  return std::nullopt;
}

bool is_integral(const Json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  double d = value.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

bool is_non_negative_integer(const Json& value) {
  return is_integral(value) && value.get<double>() >= 0;
}

class Compiler {
 public:
  explicit Compiler(const Json& root) : root_(root) {}

  Result<int> compile_at(const std::string& pointer, const Json& schema, int depth) {
    if (auto found = by_pointer_.find(pointer); found != by_pointer_.end()) return found->second;
    if (depth > kMaxSchemaDepth) return tl::unexpected(schema_error("schema nests too deeply"));
    int index = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    by_pointer_[pointer] = index;
    VEIL_TRY(Node node, compile_node(pointer, schema, depth));
    nodes_[static_cast<std::size_t>(index)] = std::move(node);
    return index;
  }

  std::vector<Node> take() { return std::move(nodes_); }

 private:
  Result<Node> compile_node(const std::string& pointer, const Json& schema, int depth) {
    Node node;
    if (schema.is_boolean()) {
      node.boolean = schema.get<bool>();
      return node;
    }
    const std::string at = pointer.empty() ? "schema root" : "schema " + pointer;
    if (!schema.is_object()) return tl::unexpected(schema_error(at + " is not an object or boolean"));
    for (std::string_view keyword : kUnsupported) {
      if (schema.contains(std::string(keyword)))
        return tl::unexpected(schema_error(at + " uses unsupported keyword " + std::string(keyword)));
    }
    if (schema.contains("$id") && !pointer.empty())
      return tl::unexpected(schema_error(at + ": a nested $id changes $ref resolution and is not supported"));
    if (schema.contains("$schema")) {
      const Json& dialect = schema["$schema"];
      if (!dialect.is_string() || (dialect != "https://json-schema.org/draft/2020-12/schema" &&
                                   dialect != "https://json-schema.org/draft/2020-12/schema#"))
        return tl::unexpected(schema_error(at + ": $schema is not draft 2020-12"));
    }
    auto child = [&](const std::string& suffix, const Json& sub) -> Result<int> {
      return compile_at(pointer + suffix, sub, depth + 1);
    };
    auto size_keyword = [&](const char* name, std::optional<std::size_t>& out) -> Status {
      if (!schema.contains(name)) return {};
      const Json& value = schema[name];
      if (!is_non_negative_integer(value))
        return fail(ErrorCode::invalid_json_schema, at + ": " + name + " is not a non-negative integer");
      out = static_cast<std::size_t>(value.get<double>());
      return {};
    };
    auto number_keyword = [&](const char* name, std::optional<double>& out) -> Status {
      if (!schema.contains(name)) return {};
      if (!schema[name].is_number())
        return fail(ErrorCode::invalid_json_schema, at + ": " + name + " is not a number");
      out = schema[name].get<double>();
      return {};
    };
    auto schema_list = [&](const char* name, std::vector<int>& out) -> Status {
      if (!schema.contains(name)) return {};
      const Json& list = schema[name];
      if (!list.is_array() || list.empty())
        return fail(ErrorCode::invalid_json_schema, at + ": " + name + " is not a non-empty array");
      for (std::size_t i = 0; i < list.size(); ++i) {
        VEIL_TRY(int sub, child("/" + std::string(name) + "/" + std::to_string(i), list[i]));
        out.push_back(sub);
      }
      return {};
    };

    if (schema.contains("type")) {
      const Json& type = schema["type"];
      std::vector<Json> names;
      if (type.is_string()) names.push_back(type);
      else if (type.is_array() && !type.empty()) names.assign(type.begin(), type.end());
      else return tl::unexpected(schema_error(at + ": type is not a string or a non-empty array"));
      for (const Json& name : names) {
        auto bit = name.is_string() ? type_bit(name.get<std::string>()) : std::nullopt;
        if (!bit) return tl::unexpected(schema_error(at + ": unknown type name"));
        node.types |= *bit;
      }
    }
    if (schema.contains("properties")) {
      const Json& properties = schema["properties"];
      if (!properties.is_object()) return tl::unexpected(schema_error(at + ": properties is not an object"));
      for (const auto& [name, sub] : properties.items()) {
        VEIL_TRY(int index, child("/properties/" + escape_pointer_token(name), sub));
        node.properties.emplace_back(name, index);
      }
    }
    if (schema.contains("required")) {
      const Json& required = schema["required"];
      if (!required.is_array()) return tl::unexpected(schema_error(at + ": required is not an array"));
      for (const Json& name : required) {
        if (!name.is_string()) return tl::unexpected(schema_error(at + ": required lists a non-string"));
        node.required.push_back(name.get<std::string>());
      }
    }
    if (schema.contains("additionalProperties")) {
      VEIL_TRY(node.additional_properties, child("/additionalProperties", schema["additionalProperties"]));
    }
    if (schema.contains("prefixItems")) {
      const Json& prefix = schema["prefixItems"];
      if (!prefix.is_array() || prefix.empty())
        return tl::unexpected(schema_error(at + ": prefixItems is not a non-empty array"));
      for (std::size_t i = 0; i < prefix.size(); ++i) {
        VEIL_TRY(int sub, child("/prefixItems/" + std::to_string(i), prefix[i]));
        node.prefix_items.push_back(sub);
      }
    }
    if (schema.contains("items")) {
      // Draft 2020-12 §10.3.1.2: items is one schema; the array form of older drafts is prefixItems now.
      if (schema["items"].is_array())
        return tl::unexpected(schema_error(at + ": items as an array (use prefixItems) is not supported"));
      VEIL_TRY(node.items, child("/items", schema["items"]));
    }
    VEIL_CHECK(size_keyword("minItems", node.min_items));
    VEIL_CHECK(size_keyword("maxItems", node.max_items));
    VEIL_CHECK(size_keyword("minLength", node.min_length));
    VEIL_CHECK(size_keyword("maxLength", node.max_length));
    if (schema.contains("uniqueItems")) {
      if (!schema["uniqueItems"].is_boolean())
        return tl::unexpected(schema_error(at + ": uniqueItems is not a boolean"));
      node.unique_items = schema["uniqueItems"].get<bool>();
    }
    if (schema.contains("enum")) {
      if (!schema["enum"].is_array()) return tl::unexpected(schema_error(at + ": enum is not an array"));
      node.enum_values = schema["enum"];
    }
    if (schema.contains("const")) node.const_value = schema["const"];
    if (schema.contains("pattern")) {
      if (!schema["pattern"].is_string()) return tl::unexpected(schema_error(at + ": pattern is not a string"));
      try {
        node.pattern.emplace(schema["pattern"].get<std::string>(), std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        return tl::unexpected(schema_error(at + ": pattern is not a valid ECMAScript regular expression"));
      }
    }
    if (schema.contains("format")) {
      if (!schema["format"].is_string()) return tl::unexpected(schema_error(at + ": format is not a string"));
      // Other formats are annotations only (2020-12 §7.2.1): they neither fail compile nor validation.
      if (schema["format"] == "date") node.format = Format::date;
      if (schema["format"] == "email") node.format = Format::email;
    }
    VEIL_CHECK(number_keyword("minimum", node.minimum));
    VEIL_CHECK(number_keyword("maximum", node.maximum));
    VEIL_CHECK(number_keyword("exclusiveMinimum", node.exclusive_minimum));
    VEIL_CHECK(number_keyword("exclusiveMaximum", node.exclusive_maximum));
    VEIL_CHECK(number_keyword("multipleOf", node.multiple_of));
    if (node.multiple_of && !(*node.multiple_of > 0))
      return tl::unexpected(schema_error(at + ": multipleOf is not greater than zero"));
    VEIL_CHECK(schema_list("allOf", node.all_of));
    VEIL_CHECK(schema_list("anyOf", node.any_of));
    VEIL_CHECK(schema_list("oneOf", node.one_of));
    if (schema.contains("not")) {
      VEIL_TRY(node.not_schema, child("/not", schema["not"]));
    }
    if (schema.contains("$ref")) {
      VEIL_TRY(node.ref, resolve_ref(at, schema["$ref"], depth));
    }
    return node;
  }

  // Only "#" and "#/json/pointer" into this document: remote documents and $anchor names are never fetched
  // or guessed.
  Result<int> resolve_ref(const std::string& at, const Json& ref, int depth) {
    if (!ref.is_string()) return tl::unexpected(schema_error(at + ": $ref is not a string"));
    std::string text = ref.get<std::string>();
    if (text.empty() || text[0] != '#' || (text.size() > 1 && text[1] != '/'))
      return tl::unexpected(schema_error(at + ": only $ref to \"#\" or \"#/...\" in the same document is supported"));
    std::string pointer = percent_decode(text.substr(1));
    const Json* target = &root_;
    std::size_t start = 1;
    while (start <= pointer.size() && pointer.size() > 0) {
      std::size_t slash = pointer.find('/', start);
      std::string token = pointer.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      std::string name;
      for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
          name += token[i + 1] == '0' ? '~' : '/';
          ++i;
        } else {
          name += token[i];
        }
      }
      if (target->is_object() && target->contains(name)) {
        target = &(*target)[name];
      } else if (target->is_array() && !name.empty() &&
                 name.find_first_not_of("0123456789") == std::string::npos && name.size() < 10 &&
                 std::stoul(name) < target->size()) {
        target = &(*target)[std::stoul(name)];
      } else {
        return tl::unexpected(schema_error(at + ": $ref does not resolve inside the schema"));
      }
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    return compile_at(pointer, *target, depth + 1);
  }

  static std::string percent_decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
        out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += text[i];
      }
    }
    return out;
  }

  const Json& root_;
  std::vector<Node> nodes_;
  std::map<std::string, int> by_pointer_;
};

std::size_t code_points(const std::string& text) {
  std::size_t count = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  return count;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// RFC 3339 §5.6 full-date: date-fullyear "-" date-month "-" date-mday, with mday valid for month and year.
bool is_full_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return false;
  int year = std::stoi(text.substr(0, 4));
  int month = std::stoi(text.substr(5, 2));
  int day = std::stoi(text.substr(8, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int last = kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
  return day <= last;
}

// A deliberately simple addr-spec shape: local@domain, no spaces or control characters, one '@', a dot-separated
// domain without empty labels. Deliverability is not the schema's business.
bool is_email(const std::string& text) {
  std::size_t at = text.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= text.size() || text.find('@', at + 1) != std::string::npos)
    return false;
  if (text.size() > 254) return false;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  std::string domain = text.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string::npos) return false;
  std::string local = text.substr(0, at);
  return local.front() != '.' && local.back() != '.' && local.find("..") == std::string::npos;
}

bool multiple_of(const Json& value, double divisor) {
  if (value.is_number_integer() && std::floor(divisor) == divisor && divisor < 9.0e18) {
    auto d = static_cast<std::int64_t>(divisor);
    if (value.is_number_unsigned()) return value.get<std::uint64_t>() % static_cast<std::uint64_t>(d) == 0;
    return value.get<std::int64_t>() % d == 0;
  }
  double quotient = value.get<double>() / divisor;
  if (!std::isfinite(quotient)) return false;
  return std::fabs(quotient - std::nearbyint(quotient)) < 1e-9;
}

class Validator {
 public:
  explicit Validator(const std::vector<Node>& nodes) : nodes_(nodes) {}

  Status check(int index, const Json& instance, const std::string& where, int depth) const {
    if (depth > kMaxValidationDepth)
      return fail(ErrorCode::nesting_too_deep, "schema validation recursed too deeply");
    const Node& node = nodes_[static_cast<std::size_t>(index)];
    auto violation = [&](const std::string& what) {
      return fail(ErrorCode::invalid_claims, "claim " + (where.empty() ? std::string("(root)") : where) + ": " + what);
    };
    if (node.boolean) {
      if (*node.boolean) return {};
      return violation("not allowed (false schema)");
    }
    if (node.types != 0 && !type_matches(node.types, instance)) return violation("wrong type");
    if (node.enum_values) {
      bool found = false;
      for (const Json& candidate : *node.enum_values) found = found || candidate == instance;
      if (!found) return violation("not one of the enum values");
    }
    if (node.const_value && *node.const_value != instance) return violation("does not equal const");

    if (instance.is_object()) {
      for (const std::string& name : node.required)
        if (!instance.contains(name)) return violation("required member " + printable_token(name) + " is missing");
      for (const auto& [name, value] : instance.items()) {
        std::string child_where = where + "/" + printable_token(name);
        bool declared = false;
        for (const auto& [property, sub] : node.properties) {
          if (property != name) continue;
          declared = true;
          VEIL_CHECK(check(sub, value, child_where, depth + 1));
        }
        if (!declared && node.additional_properties >= 0) {
          const Node& extra = nodes_[static_cast<std::size_t>(node.additional_properties)];
          if (extra.boolean && !*extra.boolean)
            return fail(ErrorCode::invalid_claims, "claim " + child_where + ": not allowed (additionalProperties)");
          VEIL_CHECK(check(node.additional_properties, value, child_where, depth + 1));
        }
      }
    }
    if (instance.is_array()) {
      if (node.min_items && instance.size() < *node.min_items) return violation("fewer items than minItems");
      if (node.max_items && instance.size() > *node.max_items) return violation("more items than maxItems");
      if (node.unique_items) {
        for (std::size_t i = 0; i < instance.size(); ++i)
          for (std::size_t j = i + 1; j < instance.size(); ++j)
            if (instance[i] == instance[j]) return violation("items are not unique");
      }
      for (std::size_t i = 0; i < instance.size(); ++i) {
        std::string child_where = where + "/" + std::to_string(i);
        if (i < node.prefix_items.size()) {
          VEIL_CHECK(check(node.prefix_items[i], instance[i], child_where, depth + 1));
        } else if (node.items >= 0) {
          VEIL_CHECK(check(node.items, instance[i], child_where, depth + 1));
        }
      }
    }
    if (instance.is_string()) {
      const std::string& text = instance.get_ref<const std::string&>();
      if (node.min_length && code_points(text) < *node.min_length) return violation("shorter than minLength");
      if (node.max_length && code_points(text) > *node.max_length) return violation("longer than maxLength");
      if (node.pattern) {
        if (text.size() > kMaxPatternInput) return violation("too long to match pattern");
        bool matched = false;
        try {
          matched = std::regex_search(text, *node.pattern);
        } catch (const std::regex_error&) {
          return violation("pattern could not be evaluated");
        }
        if (!matched) return violation("does not match pattern");
      }
      if (node.format == Format::date && !is_full_date(text)) return violation("not a valid date (format date)");
      if (node.format == Format::email && !is_email(text)) return violation("not a valid email address (format email)");
    }
    if (instance.is_number()) {
      double x = instance.get<double>();
      if (node.minimum && x < *node.minimum) return violation("less than minimum");
      if (node.maximum && x > *node.maximum) return violation("greater than maximum");
      if (node.exclusive_minimum && x <= *node.exclusive_minimum) return violation("not greater than exclusiveMinimum");
      if (node.exclusive_maximum && x >= *node.exclusive_maximum) return violation("not less than exclusiveMaximum");
      if (node.multiple_of && !multiple_of(instance, *node.multiple_of)) return violation("not a multiple of multipleOf");
    }
    for (int sub : node.all_of) VEIL_CHECK(check(sub, instance, where, depth + 1));
    if (!node.any_of.empty()) {
      bool any = false;
      for (int sub : node.any_of) {
        auto result = check(sub, instance, where, depth + 1);
        if (!result && result.error().code == ErrorCode::nesting_too_deep) return result;
        if (result) { any = true; break; }
      }
      if (!any) return violation("matches none of anyOf");
    }
    if (!node.one_of.empty()) {
      int matches = 0;
      for (int sub : node.one_of) {
        auto result = check(sub, instance, where, depth + 1);
        if (!result && result.error().code == ErrorCode::nesting_too_deep) return result;
        if (result) ++matches;
      }
      if (matches != 1) return violation(matches == 0 ? "matches none of oneOf" : "matches more than one of oneOf");
    }
    if (node.not_schema >= 0) {
      auto result = check(node.not_schema, instance, where, depth + 1);
      if (!result && result.error().code == ErrorCode::nesting_too_deep) return result;
      if (result) return violation("matches the not schema");
    }
    if (node.ref >= 0) VEIL_CHECK(check(node.ref, instance, where, depth + 1));
    return {};
  }

 private:
  static bool type_matches(unsigned types, const Json& instance) {
    if ((types & kNull) && instance.is_null()) return true;
    if ((types & kBoolean) && instance.is_boolean()) return true;
    if ((types & kObject) && instance.is_object()) return true;
    if ((types & kArray) && instance.is_array()) return true;
    if ((types & kNumber) && instance.is_number()) return true;
    if ((types & kString) && instance.is_string()) return true;
    if ((types & kInteger) && is_integral(instance)) return true;
    return false;
  }

  const std::vector<Node>& nodes_;
};

}  // namespace

Result<JsonSchema> JsonSchema::compile(const Json& schema) {
  Compiler compiler(schema);
  VEIL_TRY(int root, compiler.compile_at("", schema, 0));
  if (root != 0) return fail(ErrorCode::internal_error, "schema root is not the first node");
  auto compiled = std::make_shared<Compiled>();
  compiled->nodes = compiler.take();
  return JsonSchema(std::move(compiled));
}

Status JsonSchema::validate(const Json& instance) const {
  return Validator(compiled_->nodes).check(0, instance, "", 0);
}

}  // namespace veil
