// fuzz_jws: a compact JWS (RFC 7515 §7.1) as every JWT Veil receives starts: the RFC 8725 header rules, the
// payload and signature verification with a fixed ES256 key.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/jws.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = veil_fuzz::text(data, size);
  auto jws = veil::UnverifiedJws::parse_compact(input);
  if (jws) {
    veil_fuzz::invariant(jws->compact() == input);
    veil_fuzz::invariant(jws->unverified_payload().is_object());
    (void)jws->kid();
    (void)jws->typ();
    auto verified = jws->verify(veil_fuzz::issuer_verifier());
    if (verified) veil_fuzz::invariant(verified->payload() == jws->unverified_payload());
    // The JSON serialization's three members go through the same checks.
    const std::size_t first = input.find('.');
    const std::size_t second = input.find('.', first + 1);
    auto parts = veil::UnverifiedJws::parse_parts(input.substr(0, first), input.substr(first + 1, second - first - 1),
                                                  input.substr(second + 1));
    veil_fuzz::invariant(parts.has_value());
    (void)std::move(*parts).verify(veil_fuzz::issuer_verifier());
  }
  return 0;
}
