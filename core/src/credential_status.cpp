#include "veil/credential_status.h"

#include <limits>

namespace veil {

Result<CredentialStatus> CredentialStatus::parse(const Json& status_claim) {
  if (!status_claim.is_object()) return fail(ErrorCode::invalid_status_claim, "status is not an object");
  const auto status_list = status_claim.find("status_list");
  if (status_list == status_claim.end() || !status_list->is_object()) {
    return fail(ErrorCode::invalid_status_claim, "status has no status_list object");
  }
  const auto idx = status_list->find("idx");
  if (idx == status_list->end()) return fail(ErrorCode::invalid_status_claim, "status_list has no idx");
  // TSL §6.2: idx is a JSON Integer, zero or greater; floats (1.5, 1.0) and strings ("3") are not integers.
  // Parsed non-negative integers are unsigned in nlohmann, but a Json built in code may hold a signed one.
  const bool non_negative =
      idx->is_number_unsigned() || (idx->is_number_integer() && idx->get<std::int64_t>() >= 0);
  if (!non_negative) return fail(ErrorCode::status_index_out_of_range, "idx is not a non-negative integer");
  const std::uint64_t idx_value = idx->get<std::uint64_t>();
  if (idx_value > std::numeric_limits<std::size_t>::max()) {
    return fail(ErrorCode::status_index_out_of_range, "idx is too large");
  }
  const auto uri = status_list->find("uri");
  if (uri == status_list->end() || !uri->is_string() || uri->get_ref<const std::string&>().empty()) {
    return fail(ErrorCode::invalid_status_claim, "status_list has no uri string");
  }
  return CredentialStatus(StatusListReference{static_cast<std::size_t>(idx_value), uri->get<std::string>()});
}

Result<CredentialStatus> CredentialStatus::from_claims(const Json& claims) {
  if (!claims.is_object()) return fail(ErrorCode::invalid_status_claim, "claims are not an object");
  const auto status = claims.find("status");
  if (status == claims.end()) return fail(ErrorCode::invalid_status_claim, "token has no status claim");
  return parse(*status);
}

Result<Json> status_claim(const StatusListReference& reference) {
  if (reference.uri.empty()) return fail(ErrorCode::invalid_argument, "status list uri is empty");
  Json status_list = Json::object();
  status_list["idx"] = static_cast<std::uint64_t>(reference.idx);
  status_list["uri"] = reference.uri;
  Json out = Json::object();
  out["status_list"] = std::move(status_list);
  return out;
}

}  // namespace veil
