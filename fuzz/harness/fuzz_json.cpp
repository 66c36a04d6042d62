// fuzz_json: the bounded JSON reader every untrusted document goes through (core/src/json.cpp).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = veil_fuzz::text(data, size);
  (void)veil::json_depth(input);

  auto parsed = veil::parse_json(input);
  if (parsed) {
    // What parse_json accepts, it accepts again after a round trip, at no greater depth.
    const std::string dumped = parsed->dump();
    auto again = veil::parse_json(dumped);
    veil_fuzz::invariant(again.has_value() && *again == *parsed);
    veil_fuzz::invariant(veil::json_depth(dumped) <= 32);
  }
  // Tight limits reach the depth and size checks with small inputs.
  (void)veil::parse_json(input, veil::JsonLimits{64, 3});
  (void)veil::parse_json_object(input, veil::ErrorCode::invalid_argument, veil::JsonLimits{4096, 8});
  return 0;
}
