#include "veil/claim_path.h"

#include <charconv>
#include <limits>

namespace veil {

namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

bool element_matches(const ClaimPathElement& mine, const ClaimPathElement& theirs) {
  bool mine_all = std::holds_alternative<AllArrayElements>(mine);
  bool theirs_all = std::holds_alternative<AllArrayElements>(theirs);
  if (mine_all || theirs_all) return !std::holds_alternative<std::string>(mine_all ? theirs : mine);
  return mine == theirs;
}

}  // namespace

Result<ClaimPath> ClaimPath::parse_dotted(std::string_view dotted) {
  if (dotted.empty()) return fail(ErrorCode::invalid_claim_path, "empty claim path");
  std::vector<ClaimPathElement> elements;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = dotted.find('.', start);
    std::string_view segment = dotted.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (segment.empty()) return fail(ErrorCode::invalid_claim_path, "empty segment in claim path");
    if (segment == "*") {
      elements.emplace_back(AllArrayElements{});
    } else if (all_digits(segment)) {
      std::size_t index = 0;
      auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
      if (ec != std::errc() || end != segment.data() + segment.size())
        return fail(ErrorCode::invalid_claim_path, "array index out of range in claim path");
      elements.emplace_back(index);
    } else {
      elements.emplace_back(std::string(segment));
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return ClaimPath(std::move(elements));
}

Result<ClaimPath> ClaimPath::from_json(const Json& path) {
  if (!path.is_array() || path.empty())
    return fail(ErrorCode::invalid_claim_path, "claim path is not a non-empty array");
  std::vector<ClaimPathElement> elements;
  for (const Json& element : path) {
    if (element.is_string()) {
      elements.emplace_back(element.get<std::string>());
    } else if (element.is_null()) {
      elements.emplace_back(AllArrayElements{});
    } else if (element.is_number_unsigned()) {
      elements.emplace_back(element.get<std::size_t>());
    } else if (element.is_number_integer() && element.get<std::int64_t>() >= 0) {
      elements.emplace_back(static_cast<std::size_t>(element.get<std::int64_t>()));
    } else {
      return fail(ErrorCode::invalid_claim_path, "claim path element is not a string, index or null");
    }
  }
  return ClaimPath(std::move(elements));
}

Json ClaimPath::to_json() const {
  Json out = Json::array();
  for (const ClaimPathElement& element : elements_) {
    if (const auto* name = std::get_if<std::string>(&element)) {
      out.push_back(*name);
    } else if (const auto* index = std::get_if<std::size_t>(&element)) {
      out.push_back(*index);
    } else {
      out.push_back(nullptr);
    }
  }
  return out;
}

std::string ClaimPath::to_dotted() const {
  std::string out;
  for (const ClaimPathElement& element : elements_) {
    if (!out.empty()) out += '.';
    if (const auto* name = std::get_if<std::string>(&element)) {
      out += *name;
    } else if (const auto* index = std::get_if<std::size_t>(&element)) {
      out += std::to_string(*index);
    } else {
      out += '*';
    }
  }
  return out;
}

bool ClaimPath::starts_with(const ClaimPath& prefix) const {
  if (prefix.elements_.size() > elements_.size()) return false;
  for (std::size_t i = 0; i < prefix.elements_.size(); ++i)
    if (!element_matches(elements_[i], prefix.elements_[i])) return false;
  return true;
}

ClaimPath ClaimPath::child(ClaimPathElement element) const {
  std::vector<ClaimPathElement> elements = elements_;
  elements.push_back(std::move(element));
  return ClaimPath(std::move(elements));
}

}  // namespace veil
