// fs_blob_store: the embedded blob store on the local filesystem. Durable atomic writes (temp file,
// fsync, rename, directory fsync), an in-memory sorted index rebuilt from disk at startup (so
// listing costs O(log n + page)), and links signed like Azure service SAS, served by GET /blobs/...
// . Thread-safe. One process owns a data directory at a time (enforced with an exclusive lock
// file).
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "core/ports/link_serving_store.hpp"
#include "storage/sas.hpp"

namespace visionary::storage {

struct fs_blob_store_options {
  std::filesystem::path data_dir;
  std::string container = "images";
  std::string signing_key;             // raw key bytes
  std::string link_prefix = "/blobs";  // site-relative links: /blobs/{container}/{name}?sas
  std::string account = "visionary";   // account name in the SAS canonical resource
};

class fs_blob_store final : public core::link_serving_store {
 public:
  // Startup: creates the folders, takes the lock, scans existing blobs, removes stale temp files.
  [[nodiscard]] static outcome<std::unique_ptr<fs_blob_store>> open(fs_blob_store_options options,
                                                                    boost::asio::thread_pool& pool);
  ~fs_blob_store() override;

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
  std::string_view kind() const override { return "fs"; }

  const std::string& container() const override { return options_.container; }
  std::optional<core::blob_properties> find(std::string_view name) const override;
  boost::asio::awaitable<outcome<std::unique_ptr<core::blob_reader>>> open_reader(
      std::string name, std::optional<core::byte_range> range) override;
  outcome<core::link_grant> verify_link(
      std::string_view container, std::string_view name,
      const std::vector<std::pair<std::string, std::string>>& query,
      util::sys_time now) const override;

 private:
  fs_blob_store(fs_blob_store_options options, boost::asio::thread_pool& pool, int lock_fd);
  outcome<void> scan();
  outcome<void> put_blocking(const std::string& name, const std::string& bytes,
                             const std::string& content_type, const core::blob_metadata& metadata);
  struct opened_blob;  // an open file and the part of it to read (defined in the .cpp)
  class reader;        // streams an opened_blob
  outcome<opened_blob> open_blocking(const std::string& name,
                                     const std::optional<core::byte_range>& range);
  outcome<core::blob_content> get_blocking(const std::string& name,
                                           const std::optional<core::byte_range>& range);
  outcome<void> remove_blocking(const std::string& name);
  std::filesystem::path blob_path(std::string_view name) const;
  std::filesystem::path meta_path(std::string_view name) const;

  fs_blob_store_options options_;
  boost::asio::thread_pool& pool_;
  int lock_fd_;
  std::filesystem::path blob_root_;
  std::filesystem::path meta_root_;
  std::mutex conditional_writes_;  // one conditional write at a time: check and write are one step
  mutable std::mutex mutex_;
  std::map<std::string, core::blob_properties, std::less<>> index_;  // guarded by mutex_
};

}  // namespace visionary::storage
