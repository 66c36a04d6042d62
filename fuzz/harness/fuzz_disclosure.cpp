// fuzz_disclosure: one encoded Disclosure (RFC 9901 §4.2): base64url of a JSON array [salt, name, value] or
// [salt, value]. The input is tried as it is and, so that the fuzzer reaches the JSON rules directly, base64url-encoded.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/disclosure.h"

namespace {

void check(std::string_view encoded) {
  auto disclosure = veil::Disclosure::parse(encoded);
  if (!disclosure) return;
  // The digest covers the string as received (§4.2.3), never a re-serialization.
  veil_fuzz::invariant(disclosure->encoded() == encoded);
  (void)disclosure->digest(veil::HashAlg::sha_256);
  if (disclosure->claim_name()) {
    veil_fuzz::invariant(*disclosure->claim_name() != "_sd" && *disclosure->claim_name() != "...");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = veil_fuzz::text(data, size);
  check(input);
  check(veil::base64url_encode(input));
  (void)veil::Disclosure::parse(veil::base64url_encode(input), veil::JsonLimits{256, 4});
  return 0;
}
