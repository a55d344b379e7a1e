#include "ui/static_ui.hpp"

#include <fstream>
#include <sstream>

#include "ui/embedded_assets.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

namespace visionary::ui {

namespace bhttp = boost::beast::http;

namespace {

// react-hot-toast injects its styles at run time, hence 'unsafe-inline' for styles (not scripts).
std::string content_security_policy(std::string_view image_origin) {
  return "default-src 'self'; img-src 'self' data: blob:" +
         (image_origin.empty() ? "" : " " + std::string(image_origin)) +
         "; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src "
         "'none'; "
         "base-uri 'self'; frame-ancestors 'none'";
}

constexpr std::string_view not_built_page =
    "<!doctype html><meta charset=utf-8><title>VisionaryAI</title>"
    "<p>The web UI is not part of this build. Build with Node.js available (make run) or pass "
    "--web-root to serve a folder. The API is at <a href=/api/health>/api/health</a>.";

struct asset_view {
  std::string path;
  std::string content_type;
  std::string etag;
  std::string_view body;
  std::string_view gzip_body;
  std::string owned;  // backing store for --web-root files
};

std::string type_for(std::string_view path) {
  return std::string(util::content_type_for_name(path));
}

std::optional<asset_view> load(const std::filesystem::path& web_root, const std::string& path) {
  if (web_root.empty()) {
    const auto* asset = find_embedded_asset(path);
    if (asset == nullptr) return std::nullopt;
    return asset_view{std::string(asset->path), std::string(asset->content_type),
                      std::string(asset->etag), asset->body,
                      asset->gzip_body,         {}};
  }
  // The request path was checked for dot segments; relative() keeps it inside web_root.
  const auto file = web_root / std::filesystem::path(path).relative_path();
  std::ifstream in(file, std::ios::binary);
  if (!in || std::filesystem::is_directory(file)) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  asset_view view{path, type_for(path), {}, {}, {}, std::move(buffer).str()};
  view.etag = "\"" + util::hex_encode(util::sha256(view.owned)).substr(0, 20) + "\"";
  view.body = view.owned;
  return view;
}

}  // namespace

void add_ui_routes(http::router& routes, std::filesystem::path web_root, std::string image_origin) {
  routes.set_fallback(
      [web_root = std::move(web_root), csp = content_security_policy(image_origin)](
          http::request_context& ctx) -> boost::asio::awaitable<http::handler_result> {
        auto decoded = util::percent_decode(
            std::string_view(ctx.url.encoded_path().data(), ctx.url.encoded_path().size()));
        if (!decoded || decoded->find("/..") != std::string::npos ||
            decoded->find('\\') != std::string::npos || decoded->find('\0') != std::string::npos) {
          co_return make_error(error_kind::not_found, "There is nothing at this address.");
        }
        std::string path = *decoded == "/" ? "/index.html" : *decoded;
        auto asset = load(web_root, path);
        if (!asset) {
          // Missing hashed assets are real 404s; anything else is a client-side route.
          if (util::starts_with(path, "/assets/")) {
            co_return make_error(error_kind::not_found, "There is nothing at " + path + ".");
          }
          asset = load(web_root, "/index.html");
        }
        if (!asset) {
          http::response res{bhttp::status::ok, 11};
          res.set(bhttp::field::content_type, "text/html; charset=utf-8");
          res.body() = not_built_page;
          res.prepare_payload();
          co_return res;
        }

        http::response res{bhttp::status::ok, 11};
        res.set(bhttp::field::content_type, asset->content_type);
        res.set(bhttp::field::etag, asset->etag);
        const bool immutable = util::starts_with(asset->path, "/assets/");
        res.set(bhttp::field::cache_control,
                immutable ? "public, max-age=31536000, immutable" : "no-cache");
        if (asset->content_type.starts_with("text/html")) {
          res.set("Content-Security-Policy", csp);
          res.set("Referrer-Policy", "no-referrer");
          res.set("X-Frame-Options", "DENY");
        }
        if (!asset->gzip_body.empty()) res.set(bhttp::field::vary, "Accept-Encoding");
        if (ctx.message[bhttp::field::if_none_match] == asset->etag) {
          res.result(bhttp::status::not_modified);
          co_return res;
        }
        const auto accept = util::to_lower_ascii(ctx.message[bhttp::field::accept_encoding]);
        if (!asset->gzip_body.empty() && accept.find("gzip") != std::string::npos) {
          res.set(bhttp::field::content_encoding, "gzip");
          res.body().assign(asset->gzip_body);
        } else {
          res.body().assign(asset->body);
        }
        res.prepare_payload();
        co_return res;
      });
}

}  // namespace visionary::ui
