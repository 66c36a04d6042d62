#include "wallet/routes.h"

#include "veil/platform/http_guard.h"
#include "veil/platform/http_request.h"
#include "veil/platform/http_response.h"
#include "wallet/ui_assets.h"

namespace veil::wallet {
namespace {

using platform::HttpError;
using Request = httplib::Request;
using Response = httplib::Response;

constexpr std::string_view kSessionPath = "/api/session";
constexpr std::string_view kRequestsPath = "/api/requests";

void send_failure(Response& response, const HttpError& error) {
  if (error.status == 401) {
    platform::set_header_once(response, "WWW-Authenticate", "Bearer error=\"" + error.error + "\"");
  }
  platform::send_error(response, error);
}

void answer(Response& response, const Result<Json>& result, int status = 200) {
  if (!result) return send_failure(response, http_error_for(result.error()));
  platform::send_json(response, status, *result);
}

void answer_status(Response& response, const Status& result, const Json& body) {
  if (!result) return send_failure(response, http_error_for(result.error()));
  platform::send_json(response, 200, body);
}

// with_path_id runs |handle| with the route's first capture when it is a safe id (ATTACKS H11), else 404.
template <class Handle>
void with_path_id(const Request& request, Response& response, Handle&& handle) {
  const std::string id = request.matches.size() > 1 ? request.matches[1].str() : std::string();
  if (!platform::is_safe_id(id)) return platform::send_error(response, {404, "not_found", "no such resource"});
  handle(id);
}

// with_json_body runs |handle| with the request's JSON object body (415 / 413 / 400 otherwise).
template <class Handle>
void with_json_body(const Request& request, Response& response, const platform::HttpServer& server, Handle&& handle) {
  auto body = platform::read_json_body(request, server.limits());
  if (!body) return send_failure(response, body.error());
  handle(*body);
}

std::optional<std::string> string_member(const Json& body, const char* name) {
  if (!body.contains(name) || !body[name].is_string()) return std::nullopt;
  return body[name].get<std::string>();
}

// take_passphrase moves the passphrase out of a parsed body into SecretBytes and overwrites the JSON copy.
std::optional<SecretBytes> take_passphrase(Json& body) {
  if (!body.contains("passphrase") || !body["passphrase"].is_string()) return std::nullopt;
  auto& text = body["passphrase"].get_ref<std::string&>();
  SecretBytes passphrase = passphrase_from(text);
  std::fill(text.begin(), text.end(), '\0');
  return passphrase;
}

HttpError missing(const std::string& what) { return {400, "invalid_request", what}; }

// authenticated tells whether |request| carries the api-token or a live session token as its bearer.
bool authenticated(const Request& request, WalletApp& app) {
  const auto token = platform::bearer_token(request);
  if (!token) return false;
  // Evaluate both comparisons: which one matched must not show in the timing.
  const bool api = platform::constant_time_equals(*token, app.api_token());
  const bool session = app.sessions().is_valid_session(*token);
  return api || session;
}

// is_agent tells whether |request|'s bearer is the agent token, which may only submit requests.
bool is_agent(const Request& request, const WalletApp& app) {
  const auto token = platform::bearer_token(request);
  return token && platform::constant_time_equals(*token, app.agent_token());
}

void install_guards(platform::HttpServer& server, WalletApp& app) {
  // Host first (a rebinding page learns nothing), then Origin: only the wallet's own pages may send one.
  platform::install_local_api_guard(server, loopback_origins(server.port()));
  server.add_request_check([&app](const Request& request) -> std::optional<HttpError> {
    if (!request.path.starts_with("/api/")) return std::nullopt;
    if (request.path == kSessionPath && request.method == "POST") return std::nullopt;  // the login code itself
    if (authenticated(request, app)) return std::nullopt;
    if (is_agent(request, app)) {
      if (request.path == kRequestsPath && request.method == "POST") return std::nullopt;
      return HttpError{403, "insufficient_scope", "the agent token may only submit requests (POST /api/requests)"};
    }
    return HttpError{401, "invalid_token", "the wallet API needs Authorization: Bearer <api-token or session>"};
  });
}

void install_ui(platform::HttpServer& server) {
  auto serve = [](const UiAsset& asset) {
    return [&asset](const Request&, Response& response) {
      platform::send_text(response, 200, asset.body, asset.content_type);
      platform::set_header_once(response, "Content-Security-Policy", kUiContentSecurityPolicy);
      platform::set_header_once(response, "X-Frame-Options", "DENY");
      platform::set_header_once(response, "Cross-Origin-Opener-Policy", "same-origin");
      platform::set_header_once(response, "Cross-Origin-Resource-Policy", "same-origin");
    };
  };
  for (const UiAsset& asset : ui_assets()) {
    server.router().Get(std::string(asset.path), serve(asset));
    if (asset.path == "/index.html") server.router().Get("/", serve(asset));
  }
}

void install_session_routes(platform::HttpServer& server, WalletApp& app) {
  auto& router = server.router();
  router.Post(std::string(kSessionPath), [&app, &server](const Request& request, Response& response) {
    // With the api-token as bearer: a session for a holder who lost the login link. Otherwise the one-time code.
    const auto token = platform::bearer_token(request);
    with_json_body(request, response, server, [&](const Json& body) {
      std::optional<std::string> session;
      if (token && platform::constant_time_equals(*token, app.api_token())) {
        session = app.sessions().open_session();
      } else if (auto code = string_member(body, "code")) {
        session = app.sessions().redeem_login_code(*code);
      }
      if (!session) {
        return send_failure(response, {401, "invalid_token", "the login code is unknown, used or expired"});
      }
      platform::send_json(response, 201,
                          {{"session", *session}, {"expires_in", app.config().session_ttl_seconds}});
    });
  });
  router.Delete(std::string(kSessionPath), [&app](const Request& request, Response& response) {
    if (auto token = platform::bearer_token(request)) app.sessions().end_session(*token);
    platform::send_json(response, 200, {{"ended", true}});
  });
}

void install_key_routes(platform::HttpServer& server, WalletApp& app) {
  auto& router = server.router();
  auto& service = app.service();
  router.Get("/api/status", [&service](const Request&, Response& response) { answer(response, service.status()); });
  router.Post("/api/initialize", [&service, &server](const Request& request, Response& response) {
    with_json_body(request, response, server, [&](Json body) {
      auto passphrase = take_passphrase(body);
      if (!passphrase) return send_failure(response, missing("passphrase (a string) is required"));
      answer_status(response, service.initialize(*passphrase), {{"initialized", true}, {"locked", false}});
    });
  });
  router.Post("/api/unlock", [&service, &server](const Request& request, Response& response) {
    with_json_body(request, response, server, [&](Json body) {
      auto passphrase = take_passphrase(body);
      if (!passphrase) return send_failure(response, missing("passphrase (a string) is required"));
      answer_status(response, service.unlock(*passphrase), {{"locked", false}});
    });
  });
  router.Post("/api/lock", [&service, &server](const Request& request, Response& response) {
    with_json_body(request, response, server, [&](const Json&) {
      service.lock();
      platform::send_json(response, 200, {{"locked", true}});
    });
  });
}

void install_offer_routes(platform::HttpServer& server, WalletService& service) {
  auto& router = server.router();
  router.Post("/api/offers", [&service, &server](const Request& request, Response& response) {
    with_json_body(request, response, server, [&](const Json& body) {
      auto link = string_member(body, "offer");
      if (!link) return send_failure(response, missing("offer (the openid-credential-offer:// link) is required"));
      answer(response, service.inspect_offer(*link), 201);
    });
  });
  router.Post(R"(/api/offers/([^/]+)/accept)", [&service, &server](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) {
      with_json_body(request, response, server, [&](const Json& body) {
        if (body.contains("tx_code") && !body["tx_code"].is_string() && !body["tx_code"].is_null()) {
          return send_failure(response, missing("tx_code must be a string"));
        }
        answer(response, service.accept_offer(id, string_member(body, "tx_code")), 201);
      });
    });
  });
  router.Delete(R"(/api/offers/([^/]+))", [&service](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) {
      answer_status(response, service.discard_offer(id), {{"discarded", true}});
    });
  });
}

void install_credential_routes(platform::HttpServer& server, WalletService& service) {
  auto& router = server.router();
  router.Get("/api/credentials", [&service](const Request&, Response& response) {
    answer(response, service.list_credentials());
  });
  router.Get(R"(/api/credentials/([^/]+))", [&service](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) { answer(response, service.credential(id)); });
  });
  router.Delete(R"(/api/credentials/([^/]+))", [&service](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) {
      answer_status(response, service.delete_credential(id), {{"deleted", true}});
    });
  });
}

// agent_answer is what a local AI agent learns from submitting a request: that the wallet took it, whatever the
// holder has, the rules decided or the holder will decide — the agent token cannot read credentials, so neither
// "nothing matches" nor "answered by a rule" may tell it what the holder holds. The agent learns the outcome
// from the verifier, like any relying party. Invalid requests and a locked wallet are still errors.
void agent_answer(Response& response, const Result<Json>& result) {
  if (!result && result.error().code != ErrorCode::no_matching_credential) {
    return send_failure(response, http_error_for(result.error()));
  }
  platform::send_json(response, 202, {{"status", "submitted"}});
}

void install_request_routes(platform::HttpServer& server, WalletApp& app) {
  auto& router = server.router();
  auto& service = app.service();
  router.Post(std::string(kRequestsPath), [&app, &service, &server](const Request& request, Response& response) {
    with_json_body(request, response, server, [&](const Json& body) {
      auto link = string_member(body, "request");
      if (!link) return send_failure(response, missing("request (the openid4vp:// link) is required"));
      if (is_agent(request, app)) return agent_answer(response, service.receive_request(*link));
      answer(response, service.receive_request(*link), 201);
    });
  });
  router.Get("/api/requests", [&service](const Request&, Response& response) {
    answer(response, service.list_requests());
  });
  router.Get(R"(/api/requests/([^/]+))", [&service](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) { answer(response, service.request(id)); });
  });
  router.Post(R"(/api/requests/([^/]+)/approve)", [&service, &server](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) {
      with_json_body(request, response, server,
                     [&](const Json& body) { answer(response, service.approve(id, body)); });
    });
  });
  router.Post(R"(/api/requests/([^/]+)/decline)", [&service, &server](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) {
      with_json_body(request, response, server, [&](const Json&) { answer(response, service.decline(id)); });
    });
  });
}

void install_consent_rule_routes(platform::HttpServer& server, StandingConsent& standing) {
  auto& router = server.router();
  router.Get("/api/rules", [&standing](const Request&, Response& response) { answer(response, standing.list_rules()); });
  router.Post("/api/rules", [&standing, &server](const Request& request, Response& response) {
    with_json_body(request, response, server, [&](const Json& body) { answer(response, standing.add_rule(body), 201); });
  });
  router.Delete(R"(/api/rules/([^/]+))", [&standing](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) {
      answer_status(response, standing.delete_rule(id), {{"deleted", true}});
    });
  });
  router.Get(R"(/api/credentials/([^/]+)/always-ask)", [&standing](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) { answer(response, standing.always_ask(id)); });
  });
  router.Put(R"(/api/credentials/([^/]+)/always-ask)", [&standing, &server](const Request& request, Response& response) {
    with_path_id(request, response, [&](const std::string& id) {
      with_json_body(request, response, server,
                     [&](const Json& body) { answer(response, standing.set_always_ask(id, body)); });
    });
  });
}

void install_history_routes(platform::HttpServer& server, WalletService& service) {
  auto& router = server.router();
  router.Get("/api/history", [&service](const Request&, Response& response) { answer(response, service.history()); });
  router.Get("/api/history/export", [&service](const Request&, Response& response) {
    answer(response, service.export_history());
    if (response.status == 200) {
      platform::set_header_once(response, "Content-Disposition", "attachment; filename=\"veil-wallet-history.json\"");
    }
  });
}

}  // namespace

std::vector<std::string> loopback_origins(int port) {
  const std::string suffix = ":" + std::to_string(port);
  return {"http://127.0.0.1" + suffix, "http://localhost" + suffix, "http://[::1]" + suffix};
}

platform::HttpError http_error_for(const Error& error) {
  int status = 400;
  switch (error.code) {
    case ErrorCode::wallet_locked: status = 423; break;
    case ErrorCode::wrong_passphrase: status = 403; break;
    case ErrorCode::not_found: status = 404; break;
    case ErrorCode::request_already_answered: status = 409; break;
    case ErrorCode::no_matching_credential: status = 422; break;
    case ErrorCode::fetch_failed:
    case ErrorCode::unexpected_http_status:
    case ErrorCode::response_too_large:
    case ErrorCode::invalid_issuer_metadata:
    case ErrorCode::issuance_failed:
    case ErrorCode::holder_key_mismatch: status = 502; break;
    case ErrorCode::storage_error:
    case ErrorCode::sealed_data_corrupt:
    case ErrorCode::internal_error:
    case ErrorCode::io_error: status = 500; break;
    default: break;
  }
  return {status, std::string(error_code_name(error.code)), error.message};
}

void install_routes(platform::HttpServer& server, WalletApp& app) {
  install_guards(server, app);
  install_ui(server);
  install_session_routes(server, app);
  install_key_routes(server, app);
  install_offer_routes(server, app.service());
  install_credential_routes(server, app.service());
  install_request_routes(server, app);
  install_consent_rule_routes(server, app.service().standing_consent());
  install_history_routes(server, app.service());
}

}  // namespace veil::wallet
