// router: the route table (method + path pattern → handler) and the one place where failures
// (error values, exceptions, unknown routes, wrong methods) become error responses.
// Build it at startup, then dispatch() concurrently from any thread (read-only after setup).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "http/client_address.hpp"
#include "http/message.hpp"

namespace visionary::http {

struct client_policy {
  std::vector<util::address_range> trusted_proxies;
  // A caller presenting this key (the web tier) is a trusted proxy too; empty for none.
  std::string functions_key;
};

// True when the request carries `key` in x-functions-key (or ?code=, as Azure Functions allows).
[[nodiscard]] bool presents_function_key(const request_context& context, std::string_view key);
// True when Authorization is "Bearer <token>" (the scheme in any case, RFC 9110; the token exact).
[[nodiscard]] bool presents_bearer_token(const request& message, std::string_view token);

using handler_result = http_outcome<reply>;
using handler = std::function<boost::asio::awaitable<handler_result>(request_context&)>;

class router {
 public:
  // Patterns: literal segments, "{name}" (one segment, captured decoded) and a final "*" (the rest,
  // captured encoded). A GET route also answers HEAD (same headers, no body).
  void add(beast_http::verb method, std::string pattern, handler h);
  // Called for GET/HEAD requests that match no route outside /api/ (the web UI).
  void set_fallback(handler h) { fallback_ = std::move(h); }
  // Checked before any /api/* request is handled (e.g. the function key); its failure is the
  // answer.
  using guard = std::function<http_outcome<void>(const request_context&)>;
  void set_api_guard(guard g) { api_guard_ = std::move(g); }
  // Whose X-Forwarded-For is believed when naming the client of a request.
  void set_client_policy(client_policy policy) { client_policy_ = std::move(policy); }
  // Failures of requests under `prefix` ("/v1/") answer in another shape than the project's (the
  // OpenAI-compatible API answers in OpenAI's); such paths never reach the UI fallback either.
  using error_renderer = std::function<response(const http_error&, std::string_view request_id)>;
  void set_error_renderer(std::string prefix, error_renderer render) {
    renderers_.emplace_back(std::move(prefix), std::move(render));
  }
  // The error answer for a request to `target`, in the shape its path answers in.
  [[nodiscard]] response render_error(std::string_view target, const http_error& error,
                                      std::string_view request_id) const;

  [[nodiscard]] boost::asio::awaitable<reply> dispatch(const request& message,
                                                       std::string request_id,
                                                       const boost::asio::ip::address& peer) const;

 private:
  struct route {
    beast_http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    handler h;
  };
  struct route_match {
    const handler* chosen = nullptr;
    std::string_view pattern = "unmatched";
    std::string allowed;  // "GET, HEAD, DELETE": what the path accepts, for 405 answers
  };
  [[nodiscard]] route_match find_route(const std::vector<std::string_view>& segments,
                                       std::string_view path, beast_http::verb method,
                                       request_context& context) const;
  [[nodiscard]] const error_renderer* renderer_for(std::string_view path) const;
  static bool match(const route& r, const std::vector<std::string_view>& segments,
                    std::string_view path, request_context& context);

  std::vector<route> routes_;
  handler fallback_;
  guard api_guard_;
  client_policy client_policy_;
  std::vector<std::pair<std::string, error_renderer>> renderers_;
};

}  // namespace visionary::http
