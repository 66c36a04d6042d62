#include "veil/status_list_token.h"

#include <catch2/catch.hpp>
#include <memory>

#include "test_keys.h"

using veil::ErrorCode;
using veil::FixedClock;
using veil::Json;
using veil::StatusList;
using veil::StatusListReference;
using veil::StatusListTokenClaims;
using veil::UnverifiedJws;

namespace {

constexpr std::int64_t kNow = 1700000000;
constexpr const char* kUri = "https://example.com/statuslists/1";

struct Keys {
  std::unique_ptr<veil::Signer> signer;
  std::unique_ptr<veil::SignatureVerifier> verifier;
};

const Keys& keys() {
  static const Keys k = [] {
    auto key = veil::PrivateJwk::generate(veil::JwsAlg::ES256, "status-key");
    REQUIRE(key);
    auto signer = veil::make_signer(*key);
    auto verifier = veil::make_verifier(key->public_key());
    REQUIRE(signer);
    REQUIRE(verifier);
    return Keys{std::move(*signer), std::move(*verifier)};
  }();
  return k;
}

// A 2-bit list of 16 statuses: index 1 INVALID, index 2 SUSPENDED, index 3 the application value 3.
StatusList sample_list() {
  auto list = StatusList::create(16, 2);
  REQUIRE(list);
  REQUIRE(list->set(1, veil::kStatusInvalid));
  REQUIRE(list->set(2, veil::kStatusSuspended));
  REQUIRE(list->set(3, 3));
  return std::move(*list);
}

StatusListTokenClaims sample_claims() {
  return StatusListTokenClaims{kUri, std::string("https://example.com"), kNow - 100, kNow + 3600, 43200,
                               sample_list()};
}

UnverifiedJws parse(const std::string& compact) {
  auto jws = UnverifiedJws::parse_compact(compact);
  REQUIRE(jws);
  return std::move(*jws);
}

UnverifiedJws signed_token(const StatusListTokenClaims& claims = sample_claims()) {
  auto token = veil::sign_status_list_token(claims, *keys().signer);
  REQUIRE(token);
  return parse(*token);
}

// Signs any header and payload, to build tokens sign_status_list_token would refuse to make.
UnverifiedJws raw_token(const Json& header, const Json& payload) {
  auto token = veil::sign_jws_compact(header, payload, *keys().signer);
  REQUIRE(token);
  return parse(*token);
}

Json sample_payload() {
  return Json{{"sub", kUri},
              {"iat", kNow - 100},
              {"exp", kNow + 3600},
              {"ttl", 43200},
              {"status_list", *sample_list().to_json()}};
}

const Json kTypHeader = Json{{"typ", "statuslist+jwt"}};

}  // namespace

TEST_CASE("status list token signs and verifies with typ, sub, iat, exp, ttl and status_list", "[status_list_token]") {
  const UnverifiedJws token = signed_token();
  CHECK(token.typ() == std::optional<std::string>("statuslist+jwt"));
  CHECK(token.kid() == std::optional<std::string>("status-key"));
  const Json& payload = token.unverified_payload();
  CHECK(payload.at("sub") == kUri);
  CHECK(payload.at("iss") == "https://example.com");
  CHECK(payload.at("iat") == kNow - 100);
  CHECK(payload.at("exp") == kNow + 3600);
  CHECK(payload.at("ttl") == 43200);
  CHECK(payload.at("status_list").at("bits") == 2);

  const FixedClock clock(kNow);
  auto claims = veil::verify_status_list_token(token, *keys().verifier, kUri, clock);
  REQUIRE(claims);
  CHECK(claims->subject == kUri);
  CHECK(claims->issuer == std::optional<std::string>("https://example.com"));
  CHECK(claims->issued_at == kNow - 100);
  CHECK(claims->expires_at == std::optional<std::int64_t>(kNow + 3600));
  CHECK(claims->ttl_seconds == std::optional<std::int64_t>(43200));
  CHECK(claims->status_list.bytes() == sample_list().bytes());

  auto status = veil::check_token_status(token, *keys().verifier, StatusListReference{0, kUri}, clock);
  REQUIRE(status);
  CHECK(veil::status_type(*status) == veil::StatusType::valid);
}

TEST_CASE("status list token reports INVALID and SUSPENDED entries [attack:L7]", "[status_list_token][attack:L7]") {
  const UnverifiedJws token = signed_token();
  const FixedClock clock(kNow);
  auto invalid = veil::check_token_status(token, *keys().verifier, StatusListReference{1, kUri}, clock);
  auto suspended = veil::check_token_status(token, *keys().verifier, StatusListReference{2, kUri}, clock);
  auto other = veil::check_token_status(token, *keys().verifier, StatusListReference{3, kUri}, clock);
  REQUIRE(invalid);
  REQUIRE(suspended);
  REQUIRE(other);
  CHECK(*invalid == veil::kStatusInvalid);
  CHECK(veil::status_type(*invalid) == veil::StatusType::invalid);
  CHECK(veil::status_type(*suspended) == veil::StatusType::suspended);
  CHECK(veil::status_type(*other) == veil::StatusType::other);
}

TEST_CASE("status list token with a typ other than statuslist+jwt is rejected [attack:L1]",
          "[status_list_token][attack:L1]") {
  const FixedClock clock(kNow);
  for (const Json& header : {Json{{"typ", "JWT"}}, Json{{"typ", "dc+sd-jwt"}}, Json{{"typ", "statuslist+cwt"}},
                             Json{{"typ", "application/statuslist+jwt"}}, Json::object()}) {
    INFO("header " << header.dump());
    auto claims = veil::verify_status_list_token(raw_token(header, sample_payload()), *keys().verifier, kUri, clock);
    REQUIRE_FALSE(claims);
    CHECK(claims.error().code == ErrorCode::invalid_status_list_token_typ);
  }
}

TEST_CASE("status list token whose sub differs from the referenced uri is rejected [attack:L2]",
          "[status_list_token][attack:L2]") {
  const UnverifiedJws token = signed_token();
  const FixedClock clock(kNow);
  for (const char* uri : {"https://example.com/statuslists/2", "https://example.com/statuslists/1/",
                          "https://EXAMPLE.com/statuslists/1", ""}) {
    INFO("uri " << uri);
    auto status = veil::check_token_status(token, *keys().verifier, StatusListReference{0, uri}, clock);
    REQUIRE_FALSE(status);
    CHECK(status.error().code == ErrorCode::status_list_subject_mismatch);
  }
}

TEST_CASE("an expired status list token is rejected [attack:L3]", "[status_list_token][attack:L3]") {
  const UnverifiedJws token = signed_token();  // exp = kNow + 3600
  veil::StatusListTokenPolicy no_skew;
  no_skew.max_clock_skew_seconds = 0;
  CHECK(veil::verify_status_list_token(token, *keys().verifier, kUri, FixedClock(kNow + 3599), no_skew));
  for (const std::int64_t now : {kNow + 3600, kNow + 3601, kNow + 86400 * 365}) {
    auto claims = veil::verify_status_list_token(token, *keys().verifier, kUri, FixedClock(now), no_skew);
    REQUIRE_FALSE(claims);
    CHECK(claims.error().code == ErrorCode::status_list_expired);
  }
  // The default skew of 60 s tolerates a token that expired a moment ago, not one an hour old.
  CHECK(veil::verify_status_list_token(token, *keys().verifier, kUri, FixedClock(kNow + 3630)));
  CHECK(veil::verify_status_list_token(token, *keys().verifier, kUri, FixedClock(kNow + 7200)).error().code ==
        ErrorCode::status_list_expired);
}

TEST_CASE("status list token without exp stays usable; iat and nbf in the future are rejected",
          "[status_list_token]") {
  Json payload = sample_payload();
  payload.erase("exp");
  CHECK(veil::verify_status_list_token(raw_token(kTypHeader, payload), *keys().verifier, kUri,
                                       FixedClock(kNow + 86400 * 365)));
  payload["iat"] = kNow + 3600;
  CHECK(veil::verify_status_list_token(raw_token(kTypHeader, payload), *keys().verifier, kUri, FixedClock(kNow))
            .error()
            .code == ErrorCode::issued_in_future);
  payload["iat"] = kNow;
  payload["nbf"] = kNow + 3600;
  CHECK(veil::verify_status_list_token(raw_token(kTypHeader, payload), *keys().verifier, kUri, FixedClock(kNow))
            .error()
            .code == ErrorCode::token_not_yet_valid);
}

TEST_CASE("status list token lookup rejects an idx at or beyond the list size [attack:L4]",
          "[status_list_token][attack:L4]") {
  const UnverifiedJws token = signed_token();  // 16 statuses of 2 bits
  const FixedClock clock(kNow);
  CHECK(veil::check_token_status(token, *keys().verifier, StatusListReference{15, kUri}, clock));
  for (const std::size_t idx : {std::size_t{16}, std::size_t{1} << 20, static_cast<std::size_t>(-1)}) {
    INFO("idx " << idx);
    auto status = veil::check_token_status(token, *keys().verifier, StatusListReference{idx, kUri}, clock);
    REQUIRE_FALSE(status);
    CHECK(status.error().code == ErrorCode::status_index_out_of_range);
  }
}

TEST_CASE("status list token signed by another key is rejected", "[status_list_token]") {
  auto other = veil::PrivateJwk::generate(veil::JwsAlg::ES256);
  REQUIRE(other);
  auto other_verifier = veil::make_verifier(other->public_key());
  REQUIRE(other_verifier);
  auto claims = veil::verify_status_list_token(signed_token(), **other_verifier, kUri, FixedClock(kNow));
  REQUIRE_FALSE(claims);
  CHECK(claims.error().code == ErrorCode::invalid_signature);
}

TEST_CASE("status list token claims with missing or mistyped members are rejected", "[status_list_token]") {
  struct Case {
    const char* what;
    Json payload;
    ErrorCode code;
  };
  const auto with = [](const char* name, Json value) {
    Json payload = sample_payload();
    payload[name] = std::move(value);
    return payload;
  };
  const auto without = [](const char* name) {
    Json payload = sample_payload();
    payload.erase(name);
    return payload;
  };
  const std::vector<Case> cases = {
      {"no sub", without("sub"), ErrorCode::invalid_status_list_token},
      {"sub not a string", with("sub", 1), ErrorCode::invalid_status_list_token},
      {"iss not a string", with("iss", Json::array()), ErrorCode::invalid_status_list_token},
      {"no iat", without("iat"), ErrorCode::invalid_time_claim},
      {"iat a string", with("iat", "1700000000"), ErrorCode::invalid_time_claim},
      {"exp a string", with("exp", "1800000000"), ErrorCode::invalid_time_claim},
      {"exp huge", with("exp", 1e300), ErrorCode::invalid_time_claim},
      {"ttl zero", with("ttl", 0), ErrorCode::invalid_status_list_token},
      {"ttl negative", with("ttl", -5), ErrorCode::invalid_status_list_token},
      {"ttl a string", with("ttl", "43200"), ErrorCode::invalid_status_list_token},
      {"no status_list", without("status_list"), ErrorCode::invalid_status_list_token},
      {"status_list bits 3", with("status_list", Json{{"bits", 3}, {"lst", "eNrbuRgAAhcBXQ"}}),
       ErrorCode::invalid_status_list},
      {"status_list lst not zlib", with("status_list", Json{{"bits", 1}, {"lst", "uaM"}}),
       ErrorCode::invalid_status_list},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    auto parsed = veil::parse_status_list_token_claims(c.payload);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == c.code);
    auto verified = veil::verify_status_list_token(raw_token(kTypHeader, c.payload), *keys().verifier, kUri,
                                                   FixedClock(kNow));
    REQUIRE_FALSE(verified);
    CHECK(verified.error().code == c.code);
  }
  CHECK(veil::parse_status_list_token_claims(Json::array()).error().code == ErrorCode::invalid_status_list_token);
}

TEST_CASE("sign_status_list_token refuses an empty subject and a non-positive ttl", "[status_list_token]") {
  StatusListTokenClaims claims = sample_claims();
  claims.subject.clear();
  CHECK(veil::sign_status_list_token(claims, *keys().signer).error().code == ErrorCode::invalid_argument);
  claims = sample_claims();
  claims.ttl_seconds = 0;
  CHECK(veil::sign_status_list_token(claims, *keys().signer).error().code == ErrorCode::invalid_argument);
}

TEST_CASE("the draft's example Status List Token parses: typ, sub, iat, exp, ttl and its 1-bit list",
          "[status_list_token]") {
  const Json example =
      veil_test::read_vector_json("status-list/status_list_test_vectors.json").at("status_list_token_jwt_example");
  const UnverifiedJws token = parse(example.at("compact").get<std::string>());
  CHECK(token.typ() == std::optional<std::string>(veil::kStatusListTokenTyp));
  CHECK(token.kid() == std::optional<std::string>("12"));
  CHECK(token.alg() == veil::JwsAlg::ES256);
  auto claims = veil::parse_status_list_token_claims(token.unverified_payload());
  REQUIRE(claims);
  CHECK(claims->subject == "https://example.com/statuslists/1");
  CHECK(claims->issuer == std::optional<std::string>("https://example.com"));
  CHECK(claims->issued_at == 1686920170);
  CHECK(claims->expires_at == std::optional<std::int64_t>(2291720170));
  CHECK(claims->ttl_seconds == std::optional<std::int64_t>(43200));
  CHECK(claims->status_list.bits() == 1);
  CHECK(claims->status_list.bytes() == std::vector<std::uint8_t>{0xb9, 0xa3});
  CHECK(*claims->status_list.get(0) == veil::kStatusInvalid);
  CHECK(*claims->status_list.get(1) == veil::kStatusValid);

  // Its signing key is not published: with any key we hold, verification fails on the signature, not before.
  auto verified = veil::verify_status_list_token(token, *keys().verifier, "https://example.com/statuslists/1",
                                                 FixedClock(1686920170));
  REQUIRE_FALSE(verified);
  CHECK(verified.error().code == ErrorCode::invalid_signature);
}
