#include "api/blob_routes.hpp"

#include "util/text.hpp"

namespace visionary::api {

namespace bhttp = boost::beast::http;

std::string blob_link_target(std::string_view container, std::string_view name,
                             const http::query_list& query) {
  std::string target =
      "/blobs/" + util::percent_encode(container) + "/" + util::percent_encode_path(name);
  char separator = '?';
  for (const auto& [key, value] : query) {
    target += separator;
    target += util::percent_encode(key) + "=" + util::percent_encode(value);
    separator = '&';
  }
  return target;
}

namespace {

// Headers every answer about a linked file carries; all of them come from the index.
http::response link_answer(const core::link_grant& grant, const core::blob_properties& props,
                           util::sys_time now) {
  const auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(grant.expires_at - now).count();
  http::response res{bhttp::status::ok, 11};
  res.set(bhttp::field::content_type,
          grant.content_type.empty() ? props.content_type : grant.content_type);
  res.set(bhttp::field::etag, props.etag);
  res.set(bhttp::field::last_modified, util::format_rfc1123(props.last_modified));
  res.set(bhttp::field::cache_control,
          "private, max-age=" + std::to_string(std::max<long long>(0, max_age)));
  res.set(bhttp::field::accept_ranges, "bytes");
  res.set("Cross-Origin-Resource-Policy", "same-site");
  return res;
}

void mark_partial(http::response& res, std::uint64_t first, std::uint64_t last,
                  std::uint64_t size) {
  res.result(bhttp::status::partial_content);
  res.set(bhttp::field::content_range, "bytes " + std::to_string(first) + "-" +
                                           std::to_string(last) + "/" + std::to_string(size));
}

// Everything a HEAD answer says is in the index: no file is read.
void answer_head(http::response& res, const std::optional<core::byte_range>& range,
                 std::uint64_t size) {
  std::uint64_t length = size;
  if (range) {
    const std::uint64_t last = std::min(range->last.value_or(size - 1), size - 1);
    mark_partial(res, range->first, last, size);
    length = last - range->first + 1;
  }
  res.content_length(length);
}

// One piece in flight per connection: a thousand slow readers hold a thousand pieces, not a
// thousand files.
constexpr std::size_t file_piece_bytes = 32 * 1024;

// Writes the header, then the file piece by piece as the client takes it.
http::reply stream_file(http::response header, std::unique_ptr<core::blob_reader> file) {
  const std::uint64_t size = file->properties().size;
  std::uint64_t length = size;
  if (const auto served = file->served_range()) {
    mark_partial(header, served->first, served->second, size);
    length = served->second - served->first + 1;
  }
  header.content_length(length);
  http::body_streamer streamer =
      [header = std::move(header), file = std::shared_ptr<core::blob_reader>(std::move(file))](
          http::body_writer& writer) mutable -> boost::asio::awaitable<http::http_outcome<void>> {
    if (!co_await writer.write_header(header)) co_return http::http_outcome<void>{};
    while (true) {
      auto piece = co_await file->read(file_piece_bytes);
      // Past the header an error can only end the connection (the relay marks it broken).
      if (!piece) co_return http::http_error(piece.error());
      if (piece->empty() || !co_await writer.write_body(*piece)) break;
    }
    co_return http::http_outcome<void>{};
  };
  return http::reply(std::move(streamer));
}

boost::asio::awaitable<http::handler_result> serve_linked_file(core::link_serving_store& store,
                                                               http::request_context& ctx) {
  auto path = split_blob_path(ctx.path_rest);
  if (!path) co_return path.error();
  auto& [container, name] = *path;
  if (container != store.container()) {
    co_return make_error(error_kind::not_found, "There is no container '" + container + "'.");
  }
  const auto now = std::chrono::system_clock::now();
  auto grant = store.verify_link(container, name, ctx.query(), now);
  if (!grant) co_return grant.error();
  // Headers, 304 and 416 come from the index; only the bytes asked for are read.
  const auto props = store.find(name);
  if (!props) co_return make_error(error_kind::not_found, "No such file.");
  auto res = link_answer(*grant, *props, now);
  if (ctx.message[bhttp::field::if_none_match] == props->etag) {
    res.result(bhttp::status::not_modified);
    co_return res;
  }
  std::optional<core::byte_range> range;
  if (const auto header = ctx.message[bhttp::field::range]; !header.empty()) {
    range = parse_range_header(header, props->size);
  }
  if (range && range->first >= props->size) {
    co_return make_error(error_kind::range_not_satisfiable,
                         "The requested range starts beyond the end of the file.");
  }
  if (ctx.message.method() == bhttp::verb::head) {
    answer_head(res, range, props->size);
    co_return res;
  }
  auto reader = co_await store.open_reader(name, range);
  if (!reader) co_return reader.error();
  co_return stream_file(std::move(res), std::move(*reader));
}

}  // namespace

void add_blob_routes(http::router& routes, core::link_serving_store& store) {
  routes.add(bhttp::verb::get, "/blobs/*",
             [&store](http::request_context& ctx) { return serve_linked_file(store, ctx); });
}

}  // namespace visionary::api
