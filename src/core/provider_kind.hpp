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

// Which OpenAI-compatible server answers (VISIONARY_LOCAL_SERVER): each takes the local-engine
// settings its own way (LocalAI: negative_prompt, step, seed fields; stable-diffusion.cpp's
// sd-server: <sd_cpp_extra_args> in the prompt; generic: none). Its name is also the catalogue
// entry that describes the server's model ("local" for generic).
enum class local_server_kind { generic, localai, sd_server };

// "generic", "localai", "sd-server".
[[nodiscard]] std::string_view local_server_name(local_server_kind kind);
[[nodiscard]] std::optional<local_server_kind> parse_local_server(std::string_view name);
// "local", "localai", "sd-server".
[[nodiscard]] std::string_view local_server_catalog_entry(local_server_kind kind);

}  // namespace visionary::core
