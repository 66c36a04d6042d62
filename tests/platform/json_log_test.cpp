#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "veil/json.h"
#include "veil/platform/json_log.h"

using veil::ErrorCode;
using veil::platform::JsonLogger;
using veil::platform::LogId;
using veil::platform::LogLevel;

namespace {

std::chrono::system_clock::time_point fixed_time() {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1800000000123));
}

std::vector<veil::Json> lines_of(const std::string& text) {
  std::vector<veil::Json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto parsed = veil::parse_json(line);
    REQUIRE(parsed);
    REQUIRE(parsed->is_object());
    lines.push_back(*parsed);
  }
  return lines;
}

}  // namespace

TEST_CASE("a log line is one JSON object with ts, level, event and the fields", "[json_log]") {
  std::ostringstream out;
  const JsonLogger logger(out, LogLevel::info, fixed_time);
  logger.warn("verification_failed", {{"code", ErrorCode::sd_hash_mismatch},
                                      {"transaction", LogId("tx_4f2a-9")},
                                      {"disclosures", 3},
                                      {"duration", std::chrono::microseconds(1500)},
                                      {"key_binding", true}});
  const std::string text = out.str();
  CHECK(text.back() == '\n');
  CHECK(text.rfind("{\"ts\":\"2027-01-15T08:00:00.123Z\",\"level\":\"warn\",\"event\":\"verification_failed\"", 0) == 0);
  const auto lines = lines_of(text);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["code"] == "sd_hash_mismatch");
  CHECK(lines[0]["transaction"] == "tx_4f2a-9");
  CHECK(lines[0]["disclosures"] == 3);
  CHECK(lines[0]["duration"] == 1.5);
  CHECK(lines[0]["key_binding"] == true);
}

TEST_CASE("a log id that could be a token or a claim value is redacted", "[json_log]") {
  CHECK(LogId("https://issuer.example/tenant-1").str() == "https://issuer.example/tenant-1");
  CHECK(LogId("Alice Smith").str() == "<redacted>");            // a space: free text
  CHECK(LogId("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.sig~").str() == "<redacted>");  // '~'
  CHECK(LogId(std::string(65, 'a')).str() == "<redacted>");     // a token-sized string
  CHECK(LogId("").str() == "<redacted>");
  CHECK(LogId("quote\"").str() == "<redacted>");
}

TEST_CASE("lines below the minimum level are dropped", "[json_log]") {
  std::ostringstream out;
  const JsonLogger logger(out, LogLevel::warn, fixed_time);
  logger.info("started");
  logger.log(LogLevel::debug, "detail");
  logger.error("store_failed", {{"code", ErrorCode::storage_error}});
  const auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["event"] == "store_failed");
  CHECK(lines[0]["level"] == "error");
}

TEST_CASE("field names are snake_case and cannot overwrite ts, level or event", "[json_log]") {
  std::ostringstream out;
  const JsonLogger logger(out, LogLevel::info, fixed_time);
  logger.info("x", {{"Bad-Name", 1}, {"event", 2}, {"level", 3}});
  const auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["event"] == "x");
  CHECK(lines[0]["level"] == "info");
  CHECK(lines[0]["_ad__ame"] == 1);
}

TEST_CASE("lines written from many threads never interleave", "[json_log]") {
  std::ostringstream out;
  const JsonLogger logger(out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&logger, t] {
      for (int i = 0; i < 500; ++i) logger.info("tick", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(lines_of(out.str()).size() == 2000);
}
