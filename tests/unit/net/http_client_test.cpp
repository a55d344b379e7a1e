// http_client against a small HTTP/1.1 server on loopback run by the test: keep-alive connections
// are reused, a connection the server closed meanwhile is replaced transparently for idempotent
// requests, limits and refused connections come back as transport errors, and an address policy
// refuses resolved addresses (and pooled connections) before anything is sent, and an abort
// signal stops an exchange at once, at whatever step, from any thread.
#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "net/address_scope.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using visionary::net::http_client;
using visionary::net::http_request;
using visionary::net::transport_failure;
using visionary::net::transport_result;
using visionary::util::abort_signal;

// Serves "hello <n>" on every request; closes each connection after `requests_per_connection`
// answers. Counts the connections it accepted. Runs on its own thread until destroyed.
class loopback_server {
 public:
  explicit loopback_server(int requests_per_connection, std::size_t body_size = 0)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
        per_connection_(requests_per_connection),
        body_size_(body_size) {
    thread_ = std::thread([this] { run(); });
  }
  ~loopback_server() {
    stopping_ = true;
    boost::system::error_code ignored;
    tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ignored);  // unblocks accept()
    thread_.join();
  }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) +
           std::string(path);
  }
  std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }
  int accepted() const { return accepted_.load(); }
  int closed() const { return closed_.load(); }

 private:
  void run() {
    int served = 0;
    while (!stopping_) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      ++accepted_;
      beast::flat_buffer buffer;
      for (int i = 0; i < per_connection_; ++i) {
        http::request<http::string_body> request;
        http::read(socket, buffer, request, ec);
        if (ec) break;
        http::response<http::string_body> response{http::status::ok, 11};
        response.body() =
            body_size_ ? std::string(body_size_, 'x') : "hello " + std::to_string(++served);
        response.keep_alive(true);  // even on the last answer: the client must cope with the close
        response.prepare_payload();
        http::write(socket, response, ec);
        if (ec) break;
      }
      socket.shutdown(tcp::socket::shutdown_both, ec);
      ++closed_;
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  int per_connection_;
  std::size_t body_size_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> closed_{0};
  std::thread thread_;
};

// Reads each request, then runs the test's script for it on the server's own thread: the script
// writes what it likes (or nothing) and may wait for the test to open the gate (at most 30 s, the
// answer a client would otherwise wait for). One connection at a time; a connection ends with
// its script. Opens the gate and stops when destroyed.
class scripted_server {
 public:
  using script = std::function<void(int request_number, tcp::socket& socket)>;
  explicit scripted_server(script answer)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
        answer_(std::move(answer)),
        gate_(opened_.get_future().share()) {
    thread_ = std::thread([this] { run(); });
  }
  ~scripted_server() {
    stopping_ = true;
    open_gate();
    boost::system::error_code ignored;
    tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/";
  }
  void open_gate() {
    if (!gate_open_.exchange(true)) opened_.set_value();
  }
  // Blocks the server's thread until the test opens the gate.
  void wait_at_gate() const { gate_.wait_for(std::chrono::seconds{30}); }
  // Set once a request has been read and its script is about to run.
  std::shared_future<void> request_arrived() const { return arrived_future_; }

 private:
  void run() {
    int number = 0;
    while (!stopping_) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) continue;
      if (!arrived_set_.exchange(true)) arrived_.set_value();
      answer_(++number, socket);
      socket.shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  script answer_;
  std::promise<void> opened_;
  std::shared_future<void> gate_;
  std::atomic<bool> gate_open_{false};
  std::promise<void> arrived_;
  std::shared_future<void> arrived_future_ = arrived_.get_future().share();
  std::atomic<bool> arrived_set_{false};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

void write_text(tcp::socket& socket, std::string_view text) {
  boost::system::error_code ignored;
  asio::write(socket, asio::buffer(text), ignored);
}

constexpr std::string_view hello_answer =
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello";

// Fires `signal` from another thread once `ready` is set (or after 10 s, so a broken test ends).
std::thread abort_when(std::shared_future<void> ready, abort_signal& signal) {
  return std::thread([ready = std::move(ready), &signal] {
    ready.wait_for(std::chrono::seconds{10});
    signal.abort();
  });
}

// One io_context for all of a client's calls, as in the server: pooled connections belong to it.
transport_result send(asio::io_context& io, http_client& client, http_request request) {
  auto future = asio::co_spawn(io, client.send(std::move(request)), asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

http_request get(std::string url) {
  http_request request;
  request.url = std::move(url);
  request.timeout = std::chrono::seconds{10};
  return request;
}

TEST(HttpClient, ReusesKeepAliveConnections) {
  loopback_server server(100);
  asio::io_context io;
  http_client client;
  for (int i = 1; i <= 3; ++i) {
    auto response = send(io, client, get(server.url()));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200u);
    EXPECT_EQ(response->body, "hello " + std::to_string(i));
  }
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(HttpClient, ReplacesAConnectionTheServerClosed) {
  loopback_server server(1);  // one answer per connection, then the server hangs up
  asio::io_context io;
  http_client client;
  for (int i = 1; i <= 3; ++i) {
    auto response = send(io, client, get(server.url()));
    ASSERT_TRUE(response) << "request " << i << ": " << response.error().message;
    EXPECT_EQ(response->body, "hello " + std::to_string(i));
  }
  EXPECT_EQ(server.accepted(), 3);
}

// A POST is never sent twice, so a pooled connection the server has already closed (its idle
// timeout passed) must be noticed before the POST goes out on it.
TEST(HttpClient, APostIsNotSentOnAConnectionTheServerAlreadyClosed) {
  loopback_server server(1);  // announces keep-alive, then hangs up after each answer
  asio::io_context io;
  http_client client;
  for (int i = 1; i <= 3; ++i) {
    while (server.closed() < i - 1) std::this_thread::yield();  // the hang-up has happened
    auto request = get(server.url());
    request.method = "POST";
    request.body = "{}";
    auto response = send(io, client, std::move(request));
    ASSERT_TRUE(response) << "request " << i << ": " << response.error().message;
    EXPECT_EQ(response->body, "hello " + std::to_string(i));
  }
  EXPECT_EQ(server.accepted(), 3);
}

TEST(HttpClient, ResponseOverTheLimitIsAnError) {
  loopback_server server(1, 64 * 1024);
  asio::io_context io;
  http_client client;
  auto request = get(server.url());
  request.max_response_bytes = 1024;
  auto response = send(io, client, std::move(request));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, transport_failure::response_too_large);
}

TEST(HttpClient, RefusedConnectionAndBadUrlsAreErrors) {
  std::string closed_url;
  {
    loopback_server server(1);
    closed_url = server.url();
  }
  asio::io_context io;
  http_client client;
  auto refused = send(io, client, get(closed_url));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, transport_failure::connect_failed);
  auto bad = send(io, client, get("ftp://127.0.0.1/x"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, transport_failure::invalid_url);
}

TEST(HttpClient, OriginNamesSchemeHostAndPort) {
  using visionary::net::origin_of;
  EXPECT_EQ(origin_of("https://API.Example.com/v1/x?y=1"), "https://api.example.com:443");
  EXPECT_EQ(origin_of("HTTP://127.0.0.1:8080/v1"), "http://127.0.0.1:8080");
  EXPECT_EQ(origin_of("http://user:password@host/"), "http://host:80");
  EXPECT_EQ(origin_of("https://[::1]:8443/"), "https://[::1]:8443");
  EXPECT_EQ(origin_of("ftp://host/"), std::nullopt);
  EXPECT_EQ(origin_of("not a url"), std::nullopt);
}

TEST(HttpClient, AddressPolicyRefusesResolvedAddressesBeforeConnecting) {
  loopback_server server(100);
  asio::io_context io;
  http_client client;
  auto request = get(server.url());
  std::vector<std::string> judged;
  request.address_policy = [&judged](const asio::ip::address& address) {
    judged.push_back(address.to_string());
    return false;
  };
  auto refused = send(io, client, std::move(request));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, transport_failure::destination_refused);
  EXPECT_FALSE(refused.error().request_sent);
  EXPECT_EQ(judged, std::vector<std::string>{"127.0.0.1"});
  // A host name is judged by what it resolves to: "localhost" is loopback, never public.
  auto by_name = get("http://localhost:" + server.port() + "/");
  by_name.address_policy = visionary::net::is_public_address;
  auto refused_by_name = send(io, client, std::move(by_name));
  ASSERT_FALSE(refused_by_name);
  EXPECT_EQ(refused_by_name.error().kind, transport_failure::destination_refused);
  EXPECT_EQ(server.accepted(), 0);
  EXPECT_EQ(client.connections_opened(), 0u);
}

TEST(HttpClient, AddressPolicyAlsoJudgesPooledConnections) {
  loopback_server server(100);
  asio::io_context io;
  http_client client;
  ASSERT_TRUE(send(io, client, get(server.url())));
  auto allowed = get(server.url());
  allowed.address_policy = [](const asio::ip::address& address) { return address.is_loopback(); };
  auto reused = send(io, client, std::move(allowed));
  ASSERT_TRUE(reused) << reused.error().message;
  EXPECT_EQ(client.connections_opened(), 1u) << "an allowed peer's connection is reused";
  auto refused = get(server.url());
  refused.address_policy = [](const asio::ip::address&) { return false; };
  auto answer = send(io, client, std::move(refused));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, transport_failure::destination_refused);
  EXPECT_EQ(client.connections_opened(), 1u) << "nor is a new one opened";
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, AbortBeforeSendingNeverConnects) {
  loopback_server server(100);
  asio::io_context io;
  http_client client;
  abort_signal signal;
  signal.abort();
  auto request = get(server.url());
  request.abort = &signal;
  auto response = send(io, client, std::move(request));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, transport_failure::aborted);
  EXPECT_FALSE(response.error().request_sent);
  EXPECT_EQ(server.accepted(), 0);
  EXPECT_EQ(client.connections_opened(), 0u);
}

TEST(HttpClient, AbortWhileTheServerDelaysItsAnswerReturnsAtOnce) {
  scripted_server server([&server](int number, tcp::socket& socket) {
    if (number == 1) server.wait_at_gate();  // the first answer would take 30 s
    write_text(socket, hello_answer);
  });
  asio::io_context io;
  http_client client;
  abort_signal signal;
  auto request = get(server.url());
  request.timeout = std::chrono::seconds{30};
  request.abort = &signal;
  auto aborter = abort_when(server.request_arrived(), signal);
  const auto started = std::chrono::steady_clock::now();
  auto response = send(io, client, std::move(request));
  const auto took = std::chrono::steady_clock::now() - started;
  aborter.join();
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, transport_failure::aborted);
  EXPECT_TRUE(response.error().request_sent);
  EXPECT_LT(took, std::chrono::seconds{2});

  // The aborted connection was not pooled: the next request opens a new one, and is answered.
  server.open_gate();
  auto later = send(io, client, get(server.url()));
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->body, "hello");
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST(HttpClient, AbortDuringAStreamedBodyStopsTheRelay) {
  scripted_server server([&server](int number, tcp::socket& socket) {
    if (number > 1) return write_text(socket, hello_answer);
    write_text(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
    server.wait_at_gate();  // the rest of the body would come 30 s later
    write_text(socket, "4\r\nlast\r\n0\r\n\r\n");
  });
  asio::io_context io;
  http_client client;
  abort_signal signal;
  std::promise<void> first_piece;
  std::string received;
  auto request = get(server.url());
  request.timeout = std::chrono::seconds{30};
  request.abort = &signal;
  request.on_header = [](const visionary::net::http_response&) -> asio::awaitable<bool> {
    co_return true;
  };
  request.on_body = [&](std::string_view piece) -> asio::awaitable<bool> {
    if (received.empty()) first_piece.set_value();
    received += piece;
    co_return true;
  };
  auto aborter = abort_when(first_piece.get_future().share(), signal);
  const auto started = std::chrono::steady_clock::now();
  auto response = send(io, client, std::move(request));
  const auto took = std::chrono::steady_clock::now() - started;
  aborter.join();
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, transport_failure::aborted);
  EXPECT_EQ(received, "first");
  EXPECT_LT(took, std::chrono::seconds{2});

  server.open_gate();
  auto later = send(io, client, get(server.url()));
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->body, "hello");
}

TEST(HttpClient, ASignalThatNeverFiresChangesNothing) {
  loopback_server server(100);
  asio::io_context io;
  http_client client;
  abort_signal signal;
  for (int i = 1; i <= 2; ++i) {
    auto request = get(server.url());
    request.abort = &signal;
    auto response = send(io, client, std::move(request));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "hello " + std::to_string(i));
  }
  EXPECT_EQ(client.connections_opened(), 1u) << "the connection was pooled and reused";
  signal.abort();  // after the exchanges: nothing is left to stop
  auto after = send(io, client, get(server.url()));
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->body, "hello 3");
}

}  // namespace
