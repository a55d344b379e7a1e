#include "api/image_json.hpp"

#include <boost/json.hpp>

#include "core/request_settings.hpp"

namespace visionary::api {

boost::json::value image_to_json(const core::image_view& image) {
  const auto& r = image.record;
  boost::json::object o;
  o["id"] = r.id;
  o["name"] = r.blob_name;
  o["url"] = image.image_link.url;
  o["thumbnailUrl"] = image.thumbnail_link.url;
  o["expiresAt"] = util::format_iso_seconds(image.image_link.expires_at);
  o["prompt"] = r.prompt;
  o["revisedPrompt"] =
      r.revised_prompt ? boost::json::value(*r.revised_prompt) : boost::json::value(nullptr);
  o["provider"] = r.provider;
  o["model"] = r.model;
  o["width"] = r.width;
  o["height"] = r.height;
  o["contentType"] = r.content_type;
  o["bytes"] = r.bytes;
  o["createdAt"] = util::format_rfc3339_millis(r.created_at);
  o["settings"] = core::settings_json(r.settings);
  o["parentId"] = r.parent_id ? boost::json::value(*r.parent_id) : boost::json::value(nullptr);
  return o;
}

}  // namespace visionary::api
