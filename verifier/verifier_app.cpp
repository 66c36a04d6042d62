#include "verifier/verifier_app.h"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "veil/platform/files.h"
#include "verifier/sqlite_transaction_store.h"
#include "verifier/verify_endpoint.h"

namespace veil::verifier {
namespace {

template <class T>
Result<T> named(Result<T> result, const std::string& what) {
  if (!result) return fail(result.error().code, what + ": " + result.error().message);
  return result;
}

bool exists(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0;
}

}  // namespace

VerifierApp::VerifierApp(VerifierConfig config, const Clock& clock, std::ostream& log)
    : config_(std::move(config)), clock_(clock), log_(log) {}

VerifierApp::~VerifierApp() = default;

Result<std::unique_ptr<VerifierApp>> VerifierApp::open(VerifierConfig config, const Clock& clock, std::ostream& log) {
  VEIL_CHECK(check_config(config));
  if (config.public_url.empty()) return fail(ErrorCode::invalid_config, "public_url is not set");
  VEIL_CHECK(platform::make_private_data_dir(config.data_dir));
  std::unique_ptr<VerifierApp> app(new VerifierApp(std::move(config), clock, log));
  const VerifierConfig& settings = app->config_;
  app->public_url_ = settings.public_url;
  if (app->public_url_.ends_with('/')) app->public_url_.pop_back();
  app->started_at_ = clock.now();
  register_verifier_metrics(app->metrics_);

  // Trust: an explicit --trust file must exist; the default one starts empty (no issuer is trusted by default).
  const std::string trust_file = settings.trust_file.empty() ? settings.data_dir + "/trust.json" : settings.trust_file;
  if (settings.trust_file.empty() && !exists(trust_file)) {
    VEIL_CHECK(platform::write_new_secret_file(trust_file, "{\"issuers\": []}\n"));
  }
  VEIL_TRY(const Json trust, named(platform::read_json_input(trust_file), trust_file));
  TrustedIssuersOptions trust_options;
  trust_options.fetch.allow_loopback_http = settings.allow_loopback_http;
  VEIL_TRY(app->issuers_, named(TrustedIssuers::create(trust, clock, trust_options), trust_file));

  StatusCheckerOptions status_options;
  status_options.fetch.allow_loopback_http = settings.allow_loopback_http;
  status_options.token_policy.max_clock_skew_seconds = settings.max_clock_skew_seconds;
  app->status_ = std::make_unique<StatusChecker>(*app->issuers_, clock, status_options);

  PresentationVerifierOptions verifier_options;
  verifier_options.max_clock_skew_seconds = settings.max_clock_skew_seconds;
  verifier_options.kb_max_age_seconds = settings.kb_max_age_seconds;
  app->verifier_ =
      std::make_unique<PresentationVerifier>(*app->issuers_, app->status_.get(), clock, verifier_options, &app->metrics_);

  const std::string api_keys_file =
      settings.api_keys_file.empty() ? settings.data_dir + "/api-keys.json" : settings.api_keys_file;
  VEIL_TRY(auto parties, RelyingParties::load_or_create(api_keys_file));
  app->relying_parties_ = std::make_unique<RelyingParties>(std::move(parties));

  std::string cert_file = settings.cert_file;
  std::string key_file = settings.cert_key_file;
  const std::string host = public_url_host(app->public_url_);
  if (cert_file.empty()) {
    cert_file = settings.data_dir + "/" + kRequestSigningCertFile;
    key_file = settings.data_dir + "/" + kRequestSigningKeyFile;
    if (!exists(cert_file) && !exists(key_file)) {
      VEIL_CHECK(named(create_self_signed_certificate(key_file, cert_file, host), "request-signing certificate"));
    }
  }
  VEIL_TRY(app->signing_, RequestSigning::load(cert_file, key_file, host, settings.client_id_prefix));

  VEIL_TRY(app->store_, named(SqliteTransactionStore::open(settings.data_dir + "/verifier.db"), "verifier.db"));

  WebhookOptions webhook_options;
  webhook_options.fetch.allow_loopback_http = settings.allow_loopback_http;
  platform::Metrics* metrics = &app->metrics_;
  app->webhooks_ = std::make_unique<WebhookSender>(clock, webhook_options, [metrics](bool delivered) {
    metrics->counter("veil_webhooks_total", {{"outcome", delivered ? "delivered" : "failed"}}).increment();
  });
  return app;
}

void VerifierApp::purge_if_due() {
  constexpr std::int64_t kPurgeIntervalSeconds = 60;
  const std::int64_t now = clock_.now();
  std::int64_t last = last_purge_.load();
  if (now - last < kPurgeIntervalSeconds || !last_purge_.compare_exchange_strong(last, now)) return;
  // A failed purge is retried at the next interval; results past retention are refused on read either way.
  auto purged = purge_transactions(transactions());
  if (purged && purged->completed + purged->expired > 0) {
    log_.info("transactions_purged", {{"completed", purged->completed}, {"expired", purged->expired}});
  }
}

}  // namespace veil::verifier
