// server: the HTTP/1.1 listener on Boost.Beast and C++20 coroutines. A strand per connection,
// keep-alive, a timeout on every read and write, header and body limits, a request id on every
// response, and graceful stop (in-flight requests finish, idle connections close, new ones are
// refused). start() and stop() may be called from any thread.
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
#include <set>
#include <string>

#include "http/http_metrics.hpp"
#include "http/router.hpp"

namespace visionary::http {

struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 3000;
  std::size_t body_limit = 64 * 1024;
  std::uint32_t header_limit = 16 * 1024;
  std::chrono::seconds read_timeout{30};  // from the first byte of a request to its end
  std::chrono::seconds idle_timeout{75};  // keep-alive wait for the next request
  std::chrono::seconds write_timeout{60};
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
  boost::asio::awaitable<void> serve(std::shared_ptr<connection> conn);
  boost::asio::awaitable<next_step> handle(connection& conn, boost::beast::flat_buffer& buffer,
                                           request_parser& parser, exchange& ex);
  boost::asio::awaitable<next_step> relay(connection& conn, reply& answer, exchange& ex);
  boost::asio::awaitable<bool> write_answer(connection& conn, exchange& ex);
  void count_request(const exchange& ex, unsigned status) const;
  void forget(const std::shared_ptr<connection>& conn);

  boost::asio::io_context& io_;
  server_options options_;
  const router& routes_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer grace_timer_;
  std::function<void()> on_drained_;
  std::atomic<bool> stopping_{false};
  std::mutex connections_mutex_;
  std::set<std::shared_ptr<connection>> connections_;  // guarded by connections_mutex_
};

}  // namespace visionary::http
