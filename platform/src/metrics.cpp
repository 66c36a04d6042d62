#include "veil/platform/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>

namespace veil::platform {

namespace {

bool is_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Label names: [a-zA-Z_][a-zA-Z0-9_]*, and names starting with "__" are reserved by Prometheus.
bool is_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// The exposition format escapes \ and newline in HELP, and \, " and newline in label values.
std::string escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out += c;
  }
  return out;
}

std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "NaN";
  return std::string(buffer, end);
}

// label_text renders sorted pairs as {a="x",b="y"} (empty for no labels), with |extra| appended (le="...").
std::string label_text(const Labels& labels, std::string_view extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name + "=\"" + escape(value, true) + "\"";
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ',';
    out += extra;
  }
  return out + "}";
}

bool valid_bounds(const std::vector<double>& bounds) {
  if (bounds.empty()) return false;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) return false;
    if (i > 0 && !(bounds[i - 1] < bounds[i])) return false;
  }
  return true;
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {}

void Histogram::observe(double value) {
  // A bucket counts values <= its upper bound ("le"); anything above the last bound is +Inf only.
  const auto bucket = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin();
  buckets_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> counts(upper_bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    counts[i] = running;
  }
  return counts;
}

Status Metrics::describe(std::string_view name, std::string_view help, Type type, std::vector<double> upper_bounds) {
  if (!is_metric_name(name)) return fail(ErrorCode::invalid_argument, "not a metric name");
  if (type == Type::histogram && !valid_bounds(upper_bounds)) {
    return fail(ErrorCode::invalid_argument, "histogram buckets must be finite and strictly ascending");
  }
  std::unique_lock lock(mutex_);
  auto found = families_.find(name);
  if (found != families_.end()) {
    if (found->second.type != type) return fail(ErrorCode::invalid_argument, "metric declared with another type");
    if (found->second.help.empty()) found->second.help = std::string(help);
    return {};
  }
  Family family;
  family.type = type;
  family.help = std::string(help);
  family.upper_bounds = std::move(upper_bounds);
  families_.emplace(std::string(name), std::move(family));
  return {};
}

Status Metrics::describe_counter(std::string_view name, std::string_view help) {
  return describe(name, help, Type::counter, {});
}

Status Metrics::describe_gauge(std::string_view name, std::string_view help) {
  return describe(name, help, Type::gauge, {});
}

Status Metrics::describe_histogram(std::string_view name, std::string_view help, std::vector<double> upper_bounds) {
  return describe(name, help, Type::histogram, std::move(upper_bounds));
}

Metrics::Series* Metrics::find_or_create(std::string_view name, const Labels& labels, Type type) {
  if (!is_metric_name(name)) return nullptr;
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (!is_label_name(sorted[i].first)) return nullptr;
    if (i > 0 && sorted[i - 1].first == sorted[i].first) return nullptr;
    if (type == Type::histogram && sorted[i].first == "le") return nullptr;
  }
  const std::string key = label_text(sorted);
  {
    std::shared_lock lock(mutex_);
    const auto family = families_.find(name);
    if (family != families_.end()) {
      if (family->second.type != type) return nullptr;
      const auto series = family->second.series.find(key);
      if (series != family->second.series.end()) return &series->second;
    }
  }
  std::unique_lock lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) {
    Family fresh;
    fresh.type = type;
    if (type == Type::histogram) fresh.upper_bounds = kLatencyBucketsSeconds;
    family = families_.emplace(std::string(name), std::move(fresh)).first;
  }
  if (family->second.type != type) return nullptr;
  auto& series_map = family->second.series;
  auto series = series_map.find(key);
  if (series != series_map.end()) return &series->second;
  Labels final_labels = std::move(sorted);
  std::string final_key = key;
  if (series_map.size() >= kMaxSeriesPerFamily) {
    final_labels = {{"overflow", "true"}};
    final_key = label_text(final_labels);
    series = series_map.find(final_key);
    if (series != series_map.end()) return &series->second;
  }
  Series created;
  created.labels = std::move(final_labels);
  if (type == Type::counter) created.counter = std::make_unique<Counter>();
  if (type == Type::gauge) created.gauge = std::make_unique<Gauge>();
  if (type == Type::histogram) created.histogram = std::make_unique<Histogram>(family->second.upper_bounds);
  return &series_map.emplace(std::move(final_key), std::move(created)).first->second;
}

Counter& Metrics::counter(std::string_view name, const Labels& labels) {
  Series* series = find_or_create(name, labels, Type::counter);
  return series != nullptr ? *series->counter : detached_counter_;
}

Gauge& Metrics::gauge(std::string_view name, const Labels& labels) {
  Series* series = find_or_create(name, labels, Type::gauge);
  return series != nullptr ? *series->gauge : detached_gauge_;
}

Histogram& Metrics::histogram(std::string_view name, const Labels& labels) {
  Series* series = find_or_create(name, labels, Type::histogram);
  return series != nullptr ? *series->histogram : detached_histogram_;
}

std::string Metrics::render() const {
  std::shared_lock lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    if (!family.help.empty()) out += "# HELP " + name + " " + escape(family.help, false) + "\n";
    const char* type = family.type == Type::counter ? "counter" : family.type == Type::gauge ? "gauge" : "histogram";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [key, series] : family.series) {
      if (family.type == Type::counter) {
        out += name + key + " " + std::to_string(series.counter->value()) + "\n";
      } else if (family.type == Type::gauge) {
        out += name + key + " " + number(series.gauge->value()) + "\n";
      } else {
        const Histogram& histogram = *series.histogram;
        const auto counts = histogram.cumulative_counts();
        const auto& bounds = histogram.upper_bounds();
        for (std::size_t i = 0; i < counts.size(); ++i) {
          const std::string le = i < bounds.size() ? number(bounds[i]) : std::string("+Inf");
          out += name + "_bucket" + label_text(series.labels, "le=\"" + le + "\"") + " " + std::to_string(counts[i]) +
                 "\n";
        }
        out += name + "_sum" + key + " " + number(histogram.sum()) + "\n";
        // _count is the +Inf bucket, read once, so the two never disagree in one scrape.
        out += name + "_count" + key + " " + std::to_string(counts.back()) + "\n";
      }
    }
  }
  return out;
}

}  // namespace veil::platform
