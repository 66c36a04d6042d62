#include "veil/platform/cli_output.h"

#include <catch2/catch.hpp>

TEST_CASE("display JSON is one line with the separators DESIGN.md shows", "[platform][cli_output]") {
  auto value = veil::Json::parse(R"({"b": [1, "x", null], "a": {"c": true}})");
  CHECK(veil::platform::to_display_json(value) == R"({"a": {"c": true}, "b": [1, "x", null]})");
  CHECK(veil::platform::to_display_json(veil::Json::object()) == "{}");
  CHECK(veil::platform::to_display_json(veil::Json::array()) == "[]");
  CHECK(veil::platform::to_display_json("line\nbreak") == R"("line\nbreak")");
}

TEST_CASE("display JSON replaces invalid UTF-8 instead of throwing", "[platform][cli_output]") {
  veil::Json bad = std::string("\xff\xfe");
  CHECK_NOTHROW(veil::platform::to_display_json(bad));
}
