// Shared pieces of the libFuzzer harnesses: fixed keys, a fixed clock, signing raw JSON text, splitting inputs.
// Everything is deterministic given the input (ES256 signatures are randomized by OpenSSL, but whether they
// verify is not) and nothing touches the network.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "veil/base64url.h"
#include "veil/clock.h"
#include "veil/issuer_keys.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/signature_verifier.h"
#include "veil/signer.h"

namespace veil_fuzz {

/// kNow is the fixed time every harness runs at (2027-01-15).
inline constexpr std::int64_t kNow = 1800000000;
inline constexpr char kIss[] = "https://issuer.example.com";
inline constexpr char kAud[] = "https://verifier.example.org";
inline constexpr char kNonce[] = "n-0S6_WzA2Mj";

/// text views the fuzzer's bytes as a string.
inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// explain prints why |result| failed when VEIL_FUZZ_VERBOSE is set (to see whether seeds get as far as intended:
/// VEIL_FUZZ_VERBOSE=1 build-fuzz/fuzz/fuzz_X fuzz/corpus/X/*).
template <class T>
void explain(const char* what, const veil::Result<T>& result) {
  if (std::getenv("VEIL_FUZZ_VERBOSE") == nullptr) return;
  if (result) {
    std::fprintf(stderr, "%s: ok\n", what);
  } else {
    std::fprintf(stderr, "%s: %s (%s)\n", what, std::string(veil::error_code_name(result.error().code)).c_str(),
                 result.error().message.c_str());
  }
}

/// invariant aborts (a crash the fuzzer reports) when a property that must hold for every input does not.
inline void invariant(bool holds) {
  if (!holds) std::abort();
}

/// must unwraps a Result the harness set-up needs; set-up failure is a broken harness, not a finding.
template <class T>
T must(veil::Result<T> result) {
  if (!result) std::abort();
  return std::move(*result);
}

/// The RFC 9901 Appendix A.5 issuer key and the holder key of the sd-jwt-python settings (as in the core tests).
inline const veil::PrivateJwk& issuer_key() {
  static const veil::PrivateJwk key = must(veil::PrivateJwk::parse(veil::Json{
      {"kty", "EC"},
      {"crv", "P-256"},
      {"d", "Ur2bNKuBPOrAaxsRnbSH6hIhmNTxSGXshDSUD1a1y7g"},
      {"x", "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ"},
      {"y", "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}}));
  return key;
}
inline const veil::PrivateJwk& holder_key() {
  static const veil::PrivateJwk key = must(veil::PrivateJwk::parse(veil::Json{
      {"kty", "EC"},
      {"crv", "P-256"},
      {"d", "5K5SCos8zf9zRemGGUl6yfok-_NiiryNZsvANWMhF-I"},
      {"x", "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc"},
      {"y", "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}}));
  return key;
}
inline const veil::Signer& issuer_signer() {
  static const std::unique_ptr<veil::Signer> signer = must(veil::make_signer(issuer_key()));
  return *signer;
}
inline const veil::Signer& holder_signer() {
  static const std::unique_ptr<veil::Signer> signer = must(veil::make_signer(holder_key()));
  return *signer;
}
inline const veil::SignatureVerifier& issuer_verifier() {
  static const std::unique_ptr<veil::SignatureVerifier> verifier = must(veil::make_verifier(issuer_key().public_key()));
  return *verifier;
}
/// trust trusts the issuer key for kIss only.
inline const veil::TrustList& trust() {
  static const veil::TrustList list = must(veil::TrustList::parse(veil::Json{
      {"issuers", veil::Json::array({{{"iss", kIss}, {"jwks", {{"keys", veil::Json::array({issuer_key().public_key().to_json()})}}}}})}}));
  return list;
}
inline const veil::Clock& clock() {
  static const veil::FixedClock fixed(kNow);
  return fixed;
}

/// sign_raw signs the exact header and payload texts (not re-serialized, so the parser sees the fuzzer's bytes)
/// and returns "b64(header).b64(payload).b64(signature)".
inline std::string sign_raw(std::string_view header, std::string_view payload, const veil::Signer& signer) {
  std::string input = veil::base64url_encode(header) + "." + veil::base64url_encode(payload);
  auto signature = signer.sign({reinterpret_cast<const std::uint8_t*>(input.data()), input.size()});
  if (!signature) std::abort();
  return input + "." + veil::base64url_encode(*signature);
}

/// split_lines splits |input| at '\n' (seed files are readable: one JSON text per line).
inline std::vector<std::string_view> split_lines(std::string_view input) {
  std::vector<std::string_view> lines;
  while (true) {
    const std::size_t end = input.find('\n');
    lines.push_back(input.substr(0, end));
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  return lines;
}

/// replace_all replaces every |from| in |text| by |to|.
inline std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t hit = text.find(from, pos);
    out.append(text.substr(pos, hit - pos));
    if (hit == std::string_view::npos) break;
    out.append(to);
    pos = hit + from.size();
  }
  return out;
}

}  // namespace veil_fuzz
