#include "http/sse.hpp"

namespace visionary::http {

std::string format_sse_event(std::string_view name, std::string_view id, std::string_view data) {
  std::string out = "event: " + std::string(name) + "\n";
  if (!id.empty()) out += "id: " + std::string(id) + "\n";
  for (;;) {
    const auto end = data.find('\n');
    out += "data: ";
    out += data.substr(0, end);
    out += "\n";
    if (end == std::string_view::npos) break;
    data.remove_prefix(end + 1);
  }
  out += "\n";
  return out;
}

boost::asio::awaitable<bool> sse_stream::open(std::chrono::milliseconds retry) {
  response header{beast_http::status::ok, 11};
  header.set(beast_http::field::content_type, "text/event-stream; charset=utf-8");
  header.set(beast_http::field::cache_control, "no-store");
  header.set("X-Accel-Buffering", "no");  // nginx: pass events on as they come
  if (!co_await writer_.write_header(header)) co_return false;
  co_return co_await write("retry: " + std::to_string(retry.count()) + "\n\n");
}

boost::asio::awaitable<bool> sse_stream::send(std::string_view name, std::string_view id,
                                              std::string_view data) {
  co_return co_await write(format_sse_event(name, id, data));
}

boost::asio::awaitable<bool> sse_stream::keep_alive() {
  if (std::chrono::steady_clock::now() - last_write_ < sse_keepalive) co_return true;
  co_return co_await write(": keepalive\n\n");
}

boost::asio::awaitable<bool> sse_stream::write(std::string_view text) {
  last_write_ = std::chrono::steady_clock::now();
  co_return co_await writer_.write_body(text);
}

}  // namespace visionary::http
