// fuzz_issuer_body: the request bodies of veil-issuer serve (routes.cpp), through the same platform readers and
// endpoint functions as the HTTP adapter, on an issuer with a temporary data directory and a fixed clock:
//   byte 0 % 6  0 POST /token (form body)           1 POST /credential (JSON, with a valid access token)
//               2 POST /admin/offers (JSON)          3 GET /admin/credentials?<query>
//               4 POST /admin/credentials/<id>/<action> ("<id>/<action>")
//               5 the Authorization header (bearer_token)
// "@CODE@" in a token request becomes a live pre-authorized code (its offer asks for a tx_code); the credential
// request always carries a valid access token, so the request and proof checks run.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>

#include <httplib.h>

#include "fuzz_support.h"
#include "fuzz_temp_dir.h"
#include "issuer/credential_admin.h"
#include "issuer/credential_endpoint.h"
#include "issuer/issuer_app.h"
#include "issuer/offer_desk.h"
#include "issuer/token_endpoint.h"
#include "veil/platform/http_request.h"

namespace {

struct Issuer {
  std::unique_ptr<veil::issuer::IssuerApp> app;
  std::string access_token;
  std::string code;  // a pre-authorized code nobody redeems (with a tx_code, so a wrong guess burns attempts)
};

std::string pre_authorized_code(const veil::Json& created) {
  return created.at("credential_offer")
      .at("grants")
      .at("urn:ietf:params:oauth:grant-type:pre-authorized_code")
      .at("pre-authorized_code")
      .get<std::string>();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Issuer& issuer() {
  static Issuer i = [] {
    Issuer out;
    veil::issuer::IssuerConfig config;
    config.data_dir = veil_fuzz::temp_dir() + "/issuer";
    config.schemas_dir = VEIL_SCHEMAS_DIR;
    config.public_url = veil_fuzz::kIss;
    config.status_list_size = 1024;
    out.app = veil_fuzz::must(veil::issuer::IssuerApp::open(config, veil_fuzz::clock()));
    const veil::Json offer_request = {{"credential_configuration_id", "age"},
                                      {"claims", veil_fuzz::must(veil::parse_json(read_file(
                                                     std::string(VEIL_SCHEMAS_DIR) + "/age/example_claims.json")))}};
    auto created = veil::issuer::create_offer(out.app->context(), offer_request);
    if (!created) {
      std::fprintf(stderr, "create_offer: %s %s\n", created.error().error.c_str(), created.error().description.c_str());
      std::abort();
    }
    auto token = veil::issuer::token_response(
        out.app->context(), {{"grant_type", "urn:ietf:params:oauth:grant-type:pre-authorized_code"},
                             {"pre-authorized_code", pre_authorized_code(*created)}});
    if (!token) std::abort();
    out.access_token = token->at("access_token").get<std::string>();
    veil::Json with_tx_code = offer_request;
    with_tx_code["tx_code"] = true;
    auto second = veil::issuer::create_offer(out.app->context(), with_tx_code);
    if (!second) std::abort();
    out.code = pre_authorized_code(*second);
    return out;
  }();
  return i;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  Issuer& i = issuer();
  const veil::issuer::IssuerContext context = i.app->context();
  const std::string_view input = veil_fuzz::text(data + 1, size - 1);
  httplib::Request request;
  request.method = "POST";
  switch (data[0] % 6) {
    case 0: {
      request.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
      request.body = veil_fuzz::replace_all(input, "@CODE@", i.code);
      auto form = veil::platform::read_form_body(request);
      if (form) (void)veil::issuer::token_response(context, *form);
      break;
    }
    case 1: {
      request.headers.emplace("Content-Type", "application/json");
      request.body = input;
      auto body = veil::platform::read_json_body(request, veil::platform::HttpLimits{});
      if (body) (void)veil::issuer::credential_response(context, i.access_token, *body);
      break;
    }
    case 2: {
      request.headers.emplace("Content-Type", "application/json");
      request.body = input;
      auto body = veil::platform::read_json_body(request, veil::platform::HttpLimits{});
      if (body) (void)veil::issuer::create_offer(context, *body);
      break;
    }
    case 3: {
      httplib::Params params;
      httplib::detail::parse_query_text(std::string(input), params);
      (void)veil::issuer::list_credentials(context, std::multimap<std::string, std::string>(params.begin(), params.end()));
      break;
    }
    case 4: {
      const std::size_t slash = input.find('/');
      const std::string_view id = input.substr(0, slash);
      const std::string_view action = slash == std::string_view::npos ? std::string_view{} : input.substr(slash + 1);
      if (veil::platform::is_safe_id(id)) (void)veil::issuer::change_credential_status(context, id, action);
      break;
    }
    default:
      request.headers.emplace("Authorization", std::string(input));
      (void)veil::platform::bearer_token(request);
      break;
  }
  return 0;
}
