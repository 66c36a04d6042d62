// Metrics: counters, gauges and latency histograms with label sets, rendered in the Prometheus text exposition
// format 0.0.4 for GET /metrics. Never a label value that comes from a person: codes, routes, outcomes only.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "veil/error.h"

namespace veil::platform {

/// kPrometheusContentType is the Content-Type of a text exposition (format 0.0.4).
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

/// Labels is one label set, e.g. {{"outcome", "failed"}, {"code", "sd_hash_mismatch"}}. Order does not matter:
/// the same pairs in another order name the same series.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// kLatencyBucketsSeconds are the default histogram bounds: 100 us to 10 s, dense where a verification lies.
inline const std::vector<double> kLatencyBucketsSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                          0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5,
                                                          5,      10};

/// Counter is one monotonically increasing series; increment is a relaxed atomic add.
class Counter {
 public:
  void increment(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// Gauge is one series that goes up and down (stored as a double).
class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Histogram counts observations into fixed buckets (upper bounds, ascending) plus +Inf; observe is lock-free.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  /// observe records |value| (for latencies: seconds).
  void observe(double value);
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  /// cumulative_counts returns, per upper bound and then +Inf, how many observations were <= it.
  std::vector<std::uint64_t> cumulative_counts() const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // one per bound plus +Inf, not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// Metrics is a registry of metric families, each a name, a help text, a type and its series by label set.
/// Safe to share between threads: looking up an existing series takes a shared lock, creating one an exclusive
/// lock; the returned references stay valid for the life of the registry, so hot paths may keep them.
class Metrics {
 public:
  /// kMaxSeriesPerFamily bounds the label sets of one family; beyond it, updates go to one overflow series
  /// labelled {overflow="true"} (a bug feeding unbounded values must not grow memory without end).
  static constexpr std::size_t kMaxSeriesPerFamily = 1000;

  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  /// describe_counter / describe_gauge / describe_histogram declare a family with its HELP text (and buckets).
  /// Fails with invalid_argument for a name outside [a-zA-Z_:][a-zA-Z0-9_:]*, unsorted or empty buckets, or a
  /// name already declared with another type. Declaring the same family again with the same type is a no-op.
  Status describe_counter(std::string_view name, std::string_view help);
  Status describe_gauge(std::string_view name, std::string_view help);
  Status describe_histogram(std::string_view name, std::string_view help,
                            std::vector<double> upper_bounds = kLatencyBucketsSeconds);

  /// counter / gauge / histogram return the series |labels| of family |name|, declaring the family (without
  /// help, default buckets) on first use. A name or label name that is not valid, or a family used with another
  /// type, returns a detached series that is never rendered (a programming error must not break /metrics).
  Counter& counter(std::string_view name, const Labels& labels = {});
  Gauge& gauge(std::string_view name, const Labels& labels = {});
  Histogram& histogram(std::string_view name, const Labels& labels = {});

  /// render returns the text exposition: per family (sorted by name) "# HELP", "# TYPE" and one line per series
  /// (sorted by labels); histograms as name_bucket{le=...} (cumulative, ending with +Inf), name_sum, name_count.
  /// Label values are escaped (\\, \", \n).
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Series {
    Labels labels;  // sorted by name
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Type type = Type::counter;
    std::string help;
    std::vector<double> upper_bounds;
    std::map<std::string, Series, std::less<>> series;  // keyed by the rendered label set
  };
  Status describe(std::string_view name, std::string_view help, Type type, std::vector<double> upper_bounds);
  Series* find_or_create(std::string_view name, const Labels& labels, Type type);

  mutable std::shared_mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  Counter detached_counter_;
  Gauge detached_gauge_;
  Histogram detached_histogram_{kLatencyBucketsSeconds};
};

}  // namespace veil::platform
