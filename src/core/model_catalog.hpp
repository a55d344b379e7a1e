// The model catalogue: what each image model accepts (sizes, custom-size rules, quality, style,
// background, output format and compression, moderation, batch size, prompt length, editing, local
// engine controls), kept as data. Built-in entries come from a JSON document compiled in; an
// operator's VISIONARY_MODELS_FILE adds or overrides entries in the same format. Requests are
// checked against the entry before any provider is called, and the UI renders from it.
// Immutable once built; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/provider_kind.hpp"
#include "util/error.hpp"

namespace visionary::core {

struct option_values {
  std::vector<std::string> values;
  std::string default_value;
  [[nodiscard]] bool allows(std::string_view value) const;
};

// Any "WxH" within these rules is a valid size (besides the presets).
struct custom_size_rule {
  int multiple_of = 1;  // both edges
  int min_edge = 1;     // pixels
  int max_edge = 4096;  // pixels
  std::uint64_t min_pixels = 1;
  std::uint64_t max_pixels = 4096ull * 4096ull;
  double max_aspect = 3.0;  // long edge / short edge
};

// A whole-number or decimal setting with a range and a default (steps, CFG scale).
struct number_range {
  double min = 0;
  double max = 0;
  double default_value = 0;
};

// The knobs of local engines (AUTOMATIC1111-compatible and OpenAI-compatible local servers).
struct engine_controls {
  bool negative_prompt = false;
  bool seed = false;
  std::optional<number_range> steps;
  std::optional<number_range> cfg_scale;
  std::optional<number_range> denoising_strength;  // edits only
  bool sampler = false;                            // choices listed by the server
  bool checkpoint = false;                         // choices listed by the server
  [[nodiscard]] bool any() const {
    return negative_prompt || seed || steps || cfg_scale || denoising_strength || sampler ||
           checkpoint;
  }
};

// The site-wide prompt limit unless VISIONARY_MAX_PROMPT_CHARS says otherwise (models may allow
// less).
inline constexpr std::size_t default_max_prompt_chars = 4000;
// The longest negative prompt any engine is sent.
inline constexpr std::size_t max_negative_prompt_chars = 1000;
// The most input images any edit may have (OpenAI takes up to 16 image[] parts).
inline constexpr int max_catalog_edit_images = 16;

struct model_capabilities {
  std::string id;     // the catalogue entry ("gpt-image-2")
  std::string label;  // for people ("GPT Image 2")
  option_values size;
  std::optional<custom_size_rule> custom_size;
  std::optional<option_values> quality;
  std::optional<option_values> style;
  std::optional<option_values> background;
  std::optional<option_values> output_format;
  bool output_compression = false;  // 0..100, for jpeg and webp output
  std::optional<option_values> moderation;
  int max_n = 1;
  std::size_t max_prompt_chars = default_max_prompt_chars;
  bool can_edit = false;
  int max_edit_images = 1;      // input images of an edit: the source and its references
  bool partial_images = false;  // streams partial images while it works (OpenAI's stream: true)
  std::optional<option_values> input_fidelity;  // edits only
  engine_controls controls;
};

struct catalog_entry {
  model_capabilities capabilities;
  std::vector<provider_kind> providers;
  bool default_for_provider = false;  // used for any model name of a local provider
  bool offered = true;  // listed to users of the provider without being configured by name
};

class model_catalog {
 public:
  // The compiled-in entries (gpt-image-1, -1-mini, -1.5, -2, dall-e-2, dall-e-3, local, demo).
  [[nodiscard]] static const model_catalog& built_in();
  // The built-in entries with an operator's file applied: {"models": [entry, ...]} where an entry
  // whose id exists replaces the fields it names, and a new id needs providers and sizes. The error
  // names the entry and the field.
  [[nodiscard]] static outcome<model_catalog> with_file(const model_catalog& base,
                                                        std::string_view json);

  // The entry describing `model` on `provider`: `entry` when given (an Azure deployment's model),
  // else the entry of that id, else the longest entry id the name starts with ("gpt-image-2-2026-
  // 04-21"), else the provider's default entry. not_found naming the fix when there is none.
  [[nodiscard]] outcome<model_capabilities> find(provider_kind provider, std::string_view model,
                                                 std::optional<std::string_view> entry = {}) const;
  // Entries offered to users of `provider` (in catalogue order).
  [[nodiscard]] std::vector<const catalog_entry*> offered_for(provider_kind provider) const;
  [[nodiscard]] const std::vector<catalog_entry>& entries() const { return entries_; }

 private:
  [[nodiscard]] const catalog_entry* entry_by_id(std::string_view id) const;
  std::vector<catalog_entry> entries_;
  friend outcome<model_catalog> parse_catalog(std::string_view, const model_catalog*);
};

// The built-in entry for a model (tests, tools): as model_catalog::built_in().find(), with the
// local default for names nothing matches.
[[nodiscard]] model_capabilities capabilities_for(provider_kind provider, std::string_view model);

// Parses "WxH" (edges 1..99999); nullopt for anything else.
struct image_size {
  int width = 0;
  int height = 0;
};
[[nodiscard]] std::optional<image_size> parse_size(std::string_view text);

}  // namespace visionary::core
