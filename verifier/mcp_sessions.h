// McpSessions: the MCP sessions of the verifier's /mcp endpoint (MCP 2025-11-25 Streamable HTTP "Session
// Management"): created by initialize, named by an unguessable Mcp-Session-Id, bound to one relying party.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "veil/clock.h"

namespace veil::verifier {

/// kMcpMaxSessionsPerRelyingParty bounds the sessions one relying party holds at once: a new one beyond it ends
/// that relying party's least recently used session (never another party's).
inline constexpr std::size_t kMcpMaxSessionsPerRelyingParty = 64;

/// kMcpSessionIdleSeconds is how long an unused session lives; afterwards its id answers 404 and the client
/// starts a new session with initialize.
inline constexpr std::int64_t kMcpSessionIdleSeconds = 3600;

/// McpSession is what the server remembers of one session.
struct McpSession {
  std::string relying_party;
  std::string protocol_version;  // negotiated in initialize
  bool initialized = false;      // notifications/initialized arrived
  std::int64_t last_used = 0;
};

/// McpSessions holds the live sessions in memory (a restart ends them all; clients re-initialize on 404).
/// Thread-safe. Sessions are stored under the SHA-256 of their id, so a lookup's timing tells nothing of the id.
class McpSessions {
 public:
  explicit McpSessions(const Clock& clock) : clock_(clock) {}

  /// create starts a session for |relying_party| with |protocol_version| and returns its id: 256 random bits,
  /// base64url (visible ASCII, as the transport requires).
  std::string create(std::string relying_party, std::string protocol_version);

  /// find returns the session named |id| when it exists, is not idle past kMcpSessionIdleSeconds and belongs to
  /// |relying_party|, and marks it used; nullopt otherwise (a foreign session reads as absent).
  std::optional<McpSession> find(std::string_view id, std::string_view relying_party);

  /// mark_initialized records notifications/initialized for the session; false when find would not find it.
  bool mark_initialized(std::string_view id, std::string_view relying_party);

  /// end removes the session (DELETE /mcp); false when find would not find it.
  bool end(std::string_view id, std::string_view relying_party);

  /// size counts the sessions held, idle ones included until they are swept.
  std::size_t size() const;

 private:
  using Map = std::map<std::string, McpSession, std::less<>>;
  Map::iterator locate(std::string_view id, std::string_view relying_party);  // with mutex_ held
  void sweep(std::int64_t now);                                               // with mutex_ held

  const Clock& clock_;
  mutable std::mutex mutex_;
  Map sessions_;  // key: base64url SHA-256 of the session id
};

}  // namespace veil::verifier
