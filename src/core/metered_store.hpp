// metered_store: a blob_store that counts every operation and its outcome for the metrics, and
// otherwise passes everything to the store it wraps. Thread-safe when the wrapped store is.
#pragma once

#include "core/generation_metrics.hpp"
#include "core/ports/blob_store.hpp"

namespace visionary::core {

class metered_store final : public blob_store {
 public:
  metered_store(blob_store& inner, util::counter_family& operations)
      : inner_(inner), operations_(operations) {}

  boost::asio::awaitable<outcome<void>> put(std::string name, std::string bytes,
                                            std::string content_type,
                                            blob_metadata metadata) override;
  boost::asio::awaitable<outcome<void>> put_if(std::string name, std::string bytes,
                                               std::string content_type, blob_metadata metadata,
                                               write_condition condition) override;
  boost::asio::awaitable<outcome<blob_content>> get(std::string name,
                                                    std::optional<byte_range> range) override;
  boost::asio::awaitable<outcome<void>> remove(std::string name) override;
  boost::asio::awaitable<outcome<blob_page>> list(std::string prefix,
                                                  std::optional<std::string> marker,
                                                  int max_results) override;
  signed_link read_link(std::string_view name, std::string_view content_type,
                        util::sys_time expires_at) const override {
    return inner_.read_link(name, content_type, expires_at);
  }
  std::string_view kind() const override { return inner_.kind(); }

 private:
  template <class T>
  outcome<T> count(std::string_view operation, outcome<T> result);

  blob_store& inner_;
  util::counter_family& operations_;
};

}  // namespace visionary::core
