// pricing: what a generation costs in US dollars. Token prices for GPT image models (applied to the
// `usage` the provider reports), per-image prices by quality and size otherwise; built-in prices
// for OpenAI's image models, and an operator's JSON file that adds or overrides models. Immutable
// once built; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/ports/image_provider.hpp"
#include "core/provider_kind.hpp"
#include "util/error.hpp"

namespace visionary::core {

struct token_prices {  // USD per million tokens
  double text_input = 0;
  double image_input = 0;
  double image_output = 0;
};

struct model_price {
  std::optional<token_prices> tokens;
  // USD per image: quality (or "*") → size (or "*") → price.
  std::map<std::string, std::map<std::string, double>> per_image;
};

class price_table {
 public:
  // OpenAI's published prices for the image models VisionaryAI supports (see README).
  [[nodiscard]] static price_table builtin();
  // {"models": {"<model>": {"tokens": {"textInput", "imageInput", "imageOutput"},
  //                         "perImage": {"<quality>|*": {"<size>|*": usd}}}}}; each listed model
  // replaces the built-in entry of the same name. The error names what is wrong.
  [[nodiscard]] static outcome<price_table> with_overrides(price_table base, std::string_view json);

  [[nodiscard]] const model_price* find(std::string_view model) const;
  void set(std::string model, model_price price) { models_[std::move(model)] = std::move(price); }

 private:
  std::map<std::string, model_price, std::less<>> models_;
};

// The price one provider's model is charged at. Paid providers (OpenAI, Azure OpenAI) always have
// one: a model (or Azure deployment) missing from the table is charged like the closest known
// model, or the dearest when nothing is close, so that an unknown name never means "free". Other
// providers cost nothing unless the table lists their model.
struct price_plan {
  std::optional<model_price> price;  // nullopt: free
  std::string priced_as;             // the table entry used, for the start-up summary
  [[nodiscard]] bool free() const { return !price.has_value(); }
};
[[nodiscard]] price_plan plan_for(const price_table& table, provider_kind provider,
                                  std::string_view model);

// The most one image of this request can cost (largest output for its size and quality).
[[nodiscard]] double worst_case_per_image(const price_plan& plan,
                                          const generation_request& request);
// The most input tokens one image of an edit is billed: its tiles (up to ~1,600 at 2048 px) plus
// up to 6,240 more at high input fidelity (OpenAI's figure), rounded up.
inline constexpr std::int64_t max_edit_input_image_tokens = 8000;
// The most an edit's input images can cost (each at max_edit_input_image_tokens at the model's
// image-input price); 0 for other requests and for models priced per image.
[[nodiscard]] double worst_case_edit_input(const price_plan& plan,
                                           const generation_request& request);
// What an answer cost: from its usage when reported, else per image.
[[nodiscard]] double cost_of(const price_plan& plan, const generation_request& request,
                             std::size_t images, const std::optional<token_usage>& usage);

}  // namespace visionary::core
