// IssuanceClient against a real `veil-issuer serve` (offer by value and by reference, tx_code, batches) and
// against scripted in-process issuers that lie: metadata for another issuer, a credential bound to a foreign key,
// a tampered signature, redirects, an expired c_nonce.
#include "wallet/issuance_client.h"

#include <atomic>
#include <mutex>
#include <set>

#include <catch2/catch.hpp>

#include "veil/base64url.h"
#include "veil/clock.h"
#include "veil/jwk.h"
#include "veil/platform/http_response.h"
#include "veil/platform/jwt_vc_issuer_metadata.h"
#include "veil/platform/http_server.h"
#include "veil/salt_source.h"
#include "veil/sd_jwt_vc.h"
#include "veil/signer.h"
#include "wallet/issuer_process_support.h"

namespace veil::wallet {
namespace {

using testing::IssuerProcess;
using testing::example_claims;
using testing::loopback_fetch_policy;

const SystemClock kClock;

IssuanceClient make_client(std::size_t max_batch_size = 3) {
  IssuanceOptions options;
  options.max_batch_size = max_batch_size;
  return IssuanceClient(platform::HttpClient(loopback_fetch_policy()), kClock, options);
}

Json jwt_part(std::string_view compact_jwt, int index) {
  std::string_view rest = compact_jwt;
  for (int i = 0; i < index; ++i) rest = rest.substr(rest.find('.') + 1);
  auto text = base64url_decode_to_string(rest.substr(0, rest.find_first_of(".~")));
  REQUIRE(text);
  return Json::parse(*text);
}

std::string pre_authorized_code_of(const Json& admin_offer) {
  return admin_offer.at("credential_offer").at("grants").at(kPreAuthorizedCodeGrantType).at("pre-authorized_code");
}

// cnf_of reads cnf.jwk of an issued SD-JWT VC without verifying it (the client under test verified it).
Jwk cnf_of(const std::string& sd_jwt) {
  auto key = Jwk::parse(jwt_part(sd_jwt, 1).at("cnf").at("jwk"));
  REQUIRE(key);
  return *key;
}

template <class T>
void expect_error(const Result<T>& result, ErrorCode code, const std::string& message_part = {}) {
  REQUIRE_FALSE(result);
  INFO(result.error().message);
  CHECK(error_code_name(result.error().code) == error_code_name(code));
  if (!message_part.empty()) CHECK_THAT(result.error().message, Catch::Contains(message_part));
}

// ScriptedIssuer is an in-process issuer whose answers a test scripts: its own metadata, token, nonce and
// credential endpoints, signing SD-JWT VCs with a key of its own.
class ScriptedIssuer {
 public:
  enum class Credentials {
    honest, foreign_key, tampered_signature, invalid_nonce_once, oauth_error, deferred, server_error, wrong_vct
  };

  explicit ScriptedIssuer(Credentials behaviour = Credentials::honest)
      : behaviour_(behaviour), issuer_key_(*PrivateJwk::generate(JwsAlg::ES256, std::string("scripted-1"))) {
    signer_ = std::move(*make_signer(issuer_key_));
    REQUIRE(server_.bind("127.0.0.1", 0));
    url_ = "http://127.0.0.1:" + std::to_string(server_.port());
    metadata_ = {
        {"credential_issuer", url_},
        {"credential_endpoint", url_ + "/credential"},
        {"nonce_endpoint", url_ + "/nonce"},
        {"batch_credential_issuance", {{"batch_size", 2}}},
        {"display", Json::array({{{"name", "Scripted issuer"}, {"locale", "en"}}})},
        {"credential_configurations_supported",
         {{"person",
           {{"format", "dc+sd-jwt"},
            {"vct", kVct},
            {"cryptographic_binding_methods_supported", {"jwk"}},
            {"proof_types_supported", {{"jwt", {{"proof_signing_alg_values_supported", {"ES256"}}}}}},
            {"credential_metadata", {{"display", Json::array({{{"name", "Person"}, {"locale", "en"}}})}}}}}}},
    };
    install_routes();
    server_.start_in_background();
  }
  ~ScriptedIssuer() { server_.join(); }

  static constexpr char kVct[] = "urn:veil:credential:person";

  const std::string& url() const { return url_; }
  /// set_metadata replaces the Credential Issuer Metadata the server answers.
  void set_metadata(Json metadata) {
    std::lock_guard lock(mutex_);
    metadata_ = std::move(metadata);
  }
  /// set_jwt_vc_issuer replaces the JWT VC Issuer Metadata the server answers; jwt_vc_issuer_jwks is its key set,
  /// also served at /jwks.
  void set_jwt_vc_issuer(Json metadata) {
    std::lock_guard lock(mutex_);
    jwt_vc_issuer_ = std::move(metadata);
  }
  Json jwks() const { return {{"keys", Json::array({issuer_key_.public_key().to_json()})}}; }
  /// redirect makes GET |path| answer 302 to /followed (which counts visits).
  void redirect(std::string path) {
    std::lock_guard lock(mutex_);
    redirected_path_ = std::move(path);
  }
  std::string offer_link() const {
    const Json offer = {{"credential_issuer", url_},
                        {"credential_configuration_ids", {"person"}},
                        {"grants", {{kPreAuthorizedCodeGrantType, {{"pre-authorized_code", "scripted-code"}}}}}};
    return std::string(kCredentialOfferLinkScheme) + "?credential_offer=" + percent(offer.dump());
  }
  int followed() const { return followed_.load(); }
  int credential_requests() const { return credential_requests_.load(); }
  std::vector<std::string> proof_nonces() {
    std::lock_guard lock(mutex_);
    return proof_nonces_;
  }

 private:
  static std::string percent(std::string_view text) {
    std::string out;
    static const char* hex = "0123456789ABCDEF";
    for (char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (std::isalnum(byte)) {
        out.push_back(c);
      } else {
        out += '%';
        out += hex[byte >> 4];
        out += hex[byte & 0x0F];
      }
    }
    return out;
  }

  bool redirected(const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex_);
    if (request.path != redirected_path_) return false;
    response.status = 302;
    response.set_header("Location", url_ + "/followed");
    return true;
  }

  void install_routes() {
    auto& router = server_.router();
    router.Get("/followed", [this](const httplib::Request&, httplib::Response& response) {
      ++followed_;
      platform::send_json(response, 200, Json::object());
    });
    router.Get("/.well-known/openid-credential-issuer", [this](const httplib::Request& request, httplib::Response& response) {
      if (redirected(request, response)) return;
      std::lock_guard lock(mutex_);
      platform::send_json(response, 200, metadata_);
    });
    router.Get("/.well-known/oauth-authorization-server", [this](const httplib::Request& request, httplib::Response& response) {
      if (redirected(request, response)) return;
      platform::send_json(response, 200, {{"issuer", url_}, {"token_endpoint", url_ + "/token"}});
    });
    router.Get("/.well-known/jwt-vc-issuer", [this](const httplib::Request& request, httplib::Response& response) {
      if (redirected(request, response)) return;
      std::lock_guard lock(mutex_);
      platform::send_json(response, 200, jwt_vc_issuer_.is_null() ? Json{{"issuer", url_}, {"jwks", jwks()}} : jwt_vc_issuer_);
    });
    router.Get("/jwks", [this](const httplib::Request&, httplib::Response& response) {
      platform::send_json(response, 200, jwks());
    });
    router.Get("/offer", [this](const httplib::Request& request, httplib::Response& response) {
      if (redirected(request, response)) return;
      platform::send_json(response, 404, {{"error", "not_found"}});
    });
    router.Post("/token", [](const httplib::Request&, httplib::Response& response) {
      platform::send_json(response, 200, {{"access_token", "scripted-token"}, {"token_type", "Bearer"}});
    });
    router.Post("/nonce", [this](const httplib::Request&, httplib::Response& response) {
      platform::send_json(response, 200, {{"c_nonce", "nonce-" + std::to_string(++nonces_)}});
    });
    router.Post("/credential", [this](const httplib::Request& request, httplib::Response& response) {
      const int call = ++credential_requests_;
      const Json body = Json::parse(request.body);
      std::vector<Jwk> holder_keys;
      for (const auto& proof : body.at("proofs").at("jwt")) {
        const std::string compact = proof.get<std::string>();
        holder_keys.push_back(*Jwk::parse(jwt_part(compact, 0).at("jwk")));
        std::lock_guard lock(mutex_);
        proof_nonces_.push_back(jwt_part(compact, 1).value("nonce", ""));
      }
      if (behaviour_ == Credentials::oauth_error) {
        return platform::send_json(response, 400, {{"error", "invalid_proof"}, {"error_description", "scripted"}});
      }
      if (behaviour_ == Credentials::deferred) {
        return platform::send_json(response, 202, {{"transaction_id", "later"}, {"interval", 5}});
      }
      if (behaviour_ == Credentials::server_error) {
        return platform::send_json(response, 500, {{"error", "server_error"}});
      }
      if (behaviour_ == Credentials::invalid_nonce_once && call == 1) {
        return platform::send_json(response, 400, {{"error", "invalid_nonce"}});
      }
      Json credentials = Json::array();
      for (const auto& holder : holder_keys) credentials.push_back({{"credential", issue(holder)}});
      platform::send_json(response, 200, {{"credentials", credentials}});
    });
  }

  std::string issue(const Jwk& holder) {
    SdJwtVcIssueRequest request;
    request.iss = url_;
    request.vct = behaviour_ == Credentials::wrong_vct ? "urn:veil:credential:age" : kVct;
    request.claims = {{"given_name", "Erika"}, {"family_name", "Mustermann"}};
    request.holder_key = holder;
    if (behaviour_ == Credentials::foreign_key) request.holder_key = PrivateJwk::generate(JwsAlg::ES256)->public_key();
    request.iat = kClock.now();
    auto salts = RandomSaltSource::create();
    std::string compact = issue_sd_jwt_vc(request, **salts, *signer_)->serialize_compact();
    if (behaviour_ == Credentials::tampered_signature) {
      // One changed character in the signature's first base64url block changes r: the signature breaks.
      const auto signature = compact.rfind('.', compact.find('~')) + 1;
      compact[signature] = compact[signature] == 'A' ? 'B' : 'A';
    }
    return compact;
  }

  Credentials behaviour_;
  PrivateJwk issuer_key_;
  std::unique_ptr<Signer> signer_;
  platform::HttpServer server_;
  std::string url_;
  std::mutex mutex_;
  Json metadata_;
  Json jwt_vc_issuer_;
  std::string redirected_path_;
  std::vector<std::string> proof_nonces_;
  std::atomic<int> followed_{0};
  std::atomic<int> nonces_{0};
  std::atomic<int> credential_requests_{0};
};

Result<std::vector<NewCredential>> receive(const IssuanceClient& client, const std::string& link,
                                           const std::optional<std::string>& tx_code = std::nullopt) {
  VEIL_TRY(const auto offer, client.read_offer(link));
  VEIL_TRY(const auto inspected, client.inspect(offer));
  return client.accept(inspected, tx_code);
}

void check_batch(const NewCredential& credential, const std::string& issuer, std::size_t copies) {
  CHECK(credential.vct == "urn:veil:credential:person");
  CHECK(credential.issuer == issuer);
  CHECK(credential.claims.at("given_name") == "Erika");
  CHECK(credential.claims.at("address").at("country") == "DE");
  CHECK_FALSE(credential.claims.contains("_sd"));
  CHECK(credential.display.at("credential_configuration_id") == "person");
  CHECK(credential.display.at("name").is_string());
  CHECK(credential.received_at > 0);
  REQUIRE(credential.copies.size() == copies);
  std::set<std::string> thumbprints;
  std::set<std::string> sd_jwts;
  for (const auto& copy : credential.copies) {
    CHECK(copy.sd_jwt.back() == '~');
    // Each copy is bound to its own fresh key, and the wallet kept that key's private half.
    CHECK(cnf_of(copy.sd_jwt) == copy.holder_key.public_key());
    thumbprints.insert(copy.holder_key.public_key().thumbprint());
    sd_jwts.insert(copy.sd_jwt);
  }
  CHECK(thumbprints.size() == copies);
  CHECK(sd_jwts.size() == copies);
}

}  // namespace

TEST_CASE("wallet receives a verified batch with distinct holder keys from an offer by value", "[issuance]") {
  IssuerProcess issuer;
  const Json offer = issuer.create_offer("person", example_claims("person"));
  const auto client = make_client(3);

  auto parsed = client.read_offer(offer.at("offer_uri_by_value").get<std::string>());
  REQUIRE(parsed);
  auto inspected = client.inspect(*parsed);
  REQUIRE(inspected);
  CHECK(inspected->credential_issuer == issuer.url());
  CHECK_FALSE(inspected->tx_code);
  CHECK(inspected->copies_per_credential == 3);  // the issuer allows 10, the wallet asks for at most 3
  REQUIRE(inspected->credentials.size() == 1);
  CHECK(inspected->credentials[0].vct == "urn:veil:credential:person");
  CHECK_FALSE(inspected->credentials[0].display.empty());
  CHECK_FALSE(inspected->credentials[0].claims.empty());
  const Json shown = inspected->to_json();
  CHECK(shown.at("tx_code").is_null());
  CHECK(shown.dump().find(pre_authorized_code_of(offer)) == std::string::npos);

  auto received = client.accept(*inspected, std::nullopt);
  REQUIRE(received);
  REQUIRE(received->size() == 1);
  check_batch(received->front(), issuer.url(), 3);
}

TEST_CASE("wallet receives a verified batch from an offer by credential_offer_uri", "[issuance]") {
  IssuerProcess issuer;
  const Json offer = issuer.create_offer("person", example_claims("person"));
  CHECK(offer.at("offer_uri").get<std::string>().find("credential_offer_uri=") != std::string::npos);
  auto received = receive(make_client(2), offer.at("offer_uri").get<std::string>());
  REQUIRE(received);
  REQUIRE(received->size() == 1);
  check_batch(received->front(), issuer.url(), 2);
}

TEST_CASE("wallet requests nothing before the holder accepts an offer [attack:P12]", "[issuance][attack:P12]") {
  IssuerProcess issuer;
  const Json offer = issuer.create_offer("person", example_claims("person"));
  const auto client = make_client(1);
  auto inspected = client.inspect(*client.read_offer(offer.at("offer_uri_by_value").get<std::string>()));
  REQUIRE(inspected);

  // Inspecting only read metadata: nothing was issued and the code is still unredeemed.
  auto log = issuer.client().Get("/admin/credentials", {{"Authorization", "Bearer " + issuer.admin_key()}});
  REQUIRE(log);
  CHECK(Json::parse(log->body).at("credentials").empty());
  auto received = client.accept(*inspected, std::nullopt);
  REQUIRE(received);
  CHECK(received->front().copies.size() == 1);
}

TEST_CASE("wallet asks for the tx_code the offer requires and reports a wrong one as issuance_failed", "[issuance]") {
  IssuerProcess issuer;
  const Json offer = issuer.create_offer("person", example_claims("person"), /*tx_code=*/true);
  const std::string code = offer.at("tx_code").get<std::string>();
  const auto client = make_client(2);
  auto inspected = client.inspect(*client.read_offer(offer.at("offer_uri").get<std::string>()));
  REQUIRE(inspected);
  REQUIRE(inspected->tx_code);
  CHECK(inspected->tx_code->input_mode == "numeric");
  CHECK(inspected->tx_code->length == code.size());
  CHECK(inspected->to_json().at("tx_code").at("length") == code.size());

  expect_error(client.accept(*inspected, std::nullopt), ErrorCode::invalid_argument, "transaction code");
  const std::string wrong = code == "000000" ? "111111" : "000000";
  expect_error(client.accept(*inspected, wrong), ErrorCode::issuance_failed, "invalid_grant");

  auto received = client.accept(*inspected, code);
  REQUIRE(received);
  check_batch(received->front(), issuer.url(), 2);
  // The code is single-use: a second acceptance is refused by the issuer.
  expect_error(client.accept(*inspected, code), ErrorCode::issuance_failed, "invalid_grant");
}

TEST_CASE("wallet refuses a tx_code for an offer that asks for none", "[issuance]") {
  IssuerProcess issuer;
  const Json offer = issuer.create_offer("age", example_claims("age"));
  const auto client = make_client(1);
  auto inspected = client.inspect(*client.read_offer(offer.at("offer_uri_by_value").get<std::string>()));
  REQUIRE(inspected);
  expect_error(client.accept(*inspected, std::string("123456")), ErrorCode::invalid_argument);
}

TEST_CASE("issuer helper revokes a received copy by its holder key", "[issuance]") {
  IssuerProcess issuer;
  const Json offer = issuer.create_offer("person", example_claims("person"));
  auto received = receive(make_client(2), offer.at("offer_uri_by_value").get<std::string>());
  REQUIRE(received);
  const Json record = issuer.revoke(received->front().copies[1].holder_key.public_key().thumbprint());
  CHECK(record.at("status") == "invalid");
}

TEST_CASE("wallet refuses an offer whose issuer metadata names another issuer [attack:P12]",
          "[issuance][attack:P12]") {
  IssuerProcess real;
  auto metadata = real.client().Get("/.well-known/openid-credential-issuer");
  REQUIRE(metadata);
  // The attacker's server answers with the real issuer's metadata, hoping the wallet shows the real name.
  ScriptedIssuer impostor;
  impostor.set_metadata(Json::parse(metadata->body));
  const auto client = make_client();
  auto offer = client.read_offer(impostor.offer_link());
  REQUIRE(offer);
  expect_error(client.inspect(*offer), ErrorCode::invalid_issuer_metadata, "credential_issuer");
  CHECK(impostor.credential_requests() == 0);
}

TEST_CASE("wallet refuses an offer that names a configuration the issuer does not offer", "[issuance]") {
  IssuerProcess issuer;
  const Json offer = issuer.create_offer("person", example_claims("person"));
  Json altered = offer.at("credential_offer");
  altered["credential_configuration_ids"] = {"passport"};
  auto parsed = CredentialOffer::parse(altered, loopback_fetch_policy());
  REQUIRE(parsed);
  expect_error(make_client().inspect(*parsed), ErrorCode::invalid_credential_offer, "passport");
}

TEST_CASE("wallet receives from a scripted issuer and retries once after invalid_nonce", "[issuance]") {
  ScriptedIssuer issuer(ScriptedIssuer::Credentials::invalid_nonce_once);
  auto received = receive(make_client(5), issuer.offer_link());
  REQUIRE(received);
  REQUIRE(received->front().copies.size() == 2);  // the scripted issuer's batch_size
  CHECK(issuer.credential_requests() == 2);
  // The retry signs over a fresh c_nonce.
  const auto nonces = issuer.proof_nonces();
  REQUIRE(nonces.size() == 4);
  CHECK(nonces[0] == "nonce-1");
  CHECK(nonces[2] == "nonce-2");
}

TEST_CASE("wallet reports an issuer's credential error as issuance_failed with its code", "[issuance]") {
  ScriptedIssuer issuer(ScriptedIssuer::Credentials::oauth_error);
  expect_error(receive(make_client(), issuer.offer_link()), ErrorCode::issuance_failed, "invalid_proof");
}

TEST_CASE("wallet reports deferred issuance as issuance_failed and a server error as unexpected_http_status",
          "[issuance]") {
  ScriptedIssuer deferring(ScriptedIssuer::Credentials::deferred);
  expect_error(receive(make_client(), deferring.offer_link()), ErrorCode::issuance_failed, "deferred");
  ScriptedIssuer failing(ScriptedIssuer::Credentials::server_error);
  expect_error(receive(make_client(), failing.offer_link()), ErrorCode::unexpected_http_status, "500");
}

TEST_CASE("wallet refuses a received credential of another type than the configuration's", "[issuance]") {
  ScriptedIssuer issuer(ScriptedIssuer::Credentials::wrong_vct);
  expect_error(receive(make_client(), issuer.offer_link()), ErrorCode::invalid_vct);
}

TEST_CASE("wallet refuses a credential bound to another key than the one it proved", "[issuance]") {
  ScriptedIssuer issuer(ScriptedIssuer::Credentials::foreign_key);
  expect_error(receive(make_client(), issuer.offer_link()), ErrorCode::holder_key_mismatch);
}

TEST_CASE("wallet refuses a received credential with a tampered signature", "[issuance]") {
  ScriptedIssuer issuer(ScriptedIssuer::Credentials::tampered_signature);
  expect_error(receive(make_client(), issuer.offer_link()), ErrorCode::invalid_signature);
}

TEST_CASE("wallet does not follow a redirect from issuer metadata [attack:P8]", "[issuance][attack:P8]") {
  ScriptedIssuer issuer;
  issuer.redirect("/.well-known/openid-credential-issuer");
  const auto client = make_client();
  expect_error(client.inspect(*client.read_offer(issuer.offer_link())), ErrorCode::unexpected_http_status);
  CHECK(issuer.followed() == 0);
}

TEST_CASE("wallet does not follow a redirect from a credential_offer_uri or jwt-vc-issuer [attack:P8]",
          "[issuance][attack:P8]") {
  ScriptedIssuer issuer;
  issuer.redirect("/offer");
  const auto client = make_client();
  expect_error(client.read_offer(std::string(kCredentialOfferLinkScheme) + "?credential_offer_uri=" + issuer.url() +
                                 "/offer"),
               ErrorCode::unexpected_http_status);
  issuer.redirect("/.well-known/jwt-vc-issuer");
  expect_error(receive(client, issuer.offer_link()), ErrorCode::unexpected_http_status);
  CHECK(issuer.followed() == 0);
}

// JWT VC Issuer Metadata (platform/jwt_vc_issuer_metadata.h): where the wallet gets the keys it verifies with.

TEST_CASE("JWT VC issuer metadata lives between the host and the path of iss", "[jwt_vc_issuer_metadata]") {
  const platform::FetchPolicy https;
  CHECK(platform::jwt_vc_issuer_metadata_url("https://ex.com/tenant/1", https) ==
        "https://ex.com/.well-known/jwt-vc-issuer/tenant/1");
  CHECK(platform::jwt_vc_issuer_metadata_url("https://ex.com", https) == "https://ex.com/.well-known/jwt-vc-issuer");
  CHECK(platform::jwt_vc_issuer_metadata_url("https://ex.com/", https) == "https://ex.com/.well-known/jwt-vc-issuer");
  CHECK(platform::jwt_vc_issuer_metadata_url("https://ex.com:8443/a/", https) ==
        "https://ex.com:8443/.well-known/jwt-vc-issuer/a");
  expect_error(platform::jwt_vc_issuer_metadata_url("https://ex.com/?tenant=1", https), ErrorCode::url_not_allowed);
  expect_error(platform::jwt_vc_issuer_metadata_url("http://ex.com", https), ErrorCode::url_not_allowed);
  expect_error(platform::jwt_vc_issuer_metadata_url("http://127.0.0.1:1", https), ErrorCode::url_not_allowed);
  CHECK(platform::jwt_vc_issuer_metadata_url("http://127.0.0.1:1", loopback_fetch_policy()));
}

TEST_CASE("JWT VC issuer metadata must name exactly the iss and publish usable public keys only",
          "[jwt_vc_issuer_metadata]") {
  const Jwk key = PrivateJwk::generate(JwsAlg::ES256, std::string("k1"))->public_key();
  const Json jwks = {{"keys", Json::array({key.to_json()})}};
  const std::string iss = "https://issuer.example/tenant";
  auto parsed = platform::parse_jwt_vc_issuer_metadata({{"issuer", iss}, {"jwks", jwks}}, iss);
  REQUIRE(parsed);
  CHECK(parsed->issuer == iss);
  REQUIRE(parsed->keys.size() == 1);
  CHECK(parsed->keys[0] == key);
  CHECK(parsed->keys[0].kid() == "k1");
  CHECK(parsed->jwks() == jwks);

  auto expect_metadata_error = [&](const Json& document, const std::string& message_part) {
    INFO(document.dump());
    expect_error(platform::parse_jwt_vc_issuer_metadata(document, iss), ErrorCode::invalid_issuer_metadata,
                 message_part);
  };
  expect_metadata_error(Json::array(), "not a JSON object");
  expect_metadata_error({{"jwks", jwks}}, "no issuer string");
  expect_metadata_error({{"issuer", iss + "/"}, {"jwks", jwks}}, "names another issuer");
  expect_metadata_error({{"issuer", "https://other.example/tenant"}, {"jwks", jwks}}, "names another issuer");
  expect_metadata_error({{"issuer", iss}}, "exactly one of jwks and jwks_uri");
  expect_metadata_error({{"issuer", iss}, {"jwks", jwks}, {"jwks_uri", "https://issuer.example/jwks"}},
                        "exactly one of jwks and jwks_uri");
  expect_metadata_error({{"issuer", iss}, {"jwks_uri", "https://issuer.example/jwks"}}, "jwks_uri");
  expect_metadata_error({{"issuer", iss}, {"jwks", key.to_json()}}, "not a JWK Set");
  expect_metadata_error({{"issuer", iss}, {"jwks", {{"keys", {"x"}}}}}, "not a JSON object");
  Json with_private = PrivateJwk::generate(JwsAlg::ES256)->to_json();
  expect_metadata_error({{"issuer", iss}, {"jwks", {{"keys", {with_private}}}}}, "private member \"d\"");
  const Json rsa = {{"kty", "RSA"}, {"n", "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}, {"e", "AQAB"}};
  auto with_rsa = platform::parse_jwt_vc_issuer_metadata({{"issuer", iss}, {"jwks", {{"keys", {rsa, key.to_json()}}}}}, iss);
  REQUIRE(with_rsa);  // RFC 7517 §5: a key type the wallet does not use is skipped
  CHECK(with_rsa->keys.size() == 1);
  expect_metadata_error({{"issuer", iss}, {"jwks", {{"keys", {rsa}}}}}, "no ES256 or EdDSA key");
  expect_metadata_error({{"issuer", iss}, {"jwks", {{"keys", Json::array()}}}}, "no ES256 or EdDSA key");
  expect_metadata_error({{"issuer", iss}, {"jwks", {{"keys", {key.to_json(), key.to_json()}}}}}, "share the kid");
  Json broken = key.to_json();
  broken["x"] = "AAAA";
  expect_error(platform::parse_jwt_vc_issuer_metadata({{"issuer", iss}, {"jwks", {{"keys", {broken}}}}}, iss),
               ErrorCode::invalid_jwk);
}

TEST_CASE("JWT VC issuer keys come from a jwks_uri on the issuer's own origin only [attack:P8]",
          "[jwt_vc_issuer_metadata][attack:P8]") {
  ScriptedIssuer issuer;
  ScriptedIssuer elsewhere;
  const platform::HttpClient client(loopback_fetch_policy());
  issuer.set_jwt_vc_issuer({{"issuer", issuer.url()}, {"jwks_uri", issuer.url() + "/jwks"}});
  auto same_origin = platform::fetch_jwt_vc_issuer_metadata(client, issuer.url());
  REQUIRE(same_origin);
  CHECK(same_origin->jwks() == issuer.jwks());

  issuer.set_jwt_vc_issuer({{"issuer", issuer.url()}, {"jwks_uri", elsewhere.url() + "/jwks"}});
  expect_error(platform::fetch_jwt_vc_issuer_metadata(client, issuer.url()), ErrorCode::invalid_issuer_metadata,
               "origin");
  issuer.set_jwt_vc_issuer({{"issuer", elsewhere.url()}, {"jwks", issuer.jwks()}});
  expect_error(platform::fetch_jwt_vc_issuer_metadata(client, issuer.url()), ErrorCode::invalid_issuer_metadata,
               "another issuer");
}

TEST_CASE("wallet refuses credentials when the issuer's key metadata names another issuer", "[issuance]") {
  ScriptedIssuer issuer;
  issuer.set_jwt_vc_issuer({{"issuer", "http://127.0.0.1:1"}, {"jwks", issuer.jwks()}});
  expect_error(receive(make_client(), issuer.offer_link()), ErrorCode::invalid_issuer_metadata);
  CHECK(issuer.credential_requests() == 0);  // checked before the code was redeemed
}

}  // namespace veil::wallet
