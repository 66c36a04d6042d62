#include "veil/platform/command_line.h"

#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

using veil::platform::CommandLine;
using veil::platform::FlagSpec;

namespace {

const std::vector<FlagSpec> kSpecs = {
    {"key", true, false, "FILE", "a key"},
    {"disclose", true, true, "PATHS", "paths"},
    {"no-kb", false, false, "", "no key binding"},
    {"count", true, false, "N", "a number"},
};

auto parse(std::vector<std::string> args) { return CommandLine::parse(args, kSpecs); }

}  // namespace

TEST_CASE("command line accepts --flag VALUE and --flag=VALUE", "[platform][command_line]") {
  auto parsed = parse({"--key", "a.jwk", "--count=7", "--no-kb"});
  REQUIRE(parsed);
  CHECK(parsed->value("key") == "a.jwk");
  CHECK(parsed->value("count") == "7");
  CHECK(parsed->has("no-kb"));
  CHECK_FALSE(parsed->has("disclose"));
  CHECK_FALSE(parsed->help());
}

TEST_CASE("command line keeps repeated flags in order", "[platform][command_line]") {
  auto parsed = parse({"--disclose", "a,b", "--disclose=c"});
  REQUIRE(parsed);
  CHECK(parsed->values("disclose") == std::vector<std::string>{"a,b", "c"});
}

TEST_CASE("command line takes - and empty strings as values", "[platform][command_line]") {
  auto parsed = parse({"--key", "-", "--disclose", ""});
  REQUIRE(parsed);
  CHECK(parsed->value("key") == "-");
  CHECK(parsed->values("disclose") == std::vector<std::string>{""});
}

TEST_CASE("command line rejects unknown flags, positionals, repeats and missing values", "[platform][command_line]") {
  CHECK(parse({"--frobnicate"}).error().message == "unknown flag --frobnicate");
  CHECK(parse({"extra"}).error().message.find("unexpected argument") != std::string::npos);
  CHECK(parse({"-k", "x"}).error().message.find("unexpected argument") != std::string::npos);
  CHECK(parse({"--key", "a", "--key", "b"}).error().message == "flag --key given more than once");
  CHECK(parse({"--key"}).error().message == "flag --key needs a value");
  CHECK(parse({"--key", "--no-kb"}).error().message == "flag --key needs a value");
  CHECK(parse({"--no-kb=yes"}).error().message == "flag --no-kb takes no value");
}

TEST_CASE("command line accepts --help and -h anywhere", "[platform][command_line]") {
  CHECK(parse({"--key", "a", "--help"})->help());
  CHECK(parse({"-h"})->help());
}

TEST_CASE("command line reads bounded integers", "[platform][command_line]") {
  auto parsed = parse({"--count", "42"});
  REQUIRE(parsed);
  CHECK(parsed->int_value("count", 0, 100).value() == 42);
  CHECK_FALSE(parsed->int_value("count", 0, 10));
  CHECK(parsed->int_value("key", 0, 10).value() == std::nullopt);
  for (const char* bad : {"", "4x", "0x10", " 4", "99999999999999999999", "+4"}) {
    auto with_bad = parse({"--count", bad});
    REQUIRE(with_bad);
    CHECK_FALSE(with_bad->int_value("count", -100, 100));
  }
  CHECK(veil::platform::parse_int64("-5") == -5);
}

TEST_CASE("command line reports a missing required flag by name", "[platform][command_line]") {
  auto parsed = parse({});
  REQUIRE(parsed);
  CHECK(parsed->require("key").error().message == "missing required flag --key");
}
