// fuzz_status_list_inflate: the "lst" member of a Status List (draft-ietf-oauth-status-list §4.2): the first byte
// picks "bits", the rest is the zlib stream itself (the harness base64url-encodes it), so the fuzzer works on
// DEFLATE directly: truncated streams, trailing bytes, bombs.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/status_list.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr int kBits[] = {1, 2, 4, 8, 0, 3, 16, -1};
  const int bits = kBits[data[0] % 8];
  const std::string lst = veil::base64url_encode(veil_fuzz::text(data + 1, size - 1));
  veil::StatusListLimits limits;
  limits.max_bytes = 1 << 16;  // small: a bomb stops early and every run stays fast
  auto list = veil::StatusList::decode_lst(bits, lst, limits);
  if (list) {
    veil_fuzz::invariant(list->size() == list->bytes().size() * 8 / static_cast<std::size_t>(list->bits()));
    (void)list->get(0);
    (void)list->get(list->size() - 1);
    veil_fuzz::invariant(!list->get(list->size()).has_value());
    // Compressing again gives a list with the same bytes (level 9 is slow: only for small lists).
    if (list->bytes().size() > 4096) return 0;
    auto again = veil::StatusList::decode_lst(bits, veil_fuzz::must(list->lst()), limits);
    veil_fuzz::invariant(again.has_value() && again->bytes() == list->bytes());
    veil_fuzz::invariant(list->set(0, 1).has_value());
    return 0;
  }
  // The same stream through the JSON member reader (when the first did not accept it, this one must not either).
  veil_fuzz::invariant(!veil::StatusList::decode(veil::Json{{"bits", bits}, {"lst", lst}}, limits).has_value());
  return 0;
}
