// The models this server offers, each with its catalogue entry: the configured model first (the
// default), then, for OpenAI, the catalogue's other current models unless VISIONARY_MODELS names
// the list. Built once at start-up; immutable and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model_catalog.hpp"
#include "util/error.hpp"

namespace visionary::core {

struct offered_model {
  std::string name;  // what the provider is asked for (an Azure deployment name, say)
  model_capabilities capabilities;
};

class model_menu {
 public:
  // One model (tools, tests and the single-model providers).
  explicit model_menu(offered_model only) { models_.push_back(std::move(only)); }

  // The menu of `provider`: `configured` (described by `catalog_entry` when given) and either
  // `names` or, when empty, the catalogue's offered entries for the provider. The error names the
  // model the catalogue cannot describe.
  [[nodiscard]] static outcome<model_menu> build(const model_catalog& catalog,
                                                 provider_kind provider,
                                                 const std::string& configured,
                                                 std::optional<std::string> catalog_entry,
                                                 const std::vector<std::string>& names);

  [[nodiscard]] const offered_model& default_model() const { return models_.front(); }
  [[nodiscard]] const offered_model* find(std::string_view name) const;
  [[nodiscard]] const std::vector<offered_model>& models() const { return models_; }

 private:
  model_menu() = default;
  std::vector<offered_model> models_;
};

}  // namespace visionary::core
