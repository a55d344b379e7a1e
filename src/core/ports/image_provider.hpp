// image_provider: the interface every image model backend implements (OpenAI, Azure OpenAI,
// OpenAI-compatible servers, the offline demo). Implementations are safe for concurrent generate()
// calls from any executor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/model_catalog.hpp"
#include "util/error.hpp"

namespace visionary::core {

struct generation_request {
  std::string prompt;
  std::string size;
  std::optional<std::string> quality;
  std::optional<std::string> style;
  int n = 1;
  std::string request_id;  // forwarded to the provider's logs where possible
};

struct generated_image {
  std::string bytes;  // encoded image (PNG, JPEG or WebP) exactly as the provider sent it
  std::optional<std::string> revised_prompt;
};

class image_provider {
 public:
  virtual ~image_provider() = default;

  [[nodiscard]] virtual boost::asio::awaitable<outcome<std::vector<generated_image>>> generate(
      const generation_request& request) = 0;

  [[nodiscard]] virtual std::string_view name() const = 0;  // "openai", "demo", ...
  [[nodiscard]] virtual std::string_view model() const = 0;
  // True for the procedural demo: its pictures are not made by an AI model.
  [[nodiscard]] virtual bool offline() const = 0;
  [[nodiscard]] virtual const model_capabilities& capabilities() const = 0;
};

}  // namespace visionary::core
