#include "veil/platform/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <string_view>
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

// Bytes taken off a socket with one recv.
constexpr std::size_t kReadChunk = 4096;
// Bodies up to this size (by Content-Length) arrive completely before a worker takes the request; larger or
// chunked ones are read by the worker within what is left of request_timeout.
constexpr std::size_t kGatheredBodyBytes = 64 << 10;

// declared_length returns the Content-Length of a request |head| (lines ending in CRLF), or 0 when it has none,
// several or an invalid one: the worker's transport_check refuses those before any body byte is read.
std::size_t declared_length(std::string_view head) {
  constexpr std::string_view kName = "content-length:";
  std::size_t found = 0;
  std::size_t count = 0;
  for (std::size_t start = head.find("\r\n"); start != std::string_view::npos && start + 2 < head.size();) {
    const std::size_t line_start = start + 2;
    const std::size_t line_end = head.find("\r\n", line_start);
    const std::string_view line = head.substr(line_start, line_end - line_start);
    start = line_end;
    if (line.size() < kName.size() ||
        !std::equal(kName.begin(), kName.end(), line.begin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
      continue;
    }
    std::string_view value = line.substr(kName.size());
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (value.empty() || value.size() > 18 ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return 0;
    }
    found = std::stoull(std::string(value));
    ++count;
  }
  return count == 1 ? found : 0;
}

// What the handlers of one connection need to know about its transport. A request is served start to end by
// one worker thread, so the handlers find it through a thread-local pointer.
struct ConnectionState {
  bool timed_out = false;    // the request did not arrive within request_timeout
  bool head_too_large = false;
  bool body_too_large = false;
  bool close_after = false;  // the answer was sent without reading the whole request: close, do not reuse
  bool no_body = false;      // neither Content-Length nor Transfer-Encoding: the body is empty (RFC 9112 §6.3)
};
thread_local ConnectionState* current_connection = nullptr;

// Connection is one accepted socket with the bytes received on it that httplib has not read yet. It moves
// between the HeadGatherer (while its next request head is arriving) and a worker (while a request whose head
// is complete is served), so exactly one thread owns it at any time. Destroying it closes the socket.
struct Connection {
  Connection(socket_t socket_fd, std::size_t requests) : sock(socket_fd), requests_left(requests) {}
  ~Connection() {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::size_t buffered() const { return inbox.size() - consumed; }
  // request_ready: the buffered bytes hold a whole request head (CRLF CRLF, RFC 9112 §2.1) and, when the head
  // declares a Content-Length of at most kGatheredBodyBytes, that whole body too (so that a body trickled byte by
  // byte does not hold a worker either); or more bytes than any head may have, which a worker answers 431.
  bool request_ready(std::size_t max_header_bytes) const {
    const std::string_view pending(inbox.data() + consumed, buffered());
    const std::size_t head_end = pending.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return pending.size() > max_header_bytes;
    const std::size_t body = declared_length(pending.substr(0, head_end + 2));
    return body > kGatheredBodyBytes || pending.size() >= head_end + 4 + body;
  }
  void compact() {
    inbox.erase(0, consumed);
    consumed = 0;
  }

  socket_t sock;
  std::string inbox;                          // received bytes; those before |consumed| were read by httplib
  std::size_t consumed = 0;
  std::size_t requests_left;                  // keep-alive requests still allowed on this connection
  bool request_started = false;               // a byte of the next request has arrived
  SteadyClock::time_point request_deadline;   // the current request must have arrived completely by then
  SteadyClock::time_point waiting_deadline;   // the HeadGatherer gives up on the connection then
};

// GuardedStream is the socket stream httplib reads requests from. Unlike httplib 0.11.4's own stream, which only
// bounds each single read by read_timeout, it bounds the whole request: its head by max_header_bytes, its body
// (whatever the framing) by max_body_bytes plus chunk framing, and its arrival by request_timeout. It reads the
// bytes the HeadGatherer already received first.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(Connection& connection, const HttpLimits& limits, const std::atomic<socket_t>& listener,
                ConnectionState& state)
      : connection_(connection), sock_(connection.sock), limits_(limits), listener_(listener), state_(state) {}

  void begin_request(SteadyClock::time_point deadline) {
    deadline_ = deadline;
    in_head_ = true;
    tail_ = 0;
    head_bytes_ = 0;
    body_bytes_ = 0;
  }

  bool failed() const { return failed_; }

  bool is_readable() const override {
    return connection_.buffered() > 0 || wait(POLLIN, read_deadline(), true);
  }

  bool is_writable() const override {
    return wait(POLLOUT, SteadyClock::now() + limits_.write_timeout, false);
  }

  ssize_t read(char* ptr, size_t size) override {
    if (failed_) return -1;
    // httplib 0.11.4 reads such a body until the connection closes; it has length zero, so end it at once.
    if (!in_head_ && state_.no_body) return 0;
    std::string& inbox = connection_.inbox;
    if (connection_.buffered() == 0) {
      if (!wait(POLLIN, read_deadline(), true)) {
        failed_ = true;
        state_.timed_out = listener_.load() != INVALID_SOCKET;  // not a stop(): the client was too slow
        return -1;
      }
      inbox.resize(kReadChunk);
      connection_.consumed = 0;
      ssize_t received;
      do {
        received = ::recv(sock_, inbox.data(), inbox.size(), 0);
      } while (received < 0 && errno == EINTR);
      inbox.resize(received > 0 ? static_cast<std::size_t>(received) : 0);
      if (received <= 0) {
        failed_ = true;
        return received;
      }
    }
    const std::size_t n = std::min(size, connection_.buffered());
    const char* bytes = inbox.data() + connection_.consumed;
    if (!account(bytes, n)) {
      failed_ = true;
      return -1;
    }
    std::memcpy(ptr, bytes, n);
    connection_.consumed += n;
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
    std::array<char, kReadChunk> sink{};
    while (budget > 0 && wait(POLLIN, until, true)) {
      const ssize_t received = ::recv(sock_, sink.data(), std::min(sink.size(), budget), 0);
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

  Connection& connection_;
  socket_t sock_;
  const HttpLimits& limits_;
  const std::atomic<socket_t>& listener_;
  ConnectionState& state_;
  SteadyClock::time_point deadline_ = SteadyClock::now();
  bool in_head_ = true;
  std::uint32_t tail_ = 0;
  std::size_t head_bytes_ = 0;
  std::size_t body_bytes_ = 0;
  bool failed_ = false;
};

// waiting_cap is max_waiting_connections, kept under half the open-file limit: the other half is left for
// requests being served, files and the database, so that accept() does not fail with EMFILE.
std::size_t waiting_cap(const HttpLimits& limits) {
  rlimit files{};
  std::size_t cap = std::max<std::size_t>(limits.max_waiting_connections, 1);
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    cap = std::min(cap, std::max<std::size_t>(static_cast<std::size_t>(files.rlim_cur) / 2, 16));
  }
  return cap;
}

// HeadGatherer is the answer to slowloris (ATTACKS.md H4). httplib 0.11.4 hands every accepted socket to a
// worker thread that blocks reading it, so worker_threads connections that trickle header bytes (or send
// nothing) hold every worker, and each new connection queues behind them. Here one thread polls every
// connection whose next request head has not arrived yet, reads what arrives without blocking, and passes the
// connection to a worker only once its head (and a small declared body) is complete, or once its time is up (a worker then answers 408
// without waiting). Its bounds: idle_timeout for the first byte, request_timeout from the first byte to the
// end of the request (the worker keeps that deadline for the body), at most max_header_bytes buffered per
// connection, and at most waiting_cap() connections, beyond which the oldest is dropped: a legitimate client
// sends its head in one piece and leaves at once, so the oldest waiting ones are the slow ones.
class HeadGatherer {
 public:
  using Dispatch = std::function<void(std::unique_ptr<Connection>)>;

  HeadGatherer(const HttpLimits& limits, const std::atomic<socket_t>& listener, Dispatch dispatch)
      : limits_(limits), listener_(listener), dispatch_(std::move(dispatch)), cap_(waiting_cap(limits)),
        wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)), thread_([this] { loop(); }) {}
  ~HeadGatherer() {
    shutdown();
    if (wake_ >= 0) ::close(wake_);
  }
  HeadGatherer(const HeadGatherer&) = delete;
  HeadGatherer& operator=(const HeadGatherer&) = delete;

  // add hands over a connection to wait on; after shutdown() it is closed instead. Never blocks for long.
  void add(std::unique_ptr<Connection> connection) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_) return;  // |connection| is destroyed, which closes it
      incoming_.push_back(std::move(connection));
    }
    wake();
  }

  // shutdown stops the thread and closes every connection it still waits on.
  void shutdown() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    wake();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void wake() const {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(wake_, &one, sizeof(one));
  }

  void loop() {
    std::vector<std::unique_ptr<Connection>> waiting;  // in the order they began to wait
    std::vector<pollfd> fds;
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) break;
        for (auto& connection : incoming_) waiting.push_back(std::move(connection));
        incoming_.clear();
      }
      if (listener_.load() == INVALID_SOCKET) break;  // stop(): waiting connections are dropped
      if (waiting.size() > cap_) {
        waiting.erase(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(waiting.size() - cap_));
      }

      auto now = SteadyClock::now();
      auto timeout = kPollSlice;
      fds.assign(1, pollfd{wake_, POLLIN, 0});
      for (const auto& connection : waiting) {
        fds.push_back(pollfd{connection->sock, POLLIN, 0});
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(connection->waiting_deadline - now);
        timeout = std::clamp(left, std::chrono::milliseconds(0), timeout);
      }
      if (::poll(fds.data(), fds.size(), static_cast<int>(timeout.count())) < 0 && errno != EINTR) break;
      if (fds[0].revents != 0) {
        std::uint64_t count = 0;
        [[maybe_unused]] const ssize_t drained = ::read(wake_, &count, sizeof(count));
      }

      now = SteadyClock::now();
      std::size_t kept = 0;
      for (std::size_t i = 0; i < waiting.size(); ++i) {
        std::unique_ptr<Connection>& connection = waiting[i];
        if (fds[i + 1].revents != 0 && !receive(*connection, now)) continue;  // closed or failed: dropped
        if (connection->request_ready(limits_.max_header_bytes)) {
          dispatch_(std::move(connection));
        } else if (now >= connection->waiting_deadline) {
          // Out of time: a request that began is answered 408 by a worker (its deadline has passed, so the
          // worker does not wait); a connection that never sent a byte is just closed.
          if (connection->request_started) dispatch_(std::move(connection));
        } else {
          waiting[kept++] = std::move(connection);
        }
      }
      waiting.resize(kept);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    incoming_.clear();
    // |waiting| goes out of scope here: its connections are closed.
  }

  // receive reads what one readable connection has, without blocking; false when the peer closed or failed.
  bool receive(Connection& connection, SteadyClock::time_point now) const {
    std::string& inbox = connection.inbox;
    const std::size_t size = inbox.size();
    inbox.resize(size + kReadChunk);
    const ssize_t received = ::recv(connection.sock, inbox.data() + size, kReadChunk, MSG_DONTWAIT);
    inbox.resize(size + (received > 0 ? static_cast<std::size_t>(received) : 0));
    if (received == 0) return false;
    if (received < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (!connection.request_started) {
      connection.request_started = true;
      connection.request_deadline = now + limits_.request_timeout;
      connection.waiting_deadline = connection.request_deadline;
    }
    return true;
  }

  const HttpLimits& limits_;
  const std::atomic<socket_t>& listener_;
  Dispatch dispatch_;
  const std::size_t cap_;
  int wake_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> incoming_;
  bool closed_ = false;
  std::thread thread_;  // last: it starts once everything above exists
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

// The httplib::Server whose connection loop is replaced: httplib's accept loop hands each socket to
// process_and_close_socket, which passes it to the HeadGatherer; workers serve requests whose head is complete.
class HttpServer::Impl final : public httplib::Server {
 public:
  explicit Impl(const HttpLimits& limits) : limits_(limits) {
    // httplib makes one task queue per run() and calls its enqueue from the accept thread, with a job that calls
    // process_and_close_socket. The Scheduler runs that job at once (it only hands the socket over) and owns the
    // HeadGatherer and the workers for as long as run() lasts.
    new_task_queue = [this] { return new Scheduler(*this); };
  }

  // close_listener is httplib's stop() without its is_running() shortcut, so that a stop() that comes between
  // bind and run is not lost.
  void close_listener() {
    const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
    if (sock != INVALID_SOCKET) {
      ::shutdown(sock, SHUT_RDWR);
      ::close(sock);
    }
  }

  // widen_backlog lets the kernel queue SOMAXCONN connections before accept() instead of httplib's 5: with 5, a
  // burst of connections (slowloris opening hundreds, or many clients at once) overflows the queue whenever the
  // accept thread is not scheduled for a moment, and each overflowing client waits for a SYN retransmission
  // (1 s, then 3 s, ...) before it is even accepted. listen() on a listening socket only changes its backlog.
  void widen_backlog() {
    const socket_t sock = svr_sock_.load();
    if (sock != INVALID_SOCKET) ::listen(sock, SOMAXCONN);
  }

  std::vector<RequestCheck> checks;

 private:
  class Scheduler final : public httplib::TaskQueue {
   public:
    explicit Scheduler(Impl& server)
        : server_(server),
          gatherer_(server.limits_, server.svr_sock_,
                    [this](std::unique_ptr<Connection> connection) { to_worker(std::move(connection)); }) {
      server_.scheduler_ = this;
      const std::size_t workers = std::max<std::size_t>(server.limits_.worker_threads, 1);
      for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
    }
    ~Scheduler() override { shutdown(); }
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    void enqueue(std::function<void()> job) override { job(); }

    // shutdown runs when the accept loop has ended (stop()): waiting connections are closed, requests being
    // served finish, queued ones are closed unserved.
    void shutdown() override {
      gatherer_.shutdown();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
      }
      ready_.notify_all();
      for (std::thread& worker : workers_) {
        if (worker.joinable()) worker.join();
      }
      queue_.clear();
    }

    void accept(socket_t sock) {
      auto connection = std::make_unique<Connection>(
          sock, std::max<std::size_t>(server_.limits_.max_requests_per_connection, 1));
      connection->waiting_deadline = SteadyClock::now() + server_.limits_.idle_timeout;
      gatherer_.add(std::move(connection));
    }

    void to_gatherer(std::unique_ptr<Connection> connection) { gatherer_.add(std::move(connection)); }

   private:
    void to_worker(std::unique_ptr<Connection> connection) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        queue_.push_back(std::move(connection));
      }
      ready_.notify_one();
    }

    void work() {
      for (;;) {
        std::unique_ptr<Connection> connection;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
          if (stopping_) return;
          connection = std::move(queue_.front());
          queue_.pop_front();
        }
        server_.serve(std::move(connection));
      }
    }

    Impl& server_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::unique_ptr<Connection>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
    HeadGatherer gatherer_;  // after the queue: its thread dispatches into it
  };

  bool process_and_close_socket(socket_t sock) override {
    scheduler_->accept(sock);
    return true;
  }

  // serve answers the requests of |connection| whose heads are complete, then hands it back to the HeadGatherer
  // to wait for the next one, or closes it.
  void serve(std::unique_ptr<Connection> connection) {
    ConnectionState state;
    GuardedStream stream(*connection, limits_, svr_sock_, state);
    current_connection = &state;
    bool keep_alive = false;
    for (;;) {
      stream.begin_request(connection->request_deadline);
      state = ConnectionState{};
      bool closed = false;
      const bool ok = process_request(stream, connection->requests_left == 1, closed, [](httplib::Request&) {});
      if (!ok || closed || state.close_after || stream.failed() || --connection->requests_left == 0) break;
      // A pipelined request whose head is already here is served at once; anything else waits in the gatherer,
      // never on this worker.
      const auto now = SteadyClock::now();
      connection->request_started = connection->buffered() > 0;
      connection->request_deadline = now + limits_.request_timeout;
      if (!connection->request_ready(limits_.max_header_bytes)) {
        keep_alive = true;
        connection->waiting_deadline = connection->request_started ? connection->request_deadline
                                                                    : now + limits_.idle_timeout;
        break;
      }
    }
    current_connection = nullptr;
    if (keep_alive) {
      connection->compact();
      scheduler_->to_gatherer(std::move(connection));
      return;
    }
    // A client too slow for request_timeout gets no extra time: lingering would hand slowloris a worker back.
    if (state.close_after && !state.timed_out) stream.linger();
  }

  const HttpLimits& limits_;
  Scheduler* scheduler_ = nullptr;  // the Scheduler of the current run(), set before the first accept
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
  impl_->widen_backlog();
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
