// The body of POST /api/generateImage: api::parse_generation_json, then core::validate_generation
// against the capabilities of each provider kind, as the route does. An accepted request holds a
// clean prompt within the limit and options the model offers, and reaches the provider's JSON
// body unchanged.
#include "api/request_json.hpp"

#include <boost/json.hpp>
#include <string>

#include "core/model_catalog.hpp"
#include "fuzz_check.hpp"
#include "providers/openai_protocol.hpp"
#include "util/text.hpp"

namespace {

using namespace visionary;
using fuzz::require;

constexpr std::size_t max_prompt_chars = 1000;

void check_request(const core::generation_request& request,
                   const core::model_capabilities& capabilities) {
  const std::size_t limit = core::prompt_limit(capabilities, max_prompt_chars);
  require(util::is_valid_utf8(request.prompt), "the prompt is UTF-8");
  require(!request.prompt.empty() && util::utf8_length(request.prompt) <= limit,
          "the prompt is within the limit");
  const auto again = core::validate_prompt(request.prompt, limit);
  require(again.has_value() && *again == request.prompt, "a validated prompt validates to itself");
  require(request.n >= 1 && request.n <= capabilities.max_n, "n is within the model's range");
  require(core::validate_size(request.size, capabilities).has_value(),
          "the size is one the model offers (a preset or within its custom-size rules)");
  const auto body = boost::json::parse(
      providers::build_generation_body(request, "dall-e-3", providers::openai_flavor::openai));
  require(body.at("prompt").as_string() == request.prompt, "the provider gets the prompt as is");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = api::parse_generation_json(fuzz::as_text(data, size));
  if (!input) {
    require(input.error().kind == error_kind::invalid_request, "a bad body is invalid_request");
    return 0;
  }
  const std::pair<core::provider_kind, std::string_view> models[] = {
      {core::provider_kind::demo, "demo"},
      {core::provider_kind::openai, "dall-e-3"},
      {core::provider_kind::openai, "gpt-image-1"},
      {core::provider_kind::automatic1111, "stable-diffusion"}};
  for (const auto& [kind, model] : models) {
    const auto capabilities = core::capabilities_for(kind, model);
    auto request = core::validate_generation(*input, capabilities, max_prompt_chars);
    if (request) check_request(*request, capabilities);
  }
  return 0;
}
