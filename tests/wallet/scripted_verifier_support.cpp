#include "scripted_verifier_support.h"

#include <stdexcept>

#include "veil/jws.h"
#include "veil/signer.h"

namespace veil_test {

namespace {

void answer(const ScriptedAnswer& scripted, httplib::Response& response) {
  response.status = scripted.status;
  if (scripted.location) response.set_header("Location", *scripted.location);
  response.set_content(scripted.body, scripted.content_type.c_str());
}

std::string decode_component(const std::string& text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string sign_request_object(const TestCertificate& certificate, const veil::Json& claims,
                                const veil::Json& extra_header) {
  veil::Json header{{"typ", "oauth-authz-req+jwt"}, {"x5c", veil::Json::array({certificate.x5c})}};
  for (const auto& [name, value] : extra_header.items()) header[name] = value;
  auto signer = veil::make_signer(*certificate.key);
  if (!signer) throw std::runtime_error("request object signer");
  auto jws = veil::sign_jws_compact(header, claims, **signer);
  if (!jws) throw std::runtime_error("request object signing");
  return *jws;
}

std::map<std::string, std::string> form_decode(const std::string& body) {
  std::map<std::string, std::string> fields;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string pair = body.substr(start, end - start);
    std::size_t equals = pair.find('=');
    if (equals != std::string::npos)
      fields[decode_component(pair.substr(0, equals))] = decode_component(pair.substr(equals + 1));
    start = end + 1;
  }
  return fields;
}

ScriptedVerifier::ScriptedVerifier() {
  auto& router = server_.router();
  router.Get("/request", [this](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex_);
    fetches_.push_back(RecordedFetch{request.get_header_value("Accept")});
    answer(request_answer_, response);
  });
  router.Post("/response", [this](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex_);
    posts_.push_back(RecordedPost{request.get_header_value("Content-Type"), request.body, form_decode(request.body)});
    answer(response_answer_, response);
  });
  auto elsewhere = [this](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(mutex_);
    ++elsewhere_hits_;
    response.set_content("{}", "application/json");
  };
  router.Get("/elsewhere", elsewhere);
  router.Post("/elsewhere", elsewhere);
  if (!server_.bind("127.0.0.1", 0)) throw std::runtime_error("scripted verifier cannot bind");
  server_.start_in_background();
}

ScriptedVerifier::~ScriptedVerifier() { server_.join(); }

std::string ScriptedVerifier::origin() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

void ScriptedVerifier::serve_request_object(std::string jws) {
  script_request(ScriptedAnswer{200, "application/oauth-authz-req+jwt", std::move(jws), std::nullopt});
}

void ScriptedVerifier::script_request(ScriptedAnswer scripted) {
  std::lock_guard lock(mutex_);
  request_answer_ = std::move(scripted);
}

void ScriptedVerifier::script_response(ScriptedAnswer scripted) {
  std::lock_guard lock(mutex_);
  response_answer_ = std::move(scripted);
}

std::vector<RecordedFetch> ScriptedVerifier::fetches() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

std::vector<RecordedPost> ScriptedVerifier::posts() const {
  std::lock_guard lock(mutex_);
  return posts_;
}

int ScriptedVerifier::elsewhere_hits() const {
  std::lock_guard lock(mutex_);
  return elsewhere_hits_;
}

}  // namespace veil_test
