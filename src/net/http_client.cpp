#include "net/http_client.hpp"

#include "util/text.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <stdexcept>

namespace visionary::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

transport_error fail(transport_failure kind, std::string message) {
  return transport_error{kind, std::move(message)};
}

transport_error from_code(const boost::system::error_code& ec, std::string_view during) {
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    return fail(transport_failure::timeout, "timed out during " + std::string(during));
  }
  if (ec == http::error::body_limit || ec == http::error::header_limit) {
    return fail(transport_failure::response_too_large, "response exceeds the size limit");
  }
  return fail(transport_failure::protocol_error, std::string(during) + ": " + ec.message());
}

template <class Stream>
asio::awaitable<transport_result> exchange(Stream& stream, const http_request& request,
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
  auto [write_ec, written] = co_await http::async_write(stream, message, asio::as_tuple(asio::use_awaitable));
  if (write_ec) co_return from_code(write_ec, "sending the request");

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(request.max_response_bytes);
  if (request.method == "HEAD") parser.skip(true);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  if (read_ec) co_return from_code(read_ec, "reading the response");

  auto& received = parser.get();
  http_response response;
  response.status = received.result_int();
  for (const auto& field : received) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(received.body());
  co_return response;
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

http_client::http_client(const std::string& ca_file) : tls_(asio::ssl::context::tls_client) {
  tls_.set_default_verify_paths();
  if (!ca_file.empty()) tls_.load_verify_file(ca_file);
  tls_.set_verify_mode(asio::ssl::verify_peer);
}

asio::awaitable<transport_result> http_client::send(http_request request) {
  auto parsed = boost::urls::parse_uri(request.url);
  if (!parsed) co_return fail(transport_failure::invalid_url, "invalid URL");
  const auto& url = *parsed;
  const bool tls = url.scheme_id() == boost::urls::scheme::https;
  if (!tls && url.scheme_id() != boost::urls::scheme::http) {
    co_return fail(transport_failure::invalid_url, "only http and https URLs are supported");
  }
  const std::string host = url.host_address();
  if (host.empty()) co_return fail(transport_failure::invalid_url, "URL without a host");
  const std::string port = url.has_port() ? std::string(url.port()) : (tls ? "443" : "80");
  std::string target = std::string(url.encoded_path());
  if (target.empty()) target = "/";
  if (url.has_query()) target += "?" + std::string(url.encoded_query());
  const std::string host_header = url.has_port() ? host + ":" + port : host;

  auto executor = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;

  tcp::resolver resolver(executor);
  asio::steady_timer timer(executor, deadline);
  auto resolved = co_await (resolver.async_resolve(host, port, asio::as_tuple(asio::use_awaitable)) ||
                            timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (resolved.index() == 1) co_return fail(transport_failure::timeout, "timed out resolving " + host);
  auto [resolve_ec, endpoints] = std::get<0>(resolved);
  if (resolve_ec) {
    co_return fail(transport_failure::resolve_failed, "cannot resolve " + host + ": " + resolve_ec.message());
  }

  beast::tcp_stream tcp_stream(executor);
  tcp_stream.expires_at(deadline);
  auto [connect_ec, endpoint] = co_await tcp_stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
  if (connect_ec) {
    if (connect_ec == beast::error::timeout) {
      co_return fail(transport_failure::timeout, "timed out connecting to " + host);
    }
    co_return fail(transport_failure::connect_failed, "cannot connect to " + host_header + ": " + connect_ec.message());
  }

  if (!tls) {
    auto result = co_await exchange(tcp_stream, request, host_header, target);
    boost::system::error_code ignored;
    tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return result;
  }

  beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), tls_);
  if (!SSL_set_tlsext_host_name(tls_stream.native_handle(), host.c_str())) {
    co_return fail(transport_failure::tls_failed, "cannot set TLS server name");
  }
  tls_stream.set_verify_callback(asio::ssl::host_name_verification(host));
  beast::get_lowest_layer(tls_stream).expires_at(deadline);
  auto [handshake_ec] = co_await tls_stream.async_handshake(asio::ssl::stream_base::client,
                                                            asio::as_tuple(asio::use_awaitable));
  if (handshake_ec) {
    if (handshake_ec == beast::error::timeout) {
      co_return fail(transport_failure::timeout, "timed out in the TLS handshake with " + host);
    }
    co_return fail(transport_failure::tls_failed,
                   "TLS handshake with " + host + " failed: " + handshake_ec.message());
  }
  auto result = co_await exchange(tls_stream, request, host_header, target);
  co_return result;
}

}  // namespace visionary::net
