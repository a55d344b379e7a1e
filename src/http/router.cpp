#include "http/router.hpp"

#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>

#include "util/crypto.hpp"
#include "util/text.hpp"

namespace visionary::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path[0] != '/') return segments;
  std::size_t start = 1;
  while (true) {
    const std::size_t slash = path.find('/', start);
    segments.push_back(path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

}  // namespace

void router::add(beast_http::verb method, std::string pattern, handler h) {
  route r{method, pattern, {}, std::move(h)};
  for (auto segment : split_path(pattern)) r.segments.emplace_back(segment);
  routes_.push_back(std::move(r));
}

bool router::match(const route& r, const std::vector<std::string_view>& segments,
                   std::string_view path, request_context& context) {
  std::vector<std::string> params;
  for (std::size_t i = 0; i < r.segments.size(); ++i) {
    const std::string& expected = r.segments[i];
    if (expected == "*" && i + 1 == r.segments.size()) {
      if (i >= segments.size()) return false;
      // Everything after the matched prefix, still encoded.
      context.path_rest = path.substr(std::size_t(segments[i].data() - path.data()));
      context.path_params = std::move(params);
      return true;
    }
    if (i >= segments.size()) return false;
    if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}') {
      auto decoded = util::percent_decode(segments[i]);
      if (!decoded || decoded->empty()) return false;
      params.push_back(std::move(*decoded));
    } else if (expected != segments[i]) {
      return false;
    }
  }
  if (segments.size() != r.segments.size()) return false;
  context.path_params = std::move(params);
  return true;
}

bool presents_function_key(const request_context& context, std::string_view key) {
  std::string presented(context.message["x-functions-key"]);
  if (presented.empty()) presented = context.query_value("code").value_or("");
  return !key.empty() && !presented.empty() && util::constant_time_equal(presented, key);
}

// The route for this method (its captures go into `context`), and every method the path allows.
router::route_match router::find_route(const std::vector<std::string_view>& segments,
                                       std::string_view path, beast_http::verb method,
                                       request_context& context) const {
  route_match found;
  for (const auto& r : routes_) {
    request_context probe{context.message, context.request_id, context.url, {}, {}, {}, false};
    if (!match(r, segments, path, probe)) continue;
    if (r.method == method && found.chosen == nullptr) {
      found.chosen = &r.h;
      found.pattern = r.pattern;
      context.path_params = std::move(probe.path_params);
      context.path_rest = probe.path_rest;
    }
    if (!found.allowed.empty()) found.allowed += ", ";
    found.allowed += std::string(beast_http::to_string(r.method));
    if (r.method == beast_http::verb::get) found.allowed += ", HEAD";
  }
  return found;
}

bool presents_bearer_token(const request& message, std::string_view token) {
  const auto authorization = message[beast_http::field::authorization];
  const bool bearer =
      authorization.size() > 7 && util::iequals_ascii(authorization.substr(0, 7), "Bearer ");
  return bearer && !token.empty() &&
         util::constant_time_equal(util::trim(authorization.substr(7)), token);
}

boost::asio::awaitable<reply> router::dispatch(const request& message, std::string request_id,
                                               const boost::asio::ip::address& peer) const {
  const auto target = boost::urls::parse_origin_form(message.target());
  if (!target) {
    co_return error_response(
        make_error(error_kind::invalid_request, "The request target is not a valid path."),
        request_id);
  }
  request_context context{message, request_id, *target, {}, {}, {}, false};
  const bool web_tier = !client_policy_.functions_key.empty() &&
                        presents_function_key(context, client_policy_.functions_key);
  context.trusted_forwarder = web_tier || is_trusted_peer(peer, client_policy_.trusted_proxies);
  context.client =
      resolve_client(peer, message["X-Forwarded-For"], client_policy_.trusted_proxies, web_tier);
  const std::string_view path(target->encoded_path().data(), target->encoded_path().size());
  const auto segments = split_path(path);
  const bool is_head = message.method() == beast_http::verb::head;
  const auto effective = is_head ? beast_http::verb::get : message.method();

  const auto [chosen, pattern, allowed] = find_route(segments, path, effective, context);
  const error_renderer* renderer = renderer_for(path);
  const bool is_api = util::starts_with(path, "/api/") || path == "/api" || renderer != nullptr;
  handler_result result = make_error(error_kind::internal_error, "unreachable");
  try {
    http_outcome<void> allowed_in = {};
    if (is_api && renderer == nullptr && api_guard_) allowed_in = api_guard_(context);
    if (!allowed_in) {
      result = allowed_in.error();
    } else if (chosen != nullptr) {
      result = co_await (*chosen)(context);
    } else if (!allowed.empty()) {
      const http_error wrong_method(http_error_kind::method_not_allowed,
                                    "This address accepts only " + allowed + ".");
      auto res = renderer ? (*renderer)(wrong_method, request_id)
                          : error_response(wrong_method, request_id);
      res.set(beast_http::field::allow, allowed);
      co_return res;
    } else if (fallback_ && effective == beast_http::verb::get && !is_api) {
      result = co_await fallback_(context);
    } else {
      result = make_error(error_kind::not_found, "There is nothing at " + std::string(path) + ".");
    }
  } catch (const std::exception& e) {
    spdlog::error("[{}] handler failed: {}", request_id, e.what());
    result = make_error(error_kind::internal_error,
                        "Something went wrong on the server; the request id helps find out what.");
  }

  reply answer = result ? std::move(*result)
                        : reply(renderer ? (*renderer)(result.error(), request_id)
                                         : error_response(result.error(), request_id));
  answer.route = chosen != nullptr ? pattern : (is_api || !fallback_ ? "unmatched" : "ui");
  // Headers (Content-Length included) as for GET, no body.
  if (is_head && answer.message) answer.message->body().clear();
  co_return answer;
}

const router::error_renderer* router::renderer_for(std::string_view path) const {
  for (const auto& [prefix, render] : renderers_) {
    // "/v1/" covers "/v1" too.
    const bool bare =
        prefix.ends_with('/') && path == std::string_view(prefix).substr(0, prefix.size() - 1);
    if (bare || util::starts_with(path, prefix)) return &render;
  }
  return nullptr;
}

response router::render_error(std::string_view target, const http_error& error,
                              std::string_view request_id) const {
  const auto path = target.substr(0, target.find('?'));
  if (const auto* render = renderer_for(path)) return (*render)(error, request_id);
  return error_response(error, request_id);
}

}  // namespace visionary::http
