#include "wallet/wallet_service.h"

#include <algorithm>
#include <set>

#include "veil/base64url.h"
#include "wallet/presentation_response.h"

namespace veil::wallet {
namespace {

// Members of an SD-JWT VC payload that say how the credential works rather than what it says about the holder.
const std::set<std::string, std::less<>> kTechnicalClaims{"iss", "vct", "vct#integrity", "cnf", "iat", "nbf",
                                                           "exp", "status", "_sd_alg", "sub_jwk"};

std::string new_id() { return base64url_encode(SecretBytes::random(16).reveal()); }

// pick_display chooses from a display array ([{"name", "locale", ...}]) the English entry, else the first one.
Json pick_display(const Json& display) {
  if (display.is_object()) return display;
  if (!display.is_array() || display.empty()) return Json::object();
  for (const auto& entry : display) {
    if (entry.is_object() && entry.contains("locale") && entry["locale"].is_string() &&
        entry["locale"].get<std::string>().starts_with("en")) {
      return entry;
    }
  }
  return display.front().is_object() ? display.front() : Json::object();
}

std::string string_member(const Json& object, const char* name) {
  if (object.is_object() && object.contains(name) && object[name].is_string()) return object[name].get<std::string>();
  return {};
}

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos) return url;
  start += 3;
  const auto end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// claim_label finds the display label of |path| in a display object's "claims" ([{"path", "display": [...]}]).
std::optional<std::string> claim_label(const Json& display, const Json& path) {
  if (!display.is_object() || !display.contains("claims") || !display["claims"].is_array()) return std::nullopt;
  for (const auto& claim : display["claims"]) {
    if (!claim.is_object() || !claim.contains("path") || claim["path"] != path) continue;
    const Json chosen = pick_display(claim.value("display", Json::array()));
    std::string label = string_member(chosen, "name");
    if (label.empty()) label = string_member(chosen, "label");
    if (!label.empty()) return label;
  }
  return std::nullopt;
}

std::string label_or_path(const Json& display, const ClaimPath& path) {
  if (auto label = claim_label(display, path.to_json())) return *label;
  return path.to_dotted();
}

std::string prefix_explained(const AuthorizationRequest& request) {
  switch (request.client_id_prefix) {
    case ClientIdPrefix::x509_san_dns:
      return "The verifier signed this request with a certificate issued for " + request.client_id_value +
             ", and your answer goes only to that host.";
    case ClientIdPrefix::x509_hash:
      return "The verifier signed this request with a certificate; its identifier is the SHA-256 hash of that "
             "certificate. The name shown is what the certificate says — this wallet has no list of trusted "
             "verifiers to confirm it.";
    case ClientIdPrefix::redirect_uri:
      return "Unsigned request: the verifier is identified only by the address your answer is sent to. Anyone "
             "can create such a request; share only if you trust that address.";
  }
  return {};
}

Json path_list(const std::vector<ClaimPath>& paths) {
  Json list = Json::array();
  for (const auto& path : paths) list.push_back(path.to_json());
  return list;
}

// approval_from_json reads the holder's answer {"selections": {query: id | [ids]}, "optional_claims": {query: [path]}}.
Result<Approval> approval_from_json(const Json& body) {
  if (!body.is_object()) return fail(ErrorCode::invalid_argument, "the approval must be a JSON object");
  if (!body.contains("selections") || !body["selections"].is_object()) {
    return fail(ErrorCode::invalid_argument, "selections must be an object of credential query id -> credential id");
  }
  Json optional = body.value("optional_claims", Json::object());
  if (!optional.is_object()) return fail(ErrorCode::invalid_argument, "optional_claims must be an object");
  Approval approval;
  for (const auto& [query_id, chosen] : body["selections"].items()) {
    std::vector<std::string> ids;
    if (chosen.is_string()) {
      ids.push_back(chosen.get<std::string>());
    } else if (chosen.is_array() && std::all_of(chosen.begin(), chosen.end(), [](const Json& v) { return v.is_string(); })) {
      for (const auto& id : chosen) ids.push_back(id.get<std::string>());
    } else {
      return fail(ErrorCode::invalid_argument, "selection of " + query_id + " must be a credential id or a list of them");
    }
    std::vector<ClaimPath> ticked;
    if (optional.contains(query_id)) {
      const Json& paths = optional[query_id];
      if (!paths.is_array()) return fail(ErrorCode::invalid_argument, "optional_claims of " + query_id + " must be a list");
      for (const auto& path : paths) {
        VEIL_TRY(auto parsed, ClaimPath::from_json(path));
        ticked.push_back(std::move(parsed));
      }
    }
    for (auto& id : ids) approval.credentials.push_back({query_id, std::move(id), ticked});
  }
  for (const auto& [query_id, paths] : optional.items()) {
    if (!body["selections"].contains(query_id)) {
      return fail(ErrorCode::invalid_argument, "optional_claims names " + query_id + ", which has no selection");
    }
  }
  return approval;
}

// normalized_display builds the display metadata the wallet keeps with a credential: the issuer's names for the
// credential, its claims and itself, taken from the metadata the holder saw before accepting.
Json normalized_display(const NewCredential& credential, const OfferedCredential* offered, const InspectedOffer& offer) {
  Json display = credential.display.is_object() ? credential.display : Json::object();
  if (offered != nullptr) {
    const Json chosen = pick_display(offered->display);
    if (string_member(display, "name").empty() && !string_member(chosen, "name").empty()) display["name"] = chosen["name"];
    if (string_member(display, "description").empty() && !string_member(chosen, "description").empty()) {
      display["description"] = chosen["description"];
    }
    if (!display.contains("claims") && offered->claims.is_array()) display["claims"] = offered->claims;
    if (!display.contains("configuration_id")) display["configuration_id"] = offered->configuration_id;
  }
  if (string_member(display, "issuer_name").empty()) {
    const std::string name = string_member(pick_display(offer.issuer_display), "name");
    if (!name.empty()) display["issuer_name"] = name;
  }
  return display;
}

}  // namespace

WalletService::WalletService(WalletStore& store, const Clock& clock, WalletServiceOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      http_(options_.fetch),
      issuance_(platform::HttpClient(options_.fetch), clock, options_.issuance),
      standing_(store, clock) {}

Status WalletService::require_unlocked() {
  if (store_.is_locked()) return fail(ErrorCode::wallet_locked, "the wallet is locked: unlock it with the passphrase");
  return {};
}

void WalletService::purge_expired_locked(std::int64_t now) {
  std::erase_if(offers_, [now](const auto& entry) { return !entry.second.busy && entry.second.expires_at <= now; });
  for (auto it = requests_.begin(); it != requests_.end();) {
    if (it->second.expires_at <= now) {
      answered_[it->first] = now + options_.request_ttl_seconds;
      it = requests_.erase(it);
    } else {
      ++it;
    }
  }
  std::erase_if(answered_, [now](const auto& entry) { return entry.second <= now; });
}

// --- Keys ---------------------------------------------------------------------------------------------------

Result<Json> WalletService::status() {
  VEIL_TRY(bool initialized, store_.is_initialized());
  const bool locked = store_.is_locked();
  Json status{{"initialized", initialized}, {"locked", locked}};
  {
    std::lock_guard lock(mutex_);
    purge_expired_locked(clock_.now());
    status["pending_requests"] = requests_.size();
  }
  if (!locked) {
    VEIL_TRY(auto credentials, store_.list_credentials());
    status["credentials"] = credentials.size();
  }
  return status;
}

Status WalletService::initialize(const SecretBytes& passphrase) {
  VEIL_TRY(bool initialized, store_.is_initialized());
  if (initialized) return fail(ErrorCode::invalid_argument, "this wallet already exists: unlock it instead");
  if (passphrase.size() < options_.min_passphrase_length) {
    return fail(ErrorCode::invalid_argument,
                "the passphrase must have at least " + std::to_string(options_.min_passphrase_length) + " characters");
  }
  return store_.initialize(passphrase, options_.kdf);
}

Status WalletService::unlock(const SecretBytes& passphrase) { return store_.unlock(passphrase); }

void WalletService::lock() {
  store_.lock();
  std::lock_guard lock(mutex_);
  offers_.clear();
  for (const auto& [id, pending] : requests_) answered_[id] = pending.expires_at;
  requests_.clear();
}

// --- Offers -------------------------------------------------------------------------------------------------

Result<Json> WalletService::inspect_offer(std::string_view link) {
  VEIL_CHECK(require_unlocked());
  VEIL_TRY(auto offer, issuance_.read_offer(link));
  VEIL_TRY(auto inspected, issuance_.inspect(offer));
  Json credentials = Json::array();
  for (const auto& offered : inspected.credentials) {
    const Json chosen = pick_display(offered.display);
    credentials.push_back({{"configuration_id", offered.configuration_id},
                           {"vct", offered.vct},
                           {"name", string_member(chosen, "name").empty() ? offered.configuration_id
                                                                            : string_member(chosen, "name")},
                           {"description", string_member(chosen, "description")}});
  }
  const std::string issuer_name = string_member(pick_display(inspected.issuer_display), "name");
  Json answer{{"credential_issuer", inspected.credential_issuer},
              {"issuer_name", issuer_name.empty() ? host_of(inspected.credential_issuer) : issuer_name},
              {"credentials", std::move(credentials)},
              {"tx_code", inspected.tx_code ? inspected.tx_code->to_json() : Json(nullptr)},
              {"copies", inspected.copies_per_credential}};
  const std::int64_t now = clock_.now();
  std::lock_guard lock(mutex_);
  purge_expired_locked(now);
  if (offers_.size() >= options_.max_pending) {
    auto oldest = std::min_element(offers_.begin(), offers_.end(), [](const auto& a, const auto& b) {
      return a.second.expires_at < b.second.expires_at;
    });
    if (!oldest->second.busy) offers_.erase(oldest);
  }
  const std::string id = new_id();
  offers_.emplace(id, PendingOffer{std::move(inspected), now + options_.offer_ttl_seconds, false});
  answer["id"] = id;
  answer["expires_at"] = now + options_.offer_ttl_seconds;
  return answer;
}

Result<Json> WalletService::accept_offer(std::string_view offer_id, const std::optional<std::string>& tx_code) {
  VEIL_CHECK(require_unlocked());
  const InspectedOffer* offer = nullptr;
  {
    std::lock_guard lock(mutex_);
    purge_expired_locked(clock_.now());
    auto it = offers_.find(offer_id);
    if (it == offers_.end()) return fail(ErrorCode::not_found, "no pending offer has this id (it may have expired)");
    if (it->second.busy) return fail(ErrorCode::request_already_answered, "this offer is being accepted already");
    it->second.busy = true;  // the entry stays in the map (and |offer| valid) until busy is cleared
    offer = &it->second.offer;
  }
  auto release = [&](bool forget) {
    std::lock_guard lock(mutex_);
    auto it = offers_.find(offer_id);
    if (it == offers_.end()) return;
    if (forget) offers_.erase(it);
    else it->second.busy = false;
  };
  auto received = issuance_.accept(*offer, tx_code);
  if (!received) {
    release(false);
    return tl::unexpected(received.error());
  }
  Json stored = Json::array();
  for (std::size_t i = 0; i < received->size(); ++i) {
    NewCredential& credential = (*received)[i];
    const OfferedCredential* offered = nullptr;
    if (received->size() == offer->credentials.size()) offered = &offer->credentials[i];
    for (const auto& candidate : offer->credentials) {
      if (offered == nullptr && candidate.vct == credential.vct) offered = &candidate;
    }
    credential.display = normalized_display(credential, offered, *offer);
    auto id = store_.add_credential(credential);
    if (!id) {
      release(true);
      return tl::unexpected(id.error());
    }
    auto entry = store_.find_credential(*id);
    if (!entry) {
      release(true);
      return tl::unexpected(entry.error());
    }
    VEIL_TRY(auto summary, credential_summary(*entry, &credential.claims));
    stored.push_back(std::move(summary));
  }
  release(true);
  return Json{{"credentials", std::move(stored)}};
}

Status WalletService::discard_offer(std::string_view offer_id) {
  std::lock_guard lock(mutex_);
  auto it = offers_.find(offer_id);
  if (it == offers_.end() || it->second.busy) return fail(ErrorCode::not_found, "no pending offer has this id");
  offers_.erase(it);
  return {};
}

// --- Credentials --------------------------------------------------------------------------------------------

Result<Json> WalletService::credential_summary(const StoredCredential& credential, const Json* claims) {
  const Json& display = credential.display;
  std::string name = string_member(display, "name");
  std::string issuer_name = string_member(display, "issuer_name");
  Json summary{{"id", credential.id},
               {"vct", credential.vct},
               {"name", name.empty() ? credential.vct : name},
               {"description", string_member(display, "description")},
               {"issuer", credential.issuer},
               {"issuer_name", issuer_name.empty() ? host_of(credential.issuer) : issuer_name},
               {"received_at", credential.received_at},
               {"copies_total", credential.copies},
               {"copies_left", credential.unused_copies}};
  if (claims != nullptr && claims->is_object()) {
    for (const char* name_of_time : {"iat", "exp"}) {
      if (claims->contains(name_of_time) && (*claims)[name_of_time].is_number_integer()) {
        summary[std::string(name_of_time) == "iat" ? "issued_at" : "expires_at"] = (*claims)[name_of_time];
      }
    }
  }
  return summary;
}

Result<Json> WalletService::list_credentials() {
  VEIL_CHECK(require_unlocked());
  VEIL_TRY(auto credentials, store_.list_credentials());
  Json list = Json::array();
  for (const auto& credential : credentials) {
    VEIL_TRY(auto summary, credential_summary(credential, nullptr));
    list.push_back(std::move(summary));
  }
  return Json{{"credentials", std::move(list)}};
}

Result<Json> WalletService::credential(std::string_view credential_id) {
  VEIL_CHECK(require_unlocked());
  VEIL_TRY(auto entry, store_.find_credential(credential_id));
  VEIL_TRY(auto claims, store_.credential_claims(credential_id));
  VEIL_TRY(auto summary, credential_summary(entry, &claims));
  Json shown = Json::object();
  if (claims.is_object()) {
    for (const auto& [name, value] : claims.items()) {
      if (!kTechnicalClaims.contains(name)) shown[name] = value;
    }
  }
  summary["claims"] = std::move(shown);
  Json labels = Json::array();
  if (entry.display.is_object() && entry.display.contains("claims") && entry.display["claims"].is_array()) {
    for (const auto& claim : entry.display["claims"]) {
      if (!claim.is_object() || !claim.contains("path")) continue;
      if (auto label = claim_label(entry.display, claim["path"])) labels.push_back({{"path", claim["path"]}, {"label", *label}});
    }
  }
  summary["claim_labels"] = std::move(labels);
  return summary;
}

Status WalletService::delete_credential(std::string_view credential_id) {
  VEIL_CHECK(require_unlocked());
  return store_.delete_credential(credential_id);
}

// --- Requests -----------------------------------------------------------------------------------------------

Result<Json> WalletService::receive_request(std::string_view link) {
  VEIL_CHECK(require_unlocked());
  VEIL_TRY(auto parsed, parse_authorization_request_link(link));
  VEIL_TRY(auto request, resolve_authorization_request(parsed, http_, options_.request_policy, clock_));
  VEIL_TRY(auto stored, store_.list_credentials());
  std::vector<HolderCredential> holder;
  for (const auto& credential : stored) {
    VEIL_TRY(auto claims, store_.credential_claims(credential.id));
    // Every stored copy carries a cnf key whose private part the wallet holds (issuance checked it).
    holder.push_back({credential.id, credential.vct, std::move(claims), true});
  }
  ConsentPlan plan = make_consent_plan(request, holder);
  VEIL_CHECK(require_satisfiable(plan));
  VEIL_TRY(auto automatic, standing_.claim_automatic_approval(plan, request.client_id));
  const std::int64_t now = clock_.now();
  // A request waits for the holder until the wallet's own limit or the verifier's deadline, whichever is first.
  std::int64_t expires_at = now + options_.request_ttl_seconds;
  if (request.expires_at) expires_at = std::min(expires_at, *request.expires_at);
  PendingRequest pending{new_id(), std::move(request), std::move(plan), now, expires_at};
  VEIL_TRY(auto answer, request_json(pending));
  std::unique_lock lock(mutex_);
  purge_expired_locked(now);
  if (requests_.size() >= options_.max_pending) {
    auto oldest = std::min_element(requests_.begin(), requests_.end(), [](const auto& a, const auto& b) {
      return a.second.created_at < b.second.created_at;
    });
    answered_[oldest->first] = now + options_.request_ttl_seconds;
    requests_.erase(oldest);
  }
  const std::string id = pending.id;
  requests_.emplace(id, std::move(pending));
  if (!automatic) {
    answer["status"] = "pending";
    return answer;
  }
  lock.unlock();
  VEIL_TRY(auto shared, approve_pending(id, automatic->approval, automatic->rule_by_credential));
  Json rule_ids = Json::array();
  for (const auto& [credential_id, rule_id] : automatic->rule_by_credential) rule_ids.push_back(rule_id);
  return Json{{"id", id}, {"status", "shared_by_rule"}, {"rule_ids", std::move(rule_ids)}, {"result", std::move(shared)}};
}

Result<Json> WalletService::request_json(const PendingRequest& pending) {
  const AuthorizationRequest& request = pending.request;
  Json queries = Json::array();
  for (const auto& query : pending.plan.credential_queries) {
    if (query.requirement == DcqlRequirement::not_needed || query.candidates.empty()) continue;
    Json options = Json::array();
    for (const auto& candidate : query.candidates) {
      VEIL_TRY(auto entry, store_.find_credential(candidate.credential_id));
      Json claims = Json::array();
      for (const auto& path : candidate.required_claims) {
        claims.push_back({{"path", path.to_json()}, {"label", label_or_path(entry.display, path)}, {"required", true}});
      }
      for (const auto& path : candidate.optional_claims) {
        claims.push_back({{"path", path.to_json()}, {"label", label_or_path(entry.display, path)}, {"required", false}});
      }
      const std::string name = string_member(entry.display, "name");
      const std::string issuer_name = string_member(entry.display, "issuer_name");
      options.push_back({{"credential_id", entry.id},
                         {"name", name.empty() ? entry.vct : name},
                         {"vct", entry.vct},
                         {"issuer", entry.issuer},
                         {"issuer_name", issuer_name.empty() ? host_of(entry.issuer) : issuer_name},
                         {"copies_left", entry.unused_copies},
                         {"copies_total", entry.copies},
                         {"claims", std::move(claims)}});
    }
    queries.push_back({{"id", query.id},
                       {"required", query.requirement == DcqlRequirement::required},
                       {"multiple", query.multiple},
                       {"options", std::move(options)}});
  }
  return Json{{"id", pending.id},
              {"created_at", pending.created_at},
              {"expires_at", pending.expires_at},
              {"verifier",
               {{"client_id", request.client_id},
                {"prefix", std::string(client_id_prefix_name(request.client_id_prefix))},
                {"prefix_explained", prefix_explained(request)},
                {"host", request.verifier_name.empty() ? host_of(request.response_uri) : request.verifier_name},
                {"response_uri", request.response_uri},
                {"signed", request.signed_request}}},
              {"satisfiable", pending.plan.satisfiable},
              {"queries", std::move(queries)},
              {"plan", pending.plan.to_json()}};
}

Result<Json> WalletService::list_requests() {
  VEIL_CHECK(require_unlocked());
  std::vector<PendingRequest> pending;
  {
    std::lock_guard lock(mutex_);
    purge_expired_locked(clock_.now());
    for (const auto& [id, entry] : requests_) pending.push_back(entry);
  }
  std::sort(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  Json list = Json::array();
  for (const auto& entry : pending) {
    VEIL_TRY(auto json, request_json(entry));
    list.push_back(std::move(json));
  }
  return Json{{"requests", std::move(list)}};
}

Result<Json> WalletService::request(std::string_view request_id) {
  VEIL_CHECK(require_unlocked());
  std::optional<PendingRequest> pending;
  {
    std::lock_guard lock(mutex_);
    purge_expired_locked(clock_.now());
    auto it = requests_.find(request_id);
    if (it == requests_.end()) {
      if (answered_.contains(request_id)) {
        return fail(ErrorCode::request_already_answered, "this request was already answered or has expired");
      }
      return fail(ErrorCode::not_found, "no pending request has this id");
    }
    pending = it->second;
  }
  return request_json(*pending);
}

Result<Json> WalletService::approve(std::string_view request_id, const Json& body) {
  VEIL_CHECK(require_unlocked());
  VEIL_TRY(auto approval, approval_from_json(body));
  const Json remember = body.value("remember", Json());
  if (!remember.is_null() && (!remember.is_object() || !remember.contains("expires_at") || !remember.contains("max_per_day") || remember.size() != 2)) {
    return fail(ErrorCode::invalid_argument, "remember must be {\"expires_at\", \"max_per_day\"}");
  }
  if (!remember.is_null()) {
    // Check the rule's terms before anything is shared, so that a mistyped date refuses the approval whole.
    Json trial = remember;
    trial["verifier_client_id"] = "-";
    trial["credential_id"] = "-";
    trial["claims"] = Json::array({Json::array({"-"})});
    VEIL_TRY(auto checked, parse_consent_rule(trial, clock_.now()));
    (void)checked;
  }
  std::optional<AuthorizationRequest> request;
  {
    std::lock_guard lock(mutex_);
    if (auto it = requests_.find(request_id); it != requests_.end()) request = it->second.request;
  }
  VEIL_TRY(auto shared, approve_pending(request_id, approval, {}));
  if (!remember.is_null() && request) {
    // The presentation has left already; a rule that cannot be stored is reported as a warning, not a failure.
    if (auto remembered = remember_as_rules(*request, shared, remember); !remembered) {
      shared["warnings"].push_back("The standing rule was not saved: " + remembered.error().message);
    } else {
      shared["remembered"] = true;
    }
  }
  return shared;
}

Status WalletService::remember_as_rules(const AuthorizationRequest& request, const Json& shared, const Json& remember) {
  for (const auto& disclosed : shared["disclosed"]) {
    Json rule = remember;
    rule["verifier_client_id"] = request.client_id;
    rule["credential_id"] = disclosed["credential_id"];
    rule["claims"] = disclosed["paths"];
    if (rule["claims"].empty()) continue;
    VEIL_TRY(auto added, standing_.add_rule(rule));
    (void)added;
  }
  return {};
}

Result<Json> WalletService::approve_pending(std::string_view request_id, const Approval& approval,
                                            const std::map<std::string, std::string, std::less<>>& rule_by_credential) {
  std::optional<PendingRequest> pending;
  std::vector<ApprovedDisclosure> disclosures;
  {
    std::lock_guard lock(mutex_);
    const std::int64_t now = clock_.now();
    purge_expired_locked(now);
    auto it = requests_.find(request_id);
    if (it == requests_.end()) {
      if (answered_.contains(request_id)) {
        return fail(ErrorCode::request_already_answered, "this request was already answered or has expired");
      }
      return fail(ErrorCode::not_found, "no pending request has this id");
    }
    // A malformed approval leaves the request pending: the holder may correct the choice.
    VEIL_TRY(auto approved, apply_approval(it->second.plan, approval));
    disclosures = std::move(approved);
    pending = std::move(it->second);
    requests_.erase(it);
    answered_[std::string(request_id)] = now + options_.request_ttl_seconds;
  }
  const AuthorizationRequest& request = pending->request;

  // One copy per credential that no other verifier has seen (unlinkability), chosen and recorded atomically.
  std::vector<PresentationInput> inputs;
  Json warnings = Json::array();
  Json copies = Json::array();
  std::map<std::string, StoredCredential> entries;
  for (const auto& disclosure : disclosures) {
    VEIL_TRY(auto taken, store_.take_copy_for_verifier(disclosure.credential_id, request.client_id));
    VEIL_TRY(auto entry, store_.find_credential(disclosure.credential_id));
    const std::string name = string_member(entry.display, "name").empty() ? entry.vct : string_member(entry.display, "name");
    if (taken.exhausted) {
      warnings.push_back("Every copy of " + name + " had already been shown to another verifier: " +
                         "this verifier and an earlier one can tell that both presentations came from the same "
                         "credential. Ask the issuer for a new one.");
    } else if (entry.unused_copies == 0 && !taken.same_verifier_again) {
      warnings.push_back("That was the last unused copy of " + name +
                         ". Sharing it with another verifier will let the two link your presentations; ask the "
                         "issuer for a new one.");
    }
    copies.push_back({{"credential_id", entry.id}, {"copies_left", entry.unused_copies}, {"exhausted", taken.exhausted}});
    entries.emplace(entry.id, entry);
    inputs.push_back({disclosure, std::move(taken.copy)});
  }
  VEIL_TRY(auto vp_token, build_vp_token(request, inputs, clock_));

  // The history is the holder's record of what left the wallet, so each entry is written (as unconfirmed) before
  // anything is sent: a wallet killed in between still shows the disclosure. Nothing is sent without a record.
  Json disclosed = Json::array();
  std::vector<std::int64_t> history_ids;
  const std::int64_t now = clock_.now();
  for (const auto& presentation : vp_token.presentations) {
    const StoredCredential& entry = entries.at(presentation.credential_id);
    DisclosureRecord record;
    record.verifier_client_id = request.client_id;
    record.time = now;
    record.credential_id = entry.id;
    record.vct = entry.vct;
    for (const auto& path : presentation.disclosed_paths) record.claim_paths.push_back(path.to_json());
    record.outcome = DisclosureOutcome::unconfirmed;
    if (auto rule = rule_by_credential.find(entry.id); rule != rule_by_credential.end()) record.rule_id = rule->second;
    VEIL_TRY(auto id, store_.record_disclosure(record));
    history_ids.push_back(id);
    Json labels = Json::array();
    for (const auto& path : presentation.disclosed_paths) labels.push_back(label_or_path(entry.display, path));
    const std::string name = string_member(entry.display, "name");
    disclosed.push_back({{"query_id", presentation.credential_query_id},
                         {"credential_id", entry.id},
                         {"credential_name", name.empty() ? entry.vct : name},
                         {"vct", entry.vct},
                         {"claims", std::move(labels)},
                         {"paths", path_list(presentation.disclosed_paths)}});
  }

  auto answer = post_vp_token(request, vp_token, http_);
  DisclosureOutcome outcome = DisclosureOutcome::accepted;
  if (!answer) {
    outcome = answer.error().code == ErrorCode::unexpected_http_status ? DisclosureOutcome::rejected
                                                                       : DisclosureOutcome::failed;
  }
  for (const std::int64_t id : history_ids) {
    // The presentation has been sent already: a failure to note the outcome is reported, the entry stays
    // "unconfirmed".
    if (auto noted = store_.set_disclosure_outcome(id, outcome); !noted && answer) return tl::unexpected(noted.error());
  }
  if (!answer) return tl::unexpected(answer.error());
  Json result{{"status", "shared"}, {"disclosed", std::move(disclosed)}, {"warnings", std::move(warnings)},
              {"copies", std::move(copies)}};
  if (answer->redirect_uri) result["redirect_uri"] = *answer->redirect_uri;
  return result;
}

Result<Json> WalletService::decline(std::string_view request_id) {
  VEIL_CHECK(require_unlocked());
  std::optional<PendingRequest> pending;
  {
    std::lock_guard lock(mutex_);
    const std::int64_t now = clock_.now();
    purge_expired_locked(now);
    auto it = requests_.find(request_id);
    if (it == requests_.end()) {
      if (answered_.contains(request_id)) {
        return fail(ErrorCode::request_already_answered, "this request was already answered or has expired");
      }
      return fail(ErrorCode::not_found, "no pending request has this id");
    }
    pending = std::move(it->second);
    requests_.erase(it);
    answered_[std::string(request_id)] = now + options_.request_ttl_seconds;
  }
  // OpenID4VP 1.0 §8.5: tell the verifier; it may be unreachable, which does not undo the decline.
  const bool notified =
      post_error_response(pending->request, "access_denied", "the holder declined the request", http_).has_value();
  DisclosureRecord record;
  record.verifier_client_id = pending->request.client_id;
  record.time = clock_.now();
  record.outcome = DisclosureOutcome::declined;
  VEIL_TRY(auto id, store_.record_disclosure(record));
  (void)id;
  return Json{{"status", "declined"}, {"verifier_notified", notified}};
}

// --- History ------------------------------------------------------------------------------------------------

Result<Json> WalletService::history() {
  VEIL_CHECK(require_unlocked());
  VEIL_TRY(auto records, store_.list_history());
  VEIL_TRY(auto credentials, store_.list_credentials());
  std::map<std::string, std::string, std::less<>> names;
  for (const auto& credential : credentials) {
    const std::string name = string_member(credential.display, "name");
    names[credential.id] = name.empty() ? credential.vct : name;
  }
  Json entries = Json::array();
  for (const auto& record : records) {
    Json claims = Json::array();
    for (const auto& path : record.claim_paths) claims.push_back(path);
    auto name = names.find(record.credential_id);
    entries.push_back({{"id", record.id},
                       {"time", record.time},
                       {"verifier", record.verifier_client_id},
                       {"credential_id", record.credential_id},
                       {"credential_name", name != names.end() ? name->second : record.vct},
                       {"vct", record.vct},
                       {"claims", std::move(claims)},
                       {"outcome", std::string(disclosure_outcome_name(record.outcome))},
                       {"automatic", !record.rule_id.empty()},
                       {"rule_id", record.rule_id.empty() ? Json() : Json(record.rule_id)}});
  }
  return Json{{"entries", std::move(entries)}};
}

Result<Json> WalletService::export_history() {
  VEIL_TRY(auto json, history());
  json["format"] = "veil-wallet-history";
  json["version"] = 1;
  json["exported_at"] = clock_.now();
  return json;
}

}  // namespace veil::wallet
