#include "veil/platform/rate_limiter.h"

#include <algorithm>

namespace veil::platform {

bool RateLimiter::allow(std::string_view client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(std::string(client));
  if (found == buckets_.end()) {
    if (buckets_.size() >= max_clients_) make_room(now);
    found = buckets_.emplace(std::string(client), Bucket{limit_.burst, now}).first;
  }
  Bucket& bucket = found->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min(limit_.burst, bucket.tokens + std::max(0.0, elapsed) * limit_.per_second);
  bucket.updated = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

void RateLimiter::make_room(Clock::time_point now) {
  // A bucket that has refilled since it was last used says nothing a fresh one would not.
  const auto refill = std::chrono::duration<double>(limit_.burst / limit_.per_second);
  std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.updated >= refill; });
  if (buckets_.size() < max_clients_) return;
  const auto oldest = std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) {
    return a.second.updated < b.second.updated;
  });
  buckets_.erase(oldest);
}

}  // namespace veil::platform
