// VerifierApp: one running verifier — settings, trust file, status checker, presentation verifier, relying
// parties, request-signing certificate, transaction store, webhooks, metrics and log opened from the data
// directory — and the TransactionsContext its endpoints share.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/platform/json_log.h"
#include "veil/platform/metrics.h"
#include "verifier/presentation_transactions.h"
#include "verifier/presentation_verifier.h"
#include "verifier/relying_parties.h"
#include "verifier/request_signing.h"
#include "verifier/status_checker.h"
#include "verifier/transaction_store.h"
#include "verifier/trusted_issuers.h"
#include "verifier/verifier_config.h"
#include "verifier/webhook.h"

namespace veil::verifier {

/// kRequestSigningKeyFile and kRequestSigningCertFile name the request-signing key and self-signed certificate
/// the verifier creates in its data directory when --cert/--cert-key are not given.
inline constexpr char kRequestSigningKeyFile[] = "request-signing-key.pem";
inline constexpr char kRequestSigningCertFile[] = "request-signing-cert.pem";

class VerifierApp {
 public:
  /// open prepares a verifier from |config| (public_url must be set: serve fills in http://HOST:PORT after
  /// binding). On first start it creates <data_dir> (0700) with verifier.db, api-keys.json (0600, relying party
  /// "default"), trust.json ({"issuers": []}, only when --trust is not given) and the request-signing key and
  /// certificate (unless --cert/--cert-key are given). Log lines go to |log| (must outlive the app). Fails with
  /// invalid_config, io_error, storage_error, unsupported_storage_version and the trust file's errors, each
  /// naming the file.
  static Result<std::unique_ptr<VerifierApp>> open(VerifierConfig config, const Clock& clock, std::ostream& log);

  ~VerifierApp();
  VerifierApp(const VerifierApp&) = delete;
  VerifierApp& operator=(const VerifierApp&) = delete;

  TransactionsContext transactions() {
    return TransactionsContext{config_, public_url_, *signing_,        *store_,   *verifier_, clock_,
                               *relying_parties_, issuers_.get(), webhooks_.get(), &log_,    &metrics_};
  }
  const VerifierConfig& config() const { return config_; }
  /// public_url is the configured base URL without a trailing slash.
  const std::string& public_url() const { return public_url_; }
  const RequestSigning& signing() const { return *signing_; }
  TransactionStore& store() { return *store_; }
  const PresentationVerifier& verifier() const { return *verifier_; }
  const TrustedIssuers& trusted_issuers() const { return *issuers_; }
  const StatusChecker& status_checker() const { return *status_; }
  const RelyingParties& relying_parties() const { return *relying_parties_; }
  WebhookSender& webhooks() { return *webhooks_; }
  platform::Metrics& metrics() { return metrics_; }
  const platform::JsonLogger& log() const { return log_; }
  const Clock& clock() const { return clock_; }
  /// started_at is when the app opened (for /health uptime).
  std::int64_t started_at() const { return started_at_; }

  /// purge_if_due deletes results past the retention period and expired requests at most once a minute; the
  /// routes that create or complete transactions call it, so a flood cannot pile up rows (ATTACKS H12).
  void purge_if_due();

 private:
  VerifierApp(VerifierConfig config, const Clock& clock, std::ostream& log);

  VerifierConfig config_;
  std::string public_url_;
  const Clock& clock_;
  platform::JsonLogger log_;
  platform::Metrics metrics_;
  std::unique_ptr<TrustedIssuers> issuers_;
  std::unique_ptr<StatusChecker> status_;
  std::unique_ptr<PresentationVerifier> verifier_;
  std::unique_ptr<RelyingParties> relying_parties_;
  std::unique_ptr<RequestSigning> signing_;
  std::unique_ptr<TransactionStore> store_;
  std::unique_ptr<WebhookSender> webhooks_;
  std::int64_t started_at_ = 0;
  std::atomic<std::int64_t> last_purge_{0};
};

}  // namespace veil::verifier
