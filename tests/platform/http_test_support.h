// Test helpers for HTTP servers: a server running on 127.0.0.1 port 0 for the length of a test, and raw TCP
// connections for requests httplib::Client cannot send (chunked bodies, oversized heads, trickling bytes).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>

#include <httplib.h>

#include "veil/platform/http_server.h"

namespace veil::test {

/// RunningServer binds |server| to 127.0.0.1 port 0 and runs it on a background thread; the destructor stops
/// and joins it.
class RunningServer {
 public:
  explicit RunningServer(platform::HttpServer& server);
  ~RunningServer();
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  int port() const { return server_.port(); }
  /// client returns an httplib::Client for the server with short timeouts.
  httplib::Client client() const;

 private:
  platform::HttpServer& server_;
};

/// RawResponse is one HTTP response read off a raw connection.
struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  /// header returns the value of the first header |name| (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

/// RawConnection is a blocking TCP connection to 127.0.0.1:port.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  /// send sends all of |bytes|; false when the peer closed or reset the connection.
  bool send(std::string_view bytes);
  /// read_response reads one response (head plus Content-Length body) within |limit|; nullopt on EOF or timeout.
  std::optional<RawResponse> read_response(std::chrono::milliseconds limit = std::chrono::milliseconds(5000));
  /// closed_by_peer tells whether the server closes the connection (EOF or reset) within |limit|, dropping
  /// anything else it sends.
  bool closed_by_peer(std::chrono::milliseconds limit = std::chrono::milliseconds(3000));

 private:
  enum class Received { bytes, closed, timeout };
  // receive appends what arrives before |until| to pending_ and says whether bytes came, the peer closed (EOF or
  // error) or time ran out.
  Received receive(std::chrono::steady_clock::time_point until);
  // fill is receive that only cares whether more bytes arrived.
  bool fill(std::chrono::steady_clock::time_point until);

  int fd_ = -1;
  std::string pending_;
};

/// LockedStringBuf collects what is written to an ostream from one thread while another reads it.
class LockedStringBuf : public std::streambuf {
 public:
  std::string str() const;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

}  // namespace veil::test
