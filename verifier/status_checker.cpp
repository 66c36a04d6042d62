#include "verifier/status_checker.h"

#include <algorithm>
#include <cctype>

#include "verifier/trusted_issuers.h"
#include "veil/jws.h"

namespace veil::verifier {

namespace {

constexpr char kStatusListTokenMediaType[] = "application/statuslist+jwt";

std::string cache_key(const std::string& iss, const std::string& uri) { return iss + '\n' + uri; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool is_wrong_key(ErrorCode code) { return code == ErrorCode::invalid_signature || code == ErrorCode::alg_not_allowed; }

}  // namespace

StatusChecker::StatusChecker(const TrustedIssuers& issuers, const Clock& clock, StatusCheckerOptions options)
    : issuers_(issuers), clock_(clock), options_(std::move(options)), client_(options_.fetch) {
  options_.min_cache_seconds = std::max<std::int64_t>(options_.min_cache_seconds, 0);
  options_.max_cache_seconds = std::max(options_.max_cache_seconds, options_.min_cache_seconds);
  options_.failure_cache_seconds = std::clamp<std::int64_t>(options_.failure_cache_seconds, 0, 3600);
  options_.max_cached_lists = std::max<std::size_t>(options_.max_cached_lists, 1);
}

std::size_t StatusChecker::fetch_count() const {
  std::lock_guard lock(mutex_);
  return fetch_count_;
}

Result<StatusListTokenClaims> StatusChecker::fetch(const std::string& iss, const std::string& uri) const {
  // TSL §8.1: GET the uri with Accept application/statuslist+jwt; HttpClient never follows a redirect (L9).
  VEIL_TRY(const auto response, client_.get(uri, kStatusListTokenMediaType));
  VEIL_CHECK(platform::expect_status(response, 200, "status list token"));
  if (platform::media_type_of(response.content_type) != kStatusListTokenMediaType) {
    return fail(ErrorCode::invalid_status_list_token, "status list answer is not application/statuslist+jwt");
  }
  VEIL_TRY(auto token, UnverifiedJws::parse_compact(trim(response.body)));
  // TSL §8.3 step 3: the token must be signed by the issuer of the Referenced Token, with a trusted key.
  VEIL_TRY(const auto keys, issuers_.keys_for(iss));
  VEIL_TRY(const auto candidates, keys->candidates(iss, token.kid()));
  Result<StatusListTokenClaims> verified = fail(ErrorCode::unknown_key, "no trusted key verifies the status list");
  for (const SignatureVerifier* candidate : candidates) {
    verified = verify_status_list_token(token, *candidate, uri, clock_, options_.token_policy);
    if (verified || !is_wrong_key(verified.error().code)) break;
  }
  if (!verified) return verified;
  if (verified->issuer && *verified->issuer != iss) {
    return fail(ErrorCode::invalid_status_list_token, "status list token iss is not the credential's issuer");
  }
  return verified;
}

void StatusChecker::make_room() const {
  // The oldest entry that no thread is fetching goes first.
  auto oldest = cache_.end();
  for (auto it = cache_.begin(); it != cache_.end(); ++it) {
    if (it->second.fetching) continue;
    if (oldest == cache_.end() || it->second.inserted < oldest->second.inserted) oldest = it;
  }
  if (oldest != cache_.end()) cache_.erase(oldest);
}

Result<std::shared_ptr<const StatusList>> StatusChecker::list_for(const std::string& iss, const std::string& uri) const {
  const std::string key = cache_key(iss, uri);
  std::unique_lock lock(mutex_);
  for (;;) {
    auto found = cache_.find(key);
    if (found == cache_.end()) {
      if (cache_.size() >= options_.max_cached_lists) make_room();
      found = cache_.emplace(key, CachedList{}).first;
    }
    CachedList& entry = found->second;
    if (clock_.now() < entry.expires_at) {
      if (entry.list) return entry.list;
      if (entry.failure) return tl::unexpected(*entry.failure);
    }
    if (!entry.fetching) {
      entry.fetching = true;
      break;
    }
    // Another thread is fetching this list: use the one it replaces, or wait for its outcome.
    if (entry.list) return entry.list;
    fetched_.wait(lock);
  }
  ++fetch_count_;
  lock.unlock();
  auto fetched = fetch(iss, uri);
  const std::int64_t now = clock_.now();
  lock.lock();
  CachedList& entry = cache_[key];  // a fetching entry is never evicted
  entry.fetching = false;
  entry.inserted = ++insertions_;
  fetched_.notify_all();
  if (!fetched) {
    entry.list.reset();
    entry.failure = fetched.error();
    entry.expires_at = now + options_.failure_cache_seconds;
    return tl::unexpected(fetched.error());
  }
  // TSL §11.5 / ATTACKS L9: cache for ttl clamped to [min, max] (max without ttl), and never past exp.
  std::int64_t lifetime = std::clamp(fetched->ttl_seconds.value_or(options_.max_cache_seconds),
                                     options_.min_cache_seconds, options_.max_cache_seconds);
  if (fetched->expires_at) lifetime = std::min(lifetime, std::max<std::int64_t>(*fetched->expires_at - now, 0));
  entry.list = std::make_shared<const StatusList>(std::move(fetched->status_list));
  entry.failure.reset();
  entry.expires_at = now + lifetime;
  return entry.list;
}

Status StatusChecker::check(const std::string& iss, const StatusListReference& reference) const {
  VEIL_TRY(const auto list, list_for(iss, reference.uri));
  VEIL_TRY(const std::uint8_t value, list->get(reference.idx));
  switch (status_type(value)) {
    case StatusType::valid: return {};
    case StatusType::invalid: return fail(ErrorCode::credential_revoked, "the credential has been revoked");
    case StatusType::suspended: return fail(ErrorCode::credential_suspended, "the credential is suspended");
    case StatusType::other: break;
  }
  // TSL §7: an application-specific value is never read as valid.
  return fail(ErrorCode::credential_revoked, "the credential's status is not valid (application-specific value)");
}

}  // namespace veil::verifier
