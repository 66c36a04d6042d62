#include "veil/document_integrity.h"

#include <algorithm>
#include <span>
#include <optional>
#include <string>
#include <vector>

#include "veil/base64url.h"
#include "veil/hash.h"

namespace veil {
namespace {

struct IntegrityToken {
  HashAlg alg;
  int strength;
  std::string digest;  // base64 as written, without "=" padding
};

// SRI §3.3.3 names the algorithms sha256, sha384 and sha512 (no dash, unlike _sd_alg).
std::optional<std::pair<HashAlg, int>> sri_alg(std::string_view name) {
  if (name == "sha256") return std::pair{HashAlg::sha_256, 1};
  if (name == "sha384") return std::pair{HashAlg::sha_384, 2};
  if (name == "sha512") return std::pair{HashAlg::sha_512, 3};
  return std::nullopt;
}

std::string without_padding(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return std::string(text);
}

// standard_base64 is RFC 4648 §4 base64 (SRI uses it, not base64url), without padding.
std::string standard_base64(const std::vector<std::uint8_t>& bytes) {
  std::string text = base64url_encode(std::span<const std::uint8_t>(bytes));
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  return text;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

}  // namespace

Status check_document_integrity(std::string_view integrity, std::string_view document) {
  // SRI §3.3.3 "parse metadata": whitespace-separated tokens "alg-value[?options]"; unknown algorithms are skipped.
  std::vector<IntegrityToken> tokens;
  std::size_t at = 0;
  while (at < integrity.size()) {
    while (at < integrity.size() && is_space(integrity[at])) ++at;
    std::size_t end = at;
    while (end < integrity.size() && !is_space(integrity[end])) ++end;
    std::string_view token = integrity.substr(at, end - at);
    at = end;
    if (token.empty()) continue;
    token = token.substr(0, token.find('?'));
    const auto dash = token.find('-');
    if (dash == std::string_view::npos) continue;
    const auto alg = sri_alg(token.substr(0, dash));
    if (!alg) continue;
    tokens.push_back({alg->first, alg->second, without_padding(token.substr(dash + 1))});
  }
  if (tokens.empty()) {
    return fail(ErrorCode::invalid_type_metadata, "integrity metadata names no sha256, sha384 or sha512 digest");
  }
  // SRI §3.3.4 "get the strongest metadata": only tokens of the strongest algorithm count.
  int strongest = 0;
  for (const auto& token : tokens) strongest = std::max(strongest, token.strength);
  for (const auto& token : tokens) {
    if (token.strength != strongest) continue;
    if (standard_base64(hash_bytes(token.alg, document)) == token.digest) return {};
  }
  return fail(ErrorCode::invalid_type_metadata, "the document does not match its integrity metadata");
}

}  // namespace veil
