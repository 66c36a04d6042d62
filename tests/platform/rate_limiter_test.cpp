#include <catch2/catch.hpp>

#include "veil/platform/rate_limiter.h"

using veil::platform::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("a client gets its burst, then one request per interval [attack:H12]", "[rate_limiter][attack:H12]") {
  RateLimiter limiter({/*per_second=*/2, /*burst=*/3});
  const auto start = RateLimiter::Clock::time_point{} + 1h;
  CHECK(limiter.allow("10.0.0.1", start));
  CHECK(limiter.allow("10.0.0.1", start));
  CHECK(limiter.allow("10.0.0.1", start));
  CHECK_FALSE(limiter.allow("10.0.0.1", start));
  // Another client has its own bucket.
  CHECK(limiter.allow("10.0.0.2", start));
  // Half a second refills one token at 2 per second.
  CHECK(limiter.allow("10.0.0.1", start + 500ms));
  CHECK_FALSE(limiter.allow("10.0.0.1", start + 500ms));
}

TEST_CASE("the rate limiter tracks a bounded number of clients and keeps the busy ones", "[rate_limiter]") {
  RateLimiter limiter({/*per_second=*/1, /*burst=*/2}, /*max_clients=*/2);
  const auto start = RateLimiter::Clock::time_point{} + 1h;
  CHECK(limiter.allow("busy", start));
  CHECK(limiter.allow("busy", start));
  CHECK(limiter.allow("idle", start - 10s));
  // A third client evicts the idle one (its bucket refilled long ago), not the exhausted busy one.
  CHECK(limiter.allow("new", start));
  CHECK_FALSE(limiter.allow("busy", start));
}
