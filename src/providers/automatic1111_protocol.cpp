#include "providers/automatic1111_protocol.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "core/validation.hpp"
#include "util/base64.hpp"

namespace visionary::providers {

namespace json = boost::json;

namespace {

app_error not_understood(std::string_view what) {
  return make_error(error_kind::provider_error,
                    "The AUTOMATIC1111 server sent an answer that could not be understood (" +
                        std::string(what) + ").");
}

// The base64 of an image string (some servers prefix a data URL; the base64 starts after it).
std::string_view without_data_url(std::string_view text) {
  const auto comma = text.find(',');
  return comma == std::string_view::npos ? text : text.substr(comma + 1);
}

std::optional<double> number_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  const double n = v->to_number<double>();
  return std::isfinite(n) ? std::optional<double>(n) : std::nullopt;
}

std::optional<int> count_of(const json::object& o, std::string_view key) {
  const auto n = number_of(o, key);
  if (!n || *n < 0 || *n > 1e6) return std::nullopt;
  return int(*n);
}

std::optional<std::int64_t> seed_of(const json::value& v) {
  if (v.is_int64() && v.as_int64() >= 0 && v.as_int64() <= core::max_seed) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= std::uint64_t(core::max_seed))
    return std::int64_t(v.as_uint64());
  return std::nullopt;
}

// The base64 texts of an answer's `images`.
outcome<std::vector<std::string>> image_texts_of(const json::object& answer) {
  const auto* images = answer.if_contains("images");
  if (!images || !images->is_array() || images->as_array().empty())
    return not_understood("no images");
  std::vector<std::string> out;
  for (const auto& image : images->as_array()) {
    if (!image.is_string()) return not_understood("an image is not a string");
    out.emplace_back(image.as_string());
  }
  return out;
}

// Each image of an answer with its seed from `info`, when the info reports one per image.
void add_seeds(const json::object& answer, std::vector<core::generated_image>& images) {
  const auto* info = answer.if_contains("info");
  if (info == nullptr || !info->is_string()) return;
  const auto seeds = seeds_of_info(info->as_string(), images.size());
  for (std::size_t i = 0; i < seeds.size(); ++i) images[i].seed = seeds[i];
}

constexpr std::size_t max_choice_name_chars = 256;

bool is_choice_name(std::string_view name) {
  return !name.empty() && name.size() <= max_choice_name_chars &&
         std::none_of(name.begin(), name.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

// The `field` of each object of a JSON array, in order, without repeats.
outcome<std::vector<std::string>> names_in_list(std::string_view body, std::string_view field,
                                                std::string_view what) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_array()) return not_understood(std::string(what) + " are not a JSON list");
  std::vector<std::string> names;
  for (const auto& entry : value.as_array()) {
    const auto* name = entry.is_object() ? entry.as_object().if_contains(field) : nullptr;
    if (name == nullptr || !name->is_string() || !is_choice_name(name->as_string()))
      return not_understood(std::string(what) + " with an entry without a usable " +
                            std::string(field));
    const std::string text(name->as_string());
    if (std::find(names.begin(), names.end(), text) != names.end()) continue;
    if (names.size() == max_listed_choices) break;
    names.push_back(text);
  }
  return names;
}

}  // namespace

outcome<std::vector<std::string>> parse_txt2img_response(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return not_understood("not a JSON object");
  return image_texts_of(value.as_object());
}

outcome<std::vector<core::generated_image>> parse_txt2img_images(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return not_understood("not a JSON object");
  auto encoded = image_texts_of(value.as_object());
  if (!encoded) return encoded.error();
  std::vector<core::generated_image> images;
  for (const auto& text : *encoded) {
    auto bytes = util::base64_decode(without_data_url(text));
    if (!bytes) {
      return make_error(error_kind::provider_error,
                        "The AUTOMATIC1111 server sent image data that is not valid base64.");
    }
    images.push_back(core::generated_image{std::move(*bytes), std::nullopt, std::nullopt});
  }
  add_seeds(value.as_object(), images);
  return images;
}

std::vector<std::int64_t> seeds_of_info(std::string_view info, std::size_t images) {
  boost::system::error_code ec;
  const auto value = json::parse(info, ec);
  if (ec || !value.is_object()) return {};
  const auto& o = value.as_object();
  std::vector<std::int64_t> seeds;
  if (const auto* all = o.if_contains("all_seeds"); all && all->is_array()) {
    for (const auto& seed : all->as_array()) {
      const auto checked = seed_of(seed);
      if (!checked) return {};
      seeds.push_back(*checked);
    }
    if (seeds.size() >= images) {
      seeds.resize(images);
      return seeds;
    }
  }
  // Without a seed for each picture only a single picture's seed is certain.
  const auto* seed = o.if_contains("seed");
  if (images != 1 || seed == nullptr || !seed_of(*seed)) return {};
  return {*seed_of(*seed)};
}

outcome<std::vector<std::string>> parse_sampler_list(std::string_view body) {
  return names_in_list(body, "name", "samplers");
}

outcome<std::vector<std::string>> parse_checkpoint_list(std::string_view body) {
  return names_in_list(body, "title", "checkpoints");
}

outcome<a1111_progress> parse_progress_response(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return not_understood("progress is not a JSON object");
  const auto& o = value.as_object();
  const auto fraction = number_of(o, "progress");
  if (!fraction) return not_understood("progress without a number");
  a1111_progress progress;
  progress.fraction = std::clamp(*fraction, 0.0, 1.0);
  progress.eta_seconds = number_of(o, "eta_relative");
  if (progress.eta_seconds && *progress.eta_seconds < 0) progress.eta_seconds.reset();
  int jobs = 0;
  if (const auto* state = o.if_contains("state"); state && state->is_object()) {
    progress.step = count_of(state->as_object(), "sampling_step");
    progress.steps = count_of(state->as_object(), "sampling_steps");
    jobs = count_of(state->as_object(), "job_count").value_or(0);
  }
  if (const auto* image = o.if_contains("current_image"); image && image->is_string()) {
    progress.current_image = std::string(without_data_url(image->as_string()));
  }
  progress.busy = jobs > 0 || progress.fraction > 0;
  return progress;
}

}  // namespace visionary::providers
