#include "verifier/verifier_test_support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "veil/jws.h"
#include "veil/openid4vci_proof.h"
#include "veil/platform/files.h"
#include "veil/platform/http_response.h"
#include "veil/presentation.h"
#include "veil/salt_source.h"
#include "veil/sd_jwt.h"
#include "veil/sd_jwt_vc.h"
#include "veil/signature_verifier.h"
#include "veil/status_list_token.h"
#include "verifier/request_signing.h"
#include "verifier/routes.h"

extern char** environ;

namespace veil::verifier::testing {
namespace {

constexpr char kPreAuthorizedCodeGrant[] = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
constexpr char kListeningPrefix[] = "listening on http://";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> link_parameters(const std::string& link) {
  REQUIRE(link.rfind("openid4vp://?", 0) == 0);
  std::map<std::string, std::string> out;
  std::string_view query = std::string_view(link).substr(13);
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    const auto equals = pair.find('=');
    REQUIRE(equals != std::string_view::npos);
    REQUIRE(out.emplace(percent_decode(pair.substr(0, equals)), percent_decode(pair.substr(equals + 1))).second);
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return out;
}

std::string read_line(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string line;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    REQUIRE(left > 0);
    pollfd waiting{fd, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(left)) <= 0) continue;
    char c = 0;
    const ssize_t got = ::read(fd, &c, 1);
    REQUIRE(got > 0);
    if (c == '\n') return line;
    line.push_back(c);
  }
}

}  // namespace

SettableClock::SettableClock() : now_(SystemClock().now()) {}

Json body_json(const httplib::Result& result) {
  REQUIRE(result);
  INFO("status " << result->status << " body " << result->body);
  auto json = parse_json(result->body);
  REQUIRE(json);
  return *json;
}

Json expect_error(const httplib::Result& answer, int status, const std::string& error) {
  REQUIRE(answer);
  INFO("status " << answer->status << " body " << answer->body);
  CHECK(answer->status == status);
  const Json body = body_json(answer);
  CHECK(body.value("error", "") == error);
  return body;
}

Json example_claims(const std::string& type) {
  auto json = platform::read_json_input(std::string(VEIL_SCHEMAS_DIR) + "/" + type + "/example_claims.json");
  REQUIRE(json);
  return *json;
}

std::string type_vct(const std::string& type) {
  auto json = platform::read_json_input(std::string(VEIL_SCHEMAS_DIR) + "/" + type + "/type_metadata.json");
  REQUIRE(json);
  return json->at("vct").get<std::string>();
}

ClaimPath path(const std::string& dotted) {
  auto parsed = ClaimPath::parse_dotted(dotted);
  REQUIRE(parsed);
  return *parsed;
}

Holder Holder::generate(JwsAlg alg) {
  auto key = PrivateJwk::generate(alg);
  REQUIRE(key);
  auto signer = make_signer(*key);
  REQUIRE(signer);
  return Holder{std::move(*key), std::shared_ptr<Signer>(std::move(*signer))};
}

std::string Holder::present(const std::string& credential, const std::vector<ClaimPath>& paths,
                            const std::string& aud, const std::string& nonce, std::int64_t iat) const {
  auto issued = SdJwt::parse_compact(credential);
  REQUIRE(issued);
  auto selected = select_disclosures(*issued, std::span<const ClaimPath>(paths));
  INFO((selected ? "" : selected.error().message));
  REQUIRE(selected);
  auto bound = add_key_binding(*selected, KeyBindingRequest{aud, nonce, iat}, *signer);
  REQUIRE(bound);
  return bound->serialize_compact();
}

TestIssuer TestIssuer::generate(const std::string& iss) {
  auto key = PrivateJwk::generate(JwsAlg::ES256, "issuer-key-1");
  REQUIRE(key);
  auto signer = make_signer(*key);
  REQUIRE(signer);
  return TestIssuer{iss, std::move(*key), std::shared_ptr<Signer>(std::move(*signer))};
}

std::string TestIssuer::issue(const std::string& vct, const Json& claims, const Jwk& holder, std::int64_t iat,
                              const std::optional<std::pair<std::string, std::int64_t>>& status) const {
  SdJwtVcIssueRequest request;
  request.iss = iss;
  request.vct = vct;
  request.claims = claims;
  request.holder_key = holder;
  request.iat = iat;
  request.exp = iat + 365 * 86400;
  if (status) {
    request.status_uri = status->first;
    request.status_index = status->second;
  }
  auto salts = RandomSaltSource::create();
  REQUIRE(salts);
  auto issued = issue_sd_jwt_vc(request, **salts, *signer);
  REQUIRE(issued);
  return issued->serialize_compact();
}

Json TestIssuer::trust_entry() const {
  return {{"iss", iss}, {"jwks", {{"keys", Json::array({key.public_key().to_json()})}}}};
}

StatusListServer::StatusListServer(const TestIssuer& issuer, const Clock& clock) : issuer_(issuer), clock_(clock) {
  server_ = std::make_unique<platform::HttpServer>();
  REQUIRE(server_->bind("127.0.0.1", 0));
  uri_ = "http://127.0.0.1:" + std::to_string(server_->port()) + "/status/1";
  server_->router().Get("/status/1", [this](const httplib::Request&, httplib::Response& response) {
    auto list = StatusList::create(1024, 2);
    REQUIRE(list);
    {
      std::lock_guard lock(mutex_);
      for (const auto& [index, value] : values_) REQUIRE(list->set(index, value));
    }
    StatusListTokenClaims claims{uri_, issuer_.iss, clock_.now(), clock_.now() + 3600, 60, std::move(*list)};
    auto token = sign_status_list_token(claims, *issuer_.signer);
    REQUIRE(token);
    platform::send_text(response, 200, *token, "application/statuslist+jwt");
  });
  server_->start_in_background();
}

StatusListServer::~StatusListServer() { server_->join(); }

void StatusListServer::set(std::size_t index, std::uint8_t value) {
  std::lock_guard lock(mutex_);
  values_[index] = value;
}

VerifierTestServer::VerifierTestServer(const std::vector<Json>& trust,
                                       const std::function<void(VerifierConfig&)>& configure)
    : dir_("veil-verifier") {
  VerifierConfig config;
  config.data_dir = dir_.file("verifier");
  config.trust_file = dir_.file("trust.json");
  config.allow_loopback_http = true;
  REQUIRE(platform::write_new_secret_file(config.trust_file, Json{{"issuers", trust}}.dump()));
  if (configure) configure(config);
  server_ = std::make_unique<platform::HttpServer>(config.http);
  REQUIRE(server_->bind("127.0.0.1", 0));
  if (config.public_url.empty()) config.public_url = "http://127.0.0.1:" + std::to_string(server_->port());
  auto app = VerifierApp::open(config, clock_, log_);
  if (!app) FAIL("VerifierApp::open: " << app.error().message);
  app_ = std::move(*app);
  install_routes(*server_, *app_);
  server_->start_in_background();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  client_->set_read_timeout(10, 0);
  api_key_ = app_->relying_parties().all().front().api_key;
}

VerifierTestServer::~VerifierTestServer() {
  client_.reset();
  if (server_) server_->join();
  server_.reset();
  app_.reset();
}

httplib::Result VerifierTestServer::create(const Json& body, const std::optional<std::string>& api_key) {
  httplib::Headers headers;
  headers.emplace("Authorization", "Bearer " + api_key.value_or(api_key_));
  return client_->Post("/v1/presentation-requests", headers, body.dump(), "application/json");
}

Json VerifierTestServer::create_request(const Json& body) {
  auto answer = create(body);
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 201);
  return body_json(answer);
}

Json VerifierTestServer::result(const std::string& id) {
  auto answer = client_->Get(("/v1/presentation-requests/" + id).c_str(), {{"Authorization", "Bearer " + api_key_}});
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 200);
  return body_json(answer);
}

WalletRequest VerifierTestServer::open_link(const std::string& link) {
  const auto link_parameters_map = link_parameters(link);
  WalletRequest request;
  REQUIRE(link_parameters_map.contains("client_id"));
  request.client_id = link_parameters_map.at("client_id");
  if (link_parameters_map.contains("request_uri")) {
    auto answer = client_->Get(path_of(link_parameters_map.at("request_uri")).c_str(),
                               {{"Accept", "application/oauth-authz-req+jwt"}});
    REQUIRE(answer);
    INFO(answer->body);
    REQUIRE(answer->status == 200);
    REQUIRE(answer->get_header_value("Content-Type") == "application/oauth-authz-req+jwt");
    auto jws = UnverifiedJws::parse_compact(answer->body);
    REQUIRE(jws);
    REQUIRE(jws->typ() == std::string("oauth-authz-req+jwt"));
    const Json& header = jws->unverified_header();
    REQUIRE(header.contains("x5c"));
    auto der = base64_decode(header.at("x5c").at(0).get<std::string>());
    REQUIRE(der);
    auto key = certificate_public_key(*der);
    REQUIRE(key);
    auto verifier = make_verifier(*key);
    REQUIRE(verifier);
    auto verified = jws->verify(**verifier);
    REQUIRE(verified);
    request.parameters = verified->payload();
    request.object_header = header;
    REQUIRE(request.parameters.at("client_id") == request.client_id);
    if (request.client_id.rfind("x509_hash:", 0) == 0) REQUIRE(request.client_id == x509_hash_client_id(*der));
  } else {
    for (const auto& [name, value] : link_parameters_map) {
      if (name == "dcql_query" || name == "client_metadata") {
        auto json = parse_json(value);
        REQUIRE(json);
        request.parameters[name] = *json;
      } else {
        request.parameters[name] = value;
      }
    }
  }
  request.response_uri = request.parameters.at("response_uri").get<std::string>();
  request.nonce = request.parameters.at("nonce").get<std::string>();
  request.state = request.parameters.at("state").get<std::string>();
  request.dcql_query = request.parameters.at("dcql_query");
  request.id = request.response_uri.substr(request.response_uri.rfind('/') + 1);
  return request;
}

httplib::Result VerifierTestServer::respond(const WalletRequest& request, const Json& vp_token) {
  return post_form(path_of(request.response_uri), {{"vp_token", vp_token.dump()}, {"state", request.state}});
}

httplib::Result VerifierTestServer::post_form(const std::string& path, const httplib::Params& form) {
  return client_->Post(path.c_str(), form);
}

std::string path_of(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

IssuerProcess::IssuerProcess() : dir_("veil-verifier-issuer") {
  const std::string data_dir = dir_.file("data");
  const std::string log = dir_.file("issuer.log");
  int out[2];
  REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> args = {VEIL_ISSUER_BIN, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data_dir};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int spawned = ::posix_spawn(&pid_, VEIL_ISSUER_BIN, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  stdout_fd_ = out[0];
  REQUIRE(spawned == 0);
  const std::string line = read_line(stdout_fd_, std::chrono::steady_clock::now() + std::chrono::seconds(20));
  REQUIRE(line.rfind(kListeningPrefix, 0) == 0);
  url_ = "http://" + line.substr(sizeof(kListeningPrefix) - 1);
  std::string key = read_file(data_dir + "/admin-api-key");
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  admin_key_ = key;
  client_ = std::make_unique<httplib::Client>("127.0.0.1", std::stoi(url_.substr(url_.rfind(':') + 1)));
  client_->set_read_timeout(10, 0);
}

IssuerProcess::~IssuerProcess() {
  client_.reset();
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

std::string IssuerProcess::issue(const std::string& configuration_id, const Json& claims, const Holder& holder) {
  const httplib::Headers admin = {{"Authorization", "Bearer " + admin_key_}};
  auto offer = client_->Post("/admin/offers", admin,
                             Json{{"credential_configuration_id", configuration_id}, {"claims", claims}}.dump(),
                             "application/json");
  REQUIRE(offer);
  INFO(offer->body);
  REQUIRE(offer->status == 201);
  const std::string code =
      body_json(offer).at("credential_offer").at("grants").at(kPreAuthorizedCodeGrant).at("pre-authorized_code");
  auto token = client_->Post("/token", httplib::Params{{"grant_type", kPreAuthorizedCodeGrant}, {"pre-authorized_code", code}});
  REQUIRE(token);
  REQUIRE(token->status == 200);
  const std::string access_token = body_json(token).at("access_token");
  auto nonce = client_->Post("/nonce", "", "application/json");
  REQUIRE(nonce);
  REQUIRE(nonce->status == 200);
  const std::string c_nonce = body_json(nonce).at("c_nonce");
  auto proof = sign_openid4vci_proof({url_, SystemClock().now(), c_nonce, std::nullopt}, holder.key.public_key(),
                                     *holder.signer);
  REQUIRE(proof);
  const Json request = {{"credential_configuration_id", configuration_id}, {"proofs", {{"jwt", {*proof}}}}};
  auto credential = client_->Post("/credential", {{"Authorization", "Bearer " + access_token}}, request.dump(),
                                  "application/json");
  REQUIRE(credential);
  INFO(credential->body);
  REQUIRE(credential->status == 200);
  return body_json(credential).at("credentials").at(0).at("credential");
}

void IssuerProcess::revoke(const Holder& holder) {
  const httplib::Headers admin = {{"Authorization", "Bearer " + admin_key_}};
  const Json list = body_json(client_->Get("/admin/credentials?limit=1000", admin));
  for (const auto& record : list.at("credentials")) {
    if (record.at("holder_key_thumbprint") == holder.key.public_key().thumbprint()) {
      auto answer = client_->Post(("/admin/credentials/" + record.at("id").get<std::string>() + "/revoke").c_str(),
                                  admin, "{}", "application/json");
      REQUIRE(answer);
      REQUIRE(answer->status == 200);
      return;
    }
  }
  FAIL("the issuer issued nothing to this holder");
}

}  // namespace veil::verifier::testing
