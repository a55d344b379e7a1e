#include "core/ports/image_provider.hpp"

namespace visionary::core {

boost::asio::awaitable<outcome<generation_result>> image_provider::edit(
    const generation_request& request, generation_watch&) {
  co_return make_error(error_kind::edit_not_supported,
                       "The model '" +
                           (request.model.empty() ? std::string(model()) : request.model) +
                           "' cannot edit images on this server.");
}

}  // namespace visionary::core
