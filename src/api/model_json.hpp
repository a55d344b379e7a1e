// The model menu as JSON for /api/config: each model's options (sizes and custom-size rules,
// quality, style, background, output format and compression, moderation, batch size, prompt length,
// editing and local-engine controls), so the UI renders only what the model accepts. Pure;
// thread-safe.
#pragma once

#include <boost/json.hpp>
#include <cstddef>

#include "core/model_menu.hpp"
#include "core/ports/image_provider.hpp"

namespace visionary::api {

using core::engine_choices;

[[nodiscard]] boost::json::object options_json(const core::model_capabilities& capabilities,
                                               std::size_t max_prompt_chars,
                                               const engine_choices& choices = {});
// [{"name", "label", "default", "options"}] in menu order.
[[nodiscard]] boost::json::array models_json(const core::model_menu& menu,
                                             std::size_t max_prompt_chars,
                                             const engine_choices& choices = {});

}  // namespace visionary::api
