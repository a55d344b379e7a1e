#include "net/http_client.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <cerrno>
#include <stdexcept>

#include "util/text.hpp"

namespace visionary::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

struct http_client::connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  asio::ip::address peer;  // the address connected to, checked again when the connection is reused
  std::chrono::steady_clock::time_point idle_since;
  [[nodiscard]] beast::tcp_stream& socket() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

// How an abort signal reaches an exchange: the signal's action (on any thread) marks the hook
// fired and posts, to the executor the exchange runs on, a call of whatever stops the step in
// progress (a resolver's cancel, a socket's close). The action may run after the exchange ended,
// so it holds the hook by shared_ptr; every member but `fired` is touched on that executor only.
struct http_client::abort_hook {
  explicit abort_hook(asio::any_io_executor on) : executor(std::move(on)) {}
  asio::any_io_executor executor;
  std::atomic<bool> fired{false};
  std::function<void()> stop_step;  // empty between steps and once the exchange is over
};

namespace {

constexpr auto max_idle_time = std::chrono::seconds{20};
constexpr std::size_t max_idle_per_origin = 16;

transport_error fail(transport_failure kind, std::string message) {
  return transport_error{kind, std::move(message)};
}

using abort_hook = http_client::abort_hook;

transport_error aborted_error(bool request_sent) {
  auto error = fail(transport_failure::aborted, "the request was aborted");
  error.request_sent = request_sent;
  return error;
}

// While it lives, an abort stops the current step with `stop` (called on the exchange's executor).
class abort_step {
 public:
  abort_step(abort_hook& hook, std::function<void()> stop) : hook_(hook) {
    hook_.stop_step = std::move(stop);
  }
  ~abort_step() { hook_.stop_step = nullptr; }
  abort_step(const abort_step&) = delete;
  abort_step& operator=(const abort_step&) = delete;
  // Checked once the step is armed: an abort that came before is seen here, a later one stops it.
  [[nodiscard]] bool aborted() const { return hook_.fired; }

 private:
  abort_hook& hook_;
};

// The action registered with a request's abort signal.
util::abort_signal::action abort_action(std::shared_ptr<abort_hook> hook) {
  return [hook = std::move(hook)] {
    hook->fired = true;
    asio::post(hook->executor, [hook] {
      if (hook->stop_step) hook->stop_step();
    });
  };
}

// Where an exchange failed: a request that never left may be sent again, even a POST.
enum class exchange_stage { sending, receiving };

std::string_view describe(exchange_stage stage) {
  return stage == exchange_stage::sending ? "sending the request" : "reading the response";
}

transport_error from_code(const boost::system::error_code& ec, exchange_stage stage) {
  transport_error error;
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    error = fail(transport_failure::timeout, "timed out " + std::string(describe(stage)));
  } else if (ec == http::error::body_limit || ec == http::error::header_limit) {
    error = fail(transport_failure::response_too_large, "response exceeds the size limit");
  } else {
    error =
        fail(transport_failure::protocol_error, std::string(describe(stage)) + ": " + ec.message());
  }
  error.request_sent = true;  // even a write that failed half-way may have delivered it
  return error;
}

// A reused connection the server has meanwhile closed fails like this before any answer arrives.
bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

struct exchange_outcome {
  boost::system::error_code ec;
  exchange_stage stage = exchange_stage::receiving;
  http_response response;
  bool keep_alive = false;
  bool header_delivered = false;  // relaying: on_header has run, so the exchange cannot be retried
  bool abandoned = false;         // relaying: a callback gave up
};

// Limits every answer is read with, whatever its body type.
template <class Parser>
void apply_limits(Parser& parser, const http_request& request) {
  parser.header_limit(64 * 1024);
  parser.body_limit(request.max_response_bytes);
  if (request.method == "HEAD") parser.skip(true);
}

// Status and headers of a received answer.
template <class Message>
void take_head(const Message& received, http_response& response) {
  response.status = received.result_int();
  for (const auto& field : received) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
}

// Reads the answer's header, hands it over, then passes the body on in pieces of up to 64 KB.
template <class Stream>
asio::awaitable<void> relay(Stream& stream, beast::flat_buffer& buffer, const http_request& request,
                            exchange_outcome& out) {
  http::response_parser<http::buffer_body> parser;
  apply_limits(parser, request);
  auto [header_ec, header_bytes] =
      co_await http::async_read_header(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  if (header_ec) {
    out.ec = header_ec;
    co_return;
  }
  take_head(parser.get(), out.response);
  out.header_delivered = true;
  if (!co_await request.on_header(out.response)) {
    out.abandoned = true;
    co_return;
  }
  std::array<char, 64 * 1024> piece;
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    // read_some: whatever has arrived goes on at once, rather than waiting to fill the piece.
    auto [ec, read] =
        co_await http::async_read_some(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      out.ec = ec;
      co_return;
    }
    const std::size_t filled = piece.size() - parser.get().body().size;
    if (filled > 0 && !co_await request.on_body(std::string_view(piece.data(), filled))) {
      out.abandoned = true;
      co_return;
    }
  }
  out.keep_alive = parser.get().keep_alive() && buffer.size() == 0;
}

template <class Stream>
asio::awaitable<exchange_outcome> exchange(Stream& stream, const http_request& request,
                                           std::string_view host_header, std::string_view target) {
  http::request<http::string_body> message;
  message.method_string(request.method);
  message.target(target);
  message.version(11);
  message.set(http::field::host, host_header);
  message.set(http::field::user_agent, "VisionaryAI/" VISIONARY_VERSION);
  for (const auto& [name, value] : request.headers) message.set(name, value);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    message.body() = request.body;
    message.prepare_payload();
  }
  exchange_outcome out;
  auto [write_ec, written] =
      co_await http::async_write(stream, message, asio::as_tuple(asio::use_awaitable));
  if (write_ec) {
    out.ec = write_ec;
    out.stage = exchange_stage::sending;
    co_return out;
  }
  beast::flat_buffer buffer;
  if (request.on_body) {
    co_await relay(stream, buffer, request, out);
    co_return out;
  }
  http::response_parser<http::string_body> parser;
  apply_limits(parser, request);
  auto [read_ec, read] =
      co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  if (read_ec) {
    out.ec = read_ec;
    co_return out;
  }
  auto& received = parser.get();
  take_head(received, out.response);
  out.response.body = std::move(received.body());
  // Leftover bytes would belong to nobody: only a cleanly ended exchange may be reused.
  out.keep_alive = received.keep_alive() && buffer.size() == 0;
  co_return out;
}

}  // namespace

void throw_exception_from_error(const transport_error& error, const boost::source_location&) {
  throw std::logic_error("unchecked transport failure: " + error.message);
}

std::optional<std::string_view> http_response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (util::iequals_ascii(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

http_client::http_client(const std::string& ca_file)
    : tls_(asio::ssl::context::tls_client), ca_file_(ca_file) {
  tls_.set_verify_mode(asio::ssl::verify_peer);
  // An unreadable CA file is a configuration error: say so at start-up, not at the first call.
  if (!ca_file_.empty() && ::access(ca_file_.c_str(), R_OK) != 0) {
    throw std::runtime_error("cannot read the CA file " + ca_file_ + " (VISIONARY_CA_FILE)");
  }
}

void http_client::load_trust_store() {
  // Parsing the system's CA bundle costs memory; a server that never calls out over TLS skips it.
  std::call_once(trust_loaded_, [this] {
    tls_.set_default_verify_paths();
    if (!ca_file_.empty()) tls_.load_verify_file(ca_file_);
  });
}

http_client::~http_client() = default;

std::size_t http_client::connections_opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

namespace {

// True when the peer has not closed an idle connection: a look at the socket without reading or
// waiting. Bytes waiting on a plain connection are an answer nobody asked for (its next answer
// would be ambiguous); on TLS they may be the protocol's own records, so only a close counts.
bool still_open(http_client::connection& conn) {
  char byte = 0;
  const auto n = ::recv(conn.socket().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return false;
  if (n > 0) return conn.tls.has_value();
  return errno == EAGAIN || errno == EWOULDBLOCK;
}

}  // namespace

std::unique_ptr<http_client::connection> http_client::take_idle(const std::string& origin) {
  std::lock_guard lock(mutex_);
  auto it = idle_.find(origin);
  while (it != idle_.end() && !it->second.empty()) {
    auto conn = std::move(it->second.back());
    it->second.pop_back();
    // A connection the server already closed would fail a request that must not be repeated.
    if (std::chrono::steady_clock::now() - conn->idle_since < max_idle_time && still_open(*conn)) {
      return conn;
    }
  }
  return nullptr;
}

void http_client::give_back(const std::string& origin, std::unique_ptr<connection> conn) {
  conn->idle_since = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto& pool = idle_[origin];
  if (pool.size() < max_idle_per_origin) pool.push_back(std::move(conn));
}

struct destination {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;       // path and query
  std::string host_header;  // host[:port] as the Host header says it
  std::string origin;       // the key of the keep-alive pool
};

namespace {

boost::system::result<destination, transport_error> parse_destination(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return fail(transport_failure::invalid_url, "invalid URL");
  const auto& url = *parsed;
  destination d;
  d.tls = url.scheme_id() == boost::urls::scheme::https;
  if (!d.tls && url.scheme_id() != boost::urls::scheme::http) {
    return fail(transport_failure::invalid_url, "only http and https URLs are supported");
  }
  d.host = url.host_address();
  if (d.host.empty()) return fail(transport_failure::invalid_url, "URL without a host");
  d.port = url.has_port() ? std::string(url.port()) : (d.tls ? "443" : "80");
  d.target = std::string(url.encoded_path());
  if (d.target.empty()) d.target = "/";
  if (url.has_query()) d.target += "?" + std::string(url.encoded_query());
  // The encoded host keeps an IPv6 address in its brackets.
  d.host_header = std::string(url.encoded_host_and_port());
  d.origin = std::string(d.tls ? "https" : "http") + "://" +
             util::to_lower_ascii(url.encoded_host()) + ":" + d.port;
  return d;
}

using deadline_point = std::chrono::steady_clock::time_point;

// The resolved endpoints the request's address policy allows; refused when it allows none.
boost::system::result<std::vector<tcp::endpoint>, transport_error> permitted(
    const tcp::resolver::results_type& resolved, const destination& to,
    const http_request& request) {
  std::vector<tcp::endpoint> allowed;
  std::string refused;
  for (const auto& entry : resolved) {
    const auto endpoint = entry.endpoint();
    if (!request.address_policy || request.address_policy(endpoint.address())) {
      allowed.push_back(endpoint);
    } else {
      refused += (refused.empty() ? "" : ", ") + endpoint.address().to_string();
    }
  }
  if (allowed.empty() && !refused.empty()) {
    return fail(transport_failure::destination_refused,
                to.host + " resolves only to addresses this request may not use (" + refused + ")");
  }
  return allowed;
}

asio::awaitable<boost::system::result<tcp::resolver::results_type, transport_error>> resolve(
    const destination& to, deadline_point deadline, abort_hook& hook) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  asio::steady_timer timer(executor, deadline);
  abort_step step(hook, [&resolver] { resolver.cancel(); });
  if (step.aborted()) co_return aborted_error(false);
  auto resolved =
      co_await (resolver.async_resolve(to.host, to.port, asio::as_tuple(asio::use_awaitable)) ||
                timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (resolved.index() == 1)
    co_return fail(transport_failure::timeout, "timed out resolving " + to.host);
  if (step.aborted()) co_return aborted_error(false);
  auto [resolve_ec, endpoints] = std::get<0>(resolved);
  if (resolve_ec) {
    co_return fail(transport_failure::resolve_failed,
                   "cannot resolve " + to.host + ": " + resolve_ec.message());
  }
  co_return endpoints;
}

asio::awaitable<boost::system::result<void, transport_error>> handshake(
    beast::ssl_stream<beast::tcp_stream>& stream, const std::string& host) {
  if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
    co_return fail(transport_failure::tls_failed, "cannot set TLS server name");
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client,
                                              asio::as_tuple(asio::use_awaitable));
  if (ec == beast::error::timeout) {
    co_return fail(transport_failure::timeout, "timed out in the TLS handshake with " + host);
  }
  if (ec) {
    co_return fail(transport_failure::tls_failed,
                   "TLS handshake with " + host + " failed: " + ec.message());
  }
  co_return boost::system::result<void, transport_error>{};
}

asio::awaitable<exchange_outcome> exchange_on(http_client::connection& conn,
                                              const http_request& request, const destination& to,
                                              deadline_point deadline) {
  if (conn.tls) {
    beast::get_lowest_layer(*conn.tls).expires_at(deadline);
    co_return co_await exchange(*conn.tls, request, to.host_header, to.target);
  }
  conn.plain->expires_at(deadline);
  co_return co_await exchange(*conn.plain, request, to.host_header, to.target);
}

}  // namespace

std::optional<std::string> origin_of(std::string_view url) {
  auto to = parse_destination(url);
  if (!to) return std::nullopt;
  return std::move(to->origin);
}

void http_client::keep_for_reuse(const std::string& origin, std::unique_ptr<connection> conn) {
  if (conn->tls)
    beast::get_lowest_layer(*conn->tls).expires_never();
  else
    conn->plain->expires_never();
  give_back(origin, std::move(conn));
}

asio::awaitable<boost::system::result<std::unique_ptr<http_client::connection>, transport_error>>
http_client::connect(const destination& to, const http_request& request, deadline_point deadline,
                     abort_hook& hook) {
  auto resolved = co_await resolve(to, deadline, hook);
  if (!resolved) co_return resolved.error();
  auto endpoints = permitted(*resolved, to, request);
  if (!endpoints) co_return endpoints.error();
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_at(deadline);
  tcp::endpoint endpoint;
  {
    abort_step step(hook, [&stream] { stream.close(); });
    if (step.aborted()) co_return aborted_error(false);
    auto [connect_ec, connected] =
        co_await stream.async_connect(*endpoints, asio::as_tuple(asio::use_awaitable));
    if (step.aborted()) co_return aborted_error(false);
    if (connect_ec == beast::error::timeout) {
      co_return fail(transport_failure::timeout, "timed out connecting to " + to.host);
    }
    if (connect_ec) {
      co_return fail(transport_failure::connect_failed,
                     "cannot connect to " + to.host_header + ": " + connect_ec.message());
    }
    endpoint = connected;
  }
  auto conn = std::make_unique<connection>();
  conn->peer = endpoint.address();
  if (to.tls) {
    load_trust_store();
    conn->tls.emplace(std::move(stream), tls_);
    abort_step step(hook, [&conn] { conn->socket().close(); });
    auto shaken = co_await handshake(*conn->tls, to.host);
    if (step.aborted()) co_return aborted_error(false);
    if (!shaken) co_return shaken.error();
  } else {
    conn->plain.emplace(std::move(stream));
  }
  std::lock_guard lock(mutex_);
  ++opened_;
  co_return conn;
}

asio::awaitable<transport_result> http_client::send(http_request request) {
  auto to = parse_destination(request.url);
  if (!to) co_return to.error();
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  auto hook = std::make_shared<abort_hook>(co_await asio::this_coro::executor);
  util::abort_registration registration(request.abort, abort_action(hook));
  if (!registration.active()) co_return aborted_error(false);
  co_return co_await attempt(*to, request, deadline, *hook);
}

asio::awaitable<transport_result> http_client::attempt(const destination& to,
                                                       const http_request& request,
                                                       deadline_point deadline, abort_hook& hook) {
  // A pooled connection first; if the server closed it meanwhile, retry once on a fresh one
  // (a POST only when it never left: its effect must not happen twice).
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<connection> conn = attempt == 0 ? take_idle(to.origin) : nullptr;
    // A pooled connection may lead somewhere this request must not go: a fresh one decides.
    if (conn && request.address_policy && !request.address_policy(conn->peer)) conn.reset();
    const bool reused = conn != nullptr;
    if (!conn) {
      auto connected = co_await connect(to, request, deadline, hook);
      if (!connected) co_return connected.error();
      conn = std::move(*connected);
    }
    exchange_outcome out;
    {
      abort_step step(hook, [&conn] { conn->socket().close(); });
      if (step.aborted()) co_return aborted_error(false);
      out = co_await exchange_on(*conn, request, to, deadline);
      // Aborted, even if the answer made it: the connection may be closed, so it is dropped.
      if (step.aborted()) co_return aborted_error(out.stage != exchange_stage::sending);
    }
    if (out.abandoned) {
      auto stopped = fail(transport_failure::protocol_error, "the receiver stopped the relay");
      stopped.request_sent = true;
      co_return stopped;
    }
    if (out.ec) {
      const bool sent = out.stage != exchange_stage::sending;
      if (reused && !out.header_delivered && is_stale_connection_error(out.ec) &&
          (request.method != "POST" || !sent))
        continue;
      co_return from_code(out.ec, out.stage);
    }
    if (out.keep_alive) keep_for_reuse(to.origin, std::move(conn));
    co_return std::move(out.response);
  }
  co_return fail(transport_failure::protocol_error, "the connection closed unexpectedly");
}

}  // namespace visionary::net
