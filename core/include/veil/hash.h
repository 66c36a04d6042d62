// Hash algorithms by their IANA "Named Information Hash Algorithm" names, as _sd_alg uses them (RFC 9901 §4.1.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"

namespace veil {

/// HashAlg lists the hash functions Veil accepts for disclosure digests and sd_hash. Truncated variants
/// (sha-256-32, ...) are deliberately absent: RFC 9901 §9.4 requires a preimage-resistant hash.
enum class HashAlg { sha_256, sha_384, sha_512 };

/// parse_hash_alg maps "sha-256" / "sha-384" / "sha-512" to a HashAlg; anything else fails with
/// unsupported_sd_alg.
Result<HashAlg> parse_hash_alg(std::string_view name);

/// hash_alg_name returns the IANA name ("sha-256").
std::string_view hash_alg_name(HashAlg alg);

/// hash_bytes returns the raw digest of |data|.
std::vector<std::uint8_t> hash_bytes(HashAlg alg, std::string_view data);

/// hash_base64url returns base64url(hash(|data|)): the form of disclosure digests and sd_hash.
std::string hash_base64url(HashAlg alg, std::string_view data);

}  // namespace veil
