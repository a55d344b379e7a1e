#include "api/openapi_route.hpp"

#include "api/openapi_document.hpp"

namespace visionary::api {

namespace bhttp = boost::beast::http;

namespace {

// Revalidated on every use (ETag/304): a new build may describe a changed API.
http::response openapi_response(const http::request& message) {
  http::response res{bhttp::status::ok, 11};
  res.set(bhttp::field::content_type, "application/json; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-cache");
  res.set(bhttp::field::etag, openapi_etag());
  if (message[bhttp::field::if_none_match] == openapi_etag()) {
    res.result(bhttp::status::not_modified);
    return res;
  }
  res.body().assign(openapi_document());
  res.prepare_payload();
  return res;
}

}  // namespace

void add_openapi_route(http::router& routes) {
  routes.add(bhttp::verb::get, "/api/openapi.json",
             [](http::request_context& ctx) -> boost::asio::awaitable<http::handler_result> {
               co_return openapi_response(ctx.message);
             });
}

}  // namespace visionary::api
