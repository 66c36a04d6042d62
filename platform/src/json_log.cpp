#include "veil/platform/json_log.h"

#include <cstdio>
#include <ctime>

#include "veil/json.h"

namespace veil::platform {

namespace {

constexpr std::string_view kRedacted = "<redacted>";

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == ':' || c == '/';
}

std::string field_name(std::string_view name) {
  std::string out(name.empty() ? std::string_view("_") : name);
  for (char& c : out) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) c = '_';
  }
  return out;
}

std::string timestamp(std::chrono::system_clock::time_point ts) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(ts.time_since_epoch()).count();
  auto seconds = static_cast<std::time_t>(since_epoch / 1000);
  auto millis = since_epoch % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];  // room for any int in every field, so -Wformat-truncation can prove no truncation
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return buffer;
}

Json value_json(const LogValue& value) {
  struct Visit {
    Json operator()(std::int64_t v) const { return v; }
    Json operator()(double v) const { return v; }
    Json operator()(bool v) const { return v; }
    Json operator()(ErrorCode v) const { return std::string(error_code_name(v)); }
    Json operator()(const LogId& v) const { return v.str(); }
    Json operator()(std::chrono::microseconds v) const { return static_cast<double>(v.count()) / 1000.0; }
  };
  return std::visit(Visit{}, value);
}

}  // namespace

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

LogId::LogId(std::string_view id) {
  bool safe = !id.empty() && id.size() <= kMaxLogIdLength;
  for (const char c : id) safe = safe && is_id_char(c);
  text_ = safe ? std::string(id) : std::string(kRedacted);
}

std::string format_log_line(std::chrono::system_clock::time_point ts, LogLevel level, std::string_view event,
                            std::initializer_list<LogField> fields) {
  // Members in a fixed order (ts, level, event, then the fields as given) so that lines read well with grep;
  // nlohmann objects would sort them, so the line is assembled from serialized members.
  std::string line = "{\"ts\":\"" + timestamp(ts) + "\",\"level\":\"" + std::string(log_level_name(level)) +
                     "\",\"event\":" + Json(LogId(event).str()).dump();
  for (const LogField& field : fields) {
    const std::string name = field_name(field.name);
    if (name == "ts" || name == "level" || name == "event") continue;
    line += "," + Json(name).dump() + ":" + value_json(field.value).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  return line + "}";
}

JsonLogger::JsonLogger(std::ostream& out, LogLevel min_level, Now now)
    : out_(out), min_level_(min_level), now_(std::move(now)) {}

void JsonLogger::log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) const {
  if (!enabled(level)) return;
  const auto ts = now_ ? now_() : std::chrono::system_clock::now();
  const std::string line = format_log_line(ts, level, event, fields) + "\n";
  std::lock_guard lock(mutex_);
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
}

}  // namespace veil::platform
