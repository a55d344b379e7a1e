#include "core/pricing.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cstdio>

namespace visionary::core {

namespace {

namespace json = boost::json;

constexpr double per_million = 1e-6;
constexpr double megapixel = 1024.0 * 1024.0;
// The dearest model, charged for paid models the table does not know.
constexpr std::string_view dearest_model = "gpt-image-1";

model_price tokens(double text_input, double image_input, double image_output) {
  return model_price{token_prices{text_input, image_input, image_output}, {}};
}

// Output tokens of one 1024x1024 image by quality, at the top of what the GPT image models use
// (gpt-image-2 at high quality is about 7,000); "auto" and unknown qualities count as high.
double output_tokens_per_megapixel(const std::optional<std::string>& quality) {
  if (quality == "low") return 400;
  if (quality == "medium") return 1600;
  return 7000;
}

double pixels_of(std::string_view size) {
  int width = 0, height = 0;
  if (std::sscanf(std::string(size).c_str(), "%dx%d", &width, &height) != 2 || width <= 0 ||
      height <= 0) {
    return 1536.0 * 1024.0;  // "auto": the largest preset
  }
  return double(width) * double(height);
}

// The per-image price for this quality and size; the dearest quality when none was asked for.
std::optional<double> per_image_price(const model_price& price, const generation_request& request) {
  std::optional<double> found;
  const auto consider = [&](const std::map<std::string, double>& by_size) {
    for (const std::string_view size : {std::string_view(request.size), std::string_view("*")}) {
      if (auto it = by_size.find(std::string(size)); it != by_size.end()) {
        found = std::max(found.value_or(0.0), it->second);
        return;
      }
    }
  };
  if (request.quality && *request.quality != "auto") {
    for (const std::string& quality : {*request.quality, std::string("*")}) {
      if (auto it = price.per_image.find(quality); it != price.per_image.end()) {
        consider(it->second);
        if (found) return found;
      }
    }
    return found;
  }
  for (const auto& [quality, by_size] : price.per_image) consider(by_size);
  return found;
}

double estimated_tokens_cost(const token_prices& prices, const generation_request& request) {
  const double output =
      output_tokens_per_megapixel(request.quality) * pixels_of(request.size) / megapixel;
  // At most one token per character of the prompt.
  const double input = double(request.prompt.size());
  return (output * prices.image_output + input * prices.text_input) * per_million;
}

std::optional<std::string_view> closest_known_model(std::string_view model) {
  static constexpr std::array<std::string_view, 6> families{
      "gpt-image-2", "gpt-image-1.5", "gpt-image-1-mini", "gpt-image-1", "dall-e-3", "dall-e-2"};
  for (const auto family : families) {
    if (model.find(family) != std::string_view::npos) return family;
  }
  if (model.find("gpt-image") != std::string_view::npos) return "gpt-image-1";
  return std::nullopt;
}

// A price: a finite number of dollars, not negative.
std::optional<double> dollars(const json::value& v) {
  if (!v.is_number()) return std::nullopt;
  const double d = v.to_number<double>();
  if (!(d >= 0) || d > 1e6) return std::nullopt;
  return d;
}

outcome<token_prices> parse_token_prices(const json::value& v, const std::string& where) {
  if (!v.is_object())
    return make_error(error_kind::invalid_request, where + ".tokens must be an object");
  token_prices prices;
  for (const auto& [key, field] :
       {std::pair<std::string_view, double*>{"textInput", &prices.text_input},
        {"imageInput", &prices.image_input},
        {"imageOutput", &prices.image_output}}) {
    const auto* value = v.as_object().if_contains(key);
    if (value == nullptr) continue;
    auto d = dollars(*value);
    if (!d) {
      return make_error(error_kind::invalid_request, where + ".tokens." + std::string(key) +
                                                         " must be a price in USD per 1M tokens");
    }
    *field = *d;
  }
  return prices;
}

outcome<std::map<std::string, std::map<std::string, double>>> parse_per_image(
    const json::value& v, const std::string& where) {
  const std::string problem = where + ".perImage must be {\"<quality>|*\": {\"<size>|*\": usd}}";
  if (!v.is_object()) return make_error(error_kind::invalid_request, problem);
  std::map<std::string, std::map<std::string, double>> table;
  for (const auto& [quality, sizes] : v.as_object()) {
    if (!sizes.is_object()) return make_error(error_kind::invalid_request, problem);
    for (const auto& [size, price] : sizes.as_object()) {
      auto d = dollars(price);
      if (!d) return make_error(error_kind::invalid_request, problem);
      table[std::string(quality)][std::string(size)] = *d;
    }
  }
  return table;
}

outcome<model_price> parse_model_price(const json::value& v, const std::string& where) {
  if (!v.is_object()) return make_error(error_kind::invalid_request, where + " must be an object");
  model_price price;
  if (const auto* t = v.as_object().if_contains("tokens")) {
    auto parsed = parse_token_prices(*t, where);
    if (!parsed) return parsed.error();
    price.tokens = *parsed;
  }
  if (const auto* p = v.as_object().if_contains("perImage")) {
    auto parsed = parse_per_image(*p, where);
    if (!parsed) return parsed.error();
    price.per_image = std::move(*parsed);
  }
  if (!price.tokens && price.per_image.empty()) {
    return make_error(error_kind::invalid_request, where + " needs \"tokens\" or \"perImage\"");
  }
  return price;
}

}  // namespace

outcome<price_table> price_table::with_overrides(price_table base, std::string_view text) {
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec)
    return make_error(error_kind::invalid_request, "the prices file is not JSON: " + ec.message());
  const auto* models = value.is_object() ? value.as_object().if_contains("models") : nullptr;
  if (models == nullptr || !models->is_object()) {
    return make_error(error_kind::invalid_request, "the prices file needs a \"models\" object");
  }
  for (const auto& [name, entry] : models->as_object()) {
    auto price = parse_model_price(entry, "models." + std::string(name));
    if (!price) return price.error();
    base.set(std::string(name), std::move(*price));
  }
  return base;
}

price_table price_table::builtin() {
  price_table table;
  table.set("gpt-image-2", tokens(5, 8, 30));
  table.set("gpt-image-1.5", tokens(5, 8, 32));
  table.set("gpt-image-1", tokens(5, 10, 40));
  table.set("gpt-image-1-mini", tokens(2, 2.5, 8));
  table.set("dall-e-3", model_price{std::nullopt,
                                    {{"standard", {{"1024x1024", 0.04}, {"*", 0.08}}},
                                     {"hd", {{"1024x1024", 0.08}, {"*", 0.12}}}}});
  table.set(
      "dall-e-2",
      model_price{
          std::nullopt,
          {{"*", {{"256x256", 0.016}, {"512x512", 0.018}, {"1024x1024", 0.02}, {"*", 0.02}}}}});
  return table;
}

const model_price* price_table::find(std::string_view model) const {
  auto it = models_.find(model);
  return it == models_.end() ? nullptr : &it->second;
}

price_plan plan_for(const price_table& table, provider_kind provider, std::string_view model) {
  if (const auto* exact = table.find(model)) return price_plan{*exact, std::string(model)};
  const bool paid = provider == provider_kind::openai || provider == provider_kind::azure_openai;
  if (!paid) return price_plan{std::nullopt, "free"};
  const auto closest = closest_known_model(model).value_or(dearest_model);
  if (const auto* known = table.find(closest)) return price_plan{*known, std::string(closest)};
  return price_plan{*price_table::builtin().find(dearest_model), std::string(dearest_model)};
}

double worst_case_per_image(const price_plan& plan, const generation_request& request) {
  if (plan.free()) return 0;
  if (auto listed = per_image_price(*plan.price, request)) return *listed;
  if (plan.price->tokens) return estimated_tokens_cost(*plan.price->tokens, request);
  return 0;
}

double worst_case_edit_input(const price_plan& plan, const generation_request& request) {
  if (plan.free() || !request.edit || !plan.price->tokens) return 0;
  return double(request.edit->image_count()) * double(max_edit_input_image_tokens) *
         plan.price->tokens->image_input * per_million;
}

double cost_of(const price_plan& plan, const generation_request& request, std::size_t images,
               const std::optional<token_usage>& usage) {
  if (plan.free() || images == 0) return 0;
  const auto& price = *plan.price;
  if (usage && price.tokens) {
    return (double(usage->input_text_tokens) * price.tokens->text_input +
            double(usage->input_image_tokens) * price.tokens->image_input +
            double(usage->output_tokens) * price.tokens->image_output) *
           per_million;
  }
  return worst_case_per_image(plan, request) * double(images);
}

}  // namespace visionary::core
