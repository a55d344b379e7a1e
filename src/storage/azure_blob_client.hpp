// azure_blob_client: a small asynchronous client for the Azure Blob Storage REST API (version
// 2025-11-05): Create Container, Put/Get/Delete Blob, Get Blob Properties and List Blobs, signed
// with Shared Key as the last step over the final request. Idempotent operations are retried on
// 500/503 and network failures. Thread-safe: immutable apart from the thread-safe HTTP client.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ports/blob_store.hpp"
#include "net/http_client.hpp"
#include "storage/azure_listing.hpp"
#include "storage/connection_string.hpp"

namespace visionary::storage {

// What Azure said about a failed call: HTTP status, x-ms-error-code (header first, XML <Code>
// as fallback) and x-ms-request-id.
struct azure_failure {
  unsigned status = 0;
  std::string code;
  std::string request_id;
};

// The error code of a failed answer: the x-ms-error-code header, else <Error><Code>.
[[nodiscard]] std::string azure_error_code(const net::http_response& response);

class azure_blob_client {
 public:
  azure_blob_client(azure_storage_account account, net::http_client& http);

  [[nodiscard]] boost::asio::awaitable<outcome<void>> create_container(std::string container);
  [[nodiscard]] boost::asio::awaitable<outcome<void>> put_blob(
      std::string container, std::string name, std::string bytes, std::string content_type,
      core::blob_metadata metadata, core::write_condition condition = {});
  [[nodiscard]] boost::asio::awaitable<outcome<core::blob_content>> get_blob(
      std::string container, std::string name, std::optional<core::byte_range> range);
  [[nodiscard]] boost::asio::awaitable<outcome<void>> delete_blob(std::string container,
                                                                  std::string name);
  [[nodiscard]] boost::asio::awaitable<outcome<core::blob_page>> list_blobs(
      std::string container, std::string prefix, std::optional<std::string> marker,
      int max_results);

  // https://acct.blob.core.windows.net/{container}/{encoded name} (path-style for the emulator).
  [[nodiscard]] std::string blob_url(std::string_view container, std::string_view name) const;
  [[nodiscard]] const azure_storage_account& account() const { return account_; }

 private:
  struct call_spec {
    std::string method;
    std::string container;
    std::optional<std::string> blob;
    std::vector<std::pair<std::string, std::string>> query;  // decoded
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::vector<unsigned> expected;  // success statuses
  };
  boost::asio::awaitable<outcome<net::http_response>> call(call_spec spec);
  [[nodiscard]] net::http_request signed_request(const call_spec& spec) const;
  [[nodiscard]] app_error failure_error(const azure_failure& failure) const;

  azure_storage_account account_;
  net::http_client& http_;
  std::string endpoint_path_;  // "/devstoreaccount1" for path-style endpoints, else ""
};

}  // namespace visionary::storage
