// Credential Offer links and objects (OpenID4VCI 1.0 §4.1): the specification's examples parse; every
// malformation is invalid_credential_offer before anything is fetched or shown.
#include "wallet/credential_offer.h"

#include <fstream>
#include <functional>
#include <sstream>

#include <catch2/catch.hpp>

namespace veil::wallet {
namespace {

const platform::FetchPolicy kPolicy{};  // https only, as in production

std::string read_vector(const std::string& name) {
  std::ifstream in(std::string(VEIL_VECTORS_DIR) + "/openid4vci/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Json vector_json(const std::string& name) {
  std::string text = read_vector(name);
  // The .txt examples are whole HTTP answers: the JSON starts after the blank line.
  if (const auto body = text.find("\n\n"); body != std::string::npos && text.starts_with("HTTP/")) {
    text = text.substr(body + 2);
  }
  return Json::parse(text);
}

std::string percent_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0x0F];
    }
  }
  return out;
}

std::string link_by_value(const Json& offer) {
  return std::string(kCredentialOfferLinkScheme) + "?credential_offer=" + percent_encode(offer.dump());
}

Json valid_offer() { return vector_json("credential_offer_multiple_credentials.json"); }

void expect_offer_error(const Json& offer, std::string_view message_part) {
  INFO(offer.dump());
  auto parsed = CredentialOffer::parse(offer, kPolicy);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == ErrorCode::invalid_credential_offer);
  CHECK_THAT(parsed.error().message, Catch::Contains(std::string(message_part)));
}

void expect_link_error(std::string_view link, std::string_view message_part) {
  INFO(link);
  auto parsed = parse_credential_offer_link(link, kPolicy);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == ErrorCode::invalid_credential_offer);
  CHECK_THAT(parsed.error().message, Catch::Contains(std::string(message_part)));
}

Json modified(const std::function<void(Json&)>& change) {
  Json offer = valid_offer();
  change(offer);
  return offer;
}

constexpr char kGrant[] = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

}  // namespace

TEST_CASE("wallet parses the OpenID4VCI pre-authorized code offer example", "[credential_offer]") {
  auto offer = CredentialOffer::parse(vector_json("credential_offer_pre-authz_code.json"), kPolicy);
  REQUIRE(offer);
  CHECK(offer->credential_issuer() == "https://credential-issuer.example.com");
  CHECK(offer->credential_configuration_ids() == std::vector<std::string>{"UniversityDegreeCredential"});
  REQUIRE(offer->pre_authorized_code_grant());
  CHECK(offer->pre_authorized_code_grant()->pre_authorized_code == "adhjhdjajkdkhjhdj");
  REQUIRE(offer->pre_authorized_code_grant()->tx_code);
  const auto& tx_code = *offer->pre_authorized_code_grant()->tx_code;
  CHECK(tx_code.input_mode == "numeric");  // the default when input_mode is absent
  CHECK_FALSE(tx_code.length);
  CHECK(tx_code.description == "Please provide the one-time code which was sent to your mobile phone via SMS");
  CHECK_FALSE(offer->has_authorization_code_grant());
}

TEST_CASE("wallet parses the OpenID4VCI multiple credentials offer example with its tx_code", "[credential_offer]") {
  auto offer = CredentialOffer::parse(vector_json("credential_offer_multiple_credentials.json"), kPolicy);
  REQUIRE(offer);
  CHECK(offer->credential_configuration_ids() ==
        std::vector<std::string>{"UniversityDegreeCredential", "org.iso.18013.5.1.mDL"});
  const auto& tx_code = *offer->pre_authorized_code_grant()->tx_code;
  CHECK(tx_code.length == 4u);
  CHECK(tx_code.input_mode == "numeric");
  CHECK(tx_code.to_json() == Json{{"input_mode", "numeric"},
                                  {"length", 4},
                                  {"description", "Please provide the one-time code that was sent via e-mail"}});
}

TEST_CASE("wallet reads an empty tx_code object as a required transaction code", "[credential_offer]") {
  auto offer = CredentialOffer::parse(vector_json("credential_offer_by_reference.json"), kPolicy);
  REQUIRE(offer);
  REQUIRE(offer->pre_authorized_code_grant()->tx_code);
  CHECK(offer->pre_authorized_code_grant()->tx_code->to_json() == Json{{"input_mode", "numeric"}});
}

TEST_CASE("wallet parses the authorization code offer example but finds no pre-authorized code in it",
          "[credential_offer]") {
  auto offer = CredentialOffer::parse(vector_json("credential_offer_authz_code.txt"), kPolicy);
  REQUIRE(offer);
  CHECK(offer->has_authorization_code_grant());
  CHECK_FALSE(offer->pre_authorized_code_grant());
}

TEST_CASE("wallet accepts an offer without grants and one without a tx_code", "[credential_offer]") {
  auto no_grants = CredentialOffer::parse(modified([](Json& o) { o.erase("grants"); }), kPolicy);
  REQUIRE(no_grants);
  CHECK_FALSE(no_grants->pre_authorized_code_grant());
  auto no_tx_code = CredentialOffer::parse(modified([](Json& o) { o["grants"][kGrant].erase("tx_code"); }), kPolicy);
  REQUIRE(no_tx_code);
  CHECK_FALSE(no_tx_code->pre_authorized_code_grant()->tx_code);
}

TEST_CASE("wallet reads an offer link by value", "[credential_offer]") {
  const Json offer = valid_offer();
  auto link = parse_credential_offer_link(link_by_value(offer), kPolicy);
  REQUIRE(link);
  REQUIRE(link->credential_offer);
  CHECK(*link->credential_offer == offer);
  CHECK_FALSE(link->credential_offer_uri);

  // No fetch happens for an offer by value, so any client will do.
  auto read = read_credential_offer(link_by_value(offer), platform::HttpClient(kPolicy));
  REQUIRE(read);
  CHECK(read->json() == offer);
}

TEST_CASE("wallet reads an offer link by reference, scheme case-insensitive, other parameters ignored",
          "[credential_offer]") {
  auto link = parse_credential_offer_link(
      "OPENID-CREDENTIAL-OFFER://offer?foo=bar&credential_offer_uri=" +
          percent_encode("https://server.example.com/credential-offer/GkurKxf5T0Y-mnPFCHqWOMiZi4VS138cQO_V7PZHAdM"),
      kPolicy);
  REQUIRE(link);
  CHECK(link->credential_offer_uri == "https://server.example.com/credential-offer/GkurKxf5T0Y-mnPFCHqWOMiZi4VS138cQO_V7PZHAdM");
  CHECK_FALSE(link->credential_offer);
}

TEST_CASE("wallet refuses malformed offer links", "[credential_offer]") {
  const std::string value = percent_encode(valid_offer().dump());
  const std::string scheme = kCredentialOfferLinkScheme;
  expect_link_error("https://wallet.example/?credential_offer=" + value, "openid-credential-offer://");
  expect_link_error("openid4vp://?credential_offer=" + value, "openid-credential-offer://");
  expect_link_error(scheme, "no query");
  expect_link_error(scheme + "?", "exactly one");
  expect_link_error(scheme + "?other=1", "exactly one");
  expect_link_error(scheme + "?credential_offer=" + value + "&credential_offer_uri=https%3A%2F%2Fi.example%2Fo",
                    "exactly one");
  expect_link_error(scheme + "?credential_offer=" + value + "&credential_offer=" + value, "twice");
  expect_link_error(scheme + "?credential_offer=%7B%2", "percent escape");
  expect_link_error(scheme + "?credential_offer=%GG", "percent escape");
  expect_link_error(scheme + "?credential_offer=" + percent_encode("{\"a\":"), "not a JSON object");
  expect_link_error(scheme + "?credential_offer=" + percent_encode("[1,2]"), "not a JSON object");
  expect_link_error(scheme + "?credential_offer=" + percent_encode(R"({"a":1,"a":2})"), "not a JSON object");
  expect_link_error(scheme + "?credential_offer_uri=" + percent_encode("http://issuer.example/offers/1"),
                    "credential_offer_uri");
  expect_link_error(scheme + "?credential_offer_uri=" + percent_encode("https://user@issuer.example/offers/1"),
                    "credential_offer_uri");
  expect_link_error(scheme + "?credential_offer_uri=", "credential_offer_uri");
  expect_link_error(scheme + "?credential_offer=" + std::string(kMaxCredentialOfferLinkBytes, 'a'), "too long");
}

TEST_CASE("wallet allows a loopback http credential_offer_uri only when the policy allows it", "[credential_offer]") {
  platform::FetchPolicy loopback;
  loopback.allow_loopback_http = true;
  const std::string link =
      std::string(kCredentialOfferLinkScheme) + "?credential_offer_uri=" + percent_encode("http://127.0.0.1:8701/offers/x");
  CHECK(parse_credential_offer_link(link, loopback));
  CHECK_FALSE(parse_credential_offer_link(link, kPolicy));
}

TEST_CASE("wallet refuses an offer whose credential_issuer is missing or not an allowed URL", "[credential_offer]") {
  expect_offer_error(Json::array(), "not a JSON object");
  expect_offer_error(modified([](Json& o) { o.erase("credential_issuer"); }), "credential_issuer must be a string");
  expect_offer_error(modified([](Json& o) { o["credential_issuer"] = 42; }), "credential_issuer must be a string");
  expect_offer_error(modified([](Json& o) { o["credential_issuer"] = "credential-issuer.example.com"; }),
                     "credential_issuer is not an allowed https URL");
  expect_offer_error(modified([](Json& o) { o["credential_issuer"] = "http://credential-issuer.example.com"; }),
                     "credential_issuer is not an allowed https URL");
  expect_offer_error(modified([](Json& o) { o["credential_issuer"] = "https://user@credential-issuer.example.com"; }),
                     "credential_issuer is not an allowed https URL");
  expect_offer_error(modified([](Json& o) { o["credential_issuer"] = "https://credential-issuer.example.com#x"; }),
                     "credential_issuer is not an allowed https URL");
  expect_offer_error(modified([](Json& o) { o["credential_issuer"] = "https://credential-issuer.example.com?a=b"; }),
                     "credential_issuer has a query component");
}

TEST_CASE("wallet refuses an offer whose credential_configuration_ids are missing, empty, mistyped or repeated",
          "[credential_offer]") {
  expect_offer_error(modified([](Json& o) { o.erase("credential_configuration_ids"); }), "non-empty array");
  expect_offer_error(modified([](Json& o) { o["credential_configuration_ids"] = Json::array(); }), "non-empty array");
  expect_offer_error(modified([](Json& o) { o["credential_configuration_ids"] = "UniversityDegreeCredential"; }),
                     "non-empty array");
  expect_offer_error(modified([](Json& o) { o["credential_configuration_ids"] = {"a", 7}; }), "non-empty strings");
  expect_offer_error(modified([](Json& o) { o["credential_configuration_ids"] = {"a", ""}; }), "non-empty strings");
  expect_offer_error(modified([](Json& o) { o["credential_configuration_ids"] = {"a", "b", "a"}; }), "twice");
}

TEST_CASE("wallet refuses an offer whose grants are malformed", "[credential_offer]") {
  expect_offer_error(modified([](Json& o) { o["grants"] = Json::array(); }), "grants is not a JSON object");
  expect_offer_error(modified([](Json& o) { o["grants"][kGrant] = "code"; }), "grant is not a JSON object");
  expect_offer_error(modified([](Json& o) { o["grants"][kGrant].erase("pre-authorized_code"); }),
                     "no pre-authorized_code string");
  expect_offer_error(modified([](Json& o) { o["grants"][kGrant]["pre-authorized_code"] = ""; }),
                     "no pre-authorized_code string");
  expect_offer_error(modified([](Json& o) { o["grants"][kGrant]["pre-authorized_code"] = 12345; }),
                     "no pre-authorized_code string");
  expect_offer_error(modified([](Json& o) { o["grants"][kGrant]["authorization_server"] = 1; }),
                     "authorization_server must be a non-empty string");
  expect_offer_error(modified([](Json& o) { o["grants"]["authorization_code"] = true; }),
                     "authorization_code grant is not a JSON object");
  expect_offer_error(modified([](Json& o) { o["grants"]["authorization_code"] = {{"issuer_state", 1}}; }),
                     "issuer_state must be a non-empty string");
}

TEST_CASE("wallet refuses an offer whose tx_code is malformed", "[credential_offer]") {
  auto tx = [](const std::function<void(Json&)>& change) {
    return modified([&](Json& o) { change(o["grants"][kGrant]["tx_code"]); });
  };
  expect_offer_error(modified([](Json& o) { o["grants"][kGrant]["tx_code"] = true; }), "tx_code is not a JSON object");
  expect_offer_error(tx([](Json& t) { t["input_mode"] = "alphanumeric"; }), "input_mode");
  expect_offer_error(tx([](Json& t) { t["input_mode"] = 1; }), "input_mode");
  expect_offer_error(tx([](Json& t) { t["length"] = 0; }), "length must be a positive integer");
  expect_offer_error(tx([](Json& t) { t["length"] = -4; }), "length must be a positive integer");
  expect_offer_error(tx([](Json& t) { t["length"] = 4.5; }), "length must be a positive integer");
  expect_offer_error(tx([](Json& t) { t["length"] = "4"; }), "length must be a positive integer");
  expect_offer_error(tx([](Json& t) { t["description"] = 7; }), "description must be a string");
  expect_offer_error(tx([](Json& t) { t["description"] = std::string(301, 'x'); }), "longer than 300 characters");
}

TEST_CASE("wallet counts a tx_code description's length in characters, not bytes", "[credential_offer]") {
  std::string umlauts;
  for (int i = 0; i < 300; ++i) umlauts += "\xC3\xBC";  // 300 times u-umlaut, 600 bytes
  auto offer = CredentialOffer::parse(modified([&](Json& o) { o["grants"][kGrant]["tx_code"]["description"] = umlauts; }),
                                      kPolicy);
  REQUIRE(offer);
  CHECK(offer->pre_authorized_code_grant()->tx_code->description == umlauts);
}

}  // namespace veil::wallet
