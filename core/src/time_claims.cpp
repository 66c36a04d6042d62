#include "time_claims.h"

namespace veil {

Result<std::optional<double>> read_numeric_date(const Json& claims, std::string_view name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::optional<double>{};
  // RFC 7519 §2 NumericDate: a JSON number, possibly non-integer. Strings ("1700000000") and booleans are not.
  if (!it->is_number()) return fail(ErrorCode::invalid_time_claim, "time claim is not a number");
  return std::optional<double>{it->get<double>()};
}

Status check_time_claims(const Json& claims, std::int64_t now, std::int64_t skew_seconds) {
  // Doubles hold every NumericDate of this era exactly; far-future or huge values only compare, never wrap.
  const double earliest = static_cast<double>(now) - static_cast<double>(skew_seconds);
  const double latest = static_cast<double>(now) + static_cast<double>(skew_seconds);

  VEIL_TRY(const auto exp, read_numeric_date(claims, "exp"));
  VEIL_TRY(const auto nbf, read_numeric_date(claims, "nbf"));
  VEIL_TRY(const auto iat, read_numeric_date(claims, "iat"));
  if (exp && *exp <= earliest) return fail(ErrorCode::token_expired, "token has expired");
  if (nbf && *nbf > latest) return fail(ErrorCode::token_not_yet_valid, "token is not yet valid");
  if (iat && *iat > latest) return fail(ErrorCode::issued_in_future, "token was issued in the future");
  return {};
}

}  // namespace veil
