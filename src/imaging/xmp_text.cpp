#include "imaging/xmp_text.hpp"

#include <cstdint>
#include <vector>

namespace visionary::imaging {
namespace {

constexpr std::string_view jpeg_xmp_header = "http://ns.adobe.com/xap/1.0/";  // then a NUL
constexpr std::string_view record_open = "<visionary:record>";
constexpr std::string_view record_close = "</visionary:record>";

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::optional<std::string> xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const auto end = text.find(';', i);
    if (end == std::string_view::npos) return std::nullopt;
    const auto entity = text.substr(i + 1, end - i - 1);
    if (entity == "amp")
      out += '&';
    else if (entity == "lt")
      out += '<';
    else if (entity == "gt")
      out += '>';
    else if (entity == "quot")
      out += '"';
    else if (entity == "apos")
      out += '\'';
    else
      return std::nullopt;
    i = end;
  }
  return out;
}

void append_u32le(std::string& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out += char((v >> shift) & 0xFF);
}

std::uint32_t read_u32le(std::string_view bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | std::uint8_t(bytes[at + std::size_t(i)]);
  return v;
}

void append_u24le(std::string& out, std::uint32_t v) {
  for (int shift = 0; shift < 24; shift += 8) out += char((v >> shift) & 0xFF);
}

void append_chunk(std::string& out, std::string_view fourcc, std::string_view payload) {
  out += fourcc;
  append_u32le(out, std::uint32_t(payload.size()));
  out += payload;
  if (payload.size() % 2 == 1) out += '\0';  // RIFF chunks are padded to even sizes
}

// The chunks after "RIFF....WEBP", checked to tile the file exactly; nullopt when they do not.
struct webp_chunk {
  std::string_view fourcc;
  std::string_view payload;
};
std::optional<std::vector<webp_chunk>> webp_chunks(std::string_view webp) {
  if (webp.size() < 12 || webp.substr(0, 4) != "RIFF" || webp.substr(8, 4) != "WEBP" ||
      read_u32le(webp, 4) != webp.size() - 8)
    return std::nullopt;
  std::vector<webp_chunk> chunks;
  for (std::size_t at = 12; at < webp.size();) {
    if (webp.size() - at < 8) return std::nullopt;
    const std::size_t size = read_u32le(webp, at + 4);
    const std::size_t padded = size + (size % 2);
    if (padded > webp.size() - at - 8) return std::nullopt;
    chunks.push_back({webp.substr(at, 4), webp.substr(at + 8, size)});
    at += 8 + padded;
  }
  return chunks;
}

// VP8X: flags (ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04, animation 0x02), then the canvas size
// minus one in 24 bits each.
std::string vp8x_payload(std::uint8_t flags, int width, int height) {
  std::string payload;
  payload += char(flags);
  payload.append(3, '\0');
  append_u24le(payload, std::uint32_t(width - 1));
  append_u24le(payload, std::uint32_t(height - 1));
  return payload;
}

// The marker segments from after SOI up to the first that is not APPn or COM (the tables and frame
// that follow stay as they are); nullopt when one overruns the file.
std::optional<std::vector<std::string_view>> header_segments(std::string_view jpeg) {
  std::vector<std::string_view> segments;
  for (std::size_t at = 2; at + 4 <= jpeg.size();) {
    const auto marker = std::uint8_t(jpeg[at + 1]);
    if (std::uint8_t(jpeg[at]) != 0xFF) return std::nullopt;
    if (!((marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE)) break;
    const std::size_t length =
        (std::size_t(std::uint8_t(jpeg[at + 2])) << 8) | std::uint8_t(jpeg[at + 3]);
    if (length < 2 || at + 2 + length > jpeg.size()) return std::nullopt;
    segments.push_back(jpeg.substr(at, 2 + length));
    at += 2 + length;
  }
  return segments;
}

std::size_t segments_size(const std::vector<std::string_view>& segments) {
  std::size_t size = 0;
  for (const auto& segment : segments) size += segment.size();
  return size;
}

bool is_xmp_segment(std::string_view segment) {
  return segment.starts_with("\xFF\xE1") &&
         segment.substr(4).starts_with(std::string(jpeg_xmp_header) + '\0');
}

void append_xmp_segment(std::string& out, std::string_view packet) {
  const std::size_t length = 2 + jpeg_xmp_header.size() + 1 + packet.size();
  out += "\xFF\xE1";
  out += char(length >> 8);
  out += char(length & 0xFF);
  out += jpeg_xmp_header;
  out += '\0';
  out += packet;
}

constexpr std::uint8_t vp8x_alpha = 0x10;
constexpr std::uint8_t vp8x_xmp = 0x04;

}  // namespace

std::string xmp_packet(std::string_view description, std::string_view record) {
  std::string packet = "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>";
  packet +=
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
      "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
      "xmlns:visionary=\"urn:x-visionary:ns:1\"><dc:description><rdf:Alt><rdf:li "
      "xml:lang=\"x-default\">";
  packet += xml_escape(description);
  packet += "</rdf:li></rdf:Alt></dc:description>";
  packet += record_open;
  packet += xml_escape(record);
  packet += record_close;
  packet += "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";
  return packet;
}

std::optional<std::string> insert_jpeg_xmp(std::string_view jpeg, std::string_view packet) {
  if (jpeg.size() < 4 || std::uint8_t(jpeg[0]) != 0xFF || std::uint8_t(jpeg[1]) != 0xD8 ||
      packet.size() > max_jpeg_xmp_bytes)
    return std::nullopt;
  auto segments = header_segments(jpeg);
  if (!segments) return std::nullopt;
  std::string out = "\xFF\xD8";
  bool placed = false;
  for (const auto& segment : *segments) {
    // Ours goes after a JFIF (APP0) header, which readers expect first; an earlier XMP is dropped.
    if (!placed && !segment.starts_with("\xFF\xE0")) {
      append_xmp_segment(out, packet);
      placed = true;
    }
    if (!is_xmp_segment(segment)) out += segment;
  }
  if (!placed) append_xmp_segment(out, packet);
  out += jpeg.substr(2 + segments_size(*segments));
  return out;
}

std::optional<std::string> insert_webp_xmp(std::string_view webp, std::string_view packet,
                                           int width, int height, bool alpha) {
  auto chunks = webp_chunks(webp);
  if (!chunks || width < 1 || height < 1 || width > (1 << 24) || height > (1 << 24))
    return std::nullopt;
  std::string body = "WEBP";
  // An XMP packet the image already carries is replaced by ours.
  std::erase_if(*chunks, [](const webp_chunk& chunk) { return chunk.fourcc == "XMP "; });
  if (chunks->empty()) return std::nullopt;
  if (chunks->front().fourcc == "VP8X") {
    if (chunks->front().payload.size() < 10) return std::nullopt;
    const auto flags = std::uint8_t(chunks->front().payload[0]);
    std::string payload(chunks->front().payload);
    payload[0] = char(flags | vp8x_xmp);
    append_chunk(body, "VP8X", payload);
    chunks->erase(chunks->begin());
  } else {
    const std::uint8_t flags = vp8x_xmp | (alpha ? vp8x_alpha : 0);
    append_chunk(body, "VP8X", vp8x_payload(flags, width, height));
  }
  for (const auto& chunk : *chunks) append_chunk(body, chunk.fourcc, chunk.payload);
  append_chunk(body, "XMP ", packet);
  std::string out = "RIFF";
  append_u32le(out, std::uint32_t(body.size()));
  out += body;
  return out;
}

std::optional<std::string> find_xmp_record(std::string_view bytes) {
  const auto open = bytes.find(record_open);
  if (open == std::string_view::npos) return std::nullopt;
  const auto start = open + record_open.size();
  const auto close = bytes.find(record_close, start);
  if (close == std::string_view::npos) return std::nullopt;
  return xml_unescape(bytes.substr(start, close - start));
}

}  // namespace visionary::imaging
