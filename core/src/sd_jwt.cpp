#include "veil/sd_jwt.h"

#include <algorithm>

namespace veil {

namespace {

// A compact JWS is three non-empty dot-separated parts; the JWS parser checks the rest later.
bool looks_like_compact_jws(std::string_view text) {
  if (std::count(text.begin(), text.end(), '.') != 2) return false;
  std::size_t first = text.find('.');
  std::size_t second = text.find('.', first + 1);
  return first > 0 && second > first + 1 && second + 1 < text.size();
}

}  // namespace

SdJwt::SdJwt(std::vector<std::string> issuer_jwts, std::vector<Disclosure> disclosures,
             std::optional<std::string> kb_jwt)
    : issuer_jwts_(std::move(issuer_jwts)), disclosures_(std::move(disclosures)), kb_jwt_(std::move(kb_jwt)) {
  // issuer_jwt() must always have something to return; an empty JWT fails every later parse.
  if (issuer_jwts_.empty()) issuer_jwts_.emplace_back();
  unprotected_headers_.assign(issuer_jwts_.size(), Json::object());
}

Result<SdJwt> SdJwt::parse_compact(std::string_view compact, const SdJwtLimits& limits) {
  if (compact.size() > limits.max_bytes) return fail(ErrorCode::input_too_large, "sd-jwt too large");
  std::size_t first_tilde = compact.find('~');
  if (first_tilde == std::string_view::npos)
    return fail(ErrorCode::malformed_sd_jwt, "no '~' separator: not an sd-jwt (a plain jwt?)");
  std::string_view jwt = compact.substr(0, first_tilde);
  if (!looks_like_compact_jws(jwt)) return fail(ErrorCode::malformed_sd_jwt, "issuer-signed part is not a compact jwt");

  std::size_t last_tilde = compact.rfind('~');
  std::string_view last = compact.substr(last_tilde + 1);
  std::optional<std::string> kb_jwt;
  if (!last.empty()) {
    // §4: the part after the last '~' is a KB-JWT; an SD-JWT without one must end in '~' (ATTACKS.md S13).
    if (!looks_like_compact_jws(last))
      return fail(ErrorCode::malformed_sd_jwt,
                  "part after the last '~' is not a kb-jwt (an sd-jwt without key binding must end with '~')");
    kb_jwt = std::string(last);
  }

  std::vector<Disclosure> disclosures;
  std::size_t start = first_tilde + 1;
  while (start <= last_tilde) {
    std::size_t end = compact.find('~', start);
    std::string_view part = compact.substr(start, end - start);
    if (part.empty()) return fail(ErrorCode::malformed_sd_jwt, "empty disclosure between two '~'");
    if (disclosures.size() >= limits.max_disclosures)
      return fail(ErrorCode::too_many_disclosures, "more than " + std::to_string(limits.max_disclosures) + " disclosures");
    VEIL_TRY(Disclosure disclosure, Disclosure::parse(part, limits.json));
    disclosures.push_back(std::move(disclosure));
    start = end + 1;
  }
  return SdJwt({std::string(jwt)}, std::move(disclosures), std::move(kb_jwt));
}

Result<SdJwt> SdJwt::parse(std::string_view text, const SdJwtLimits& limits) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return parse_json(text, limits);
  return parse_compact(text, limits);
}

SdJwt SdJwt::without_key_binding() const {
  SdJwt copy = *this;
  copy.kb_jwt_.reset();
  return copy;
}

SdJwt SdJwt::with_disclosures(std::vector<Disclosure> disclosures) const {
  SdJwt copy = *this;
  copy.disclosures_ = std::move(disclosures);
  return copy;
}

SdJwt SdJwt::with_key_binding(std::string kb_jwt) const {
  SdJwt copy = *this;
  copy.kb_jwt_ = std::move(kb_jwt);
  return copy;
}

SdJwt SdJwt::with_unprotected_headers(std::vector<Json> headers) const {
  SdJwt copy = *this;
  headers.resize(issuer_jwts_.size(), Json::object());
  copy.unprotected_headers_ = std::move(headers);
  return copy;
}

std::string SdJwt::serialize_compact() const {
  std::string out = sd_hash_input();
  if (kb_jwt_) out += *kb_jwt_;
  return out;
}

std::string SdJwt::sd_hash_input() const {
  // §4.3.1 (and §8.1 for the JSON form, over the first signature): "<JWT>~<D1>~...~<Dn>~".
  std::string out = issuer_jwt();
  out += '~';
  for (const Disclosure& disclosure : disclosures_) {
    out += disclosure.encoded();
    out += '~';
  }
  return out;
}

}  // namespace veil
