#include "veil/json.h"

#include <algorithm>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <locale.h>
#include <optional>
#include <string>

namespace veil {
namespace {

// StrictJsonReader is a recursive-descent RFC 8259 parser that builds the same DOM as nlohmann's parser
// (same number types: unsigned, signed, then double) and refuses what RFC 8725 and RFC 8259 let a parser
// refuse: a repeated member name (nlohmann would keep the last one, letting two parsers disagree about a signed
// header), nesting beyond the limit (checked before a container opens, so recursion is bounded by it), invalid
// UTF-8 (overlong forms, surrogates, beyond U+10FFFF), lone surrogate escapes, and numbers that overflow a
// double. It exists because JWS headers, payloads and disclosures are parsed on every verification, and
// nlohmann's character-by-character lexer was the largest cost after the signature checks themselves; the
// differential test in tests/core/json_test.cpp holds it to nlohmann's answers.
class StrictJsonReader {
 public:
  StrictJsonReader(std::string_view text, int max_depth)
      : cursor_(text.data()), end_(text.data() + text.size()), max_depth_(max_depth) {}

  Result<Json> read_document() {
    Json root;
    skip_whitespace();
    if (!read_value(root, 0)) return error();
    skip_whitespace();
    if (cursor_ != end_) return fail(ErrorCode::invalid_json, "not valid json");
    return root;
  }

 private:
  bool read_value(Json& out, int depth) {
    if (cursor_ == end_) return refuse(ErrorCode::invalid_json);
    switch (*cursor_) {
      case '{': return read_object(out, depth);
      case '[': return read_array(out, depth);
      case '"': {
        std::string text;
        if (!read_string(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't': return read_literal("true", out, true);
      case 'f': return read_literal("false", out, false);
      case 'n': return read_literal("null", out, nullptr);
      default: return read_number(out);
    }
  }

  bool read_object(Json& out, int depth) {
    if (depth >= max_depth_) return refuse(ErrorCode::nesting_too_deep);
    ++cursor_;  // '{'
    out = Json::object();
    auto& members = out.get_ref<Json::object_t&>();
    skip_whitespace();
    if (consume('}')) return true;
    while (true) {
      if (cursor_ == end_ || *cursor_ != '"') return refuse(ErrorCode::invalid_json);
      std::string name;
      if (!read_string(name)) return false;
      skip_whitespace();
      if (!consume(':')) return refuse(ErrorCode::invalid_json);
      skip_whitespace();
      auto [member, inserted] = members.emplace(std::move(name), nullptr);
      if (!inserted) return refuse(ErrorCode::duplicate_json_member);
      if (!read_value(member->second, depth + 1)) return false;
      skip_whitespace();
      if (consume('}')) return true;
      if (!consume(',')) return refuse(ErrorCode::invalid_json);
      skip_whitespace();
    }
  }

  bool read_array(Json& out, int depth) {
    if (depth >= max_depth_) return refuse(ErrorCode::nesting_too_deep);
    ++cursor_;  // '['
    out = Json::array();
    auto& elements = out.get_ref<Json::array_t&>();
    skip_whitespace();
    if (consume(']')) return true;
    while (true) {
      elements.emplace_back();
      if (!read_value(elements.back(), depth + 1)) return false;
      skip_whitespace();
      if (consume(']')) return true;
      if (!consume(',')) return refuse(ErrorCode::invalid_json);
      skip_whitespace();
    }
  }

  template <class Value>
  bool read_literal(std::string_view word, Json& out, Value value) {
    if (static_cast<std::size_t>(end_ - cursor_) < word.size() || std::string_view(cursor_, word.size()) != word) {
      return refuse(ErrorCode::invalid_json);
    }
    cursor_ += word.size();
    out = value;
    return true;
  }

  // read_number follows the RFC 8259 §6 grammar exactly, then converts like nlohmann: an integer that fits
  // becomes unsigned (non-negative) or signed (negative), anything else a double, which must be finite.
  bool read_number(Json& out) {
    const char* start = cursor_;
    bool integral = true;
    consume('-');
    if (cursor_ == end_ || !is_digit(*cursor_)) return refuse(ErrorCode::invalid_json);
    if (*cursor_ == '0') {
      ++cursor_;
    } else {
      while (cursor_ != end_ && is_digit(*cursor_)) ++cursor_;
    }
    if (consume('.')) {
      integral = false;
      if (cursor_ == end_ || !is_digit(*cursor_)) return refuse(ErrorCode::invalid_json);
      while (cursor_ != end_ && is_digit(*cursor_)) ++cursor_;
    }
    if (cursor_ != end_ && (*cursor_ == 'e' || *cursor_ == 'E')) {
      integral = false;
      ++cursor_;
      if (!consume('+')) consume('-');
      if (cursor_ == end_ || !is_digit(*cursor_)) return refuse(ErrorCode::invalid_json);
      while (cursor_ != end_ && is_digit(*cursor_)) ++cursor_;
    }
    if (integral) {
      if (*start == '-') {
        std::int64_t value = 0;
        if (std::from_chars(start, cursor_, value).ec == std::errc()) {
          out = value;
          return true;
        }
      } else {
        std::uint64_t value = 0;
        if (std::from_chars(start, cursor_, value).ec == std::errc()) {
          out = value;
          return true;
        }
      }
    }
    // strtod with the "C" locale, as nlohmann does (it accepts underflow to zero and subnormals); only an
    // overflow to infinity is refused.
    const std::string token(start, cursor_);
    const double value = strtod_l(token.c_str(), nullptr, c_locale());
    if (!std::isfinite(value)) return refuse(ErrorCode::invalid_json, "json number is out of range");
    out = value;
    return true;
  }

  // read_string reads a quoted string into |out| as UTF-8, validating raw bytes (RFC 3629) and escapes.
  bool read_string(std::string& out) {
    ++cursor_;  // opening quote
    while (true) {
      // Copy the longest run of plain ASCII in one go: most of a JOSE document.
      const char* run = cursor_;
      while (cursor_ != end_) {
        const auto byte = static_cast<unsigned char>(*cursor_);
        if (byte == '"' || byte == '\\' || byte < 0x20 || byte >= 0x80) break;
        ++cursor_;
      }
      out.append(run, cursor_);
      if (cursor_ == end_) return refuse(ErrorCode::invalid_json);
      const auto byte = static_cast<unsigned char>(*cursor_);
      if (byte == '"') {
        ++cursor_;
        return true;
      }
      if (byte < 0x20) return refuse(ErrorCode::invalid_json);  // control characters must be escaped (§7)
      if (byte == '\\') {
        if (!read_escape(out)) return false;
      } else if (!read_utf8_sequence(out)) {
        return false;
      }
    }
  }

  bool read_escape(std::string& out) {
    ++cursor_;  // backslash
    if (cursor_ == end_) return refuse(ErrorCode::invalid_json);
    const char kind = *cursor_++;
    switch (kind) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default: return refuse(ErrorCode::invalid_json);
    }
    std::uint32_t code_point = 0;
    if (!read_hex4(code_point)) return false;
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) return refuse(ErrorCode::invalid_json);  // lone low surrogate
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      // A high surrogate must be followed by an escaped low surrogate (RFC 8259 §7).
      std::uint32_t low = 0;
      if (end_ - cursor_ < 2 || cursor_[0] != '\\' || cursor_[1] != 'u') return refuse(ErrorCode::invalid_json);
      cursor_ += 2;
      if (!read_hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return refuse(ErrorCode::invalid_json);
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, code_point);
    return true;
  }

  bool read_hex4(std::uint32_t& value) {
    if (end_ - cursor_ < 4) return refuse(ErrorCode::invalid_json);
    value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *cursor_++;
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') digit = static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') digit = static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') digit = static_cast<std::uint32_t>(c - 'A' + 10);
      else return refuse(ErrorCode::invalid_json);
      value = value << 4 | digit;
    }
    return true;
  }

  // read_utf8_sequence validates one multi-byte UTF-8 sequence (RFC 3629 §4 table: no overlong forms, no
  // surrogates, nothing beyond U+10FFFF) and appends it.
  bool read_utf8_sequence(std::string& out) {
    const auto lead = static_cast<unsigned char>(*cursor_);
    int length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_min = 0xA0;
      if (lead == 0xED) second_max = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_min = 0x90;
      if (lead == 0xF4) second_max = 0x8F;
    } else {
      return refuse(ErrorCode::invalid_json);
    }
    if (end_ - cursor_ < length) return refuse(ErrorCode::invalid_json);
    const auto second = static_cast<unsigned char>(cursor_[1]);
    if (second < second_min || second > second_max) return refuse(ErrorCode::invalid_json);
    for (int i = 2; i < length; ++i) {
      const auto next = static_cast<unsigned char>(cursor_[i]);
      if (next < 0x80 || next > 0xBF) return refuse(ErrorCode::invalid_json);
    }
    out.append(cursor_, static_cast<std::size_t>(length));
    cursor_ += length;
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t code_point) {
    if (code_point < 0x80) {
      out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
      out += static_cast<char>(0xC0 | (code_point >> 6));
      out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
      out += static_cast<char>(0xE0 | (code_point >> 12));
      out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code_point >> 18));
      out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
  }

  static locale_t c_locale() {
    static const locale_t locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
    return locale;
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  void skip_whitespace() {
    while (cursor_ != end_ && (*cursor_ == ' ' || *cursor_ == '\n' || *cursor_ == '\r' || *cursor_ == '\t')) {
      ++cursor_;
    }
  }

  bool consume(char expected) {
    if (cursor_ == end_ || *cursor_ != expected) return false;
    ++cursor_;
    return true;
  }

  bool refuse(ErrorCode code, const char* message = nullptr) {
    if (!error_) {
      const char* text = message ? message
                         : code == ErrorCode::nesting_too_deep      ? "json nests too deeply"
                         : code == ErrorCode::duplicate_json_member ? "json object repeats a member name"
                                                                    : "not valid json";
      error_ = Error{code, text};
    }
    return false;
  }

  tl::unexpected<Error> error() {
    return tl::unexpected<Error>(error_ ? std::move(*error_) : Error{ErrorCode::invalid_json, "not valid json"});
  }

  const char* cursor_;
  const char* end_;
  int max_depth_;
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
  // RFC 8259 §8.1 forbids sending a byte-order mark, and a signed header with one is not the header the signer
  // meant (RFC 8725 §3.7); nlohmann would skip it silently.
  if (text.starts_with("\xEF\xBB\xBF")) return fail(ErrorCode::invalid_json, "json starts with a byte-order mark");
  return StrictJsonReader(text, limits.max_depth).read_document();
}

Result<Json> parse_json_object(std::string_view text, ErrorCode not_object_code, const JsonLimits& limits) {
  VEIL_TRY(Json value, parse_json(text, limits));
  if (!value.is_object()) return fail(not_object_code, "json is not an object");
  return value;
}

}  // namespace veil
