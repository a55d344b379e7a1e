// server: the HTTP/1.1 listener on Boost.Beast and C++20 coroutines. A strand per connection,
// keep-alive, connection caps (in all and per client; see connection_table), a deadline on every
// read and write (headers quickly, bodies at a minimum rate), header and body limits, a lingering
// close after a refused body, a short 429/503 (not a reset) for a connection no cap has room for,
// a request id on every response, back-off when descriptors run out,
// and graceful stop (in-flight requests finish, idle connections close, new ones are refused).
// start() and stop() may be called from any thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/client_address.hpp"
#include "http/connection_table.hpp"
#include "http/http_metrics.hpp"
#include "http/router.hpp"

namespace visionary::http {

struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 3000;
  std::size_t body_limit = 64 * 1024;
  // POST requests to these paths (uploads) may send bodies up to upload_body_limit instead.
  std::vector<std::string> upload_paths;
  std::size_t upload_body_limit = 0;
  std::uint32_t header_limit = 16 * 1024;
  // A request's header must arrive within this from its first byte (a new connection's first
  // byte too): a header sent a line at a time cannot hold a connection for long.
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds idle_timeout{75};  // keep-alive wait for the next request
  // A body gets body_timeout plus the time its length takes at min_body_rate bytes per second.
  std::chrono::seconds body_timeout{10};
  std::size_t min_body_rate = 16 * 1024;
  std::chrono::seconds write_timeout{60};
  connection_caps caps;
  std::vector<util::address_range> uncapped_peers;  // trusted proxies: no per-client cap
  // After a refused request the rest of its body is read and dropped (up to these bounds) so
  // that a client that sends everything before reading still gets the answer, not a reset.
  std::size_t linger_bytes = 16 * 1024 * 1024;
  std::chrono::seconds linger_time{10};
  std::chrono::seconds shutdown_grace{60};  // how long in-flight requests get to finish on stop
  http_metrics* metrics = nullptr;          // where requests and connections are counted, if any
};

class server {
 public:
  server(boost::asio::io_context& io, server_options options, const router& routes);
  ~server();

  // Binds and starts accepting; returns the bound port (useful with port 0).
  // Throws boost::system::system_error when the address cannot be bound (a startup failure).
  unsigned short start();
  void stop();
  // Called once, from any thread, when stop() has let every connection finish.
  void on_drained(std::function<void()> callback) { on_drained_ = std::move(callback); }

 private:
  struct connection;
  struct exchange;  // one request and its answer on a connection
  using request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  // What serve() does after a request: answer it, or (after a relay) read the next one or close.
  enum class next_step { answer, read_next, close };

  boost::asio::awaitable<void> accept_loop();
  void admit(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> serve(std::shared_ptr<connection> conn);
  boost::asio::awaitable<bool> await_request(connection& conn, boost::beast::flat_buffer& buffer,
                                             std::chrono::seconds timeout);
  void turn_away(std::shared_ptr<connection> conn, connection_table::refusal why);
  boost::asio::awaitable<void> answer_refusal(std::shared_ptr<connection> conn,
                                              connection_table::refusal why);
  boost::asio::awaitable<void> drain(connection& conn, std::size_t max_bytes,
                                     std::chrono::seconds max_time);
  [[nodiscard]] std::chrono::seconds body_deadline(const request_parser& parser) const;
  [[nodiscard]] std::size_t body_limit_for(const request_parser& parser) const;
  boost::asio::awaitable<boost::system::error_code> read_body(connection& conn,
                                                              boost::beast::flat_buffer& buffer,
                                                              request_parser& parser);
  bool hold_buffered(const connection& conn, std::size_t bytes);
  bool start_work(const connection& conn);
  void finish_work(const connection& conn);
  boost::asio::awaitable<next_step> handle(connection& conn, boost::beast::flat_buffer& buffer,
                                           request_parser& parser, exchange& ex);
  boost::asio::awaitable<next_step> relay(connection& conn, reply& answer, exchange& ex);
  boost::asio::awaitable<bool> write_answer(connection& conn, exchange& ex);
  void count_request(const exchange& ex, unsigned status) const;
  void count_shed(std::size_t closed, std::string_view reason) const;
  void forget(const std::shared_ptr<connection>& conn);

  boost::asio::io_context& io_;
  server_options options_;
  const router& routes_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer grace_timer_;
  std::function<void()> on_drained_;
  std::atomic<bool> stopping_{false};
  std::mutex connections_mutex_;
  connection_table table_;  // guarded by connections_mutex_
  std::unordered_map<std::uint64_t, std::shared_ptr<connection>> connections_;  // same
  std::uint64_t next_connection_id_ = 0;                                        // same
  std::atomic<std::size_t> turning_away_{0};  // refused connections still being answered
};

}  // namespace visionary::http
