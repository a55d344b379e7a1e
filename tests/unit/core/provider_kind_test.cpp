#include "core/provider_kind.hpp"

#include <gtest/gtest.h>

namespace {

using visionary::core::parse_provider_kind;
using visionary::core::provider_kind;
using visionary::core::provider_kind_name;

TEST(ProviderKind, NamesRoundTrip) {
  for (auto kind : {provider_kind::demo, provider_kind::openai, provider_kind::azure_openai,
                    provider_kind::openai_compatible, provider_kind::automatic1111}) {
    EXPECT_EQ(parse_provider_kind(provider_kind_name(kind)), kind) << provider_kind_name(kind);
  }
  EXPECT_EQ(provider_kind_name(provider_kind::azure_openai), "azure-openai");
}

TEST(ProviderKind, UnknownNamesAreRefused) {
  EXPECT_EQ(parse_provider_kind("OpenAI"), std::nullopt);
  EXPECT_EQ(parse_provider_kind(""), std::nullopt);
  EXPECT_EQ(parse_provider_kind("stability"), std::nullopt);
}

}  // namespace

namespace {

using visionary::core::local_server_catalog_entry;
using visionary::core::local_server_kind;
using visionary::core::local_server_name;
using visionary::core::parse_local_server;

TEST(LocalServerKind, NamesRoundTripAndNameTheirCatalogueEntries) {
  for (auto kind :
       {local_server_kind::generic, local_server_kind::localai, local_server_kind::sd_server}) {
    EXPECT_EQ(parse_local_server(local_server_name(kind)), kind) << local_server_name(kind);
  }
  EXPECT_EQ(local_server_catalog_entry(local_server_kind::generic), "local");
  EXPECT_EQ(local_server_catalog_entry(local_server_kind::localai), "localai");
  EXPECT_EQ(local_server_catalog_entry(local_server_kind::sd_server), "sd-server");
  EXPECT_EQ(parse_local_server("LocalAI"), std::nullopt);
  EXPECT_EQ(parse_local_server("sd_server"), std::nullopt);
}

}  // namespace
