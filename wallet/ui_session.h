// UiSessions: how the wallet's web UI gets its bearer token without a foreign web page being able to get one
// (ATTACKS.md "The local wallet": consent-bearing actions need a step the API caller cannot forge, and no ambient
// authority).
//
//  1. `veil-wallet serve` prints a link http://127.0.0.1:PORT/#login=<one-time code>. The code is in the URL
//     fragment, which browsers never send over the network or in a Referer; it reaches only the holder's terminal
//     and the page the holder opens.
//  2. The page trades the code for a session token: POST /api/session {"code": ...} with Content-Type
//     application/json (a cross-site page cannot send that without a CORS preflight, which the wallet never
//     grants) from the wallet's own origin (Host and Origin guards). The code works once and expires.
//  3. The page keeps the session token in sessionStorage and sends it as "Authorization: Bearer". It is never a
//     cookie, so no other site can make the browser attach it: CSRF has nothing to ride on.
// A holder who lost the link signs in with the per-install api-token instead (POST /api/session with it as the
// bearer). Sessions live in memory only: a restart of the wallet ends them all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/clock.h"

namespace veil::wallet {

/// UiSessionOptions bound the lifetime and number of login codes and sessions.
struct UiSessionOptions {
  std::int64_t login_code_ttl_seconds = 15 * 60;
  std::int64_t session_ttl_seconds = 12 * 60 * 60;
  std::size_t max_login_codes = 16;  // oldest dropped beyond this
  std::size_t max_sessions = 32;     // oldest ended beyond this
};

/// UiSessions keeps the one-time login codes and the session tokens of the web UI, in memory. Codes and tokens
/// are 256-bit random base64url strings, compared in constant time. Safe to use from several threads.
class UiSessions {
 public:
  UiSessions(const Clock& clock, UiSessionOptions options = {});

  /// issue_login_code returns a new one-time login code, valid for login_code_ttl_seconds.
  std::string issue_login_code();

  /// redeem_login_code opens a session for |code| and returns its token; the code is spent. nullopt when the
  /// code is unknown, already used or expired.
  std::optional<std::string> redeem_login_code(std::string_view code);

  /// open_session returns a new session token (after the caller proved the api-token).
  std::string open_session();

  /// is_valid_session tells whether |token| is a live session token.
  [[nodiscard]] bool is_valid_session(std::string_view token);

  /// end_session ends the session |token| (nothing happens for an unknown token).
  void end_session(std::string_view token);

 private:
  struct Entry {
    std::string secret;
    std::int64_t expires_at;
  };
  static std::string new_secret();
  void purge(std::vector<Entry>& entries, std::int64_t now);
  // find returns the index of the live entry equal to |secret|, comparing every entry in constant time.
  std::optional<std::size_t> find(const std::vector<Entry>& entries, std::string_view secret) const;

  const Clock& clock_;
  UiSessionOptions options_;
  std::mutex mutex_;
  std::vector<Entry> codes_;
  std::vector<Entry> sessions_;
};

}  // namespace veil::wallet
