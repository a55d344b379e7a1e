#include "core/image_record.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "core/naming.hpp"
#include "core/ports/blob_store.hpp"

namespace {

using namespace visionary::core;
using visionary::core::blob_metadata;
using visionary::core::blob_properties;
using visionary::util::from_unix_millis;

const auto created = from_unix_millis(1'795'561'512'345);
const std::string tricky_prompt =
    "Un renard roux \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\xA6\x8A. Oil painting_with "
    "#hash? "
    "50% off / a/b\nsecond line\n\tindented";

image_record sample_record(std::string prompt = tricky_prompt) {
  const auto names = make_image_names(created, prompt, "k3j4h5g6m2");
  image_record r;
  r.id = names.id;
  r.blob_name = names.image_blob;
  r.thumbnail_blob = names.thumbnail_blob;
  r.prompt = std::move(prompt);
  r.revised_prompt = "A red fox \xE2\x80\x94 revised, 100%";
  r.provider = "openai";
  r.model = "gpt-image-1";
  r.width = 1536;
  r.height = 1024;
  r.content_type = "image/png";
  r.bytes = 123456;
  r.created_at = created;
  return r;
}

blob_properties as_listed(const image_record& r) {
  blob_properties p;
  p.name = r.blob_name;
  p.size = r.bytes;
  p.content_type = r.content_type;
  p.etag = "\"abc\"";
  p.last_modified = created + std::chrono::seconds{3};
  p.metadata = to_metadata(r);
  return p;
}

void expect_azure_safe(const blob_metadata& m) {
  std::size_t total = 0;
  for (const auto& [name, value] : m) {
    EXPECT_FALSE(name.empty());
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << name;
    for (unsigned char c : value) EXPECT_TRUE(c >= 0x20 && c <= 0x7E) << name << "=" << value;
    total += name.size() + value.size();
  }
  EXPECT_LE(total, visionary::core::max_metadata_bytes);
  const auto valid = visionary::core::validate_metadata(m);
  EXPECT_TRUE(valid.has_value()) << (valid ? "" : valid.error().message);
}

TEST(ImageRecord, MetadataIsAzureSafe) {
  const auto m = to_metadata(sample_record());
  expect_azure_safe(m);
  EXPECT_EQ(m.at("id"), "8204438487654-k3j4h5g6m2");
  EXPECT_EQ(m.at("width"), "1536");
  EXPECT_EQ(m.at("height"), "1024");
  EXPECT_EQ(m.at("createdat"), "2026-11-24T23:05:12.345Z");
  EXPECT_EQ(m.count("prompttruncated"), 0u);
}

TEST(ImageRecord, MetadataRoundTripsThroughFromBlob) {
  const image_record original = sample_record();
  const auto restored = from_blob(as_listed(original));
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->id, original.id);
  EXPECT_EQ(restored->blob_name, original.blob_name);
  EXPECT_EQ(restored->thumbnail_blob, original.thumbnail_blob);
  EXPECT_EQ(restored->prompt, original.prompt);
  EXPECT_EQ(restored->revised_prompt, original.revised_prompt);
  EXPECT_EQ(restored->provider, "openai");
  EXPECT_EQ(restored->model, "gpt-image-1");
  EXPECT_EQ(restored->width, 1536);
  EXPECT_EQ(restored->height, 1024);
  EXPECT_EQ(restored->content_type, "image/png");
  EXPECT_EQ(restored->bytes, 123456u);
  EXPECT_EQ(restored->created_at, created);
  EXPECT_FALSE(restored->prompt_truncated);
}

TEST(ImageRecord, NoRevisedPromptStaysAbsent) {
  image_record r = sample_record();
  r.revised_prompt.reset();
  const auto m = to_metadata(r);
  EXPECT_EQ(m.count("revisedprompt"), 0u);
  const auto restored = from_blob(as_listed(r));
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->revised_prompt, std::nullopt);
}

// 4000 pseudo-random CJK characters: 3 bytes each, 9 once percent-encoded, and nearly
// incompressible, so not even the compressed form fits the metadata budget.
std::string incompressible_cjk_prompt() {
  std::string prompt;
  std::uint32_t state = 12345;
  for (int i = 0; i < 4000; ++i) {
    state = state * 1664525u + 1013904223u;
    const std::uint32_t code_point = 0x4E00 + (state >> 8) % 0x5000;
    prompt += char(0xE0 | (code_point >> 12));
    prompt += char(0x80 | ((code_point >> 6) & 0x3F));
    prompt += char(0x80 | (code_point & 0x3F));
  }
  return prompt;
}

TEST(ImageRecord, LongCompressiblePromptIsKeptWholeInMetadata) {
  std::string prompt;
  for (int i = 0; i < 200; ++i)
    prompt +=
        "\xF0\x9F\xA6\x8A F\xC3\xBC"
        "chsin im Schnee, \xE6\x97\xA5. ";
  image_record r = sample_record(prompt);
  r.revised_prompt = prompt + "(revised)";
  const auto m = to_metadata(r);
  expect_azure_safe(m);
  EXPECT_EQ(m.count("prompttruncated"), 0u);
  EXPECT_EQ(m.count("prompt"), 0u) << "stored compressed, not twice";
  EXPECT_LE(m.at("promptz").size(), prompt_metadata_budget);

  const auto restored = from_blob(as_listed(r));
  ASSERT_TRUE(restored.has_value());
  EXPECT_FALSE(restored->prompt_truncated) << "a listing needs no image read";
  EXPECT_EQ(restored->prompt, prompt);
  EXPECT_EQ(restored->revised_prompt, prompt + "(revised)");
}

TEST(ImageRecord, DamagedCompressedPromptFallsBackToTheName) {
  image_record r = sample_record();
  auto listed = as_listed(r);
  listed.metadata.erase("prompt");
  listed.metadata["promptz"] = "bm90IGRlZmxhdGU=";  // base64 of "not deflate"
  const auto restored = from_blob(listed);
  ASSERT_TRUE(restored.has_value());
  EXPECT_FALSE(restored->prompt.empty());
  EXPECT_EQ(restored->prompt.find("not deflate"), std::string::npos);
}

TEST(ImageRecord, LongPromptIsTruncatedWithFlagWithinLimit) {
  const std::string prompt = incompressible_cjk_prompt();
  image_record r = sample_record(prompt);
  r.revised_prompt = prompt;
  const auto m = to_metadata(r);
  expect_azure_safe(m);
  EXPECT_EQ(m.at("prompttruncated"), "true");
  EXPECT_LE(m.at("prompt").size(), prompt_metadata_budget);

  auto restored = from_blob(as_listed(r));
  ASSERT_TRUE(restored.has_value());
  EXPECT_TRUE(restored->prompt_truncated);
  // The kept part is a whole-character prefix of the prompt, and not a trivially short one.
  ASSERT_TRUE(prompt.starts_with(restored->prompt));
  EXPECT_EQ(restored->prompt.size() % 3, 0u);
  EXPECT_GE(restored->prompt.size(), 1500u);
  ASSERT_TRUE(restored->revised_prompt.has_value());
  EXPECT_TRUE(prompt.starts_with(*restored->revised_prompt));
  EXPECT_EQ(restored->revised_prompt->size() % 3, 0u);

  // The full text comes back from the PNG chunk.
  ASSERT_TRUE(apply_png_text(*restored, png_text_json(r)));
  EXPECT_EQ(restored->prompt, prompt);
  EXPECT_FALSE(restored->prompt_truncated);
}

TEST(ImageRecord, PngTextJsonRoundTrips) {
  const image_record original = sample_record();
  const std::string text = png_text_json(original);
  const auto parsed = boost::json::parse(text).as_object();
  EXPECT_EQ(parsed.at("prompt").as_string(), original.prompt);
  EXPECT_EQ(parsed.at("provider").as_string(), "openai");
  EXPECT_EQ(parsed.at("model").as_string(), "gpt-image-1");
  EXPECT_EQ(parsed.at("createdAt").as_string(), "2026-11-24T23:05:12.345Z");

  image_record target;
  target.prompt = "slug only";
  target.prompt_truncated = true;
  ASSERT_TRUE(apply_png_text(target, text));
  EXPECT_EQ(target.prompt, original.prompt);
  EXPECT_EQ(target.revised_prompt, original.revised_prompt);
  EXPECT_FALSE(target.prompt_truncated);

  image_record no_revised = sample_record();
  no_revised.revised_prompt.reset();
  EXPECT_TRUE(
      boost::json::parse(png_text_json(no_revised)).as_object().at("revisedPrompt").is_null());
}

TEST(ImageRecord, ApplyPngTextRejectsForeignText) {
  image_record r = sample_record();
  for (const char* bad : {"", "not json", "[]", "{}", "{\"prompt\": 5}", "{\"title\": \"x\"}"}) {
    EXPECT_FALSE(apply_png_text(r, bad)) << bad;
  }
  EXPECT_EQ(r.prompt, tricky_prompt);  // untouched
}

TEST(ImageRecord, ForeignBlobFallsBackToNameAndTime) {
  blob_properties p;
  p.name = "images/8204438487654_a-red-fox_k3j4h5g6m2.png";
  p.size = 42;
  p.last_modified = from_unix_millis(1'000);
  const auto r = from_blob(p);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->id, "8204438487654-k3j4h5g6m2");
  EXPECT_EQ(r->prompt, "a-red-fox");
  EXPECT_EQ(r->created_at, created);  // from the inverted timestamp, not last_modified
  EXPECT_EQ(r->content_type, "image/png");
  EXPECT_EQ(r->bytes, 42u);
  EXPECT_EQ(r->width, 0);
  EXPECT_EQ(r->revised_prompt, std::nullopt);
  EXPECT_FALSE(r->prompt_truncated);
}

TEST(ImageRecord, GarbledMetadataDoesNotBreakListing) {
  blob_properties p = as_listed(sample_record());
  p.metadata["prompt"] = "100% raw";  // not percent-encoded by us: kept as is
  p.metadata["width"] = "wide";
  p.metadata["createdat"] = "yesterday";
  const auto r = from_blob(p);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->prompt, "100% raw");
  EXPECT_EQ(r->width, 0);
  EXPECT_EQ(r->created_at, created);
}

TEST(ImageRecord, NonImageBlobsAreNotRecords) {
  for (const char* name :
       {"thumbnails/8204438487654_a-red-fox_k3j4h5g6m2.webp", "images/readme.txt",
        "images/notes.png", "other/8204438487654_a-red-fox_k3j4h5g6m2.png"}) {
    blob_properties p;
    p.name = name;
    EXPECT_EQ(from_blob(p), std::nullopt) << name;
  }
}

TEST(ImageRecord, SettingsNegativePromptAndParentRoundTripThroughMetadataAndTheFileText) {
  auto r = sample_record();
  r.revised_prompt.reset();
  r.provider = "automatic1111";
  r.model = "sdxl";
  r.settings.model = "sdxl";
  r.settings.size = "832x1216";
  r.settings.engine.negative_prompt = "blurry, \xE6\x97\xA5 watermark";
  r.settings.engine.seed = 4294967295;
  r.settings.engine.steps = 28;
  r.settings.engine.cfg_scale = 6.5;
  r.settings.engine.sampler = "DPM++ 2M Karras";
  r.settings.engine.checkpoint = "sd_xl_base_1.0.safetensors";
  r.parent_id = "8204438487654-k3j4h5g6m2";
  const auto m = to_metadata(r);
  expect_azure_safe(m);
  const auto back = from_blob(as_listed(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->settings.model, "sdxl");
  EXPECT_EQ(back->settings.size, "832x1216");
  EXPECT_EQ(back->settings.engine, r.settings.engine);
  EXPECT_EQ(back->parent_id, r.parent_id);

  // Beside a revised prompt the negative prompt lives only in the file's text.
  r.revised_prompt = "revised";
  const auto both = from_blob(as_listed(r));
  ASSERT_TRUE(both.has_value());
  EXPECT_TRUE(both->prompt_truncated);
  EXPECT_NE(both->settings.engine.negative_prompt, r.settings.engine.negative_prompt);
  auto restored = *both;
  ASSERT_TRUE(apply_png_text(restored, png_text_json(r)));
  EXPECT_EQ(restored.settings.engine.negative_prompt, r.settings.engine.negative_prompt);
  const auto text = boost::json::parse(png_text_json(r)).as_object();
  EXPECT_EQ(text.at("settings").at("seed").as_int64(), 4294967295);
  EXPECT_EQ(text.at("parentId").as_string(), "8204438487654-k3j4h5g6m2");
}

TEST(ImageRecord, ALongNegativePromptStillFitsAzuresMetadataLimit) {
  auto r = sample_record(std::string(4000, 'p'));
  r.revised_prompt.reset();
  std::string negative;
  for (int i = 0; i < 1000; ++i) negative += "\xE6\x97\xA5";
  r.settings.engine.negative_prompt = negative;
  r.settings.model = "sdxl";
  r.settings.engine.sampler = std::string(200, 's');
  r.settings.engine.checkpoint = std::string(200, 'c');
  expect_azure_safe(to_metadata(r));
  const auto back = from_blob(as_listed(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->settings.engine.negative_prompt, negative) << "compressed, not cut";
}

}  // namespace
