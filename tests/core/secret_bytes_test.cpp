#include "veil/secret_bytes.h"

#include <catch2/catch.hpp>
#include <type_traits>

using veil::SecretBytes;
using Bytes = std::vector<std::uint8_t>;

TEST_CASE("SecretBytes keeps the bytes it was given", "[secret_bytes]") {
  const Bytes raw = {1, 2, 3, 4};
  const SecretBytes secret(raw);
  CHECK(secret.size() == 4);
  CHECK_FALSE(secret.empty());
  CHECK(Bytes(secret.reveal().begin(), secret.reveal().end()) == raw);
  CHECK(SecretBytes().empty());
}

TEST_CASE("SecretBytes::random returns fresh bytes of the requested size", "[secret_bytes]") {
  const SecretBytes a = SecretBytes::random(32);
  const SecretBytes b = SecretBytes::random(32);
  CHECK(a.size() == 32);
  CHECK_FALSE(a.equals(b));
  CHECK(SecretBytes::random(0).empty());
}

TEST_CASE("SecretBytes compares by content", "[secret_bytes]") {
  const SecretBytes a(Bytes{1, 2, 3});
  CHECK(a.equals(SecretBytes(Bytes{1, 2, 3})));
  CHECK_FALSE(a.equals(SecretBytes(Bytes{1, 2, 4})));
  CHECK_FALSE(a.equals(SecretBytes(Bytes{1, 2})));
  CHECK(SecretBytes().equals(SecretBytes()));
}

TEST_CASE("SecretBytes copies independently and empties on move", "[secret_bytes]") {
  SecretBytes original(Bytes{9, 9, 9});
  SecretBytes copy = original;
  copy.reveal_mutable()[0] = 1;
  CHECK(original.reveal()[0] == 9);
  SecretBytes moved = std::move(original);
  CHECK(moved.size() == 3);
  CHECK(original.empty());  // NOLINT(bugprone-use-after-move): a moved-from secret holds nothing
  SecretBytes assigned;
  assigned = std::move(moved);
  CHECK(assigned.size() == 3);
  CHECK(moved.empty());  // NOLINT(bugprone-use-after-move)
  SecretBytes copy_assigned;
  copy_assigned = assigned;
  CHECK(copy_assigned.equals(assigned));
}

TEST_CASE("SecretBytes cannot be turned into a string", "[secret_bytes]") {
  STATIC_REQUIRE_FALSE(std::is_convertible_v<SecretBytes, std::string>);
  STATIC_REQUIRE_FALSE(std::is_constructible_v<std::string, SecretBytes>);
}

TEST_CASE("constant_time_equals compares byte strings", "[secret_bytes]") {
  const Bytes a = {1, 2, 3};
  CHECK(veil::constant_time_equals(a, Bytes{1, 2, 3}));
  CHECK_FALSE(veil::constant_time_equals(a, Bytes{1, 2, 0}));
  CHECK_FALSE(veil::constant_time_equals(a, Bytes{1, 2}));
  CHECK(veil::constant_time_equals(Bytes{}, Bytes{}));
}
