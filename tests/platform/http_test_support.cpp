#include "platform/http_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>

namespace veil::test {

using SteadyClock = std::chrono::steady_clock;

RunningServer::RunningServer(platform::HttpServer& server) : server_(server) {
  Status bound = server_.bind("127.0.0.1", 0);
  REQUIRE(bound.has_value());
  server_.start_in_background();
}

RunningServer::~RunningServer() { server_.join(); }

httplib::Client RunningServer::client() const {
  httplib::Client client("127.0.0.1", port());
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  client.set_write_timeout(5, 0);
  return client;
}

std::optional<std::string> RawResponse::header(std::string_view name) const {
  std::size_t line = head.find("\r\n");
  while (line != std::string::npos && line + 2 < head.size()) {
    const std::size_t start = line + 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string_view text(head.data() + start, (end == std::string::npos ? head.size() : end) - start);
    const std::size_t colon = text.find(':');
    if (colon == name.size() &&
        std::equal(name.begin(), name.end(), text.begin(),
                   [](unsigned char a, unsigned char b) { return std::tolower(a) == std::tolower(b); })) {
      std::string_view value = text.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    line = end;
  }
  return std::nullopt;
}

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

RawConnection::Received RawConnection::receive(SteadyClock::time_point until) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now());
    if (left.count() <= 0) return Received::timeout;
    pollfd fd{fd_, POLLIN, 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return Received::timeout;
    std::array<char, 16384> buffer{};
    const ssize_t received = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (received <= 0) return Received::closed;
    pending_.append(buffer.data(), static_cast<std::size_t>(received));
    return Received::bytes;
  }
}

bool RawConnection::fill(SteadyClock::time_point until) { return receive(until) == Received::bytes; }

std::optional<RawResponse> RawConnection::read_response(std::chrono::milliseconds limit) {
  const auto until = SteadyClock::now() + limit;
  std::size_t head_end;
  while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(until)) return std::nullopt;
  }
  RawResponse response;
  response.head = pending_.substr(0, head_end);
  pending_.erase(0, head_end + 4);
  if (response.head.rfind("HTTP/1.", 0) != 0 || response.head.size() < 12) return std::nullopt;
  response.status = std::stoi(response.head.substr(9, 3));
  const std::size_t length = std::stoul(response.header("Content-Length").value_or("0"));
  while (pending_.size() < length) {
    if (!fill(until)) return std::nullopt;
  }
  response.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return response;
}

bool RawConnection::closed_by_peer(std::chrono::milliseconds limit) {
  const auto until = SteadyClock::now() + limit;
  for (;;) {
    const Received received = receive(until);
    if (received != Received::bytes) return received == Received::closed;
    pending_.clear();  // whatever else the server sends is dropped
  }
}

std::string LockedStringBuf::str() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return text_;
}

LockedStringBuf::int_type LockedStringBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  std::lock_guard<std::mutex> lock(mutex_);
  text_.push_back(traits_type::to_char_type(c));
  return c;
}

std::streamsize LockedStringBuf::xsputn(const char* s, std::streamsize n) {
  std::lock_guard<std::mutex> lock(mutex_);
  text_.append(s, static_cast<std::size_t>(n));
  return n;
}

}  // namespace veil::test
