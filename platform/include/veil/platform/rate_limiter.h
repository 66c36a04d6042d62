// RateLimiter: a token bucket per client address, so that one client cannot flood a service's endpoints that
// create state or cost signatures (ATTACKS H12).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace veil::platform {

/// RateLimit is a sustained rate with a burst allowance: a client may make |burst| requests at once, then one per
/// 1/|per_second| seconds.
struct RateLimit {
  double per_second = 20;
  double burst = 200;
};

/// RateLimiter tracks at most |max_clients| addresses. When that many are tracked, the ones whose bucket has
/// refilled (idle clients) are forgotten; if none has, the least recently seen one is. Thread-safe.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit, std::size_t max_clients = 10000) : limit_(limit), max_clients_(max_clients) {}

  /// allow takes one token from |client|'s bucket at |now| and tells whether there was one.
  [[nodiscard]] bool allow(std::string_view client, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  void make_room(Clock::time_point now);

  RateLimit limit_;
  std::size_t max_clients_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace veil::platform
