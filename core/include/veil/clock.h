// Clock: where Veil gets "now" from, so that every time rule can be tested with a fixed time.
#pragma once

#include <cstdint>

namespace veil {

/// Clock answers the current time in seconds since the Unix epoch (the NumericDate of RFC 7519).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now() const = 0;
};

/// SystemClock reads the real time.
class SystemClock final : public Clock {
 public:
  std::int64_t now() const override;
};

/// FixedClock always answers the time it was given; tests and `--now T` use it.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t now) : now_(now) {}
  std::int64_t now() const override { return now_; }

 private:
  std::int64_t now_;
};

}  // namespace veil
