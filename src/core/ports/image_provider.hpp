// image_provider: the interface every image model backend implements (OpenAI, Azure OpenAI,
// OpenAI-compatible servers, the offline demo). Implementations are safe for concurrent generate()
// calls from any executor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
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

// What the provider reported it billed for one answer (OpenAI's `usage`), in tokens.
struct token_usage {
  std::int64_t input_text_tokens = 0;
  std::int64_t input_image_tokens = 0;
  std::int64_t output_tokens = 0;
  friend bool operator==(const token_usage&, const token_usage&) = default;
};

struct generation_result {
  std::vector<generated_image> images;
  std::optional<token_usage> usage;  // absent when the provider reports none
};

class image_provider {
 public:
  virtual ~image_provider() = default;

  [[nodiscard]] virtual boost::asio::awaitable<outcome<generation_result>> generate(
      const generation_request& request) = 0;

  [[nodiscard]] virtual std::string_view name() const = 0;  // "openai", "demo", ...
  [[nodiscard]] virtual std::string_view model() const = 0;
  // True for the procedural demo: its pictures are not made by an AI model.
  [[nodiscard]] virtual bool offline() const = 0;
  [[nodiscard]] virtual const model_capabilities& capabilities() const = 0;
};

}  // namespace visionary::core
