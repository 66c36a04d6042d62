// HttpServer: an httplib::Server with Veil's limits, timeouts, error envelope and security headers, and
// serve_until_signal, the `serve` contract of every Veil program.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "veil/error.h"
#include "veil/platform/http_error.h"

namespace veil::platform {

/// HttpLimits bounds what one HTTP server accepts from untrusted clients (ATTACKS.md H1-H4).
struct HttpLimits {
  std::size_t max_body_bytes = 1 << 20;       // H1/H2: 413, with Content-Length or chunked
  std::size_t max_json_depth = 64;            // passed to parse_json by read_json_body
  std::chrono::seconds read_timeout{5};       // longest wait for any single read
  std::chrono::seconds write_timeout{5};      // longest wait for any single write
  std::chrono::seconds idle_timeout{5};       // longest wait for the next request on a kept-alive connection
  std::size_t worker_threads = 8;             // requests served at once; more complete heads wait in a queue
  // Veil additions.
  std::size_t max_header_bytes = 64 << 10;    // H3: request line plus all header lines together; 431 beyond
  std::chrono::milliseconds request_timeout{5'000};  // H4: a whole request (head and body) must arrive in this
  std::size_t max_requests_per_connection = 100;      // keep-alive requests before the server closes
  // H4: connections whose next request head is still arriving (or idle keep-alive ones); beyond this the oldest
  // is dropped. Also kept under half the process's open-file limit, so that accept() never runs out.
  std::size_t max_waiting_connections = 1024;
};

/// RequestCheck inspects a request after its head arrived and before routing (and before its body is read):
/// nullopt lets it through, an HttpError is answered at once and the connection is closed.
using RequestCheck = std::function<std::optional<HttpError>(const httplib::Request&)>;

/// HttpServer owns an httplib::Server configured with |limits|:
///  - bodies beyond max_body_bytes answer 413 and close the connection, whether the client sent a
///    Content-Length or chunked transfer coding (httplib 0.11.4 only limits Content-Length itself); a request
///    with neither has an empty body (RFC 9112 §6.3; httplib read it until the client closed);
///    compressed request bodies (Content-Encoding other than identity) answer 415 (no decompression bombs);
///  - request heads beyond max_header_bytes answer 431; a request line beyond 8192 bytes answers 414 and a single
///    header line beyond 8192 bytes 400 (httplib's compiled-in limits);
///  - a request must arrive completely within request_timeout, however slowly its bytes trickle (slowloris), and
///    no single read may wait longer than read_timeout; otherwise 408 request_timeout and the connection closes;
///  - request heads are gathered by one poll thread for all connections, and a worker only takes a connection
///    once its request head is complete (so trickling or idle connections never hold a worker, H4); a kept-alive
///    connection goes back to that thread between requests; a connection that sends nothing within idle_timeout
///    is closed, and beyond max_waiting_connections the oldest waiting connection is dropped;
///  - the listening socket gets SO_REUSEADDR but not httplib's SO_REUSEPORT, so a port in use fails to bind;
///  - every error status, including httplib's own (400, 404, 413, 414, ...) and a handler's exception, is
///    answered with the JSON envelope {"error": ..., "error_description": ...} (500 server_error, the exception
///    text never leaves the process), Cache-Control: no-store unless a handler chose otherwise;
///  - every answer carries X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer, and no CORS headers
///    are ever added.
/// Register routes on router() and checks with add_request_check() before run(); both are not thread-safe.
class HttpServer {
 public:
  explicit HttpServer(HttpLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// router returns the httplib::Server on which apps register Get/Post handlers.
  httplib::Server& router();

  /// limits returns the limits the server was built with.
  const HttpLimits& limits() const { return limits_; }

  /// add_request_check appends |check| to the checks run before routing, in order (see RequestCheck).
  void add_request_check(RequestCheck check);

  /// bind binds and listens on |host|:|port| (port 0 picks a free port, see port()). Connections are accepted
  /// by the kernel from here on and served once run() starts. Fails with io_error when the address is unusable.
  Status bind(const std::string& host, int port);

  /// port returns the bound port, or 0 before bind.
  int port() const { return port_.load(); }

  /// run serves connections until stop(); it returns at once if stop() came first. Call bind first.
  void run();

  /// stop closes the listening socket and makes run() return once the workers are done: answers being written are
  /// finished, requests still arriving and idle keep-alive connections are dropped within ~50 ms. Safe from any
  /// thread, before or during run(); a stopped server does not start again.
  void stop();

  /// start_in_background runs run() on a new thread; join() stops and waits for it (tests use this pair).
  void start_in_background();
  void join();

 private:
  class Impl;
  HttpLimits limits_;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> port_{0};
  std::atomic<bool> stop_requested_{false};
  std::unique_ptr<std::thread> background_;
};

/// default_public_url is the base URL a service announces when no --public-url is given: "http://HOST:PORT",
/// with an IPv6 literal in brackets (RFC 3986 §3.2.2).
std::string default_public_url(const std::string& host, int port);

/// serve_until_signal binds |server| to |host|:|port|, prints exactly "listening on http://HOST:PORT\n" to |out|
/// once connections are accepted (PORT is the real port when |port| is 0), serves until SIGTERM or SIGINT
/// arrives, then stops cleanly and returns success. Fails with io_error when it cannot bind (nothing printed).
/// It blocks both signals in the calling thread (threads it starts inherit that) and waits for them with
/// sigwait, so call it before starting other threads, or block the signals in them. The signal mask is restored
/// on return.
///
/// |prepare|, when given, runs after bind with the bound port and before serving and printing: a service whose
/// public URL names its port (port 0 picks it) builds itself and registers its routes there. Its failure is
/// returned and nothing is printed.
Status serve_until_signal(HttpServer& server, const std::string& host, int port, std::ostream& out,
                          const std::function<Status(int bound_port)>& prepare = {});

}  // namespace veil::platform
