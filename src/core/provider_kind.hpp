// The kinds of image provider VisionaryAI can use. Decisions are made on the enum; the names are
// what operators write in VISIONARY_PROVIDER and what the API reports. Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace visionary::core {

enum class provider_kind { demo, openai, azure_openai, openai_compatible, automatic1111 };

// "demo", "openai", "azure-openai", "openai-compatible", "automatic1111".
[[nodiscard]] std::string_view provider_kind_name(provider_kind kind);
[[nodiscard]] std::optional<provider_kind> parse_provider_kind(std::string_view name);

}  // namespace visionary::core
