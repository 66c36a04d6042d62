// StatusChecker: the Token Status List check of a verified credential (draft-ietf-oauth-status-list §8.3):
// fetch the Status List Token its status claim names, verify it with the issuer's keys, cache it, look up idx.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "veil/clock.h"
#include "veil/credential_status.h"
#include "veil/error.h"
#include "veil/platform/http_client.h"
#include "veil/status_list_token.h"

namespace veil::verifier {

class TrustedIssuers;

/// StatusCheckerOptions bound fetching and caching of Status List Tokens.
struct StatusCheckerOptions {
  /// https only unless allow_loopback_http; the token is compressed, so 1 MiB is plenty (inflate is capped
  /// separately by token_policy.limits).
  platform::FetchPolicy fetch{false, std::chrono::milliseconds(5000), 1024 * 1024};
  /// A verified token is cached for min(ttl, exp - now) clamped to [min, max] (TSL §11.5; ATTACKS.md L9): a
  /// ttl of 0 does not make every verification fetch, a ttl of 10^9 does not pin a list for decades. Without
  /// ttl or exp, max applies. Never beyond exp.
  std::int64_t min_cache_seconds = 30;
  std::int64_t max_cache_seconds = 86400;
  /// Failures are not cached longer than this, so an unreachable status host is not hammered.
  std::int64_t failure_cache_seconds = 10;
  /// Bound on distinct cached lists; the oldest entry goes first.
  std::size_t max_cached_lists = 1024;
  StatusListTokenPolicy token_policy;
};

/// StatusChecker is safe to share between threads; a fetch happens outside its lock.
class StatusChecker {
 public:
  /// |issuers| and |clock| must outlive the checker.
  StatusChecker(const TrustedIssuers& issuers, const Clock& clock, StatusCheckerOptions options = {});

  StatusChecker(const StatusChecker&) = delete;
  StatusChecker& operator=(const StatusChecker&) = delete;

  /// check verifies the status of a credential of |iss| (already verified) that references |reference|.
  /// Succeeds only for VALID. Fails with credential_revoked (0x01 INVALID), credential_suspended (0x02), and
  /// for any other status value with credential_revoked too (an application-specific value is never read as
  /// valid); with the fetch errors (url_not_allowed, fetch_failed, unexpected_http_status, response_too_large:
  /// the verifier cannot make a statement, so it rejects, TSL §8.3); with the trust errors of
  /// TrustedIssuers::keys_for; and with verify_status_list_token's and status_index_out_of_range.
  [[nodiscard]] Status check(const std::string& iss, const StatusListReference& reference) const;

  /// fetch_count is how many Status List Tokens were fetched from the network (tests and metrics).
  std::size_t fetch_count() const;

 private:
  struct CachedList {
    std::shared_ptr<const StatusList> list;  // null after a failure
    std::optional<Error> failure;
    std::int64_t expires_at = 0;
    std::uint64_t inserted = 0;
    bool fetching = false;  // one thread fetches; the others use the stale list or wait for it
  };
  Result<std::shared_ptr<const StatusList>> list_for(const std::string& iss, const std::string& uri) const;
  Result<StatusListTokenClaims> fetch(const std::string& iss, const std::string& uri) const;
  void make_room() const;  // with mutex_ held

  const TrustedIssuers& issuers_;
  const Clock& clock_;
  StatusCheckerOptions options_;
  platform::HttpClient client_;
  mutable std::mutex mutex_;
  mutable std::condition_variable fetched_;
  mutable std::map<std::string, CachedList, std::less<>> cache_;
  mutable std::uint64_t insertions_ = 0;
  mutable std::size_t fetch_count_ = 0;
};

}  // namespace veil::verifier
