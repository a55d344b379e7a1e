#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "util/crypto.hpp"
#include "util/redact.hpp"

namespace visionary::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

// How much one read takes while waiting for the next request to start.
constexpr std::size_t first_read_bytes = 4096;
// Connections refused at a cap are answered (429 or 503) rather than reset, as many at once as
// an eighth of the connection cap (at least 16; past that they are just closed), each within this
// time and reading at most these bytes.
constexpr std::size_t turning_away_share = 8;
constexpr std::size_t min_turning_away = 16;
constexpr std::chrono::seconds turn_away_time{2};
constexpr std::size_t turn_away_drain_bytes = 64 * 1024;

struct server::connection {
  connection(tcp::socket socket, std::uint64_t number)
      : stream(std::move(socket)), id(number), descriptor(stream.socket().native_handle()) {
    boost::system::error_code ec;
    const auto remote = stream.socket().remote_endpoint(ec);
    if (!ec) peer = util::canonical(remote.address());
  }
  beast::tcp_stream stream;
  const std::uint64_t id;
  const int descriptor;  // for a look at its receive queue from the accepting thread
  boost::asio::ip::address peer;
  bool busy = false;          // touched only on the connection's strand
  bool unread_input = false;  // a refused request left body bytes unread (strand only)
};

namespace {

// Whether a request has arrived on the connection that its strand has not read yet: such a
// connection is about to work, so a cap must not close it as if it were idle.
bool request_unread(int descriptor) {
  int queued = 0;
  return ::ioctl(descriptor, FIONREAD, &queued) == 0 && queued > 0;
}

// Signed links and function keys are credentials: keep them out of the log.
std::string loggable_target(std::string_view target) {
  return util::redact_query(target);
}

// Headers every answer carries, whole or relayed.
void decorate(response& res, std::string_view request_id, bool keep_alive) {
  res.version(11);
  res.set(beast_http::field::server, "VisionaryAI");
  res.set("X-Request-Id", request_id);
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(keep_alive);
}

// Writes a relayed answer straight to the connection: header first, then the body as it arrives.
class relay_writer final : public body_writer {
 public:
  relay_writer(beast::tcp_stream& stream, std::chrono::seconds write_timeout,
               std::string_view request_id, bool keep_alive)
      : stream_(stream),
        write_timeout_(write_timeout),
        request_id_(request_id),
        keep_alive_(keep_alive) {}

  asio::awaitable<bool> write_header(response& header) override {
    // Without a length the end of the body is the end of the connection.
    if (!header.has_content_length()) keep_alive_ = false;
    decorate(header, request_id_, keep_alive_);
    status_ = header.result_int();
    beast_http::response_serializer<beast_http::string_body> serializer{header};
    stream_.expires_after(write_timeout_);
    auto [ec, n] = co_await beast_http::async_write_header(stream_, serializer,
                                                           asio::as_tuple(asio::use_awaitable));
    header_sent_ = true;
    ok_ = !ec;
    co_return ok_;
  }

  asio::awaitable<bool> write_body(std::string_view piece) override {
    stream_.expires_after(write_timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(piece.data(), piece.size()),
                                              asio::as_tuple(asio::use_awaitable));
    body_bytes_ += n;
    ok_ = ok_ && !ec;
    co_return ok_;
  }

  bool header_sent() const { return header_sent_; }
  bool ok() const { return ok_; }
  bool keep_alive() const { return keep_alive_; }
  unsigned status() const { return status_; }
  std::size_t body_bytes() const { return body_bytes_; }

 private:
  beast::tcp_stream& stream_;
  std::chrono::seconds write_timeout_;
  std::string_view request_id_;
  bool keep_alive_;
  bool header_sent_ = false;
  bool ok_ = true;
  unsigned status_ = 0;
  std::size_t body_bytes_ = 0;
};

bool acceptable_request_id(std::string_view id) {
  if (id.size() < 8 || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

response plain_error(http_error error, std::string_view request_id) {
  return error_response(error, request_id);
}

// Failures that mean the process is out of something (descriptors, buffers, memory): retrying at
// once would only spin.
bool exhausts_resources(const boost::system::error_code& ec) {
  namespace errc = boost::system::errc;
  return ec == errc::too_many_files_open || ec == errc::too_many_files_open_in_system ||
         ec == errc::no_buffer_space || ec == errc::not_enough_memory;
}

// After a failed accept: a growing pause while resources are exhausted (reset by a success), and
// at most one log line per interval however often it fails.
class accept_backoff {
 public:
  explicit accept_backoff(const asio::any_io_executor& executor) : timer_(executor) {}

  asio::awaitable<void> after(const boost::system::error_code& ec) {
    report(ec);
    if (!exhausts_resources(ec)) co_return;  // e.g. a client that left before it was accepted
    pause_ = std::clamp(pause_ * 2, first_pause, max_pause);
    timer_.expires_after(pause_);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  void succeeded() { pause_ = std::chrono::milliseconds{0}; }

 private:
  static constexpr std::chrono::milliseconds first_pause{10};
  static constexpr std::chrono::milliseconds max_pause{1000};
  static constexpr std::chrono::seconds log_interval{10};

  void report(const boost::system::error_code& ec) {
    ++failures_;
    const auto now = std::chrono::steady_clock::now();
    if (logged_ && now - last_log_ < log_interval) return;
    spdlog::warn(
        "accepting connections failed {} time(s) (last: {}); pausing up to {} ms between "
        "tries while it lasts",
        failures_, ec.message(), max_pause.count());
    failures_ = 0;
    last_log_ = now;
    logged_ = true;
  }

  asio::steady_timer timer_;
  std::chrono::milliseconds pause_{0};
  std::size_t failures_ = 0;
  bool logged_ = false;
  std::chrono::steady_clock::time_point last_log_;
};

}  // namespace

server::server(asio::io_context& io, server_options options, const router& routes)
    : io_(io),
      options_(std::move(options)),
      routes_(routes),
      acceptor_(asio::make_strand(io)),
      grace_timer_(io),
      table_(options_.caps) {}

server::~server() = default;

unsigned short server::start() {
  const tcp::endpoint endpoint{asio::ip::make_address(options_.host), options_.port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
  return acceptor_.local_endpoint().port();
}

void server::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  std::lock_guard lock(connections_mutex_);
  spdlog::info("shutting down: {} connection(s) open, in-flight requests get {}s to finish",
               connections_.size(), options_.shutdown_grace.count());
  for (const auto& [id, conn] : connections_) {
    asio::post(conn->stream.get_executor(), [conn] {
      if (!conn->busy) conn->stream.cancel();  // idle keep-alive: stop waiting for a next request
    });
  }
  if (connections_.empty()) {
    if (on_drained_) on_drained_();
    return;
  }
  grace_timer_.expires_after(options_.shutdown_grace);
  grace_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // every connection finished in time
    spdlog::warn("shutdown grace period over; abandoning unfinished requests");
    io_.stop();
  });
}

void server::forget(const std::shared_ptr<connection>& conn) {
  std::lock_guard lock(connections_mutex_);
  table_.remove(conn->id);
  if (connections_.erase(conn->id) > 0 && options_.metrics != nullptr) {
    options_.metrics->open_connections.add(-1);
  }
  if (stopping_ && connections_.empty()) {
    grace_timer_.cancel();
    if (on_drained_) on_drained_();
  }
}

asio::awaitable<void> server::accept_loop() {
  accept_backoff backoff(acceptor_.get_executor());
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_),
                                                        asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || stopping_) break;
    if (ec) {
      co_await backoff.after(ec);
      continue;
    }
    backoff.succeeded();
    admit(std::move(socket));
  }
}

// Takes a new connection into the table (closing whichever waiting ones make room for it) and
// starts serving it; a connection that finds every place working is closed at once.
void server::admit(tcp::socket socket) {
  auto conn = std::make_shared<connection>(std::move(socket), next_connection_id_++);
  const bool uncapped =
      std::any_of(options_.uncapped_peers.begin(), options_.uncapped_peers.end(),
                  [&](const util::address_range& r) { return r.contains(conn->peer); });
  const auto client = resolve_client(conn->peer, {}, {}, false);
  std::vector<std::shared_ptr<connection>> evicted;
  {
    std::lock_guard lock(connections_mutex_);
    if (stopping_) return;
    const auto replaceable = [this](connection_table::id id) {
      return !request_unread(connections_.at(id)->descriptor);
    };
    auto admission =
        table_.admit(conn->id, client, uncapped, replaceable, std::chrono::steady_clock::now());
    for (const auto id : admission.evicted) {
      evicted.push_back(std::move(connections_.at(id)));
      connections_.erase(id);
    }
    count_shed(admission.evicted.size(), "replaced");
    if (!admission.admitted) {
      if (options_.metrics != nullptr) options_.metrics->connections_shed.with({"refused"}).inc();
      turn_away(std::move(conn), admission.refused_by);
      return;
    }
    connections_.emplace(conn->id, conn);
    if (options_.metrics != nullptr) options_.metrics->open_connections.add(1);
  }
  for (auto& victim : evicted) {
    asio::post(victim->stream.get_executor(), [victim] { victim->stream.socket().close(); });
  }
  asio::co_spawn(conn->stream.get_executor(), serve(conn), [this, conn](std::exception_ptr error) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("connection ended by an exception: {}", e.what());
      }
    }
    forget(conn);
  });
}

// Tells a refused connection why (429: its client's cap, 503: the server's) and closes it; when
// too many are being told already, it is just closed (its socket goes with the last reference).
void server::turn_away(std::shared_ptr<connection> conn, connection_table::refusal why) {
  const auto most = std::max(min_turning_away, options_.caps.max_total / turning_away_share);
  if (turning_away_.fetch_add(1) >= most) {
    turning_away_.fetch_sub(1);
    return;
  }
  auto executor = conn->stream.get_executor();
  asio::co_spawn(executor, answer_refusal(std::move(conn), why),
                 [this](std::exception_ptr) { turning_away_.fetch_sub(1); });
}

asio::awaitable<void> server::answer_refusal(std::shared_ptr<connection> conn,
                                             connection_table::refusal why) {
  const bool client_cap = why == connection_table::refusal::client_cap;
  http_error error(
      client_cap ? http_error_kind::too_many_connections : http_error_kind::server_at_capacity,
      client_cap ? "Your address has as many connections open as the server allows; close some "
                   "or retry in a moment."
                 : "The server has as many connections open as it allows; retry in a moment.");
  error.retry_after_seconds = 1;
  const auto request_id = util::hex_encode(util::random_bytes(8));
  auto answer = plain_error(std::move(error), request_id);
  decorate(answer, request_id, false);
  conn->stream.expires_after(turn_away_time);
  auto [ec, n] =
      co_await beast_http::async_write(conn->stream, answer, asio::as_tuple(asio::use_awaitable));
  if (ec) co_return;
  boost::system::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  co_await drain(*conn, turn_away_drain_bytes, turn_away_time);  // so that closing sends no reset
}

// Open connections closed to make room, by why; refused ones were never counted as open.
void server::count_shed(std::size_t closed, std::string_view reason) const {
  if (options_.metrics == nullptr || closed == 0) return;
  options_.metrics->open_connections.add(-double(closed));
  options_.metrics->connections_shed.with({reason}).inc(double(closed));
}

bool server::start_work(const connection& conn) {
  std::lock_guard lock(connections_mutex_);
  return table_.start_work(conn.id);
}

void server::finish_work(const connection& conn) {
  std::lock_guard lock(connections_mutex_);
  table_.finish_work(conn.id);
}

// Accounts what a still-sending connection holds; false when that closed the connection itself.
bool server::hold_buffered(const connection& conn, std::size_t bytes) {
  std::vector<std::shared_ptr<connection>> to_close;
  {
    std::lock_guard lock(connections_mutex_);
    for (const auto id : table_.hold_buffered(conn.id, bytes)) {
      to_close.push_back(std::move(connections_.at(id)));
      connections_.erase(id);
    }
    count_shed(to_close.size(), "buffered");
  }
  bool self_closed = false;
  for (auto& victim : to_close) {
    if (victim.get() == &conn) {
      self_closed = true;
      continue;
    }
    asio::post(victim->stream.get_executor(), [victim] { victim->stream.socket().close(); });
  }
  return !self_closed;
}

// Reads a request body piece by piece, accounting the bytes held for it while it trickles in.
asio::awaitable<boost::system::error_code> server::read_body(connection& conn,
                                                             beast::flat_buffer& buffer,
                                                             request_parser& parser) {
  while (!parser.is_done()) {
    auto [ec, n] = co_await beast_http::async_read_some(conn.stream, buffer, parser,
                                                        asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
    if (!hold_buffered(conn, parser.get().body().size() + buffer.size())) {
      co_return asio::error::operation_aborted;  // closed to keep the buffered total bounded
    }
  }
  co_return boost::system::error_code{};
}

struct server::exchange {
  std::string request_id = util::hex_encode(util::random_bytes(8));
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string method = "-";
  std::string target = "-";
  std::string route = "unmatched";
  bool keep_alive = false;
  response answer;
};

namespace {

// Quiet ends of a connection: the client left, stalled, or the server is stopping.
bool connection_ended(const boost::system::error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == beast::error::timeout ||
         ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::eof || ec == beast_http::error::partial_message;
}

http_error too_large_error(std::size_t limit) {
  return http_error(http_error_kind::payload_too_large,
                    "The request body is larger than " + std::to_string(limit) + " bytes.");
}

response too_large_body(std::size_t limit, std::string_view request_id) {
  return plain_error(too_large_error(limit), request_id);
}

response header_failure(const boost::system::error_code& ec, std::size_t body_limit,
                        std::string_view request_id) {
  if (ec == beast_http::error::body_limit) return too_large_body(body_limit, request_id);
  if (ec == beast_http::error::header_limit) {
    auto res = plain_error(
        make_error(error_kind::invalid_request, "The request headers are too large."), request_id);
    res.result(beast_http::status::request_header_fields_too_large);
    return res;
  }
  return plain_error(make_error(error_kind::invalid_request, "The request is not valid HTTP."),
                     request_id);
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

}  // namespace

asio::awaitable<void> server::serve(std::shared_ptr<connection> conn) {
  beast::flat_buffer buffer;
  auto& stream = conn->stream;
  auto wait = options_.header_timeout;  // a new connection must start its request promptly
  while (!stopping_) {
    conn->busy = false;
    finish_work(*conn);
    if (!co_await await_request(*conn, buffer, wait)) break;
    wait = options_.idle_timeout;
    request_parser parser;
    parser.header_limit(options_.header_limit);
    // No limit until the header names the route: handle() applies the route's, and refuses an
    // announced length over it in the shape of the API asked.
    parser.body_limit(boost::none);
    stream.expires_after(options_.header_timeout);
    auto [header_ec, header_bytes] = co_await beast_http::async_read_header(
        stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (connection_ended(header_ec)) break;
    conn->busy = true;
    exchange ex;
    if (header_ec) {
      ex.answer = header_failure(
          header_ec, std::max(options_.body_limit, options_.upload_body_limit), ex.request_id);
      conn->unread_input = true;
    } else {
      const auto step = co_await handle(*conn, buffer, parser, ex);
      if (step == next_step::close) break;
      if (step == next_step::read_next) continue;
    }
    if (!co_await write_answer(*conn, ex)) break;
  }
  conn->busy = false;
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (conn->unread_input) co_await drain(*conn, options_.linger_bytes, options_.linger_time);
}

// Waits for the first byte of the next request (or finds it already buffered); false when the
// client left, stayed silent past the timeout, or the server is stopping.
asio::awaitable<bool> server::await_request(connection& conn, beast::flat_buffer& buffer,
                                            std::chrono::seconds timeout) {
  if (buffer.size() > 0) co_return true;
  conn.stream.expires_after(timeout);
  auto [ec, n] = co_await conn.stream.async_read_some(buffer.prepare(first_read_bytes),
                                                      asio::as_tuple(asio::use_awaitable));
  buffer.commit(n);
  co_return !ec && n > 0;
}

// Reads and drops what a refused request still sends, so that closing does not reset the
// connection before the client has read its answer. Bounded in bytes and time.
asio::awaitable<void> server::drain(connection& conn, std::size_t max_bytes,
                                    std::chrono::seconds max_time) {
  std::array<char, 4096> sink;  // small: many refused connections may drain at once
  std::size_t drained = 0;
  conn.stream.expires_after(max_time);
  while (drained < max_bytes) {
    auto [ec, n] = co_await conn.stream.async_read_some(asio::buffer(sink),
                                                        asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    drained += n;
  }
}

// body_timeout plus the time the announced length (or the limit, when none is announced) takes at
// the minimum rate: a body trickled a byte at a time cannot hold its connection for long.
std::chrono::seconds server::body_deadline(const request_parser& parser) const {
  const auto limit = body_limit_for(parser);
  const auto expected = std::min<std::uint64_t>(parser.content_length().value_or(limit), limit);
  return options_.body_timeout +
         std::chrono::seconds(expected / std::max<std::size_t>(1, options_.min_body_rate));
}

// The body limit of the request's route: the upload limit for POST to an upload path.
std::size_t server::body_limit_for(const request_parser& parser) const {
  const auto& header = parser.get();
  if (header.method() != beast_http::verb::post || options_.upload_paths.empty())
    return options_.body_limit;
  const std::string_view target = header.target();
  const std::string_view path = target.substr(0, target.find('?'));
  const auto& uploads = options_.upload_paths;
  const bool upload = std::find(uploads.begin(), uploads.end(), path) != uploads.end();
  return upload ? std::max(options_.body_limit, options_.upload_body_limit) : options_.body_limit;
}

// Reads the body of a request whose header has arrived and runs it through the routes.
asio::awaitable<server::next_step> server::handle(connection& conn, beast::flat_buffer& buffer,
                                                  request_parser& parser, exchange& ex) {
  auto& stream = conn.stream;
  auto& header = parser.get();
  ex.method = std::string(header.method_string());
  ex.target = loggable_target(header.target());
  if (auto it = header.find("X-Request-Id");
      it != header.end() && acceptable_request_id(it->value())) {
    ex.request_id = std::string(it->value());
  }
  // The route's own limit: announced lengths are refused now, chunked bodies as they arrive.
  const std::size_t limit = body_limit_for(parser);
  if (parser.content_length().value_or(0) > limit) {
    ex.answer = routes_.render_error(header.target(), too_large_error(limit), ex.request_id);
    conn.unread_input = true;
    co_return next_step::answer;
  }
  parser.body_limit(limit);
  if (auto expect = header[beast_http::field::expect]; beast::iequals(expect, "100-continue")) {
    beast_http::response<beast_http::empty_body> proceed{beast_http::status::continue_, 11};
    stream.expires_after(options_.write_timeout);
    co_await beast_http::async_write(stream, proceed, asio::as_tuple(asio::use_awaitable));
  }
  stream.expires_after(body_deadline(parser));
  const auto body_ec = co_await read_body(conn, buffer, parser);
  if (body_ec == beast_http::error::body_limit) {
    // In the shape of the API asked (the OpenAI-compatible one answers in OpenAI's).
    ex.answer = routes_.render_error(header.target(), too_large_error(limit), ex.request_id);
    conn.unread_input = true;
    co_return next_step::answer;
  }
  if (connection_ended(body_ec)) co_return next_step::close;  // the client left or stalled mid-body
  if (body_ec) {
    ex.answer = plain_error(
        make_error(error_kind::invalid_request, "The request is not valid HTTP."), ex.request_id);
    conn.unread_input = true;
    co_return next_step::answer;
  }
  // A connection replaced while it was still sending never starts its request.
  if (!start_work(conn)) co_return next_step::close;
  stream.expires_never();  // a generation may take minutes; the provider has its own deadline
  auto answer = co_await routes_.dispatch(parser.get(), ex.request_id, conn.peer);
  ex.keep_alive = parser.get().keep_alive();
  if (!answer.route.empty()) ex.route = answer.route;
  if (!answer.message) co_return co_await relay(conn, answer, ex);
  ex.answer = std::move(*answer.message);
  co_return next_step::answer;
}

// Streams an answer whose body is produced while it is written (the web tier's relay).
asio::awaitable<server::next_step> server::relay(connection& conn, reply& answer, exchange& ex) {
  relay_writer writer(conn.stream, options_.write_timeout, ex.request_id,
                      ex.keep_alive && !stopping_);
  http_outcome<void> relayed = make_error(error_kind::internal_error, "relay failed");
  try {
    relayed = co_await answer.stream(writer);
  } catch (const std::exception& e) {
    relayed = make_error(error_kind::internal_error, e.what());
  }
  if (writer.header_sent()) {
    spdlog::info("[{}] {} {} {} {}B {:.1f}ms (relayed)", ex.request_id, ex.method, ex.target,
                 writer.status(), writer.body_bytes(), elapsed_ms(ex.started));
    count_request(ex, writer.status());
    // A relay that broke off mid-body cannot be repaired: the connection ends.
    const bool reusable = relayed && writer.ok() && writer.keep_alive();
    co_return reusable ? next_step::read_next : next_step::close;
  }
  ex.answer = routes_.render_error(
      ex.target,
      relayed ? make_error(error_kind::internal_error, "relay wrote nothing") : relayed.error(),
      ex.request_id);
  co_return next_step::answer;
}

void server::count_request(const exchange& ex, unsigned status) const {
  if (options_.metrics == nullptr) return;
  options_.metrics->record_request(ex.route, ex.method, status, elapsed_ms(ex.started) / 1000);
}

// Writes a whole answer and logs it; false when the connection must end.
asio::awaitable<bool> server::write_answer(connection& conn, exchange& ex) {
  const bool keep_alive = ex.keep_alive && !stopping_;
  decorate(ex.answer, ex.request_id, keep_alive);
  conn.stream.expires_after(options_.write_timeout);
  auto [write_ec, written] =
      co_await beast_http::async_write(conn.stream, ex.answer, asio::as_tuple(asio::use_awaitable));
  if (ex.target != "/api/health") {
    spdlog::info("[{}] {} {} {} {}B {:.1f}ms", ex.request_id, ex.method, ex.target,
                 ex.answer.result_int(), ex.answer.body().size(), elapsed_ms(ex.started));
  }
  count_request(ex, ex.answer.result_int());
  co_return !write_ec && keep_alive;
}

}  // namespace visionary::http
