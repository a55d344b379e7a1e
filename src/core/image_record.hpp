// image_record: everything known about one stored image, and its round trip through blob metadata
// (ASCII-safe, within Azure's 8 KB) and the PNG's own text chunk. Value type; pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/ports/blob_store.hpp"
#include "core/ports/image_provider.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace visionary::core {

struct image_record {
  std::string id;
  std::string blob_name;
  std::string thumbnail_blob;  // empty when the image has no thumbnail
  std::string prompt;          // full, exactly as typed (after trimming)
  std::optional<std::string> revised_prompt;
  std::string provider;
  std::string model;
  int width = 0;
  int height = 0;
  std::string content_type = "image/png";
  std::uint64_t bytes = 0;
  util::sys_time created_at{};
  // Set when the metadata copy of a prompt was cut to fit; the PNG text chunk has the full text.
  bool prompt_truncated = false;
  // This image's share of what the provider billed for its answer, and the answer's usage.
  std::optional<double> cost_usd;
  std::optional<token_usage> usage;
  // What it was made with, under the request's own fields (model, size, options, engine settings
  // with the seed the engine really used); its prompt, n and request_id are not kept here.
  generation_request settings;
  std::optional<std::string> parent_id;  // the image this one was edited from
};

// Budgets for the prompts inside the 8 KB metadata limit. A prompt whose percent-encoding is over
// budget is stored compressed (base64 of raw DEFLATE, key "promptz"/"revisedpromptz"), so that a
// listing has the full text without reading the image; only a prompt that does not fit even then
// is cut, flagged, and restored from the PNG text chunk.
inline constexpr std::size_t prompt_metadata_budget = 5000;
inline constexpr std::size_t revised_prompt_metadata_budget = 2500;
// Negative prompts come from local engines, revised prompts from DALL-E: one image has one or the
// other, and the negative prompt's budget goes unused when a revised prompt is stored.
inline constexpr std::size_t negative_prompt_metadata_budget = 2000;
// Longest prompt text a compressed metadata value may claim to hold (32,000 four-byte characters).
inline constexpr std::size_t max_prompt_bytes = 128 * 1024;
// The PNG iTXt keyword holding png_text_json().
inline constexpr std::string_view png_text_keyword = "visionary";

[[nodiscard]] core::blob_metadata to_metadata(const image_record& record);
// Rebuilds a record from a listed blob: metadata first, the name as fallback (for images written
// by other tools into the same prefix). nullopt for blobs that are not gallery images.
[[nodiscard]] std::optional<image_record> from_blob(const core::blob_properties& blob);

// JSON stored in the image file (prompt, revisedPrompt, provider, model, createdAt, settings,
// parentId).
[[nodiscard]] std::string png_text_json(const image_record& record);
// Restores the full prompts from png_text_json() output; false when the text is not ours.
bool apply_png_text(image_record& record, std::string_view json_text);

}  // namespace visionary::core
