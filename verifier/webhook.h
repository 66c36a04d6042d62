// Webhook: tells a relying party that one of its presentation requests completed, by an HMAC-signed POST to the
// URL it gave, from a background thread so that the wallet's response never waits for the relying party.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "veil/clock.h"
#include "veil/json.h"
#include "veil/platform/http_client.h"

namespace veil::verifier {

/// kWebhookSignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>": the relying
/// party recomputes it over the raw body with its key, compares in constant time and refuses an old t (replay).
inline constexpr char kWebhookSignatureHeader[] = "Veil-Signature";

/// webhook_signature returns the Veil-Signature value for |body| sent at |timestamp| under |key|.
std::string webhook_signature(std::string_view key, std::int64_t timestamp, std::string_view body);

/// WebhookOptions bound delivery.
struct WebhookOptions {
  /// How the POST is made: https only unless allow_loopback_http; short timeout, small answer.
  platform::FetchPolicy fetch{false, std::chrono::milliseconds(5000), 16 * 1024};
  std::size_t max_queue = 1000;  // deliveries waiting beyond this are dropped (and counted)
  int max_attempts = 3;          // a non-2xx answer or a network failure is retried after 1 s, then 5 s
};

/// WebhookSender delivers webhooks on one background thread, in order, each at most max_attempts times. The body
/// is {"event": "presentation_request.completed", "id", "status", "completed_at"}: no claims — the relying party
/// fetches those with its API key. Thread-safe. The destructor stops the thread; undelivered webhooks are dropped.
class WebhookSender {
 public:
  /// |clock| dates the signatures and must outlive the sender. |on_outcome|, when given, is called on the sender's
  /// thread after each delivery ends (true: 2xx) — for metrics and tests.
  WebhookSender(const Clock& clock, WebhookOptions options, std::function<void(bool delivered)> on_outcome = {});
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  /// enqueue schedules one delivery of |body| to |url| signed with |key|; false when the queue is full.
  bool enqueue(std::string url, std::string key, Json body);

  /// delivered / failed / dropped count the outcomes so far.
  std::size_t delivered() const { return delivered_.load(); }
  std::size_t failed() const { return failed_.load(); }
  std::size_t dropped() const { return dropped_.load(); }

 private:
  struct Delivery {
    std::string url;
    std::string key;
    std::string body;
  };
  void run();
  bool deliver(const Delivery& delivery);

  const Clock& clock_;
  WebhookOptions options_;
  std::function<void(bool)> on_outcome_;
  platform::HttpClient client_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Delivery> queue_;
  bool stopping_ = false;
  std::atomic<std::size_t> delivered_{0};
  std::atomic<std::size_t> failed_{0};
  std::atomic<std::size_t> dropped_{0};
  std::thread worker_;
};

}  // namespace veil::verifier
