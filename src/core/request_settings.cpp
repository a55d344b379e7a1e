#include "core/request_settings.hpp"

namespace visionary::core {

namespace json = boost::json;

namespace {

using text_slot = std::optional<std::string> generation_request::*;
using engine_text_slot = std::optional<std::string> engine_settings::*;

constexpr std::pair<std::string_view, text_slot> text_settings[] = {
    {"quality", &generation_request::quality},
    {"style", &generation_request::style},
    {"background", &generation_request::background},
    {"output_format", &generation_request::output_format},
    {"moderation", &generation_request::moderation}};
constexpr std::pair<std::string_view, engine_text_slot> engine_text_settings[] = {
    {"negative_prompt", &engine_settings::negative_prompt},
    {"sampler", &engine_settings::sampler},
    {"checkpoint", &engine_settings::checkpoint}};

std::optional<std::string> text_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<std::int64_t> whole_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return std::int64_t(v->to_number<double>());
}

}  // namespace

json::object settings_json(const generation_request& r) {
  json::object out;
  if (!r.model.empty()) out["model"] = r.model;
  if (!r.size.empty()) out["size"] = r.size;
  for (const auto& [key, slot] : text_settings) {
    if (r.*slot) out[key] = *(r.*slot);
  }
  if (r.output_compression) out["output_compression"] = *r.output_compression;
  for (const auto& [key, slot] : engine_text_settings) {
    if (r.engine.*slot) out[key] = *(r.engine.*slot);
  }
  if (r.engine.seed) out["seed"] = *r.engine.seed;
  if (r.engine.steps) out["steps"] = *r.engine.steps;
  if (r.engine.cfg_scale) out["cfg_scale"] = *r.engine.cfg_scale;
  if (r.engine.denoising_strength) out["denoising_strength"] = *r.engine.denoising_strength;
  return out;
}

void read_settings_json(const json::object& o, generation_request& r) {
  r.model = text_at(o, "model").value_or("");
  r.size = text_at(o, "size").value_or("");
  for (const auto& [key, slot] : text_settings) r.*slot = text_at(o, key);
  if (auto compression = whole_at(o, "output_compression"))
    r.output_compression = int(*compression);
  for (const auto& [key, slot] : engine_text_settings) r.engine.*slot = text_at(o, key);
  r.engine.seed = whole_at(o, "seed");
  if (auto steps = whole_at(o, "steps")) r.engine.steps = int(*steps);
  if (const auto* cfg = o.if_contains("cfg_scale"); cfg && cfg->is_number())
    r.engine.cfg_scale = cfg->to_number<double>();
  if (const auto* strength = o.if_contains("denoising_strength"); strength && strength->is_number())
    r.engine.denoising_strength = strength->to_number<double>();
}

}  // namespace visionary::core
