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

struct local_server_names {
  local_server_kind kind;
  std::string_view name;
  std::string_view catalog_entry;
};

constexpr std::array<local_server_names, 3> local_servers{{
    {local_server_kind::generic, "generic", "local"},
    {local_server_kind::localai, "localai", "localai"},
    {local_server_kind::sd_server, "sd-server", "sd-server"},
}};

const local_server_names& names_of(local_server_kind kind) {
  for (const auto& names : local_servers) {
    if (names.kind == kind) return names;
  }
  return local_servers.front();
}

}  // namespace

std::string_view local_server_name(local_server_kind kind) {
  return names_of(kind).name;
}

std::string_view local_server_catalog_entry(local_server_kind kind) {
  return names_of(kind).catalog_entry;
}

std::optional<local_server_kind> parse_local_server(std::string_view name) {
  for (const auto& names : local_servers) {
    if (names.name == name) return names.kind;
  }
  return std::nullopt;
}

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
