#include "issuer/credential_admin.h"

#include <charconv>

namespace veil::issuer {
namespace {

using platform::http_fail;

constexpr std::size_t kDefaultPageSize = 100;
constexpr std::size_t kMaxPageSize = 1000;

template <class Int>
platform::HttpResult<Int> query_integer(const std::multimap<std::string, std::string>& query, const std::string& name,
                                        Int fallback, Int min, Int max) {
  if (query.count(name) > 1) return http_fail(400, "invalid_request", name + " is repeated");
  const auto found = query.find(name);
  if (found == query.end()) return fallback;
  Int value{};
  const std::string& text = found->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return http_fail(400, "invalid_request", name + " must be an integer from " + std::to_string(min) + " to " +
                                                 std::to_string(max));
  }
  return value;
}

}  // namespace

Json issued_credential_json(const IssuerContext& context, const IssuedCredentialRecord& record) {
  Json out = {{"id", record.credential_id},
              {"credential_configuration_id", record.credential_configuration_id},
              {"holder_key_thumbprint", record.holder_key_thumbprint},
              {"status", credential_status_name(record.status)},
              {"status_list",
               {{"uri", context.issuer_id() + "/status/" + std::to_string(record.status_reference.list_id)},
                {"idx", record.status_reference.index}}},
              {"issued_at", record.issued_at},
              {"status_changed_at", record.status_changed_at}};
  if (record.expires_at) out["expires_at"] = *record.expires_at;
  return out;
}

platform::HttpResult<Json> list_credentials(const IssuerContext& context,
                                            const std::multimap<std::string, std::string>& query) {
  for (const auto& [name, value] : query) {
    if (name != "cursor" && name != "limit") return http_fail(400, "invalid_request", "unknown parameter " + name);
  }
  auto cursor = query_integer<std::int64_t>(query, "cursor", 0, 0, std::numeric_limits<std::int64_t>::max());
  if (!cursor) return tl::unexpected(cursor.error());
  auto limit = query_integer<std::size_t>(query, "limit", kDefaultPageSize, 1, kMaxPageSize);
  if (!limit) return tl::unexpected(limit.error());
  auto page = context.store.list_issued_credentials(*cursor, *limit);
  if (!page) return tl::unexpected(storage_failure());
  Json answer = {{"credentials", Json::array()}};
  for (const auto& record : page->records) answer["credentials"].push_back(issued_credential_json(context, record));
  if (page->next_cursor) answer["next_cursor"] = *page->next_cursor;
  return answer;
}

platform::HttpResult<Json> change_credential_status(const IssuerContext& context, std::string_view credential_id,
                                                    std::string_view action) {
  CredentialStatus status;
  if (action == "revoke") {
    status = CredentialStatus::invalid;
  } else if (action == "suspend") {
    status = CredentialStatus::suspended;
  } else if (action == "reinstate") {
    status = CredentialStatus::valid;
  } else {
    return http_fail(404, "not_found", "actions are revoke, suspend and reinstate");
  }
  auto record = context.store.set_credential_status(credential_id, status, context.clock.now());
  if (!record) {
    switch (record.error().code) {
      case ErrorCode::not_found: return http_fail(404, "not_found", "no issued credential has this id");
      case ErrorCode::status_transition_not_allowed:
        return http_fail(409, "status_transition_not_allowed", record.error().message);
      default: return tl::unexpected(storage_failure());
    }
  }
  return issued_credential_json(context, *record);
}

}  // namespace veil::issuer
