#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "veil/platform/metrics.h"

using veil::platform::Metrics;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("a labelled counter renders with HELP, TYPE and one line per label set", "[metrics]") {
  Metrics metrics;
  REQUIRE(metrics.describe_counter("veil_verifications_total", "Presentations verified, by outcome and code"));
  metrics.counter("veil_verifications_total", {{"outcome", "verified"}, {"code", "none"}}).increment();
  metrics.counter("veil_verifications_total", {{"outcome", "failed"}, {"code", "sd_hash_mismatch"}}).increment(2);
  // The same pairs in another order are the same series.
  metrics.counter("veil_verifications_total", {{"code", "sd_hash_mismatch"}, {"outcome", "failed"}}).increment();
  const std::string text = metrics.render();
  CHECK(has_line(text, "# HELP veil_verifications_total Presentations verified, by outcome and code"));
  CHECK(has_line(text, "# TYPE veil_verifications_total counter"));
  CHECK(has_line(text, "veil_verifications_total{code=\"sd_hash_mismatch\",outcome=\"failed\"} 3"));
  CHECK(has_line(text, "veil_verifications_total{code=\"none\",outcome=\"verified\"} 1"));
}

TEST_CASE("a histogram renders cumulative buckets ending with +Inf, _sum and _count", "[metrics]") {
  Metrics metrics;
  REQUIRE(metrics.describe_histogram("veil_verification_duration_seconds", "Time per verification", {0.001, 0.01}));
  auto& histogram = metrics.histogram("veil_verification_duration_seconds");
  histogram.observe(0.0005);
  histogram.observe(0.001);  // le is inclusive
  histogram.observe(0.005);
  histogram.observe(2);
  const std::string text = metrics.render();
  CHECK(has_line(text, "# TYPE veil_verification_duration_seconds histogram"));
  CHECK(has_line(text, "veil_verification_duration_seconds_bucket{le=\"0.001\"} 2"));
  CHECK(has_line(text, "veil_verification_duration_seconds_bucket{le=\"0.01\"} 3"));
  CHECK(has_line(text, "veil_verification_duration_seconds_bucket{le=\"+Inf\"} 4"));
  CHECK(has_line(text, "veil_verification_duration_seconds_count 4"));
  CHECK(text.find("veil_verification_duration_seconds_sum 2.0065") != std::string::npos);
}

TEST_CASE("a labelled histogram puts le after its own labels", "[metrics]") {
  Metrics metrics;
  REQUIRE(metrics.describe_histogram("veil_http_request_duration_seconds", "", {0.5}));
  metrics.histogram("veil_http_request_duration_seconds", {{"route", "/v1/verify"}}).observe(0.1);
  const std::string text = metrics.render();
  CHECK(has_line(text, "veil_http_request_duration_seconds_bucket{route=\"/v1/verify\",le=\"0.5\"} 1"));
  CHECK(has_line(text, "veil_http_request_duration_seconds_count{route=\"/v1/verify\"} 1"));
}

TEST_CASE("label values are escaped as the exposition format requires", "[metrics]") {
  Metrics metrics;
  metrics.counter("odd_total", {{"v", "a\"b\\c\nd"}}).increment();
  CHECK(has_line(metrics.render(), "odd_total{v=\"a\\\"b\\\\c\\nd\"} 1"));
}

TEST_CASE("invalid names are refused and never rendered", "[metrics]") {
  Metrics metrics;
  CHECK(metrics.describe_counter("bad name", "x").error().code == veil::ErrorCode::invalid_argument);
  CHECK(metrics.describe_histogram("h", "x", {2, 1}).error().code == veil::ErrorCode::invalid_argument);
  metrics.counter("9starts_with_digit").increment();
  metrics.counter("ok_total", {{"bad-label", "x"}}).increment();
  metrics.counter("ok_total", {{"__reserved", "x"}}).increment();
  REQUIRE(metrics.describe_gauge("g", "a gauge"));
  metrics.counter("g").increment();  // used with another type
  const std::string text = metrics.render();
  CHECK(text.find("9starts") == std::string::npos);
  CHECK(text.find("ok_total") == std::string::npos);
  CHECK(text.find("g{") == std::string::npos);
  CHECK(metrics.describe_counter("g", "now a counter").error().code == veil::ErrorCode::invalid_argument);
}

TEST_CASE("gauges render their current value", "[metrics]") {
  Metrics metrics;
  metrics.gauge("veil_pending_transactions").set(3);
  metrics.gauge("veil_pending_transactions").add(-1);
  CHECK(has_line(metrics.render(), "veil_pending_transactions 2"));
}

TEST_CASE("a family keeps a bounded number of series and counts the rest as overflow", "[metrics]") {
  Metrics metrics;
  for (std::size_t i = 0; i < Metrics::kMaxSeriesPerFamily + 5; ++i) {
    metrics.counter("many_total", {{"id", std::to_string(i)}}).increment();
  }
  const std::string text = metrics.render();
  CHECK(has_line(text, "many_total{overflow=\"true\"} 5"));
}

TEST_CASE("counters and histograms are exact under concurrent updates", "[metrics]") {
  Metrics metrics;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kPerThread; ++i) {
        metrics.counter("c_total", {{"code", i % 2 == 0 ? "even" : "odd"}}).increment();
        metrics.histogram("h_seconds").observe(0.001 * t);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(metrics.counter("c_total", {{"code", "even"}}).value() == kThreads * kPerThread / 2);
  CHECK(metrics.counter("c_total", {{"code", "odd"}}).value() == kThreads * kPerThread / 2);
  CHECK(metrics.histogram("h_seconds").count() == kThreads * kPerThread);
  CHECK(has_line(metrics.render(), "h_seconds_count " + std::to_string(kThreads * kPerThread)));
}
