#include "verifier/mcp_sessions.h"

#include <vector>

#include "veil/base64url.h"
#include "veil/hash.h"
#include "veil/secret_bytes.h"

namespace veil::verifier {
namespace {

std::string key_of(std::string_view id) { return hash_base64url(HashAlg::sha_256, id); }

}  // namespace

std::string McpSessions::create(std::string relying_party, std::string protocol_version) {
  // Transport §Session Management: globally unique and cryptographically secure.
  std::string id = base64url_encode(SecretBytes::random(32).reveal());
  const std::int64_t now = clock_.now();
  std::lock_guard lock(mutex_);
  sweep(now);
  std::size_t held = 0;
  auto oldest = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.relying_party != relying_party) continue;
    ++held;
    if (oldest == sessions_.end() || it->second.last_used < oldest->second.last_used) oldest = it;
  }
  if (held >= kMcpMaxSessionsPerRelyingParty && oldest != sessions_.end()) sessions_.erase(oldest);
  sessions_[key_of(id)] = McpSession{std::move(relying_party), std::move(protocol_version), false, now};
  return id;
}

McpSessions::Map::iterator McpSessions::locate(std::string_view id, std::string_view relying_party) {
  auto it = sessions_.find(key_of(id));
  if (it == sessions_.end()) return it;
  if (it->second.last_used + kMcpSessionIdleSeconds <= clock_.now()) {
    sessions_.erase(it);
    return sessions_.end();
  }
  return it->second.relying_party == relying_party ? it : sessions_.end();
}

std::optional<McpSession> McpSessions::find(std::string_view id, std::string_view relying_party) {
  std::lock_guard lock(mutex_);
  auto it = locate(id, relying_party);
  if (it == sessions_.end()) return std::nullopt;
  it->second.last_used = clock_.now();
  return it->second;
}

bool McpSessions::mark_initialized(std::string_view id, std::string_view relying_party) {
  std::lock_guard lock(mutex_);
  auto it = locate(id, relying_party);
  if (it == sessions_.end()) return false;
  it->second.initialized = true;
  it->second.last_used = clock_.now();
  return true;
}

bool McpSessions::end(std::string_view id, std::string_view relying_party) {
  std::lock_guard lock(mutex_);
  auto it = locate(id, relying_party);
  if (it == sessions_.end()) return false;
  sessions_.erase(it);
  return true;
}

std::size_t McpSessions::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void McpSessions::sweep(std::int64_t now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.last_used + kMcpSessionIdleSeconds <= now ? sessions_.erase(it) : std::next(it);
  }
}

}  // namespace veil::verifier
