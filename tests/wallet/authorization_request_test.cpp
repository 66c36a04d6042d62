#include "wallet/authorization_request.h"

#include <functional>

#include <catch2/catch.hpp>

#include "scripted_verifier_support.h"
#include "support/test_certificate.h"
#include "veil/base64url.h"
#include "veil/jws.h"
#include "veil/signer.h"
#include "veil/x509_certificate.h"
#include "veil/platform/http_client.h"

using veil::ErrorCode;
using veil::Json;
using veil::wallet::AuthorizationRequest;
using veil::wallet::AuthorizationRequestLink;
using veil::wallet::AuthorizationRequestPolicy;
using veil::wallet::ClientIdPrefix;
using veil_test::make_test_certificate;
using veil_test::ScriptedAnswer;
using veil_test::ScriptedVerifier;
using veil_test::sign_request_object;
using veil_test::TestCertificate;
using veil_test::TestCertificateOptions;

namespace {

const veil::FixedClock kClock(1'800'000'000);

const Json kDcql = Json::parse(R"({"credentials": [{"id": "pid", "format": "dc+sd-jwt",
  "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
  "claims": [{"path": ["given_name"]}, {"path": ["family_name"]}]}]})");

std::string encode(const std::string& text) {
  return veil::platform::form_urlencode({{"x", text}}).substr(2);
}

// The parameters of a request as a Request Object carries them.
Json request_claims(const std::string& client_id, const std::string& response_uri) {
  return Json{{"client_id", client_id},         {"response_type", "vp_token"}, {"response_mode", "direct_post"},
              {"response_uri", response_uri},   {"nonce", "n-0S6_WzA2Mj"},     {"state", "state-1"},
              {"dcql_query", kDcql},            {"aud", "https://self-issued.me/v2"}};
}

// A by-value link for a redirect_uri: request, with |extra| appended verbatim.
std::string by_value_link(const std::string& response_uri, const std::string& extra = "") {
  return "openid4vp://?client_id=" + encode("redirect_uri:" + response_uri) + "&response_type=vp_token" +
         "&response_mode=direct_post&response_uri=" + encode(response_uri) + "&nonce=n-0S6_WzA2Mj&state=state-1" +
         "&dcql_query=" + encode(kDcql.dump()) + extra;
}

veil::Result<AuthorizationRequest> resolve_link(const std::string& link, bool allow_loopback_http = true) {
  auto parsed = veil::wallet::parse_authorization_request_link(link);
  if (!parsed) return tl::unexpected(parsed.error());
  AuthorizationRequestPolicy policy;
  policy.allow_loopback_http = allow_loopback_http;
  veil::platform::FetchPolicy fetch;
  fetch.allow_loopback_http = true;
  fetch.timeout = std::chrono::milliseconds(2000);
  return veil::wallet::resolve_authorization_request(*parsed, veil::platform::HttpClient(fetch), policy, kClock);
}

veil::Result<AuthorizationRequest> from_object(const std::string& jws, const std::string& outer_client_id) {
  return veil::wallet::authorization_request_from_request_object(jws, outer_client_id, AuthorizationRequestPolicy{},
                                                                 kClock);
}

std::string x509_hash_client_id(const TestCertificate& certificate) {
  return "x509_hash:" + veil::X509Certificate::parse_der(certificate.der)->sha256_base64url();
}

std::string by_reference_link(const std::string& client_id, const std::string& request_uri,
                              const std::string& extra = "") {
  return "openid4vp://?client_id=" + encode(client_id) + "&request_uri=" + encode(request_uri) + extra;
}

template <class T>
void expect_error(const veil::Result<T>& result, ErrorCode code) {
  REQUIRE_FALSE(result.has_value());
  INFO(result.error().message);
  CHECK(result.error().code == code);
}

TestCertificate certificate_for(std::vector<std::string> dns_names, veil_test::TestKeyKind key =
                                                                        veil_test::TestKeyKind::p256) {
  TestCertificateOptions options;
  options.dns_names = std::move(dns_names);
  options.key = key;
  options.common_name = "Example Verifier";
  return make_test_certificate(options);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// The link.

TEST_CASE("request link: openid4vp:// with any path, and a bare query, are read and percent-decoded", "[vp_request]") {
  for (std::string prefix : {"openid4vp://?", "openid4vp://authorize?", "OpenID4VP://?", "?"}) {
    auto link = veil::wallet::parse_authorization_request_link(prefix + "client_id=a%3Ab&nonce=x+y%2Bz");
    REQUIRE(link.has_value());
    REQUIRE(link->find("client_id") != nullptr);
    CHECK(*link->find("client_id") == "a:b");
    CHECK(*link->find("nonce") == "x y+z");
    CHECK(link->find("state") == nullptr);
  }
}

TEST_CASE("request link: other schemes, fragments, bad escapes and repeated parameters are refused", "[vp_request]") {
  for (std::string bad : {"https://wallet.example/?client_id=a", "openid-credential-offer://?x=1", "openid4vp://",
                          "openid4vp://?", "?client_id=a#frag", "?client_id=%zz", "?client_id=%4", "?client_id",
                          "?=x", "?client_id=a&&nonce=b", "?client_id=a&client_id=b", ""}) {
    INFO(bad);
    expect_error(veil::wallet::parse_authorization_request_link(bad), ErrorCode::invalid_authorization_request);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// By value (redirect_uri:).

TEST_CASE("request by value: a redirect_uri: request whose response_uri is the client_id value is accepted",
          "[vp_request]") {
  auto request = resolve_link(by_value_link("https://verifier.example.org/response/1"), false);
  REQUIRE(request.has_value());
  CHECK(request->client_id == "redirect_uri:https://verifier.example.org/response/1");
  CHECK(request->client_id_prefix == ClientIdPrefix::redirect_uri);
  CHECK(request->client_id_value == "https://verifier.example.org/response/1");
  CHECK(request->response_uri == "https://verifier.example.org/response/1");
  CHECK(request->nonce == "n-0S6_WzA2Mj");
  CHECK(request->state == "state-1");
  CHECK(request->verifier_name == "verifier.example.org");
  CHECK_FALSE(request->signed_request);
  CHECK(request->dcql_query.credentials().size() == 1);
  CHECK(request->to_json()["client_id_prefix"] == "redirect_uri");
  CHECK_FALSE(request->to_json().contains("nonce"));
}

TEST_CASE("request by value: without response_uri the redirect_uri: value is the response_uri", "[vp_request]") {
  std::string uri = "https://verifier.example.org/cb";
  std::string link = "openid4vp://?client_id=" + encode("redirect_uri:" + uri) +
                     "&response_type=vp_token&response_mode=direct_post&nonce=n&state=s&dcql_query=" +
                     encode(kDcql.dump());
  auto request = resolve_link(link, false);
  REQUIRE(request.has_value());
  CHECK(request->response_uri == uri);
}

TEST_CASE("request by value: a response_uri other than the redirect_uri: value is refused [attack:P5]",
          "[vp_request][attack:P5]") {
  std::string link = "openid4vp://?client_id=" + encode("redirect_uri:https://verifier.example.org/response") +
                     "&response_type=vp_token&response_mode=direct_post&response_uri=" +
                     encode("https://attacker.example/collect") + "&nonce=n&state=s&dcql_query=" + encode(kDcql.dump());
  expect_error(resolve_link(link, false), ErrorCode::client_id_mismatch);
}

TEST_CASE("request by value: a signed Request Object under redirect_uri: is refused [attack:P5]",
          "[vp_request][attack:P5]") {
  auto certificate = certificate_for({"verifier.example.org"});
  std::string uri = "https://verifier.example.org/response";
  std::string jws = sign_request_object(certificate, request_claims("redirect_uri:" + uri, uri));
  expect_error(from_object(jws, "redirect_uri:" + uri), ErrorCode::invalid_request_object);

  ScriptedVerifier verifier;
  std::string local = verifier.response_uri();
  verifier.serve_request_object(sign_request_object(certificate, request_claims("redirect_uri:" + local, local)));
  expect_error(resolve_link(by_reference_link("redirect_uri:" + local, verifier.request_uri())),
               ErrorCode::invalid_request_object);
}

TEST_CASE("request by value: x509 prefixes need a signed Request Object; other prefixes are unsupported",
          "[vp_request]") {
  std::string uri = "https://verifier.example.org/response";
  auto with_client_id = [&](const std::string& client_id) {
    return "openid4vp://?client_id=" + encode(client_id) +
           "&response_type=vp_token&response_mode=direct_post&response_uri=" + encode(uri) +
           "&nonce=n&state=s&dcql_query=" + encode(kDcql.dump());
  };
  expect_error(resolve_link(with_client_id("x509_hash:Uvo3HtuIxuhC92rShpgqcT3YXwrqRxWEviRiA0OZszk"), false),
               ErrorCode::unsupported_client_id_prefix);
  expect_error(resolve_link(with_client_id("x509_san_dns:verifier.example.org"), false),
               ErrorCode::unsupported_client_id_prefix);
  expect_error(resolve_link(with_client_id("decentralized_identifier:did:example:123"), false),
               ErrorCode::unsupported_client_id_prefix);
  expect_error(resolve_link(with_client_id("origin:https://verifier.example.org"), false),
               ErrorCode::unsupported_client_id_prefix);
  expect_error(resolve_link(with_client_id("preregistered-client"), false), ErrorCode::unsupported_client_id_prefix);
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters every request must get right.

TEST_CASE("request: response_uri together with redirect_uri is refused [attack:P7]", "[vp_request][attack:P7]") {
  std::string uri = "https://verifier.example.org/response";
  expect_error(resolve_link(by_value_link(uri, "&redirect_uri=" + encode(uri)), false),
               ErrorCode::invalid_authorization_request);

  auto certificate = certificate_for({"verifier.example.org"});
  Json claims = request_claims(x509_hash_client_id(certificate), uri);
  claims["redirect_uri"] = "https://verifier.example.org/cb";
  expect_error(from_object(sign_request_object(certificate, claims), x509_hash_client_id(certificate)),
               ErrorCode::invalid_authorization_request);
}

TEST_CASE("request: transaction_data is refused [attack:P9]", "[vp_request][attack:P9]") {
  std::string uri = "https://verifier.example.org/response";
  expect_error(resolve_link(by_value_link(uri, "&transaction_data=" + encode(R"(["eyJ0eXBlIjoieCJ9"])")), false),
               ErrorCode::invalid_authorization_request);

  auto certificate = certificate_for({"verifier.example.org"});
  Json claims = request_claims(x509_hash_client_id(certificate), uri);
  claims["transaction_data"] = Json::array({"eyJ0eXBlIjoicGF5bWVudCJ9"});
  expect_error(from_object(sign_request_object(certificate, claims), x509_hash_client_id(certificate)),
               ErrorCode::invalid_authorization_request);
}

TEST_CASE("request: response_type, response_mode, nonce, state and dcql_query are required as Veil needs them",
          "[vp_request]") {
  auto certificate = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(certificate);
  std::string uri = "https://verifier.example.org/response";
  auto with = [&](const std::function<void(Json&)>& change) {
    Json claims = request_claims(client_id, uri);
    change(claims);
    return from_object(sign_request_object(certificate, claims), client_id);
  };
  REQUIRE(with([](Json&) {}).has_value());
  expect_error(with([](Json& c) { c["response_mode"] = "direct_post.jwt"; }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c["response_mode"] = "fragment"; }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c.erase("response_mode"); }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c["response_type"] = "code"; }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c.erase("response_type"); }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c.erase("nonce"); }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c["nonce"] = ""; }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c["nonce"] = 42; }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c.erase("state"); }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c.erase("response_uri"); }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c.erase("dcql_query"); }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c["dcql_query"] = Json::object(); }), ErrorCode::invalid_dcql_query);
  expect_error(with([](Json& c) { c["presentation_definition"] = Json::object(); }),
               ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c["client_metadata"] = "text"; }), ErrorCode::invalid_authorization_request);
  expect_error(with([](Json& c) { c["response_uri"] = "http://verifier.example.org/response"; }),
               ErrorCode::url_not_allowed);
  expect_error(with([](Json& c) { c["response_uri"] = "javascript:alert(1)"; }), ErrorCode::url_not_allowed);
}

TEST_CASE("request: plain http to loopback is accepted only when the policy allows it", "[vp_request]") {
  std::string uri = "http://127.0.0.1:8703/response/1";
  expect_error(resolve_link(by_value_link(uri), false), ErrorCode::url_not_allowed);
  REQUIRE(resolve_link(by_value_link(uri), true).has_value());
}

TEST_CASE("request by value: dcql_query that is not JSON is invalid_dcql_query", "[vp_request]") {
  std::string uri = "https://verifier.example.org/response";
  std::string link = "openid4vp://?client_id=" + encode("redirect_uri:" + uri) +
                     "&response_type=vp_token&response_mode=direct_post&response_uri=" + encode(uri) +
                     "&nonce=n&state=s&dcql_query=" + encode("{not json");
  expect_error(resolve_link(link, false), ErrorCode::invalid_dcql_query);
}

// ---------------------------------------------------------------------------------------------------------------
// Signed Request Objects: x509_hash and x509_san_dns.

TEST_CASE("request by reference: an x509_hash Request Object is fetched with the right Accept header and checked",
          "[vp_request]") {
  ScriptedVerifier verifier;
  auto certificate = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(certificate);
  verifier.serve_request_object(sign_request_object(certificate, request_claims(client_id, verifier.response_uri())));

  auto request = resolve_link(by_reference_link(client_id, verifier.request_uri(), "&request_uri_method=get"));
  REQUIRE(request.has_value());
  CHECK(request->client_id == client_id);
  CHECK(request->client_id_prefix == ClientIdPrefix::x509_hash);
  CHECK(request->signed_request);
  CHECK(request->response_uri == verifier.response_uri());
  CHECK(request->request_uri == std::optional<std::string>(verifier.request_uri()));
  CHECK(request->verifier_name == "verifier.example.org");  // what the certificate claims
  REQUIRE(verifier.fetches().size() == 1);
  CHECK(verifier.fetches()[0].accept == "application/oauth-authz-req+jwt");
}

TEST_CASE("request by reference: an Ed25519-signed x509_hash Request Object without SAN is named by its CN",
          "[vp_request]") {
  ScriptedVerifier verifier;
  auto certificate = certificate_for({}, veil_test::TestKeyKind::ed25519);
  std::string client_id = x509_hash_client_id(certificate);
  verifier.serve_request_object(sign_request_object(certificate, request_claims(client_id, verifier.response_uri())));
  auto request = resolve_link(by_reference_link(client_id, verifier.request_uri()));
  REQUIRE(request.has_value());
  CHECK(request->verifier_name == "Example Verifier");
}

TEST_CASE("request by value: a signed Request Object in the request parameter is checked like one fetched",
          "[vp_request]") {
  auto certificate = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(certificate);
  std::string jws =
      sign_request_object(certificate, request_claims(client_id, "https://verifier.example.org/response"));
  auto request = resolve_link("openid4vp://?client_id=" + encode(client_id) + "&request=" + jws, false);
  REQUIRE(request.has_value());
  CHECK(request->signed_request);
  CHECK_FALSE(request->request_uri.has_value());
}

TEST_CASE("request: x509_hash of another certificate is client_id_mismatch", "[vp_request]") {
  auto certificate = certificate_for({"verifier.example.org"});
  auto other = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(other);
  std::string jws = sign_request_object(certificate, request_claims(client_id, "https://verifier.example.org/r"));
  expect_error(from_object(jws, client_id), ErrorCode::client_id_mismatch);
}

TEST_CASE("request by reference: an x509_san_dns Request Object naming the response_uri host is accepted",
          "[vp_request]") {
  ScriptedVerifier verifier;
  auto certificate = certificate_for({"other.example", "localhost"});
  std::string response_uri = "http://localhost:" + verifier.origin().substr(verifier.origin().rfind(':') + 1) +
                             "/response";
  verifier.serve_request_object(
      sign_request_object(certificate, request_claims("x509_san_dns:localhost", response_uri)));
  auto request = resolve_link(by_reference_link("x509_san_dns:localhost", verifier.request_uri()));
  REQUIRE(request.has_value());
  CHECK(request->client_id_prefix == ClientIdPrefix::x509_san_dns);
  CHECK(request->verifier_name == "localhost");
  CHECK(request->response_uri == response_uri);
}

TEST_CASE("request: an x509_san_dns name missing from the leaf SAN, or a response_uri on another host, is "
          "refused [attack:P6]",
          "[vp_request][attack:P6]") {
  auto certificate = certificate_for({"verifier.example.org"});
  // Not a SAN of the leaf (the CN does not count either).
  std::string jws = sign_request_object(
      certificate, request_claims("x509_san_dns:attacker.example", "https://attacker.example/response"));
  expect_error(from_object(jws, "x509_san_dns:attacker.example"), ErrorCode::client_id_mismatch);
  jws = sign_request_object(certificate,
                            request_claims("x509_san_dns:Example Verifier", "https://verifier.example.org/r"));
  expect_error(from_object(jws, "x509_san_dns:Example Verifier"), ErrorCode::client_id_mismatch);

  // A SAN of the leaf, but the response goes elsewhere: without a trust list that is refused.
  jws = sign_request_object(certificate,
                            request_claims("x509_san_dns:verifier.example.org", "https://attacker.example/response"));
  expect_error(from_object(jws, "x509_san_dns:verifier.example.org"), ErrorCode::client_id_mismatch);
  jws = sign_request_object(
      certificate, request_claims("x509_san_dns:verifier.example.org", "https://sub.verifier.example.org/response"));
  expect_error(from_object(jws, "x509_san_dns:verifier.example.org"), ErrorCode::client_id_mismatch);

  jws = sign_request_object(certificate, request_claims("x509_san_dns:verifier.example.org",
                                                        "https://verifier.example.org/response"));
  CHECK(from_object(jws, "x509_san_dns:verifier.example.org").has_value());
}

TEST_CASE("request: a client_id inside the Request Object other than the link's is client_id_mismatch",
          "[vp_request]") {
  auto certificate = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(certificate);
  std::string jws = sign_request_object(certificate, request_claims(client_id, "https://verifier.example.org/r"));
  expect_error(from_object(jws, "x509_san_dns:verifier.example.org"), ErrorCode::client_id_mismatch);
  expect_error(from_object(jws, client_id.substr(10)), ErrorCode::client_id_mismatch);  // prefix dropped

  Json claims = request_claims(client_id, "https://verifier.example.org/r");
  claims.erase("client_id");
  expect_error(from_object(sign_request_object(certificate, claims), client_id), ErrorCode::invalid_request_object);
}

TEST_CASE("request: a tampered Request Object signature, or one by another key than the x5c leaf, is "
          "invalid_request_object",
          "[vp_request]") {
  auto certificate = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(certificate);
  std::string jws = sign_request_object(certificate, request_claims(client_id, "https://verifier.example.org/r"));

  std::string flipped = jws;
  char& last = flipped[flipped.size() - 2];
  last = last == 'A' ? 'B' : 'A';
  expect_error(from_object(flipped, client_id), ErrorCode::invalid_request_object);

  // The payload swapped for another one (a different response_uri) under the original signature.
  std::string other = sign_request_object(certificate, request_claims(client_id, "https://attacker.example/r"));
  auto first_dot = jws.find('.');
  auto second_dot = jws.rfind('.');
  auto other_first = other.find('.');
  auto other_second = other.rfind('.');
  std::string spliced = jws.substr(0, first_dot) + other.substr(other_first, other_second - other_first) +
                        jws.substr(second_dot);
  expect_error(from_object(spliced, client_id), ErrorCode::invalid_request_object);

  // Signed by another key than the x5c leaf's.
  auto stranger = certificate_for({"verifier.example.org"});
  Json header{{"x5c", Json::array({certificate.x5c})}};
  expect_error(from_object(sign_request_object(stranger, request_claims(client_id, "https://verifier.example.org/r"),
                                               header),
                           client_id),
               ErrorCode::invalid_request_object);
}

TEST_CASE("request: alg none, a wrong typ, or a missing x5c make the Request Object invalid [attack:J1]",
          "[vp_request][attack:J1]") {
  auto certificate = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(certificate);
  Json claims = request_claims(client_id, "https://verifier.example.org/r");

  Json none_header{{"alg", "none"}, {"typ", "oauth-authz-req+jwt"}, {"x5c", Json::array({certificate.x5c})}};
  std::string unsigned_jws =
      veil::base64url_encode(none_header.dump()) + "." + veil::base64url_encode(claims.dump()) + ".";
  expect_error(from_object(unsigned_jws, client_id), ErrorCode::invalid_request_object);
  std::string fake_signature = unsigned_jws + "AAAA";
  expect_error(from_object(fake_signature, client_id), ErrorCode::invalid_request_object);

  expect_error(from_object(sign_request_object(certificate, claims, Json{{"typ", "JWT"}}), client_id),
               ErrorCode::invalid_request_object);
  expect_error(from_object(sign_request_object(certificate, claims, Json{{"typ", "kb+jwt"}}), client_id),
               ErrorCode::invalid_request_object);
  Json no_typ = Json{{"x5c", Json::array({certificate.x5c})}};
  auto signer = veil::make_signer(*certificate.key);
  auto bare = veil::sign_jws_compact(no_typ, claims, **signer);
  expect_error(from_object(*bare, client_id), ErrorCode::invalid_request_object);

  expect_error(from_object(sign_request_object(certificate, claims, Json{{"x5c", Json::array()}}), client_id),
               ErrorCode::invalid_request_object);
  expect_error(from_object(sign_request_object(certificate, claims, Json{{"x5c", certificate.x5c}}), client_id),
               ErrorCode::invalid_request_object);
  std::string url_safe = veil::base64url_encode(certificate.der);
  expect_error(from_object(sign_request_object(certificate, claims, Json{{"x5c", Json::array({url_safe})}}),
                           client_id),
               ErrorCode::invalid_request_object);
  expect_error(from_object("not a jws", client_id), ErrorCode::invalid_request_object);
}

TEST_CASE("request: an expired leaf certificate or an expired Request Object is refused", "[vp_request]") {
  TestCertificateOptions options;
  options.dns_names = {"verifier.example.org"};
  options.not_after = kClock.now() - 3600;
  auto expired = make_test_certificate(options);
  std::string client_id = x509_hash_client_id(expired);
  expect_error(from_object(sign_request_object(expired, request_claims(client_id, "https://verifier.example.org/r")),
                           client_id),
               ErrorCode::invalid_request_object);

  auto certificate = certificate_for({"verifier.example.org"});
  client_id = x509_hash_client_id(certificate);
  Json claims = request_claims(client_id, "https://verifier.example.org/r");
  claims["exp"] = kClock.now() - 120;
  expect_error(from_object(sign_request_object(certificate, claims), client_id), ErrorCode::invalid_request_object);
  claims["exp"] = kClock.now() + 120;
  CHECK(from_object(sign_request_object(certificate, claims), client_id).has_value());
  claims["iat"] = kClock.now() + 3600;
  expect_error(from_object(sign_request_object(certificate, claims), client_id), ErrorCode::invalid_request_object);
}

// ---------------------------------------------------------------------------------------------------------------
// Fetching the Request Object.

TEST_CASE("request by reference: a redirect from request_uri is not followed [attack:P8]", "[vp_request][attack:P8]") {
  ScriptedVerifier verifier;
  auto certificate = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(certificate);
  for (int status : {301, 302, 303, 307, 308}) {
    verifier.script_request(ScriptedAnswer{status, "text/plain", "", verifier.redirect_target()});
    expect_error(resolve_link(by_reference_link(client_id, verifier.request_uri())),
                 ErrorCode::unexpected_http_status);
  }
  CHECK(verifier.elsewhere_hits() == 0);
}

TEST_CASE("request by reference: an error status, a wrong content type or no verifier end the request",
          "[vp_request]") {
  ScriptedVerifier verifier;
  auto certificate = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(certificate);
  std::string jws = sign_request_object(certificate, request_claims(client_id, verifier.response_uri()));

  verifier.script_request(ScriptedAnswer{404, "application/json", R"({"error": "invalid_request"})", std::nullopt});
  auto result = resolve_link(by_reference_link(client_id, verifier.request_uri()));
  expect_error(result, ErrorCode::unexpected_http_status);
  CHECK(result.error().message.find("invalid_request") != std::string::npos);
  verifier.script_request(ScriptedAnswer{500, "text/plain", "oops", std::nullopt});
  expect_error(resolve_link(by_reference_link(client_id, verifier.request_uri())), ErrorCode::unexpected_http_status);

  verifier.script_request(ScriptedAnswer{200, "text/html", jws, std::nullopt});
  expect_error(resolve_link(by_reference_link(client_id, verifier.request_uri())), ErrorCode::invalid_request_object);
  verifier.script_request(ScriptedAnswer{200, "application/json", Json{{"client_id", client_id}}.dump(), std::nullopt});
  expect_error(resolve_link(by_reference_link(client_id, verifier.request_uri())), ErrorCode::invalid_request_object);

  verifier.serve_request_object(jws);
  REQUIRE(resolve_link(by_reference_link(client_id, verifier.request_uri())).has_value());
}

TEST_CASE("request by reference: request_uri_method post, a non-https request_uri and request next to "
          "request_uri are refused",
          "[vp_request]") {
  ScriptedVerifier verifier;
  auto certificate = certificate_for({"verifier.example.org"});
  std::string client_id = x509_hash_client_id(certificate);
  verifier.serve_request_object(sign_request_object(certificate, request_claims(client_id, verifier.response_uri())));

  auto post = resolve_link(by_reference_link(client_id, verifier.request_uri(), "&request_uri_method=post"));
  expect_error(post, ErrorCode::invalid_authorization_request);
  CHECK(post.error().message.find("post") != std::string::npos);
  expect_error(resolve_link(by_reference_link(client_id, verifier.request_uri(), "&request_uri_method=put")),
               ErrorCode::invalid_authorization_request);
  expect_error(resolve_link(by_reference_link(client_id, verifier.request_uri()), false), ErrorCode::url_not_allowed);
  expect_error(resolve_link(by_reference_link(client_id, "http://verifier.example.org/request")),
               ErrorCode::url_not_allowed);
  expect_error(resolve_link(by_reference_link(client_id, verifier.request_uri(), "&request=a.b.c")),
               ErrorCode::invalid_authorization_request);
  expect_error(resolve_link("openid4vp://?request_uri=" + encode(verifier.request_uri())),
               ErrorCode::invalid_authorization_request);
  CHECK(verifier.fetches().empty());
}

TEST_CASE("request: a Request Object's exp is the request's deadline, which the wallet keeps", "[vp_request]") {
  auto certificate = certificate_for({"verifier.example.org"});
  const std::string client_id = x509_hash_client_id(certificate);
  Json claims = request_claims(client_id, "https://verifier.example.org/r");
  claims["exp"] = kClock.now() + 120;
  auto request = from_object(sign_request_object(certificate, claims), client_id);
  REQUIRE(request.has_value());
  CHECK(request->expires_at == kClock.now() + 120);
  claims.erase("exp");
  auto without = from_object(sign_request_object(certificate, claims), client_id);
  REQUIRE(without.has_value());
  CHECK_FALSE(without->expires_at.has_value());
}
