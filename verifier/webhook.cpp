#include "verifier/webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <signal.h>

#include <array>

namespace veil::verifier {
namespace {

std::string hex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0f]);
  }
  return out;
}

}  // namespace

std::string webhook_signature(std::string_view key, std::int64_t timestamp, std::string_view body) {
  const std::string signed_text = std::to_string(timestamp) + "." + std::string(body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(signed_text.data()),
       signed_text.size(), mac.data(), &length);
  return "t=" + std::to_string(timestamp) + ",v1=" + hex(std::span<const unsigned char>(mac.data(), length));
}

WebhookSender::WebhookSender(const Clock& clock, WebhookOptions options, std::function<void(bool)> on_outcome)
    : clock_(clock), options_(options), on_outcome_(std::move(on_outcome)), client_(options.fetch) {
  worker_ = std::thread([this] { run(); });
}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

bool WebhookSender::enqueue(std::string url, std::string key, Json body) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_queue) {
      ++dropped_;
      return false;
    }
    queue_.push_back(Delivery{std::move(url), std::move(key), body.dump()});
  }
  wake_.notify_one();
  return true;
}

bool WebhookSender::deliver(const Delivery& delivery) {
  const std::string signature = webhook_signature(delivery.key, clock_.now(), delivery.body);
  auto answer = client_.post(delivery.url, "application/json", delivery.body, {{kWebhookSignatureHeader, signature}});
  return answer && answer->status >= 200 && answer->status < 300;
}

void WebhookSender::run() {
  // serve_until_signal waits for SIGTERM/SIGINT with sigwait: this thread must never take them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  static constexpr std::array<std::chrono::seconds, 2> kBackoff = {std::chrono::seconds(1), std::chrono::seconds(5)};
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Delivery delivery = std::move(queue_.front());
    queue_.pop_front();
    bool ok = false;
    for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
      if (attempt > 0) {
        const auto pause = kBackoff[std::min<std::size_t>(static_cast<std::size_t>(attempt - 1), kBackoff.size() - 1)];
        if (wake_.wait_for(lock, pause, [this] { return stopping_; })) return;
      }
      lock.unlock();
      ok = deliver(delivery);
      lock.lock();
      if (ok || stopping_) break;
    }
    ++(ok ? delivered_ : failed_);
    if (on_outcome_) {
      lock.unlock();
      on_outcome_(ok);
      lock.lock();
    }
  }
}

}  // namespace veil::verifier
