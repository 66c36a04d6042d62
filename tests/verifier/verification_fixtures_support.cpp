#include "verifier/verification_fixtures.h"

#include <catch2/catch.hpp>

#include "veil/claim_path.h"
#include "veil/jws.h"
#include "veil/presentation.h"
#include "veil/salt_source.h"
#include "veil/sd_jwt_vc.h"
#include "veil/status_list_token.h"

namespace veil::verifier::verification_test {

KeyPair KeyPair::generate(const std::optional<std::string>& kid) {
  auto key = PrivateJwk::generate(JwsAlg::ES256, kid);
  REQUIRE(key);
  auto signer = make_signer(*key);
  REQUIRE(signer);
  return KeyPair{std::move(*key), std::shared_ptr<Signer>(std::move(*signer))};
}

const KeyPair& issuer_keys() {
  static const KeyPair keys = KeyPair::generate("issuer-1");
  return keys;
}

const KeyPair& holder_keys() {
  static const KeyPair keys = KeyPair::generate();
  return keys;
}

const KeyPair& stranger_keys() {
  static const KeyPair keys = KeyPair::generate("issuer-1");  // same kid as the issuer's, other key
  return keys;
}

SdJwt issue(const CredentialSpec& spec) {
  SdJwtVcIssueRequest request;
  request.iss = spec.iss;
  request.vct = spec.vct;
  request.claims = spec.claims;
  request.iat = spec.iat;
  request.exp = spec.exp;
  request.nbf = spec.nbf;
  request.status_uri = spec.status_uri;
  request.status_index = spec.status_index;
  if (spec.holder_binding) request.holder_key = holder_keys().key.public_key();
  auto salts = RandomSaltSource::create();
  REQUIRE(salts);
  const KeyPair& signer = spec.signer != nullptr ? *spec.signer : issuer_keys();
  auto credential = issue_sd_jwt_vc(request, **salts, *signer.signer);
  REQUIRE(credential);
  return std::move(*credential);
}

std::string present(const SdJwt& credential, const PresentSpec& spec) {
  std::vector<ClaimPath> paths;
  for (const auto& dotted : spec.disclose) {
    auto path = ClaimPath::parse_dotted(dotted);
    REQUIRE(path);
    paths.push_back(std::move(*path));
  }
  auto selected = select_disclosures(credential, paths);
  REQUIRE(selected);
  if (!spec.key_binding) return selected->serialize_compact();
  const KeyPair& holder = spec.holder != nullptr ? *spec.holder : holder_keys();
  auto bound = add_key_binding(*selected, {spec.aud, spec.nonce, spec.iat}, *holder.signer);
  REQUIRE(bound);
  return bound->serialize_compact();
}

Json trust_document(const std::vector<Json>& extra) {
  Json issuers = Json::array({{{"iss", kIss}, {"jwks", {{"keys", {issuer_keys().public_json()}}}}}});
  for (const auto& entry : extra) issuers.push_back(entry);
  return {{"issuers", issuers}};
}

std::string status_list_token(const StatusList& list, const std::string& uri, std::int64_t iat,
                              std::optional<std::int64_t> exp, std::optional<std::int64_t> ttl,
                              const KeyPair& signer) {
  StatusListTokenClaims claims{uri, std::string(kIss), iat, exp, ttl, list};
  auto token = sign_status_list_token(claims, *signer.signer);
  REQUIRE(token);
  return std::move(*token);
}

ScriptedServer::ScriptedServer() : server_(std::make_unique<platform::HttpServer>()) {
  server_->router().Get(R"(/.*)", [this](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex_);
    ++hits_[request.path];
    accepts_[request.path] = request.get_header_value("Accept");
    const auto found = answers_.find(request.path);
    if (found == answers_.end()) {
      response.status = 404;
      return;
    }
    response.status = found->second.status;
    if (found->second.location) response.set_header("Location", *found->second.location);
    response.set_content(found->second.body, found->second.content_type.c_str());
  });
  REQUIRE(server_->bind("127.0.0.1", 0));
  origin_ = "http://127.0.0.1:" + std::to_string(server_->port());
  server_->start_in_background();
}

ScriptedServer::~ScriptedServer() { server_->join(); }

void ScriptedServer::set(const std::string& path, Answer answer) {
  std::lock_guard lock(mutex_);
  answers_[path] = std::move(answer);
}

std::size_t ScriptedServer::hits(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const auto found = hits_.find(path);
  return found == hits_.end() ? 0 : found->second;
}

std::size_t ScriptedServer::total_hits() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& [path, count] : hits_) total += count;
  return total;
}

std::string ScriptedServer::last_accept(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const auto found = accepts_.find(path);
  return found == accepts_.end() ? std::string() : found->second;
}

SdJwt resign(const SdJwt& credential, const std::function<void(Json& header, Json& payload)>& edit,
             const KeyPair& signer) {
  auto jws = UnverifiedJws::parse_compact(credential.issuer_jwt());
  REQUIRE(jws);
  Json header = jws->unverified_header();
  Json payload = jws->unverified_payload();
  header.erase("alg");
  header.erase("kid");  // the signer's kid is used unless |edit| sets one
  edit(header, payload);
  auto jwt = sign_jws_compact(header, payload, *signer.signer);
  REQUIRE(jwt);
  return SdJwt({*jwt}, credential.disclosures());
}

PresentationExpectations expect_kb() {
  PresentationExpectations expectations;
  expectations.aud = kAud;
  expectations.nonce = kNonce;
  return expectations;
}

Service::Service(const Json& trust, PresentationVerifierOptions options, bool with_status) {
  TrustedIssuersOptions trust_options;
  trust_options.fetch.allow_loopback_http = true;
  auto created = TrustedIssuers::create(trust, clock, trust_options);
  REQUIRE(created);
  issuers = std::move(*created);
  if (with_status) {
    StatusCheckerOptions status_options;
    status_options.fetch.allow_loopback_http = true;
    status = std::make_unique<StatusChecker>(*issuers, clock, status_options);
  }
  verifier = std::make_unique<PresentationVerifier>(*issuers, status.get(), clock, std::move(options), &metrics);
}

}  // namespace veil::verifier::verification_test
