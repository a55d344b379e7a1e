#include "api/blob_routes.hpp"

#include <charconv>

#include "util/text.hpp"

namespace visionary::api {

namespace bhttp = boost::beast::http;
using core::error_kind;
using core::make_error;

namespace {

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

core::outcome<std::pair<std::string, std::string>> split_blob_path(std::string_view rest) {
  const std::string lowered = util::to_lower_ascii(rest);
  if (lowered.find("%2f") != std::string::npos || lowered.find("%5c") != std::string::npos ||
      lowered.find('\\') != std::string::npos) {
    return make_error(error_kind::invalid_request,
                      "File paths must not contain encoded slashes or backslashes.");
  }
  auto decoded = util::percent_decode(rest);
  if (!decoded || !util::is_valid_utf8(*decoded)) {
    return make_error(error_kind::invalid_request, "The file path is not correctly encoded.");
  }
  const auto slash = decoded->find('/');
  if (slash == std::string::npos || slash == 0) {
    return make_error(error_kind::invalid_request,
                      "The file path must be /blobs/{container}/{name}.");
  }
  std::string container = decoded->substr(0, slash);
  std::string name = decoded->substr(slash + 1);
  if (auto valid = storage::validate_blob_name(name); !valid) {
    return make_error(error_kind::invalid_request,
                      "The file path is not allowed: " + valid.error().message);
  }
  return std::make_pair(std::move(container), std::move(name));
}

std::optional<storage::byte_range> parse_range_header(std::string_view value, std::uint64_t size) {
  value = util::trim(value);
  if (!util::starts_with(value, "bytes=")) return std::nullopt;
  value.remove_prefix(6);
  if (value.find(',') != std::string_view::npos)
    return std::nullopt;  // multiple ranges: serve it all
  const auto dash = value.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first_text = util::trim(value.substr(0, dash));
  const auto last_text = util::trim(value.substr(dash + 1));
  if (first_text.empty()) {
    auto suffix = parse_u64(last_text);
    if (!suffix || *suffix == 0) return std::nullopt;
    return storage::byte_range{*suffix >= size ? 0 : size - *suffix, std::nullopt};
  }
  auto first = parse_u64(first_text);
  if (!first) return std::nullopt;
  if (last_text.empty()) return storage::byte_range{*first, std::nullopt};
  auto last = parse_u64(last_text);
  if (!last || *last < *first) return std::nullopt;
  return storage::byte_range{*first, *last};
}

void add_blob_routes(http::router& routes, storage::fs_blob_store& store) {
  routes.add(
      bhttp::verb::get, "/blobs/*",
      [&store](http::request_context& ctx) -> boost::asio::awaitable<http::handler_result> {
        auto path = split_blob_path(ctx.path_rest);
        if (!path) co_return path.error();
        auto& [container, name] = *path;
        if (container != store.container()) {
          co_return make_error(error_kind::not_found, "There is no container '" + container + "'.");
        }
        const auto now = std::chrono::system_clock::now();
        auto signed_values = store.verify_link(container, name, ctx.query(), now);
        if (!signed_values) co_return signed_values.error();

        // Headers, 304 and 416 come from the index; only the bytes asked for are read.
        const auto props = store.find(name);
        if (!props) co_return make_error(error_kind::not_found, "No such file.");

        const auto expiry = util::parse_iso_utc(signed_values->expires_on).value_or(now);
        const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(expiry - now).count();
        http::response res{bhttp::status::ok, 11};
        res.set(bhttp::field::content_type, signed_values->content_type.empty()
                                                ? props->content_type
                                                : signed_values->content_type);
        res.set(bhttp::field::etag, props->etag);
        res.set(bhttp::field::last_modified, util::format_rfc1123(props->last_modified));
        res.set(bhttp::field::cache_control,
                "private, max-age=" + std::to_string(std::max<long long>(0, max_age)));
        res.set(bhttp::field::accept_ranges, "bytes");
        res.set("Cross-Origin-Resource-Policy", "same-site");

        if (ctx.message[bhttp::field::if_none_match] == props->etag) {
          res.result(bhttp::status::not_modified);
          co_return res;
        }
        std::optional<storage::byte_range> range;
        if (const auto header = ctx.message[bhttp::field::range]; !header.empty()) {
          range = parse_range_header(header, props->size);
        }
        if (range && range->first >= props->size) {
          co_return make_error(error_kind::range_not_satisfiable,
                               "The requested range starts beyond the end of the file.");
        }
        const auto mark_partial = [&res](std::uint64_t first, std::uint64_t last,
                                         std::uint64_t size) {
          res.result(bhttp::status::partial_content);
          res.set(bhttp::field::content_range, "bytes " + std::to_string(first) + "-" +
                                                   std::to_string(last) + "/" +
                                                   std::to_string(size));
        };
        if (ctx.message.method() == bhttp::verb::head) {
          // Everything a HEAD answer says is in the index: no file is read.
          std::uint64_t length = props->size;
          if (range) {
            const std::uint64_t last =
                std::min(range->last.value_or(props->size - 1), props->size - 1);
            mark_partial(range->first, last, props->size);
            length = last - range->first + 1;
          }
          res.content_length(length);
          co_return res;
        }
        auto content = co_await store.get(name, range);
        if (!content) co_return content.error();
        if (content->served_range) {
          mark_partial(content->served_range->first, content->served_range->second,
                       content->properties.size);
        }
        res.body() = std::move(content->bytes);
        res.prepare_payload();
        co_return res;
      });
}

}  // namespace visionary::api
