#include "veil/status_list.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "test_keys.h"
#include "veil/base64url.h"

using veil::ErrorCode;
using veil::Json;
using veil::StatusList;
using veil::StatusListLimits;
using veil::StatusType;

namespace {

Json status_list_vectors() { return veil_test::read_vector_json("status-list/status_list_test_vectors.json"); }

std::string zlib_base64url(const std::vector<std::uint8_t>& bytes, int level = Z_BEST_COMPRESSION) {
  uLongf capacity = compressBound(static_cast<uLong>(bytes.size()));
  std::vector<std::uint8_t> out(capacity);
  REQUIRE(compress2(out.data(), &capacity, bytes.data(), static_cast<uLong>(bytes.size()), level) == Z_OK);
  out.resize(capacity);
  return veil::base64url_encode(out);
}

Json list_json(Json bits, Json lst) { return Json{{"bits", std::move(bits)}, {"lst", std::move(lst)}}; }

}  // namespace

TEST_CASE("status list decodes the four 2^20-entry draft vectors: listed indices hold their value, all others are 0 [attack:L8]",
          "[status_list][attack:L8]") {
  const Json vectors = status_list_vectors();
  REQUIRE(vectors.at("vectors").size() == 4);
  for (const Json& vector : vectors.at("vectors")) {
    INFO(vector.at("name").get<std::string>());
    auto list = StatusList::decode(vector.at("status_list"));
    REQUIRE(list);
    const int bits = vector.at("bits").get<int>();
    CHECK(list->bits() == bits);
    const auto entries = vector.at("size_entries").get<std::size_t>();
    REQUIRE(list->size() == entries);

    std::unordered_set<std::size_t> listed;
    for (const auto& [index_text, value] : vector.at("expected_values").items()) {
      const std::size_t index = std::stoul(index_text);
      listed.insert(index);
      auto status = list->get(index);
      REQUIRE(status);
      CHECK(int{*status} == value.get<int>());
    }
    std::size_t unexpected_non_zero = 0;
    for (std::size_t index = 0; index < entries; ++index) {
      if (listed.count(index) != 0) continue;
      if (*list->get(index) != 0) ++unexpected_non_zero;
    }
    CHECK(unexpected_non_zero == 0);
  }
}

TEST_CASE("status list decodes the draft's two small examples byte for byte [attack:L8]", "[status_list][attack:L8]") {
  const Json vectors = status_list_vectors();
  REQUIRE(vectors.at("small_examples").size() == 2);
  for (const Json& example : vectors.at("small_examples")) {
    INFO(example.at("name").get<std::string>());
    auto list = StatusList::decode(example.at("status_list"));
    REQUIRE(list);
    std::vector<std::uint8_t> expected;
    for (const Json& hex : example.at("byte_array_hex")) {
      expected.push_back(static_cast<std::uint8_t>(std::stoul(hex.get<std::string>(), nullptr, 16)));
    }
    CHECK(list->bytes() == expected);
    CHECK(list->bits() == example.at("bits").get<int>());
  }
  // TSL §4.1 figure: 0xB9 0xA3 with one bit per status.
  auto one_bit = StatusList::decode_lst(1, "eNrbuRgAAhcBXQ");
  REQUIRE(one_bit);
  const int expected_one_bit[16] = {1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1};
  for (std::size_t i = 0; i < 16; ++i) CHECK(int{*one_bit->get(i)} == expected_one_bit[i]);
  // TSL §4.1 / further examples: 0xC9 0x44 0xF9 with two bits per status.
  auto two_bit = StatusList::decode_lst(2, "eNo76fITAAPfAgc");
  REQUIRE(two_bit);
  const int expected_two_bit[12] = {1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3};
  for (std::size_t i = 0; i < 12; ++i) CHECK(int{*two_bit->get(i)} == expected_two_bit[i]);
}

TEST_CASE("status list round trips through lst for every bits value", "[status_list]") {
  for (const int bits : {1, 2, 4, 8}) {
    INFO("bits " << bits);
    const std::size_t size = 1000;
    auto list = StatusList::create(size, bits);
    REQUIRE(list);
    CHECK(list->size() == size);
    const unsigned max_value = (1u << bits) - 1u;
    for (std::size_t i = 0; i < size; i += 7) {
      REQUIRE(list->set(i, static_cast<std::uint8_t>((i / 7) % (max_value + 1))));
    }
    REQUIRE(list->set(size - 1, static_cast<std::uint8_t>(max_value)));
    auto json = list->to_json();
    REQUIRE(json);
    CHECK(json->at("bits") == bits);
    auto decoded = StatusList::decode(*json);
    REQUIRE(decoded);
    CHECK(decoded->bytes() == list->bytes());
    for (std::size_t i = 0; i < size; ++i) CHECK(*decoded->get(i) == *list->get(i));
    CHECK(int{*decoded->get(size - 1)} == static_cast<int>(max_value));
  }
}

TEST_CASE("status list set overwrites only its own bits and refuses values wider than bits", "[status_list]") {
  auto list = StatusList::create(8, 2);
  REQUIRE(list);
  REQUIRE(list->set(1, 3));
  REQUIRE(list->set(2, 2));
  REQUIRE(list->set(1, 1));
  CHECK(*list->get(0) == 0);
  CHECK(*list->get(1) == 1);
  CHECK(*list->get(2) == 2);
  CHECK(*list->get(3) == 0);
  CHECK(list->bytes() == std::vector<std::uint8_t>{0x24, 0x00});

  auto one_bit = StatusList::create(8, 1);
  REQUIRE(one_bit);
  CHECK(one_bit->set(0, veil::kStatusSuspended).error().code == ErrorCode::invalid_argument);
}

TEST_CASE("status list get and set refuse an index at or beyond size [attack:L4]", "[status_list][attack:L4]") {
  auto list = StatusList::create(10, 1);
  REQUIRE(list);
  CHECK(list->get(9));
  CHECK(list->get(10).error().code == ErrorCode::status_index_out_of_range);
  CHECK(list->get(static_cast<std::size_t>(-1)).error().code == ErrorCode::status_index_out_of_range);
  CHECK(list->set(10, 1).error().code == ErrorCode::status_index_out_of_range);
}

TEST_CASE("status list rejects bits outside 1, 2, 4, 8 [attack:L5]", "[status_list][attack:L5]") {
  const std::string lst = "eNrbuRgAAhcBXQ";
  for (const Json& bits : {Json(3), Json(16), Json(0), Json(-1), Json(5), Json(1099511627777ull), Json(1.0), Json("1"),
                           Json(true), Json(nullptr)}) {
    INFO("bits " << bits.dump());
    auto list = StatusList::decode(list_json(bits, lst));
    REQUIRE_FALSE(list);
    CHECK(list.error().code == ErrorCode::invalid_status_list);
  }
  for (const int bits : {3, 16, 0}) {
    CHECK(StatusList::create(8, bits).error().code == ErrorCode::invalid_status_list);
    CHECK(StatusList::decode_lst(bits, lst).error().code == ErrorCode::invalid_status_list);
  }
}

TEST_CASE("status list rejects lst that is not base64url or not zlib [attack:L6]", "[status_list][attack:L6]") {
  const std::vector<std::uint8_t> bytes = {0xb9, 0xa3};
  const std::string good = zlib_base64url(bytes);
  REQUIRE(StatusList::decode(list_json(1, good)));

  const auto compressed = veil::base64url_decode(good);
  REQUIRE(compressed);
  const std::vector<std::uint8_t> truncated(compressed->begin(), compressed->end() - 4);
  std::vector<std::uint8_t> trailing = *compressed;
  trailing.push_back(0x00);

  std::vector<Json> bad = {
      Json("eNrbuRgAAhcBXQ=="),  // padding
      Json("eNrbuRgAAhcB+Q"),    // '+' is not base64url
      Json("eNrb uRgAAhcBXQ"),   // whitespace
      Json(""),                  // nothing
      Json(veil::base64url_encode(std::string_view("\xb9\xa3"))),  // raw bytes, not zlib
      Json(veil::base64url_encode(truncated)),                     // stream cut before its adler32
      Json(veil::base64url_encode(trailing)),                      // a byte after the stream
      Json(zlib_base64url({})),                                    // inflates to nothing
      Json(12),
  };
  // gzip (RFC 1952) and raw DEFLATE are not the ZLIB format TSL §4.1 requires.
  bad.push_back(Json(veil::base64url_encode(std::string_view("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00\x00\x00"
                                                             "\x00\x00\x00\x00\x00\x00",
                                                             20))));
  for (const Json& lst : bad) {
    INFO("lst " << lst.dump());
    auto list = StatusList::decode(list_json(1, lst));
    REQUIRE_FALSE(list);
    CHECK(list.error().code == ErrorCode::invalid_status_list);
  }
  CHECK(StatusList::decode(Json{{"bits", 1}}).error().code == ErrorCode::invalid_status_list);
  CHECK(StatusList::decode(Json::array()).error().code == ErrorCode::invalid_status_list);
  CHECK(StatusList::decode(Json{{"bits", 1}, {"lst", good}, {"aggregation_uri", 7}}).error().code ==
        ErrorCode::invalid_status_list);
  CHECK(StatusList::decode(Json{{"bits", 1}, {"lst", good}, {"aggregation_uri", "https://example.com/agg"}}));
}

TEST_CASE("status list stops inflating a zlib bomb at the output cap [attack:L6]", "[status_list][attack:L6]") {
  // 64 MiB of zeros compress to about 64 KiB: a 1000x bomb, built at run time rather than committed.
  const std::vector<std::uint8_t> zeros(std::size_t{64} << 20, 0);
  const std::string bomb = zlib_base64url(zeros, Z_BEST_SPEED);
  CHECK(bomb.size() < (std::size_t{1} << 20));

  const auto started = std::chrono::steady_clock::now();
  auto list = StatusList::decode(list_json(1, bomb));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(list);
  CHECK(list.error().code == ErrorCode::status_list_too_large);
  CHECK(elapsed < std::chrono::seconds(2));

  // The cap is configurable: a small list over a small cap fails the same way, under it succeeds.
  const std::vector<std::uint8_t> kib(1024, 0);
  CHECK(StatusList::decode_lst(1, zlib_base64url(kib), StatusListLimits{1023}).error().code ==
        ErrorCode::status_list_too_large);
  CHECK(StatusList::decode_lst(1, zlib_base64url(kib), StatusListLimits{1024}));
  CHECK(StatusList::create(8193, 1, StatusListLimits{1024}).error().code == ErrorCode::status_list_too_large);
  CHECK(StatusList::create(8192, 1, StatusListLimits{1024}));
}

TEST_CASE("status list reads 0x01 as INVALID and 0x02 as SUSPENDED [attack:L7]", "[status_list][attack:L7]") {
  auto list = StatusList::create(4, 2);
  REQUIRE(list);
  REQUIRE(list->set(1, veil::kStatusInvalid));
  REQUIRE(list->set(2, veil::kStatusSuspended));
  REQUIRE(list->set(3, 3));
  auto decoded = StatusList::decode(*list->to_json());
  REQUIRE(decoded);
  CHECK(veil::status_type(*decoded->get(0)) == StatusType::valid);
  CHECK(veil::status_type(*decoded->get(1)) == StatusType::invalid);
  CHECK(veil::status_type(*decoded->get(2)) == StatusType::suspended);
  CHECK(veil::status_type(*decoded->get(3)) == StatusType::other);
  CHECK(veil::status_type(0xff) == StatusType::other);
}

TEST_CASE("status list create refuses an empty list", "[status_list]") {
  CHECK(StatusList::create(0, 1).error().code == ErrorCode::invalid_argument);
  CHECK(StatusList::from_bytes({}, 1).error().code == ErrorCode::invalid_status_list);
}

TEST_CASE("random_unused_index never returns a used index and finds the last free one", "[status_list]") {
  std::unordered_set<std::size_t> used;
  const std::size_t size = 64;
  for (std::size_t round = 0; round < size; ++round) {
    const auto index = veil::random_unused_index(size, used);
    REQUIRE(index);
    REQUIRE(*index < size);
    REQUIRE(used.count(*index) == 0);
    used.insert(*index);
  }
  CHECK_FALSE(veil::random_unused_index(size, used));
  // Used indices outside the list do not count against it.
  CHECK(veil::random_unused_index(1, {5, 6}) == std::optional<std::size_t>{0});
  CHECK_FALSE(veil::random_unused_index(0, {}));

  // Not sequential: 32 draws from a list of 2^20 are essentially never 0, 1, 2, ...
  std::unordered_set<std::size_t> none;
  std::size_t sequential = 0;
  for (std::size_t i = 0; i < 32; ++i) sequential += veil::random_unused_index(std::size_t{1} << 20, none) == i ? 1 : 0;
  CHECK(sequential < 4);
}
