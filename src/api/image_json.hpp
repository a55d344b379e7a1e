// Serialisation of API objects (Image, gallery pages) to the JSON the public API promises.
// Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include "core/gallery_service.hpp"

namespace visionary::api {

[[nodiscard]] boost::json::value image_to_json(const core::image_view& image);

}  // namespace visionary::api
