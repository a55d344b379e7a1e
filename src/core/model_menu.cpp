#include "core/model_menu.hpp"

#include <algorithm>

namespace visionary::core {

namespace {

std::vector<std::string> menu_names(const model_catalog& catalog, provider_kind provider,
                                    const std::string& configured,
                                    const std::vector<std::string>& names) {
  std::vector<std::string> all{configured};
  if (names.empty() && provider == provider_kind::openai) {
    for (const auto* entry : catalog.offered_for(provider)) all.push_back(entry->capabilities.id);
  }
  all.insert(all.end(), names.begin(), names.end());
  std::vector<std::string> unique;
  for (auto& name : all) {
    if (std::find(unique.begin(), unique.end(), name) == unique.end()) unique.push_back(name);
  }
  return unique;
}

}  // namespace

outcome<model_menu> model_menu::build(const model_catalog& catalog, provider_kind provider,
                                      const std::string& configured,
                                      std::optional<std::string> catalog_entry,
                                      const std::vector<std::string>& names) {
  model_menu menu;
  for (const auto& name : menu_names(catalog, provider, configured, names)) {
    std::optional<std::string_view> entry;
    if (name == configured && catalog_entry) entry = *catalog_entry;
    auto capabilities = catalog.find(provider, name, entry);
    if (!capabilities) return capabilities.error();
    menu.models_.push_back(offered_model{name, std::move(*capabilities)});
  }
  return menu;
}

const offered_model* model_menu::find(std::string_view name) const {
  for (const auto& model : models_) {
    if (model.name == name) return &model;
  }
  return nullptr;
}

}  // namespace visionary::core
