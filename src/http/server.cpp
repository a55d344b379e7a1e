#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "util/crypto.hpp"

namespace visionary::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

struct server::connection {
  explicit connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // touched only on the connection's strand
};

namespace {

// Signed links are credentials for their lifetime: keep their signatures out of the log.
std::string loggable_target(std::string_view target) {
  std::string out(target);
  for (std::size_t at = out.find("sig="); at != std::string::npos; at = out.find("sig=", at + 1)) {
    if (at != 0 && out[at - 1] != '?' && out[at - 1] != '&') continue;
    const std::size_t end = out.find('&', at);
    out.replace(at + 4, (end == std::string::npos ? out.size() : end) - at - 4, "***");
  }
  return out;
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

response plain_error(core::error_kind kind, std::string message, std::string_view request_id) {
  return error_response(core::make_error(kind, std::move(message)), request_id);
}

}  // namespace

server::server(asio::io_context& io, server_options options, const router& routes)
    : io_(io),
      options_(std::move(options)),
      routes_(routes),
      acceptor_(asio::make_strand(io)),
      grace_timer_(io) {}

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
  for (const auto& conn : connections_) {
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
  connections_.erase(conn);
  if (stopping_ && connections_.empty()) {
    grace_timer_.cancel();
    if (on_drained_) on_drained_();
  }
}

asio::awaitable<void> server::accept_loop() {
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_),
                                                        asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping_) break;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    auto conn = std::make_shared<connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex_);
      if (stopping_) break;
      connections_.insert(conn);
    }
    asio::co_spawn(conn->stream.get_executor(), serve(conn),
                   [this, conn](std::exception_ptr error) {
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
}

asio::awaitable<void> server::serve(std::shared_ptr<connection> conn) {
  beast::flat_buffer buffer;
  auto& stream = conn->stream;
  while (!stopping_) {
    conn->busy = false;
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(options_.header_limit);
    parser.body_limit(options_.body_limit);

    stream.expires_after(options_.idle_timeout);
    auto [header_ec, header_bytes] = co_await beast_http::async_read_header(
        stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (header_ec == beast_http::error::end_of_stream || header_ec == beast::error::timeout ||
        header_ec == asio::error::operation_aborted || header_ec == asio::error::connection_reset ||
        header_ec == asio::error::eof) {
      break;
    }
    conn->busy = true;
    const auto started = std::chrono::steady_clock::now();
    std::string request_id = util::hex_encode(util::random_bytes(8));
    response res;
    bool keep_alive = false;
    std::string method = "-", target = "-";

    if (header_ec) {
      const bool too_large = header_ec == beast_http::error::header_limit;
      res = plain_error(
          core::error_kind::invalid_request,
          too_large ? "The request headers are too large." : "The request is not valid HTTP.",
          request_id);
      if (too_large) res.result(beast_http::status::request_header_fields_too_large);
      if (header_ec == beast_http::error::body_limit) {
        res = plain_error(
            core::error_kind::payload_too_large,
            "The request body is larger than " + std::to_string(options_.body_limit) + " bytes.",
            request_id);
      }
    } else {
      auto& header = parser.get();
      method = std::string(header.method_string());
      target = loggable_target(header.target());
      if (auto it = header.find("X-Request-Id");
          it != header.end() && acceptable_request_id(it->value())) {
        request_id = std::string(it->value());
      }
      if (auto expect = header[beast_http::field::expect]; beast::iequals(expect, "100-continue")) {
        beast_http::response<beast_http::empty_body> proceed{beast_http::status::continue_, 11};
        stream.expires_after(options_.write_timeout);
        co_await beast_http::async_write(stream, proceed, asio::as_tuple(asio::use_awaitable));
      }
      stream.expires_after(options_.read_timeout);
      auto [body_ec, body_bytes] = co_await beast_http::async_read(
          stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (body_ec == beast_http::error::body_limit) {
        res = plain_error(
            core::error_kind::payload_too_large,
            "The request body is larger than " + std::to_string(options_.body_limit) + " bytes.",
            request_id);
      } else if (body_ec) {
        if (body_ec == beast::error::timeout || body_ec == asio::error::eof ||
            body_ec == beast_http::error::partial_message ||
            body_ec == asio::error::connection_reset) {
          break;  // the client went away or stalled mid-body
        }
        res = plain_error(core::error_kind::invalid_request, "The request is not valid HTTP.",
                          request_id);
      } else {
        stream.expires_never();  // a generation may take minutes; the provider has its own deadline
        auto answer = co_await routes_.dispatch(parser.get(), request_id);
        keep_alive = parser.get().keep_alive();
        if (answer.message) {
          res = std::move(*answer.message);
        } else {
          relay_writer writer(stream, options_.write_timeout, request_id, keep_alive && !stopping_);
          core::outcome<void> relayed =
              core::make_error(core::error_kind::internal_error, "relay failed");
          try {
            relayed = co_await answer.stream(writer);
          } catch (const std::exception& e) {
            relayed = core::make_error(core::error_kind::internal_error, e.what());
          }
          if (writer.header_sent()) {
            const auto elapsed = std::chrono::duration<double, std::milli>(
                std::chrono::steady_clock::now() - started);
            spdlog::info("[{}] {} {} {} {}B {:.1f}ms (relayed)", request_id, method, target,
                         writer.status(), writer.body_bytes(), elapsed.count());
            // A relay that broke off mid-body cannot be repaired: the connection ends.
            if (!relayed || !writer.ok() || !writer.keep_alive()) break;
            continue;
          }
          res = error_response(
              relayed ? core::make_error(core::error_kind::internal_error, "relay wrote nothing")
                      : relayed.error(),
              request_id);
        }
      }
    }

    keep_alive = keep_alive && !stopping_;
    decorate(res, request_id, keep_alive);
    stream.expires_after(options_.write_timeout);
    auto [write_ec, written] =
        co_await beast_http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));

    const auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    if (target != "/api/health") {
      spdlog::info("[{}] {} {} {} {}B {:.1f}ms", request_id, method, target, res.result_int(),
                   res.body().size(), elapsed.count());
    }
    if (write_ec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace visionary::http
