// Service tests of veil-issuer serve over real HTTP: the whole pre-authorized code flow with a batch of three
// credentials checked by the built veil-verifier, and revocation through the Token Status List.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "issuer/issuer_test_support.h"
#include "veil/jws.h"
#include "veil/signature_verifier.h"
#include "veil/status_list_token.h"

using veil::Json;
using veil::JwsAlg;
using namespace veil::issuer;
using namespace veil::issuer::testing;

namespace {

struct VerifierRun {
  int exit_code = -1;
  Json output;
};

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

// verify_with_cli runs `veil-verifier verify --presentation FILE --trust FILE --no-kb` on |credential|.
VerifierRun verify_with_cli(const std::filesystem::path& dir, const std::string& credential, const std::string& iss,
                            const Json& jwks) {
  static int counter = 0;
  const std::string tag = std::to_string(++counter);
  const auto presentation = dir / ("presentation-" + tag + ".txt");
  const auto trust = dir / ("trust-" + tag + ".json");
  write_file(presentation, credential);
  write_file(trust, Json{{"issuers", {{{"iss", iss}, {"jwks", jwks}}}}}.dump());
  const std::string command = std::string("'") + VEIL_VERIFIER_BIN + "' verify --presentation '" +
                              presentation.string() + "' --trust '" + trust.string() + "' --no-kb 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) out.append(buffer, n);
  const int status = ::pclose(pipe);
  VerifierRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto parsed = veil::parse_json(out);
  INFO("veil-verifier printed: " << out);
  REQUIRE(parsed);
  run.output = *parsed;
  return run;
}

// string_leaves collects the string values of |claims| worth searching for in an answer (long enough that a
// random base64url id cannot contain them by chance, and not all digits, which timestamps could contain).
void string_leaves(const Json& claims, std::vector<std::string>& out) {
  if (claims.is_string()) {
    const auto& text = claims.get_ref<const std::string&>();
    if (text.size() >= 5 && text.find_first_not_of("0123456789") != std::string::npos) out.push_back(text);
  } else if (claims.is_structured()) {
    for (const auto& item : claims) string_leaves(item, out);
  }
}

// referenced_digests collects every digest |node| refers to: "_sd" arrays and {"...": digest} array elements.
void referenced_digests(const Json& node, std::set<std::string>& out) {
  if (node.is_object()) {
    for (const auto& [name, value] : node.items()) {
      if (name == "_sd" && value.is_array()) {
        for (const Json& digest : value) out.insert(digest.get<std::string>());
      } else if (name == "..." && value.is_string()) {
        out.insert(value.get<std::string>());
      } else {
        referenced_digests(value, out);
      }
    }
  } else if (node.is_array()) {
    for (const Json& item : node) referenced_digests(item, out);
  }
}

std::unique_ptr<veil::SignatureVerifier> verifier_for_kid(const Json& jwks, const std::string& kid) {
  for (const Json& key : jwks.at("keys")) {
    if (key.value("kid", "") != kid) continue;
    auto jwk = veil::Jwk::parse(key);
    REQUIRE(jwk);
    auto verifier = veil::make_verifier(*jwk);
    REQUIRE(verifier);
    return std::move(*verifier);
  }
  FAIL("no key in the JWKS has kid " << kid);
  return nullptr;
}

// fetch_status_list GETs the Status List Token at |uri| and verifies it with the issuer's JWKS.
veil::StatusList fetch_status_list(IssuerTestServer& issuer, const std::string& uri) {
  auto answer = issuer.client().Get(path_of(uri).c_str());
  REQUIRE(answer);
  REQUIRE(answer->status == 200);
  CHECK(answer->get_header_value("Content-Type") == "application/statuslist+jwt");
  auto token = veil::UnverifiedJws::parse_compact(answer->body);
  REQUIRE(token);
  REQUIRE(token->kid());
  const auto verifier = verifier_for_kid(issuer.jwks(), *token->kid());
  auto claims = veil::verify_status_list_token(*token, *verifier, uri, issuer.clock());
  INFO((claims ? "" : claims.error().message));
  REQUIRE(claims);
  CHECK(claims->issuer == issuer.issuer_id());
  CHECK(claims->ttl_seconds == issuer.config().status_list_ttl_seconds);
  REQUIRE(claims->expires_at);
  return std::move(claims->status_list);
}

std::uint8_t status_at(const veil::StatusList& list, const Json& credential_payload) {
  auto value = list.get(credential_payload.at("status").at("status_list").at("idx").get<std::size_t>());
  REQUIRE(value);
  return *value;
}

// record_for finds the admin log row of the credential bound to |holder|.
Json record_for(IssuerTestServer& issuer, const Holder& holder) {
  const Json listing = body_json(issuer.admin_get("/admin/credentials"));
  for (const Json& record : listing.at("credentials")) {
    if (record.at("holder_key_thumbprint") == holder.key.public_key().thumbprint()) return record;
  }
  FAIL("no issued credential is bound to the holder key");
  return {};
}

}  // namespace

TEST_CASE("issuer service: offer, token, nonce and a batch of three credentials that veil-verifier accepts",
          "[issuer][service]") {
  IssuerTestServer issuer;
  const Json claims = example_claims("person");
  std::vector<Holder> holders;
  holders.push_back(Holder::generate(JwsAlg::ES256));
  holders.push_back(Holder::generate(JwsAlg::EdDSA));
  holders.push_back(Holder::generate(JwsAlg::ES256));

  // Admin creates the offer; the Wallet dereferences its credential_offer_uri.
  const Json offer = issuer.create_offer("person", claims);
  CHECK(offer.at("offer_uri").get<std::string>().starts_with("openid-credential-offer://"));
  auto by_reference = issuer.client().Get(path_of(offer.at("credential_offer_uri")).c_str());
  REQUIRE(by_reference);
  REQUIRE(by_reference->status == 200);
  CHECK(by_reference->get_header_value("Cache-Control") == "no-store");  // it carries the pre-authorized code
  const Json fetched_offer = body_json(by_reference);
  CHECK(fetched_offer.at("credential_issuer") == issuer.issuer_id());
  CHECK(fetched_offer.at("credential_configuration_ids") == Json::array({"person"}));
  CHECK(pre_authorized_code({{"credential_offer", fetched_offer}}) == pre_authorized_code(offer));

  // Token (form-encoded, RFC 6749 §4.1.3 style), nonce, credential.
  const std::string access_token = issuer.redeem({{"credential_offer", fetched_offer}});
  const std::string nonce = issuer.fresh_nonce();
  auto answer = issuer.post_json(
      "/credential", IssuerTestServer::credential_request("person", issuer.proofs(holders, nonce)), access_token);
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 200);
  const Json credentials = body_json(answer).at("credentials");
  REQUIRE(credentials.size() == 3);

  std::set<std::string> salts;
  std::set<std::string> digests;
  std::set<std::size_t> indices;
  std::size_t disclosure_count = 0;
  const Json jwks = issuer.jwks();
  for (std::size_t i = 0; i < credentials.size(); ++i) {
    const IssuedCredential issued = parse_issued(credentials[i].at("credential"));
    CHECK(issued.header.at("typ") == "dc+sd-jwt");
    CHECK(issued.payload.at("iss") == issuer.issuer_id());
    // Each credential is bound to the key its own proof proved.
    auto bound = veil::Jwk::parse(issued.payload.at("cnf").at("jwk"));
    REQUIRE(bound);
    CHECK(*bound == holders[i].key.public_key());
    const Json& status_list = issued.payload.at("status").at("status_list");
    CHECK(status_list.at("uri").get<std::string>().starts_with(issuer.issuer_id() + "/status/"));
    indices.insert(status_list.at("idx").get<std::size_t>());
    salts.insert(issued.salts.begin(), issued.salts.end());
    digests.insert(issued.disclosure_digests.begin(), issued.disclosure_digests.end());
    disclosure_count += issued.salts.size();
    // Every disclosure is referenced, and decoy digests hide how many claims there are (RFC 9901 §4.2.5).
    std::set<std::string> referenced;
    referenced_digests(issued.payload, referenced);
    for (const Json& value : issued.disclosure_values) referenced_digests(value, referenced);
    for (const std::string& digest : issued.disclosure_digests) CHECK(referenced.count(digest) == 1);
    CHECK(referenced.size() > issued.disclosure_digests.size());

    const VerifierRun run = verify_with_cli(issuer.temp_dir(), issued.compact, issuer.issuer_id(), jwks);
    INFO(run.output.dump());
    CHECK(run.exit_code == 0);
    CHECK(run.output.value("valid", false));
    CHECK(run.output.at("vct") == issuer.app().catalog().find("person")->vct());
    CHECK(run.output.at("claims").at("given_name") == "Erika");
  }
  CHECK(disclosure_count > 3);
  CHECK(salts.size() == disclosure_count);    // no salt is shared between the three credentials
  CHECK(digests.size() == disclosure_count);  // nor any digest: the credentials cannot be linked by them
  CHECK(indices.size() == 3);                 // each has its own status index

  SECTION("the access token cannot mint a second batch") {
    const std::string second_nonce = issuer.fresh_nonce();
    auto again = issuer.post_json(
        "/credential", IssuerTestServer::credential_request("person", issuer.proofs({holders[0]}, second_nonce)),
        access_token);
    REQUIRE(again);
    CHECK(again->status == 401);
    CHECK(body_json(again).at("error") == "invalid_token");
  }

  SECTION("the admin log lists the three credentials without any claim value") {
    auto listing = issuer.admin_get("/admin/credentials");
    REQUIRE(listing);
    REQUIRE(listing->status == 200);
    const Json records = body_json(listing).at("credentials");
    REQUIRE(records.size() == 3);
    std::set<std::string> thumbprints;
    for (const Json& record : records) {
      CHECK(record.at("credential_configuration_id") == "person");
      CHECK(record.at("status") == "valid");
      thumbprints.insert(record.at("holder_key_thumbprint").get<std::string>());
    }
    for (const Holder& holder : holders) CHECK(thumbprints.count(holder.key.public_key().thumbprint()) == 1);
    CHECK(listing->get_header_value("Cache-Control") == "no-store");
    std::vector<std::string> values;
    string_leaves(claims, values);
    REQUIRE(values.size() > 5);
    for (const std::string& value : values) {
      INFO(value);
      CHECK(listing->body.find(value) == std::string::npos);
    }
  }
}

TEST_CASE("issuer service: revoke, suspend and reinstate show in the next signed status list token",
          "[issuer][service][status]") {
  IssuerTestServer issuer;
  std::vector<Holder> holders;
  for (int i = 0; i < 3; ++i) holders.push_back(Holder::generate(i == 1 ? JwsAlg::EdDSA : JwsAlg::ES256));
  const auto compact = issuer.issue("age", example_claims("age"), holders);
  std::vector<Json> payloads;
  for (const auto& credential : compact) payloads.push_back(parse_issued(credential).payload);
  const std::string list_uri = payloads[0].at("status").at("status_list").at("uri");
  for (const Json& payload : payloads) REQUIRE(payload.at("status").at("status_list").at("uri") == list_uri);

  const veil::StatusList fresh = fetch_status_list(issuer, list_uri);
  for (const Json& payload : payloads) CHECK(status_at(fresh, payload) == veil::kStatusValid);

  const std::string revoked_id = record_for(issuer, holders[0]).at("id");
  const std::string suspended_id = record_for(issuer, holders[1]).at("id");

  auto revoked = issuer.admin_post("/admin/credentials/" + revoked_id + "/revoke");
  REQUIRE(revoked);
  REQUIRE(revoked->status == 200);
  CHECK(body_json(revoked).at("status") == "invalid");
  {
    const veil::StatusList list = fetch_status_list(issuer, list_uri);
    CHECK(status_at(list, payloads[0]) == veil::kStatusInvalid);
    CHECK(status_at(list, payloads[1]) == veil::kStatusValid);
    CHECK(status_at(list, payloads[2]) == veil::kStatusValid);
  }

  auto suspended = issuer.admin_post("/admin/credentials/" + suspended_id + "/suspend");
  REQUIRE(suspended);
  REQUIRE(suspended->status == 200);
  CHECK(body_json(suspended).at("status") == "suspended");
  CHECK(status_at(fetch_status_list(issuer, list_uri), payloads[1]) == veil::kStatusSuspended);

  auto reinstated = issuer.admin_post("/admin/credentials/" + suspended_id + "/reinstate");
  REQUIRE(reinstated);
  REQUIRE(reinstated->status == 200);
  CHECK(body_json(reinstated).at("status") == "valid");
  {
    const veil::StatusList list = fetch_status_list(issuer, list_uri);
    CHECK(status_at(list, payloads[1]) == veil::kStatusValid);
    CHECK(status_at(list, payloads[0]) == veil::kStatusInvalid);
  }

  // Revocation is final (TSL: INVALID is not reversible).
  auto undo = issuer.admin_post("/admin/credentials/" + revoked_id + "/reinstate");
  REQUIRE(undo);
  CHECK(undo->status == 409);
  CHECK(body_json(undo).at("error") == "status_transition_not_allowed");
  auto suspend_revoked = issuer.admin_post("/admin/credentials/" + revoked_id + "/suspend");
  REQUIRE(suspend_revoked);
  CHECK(suspend_revoked->status == 409);
  CHECK(body_json(suspend_revoked).at("error") == "status_transition_not_allowed");
  CHECK(status_at(fetch_status_list(issuer, list_uri), payloads[0]) == veil::kStatusInvalid);

  SECTION("unknown credentials, actions and lists answer 404") {
    auto unknown = issuer.admin_post("/admin/credentials/no-such-credential/revoke");
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    auto action = issuer.admin_post("/admin/credentials/" + suspended_id + "/destroy");
    REQUIRE(action);
    CHECK(action->status == 404);
    for (const char* path : {"/status/999999", "/status/0", "/status/01", "/status/abc"}) {
      auto list = issuer.client().Get(path);
      REQUIRE(list);
      INFO(path);
      CHECK(list->status == 404);
    }
  }
}

TEST_CASE("issuer service: the admin log pages with a cursor and refuses malformed parameters",
          "[issuer][service][admin]") {
  IssuerTestServer issuer;
  std::vector<Holder> holders;
  for (int i = 0; i < 3; ++i) holders.push_back(Holder::generate(JwsAlg::EdDSA));
  issuer.issue("age", example_claims("age"), holders);
  const Json first = body_json(issuer.admin_get("/admin/credentials?limit=2"));
  REQUIRE(first.at("credentials").size() == 2);
  REQUIRE(first.contains("next_cursor"));
  const Json second =
      body_json(issuer.admin_get("/admin/credentials?limit=2&cursor=" + first.at("next_cursor").dump()));
  REQUIRE(second.at("credentials").size() == 1);
  CHECK_FALSE(second.contains("next_cursor"));
  std::set<std::string> ids;
  for (const Json& page : {first, second}) {
    for (const Json& record : page.at("credentials")) ids.insert(record.at("id").get<std::string>());
  }
  CHECK(ids.size() == 3);
  for (const char* query : {"?limit=0", "?limit=1001", "?limit=x", "?cursor=-1", "?limit=1&limit=2", "?order=desc"}) {
    INFO(query);
    auto answer = issuer.admin_get(std::string("/admin/credentials") + query);
    REQUIRE(answer);
    CHECK(answer->status == 400);
    CHECK(body_json(answer).at("error") == "invalid_request");
  }
}

TEST_CASE("issuer service: metadata names this issuer's endpoints, batch size and credential types",
          "[issuer][service][metadata]") {
  IssuerTestServer issuer([](IssuerConfig& config) { config.batch_size = 7; });
  const std::string id = issuer.issuer_id();
  const Json credential_issuer = body_json(issuer.client().Get("/.well-known/openid-credential-issuer"));
  CHECK(credential_issuer.at("credential_issuer") == id);
  CHECK(credential_issuer.at("credential_endpoint") == id + "/credential");
  CHECK(credential_issuer.at("nonce_endpoint") == id + "/nonce");
  CHECK(credential_issuer.at("batch_credential_issuance").at("batch_size") == 7);
  const Json& configurations = credential_issuer.at("credential_configurations_supported");
  for (const char* type : {"person", "age", "employment", "professional_licence"}) {
    INFO(type);
    REQUIRE(configurations.contains(type));
    CHECK(configurations.at(type).at("format") == "dc+sd-jwt");
    const std::string vct = configurations.at(type).at("vct");
    auto type_metadata = issuer.client().Get((std::string("/types/") + type).c_str());
    REQUIRE(type_metadata);
    REQUIRE(type_metadata->status == 200);
    CHECK(body_json(type_metadata).at("vct") == vct);
  }
  auto unknown_type = issuer.client().Get("/types/diploma");
  REQUIRE(unknown_type);
  CHECK(unknown_type->status == 404);

  const Json authorization_server = body_json(issuer.client().Get("/.well-known/oauth-authorization-server"));
  CHECK(authorization_server.at("issuer") == id);
  CHECK(authorization_server.at("token_endpoint") == id + "/token");
  CHECK(body_json(issuer.client().Get("/.well-known/jwt-vc-issuer")).at("issuer") == id);
}
