// fuzz_status_list_token: a Status List Token as a verifier fetches it (draft-ietf-oauth-status-list §5.1, §8.3).
// Input without a newline is a raw compact JWT; "header\npayload" (JSON texts kept byte for byte) is signed with
// the trusted key first, so the claim, time and status_list rules run past the signature.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/jws.h"
#include "veil/status_list_token.h"

namespace {

constexpr char kListUri[] = "https://issuer.example.com/status/1";

void check(std::string_view compact) {
  auto token = veil::UnverifiedJws::parse_compact(compact);
  if (!token) return;
  veil::StatusListTokenPolicy policy;
  policy.limits.max_bytes = 160 << 10;  // the 1-bit vector (2^20 statuses) fits; keeps a bomb cheap
  (void)veil::parse_status_list_token_claims(token->unverified_payload(), policy.limits);
  auto claims = veil::verify_status_list_token(*token, veil_fuzz::issuer_verifier(), kListUri, veil_fuzz::clock(), policy);
  veil_fuzz::explain("verify_status_list_token", claims);
  if (!claims) return;
  for (const std::size_t idx : {std::size_t{7}, claims->status_list.size()}) {
    auto status = veil::check_token_status(*token, veil_fuzz::issuer_verifier(), {idx, kListUri}, veil_fuzz::clock(), policy);
    veil_fuzz::invariant(status.has_value() == (idx < claims->status_list.size()));
    if (status) (void)veil::status_type(*status);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = veil_fuzz::text(data, size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) {
    check(input);
  } else {
    check(veil_fuzz::sign_raw(input.substr(0, newline), input.substr(newline + 1), veil_fuzz::issuer_signer()));
  }
  return 0;
}
