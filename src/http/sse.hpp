// sse: Server-Sent Events on a relayed (streamed) answer: the response header, events and
// keepalive comments in the text/event-stream format, and the pace of keepalives. Thread-safe
// functions; an sse_stream belongs to one connection's coroutine.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace visionary::http {

// A comment goes out at least this often, so proxies (nginx 60 s, Cloudflare ~100 s) keep the
// stream and a client that left is noticed.
inline constexpr std::chrono::seconds sse_keepalive{10};

// "event: {name}\nid: {id}\ndata: {line}\n...\n\n"; data is split on newlines; an empty id is left
// out.
[[nodiscard]] std::string format_sse_event(std::string_view name, std::string_view id,
                                           std::string_view data);

// One event stream being written; every write says whether the client is still there.
class sse_stream {
 public:
  explicit sse_stream(body_writer& writer) : writer_(writer) {}
  // The 200 header (text/event-stream, no caching, no proxy buffering) and a reconnect hint.
  [[nodiscard]] boost::asio::awaitable<bool> open(std::chrono::milliseconds retry);
  [[nodiscard]] boost::asio::awaitable<bool> send(std::string_view name, std::string_view id,
                                                  std::string_view data);
  // A keepalive comment when nothing was sent for sse_keepalive (true when none was needed).
  [[nodiscard]] boost::asio::awaitable<bool> keep_alive();

 private:
  boost::asio::awaitable<bool> write(std::string_view text);

  body_writer& writer_;
  std::chrono::steady_clock::time_point last_write_{};
};

}  // namespace visionary::http
