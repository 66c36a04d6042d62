#include "wallet/ui_session.h"

#include <algorithm>

#include "veil/base64url.h"
#include "veil/platform/http_request.h"
#include "veil/secret_bytes.h"

namespace veil::wallet {

UiSessions::UiSessions(const Clock& clock, UiSessionOptions options) : clock_(clock), options_(options) {}

std::string UiSessions::new_secret() { return base64url_encode(SecretBytes::random(32).reveal()); }

void UiSessions::purge(std::vector<Entry>& entries, std::int64_t now) {
  std::erase_if(entries, [now](const Entry& entry) { return entry.expires_at <= now; });
}

std::optional<std::size_t> UiSessions::find(const std::vector<Entry>& entries, std::string_view secret) const {
  std::optional<std::size_t> found;
  // No early exit: the time taken does not tell which entry (or whether a prefix) matched.
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (platform::constant_time_equals(entries[i].secret, secret)) found = i;
  }
  return found;
}

std::string UiSessions::issue_login_code() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.now();
  purge(codes_, now);
  if (codes_.size() >= options_.max_login_codes) codes_.erase(codes_.begin());
  codes_.push_back({new_secret(), now + options_.login_code_ttl_seconds});
  return codes_.back().secret;
}

std::optional<std::string> UiSessions::redeem_login_code(std::string_view code) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.now();
  purge(codes_, now);
  auto index = find(codes_, code);
  if (!index) return std::nullopt;
  codes_.erase(codes_.begin() + static_cast<std::ptrdiff_t>(*index));  // single use
  purge(sessions_, now);
  if (sessions_.size() >= options_.max_sessions) sessions_.erase(sessions_.begin());
  sessions_.push_back({new_secret(), now + options_.session_ttl_seconds});
  return sessions_.back().secret;
}

std::string UiSessions::open_session() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.now();
  purge(sessions_, now);
  if (sessions_.size() >= options_.max_sessions) sessions_.erase(sessions_.begin());
  sessions_.push_back({new_secret(), now + options_.session_ttl_seconds});
  return sessions_.back().secret;
}

bool UiSessions::is_valid_session(std::string_view token) {
  std::lock_guard lock(mutex_);
  purge(sessions_, clock_.now());
  return find(sessions_, token).has_value();
}

void UiSessions::end_session(std::string_view token) {
  std::lock_guard lock(mutex_);
  if (auto index = find(sessions_, token)) sessions_.erase(sessions_.begin() + static_cast<std::ptrdiff_t>(*index));
}

}  // namespace veil::wallet
