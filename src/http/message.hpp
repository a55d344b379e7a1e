// HTTP message types shared by the server, the router and the handlers, plus the helpers that
// build JSON and error responses (the one error shape). Value types; thread-safe functions.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>
#include <boost/url/url_view.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_error.hpp"
#include "http/query.hpp"

namespace visionary::http {

namespace beast_http = boost::beast::http;
using request = beast_http::request<beast_http::string_body>;
using response = beast_http::response<beast_http::string_body>;

struct request_context {
  const request& message;
  std::string request_id;
  boost::urls::url_view url;             // parsed origin-form target
  std::vector<std::string> path_params;  // {name} captures, percent-decoded
  std::string_view path_rest;            // "*" capture, still percent-encoded
  std::string client;                    // who asks: see client_address.hpp
  // The peer is a trusted proxy or the web tier: its X-Forwarded-* headers are believed.
  bool trusted_forwarder = false;
  [[nodiscard]] query_list query() const;  // decoded ("+" stays "+")
  [[nodiscard]] std::optional<std::string> query_value(std::string_view name) const;
};

// Where a relayed answer is written while it arrives (implemented by the connection).
class body_writer {
 public:
  virtual ~body_writer() = default;
  // Sends the status line and headers; the header must carry the body's Content-Length.
  [[nodiscard]] virtual boost::asio::awaitable<bool> write_header(response& header) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<bool> write_body(std::string_view piece) = 0;
};

// Produces a response by writing it; an error before write_header becomes an error response.
using body_streamer = std::function<boost::asio::awaitable<http_outcome<void>>(body_writer&)>;

// What a handler answers: a whole response, or a streamer for bodies that should not be held.
struct reply {
  reply(response whole) : message(std::move(whole)) {}
  reply(body_streamer streamer) : stream(std::move(streamer)) {}
  std::optional<response> message;
  body_streamer stream;
  std::string route;  // the pattern that answered ("/api/images/{id}"), for metrics
};

[[nodiscard]] response json_response(beast_http::status status, const boost::json::value& body);
// {"error": {"code", "message", "requestId"[, "retryAfterSeconds"]}} with the matching status.
[[nodiscard]] response error_response(const http_error& error, std::string_view request_id);

}  // namespace visionary::http
