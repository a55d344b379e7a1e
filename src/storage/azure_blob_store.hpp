// azure_blob_store: the core::blob_store on Azure Blob Storage. Images, thumbnails and metadata
// live in one container; listings come from List Blobs with its own marker; read links are per-blob
// service SAS (sr=b, sp=r) pointing straight at storage. Thread-safe.
#pragma once

#include <memory>

#include "core/ports/blob_store.hpp"
#include "storage/azure_blob_client.hpp"

namespace visionary::storage {

class azure_blob_store final : public core::blob_store {
 public:
  // Startup: creates the container when missing (an existing one is fine) and thereby proves that
  // the endpoint answers and the account key is accepted.
  [[nodiscard]] static boost::asio::awaitable<outcome<std::unique_ptr<azure_blob_store>>> open(
      azure_storage_account account, std::string container, net::http_client& http);

  boost::asio::awaitable<outcome<void>> put(std::string name, std::string bytes,
                                            std::string content_type,
                                            core::blob_metadata metadata) override;
  boost::asio::awaitable<outcome<void>> put_if(std::string name, std::string bytes,
                                               std::string content_type,
                                               core::blob_metadata metadata,
                                               core::write_condition condition) override;
  boost::asio::awaitable<outcome<core::blob_content>> get(
      std::string name, std::optional<core::byte_range> range) override;
  boost::asio::awaitable<outcome<void>> remove(std::string name) override;
  boost::asio::awaitable<outcome<core::blob_page>> list(std::string prefix,
                                                        std::optional<std::string> marker,
                                                        int max_results) override;
  core::signed_link read_link(std::string_view name, std::string_view content_type,
                              util::sys_time expires_at) const override;
  std::string_view kind() const override { return "azure"; }

  [[nodiscard]] const azure_blob_client& client() const { return client_; }

 private:
  azure_blob_store(azure_storage_account account, std::string container, net::http_client& http);

  azure_blob_client client_;
  std::string container_;
};

}  // namespace visionary::storage
