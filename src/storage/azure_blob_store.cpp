#include "storage/azure_blob_store.hpp"

#include "storage/sas.hpp"

namespace visionary::storage {

azure_blob_store::azure_blob_store(azure_storage_account account, std::string container,
                                   net::http_client& http)
    : client_(std::move(account), http), container_(std::move(container)) {}

boost::asio::awaitable<outcome<std::unique_ptr<azure_blob_store>>> azure_blob_store::open(
    azure_storage_account account, std::string container, net::http_client& http) {
  std::unique_ptr<azure_blob_store> store(
      new azure_blob_store(std::move(account), std::move(container), http));
  auto created = co_await store->client_.create_container(store->container_);
  if (!created) co_return created.error();
  co_return store;
}

boost::asio::awaitable<outcome<void>> azure_blob_store::put(std::string name, std::string bytes,
                                                            std::string content_type,
                                                            core::blob_metadata metadata) {
  core::write_condition
      unconditional;  // named: g++ 12 mishandles aggregate temporaries in co_await
  co_return co_await put_if(std::move(name), std::move(bytes), std::move(content_type),
                            std::move(metadata), std::move(unconditional));
}

boost::asio::awaitable<outcome<void>> azure_blob_store::put_if(std::string name, std::string bytes,
                                                               std::string content_type,
                                                               core::blob_metadata metadata,
                                                               core::write_condition condition) {
  if (auto valid = core::validate_blob_name(name); !valid) co_return valid;
  if (auto valid = core::validate_metadata(metadata); !valid) co_return valid;
  co_return co_await client_.put_blob(container_, std::move(name), std::move(bytes),
                                      std::move(content_type), std::move(metadata),
                                      std::move(condition));
}

boost::asio::awaitable<outcome<core::blob_content>> azure_blob_store::get(
    std::string name, std::optional<core::byte_range> range) {
  if (!core::validate_blob_name(name)) co_return make_error(error_kind::not_found, "No such file.");
  co_return co_await client_.get_blob(container_, std::move(name), range);
}

boost::asio::awaitable<outcome<void>> azure_blob_store::remove(std::string name) {
  if (!core::validate_blob_name(name)) co_return make_error(error_kind::not_found, "No such file.");
  co_return co_await client_.delete_blob(container_, std::move(name));
}

boost::asio::awaitable<outcome<core::blob_page>> azure_blob_store::list(
    std::string prefix, std::optional<std::string> marker, int max_results) {
  co_return co_await client_.list_blobs(container_, std::move(prefix), std::move(marker),
                                        max_results);
}

core::signed_link azure_blob_store::read_link(std::string_view name, std::string_view content_type,
                                              util::sys_time expires_at) const {
  const auto& account = client_.account();
  blob_sas_values v;
  v.account = account.name;
  v.container = container_;
  v.blob = name;
  v.expires_on = util::format_iso_seconds(expires_at);
  // Plain http only for an emulator that speaks nothing else.
  v.protocol = account.https ? "https" : "https,http";
  v.content_type = content_type;
  // Never cached longer than the shortest lifetime a link is issued with (25 of at most 30
  // minutes).
  v.cache_control = "private, max-age=1500";
  const std::string sig = sign_blob_sas(account.key, v);
  return core::signed_link{client_.blob_url(container_, name) + "?" + blob_sas_query(v, sig),
                           expires_at};
}

}  // namespace visionary::storage
