// Internal: the JWT validity claims exp, nbf and iat (RFC 7519 §4.1.4–4.1.6) checked against a clock with skew.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "veil/error.h"
#include "veil/json.h"

namespace veil {

/// read_numeric_date returns the member |name| of |claims| as seconds when it is present and a JSON number,
/// std::nullopt when it is absent, and fails with invalid_time_claim when it is present but not a number.
Result<std::optional<double>> read_numeric_date(const Json& claims, std::string_view name);

/// check_time_claims checks exp, nbf and iat of |claims| at |now| with |skew_seconds| of tolerance. Fails with
/// invalid_time_claim for a non-numeric value, token_expired when exp <= now - skew (a token is dead at the
/// instant exp names: RFC 7519 §4.1.4 "on or after"), token_not_yet_valid when nbf > now + skew and
/// issued_in_future when iat > now + skew. Absent claims are not required.
Status check_time_claims(const Json& claims, std::int64_t now, std::int64_t skew_seconds);

}  // namespace veil
