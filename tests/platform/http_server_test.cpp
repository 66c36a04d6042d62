#include "veil/platform/http_server.h"

#include <pthread.h>
#include <signal.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <chrono>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "platform/http_test_support.h"
#include "veil/platform/http_request.h"
#include "veil/platform/http_response.h"

using veil::Json;
using veil::platform::HttpLimits;
using veil::platform::HttpServer;
using veil::test::RawConnection;
using veil::test::RunningServer;
using namespace std::chrono_literals;

namespace {

// A small body limit keeps the over-limit requests cheap.
HttpLimits small_limits() {
  HttpLimits limits;
  limits.max_body_bytes = 16 << 10;
  return limits;
}

void add_echo_route(HttpServer& server) {
  server.router().Post("/echo", [&server](const httplib::Request& request, httplib::Response& response) {
    auto body = veil::platform::read_json_body(request, server.limits());
    if (!body) return veil::platform::send_error(response, body.error());
    veil::platform::send_json(response, 200, *body);
  });
}

// add_hello_route registers GET /hello answering 200 {}: a request to check that the server still serves.
void add_hello_route(HttpServer& server) {
  server.router().Get("/hello", [](const httplib::Request&, httplib::Response& response) {
    veil::platform::send_json(response, 200, Json::object());
  });
}

Json body_of(const std::string& text) { return Json::parse(text, nullptr, false); }

bool has_cors_header(const httplib::Headers& headers) {
  for (const auto& [name, value] : headers) {
    if (name.size() >= 12 && std::equal(name.begin(), name.begin() + 12, "Access-Contr",
                                        [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("server answers a routed request with security headers, no-store and no CORS headers", "[http_server]") {
  HttpServer server;
  server.router().Get("/hello", [](const httplib::Request&, httplib::Response& response) {
    veil::platform::send_json(response, 200, Json{{"hello", "world"}});
  });
  RunningServer running(server);
  auto result = running.client().Get("/hello", {{"Origin", "https://evil.example"}});
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(body_of(result->body) == Json{{"hello", "world"}});
  CHECK(result->get_header_value("Content-Type") == "application/json");
  CHECK(result->get_header_value("Cache-Control") == "no-store");
  CHECK(result->get_header_value_count("Cache-Control") == 1);
  CHECK(result->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(result->get_header_value("Referrer-Policy") == "no-referrer");
  CHECK_FALSE(has_cors_header(result->headers));
}

TEST_CASE("a handler that writes its own body still gets the security headers and no-store", "[http_server]") {
  HttpServer server;
  server.router().Get("/raw", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("plain", "text/plain");
  });
  RunningServer running(server);
  auto result = running.client().Get("/raw");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->get_header_value("Cache-Control") == "no-store");
  CHECK(result->get_header_value("X-Content-Type-Options") == "nosniff");
}

TEST_CASE("unknown route answers 404 with the JSON error envelope", "[http_server]") {
  HttpServer server;
  RunningServer running(server);
  auto result = running.client().Get("/nowhere");
  REQUIRE(result);
  CHECK(result->status == 404);
  CHECK(result->get_header_value("Content-Type") == "application/json");
  CHECK(body_of(result->body) == Json{{"error", "not_found"}});
  CHECK(result->get_header_value("Cache-Control") == "no-store");
  CHECK(result->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(result->get_header_value("Referrer-Policy") == "no-referrer");
}

TEST_CASE("a handler exception answers 500 server_error without the exception text", "[http_server]") {
  HttpServer server;
  server.router().Get("/throws", [](const httplib::Request&, httplib::Response& response) {
    response.set_header("X-Partial", "yes");
    response.set_content("half-built", "text/plain");
    throw std::runtime_error("secret database path /var/lib/veil");
  });
  server.router().Get("/throws-int", [](const httplib::Request&, httplib::Response&) { throw 42; });
  RunningServer running(server);
  for (const char* path : {"/throws", "/throws-int"}) {
    auto result = running.client().Get(path);
    REQUIRE(result);
    CHECK(result->status == 500);
    CHECK(body_of(result->body) == Json{{"error", "server_error"}});
    CHECK(result->body.find("secret") == std::string::npos);
    CHECK_FALSE(result->has_header("EXCEPTION_WHAT"));
    CHECK_FALSE(result->has_header("X-Partial"));
    CHECK(result->get_header_value("X-Content-Type-Options") == "nosniff");
  }
}

TEST_CASE("a handler's own error answer is kept as it wrote it", "[http_server]") {
  HttpServer server;
  server.router().Get("/denied", [](const httplib::Request&, httplib::Response& response) {
    veil::platform::send_error(response, {401, "invalid_token", "token expired"});
  });
  RunningServer running(server);
  auto result = running.client().Get("/denied");
  REQUIRE(result);
  CHECK(result->status == 401);
  CHECK(body_of(result->body) == Json{{"error", "invalid_token"}, {"error_description", "token expired"}});
  CHECK(result->get_header_value("WWW-Authenticate") == "Bearer");
}

TEST_CASE("server serves a JSON body under the limit", "[http_server]") {
  HttpServer server(small_limits());
  add_echo_route(server);
  RunningServer running(server);
  auto result = running.client().Post("/echo", R"({"a":[1,2,3]})", "application/json");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(body_of(result->body) == Json{{"a", {1, 2, 3}}});
}

TEST_CASE("body over the limit with Content-Length answers 413 and closes the connection [attack:H1]",
          "[http_server][attack:H1]") {
  HttpServer server(small_limits());
  add_echo_route(server);
  RunningServer running(server);

  SECTION("httplib client sending the whole body") {
    const std::string body = "{\"a\":\"" + std::string(64 << 10, 'x') + "\"}";
    auto result = running.client().Post("/echo", body, "application/json");
    REQUIRE(result);
    CHECK(result->status == 413);
    CHECK(body_of(result->body)["error"] == "payload_too_large");
  }
  SECTION("raw client announcing a huge body and sending part of it") {
    RawConnection connection(running.port());
    REQUIRE(connection.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            "Content-Length: 10737418240\r\n\r\n{\"a\":\""));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->status == 413);
    CHECK(body_of(response->body)["error"] == "payload_too_large");
    CHECK(connection.closed_by_peer());
  }
}

// Stock httplib 0.11.4 only compares Content-Length with the payload limit: measured here, it answered 200 to a
// 160 KiB chunked body under a 16 KiB limit and handed all of it to the handler.
TEST_CASE("chunked body over the limit answers 413 [attack:H2]", "[http_server][attack:H2]") {
  HttpServer server(small_limits());
  add_echo_route(server);
  RunningServer running(server);
  RawConnection connection(running.port());
  REQUIRE(connection.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n"));
  // 160 chunks of 1 KiB: ten times the limit, none of them announced up front.
  const std::string chunk = "400\r\n" + std::string(1024, 'x') + "\r\n";
  for (int i = 0; i < 160; ++i) {
    if (!connection.send(chunk)) break;  // the server may answer and close before the end
  }
  connection.send("0\r\n\r\n");
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 413);
  CHECK(body_of(response->body)["error"] == "payload_too_large");
  CHECK(connection.closed_by_peer());
}

TEST_CASE("chunked body a little over the limit answers 413 from read_json_body [attack:H2]",
          "[http_server][attack:H2]") {
  // Within the wire allowance for chunk framing, so httplib reads it all; the decoded size is still checked.
  HttpServer server(small_limits());
  add_echo_route(server);
  RunningServer running(server);
  RawConnection connection(running.port());
  const std::string body = "{\"a\":\"" + std::string((16 << 10) + 100, 'x') + "\"}";
  char size[32];
  std::snprintf(size, sizeof size, "%zx", body.size());
  REQUIRE(connection.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n" + std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n"));
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 413);
}

TEST_CASE("a request without Content-Length or Transfer-Encoding has an empty body, however much follows it "
          "[attack:H2]", "[http_server][attack:H2]") {
  // RFC 9112 §6.3: such a request's body is empty. httplib 0.11.4 instead read until the client closed, without
  // a bound; here the bytes that follow are never read as this request's body.
  HttpServer server(small_limits());
  add_echo_route(server);
  RunningServer running(server);
  RawConnection connection(running.port());
  REQUIRE(connection.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\r\n"));
  const std::string piece(1024, 'x');
  for (int i = 0; i < 160; ++i) {
    if (!connection.send(piece)) break;
  }
  auto response = connection.read_response();
  REQUIRE(response);
  // The echo route got an empty body, which is not JSON.
  CHECK(response->status == 400);
}

TEST_CASE("compressed request bodies answer 415 before anything is inflated", "[http_server]") {
  HttpServer server(small_limits());
  add_echo_route(server);
  RunningServer running(server);
  RawConnection connection(running.port());
  REQUIRE(connection.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd"));
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 415);
  CHECK(body_of(response->body)["error"] == "unsupported_media_type");
}

TEST_CASE("Content-Length together with Transfer-Encoding answers 400", "[http_server]") {
  HttpServer server(small_limits());
  add_echo_route(server);
  RunningServer running(server);
  RawConnection connection(running.port());
  REQUIRE(connection.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(body_of(response->body)["error"] == "invalid_request");
}

// Stock httplib 0.11.4 bounds each header line (8192 bytes, compiled in: 400 beyond) and the request line (8192:
// 414) but not their number or total: measured here, 100 headers of 8000 bytes got 200 with all 105 headers
// parsed. HttpServer bounds the whole head by max_header_bytes (64 KiB) and answers 431.
TEST_CASE("100 headers of 8 KB answer 431 and the server still answers afterwards [attack:H3]",
          "[http_server][attack:H3]") {
  HttpServer server;
  add_hello_route(server);
  RunningServer running(server);
  {
    RawConnection connection(running.port());
    std::string request = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (int i = 0; i < 100; ++i) request += "X-Filler-" + std::to_string(i) + ": " + std::string(8000, 'a') + "\r\n";
    request += "\r\n";
    connection.send(request);  // the server may close before all of it is sent
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->status == 431);
    CHECK(body_of(response->body)["error"] == "request_header_fields_too_large");
    CHECK(connection.closed_by_peer());
  }
  auto after = running.client().Get("/hello");
  REQUIRE(after);
  CHECK(after->status == 200);
}

TEST_CASE("one header line over 8 KB answers 400 (httplib's compiled-in line limit) [attack:H3]",
          "[http_server][attack:H3]") {
  HttpServer server;
  RunningServer running(server);
  RawConnection connection(running.port());
  REQUIRE(connection.send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n"));
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(body_of(response->body)["error"] == "invalid_request");
}

TEST_CASE("a 10 KB URI answers 414 and the server still answers afterwards [attack:H3]",
          "[http_server][attack:H3]") {
  HttpServer server;
  add_hello_route(server);
  RunningServer running(server);
  {
    RawConnection connection(running.port());
    REQUIRE(connection.send("GET /hello?q=" + std::string(10 << 10, 'a') + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->status == 414);
    CHECK(body_of(response->body)["error"] == "uri_too_long");
    CHECK(response->header("X-Content-Type-Options") == "nosniff");
  }
  {
    // A request line beyond max_header_bytes is not answered at all: the connection is closed.
    RawConnection connection(running.port());
    connection.send("GET /hello?q=" + std::string(100 << 10, 'a') + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(connection.closed_by_peer());
  }
  auto after = running.client().Get("/hello");
  REQUIRE(after);
  CHECK(after->status == 200);
}

// httplib 0.11.4 bounds each read by read_timeout (5 s) only, so a client that sends one byte every few seconds
// holds a worker forever, and worker_threads such clients starve everybody else (measured: with 2 workers and 4
// connections trickling a byte every 300 ms, a legitimate request got no answer in 12 s; this test with
// request_timeout raised to 30 s fails the same way). HttpServer bounds the whole
// request by request_timeout instead: a trickling connection loses its worker after request_timeout, so a
// legitimate request waits at most about ceil(slow connections / workers) x request_timeout. It is a bound, not
// immunity: an attacker who keeps reconnecting keeps the queue long (see the report in ATTACKS.md H4).
TEST_CASE("slowloris connections beyond the worker pool delay a legitimate request only boundedly [attack:H4]",
          "[http_server][attack:H4]") {
  HttpLimits limits;
  limits.worker_threads = 2;
  limits.request_timeout = 500ms;
  HttpServer server(limits);
  add_hello_route(server);
  RunningServer running(server);

  constexpr int kSlowConnections = 6;
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < kSlowConnections; ++i) {
    slow.push_back(std::make_unique<RawConnection>(running.port()));
    REQUIRE(slow.back()->connected());
    REQUIRE(slow.back()->send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  }
  // One header byte per connection every 100 ms: far inside the 5 s per-read timeout.
  std::atomic<bool> trickling{true};
  std::thread trickler([&] {
    while (trickling.load()) {
      for (auto& connection : slow) connection->send("X");
      std::this_thread::sleep_for(100ms);
    }
  });

  const auto start = std::chrono::steady_clock::now();
  auto result = running.client().Get("/hello");
  const auto waited = std::chrono::steady_clock::now() - start;
  trickling.store(false);
  trickler.join();

  REQUIRE(result);
  CHECK(result->status == 200);
  // 6 slow connections over 2 workers: about 3 x 500 ms of queueing, never the 5 s client read timeout.
  CHECK(waited < 2500ms);
  // Every slow connection was answered 408 and cut off.
  for (auto& connection : slow) {
    auto answer = connection->read_response(1000ms);
    REQUIRE(answer);
    CHECK(answer->status == 408);
    CHECK(connection->closed_by_peer(1000ms));
  }
}

TEST_CASE("binding a port already in use fails with io_error (no SO_REUSEPORT sharing)", "[http_server]") {
  HttpServer first;
  RunningServer running(first);
  HttpServer second;
  auto bound = second.bind("127.0.0.1", running.port());
  REQUIRE_FALSE(bound);
  CHECK(bound.error().code == veil::ErrorCode::io_error);
  CHECK_FALSE(second.bind("127.0.0.1", 70000));
}

TEST_CASE("stop before run makes run return at once", "[http_server]") {
  HttpServer server;
  REQUIRE(server.bind("127.0.0.1", 0));
  server.stop();
  server.run();  // returns instead of serving forever
  SUCCEED();
}

TEST_CASE("keep-alive connections serve several requests and stop() ends idle ones", "[http_server]") {
  HttpServer server;
  add_hello_route(server);
  RunningServer running(server);
  RawConnection connection(running.port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(connection.send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->status == 200);
  }
  const auto start = std::chrono::steady_clock::now();
  server.stop();
  CHECK(connection.closed_by_peer(1000ms));
  CHECK(std::chrono::steady_clock::now() - start < 1000ms);
}

namespace {

// Runs serve_until_signal on its own thread, waits for the line, then sends |signal| to that thread only.
void serve_and_signal(int signal) {
  HttpServer server;
  add_hello_route(server);
  veil::test::LockedStringBuf buffer;
  std::ostream out(&buffer);
  std::atomic<bool> finished{false};
  veil::Status status;
  std::thread serving([&] {
    status = veil::platform::serve_until_signal(server, "127.0.0.1", 0, out);
    finished.store(true);
  });
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (buffer.str().empty() && !finished.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(2ms);
  }
  REQUIRE(buffer.str() == "listening on http://127.0.0.1:" + std::to_string(server.port()) + "\n");

  httplib::Client client("127.0.0.1", server.port());
  auto result = client.Get("/hello");
  REQUIRE(result);
  CHECK(result->status == 200);

  // The signal goes to the serving thread, which blocks it and takes it with sigwait; the rest of the test
  // process keeps the default disposition and never sees it.
  REQUIRE(pthread_kill(serving.native_handle(), signal) == 0);
  serving.join();
  CHECK(finished.load());
  CHECK(status.has_value());
  CHECK_FALSE(client.Get("/hello"));
}

}  // namespace

TEST_CASE("serve_until_signal prints the listening line and stops cleanly on SIGTERM", "[http_server]") {
  serve_and_signal(SIGTERM);
}

TEST_CASE("serve_until_signal stops cleanly on SIGINT", "[http_server]") { serve_and_signal(SIGINT); }

TEST_CASE("serve_until_signal fails with io_error and prints nothing when it cannot bind", "[http_server]") {
  HttpServer first;
  RunningServer running(first);
  HttpServer second;
  veil::test::LockedStringBuf buffer;
  std::ostream out(&buffer);
  auto status = veil::platform::serve_until_signal(second, "127.0.0.1", running.port(), out);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == veil::ErrorCode::io_error);
  CHECK(buffer.str().empty());
}

TEST_CASE("serve_until_signal hands the bound port to prepare before printing and serving", "[http_server]") {
  HttpServer server;
  veil::test::LockedStringBuf buffer;
  std::ostream out(&buffer);
  std::atomic<int> seen_port{0};
  std::atomic<bool> finished{false};
  veil::Status status;
  std::thread serving([&] {
    status = veil::platform::serve_until_signal(server, "127.0.0.1", 0, out, [&](int bound_port) -> veil::Status {
      CHECK(buffer.str().empty());
      seen_port.store(bound_port);
      server.router().Get("/port", [bound_port](const httplib::Request&, httplib::Response& response) {
        veil::platform::send_json(response, 200, Json{{"port", bound_port}});
      });
      return {};
    });
    finished.store(true);
  });
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (buffer.str().empty() && !finished.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(2ms);
  }
  REQUIRE(seen_port.load() == server.port());
  CHECK(buffer.str() == "listening on http://127.0.0.1:" + std::to_string(server.port()) + "\n");
  httplib::Client client("127.0.0.1", server.port());
  auto result = client.Get("/port");
  REQUIRE(result);
  CHECK(body_of(result->body) == Json{{"port", server.port()}});
  REQUIRE(pthread_kill(serving.native_handle(), SIGTERM) == 0);
  serving.join();
  CHECK(status.has_value());
}

TEST_CASE("serve_until_signal returns the error of prepare without printing or serving", "[http_server]") {
  HttpServer server;
  veil::test::LockedStringBuf buffer;
  std::ostream out(&buffer);
  auto status = veil::platform::serve_until_signal(server, "127.0.0.1", 0, out, [](int) -> veil::Status {
    return veil::fail(veil::ErrorCode::io_error, "cannot open the data directory");
  });
  REQUIRE_FALSE(status);
  CHECK(status.error().message == "cannot open the data directory");
  CHECK(buffer.str().empty());
  RawConnection connection(server.port());
  CHECK_FALSE(connection.connected());
}
