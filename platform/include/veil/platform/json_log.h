// JsonLog: structured log lines, one JSON object per line: {"ts", "level", "event", ...fields}.
//
// The rule: a log line never carries personal data or secrets — no claim values, no presentations, tokens,
// nonces, API keys or keys. The API enforces what it can: a field value is a number, a boolean, a duration, an
// ErrorCode (logged by its stable name) or a LogId, and a LogId accepts only a short identifier (at most
// kMaxLogIdLength characters of [A-Za-z0-9_.:/-]); anything else is logged as "<redacted>". Log ids, error
// codes, counts and durations; never a value a person or a wallet sent.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "veil/error.h"

namespace veil::platform {

/// LogLevel orders the severities; a logger drops lines below its minimum.
enum class LogLevel { debug, info, warn, error };

/// log_level_name returns "debug", "info", "warn" or "error".
std::string_view log_level_name(LogLevel level);

/// kMaxLogIdLength bounds a LogId: long enough for a UUID, a route or a code, too short for a JWT or a token.
inline constexpr std::size_t kMaxLogIdLength = 64;

/// LogId is an identifier that may appear in logs (a transaction id, a route, a relying party's name, a vct).
/// A value that is longer than kMaxLogIdLength or has a character outside [A-Za-z0-9_.:/-] is replaced by
/// "<redacted>", so a token or a claim with spaces cannot slip through by mistake.
class LogId {
 public:
  explicit LogId(std::string_view id);
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

/// LogValue is what a field may hold.
using LogValue = std::variant<std::int64_t, double, bool, ErrorCode, LogId, std::chrono::microseconds>;

/// LogField is one named field. Names follow [a-z0-9_] (others are rewritten to '_'). A duration is written
/// as milliseconds (a number) under its name.
struct LogField {
  LogField(std::string_view field_name, std::int64_t v) : name(field_name), value(v) {}
  LogField(std::string_view field_name, int v) : name(field_name), value(std::int64_t{v}) {}
  LogField(std::string_view field_name, std::size_t v) : name(field_name), value(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view field_name, double v) : name(field_name), value(v) {}
  LogField(std::string_view field_name, bool v) : name(field_name), value(v) {}
  LogField(std::string_view field_name, ErrorCode v) : name(field_name), value(v) {}
  LogField(std::string_view field_name, LogId v) : name(field_name), value(std::move(v)) {}
  template <class Rep, class Period>
  LogField(std::string_view field_name, std::chrono::duration<Rep, Period> v)
      : name(field_name), value(std::chrono::duration_cast<std::chrono::microseconds>(v)) {}
  // No constructor takes a string or a Json: free text is how personal data reaches logs. (A string literal
  // would otherwise convert to bool.)
  LogField(std::string_view, const char*) = delete;
  LogField(std::string_view, std::string_view) = delete;
  LogField(std::string_view, const std::string&) = delete;

  std::string_view name;
  LogValue value;
};

/// JsonLogger writes log lines to one stream; each line is written whole under a mutex, so lines from
/// different threads never interleave. Safe to share between threads.
class JsonLogger {
 public:
  /// Now returns the current time; tests inject a fixed one.
  using Now = std::function<std::chrono::system_clock::time_point()>;

  /// |out| must outlive the logger. Lines below |min_level| are dropped.
  explicit JsonLogger(std::ostream& out, LogLevel min_level = LogLevel::info, Now now = {});

  /// log writes {"ts": "2026-11-25T02:40:00.123Z", "level": ..., "event": |event|, fields...}. |event| is a
  /// short snake_case name ("verification_failed"); it is written as a LogId would be.
  void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {}) const;
  void info(std::string_view event, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::info, event, fields);
  }
  void warn(std::string_view event, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::warn, event, fields);
  }
  void error(std::string_view event, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::error, event, fields);
  }

  bool enabled(LogLevel level) const { return level >= min_level_; }

 private:
  std::ostream& out_;
  LogLevel min_level_;
  Now now_;
  mutable std::mutex mutex_;
};

/// format_log_line renders one line without the trailing newline (what JsonLogger::log writes).
std::string format_log_line(std::chrono::system_clock::time_point ts, LogLevel level, std::string_view event,
                            std::initializer_list<LogField> fields);

}  // namespace veil::platform
