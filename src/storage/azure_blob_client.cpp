#include "storage/azure_blob_client.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <pugixml.hpp>

#include "storage/azure_listing.hpp"
#include "storage/sas.hpp"
#include "storage/shared_key.hpp"
#include "util/text.hpp"

namespace visionary::storage {

namespace {

constexpr int max_attempts = 3;

bool retryable_status(unsigned status) {
  return status == 500 || status == 503 || status == 502 || status == 504;
}

core::blob_properties properties_from_headers(std::string name,
                                              const net::http_response& response) {
  core::blob_properties p;
  p.name = std::move(name);
  p.content_type =
      std::string(response.header("Content-Type").value_or("application/octet-stream"));
  p.etag = quoted_etag(response.header("ETag").value_or(""));
  if (auto modified = response.header("Last-Modified")) {
    p.last_modified = util::parse_rfc1123(*modified).value_or(util::sys_time{});
  }
  p.size =
      util::parse_number<std::uint64_t>(response.header("Content-Length").value_or("")).value_or(0);
  for (const auto& [key, value] : response.headers) {
    const std::string lowered = util::to_lower_ascii(key);
    if (util::starts_with(lowered, "x-ms-meta-")) p.metadata[lowered.substr(10)] = value;
  }
  return p;
}

}  // namespace

std::string azure_error_code(const net::http_response& response) {
  if (auto header = response.header("x-ms-error-code"); header && !header->empty())
    return std::string(*header);
  pugi::xml_document document;
  if (document.load_buffer(response.body.data(), response.body.size())) {
    if (auto code = document.child("Error").child("Code")) return code.text().as_string();
  }
  return {};
}

azure_blob_client::azure_blob_client(azure_storage_account account, net::http_client& http)
    : account_(std::move(account)), http_(http) {
  if (account_.path_style) {
    auto url = boost::urls::parse_absolute_uri(account_.blob_endpoint);
    if (url) endpoint_path_ = std::string(url->encoded_path());
  }
}

std::string azure_blob_client::blob_url(std::string_view container, std::string_view name) const {
  return account_.blob_endpoint + "/" + std::string(container) + "/" +
         util::percent_encode_path(name);
}

net::http_request azure_blob_client::signed_request(const call_spec& spec) const {
  const std::string path =
      endpoint_path_ + "/" + spec.container +
      (spec.blob ? "/" + util::percent_encode_path(*spec.blob) : std::string());
  std::string query;
  for (const auto& [key, value] : spec.query) {
    query +=
        (query.empty() ? "?" : "&") + util::percent_encode(key) + "=" + util::percent_encode(value);
  }
  const std::string origin =
      account_.blob_endpoint.substr(0, account_.blob_endpoint.size() - endpoint_path_.size());
  net::http_request request;
  request.method = spec.method;
  request.url = origin + path + query;
  request.body = spec.body;
  request.timeout = std::chrono::seconds{30};
  request.headers = spec.headers;
  request.headers.emplace_back("x-ms-date", util::format_rfc1123(std::chrono::system_clock::now()));
  request.headers.emplace_back("x-ms-version", std::string(storage_api_version));
  if (spec.method == "PUT" || spec.method == "POST") {
    request.headers.emplace_back("Content-Length", std::to_string(spec.body.size()));
  }
  // Signing is the very last step, over the request exactly as it will be sent.
  shared_key_request to_sign{spec.method, path, spec.query, request.headers};
  request.headers.emplace_back("Authorization",
                               shared_key_authorization(account_.name, account_.key, to_sign));
  return request;
}

// What a final failed answer means to our callers, decided on its status and x-ms-error-code.
app_error azure_blob_client::failure_error(const azure_failure& failure) const {
  if (failure.status == 404 && failure.code == "ContainerNotFound") {
    // Callers learn what is wrong and who can fix it; the call's log line names the container.
    return make_error(error_kind::storage_unavailable,
                      "The storage container no longer exists; the site's operator must restart "
                      "the server to re-create it.");
  }
  if (failure.status == 404) return make_error(error_kind::not_found, "No such file.");
  // A wrong key: Azure says AuthenticationFailed, Azurite AuthorizationFailure (which Azure also
  // uses when network rules refuse the caller).
  if (failure.status == 403 &&
      (failure.code == "AuthenticationFailed" || failure.code == "AuthorizationFailure")) {
    return make_error(error_kind::storage_error,
                      "Azure Storage rejected the account key of '" + account_.name + "' (" +
                          failure.code +
                          "): check AccountKey in AZURE_STORAGE_CONNECTION_STRING and the "
                          "account's network rules");
  }
  if (failure.status == 403) {
    return make_error(error_kind::storage_error,
                      "Azure Storage refused the request (" + failure.code +
                          "): check the account key in AZURE_STORAGE_CONNECTION_STRING");
  }
  if (failure.status == 416) {
    return make_error(error_kind::range_not_satisfiable, "The requested range is not satisfiable.");
  }
  if (retryable_status(failure.status)) {
    return make_error(error_kind::storage_unavailable,
                      "Azure Blob Storage is unavailable right now; try again shortly.");
  }
  return make_error(error_kind::storage_error,
                    "Azure Storage answered " + std::to_string(failure.status) + " " +
                        failure.code + " (request id " + failure.request_id + ")");
}

boost::asio::awaitable<outcome<net::http_response>> azure_blob_client::call(call_spec spec) {
  const bool idempotent = spec.method != "POST";
  auto executor = co_await boost::asio::this_coro::executor;
  for (int attempt = 1;; ++attempt) {
    auto response = co_await http_.send(signed_request(spec));
    const bool last = attempt >= max_attempts || !idempotent;
    if (!response) {
      spdlog::warn("Azure Storage {} {} failed: {}", spec.method, spec.container,
                   response.error().message);
      if (last) {
        co_return make_error(error_kind::storage_unavailable,
                             "Azure Blob Storage cannot be reached right now; try again shortly.");
      }
    } else if (std::find(spec.expected.begin(), spec.expected.end(), response->status) !=
               spec.expected.end()) {
      co_return std::move(*response);
    } else {
      const azure_failure failure{response->status, azure_error_code(*response),
                                  std::string(response->header("x-ms-request-id").value_or(""))};
      if (!retryable_status(failure.status) || last) {
        spdlog::warn("Azure Storage {} in {} answered {} {} (request id {})", spec.method,
                     spec.container, failure.status, failure.code, failure.request_id);
        co_return failure_error(failure);
      }
    }
    boost::asio::steady_timer timer(executor,
                                    std::chrono::milliseconds(200 * (1 << (2 * (attempt - 1)))));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

boost::asio::awaitable<outcome<void>> azure_blob_client::create_container(std::string container) {
  call_spec spec{"PUT",     std::move(container), std::nullopt, {{"restype", "container"}}, {}, {},
                 {201, 409}};
  auto response = co_await call(std::move(spec));
  if (!response) co_return response.error();
  if (response->status == 409 && azure_error_code(*response) != "ContainerAlreadyExists") {
    co_return make_error(error_kind::storage_error, "Azure Storage cannot create the container (" +
                                                        azure_error_code(*response) + ")");
  }
  co_return outcome<void>{};
}

boost::asio::awaitable<outcome<void>> azure_blob_client::put_blob(
    std::string container, std::string name, std::string bytes, std::string content_type,
    core::blob_metadata metadata, core::write_condition condition) {
  std::vector<std::pair<std::string, std::string>> headers{{"x-ms-blob-type", "BlockBlob"},
                                                           {"Content-Type", content_type}};
  for (const auto& [key, value] : metadata) headers.emplace_back("x-ms-meta-" + key, value);
  if (condition.if_match) headers.emplace_back("If-Match", *condition.if_match);
  if (condition.if_absent) headers.emplace_back("If-None-Match", "*");
  const bool conditional = condition.if_match || condition.if_absent;
  // A conditional write's 412 (changed) or 409 (already there) is an answer, not a failure.
  std::vector<unsigned> expected{201};
  if (conditional) expected.insert(expected.end(), {409, 412});
  call_spec spec{"PUT",
                 std::move(container),
                 std::move(name),
                 {},
                 std::move(headers),
                 std::move(bytes),
                 std::move(expected)};
  auto response = co_await call(std::move(spec));
  if (!response) co_return response.error();
  if (response->status == 412 ||
      (response->status == 409 && azure_error_code(*response) == "BlobAlreadyExists")) {
    co_return make_error(error_kind::precondition_failed,
                         "The blob changed since it was read; read it again.");
  }
  if (response->status != 201) {
    co_return make_error(error_kind::storage_error,
                         "Azure Storage refused the write (" + azure_error_code(*response) + ")");
  }
  co_return outcome<void>{};
}

boost::asio::awaitable<outcome<core::blob_content>> azure_blob_client::get_blob(
    std::string container, std::string name, std::optional<core::byte_range> range) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (range) {
    headers.emplace_back("x-ms-range",
                         "bytes=" + std::to_string(range->first) + "-" +
                             (range->last ? std::to_string(*range->last) : std::string()));
  }
  call_spec spec{"GET", std::move(container), name, {}, std::move(headers), {}, {200, 206}};
  auto response = co_await call(std::move(spec));
  if (!response) co_return response.error();
  core::blob_content content;
  content.properties = properties_from_headers(std::move(name), *response);
  if (response->status == 206) {
    // Content-Range: bytes first-last/total
    const std::string_view value = response->header("Content-Range").value_or("");
    const auto dash = value.find('-');
    const auto slash = value.find('/');
    if (util::starts_with(value, "bytes ") && dash != std::string_view::npos &&
        slash != std::string_view::npos) {
      const auto first = util::parse_number<std::uint64_t>(value.substr(6, dash - 6));
      const auto last = util::parse_number<std::uint64_t>(value.substr(dash + 1, slash - dash - 1));
      const auto total = util::parse_number<std::uint64_t>(value.substr(slash + 1));
      if (first && last && total) {
        content.served_range = std::make_pair(*first, *last);
        content.properties.size = *total;
      }
    }
  }
  content.bytes = std::move(response->body);
  co_return content;
}

boost::asio::awaitable<outcome<void>> azure_blob_client::delete_blob(std::string container,
                                                                     std::string name) {
  call_spec spec{"DELETE", std::move(container), std::move(name), {}, {}, {}, {202}};
  auto response = co_await call(std::move(spec));
  if (!response) co_return response.error();
  co_return outcome<void>{};
}

boost::asio::awaitable<outcome<core::blob_page>> azure_blob_client::list_blobs(
    std::string container, std::string prefix, std::optional<std::string> marker, int max_results) {
  std::vector<std::pair<std::string, std::string>> query{
      {"restype", "container"},
      {"comp", "list"},
      {"include", "metadata"},
      {"maxresults", std::to_string(std::clamp(max_results, 1, 5000))}};
  if (!prefix.empty()) query.emplace_back("prefix", std::move(prefix));
  if (marker) query.emplace_back("marker", std::move(*marker));
  call_spec spec{"GET", std::move(container), std::nullopt, std::move(query), {}, {}, {200}};
  auto response = co_await call(std::move(spec));
  if (!response) co_return response.error();
  co_return parse_list_blobs(response->body);
}

}  // namespace visionary::storage
