#include "core/metered_store.hpp"

namespace visionary::core {

template <class T>
outcome<T> metered_store::count(std::string_view operation, outcome<T> result) {
  operations_.with({operation, result ? std::string_view("ok") : error_code(result.error().kind)})
      .inc();
  return result;
}

boost::asio::awaitable<outcome<void>> metered_store::put(std::string name, std::string bytes,
                                                         std::string content_type,
                                                         blob_metadata metadata) {
  co_return count("put", co_await inner_.put(std::move(name), std::move(bytes),
                                             std::move(content_type), std::move(metadata)));
}

boost::asio::awaitable<outcome<void>> metered_store::put_if(std::string name, std::string bytes,
                                                            std::string content_type,
                                                            blob_metadata metadata,
                                                            write_condition condition) {
  co_return count("put_if",
                  co_await inner_.put_if(std::move(name), std::move(bytes), std::move(content_type),
                                         std::move(metadata), std::move(condition)));
}

boost::asio::awaitable<outcome<blob_content>> metered_store::get(std::string name,
                                                                 std::optional<byte_range> range) {
  co_return count("get", co_await inner_.get(std::move(name), range));
}

boost::asio::awaitable<outcome<void>> metered_store::remove(std::string name) {
  co_return count("remove", co_await inner_.remove(std::move(name)));
}

boost::asio::awaitable<outcome<blob_page>> metered_store::list(std::string prefix,
                                                               std::optional<std::string> marker,
                                                               int max_results) {
  co_return count("list", co_await inner_.list(std::move(prefix), std::move(marker), max_results));
}

}  // namespace visionary::core
