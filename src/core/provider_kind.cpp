#include "core/provider_kind.hpp"

#include <array>
#include <utility>

namespace visionary::core {

namespace {

constexpr std::array<std::pair<provider_kind, std::string_view>, 5> provider_names{{
    {provider_kind::demo, "demo"},
    {provider_kind::openai, "openai"},
    {provider_kind::azure_openai, "azure-openai"},
    {provider_kind::openai_compatible, "openai-compatible"},
    {provider_kind::automatic1111, "automatic1111"},
}};

}  // namespace

std::string_view provider_kind_name(provider_kind kind) {
  for (const auto& [known, name] : provider_names) {
    if (known == kind) return name;
  }
  return "unknown";
}

std::optional<provider_kind> parse_provider_kind(std::string_view name) {
  for (const auto& [kind, known] : provider_names) {
    if (known == name) return kind;
  }
  return std::nullopt;
}

}  // namespace visionary::core
