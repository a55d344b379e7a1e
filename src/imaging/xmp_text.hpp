// Our record (prompt and settings, as JSON) embedded in JPEG and WebP files as XMP, without
// re-encoding a pixel: an APP1 segment right after the JPEG's start (and its JFIF header), or an
// "XMP " chunk at the end of a WebP (turning a simple WebP into the extended format). Other tools
// see the prompt as dc:description. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace visionary::imaging {

// The most a JPEG APP1 segment can carry after its XMP namespace header.
inline constexpr std::size_t max_jpeg_xmp_bytes = 65502;

// An XMP packet holding `description` (dc:description, for other tools) and `record` (ours).
[[nodiscard]] std::string xmp_packet(std::string_view description, std::string_view record);

// nullopt when the input is not a JPEG, or the packet does not fit one segment. An XMP segment the
// JPEG already has is replaced.
[[nodiscard]] std::optional<std::string> insert_jpeg_xmp(std::string_view jpeg,
                                                         std::string_view packet);
// nullopt when the input is not a well-formed WebP (RIFF sizes checked). An XMP chunk the WebP
// already has is replaced.
// width, height and alpha describe the image (the extended header states them).
[[nodiscard]] std::optional<std::string> insert_webp_xmp(std::string_view webp,
                                                         std::string_view packet, int width,
                                                         int height, bool alpha);

// Our record from an XMP packet anywhere in `bytes` (a JPEG's head, a WebP's tail).
[[nodiscard]] std::optional<std::string> find_xmp_record(std::string_view bytes);

}  // namespace visionary::imaging
