#include "veil/platform/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include "veil/platform/http_response.h"

namespace veil::platform {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Waits are cut into slices so that stop() is noticed quickly by connections that are idle or trickling.
constexpr std::chrono::milliseconds kPollSlice{50};
// Chunked framing costs wire bytes beyond the decoded body; this much is allowed on top of max_body_bytes.
constexpr std::size_t kChunkFramingAllowance = 64 << 10;
// After answering an error without reading the body, the server reads (and drops) what the client is still
// sending for this long before closing, so that the close does not reset the connection and destroy the answer.
constexpr std::chrono::milliseconds kLingerTime{500};

// What the handlers of one connection need to know about its transport. A connection is served start to end by
// one worker thread, so the handlers find it through a thread-local pointer.
struct ConnectionState {
  bool timed_out = false;    // the request did not arrive within request_timeout
  bool head_too_large = false;
  bool body_too_large = false;
  bool close_after = false;  // the answer was sent without reading the whole request: close, do not reuse
  bool no_body = false;      // neither Content-Length nor Transfer-Encoding: the body is empty (RFC 9112 §6.3)
};
thread_local ConnectionState* current_connection = nullptr;

// GuardedStream is the socket stream httplib reads requests from. Unlike httplib 0.11.4's own stream, which only
// bounds each single read by read_timeout, it bounds the whole request: its head by max_header_bytes, its body
// (whatever the framing) by max_body_bytes plus chunk framing, and its arrival by request_timeout.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(socket_t sock, const HttpLimits& limits, const std::atomic<socket_t>& listener,
                ConnectionState& state)
      : sock_(sock), limits_(limits), listener_(listener), state_(state) {}

  // wait_for_request waits up to idle_timeout for the first byte of the next request.
  bool wait_for_request() const {
    return begin_ < end_ || wait(POLLIN, SteadyClock::now() + limits_.idle_timeout, true);
  }

  void begin_request() {
    deadline_ = SteadyClock::now() + limits_.request_timeout;
    in_head_ = true;
    tail_ = 0;
    head_bytes_ = 0;
    body_bytes_ = 0;
  }

  bool failed() const { return failed_; }

  bool is_readable() const override { return begin_ < end_ || wait(POLLIN, read_deadline(), true); }

  bool is_writable() const override {
    return wait(POLLOUT, SteadyClock::now() + limits_.write_timeout, false);
  }

  ssize_t read(char* ptr, size_t size) override {
    if (failed_) return -1;
    // httplib 0.11.4 reads such a body until the connection closes; it has length zero, so end it at once.
    if (!in_head_ && state_.no_body) return 0;
    if (begin_ == end_) {
      if (!wait(POLLIN, read_deadline(), true)) {
        failed_ = true;
        state_.timed_out = listener_.load() != INVALID_SOCKET;  // not a stop(): the client was too slow
        return -1;
      }
      ssize_t received;
      do {
        received = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
      } while (received < 0 && errno == EINTR);
      if (received <= 0) {
        failed_ = true;
        return received;
      }
      begin_ = 0;
      end_ = static_cast<std::size_t>(received);
    }
    const std::size_t n = std::min(size, end_ - begin_);
    if (!account(buffer_.data() + begin_, n)) {
      failed_ = true;
      return -1;
    }
    std::memcpy(ptr, buffer_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!wait(POLLOUT, SteadyClock::now() + limits_.write_timeout, false)) return -1;
    ssize_t sent;
    do {
      sent = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(::getpeername, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(::getsockname, ip, port); }
  socket_t socket() const override { return sock_; }

  // linger reads and drops what the client still sends, for a short bounded time (see kLingerTime).
  void linger() {
    ::shutdown(sock_, SHUT_WR);
    const auto until = SteadyClock::now() + kLingerTime;
    std::size_t budget = limits_.max_body_bytes + kChunkFramingAllowance;
    while (budget > 0 && wait(POLLIN, until, true)) {
      const ssize_t received = ::recv(sock_, buffer_.data(), std::min(buffer_.size(), budget), 0);
      if (received <= 0) break;
      budget -= static_cast<std::size_t>(received);
    }
  }

 private:
  SteadyClock::time_point read_deadline() const {
    return std::min(SteadyClock::now() + limits_.read_timeout, deadline_);
  }

  // wait polls the socket for |events| until |until|, giving up early when the server stops (if |stop_aware|).
  bool wait(short events, SteadyClock::time_point until, bool stop_aware) const {
    for (;;) {
      if (stop_aware && listener_.load() == INVALID_SOCKET) return false;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now());
      if (left.count() <= 0) return false;
      pollfd fd{sock_, events, 0};
      const int ready = ::poll(&fd, 1, static_cast<int>(std::min(left, kPollSlice).count()));
      if (ready > 0) return true;
      if (ready < 0 && errno != EINTR) return false;
    }
  }

  // account counts the bytes httplib consumes: head bytes up to the blank line, body bytes after it.
  bool account(const char* bytes, std::size_t n) {
    std::size_t i = 0;
    for (; in_head_ && i < n; ++i) {
      tail_ = (tail_ << 8) | static_cast<unsigned char>(bytes[i]);
      if (++head_bytes_ > limits_.max_header_bytes) {
        state_.head_too_large = true;
        return false;
      }
      if (tail_ == 0x0d0a0d0aU) in_head_ = false;  // CRLF CRLF ends the head (RFC 9112 §2.1)
    }
    body_bytes_ += n - i;
    if (body_bytes_ > limits_.max_body_bytes + kChunkFramingAllowance) {
      state_.body_too_large = true;
      return false;
    }
    return true;
  }

  template <class Getter>
  void address_of(Getter getter, std::string& ip, int& port) const {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (getter(sock_, reinterpret_cast<sockaddr*>(&address), &length) != 0) return;
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (address.ss_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
      ::inet_ntop(AF_INET, &v4->sin_addr, text.data(), text.size());
      port = ntohs(v4->sin_port);
    } else if (address.ss_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
      ::inet_ntop(AF_INET6, &v6->sin6_addr, text.data(), text.size());
      port = ntohs(v6->sin6_port);
    }
    ip = text.data();
  }

  socket_t sock_;
  const HttpLimits& limits_;
  const std::atomic<socket_t>& listener_;
  ConnectionState& state_;
  std::array<char, 4096> buffer_{};
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  SteadyClock::time_point deadline_ = SteadyClock::now();
  bool in_head_ = true;
  std::uint32_t tail_ = 0;
  std::size_t head_bytes_ = 0;
  std::size_t body_bytes_ = 0;
  bool failed_ = false;
};

// transport_check refuses, before any body byte is read, what the body limits cannot handle safely.
std::optional<HttpError> transport_check(const httplib::Request& request, const HttpLimits& limits) {
  const std::size_t lengths = request.get_header_value_count("Content-Length");
  const bool chunked_header = request.has_header("Transfer-Encoding");
  if (lengths > 1) return HttpError{400, "invalid_request", "repeated content-length"};
  if (lengths == 1 && chunked_header) {
    // RFC 9112 §6.1: both framings at once is how requests are smuggled.
    return HttpError{400, "invalid_request", "content-length with transfer-encoding"};
  }
  if (chunked_header) {
    std::string coding = request.get_header_value("Transfer-Encoding");
    std::transform(coding.begin(), coding.end(), coding.begin(), [](unsigned char c) { return std::tolower(c); });
    if (request.get_header_value_count("Transfer-Encoding") != 1 || coding != "chunked") {
      return HttpError{400, "invalid_request", "unsupported transfer-encoding"};
    }
  }
  if (lengths == 1) {
    const std::string length = request.get_header_value("Content-Length");
    if (length.empty() || length.size() > 18 ||
        !std::all_of(length.begin(), length.end(), [](unsigned char c) { return c >= '0' && c <= '9'; })) {
      return HttpError{400, "invalid_request", "invalid content-length"};
    }
    if (std::stoull(length) > limits.max_body_bytes) {
      return HttpError{413, "payload_too_large", "request body too large"};
    }
  }
  if (request.has_header("Content-Encoding")) {
    std::string coding = request.get_header_value("Content-Encoding");
    std::transform(coding.begin(), coding.end(), coding.begin(), [](unsigned char c) { return std::tolower(c); });
    // httplib would inflate gzip/deflate/br bodies with no bound on the inflated size.
    if (request.get_header_value_count("Content-Encoding") != 1 || coding != "identity") {
      return HttpError{415, "unsupported_media_type", "compressed request bodies are not accepted"};
    }
  }
  return std::nullopt;
}

void add_security_headers(httplib::Response& response) {
  set_header_once(response, "X-Content-Type-Options", "nosniff");
  set_header_once(response, "Referrer-Policy", "no-referrer");
  if (!response.has_header("Cache-Control")) response.set_header("Cache-Control", "no-store");
}

}  // namespace

// The httplib::Server whose connection loop is replaced by one over GuardedStream.
class HttpServer::Impl final : public httplib::Server {
 public:
  explicit Impl(const HttpLimits& limits) : limits_(limits) {}

  // close_listener is httplib's stop() without its is_running() shortcut, so that a stop() that comes between
  // bind and run is not lost.
  void close_listener() {
    const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
    if (sock != INVALID_SOCKET) {
      ::shutdown(sock, SHUT_RDWR);
      ::close(sock);
    }
  }

  std::vector<RequestCheck> checks;

 private:
  bool process_and_close_socket(socket_t sock) override {
    ConnectionState state;
    GuardedStream stream(sock, limits_, svr_sock_, state);
    current_connection = &state;
    bool ok = false;
    std::size_t remaining = std::max<std::size_t>(limits_.max_requests_per_connection, 1);
    while (remaining > 0 && stream.wait_for_request()) {
      stream.begin_request();
      state = ConnectionState{};
      bool closed = false;
      ok = process_request(stream, remaining == 1, closed, [](httplib::Request&) {});
      if (!ok || closed || state.close_after || stream.failed()) break;
      --remaining;
    }
    current_connection = nullptr;
    // A client too slow for request_timeout gets no extra time: lingering would hand slowloris its worker back.
    if (state.close_after && !state.timed_out) stream.linger();
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }

  const HttpLimits& limits_;
};

HttpServer::HttpServer(HttpLimits limits) : limits_(limits), impl_(std::make_unique<Impl>(limits_)) {
  Impl& server = *impl_;
  server.set_payload_max_length(limits_.max_body_bytes);
  server.set_read_timeout(static_cast<time_t>(limits_.read_timeout.count()), 0);
  server.set_write_timeout(static_cast<time_t>(limits_.write_timeout.count()), 0);
  server.set_keep_alive_timeout(static_cast<time_t>(limits_.idle_timeout.count()));
  server.set_keep_alive_max_count(std::max<std::size_t>(limits_.max_requests_per_connection, 1));
  // Answers go out as a head write and a body write; with Nagle's algorithm the body waits for the client's
  // delayed ACK of the head (40 ms on Linux) on a kept-alive connection: 184 instead of thousands of requests/s
  // in bench/verifier_load.sh. Accepted sockets inherit TCP_NODELAY from the listening socket.
  server.set_tcp_nodelay(true);
  const std::size_t workers = std::max<std::size_t>(limits_.worker_threads, 1);
  server.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  // httplib 0.11.4 also sets SO_REUSEPORT, which lets a second process of the same user bind the same port and
  // silently take half of the connections; SO_REUSEADDR alone still allows a quick restart.
  server.set_socket_options([](socket_t sock) {
    const int on = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  });
  server.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});

  server.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    std::optional<HttpError> refusal = transport_check(request, limits_);
    for (const RequestCheck& check : impl_->checks) {
      if (refusal) break;
      refusal = check(request);
    }
    if (!refusal) {
      if (current_connection != nullptr) {
        current_connection->no_body = !request.has_header("Content-Length") && !request.has_header("Transfer-Encoding");
      }
      return httplib::Server::HandlerResponse::Unhandled;
    }
    send_error(response, *refusal);
    if (current_connection != nullptr) current_connection->close_after = true;
    return httplib::Server::HandlerResponse::Handled;
  });

  // Every status >= 400 passes here, httplib's own (400, 404, 413, 414, ...) with an empty body and the
  // handlers' send_error answers with theirs; only the former get the envelope.
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& response) {
    response.headers.erase("EXCEPTION_WHAT");  // httplib's catch (...) puts the exception text there
    ConnectionState* connection = current_connection;
    if (connection != nullptr && connection->timed_out) response.status = 408;
    if (connection != nullptr && connection->body_too_large) response.status = 413;
    if (connection != nullptr && connection->head_too_large) response.status = 431;
    add_security_headers(response);
    const bool transport_failed = connection != nullptr &&
                                  (connection->timed_out || connection->body_too_large || connection->head_too_large);
    if (!response.body.empty() && !transport_failed) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (connection != nullptr) connection->close_after = true;
    send_error(response, HttpError{response.status, std::string(default_error_code(response.status)), {}});
    return httplib::Server::HandlerResponse::Handled;
  }));

  server.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
    // Whatever the handler had prepared is dropped: a failure is never a 200, and its text never leaves.
    response.headers.clear();
    response.body.clear();
    send_error(response, HttpError{500, "server_error", {}});
  });

  server.set_post_routing_handler(
      [](const httplib::Request&, httplib::Response& response) { add_security_headers(response); });
}

HttpServer::~HttpServer() {
  stop();
  if (background_ && background_->joinable()) background_->join();
}

httplib::Server& HttpServer::router() { return *impl_; }

void HttpServer::add_request_check(RequestCheck check) { impl_->checks.push_back(std::move(check)); }

Status HttpServer::bind(const std::string& host, int port) {
  const std::string where = host + ":" + std::to_string(port);
  if (port < 0 || port > 65535) return fail(ErrorCode::io_error, "invalid port " + std::to_string(port));
  int bound = -1;
  if (port == 0) {
    bound = impl_->bind_to_any_port(host);
  } else if (impl_->bind_to_port(host, port)) {
    bound = port;
  }
  if (bound <= 0) return fail(ErrorCode::io_error, "cannot listen on " + where);
  port_.store(bound);
  return {};
}

void HttpServer::run() {
  if (stop_requested_.load()) return;
  impl_->listen_after_bind();
}

void HttpServer::stop() {
  stop_requested_.store(true);
  impl_->close_listener();
}

void HttpServer::start_in_background() {
  background_ = std::make_unique<std::thread>([this] { run(); });
}

void HttpServer::join() {
  stop();
  if (background_ && background_->joinable()) background_->join();
}

Status serve_until_signal(HttpServer& server, const std::string& host, int port, std::ostream& out,
                          const std::function<Status(int bound_port)>& prepare) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);

  Status bound = server.bind(host, port);
  if (bound && prepare) bound = prepare(server.port());
  if (!bound) {
    server.stop();  // a failed prepare leaves no listening socket behind
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return bound;
  }
  std::thread serving([&server] { server.run(); });
  // An IPv6 literal needs brackets in a URL (RFC 3986 §3.2.2).
  const bool ipv6 = host.find(':') != std::string::npos;
  out << "listening on http://" << (ipv6 ? "[" + host + "]" : host) << ":" << server.port() << "\n" << std::flush;

  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  server.stop();
  serving.join();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return {};
}

std::string default_public_url(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace veil::platform
