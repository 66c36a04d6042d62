#include "issuer/issuer_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>

#include "issuer/routes.h"
#include "veil/base64url.h"
#include "veil/jws.h"
#include "veil/openid4vci_proof.h"
#include "veil/platform/files.h"
#include "veil/sd_jwt.h"

namespace veil::issuer::testing {

SettableClock::SettableClock() : now_(SystemClock().now()) {}

Holder Holder::generate(JwsAlg alg) {
  auto key = PrivateJwk::generate(alg);
  REQUIRE(key);
  auto signer = make_signer(*key);
  REQUIRE(signer);
  return Holder{std::move(*key), std::shared_ptr<Signer>(std::move(*signer))};
}

std::string Holder::proof(const std::string& aud, std::int64_t iat, const std::optional<std::string>& nonce) const {
  auto proof = sign_openid4vci_proof({aud, iat, nonce, std::nullopt}, key.public_key(), *signer);
  REQUIRE(proof);
  return *proof;
}

std::string Holder::proof_with(const Json& header, const Json& payload) const {
  auto proof = sign_jws_compact(header, payload, *signer);
  REQUIRE(proof);
  return *proof;
}

IssuedCredential parse_issued(const std::string& compact) {
  auto sd_jwt = SdJwt::parse_compact(compact);
  REQUIRE(sd_jwt);
  auto jwt = UnverifiedJws::parse_compact(sd_jwt->issuer_jwt());
  REQUIRE(jwt);
  IssuedCredential out{compact, jwt->unverified_header(), jwt->unverified_payload(), {}, {}, {}};
  for (const Disclosure& disclosure : sd_jwt->disclosures()) {
    out.salts.push_back(disclosure.salt());
    out.disclosure_digests.push_back(disclosure.digest(HashAlg::sha_256));
    out.disclosure_values.push_back(disclosure.value());
  }
  return out;
}

Json body_json(const httplib::Result& result) {
  REQUIRE(result);
  auto json = parse_json(result->body);
  INFO("status " << result->status << " body " << result->body);
  REQUIRE(json);
  return *json;
}

Json expect_error(const httplib::Result& answer, int status, const std::string& error) {
  REQUIRE(answer);
  INFO("status " << answer->status << " body " << answer->body);
  CHECK(answer->status == status);
  const Json body = body_json(answer);
  CHECK(body.at("error") == error);
  return body;
}

IssuerTestServer::IssuerTestServer(const std::function<void(IssuerConfig&)>& configure) {
  config_.data_dir = (dir_.path() / "issuer").string();
  config_.schemas_dir = VEIL_SCHEMAS_DIR;
  config_.status_list_size = 1024;  // small lists keep signing the status list token cheap
  if (configure) configure(config_);
  start();
}

IssuerTestServer::~IssuerTestServer() { stop(); }

void IssuerTestServer::start() {
  server_ = std::make_unique<platform::HttpServer>(config_.http);
  REQUIRE(server_->bind("127.0.0.1", 0));
  // The first start names the Credential Issuer Identifier; a restart keeps it, as an operator's public URL would.
  if (config_.public_url.empty()) config_.public_url = "http://127.0.0.1:" + std::to_string(server_->port());
  auto app = IssuerApp::open(config_, clock_);
  if (!app) FAIL("IssuerApp::open: " << app.error().message);
  app_ = std::move(*app);
  issuer_id_ = app_->context().issuer_id();
  install_routes(*server_, *app_);
  server_->start_in_background();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  client_->set_read_timeout(10, 0);
}

void IssuerTestServer::stop() {
  client_.reset();
  if (server_) server_->join();
  server_.reset();
  app_.reset();
}

void IssuerTestServer::restart() {
  stop();
  start();
}

httplib::Result IssuerTestServer::admin_post(const std::string& path, const Json& body) {
  return client_->Post(path.c_str(), {{"Authorization", "Bearer " + admin_key()}}, body.dump(), "application/json");
}

httplib::Result IssuerTestServer::admin_get(const std::string& path) {
  return client_->Get(path.c_str(), {{"Authorization", "Bearer " + admin_key()}});
}

Json IssuerTestServer::create_offer(const std::string& configuration_id, const Json& claims, bool tx_code) {
  Json request = {{"credential_configuration_id", configuration_id}, {"claims", claims}};
  if (tx_code) request["tx_code"] = true;
  auto answer = admin_post("/admin/offers", request);
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 201);
  return body_json(answer);
}

httplib::Result IssuerTestServer::post_form(const std::string& path, const httplib::Params& form) {
  return client_->Post(path.c_str(), form);
}

httplib::Result IssuerTestServer::post_json(const std::string& path, const Json& body, const std::string& bearer) {
  httplib::Headers headers;
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  return client_->Post(path.c_str(), headers, body.dump(), "application/json");
}

std::string IssuerTestServer::redeem(const Json& offer, const std::optional<std::string>& tx_code) {
  httplib::Params form{{"grant_type", kPreAuthorizedCodeGrant}, {"pre-authorized_code", pre_authorized_code(offer)}};
  if (tx_code) form.emplace("tx_code", *tx_code);
  auto answer = post_form("/token", form);
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 200);
  const Json token = body_json(answer);
  REQUIRE(token.at("token_type") == "Bearer");
  return token.at("access_token").get<std::string>();
}

std::string IssuerTestServer::fresh_nonce() {
  auto answer = client_->Post("/nonce", "", "application/json");
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 200);
  return body_json(answer).at("c_nonce").get<std::string>();
}

Json IssuerTestServer::credential_request(const std::string& configuration_id, const std::vector<std::string>& proofs) {
  return {{"credential_configuration_id", configuration_id}, {"proofs", {{"jwt", proofs}}}};
}

std::vector<std::string> IssuerTestServer::proofs(const std::vector<Holder>& holders, const std::string& nonce) {
  std::vector<std::string> out;
  for (const Holder& holder : holders) out.push_back(holder.proof(issuer_id_, clock_.now(), nonce));
  return out;
}

std::vector<std::string> IssuerTestServer::issue(const std::string& configuration_id, const Json& claims,
                                                 const std::vector<Holder>& holders) {
  const Json offer = create_offer(configuration_id, claims);
  const std::string token = redeem(offer);
  const std::string nonce = fresh_nonce();
  auto answer = post_json("/credential", credential_request(configuration_id, proofs(holders, nonce)), token);
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 200);
  std::vector<std::string> out;
  const Json body = body_json(answer);
  for (const Json& entry : body.at("credentials")) out.push_back(entry.at("credential"));
  REQUIRE(out.size() == holders.size());
  return out;
}

Json IssuerTestServer::jwks() {
  auto answer = client_->Get("/.well-known/jwt-vc-issuer");
  REQUIRE(answer);
  REQUIRE(answer->status == 200);
  const Json metadata = body_json(answer);
  REQUIRE(metadata.at("issuer") == issuer_id_);
  return metadata.at("jwks");
}

std::string pre_authorized_code(const Json& offer) {
  return offer.at("credential_offer").at("grants").at(kPreAuthorizedCodeGrant).at("pre-authorized_code");
}

Json example_claims(const std::string& type) {
  auto json = platform::read_json_input(std::string(VEIL_SCHEMAS_DIR) + "/" + type + "/example_claims.json");
  REQUIRE(json);
  return *json;
}

std::string raw_exchange(int port, const std::string& request, int timeout_ms, bool until_close) {
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(sock >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(sock, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  REQUIRE(::send(sock, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string received;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    pollfd fd{sock, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left)) <= 0) break;
    char buffer[4096];
    const ssize_t n = ::recv(sock, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
    if (until_close) continue;
    // Stop at a complete answer: head plus the Content-Length it announces.
    const auto head_end = received.find("\r\n\r\n");
    if (head_end == std::string::npos) continue;
    const auto length_at = received.find("Content-Length: ");
    if (length_at == std::string::npos || length_at > head_end) continue;
    const std::size_t length = std::stoul(received.substr(length_at + 16));
    if (received.size() >= head_end + 4 + length) break;
  }
  ::close(sock);
  return received;
}

std::string path_of(const std::string& url) {
  const auto scheme = url.find("://");
  const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return path == std::string::npos ? "/" : url.substr(path);
}

}  // namespace veil::issuer::testing
