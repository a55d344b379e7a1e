#include "core/edit_request.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace visionary;
using namespace visionary::core;

model_menu menu_of(provider_kind kind, std::string_view model) {
  return model_menu(offered_model{std::string(model), capabilities_for(kind, model)});
}

edit_form form_with(std::string prompt) {
  edit_form form;
  form.fields.prompt = std::move(prompt);
  form.source_id = "1234567890123-abcdefghij";
  return form;
}

TEST(EditRequest, NeedsExactlyOneSource) {
  const auto menu = menu_of(provider_kind::demo, "procedural-v1");
  auto form = form_with("a fox");
  form.source_upload = "bytes";
  EXPECT_FALSE(validate_edit_fields(form, menu, 4000));
  form.source_id.reset();
  form.source_upload.reset();
  EXPECT_FALSE(validate_edit_fields(form, menu, 4000));
}

TEST(EditRequest, SizeIsAutoWhereTheModelOffersIt) {
  const auto gpt = menu_of(provider_kind::openai, "gpt-image-1.5");
  auto request = validate_edit_fields(form_with("a fox"), gpt, 4000);
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->size, "auto");
  const auto demo = menu_of(provider_kind::demo, "procedural-v1");
  EXPECT_EQ(validate_edit_fields(form_with("a fox"), demo, 4000)->size, "1024x1024");
}

TEST(EditRequest, ModelsThatCannotEditAreATypedRefusal) {
  const auto dalle3 = menu_of(provider_kind::openai, "dall-e-3");
  auto refused = validate_edit_fields(form_with("a fox"), dalle3, 4000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::edit_not_supported);
  EXPECT_EQ(refused.error().param, "model");
}

TEST(EditRequest, InputFidelityOnlyWhereTheModelHasIt) {
  auto form = form_with("a fox");
  form.input_fidelity = "high";
  auto request = validate_edit_fields(form, menu_of(provider_kind::openai, "gpt-image-1"), 4000);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->input_fidelity, "high");
  EXPECT_FALSE(validate_edit_fields(form, menu_of(provider_kind::openai, "gpt-image-2"), 4000));
  form.input_fidelity = "extreme";
  EXPECT_FALSE(validate_edit_fields(form, menu_of(provider_kind::openai, "gpt-image-1"), 4000));
}

TEST(EditRequest, ReferencesWithinTheModelsMaxEditImages) {
  auto form = form_with("a fox");
  form.references.assign(15, "r");
  EXPECT_TRUE(validate_edit_fields(form, menu_of(provider_kind::openai, "gpt-image-1"), 4000));
  form.references.push_back("r");
  auto refused = validate_edit_fields(form, menu_of(provider_kind::openai, "gpt-image-1"), 4000);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("at most 15 reference"), std::string::npos);
  form.references.assign(1, "r");
  EXPECT_FALSE(validate_edit_fields(form, menu_of(provider_kind::openai, "dall-e-2"), 4000));
}

TEST(EditRequest, CatalogueSaysHowManyImagesAnEditTakes) {
  EXPECT_EQ(capabilities_for(provider_kind::openai, "gpt-image-2").max_edit_images, 16);
  EXPECT_EQ(capabilities_for(provider_kind::demo, "procedural-v1").max_edit_images, 4);
  EXPECT_EQ(capabilities_for(provider_kind::automatic1111, "sd").max_edit_images, 1);
}

}  // namespace
