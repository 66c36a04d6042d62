#include "verifier/trusted_issuers.h"

#include <algorithm>

#include "veil/platform/jwt_vc_issuer_metadata.h"

namespace veil::verifier {

namespace {

constexpr std::int64_t kMaxKeysTtlSeconds = 86400;
constexpr std::int64_t kMaxFailureTtlSeconds = 3600;

Result<std::shared_ptr<const IssuerKeyResolver>> single_issuer(const std::string& iss, const Json& jwks) {
  VEIL_TRY(auto list, TrustList::parse(Json{{"issuers", Json::array({Json{{"iss", iss}, {"jwks", jwks}}})}}));
  return std::shared_ptr<const IssuerKeyResolver>(std::make_shared<const TrustList>(std::move(list)));
}

}  // namespace

TrustedIssuers::TrustedIssuers(const Clock& clock, TrustedIssuersOptions options)
    : clock_(clock), options_(options), client_(options.fetch) {
  options_.keys_ttl_seconds = std::clamp<std::int64_t>(options_.keys_ttl_seconds, 1, kMaxKeysTtlSeconds);
  options_.failure_ttl_seconds = std::clamp<std::int64_t>(options_.failure_ttl_seconds, 1, kMaxFailureTtlSeconds);
}

Result<std::unique_ptr<TrustedIssuers>> TrustedIssuers::create(const Json& trust_document, const Clock& clock,
                                                               TrustedIssuersOptions options) {
  // TrustList::parse checks the whole document (shape, keys, duplicates) before anything is kept.
  VEIL_TRY(const auto checked, TrustList::parse(trust_document));
  (void)checked;
  std::unique_ptr<TrustedIssuers> issuers(new TrustedIssuers(clock, options));
  for (const Json& entry : trust_document.at("issuers")) {
    const std::string iss = entry.at("iss").get<std::string>();
    if (entry.contains("resolve")) {
      issuers->metadata_issuers_.push_back(iss);
      continue;
    }
    VEIL_TRY(auto keys, single_issuer(iss, entry.at("jwks")));
    issuers->pinned_.emplace(iss, std::move(keys));
  }
  return issuers;
}

bool TrustedIssuers::is_listed(const std::string& iss) const {
  return pinned_.contains(iss) ||
         std::find(metadata_issuers_.begin(), metadata_issuers_.end(), iss) != metadata_issuers_.end();
}

std::vector<std::string> TrustedIssuers::issuers() const {
  std::vector<std::string> all;
  for (const auto& [iss, keys] : pinned_) all.push_back(iss);
  all.insert(all.end(), metadata_issuers_.begin(), metadata_issuers_.end());
  std::sort(all.begin(), all.end());
  return all;
}

std::size_t TrustedIssuers::fetch_count() const {
  std::lock_guard lock(mutex_);
  return fetch_count_;
}

Result<std::shared_ptr<const IssuerKeyResolver>> TrustedIssuers::fetch_keys(const std::string& iss) const {
  // VC §4.3: the metadata URL comes from iss, "issuer" must equal iss, a jwks_uri stays on iss's origin.
  VEIL_TRY(const auto metadata, platform::fetch_jwt_vc_issuer_metadata(client_, iss));
  if (metadata.issuer != iss) {
    return fail(ErrorCode::invalid_issuer_metadata, "issuer metadata names another issuer");  // ATTACKS V5
  }
  return single_issuer(iss, metadata.jwks());
}

Result<std::shared_ptr<const IssuerKeyResolver>> TrustedIssuers::keys_for(const std::string& iss) const {
  if (const auto pinned = pinned_.find(iss); pinned != pinned_.end()) return pinned->second;
  // Only issuers of the trust file are ever resolved: a credential's iss never names a URL we fetch (V4, V6).
  if (std::find(metadata_issuers_.begin(), metadata_issuers_.end(), iss) == metadata_issuers_.end()) {
    return fail(ErrorCode::untrusted_issuer, "issuer is not trusted");
  }
  std::unique_lock lock(mutex_);
  CacheEntry& entry = cache_[iss];
  for (;;) {
    if (clock_.now() < entry.expires_at) {
      if (entry.keys) return entry.keys;
      if (entry.failure) return tl::unexpected(*entry.failure);
    }
    if (!entry.fetching) break;
    // Another thread is fetching: serve the keys it is replacing, or wait for its outcome.
    if (entry.keys) return entry.keys;
    fetched_.wait(lock);
  }
  entry.fetching = true;
  ++fetch_count_;
  lock.unlock();
  auto fetched = fetch_keys(iss);
  lock.lock();
  entry.fetching = false;
  if (fetched) {
    entry.keys = *fetched;
    entry.failure.reset();
    entry.expires_at = clock_.now() + options_.keys_ttl_seconds;
  } else {
    // A failing issuer is remembered for a short while so that a burst of presentations does not hammer it.
    entry.keys.reset();
    entry.failure = fetched.error();
    entry.expires_at = clock_.now() + options_.failure_ttl_seconds;
  }
  fetched_.notify_all();
  return fetched;
}

}  // namespace veil::verifier
