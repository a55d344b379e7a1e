// The built-in model catalogue as the JSON document a VISIONARY_MODELS_FILE also uses. Constant.
#pragma once

#include <string_view>

namespace visionary::core {

extern const std::string_view built_in_catalog_json;

}  // namespace visionary::core
