// http_client: a small asynchronous HTTP/1.1 client for outbound calls (image providers, image
// downloads, Azure Storage), plain or TLS with SNI, certificate and host name verification, one
// deadline for the whole exchange, a response size cap, a keep-alive pool per origin, and an
// optional policy on the addresses a request may connect to, and an optional abort signal.
// Thread-safe: send() may run concurrently on any executor. A request with an abort signal must be
// sent from a coroutine whose executor runs one handler at a time (a strand, or an io_context run
// by one thread): the signal's action stops the exchange by posting to that executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/abort_signal.hpp"

namespace visionary::net {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_response;

struct http_request {
  std::string method = "GET";
  std::string url;
  header_list headers;
  std::string body;
  std::chrono::milliseconds timeout{30'000};
  std::size_t max_response_bytes = 64 * 1024 * 1024;
  // Relaying without holding the body: when on_body is set, the answer's status and headers go to
  // on_header once, then its body piece by piece to on_body, and the returned response has an
  // empty body. Either callback returning false abandons the exchange (the connection is closed).
  std::function<boost::asio::awaitable<bool>(const http_response&)> on_header;
  std::function<boost::asio::awaitable<bool>(std::string_view)> on_body;
  // Where the request may connect to, decided on each address the host name resolved to (after
  // DNS, so a name cannot be re-pointed between a check and the connection) and on the peer of a
  // pooled connection. Unset: anywhere. No address allowed: destination_refused.
  std::function<bool(const boost::asio::ip::address&)> address_policy;
  // Stops the exchange promptly once it fires, at whatever step (resolving, connecting, writing,
  // waiting for or reading the answer): send() then answers `aborted`, and the connection is
  // closed, never pooled. The signal must outlive send(). Unset: never aborted.
  util::abort_signal* abort = nullptr;
};

struct http_response {
  unsigned status = 0;
  header_list headers;
  std::string body;
  // Case-insensitive look-up of the first header with this name.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

enum class transport_failure {
  invalid_url,
  resolve_failed,
  connect_failed,
  tls_failed,
  timeout,
  response_too_large,
  protocol_error,
  destination_refused,  // the host resolved only to addresses the request's address_policy refuses
  aborted,              // the request's abort signal fired
};

struct transport_error {
  transport_failure kind = transport_failure::protocol_error;
  std::string message;
  // The request (or part of it) left: the server may have acted on it, so a POST must not be
  // sent again. False for failures to resolve, connect or shake hands.
  bool request_sent = false;
};

[[noreturn]] void throw_exception_from_error(const transport_error& error,
                                             const boost::source_location& location);

using transport_result = boost::system::result<http_response, transport_error>;

// "scheme://host:port" of an http(s) URL (host in lower case, default port filled in); the key of
// the keep-alive pool, and what tells whether two URLs lead to the same server.
[[nodiscard]] std::optional<std::string> origin_of(std::string_view url);

struct destination;  // where a request goes, taken apart once (defined in http_client.cpp)

class http_client {
 public:
  // ca_file: extra trusted CA bundle (PEM) besides the system store; empty for none.
  explicit http_client(const std::string& ca_file = {});
  ~http_client();

  [[nodiscard]] boost::asio::awaitable<transport_result> send(http_request request);

  // Connections opened since construction (pool misses); lets tests and benchmarks see reuse.
  [[nodiscard]] std::size_t connections_opened() const;

  struct connection;  // one open plain or TLS connection (defined in http_client.cpp)
  struct abort_hook;  // how an abort signal reaches the step in progress (http_client.cpp)

 private:
  using deadline_point = std::chrono::steady_clock::time_point;
  boost::asio::awaitable<boost::system::result<std::unique_ptr<connection>, transport_error>>
  connect(const destination& to, const http_request& request, deadline_point deadline,
          abort_hook& hook);
  boost::asio::awaitable<transport_result> attempt(const destination& to,
                                                   const http_request& request,
                                                   deadline_point deadline, abort_hook& hook);
  void keep_for_reuse(const std::string& origin, std::unique_ptr<connection> conn);
  void load_trust_store();
  std::unique_ptr<connection> take_idle(const std::string& origin);
  void give_back(const std::string& origin, std::unique_ptr<connection> conn);

  boost::asio::ssl::context tls_;
  std::string ca_file_;
  std::once_flag trust_loaded_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;  // guarded by mutex_
  std::size_t opened_ = 0;                                                // guarded by mutex_
};

}  // namespace visionary::net
