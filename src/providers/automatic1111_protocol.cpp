#include "providers/automatic1111_protocol.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

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

}  // namespace

outcome<std::vector<std::string>> parse_txt2img_response(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return not_understood("not a JSON object");
  const auto* images = value.as_object().if_contains("images");
  if (!images || !images->is_array() || images->as_array().empty())
    return not_understood("no images");
  std::vector<std::string> out;
  for (const auto& image : images->as_array()) {
    if (!image.is_string()) return not_understood("an image is not a string");
    out.emplace_back(image.as_string());
  }
  return out;
}

outcome<std::vector<core::generated_image>> parse_txt2img_images(std::string_view body) {
  auto encoded = parse_txt2img_response(body);
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
  return images;
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
