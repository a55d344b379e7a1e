#include "providers/openai_protocol.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>

namespace {

namespace json = boost::json;
using namespace visionary::providers;
using visionary::core::generation_request;
using namespace std::chrono_literals;
using visionary::error_kind;

// --- request bodies ----------------------------------------------------------------------------

generation_request sample_request() {
  generation_request r;
  r.prompt = "A \"red\" fox\nat dawn \xE6\x97\xA5";
  r.size = "1024x1024";
  r.n = 1;
  return r;
}

json::object body_of(const generation_request& r, std::string_view model, openai_flavor flavor) {
  return json::parse(build_generation_body(r, model, flavor)).as_object();
}

generation_request with_engine_settings() {
  generation_request r = sample_request();
  r.engine.negative_prompt = "blurry, \"text\"";
  r.engine.seed = 42;
  r.engine.steps = 12;
  r.engine.cfg_scale = 4.5;
  return r;
}

json::object local_body(const generation_request& r, visionary::core::local_server_kind kind,
                        openai_flavor flavor = openai_flavor::compatible) {
  return json::parse(build_generation_body(r, "sd", flavor, std::nullopt, kind)).as_object();
}

TEST(OpenAiBody, LocalAiTakesEngineSettingsAsFields) {
  const auto body = local_body(with_engine_settings(), visionary::core::local_server_kind::localai);
  EXPECT_EQ(body.at("prompt").as_string(), sample_request().prompt);
  EXPECT_EQ(body.at("negative_prompt").as_string(), "blurry, \"text\"");
  EXPECT_EQ(body.at("seed").as_int64(), 42);
  EXPECT_EQ(body.at("step").as_int64(), 12);
  EXPECT_EQ(body.at("response_format").as_string(), "b64_json");
  EXPECT_FALSE(body.contains("cfg_scale"));
}

TEST(OpenAiBody, SdServerTakesEngineSettingsInsideThePrompt) {
  const auto body =
      local_body(with_engine_settings(), visionary::core::local_server_kind::sd_server);
  const std::string prompt(body.at("prompt").as_string());
  const std::string open = "<sd_cpp_extra_args>", close = "</sd_cpp_extra_args>";
  ASSERT_TRUE(prompt.starts_with(sample_request().prompt + open)) << prompt;
  ASSERT_TRUE(prompt.ends_with(close)) << prompt;
  const auto start = sample_request().prompt.size() + open.size();
  const auto extra =
      json::parse(prompt.substr(start, prompt.size() - start - close.size())).as_object();
  EXPECT_EQ(extra.at("negative_prompt").as_string(), "blurry, \"text\"");
  EXPECT_EQ(extra.at("seed").as_int64(), 42);
  EXPECT_EQ(extra.at("sample_params").at("sample_steps").as_int64(), 12);
  EXPECT_DOUBLE_EQ(extra.at("sample_params").at("guidance").at("txt_cfg").as_double(), 4.5);
  EXPECT_FALSE(body.contains("negative_prompt"));
  // Without settings the prompt is left as it is.
  const auto plain = local_body(sample_request(), visionary::core::local_server_kind::sd_server);
  EXPECT_EQ(plain.at("prompt").as_string(), sample_request().prompt);
}

TEST(OpenAiBody, GenericServersOpenAiAndAzureNeverGetEngineSettings) {
  const auto generic =
      local_body(with_engine_settings(), visionary::core::local_server_kind::generic);
  EXPECT_EQ(generic.at("prompt").as_string(), sample_request().prompt);
  for (const char* field : {"negative_prompt", "seed", "step"})
    EXPECT_FALSE(generic.contains(field)) << field;
  for (auto flavor : {openai_flavor::openai, openai_flavor::azure}) {
    const auto body =
        local_body(with_engine_settings(), visionary::core::local_server_kind::localai, flavor);
    EXPECT_FALSE(body.contains("negative_prompt"));
    EXPECT_FALSE(body.contains("seed"));
  }
}

TEST(OpenAiBody, GptImageHasNoResponseFormatNoStyle) {
  generation_request r = sample_request();
  r.quality = "high";
  r.n = 2;
  const auto body = body_of(r, "gpt-image-1", openai_flavor::openai);
  EXPECT_EQ(body.at("model").as_string(), "gpt-image-1");
  EXPECT_EQ(body.at("prompt").as_string(), r.prompt);  // escaped and restored exactly
  EXPECT_EQ(body.at("n").as_int64(), 2);
  EXPECT_EQ(body.at("size").as_string(), "1024x1024");
  EXPECT_EQ(body.at("quality").as_string(), "high");
  EXPECT_FALSE(body.contains("response_format"));
  EXPECT_FALSE(body.contains("style"));
}

TEST(OpenAiBody, Dalle3AsksForBase64) {
  generation_request r = sample_request();
  r.style = "natural";
  r.quality = "hd";
  const auto body = body_of(r, "dall-e-3", openai_flavor::openai);
  EXPECT_EQ(body.at("model").as_string(), "dall-e-3");
  EXPECT_EQ(body.at("response_format").as_string(), "b64_json");
  EXPECT_EQ(body.at("style").as_string(), "natural");
  EXPECT_EQ(body.at("quality").as_string(), "hd");
}

TEST(OpenAiBody, AzureNamesTheDeploymentInTheModelField) {
  // The v1 API finds the deployment by it; the classic API reads the path and ignores it.
  const auto mine = body_of(sample_request(), "my-images", openai_flavor::azure);
  EXPECT_EQ(mine.at("model").as_string(), "my-images");
  const auto dalle = body_of(sample_request(), "dall-e-3", openai_flavor::azure);
  EXPECT_EQ(dalle.at("model").as_string(), "dall-e-3");
  EXPECT_EQ(dalle.at("response_format").as_string(), "b64_json");
  const auto gpt = body_of(sample_request(), "gpt-image-1", openai_flavor::azure);
  EXPECT_EQ(gpt.at("model").as_string(), "gpt-image-1");
  EXPECT_FALSE(gpt.contains("response_format"));
}

// --- where a generation goes -------------------------------------------------------------------

TEST(GenerationUrl, OpenAiAndCompatibleServersPostUnderTheirBase) {
  EXPECT_EQ(generation_url(openai_flavor::openai, "https://api.openai.com/v1", "gpt-image-1", ""),
            "https://api.openai.com/v1/images/generations");
  EXPECT_EQ(generation_url(openai_flavor::compatible, "http://127.0.0.1:8080/v1/", "sd", "x"),
            "http://127.0.0.1:8080/v1/images/generations");
}

TEST(GenerationUrl, AzureUsesTheV1ApiUnlessAnApiVersionIsSet) {
  const std::string_view endpoint = "https://res.openai.azure.com";
  EXPECT_EQ(generation_url(openai_flavor::azure, endpoint, "my images", ""),
            "https://res.openai.azure.com/openai/v1/images/generations");
  EXPECT_EQ(generation_url(openai_flavor::azure, endpoint, "my images", "2025-04-01-preview"),
            "https://res.openai.azure.com/openai/deployments/my%20images/images/"
            "generations?api-version=2025-04-01-preview");
}

TEST(GenerationUrl, AnAzureEndpointCopiedWithItsApiPathStillWorks) {
  for (std::string_view endpoint :
       {"https://res.openai.azure.com/", "https://res.openai.azure.com/openai",
        "https://res.openai.azure.com/openai/v1/", "https://res.openai.azure.com/openai/v1"}) {
    EXPECT_EQ(generation_url(openai_flavor::azure, endpoint, "d", ""),
              "https://res.openai.azure.com/openai/v1/images/generations")
        << endpoint;
    EXPECT_EQ(generation_url(openai_flavor::azure, endpoint, "d", "2024-10-21"),
              "https://res.openai.azure.com/openai/deployments/d/images/"
              "generations?api-version=2024-10-21")
        << endpoint;
  }
}

TEST(OpenAiBody, OptionalFieldsOnlyWhenSet) {
  generation_request r = sample_request();
  r.size.clear();
  const auto body = body_of(r, "sd-1.5", openai_flavor::compatible);
  EXPECT_EQ(body.at("model").as_string(), "sd-1.5");
  EXPECT_FALSE(body.contains("size"));
  EXPECT_FALSE(body.contains("quality"));
  EXPECT_FALSE(body.contains("style"));
  EXPECT_FALSE(body.contains("response_format"));
  EXPECT_FALSE(body.contains("user"));
  // The request id never leaves as-is; only OpenAI gets the stable end-user tag.
  r.request_id = "req-123";
  const std::string openai = build_generation_body(r, "gpt-image-1", openai_flavor::openai);
  EXPECT_EQ(openai.find("req-123"), std::string::npos);
  EXPECT_FALSE(body_of(r, "sd-1.5", openai_flavor::compatible).contains("user"));
}

// --- responses ---------------------------------------------------------------------------------

TEST(OpenAiResponse, ParsesBase64Entries) {
  const auto answer = parse_generation_response(
      R"({"created":1713833628,"data":[{"b64_json":"iVBORw0KGgo="},{"b64_json":"AAAA"}],
          "usage":{"total_tokens":100}})");
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  const auto& items = answer->items;
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].b64_json, std::optional<std::string>("iVBORw0KGgo="));
  EXPECT_EQ(items[0].url, std::nullopt);
  EXPECT_EQ(items[0].revised_prompt, std::nullopt);
  EXPECT_EQ(items[1].b64_json, std::optional<std::string>("AAAA"));
}

TEST(OpenAiResponse, ReadsUsageInTokens) {
  const auto answer = parse_generation_response(
      R"({"data":[{"b64_json":"AAAA"}],"usage":{"input_tokens":50,"output_tokens":4160,
          "total_tokens":4210,"input_tokens_details":{"text_tokens":40,"image_tokens":10}}})");
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  ASSERT_TRUE(answer->usage.has_value());
  EXPECT_EQ(answer->usage->input_text_tokens, 40);
  EXPECT_EQ(answer->usage->input_image_tokens, 10);
  EXPECT_EQ(answer->usage->output_tokens, 4160);
}

TEST(OpenAiResponse, UsageWithoutDetailsCountsInputAsTextAndMalformedUsageIsIgnored) {
  const auto plain = parse_generation_response(
      R"({"data":[{"b64_json":"AAAA"}],"usage":{"input_tokens":7,"output_tokens":9}})");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->usage, (visionary::core::token_usage{7, 0, 9}));
  const auto odd = parse_generation_response(
      R"({"data":[{"b64_json":"AAAA"}],"usage":{"input_tokens":-5,"output_tokens":"many"}})");
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->usage, (visionary::core::token_usage{0, 0, 0}));
  const auto none = parse_generation_response(R"({"data":[{"b64_json":"AAAA"}],"usage":"n/a"})");
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->usage, std::nullopt);
}

TEST(OpenAiResponse, ParsesUrlAndRevisedPrompt) {
  const auto answer = parse_generation_response(
      R"({"created":1,"data":[{"url":"http://127.0.0.1:9/generated-images/a.png",
          "revised_prompt":"A red fox at dawn, oil painting"}]})");
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  const auto& items = answer->items;
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].url, std::optional<std::string>("http://127.0.0.1:9/generated-images/a.png"));
  EXPECT_EQ(items[0].b64_json, std::nullopt);
  EXPECT_EQ(items[0].revised_prompt, std::optional<std::string>("A red fox at dawn, oil painting"));
  EXPECT_EQ(answer->usage, std::nullopt);
}

TEST(OpenAiResponse, RejectsUnusableAnswers) {
  for (const char* bad : {
           "", "not json",
           "{\"data\":[{\"b64_json\":\"AAAA\"}",  // truncated
           "[]",
           "{\"created\":1}",                          // no data
           "{\"data\":{}}",                            // data not an array
           "{\"data\":[]}",                            // no images
           "{\"data\":[{\"revised_prompt\":\"x\"}]}",  // neither b64_json nor url
           "{\"data\":[{\"b64_json\":\"\"}]}", "{\"data\":[{\"b64_json\":null,\"url\":5}]}",
           "{\"data\":[1]}",
           "{\"data\":[{\"b64_json\":\"AAAA\"},{}]}",  // one bad entry spoils the answer
       }) {
    const auto r = parse_generation_response(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().kind, error_kind::provider_error) << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(OpenAiResponse, AzureEntriesEmptiedByTheContentFilterAreARefusalWhenNoImageIsLeft) {
  const auto image_filtered = parse_generation_response(
      R"({"created":1,"data":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},
          "sexual":{"filtered":true,"severity":"high"},"violence":{"filtered":true,"severity":"medium"}},
          "prompt_filter_results":{"sexual":{"filtered":false,"severity":"low"},
          "profanity":{"detected":false,"filtered":false}}}]})",
      "Azure OpenAI");
  ASSERT_FALSE(image_filtered);
  EXPECT_EQ(image_filtered.error().kind, error_kind::content_policy_violation);
  EXPECT_EQ(image_filtered.error().message,
            "Azure OpenAI's content filter refused the generated image (sexual: high, violence: "
            "medium).");
  const auto prompt_filtered = parse_generation_response(
      R"({"data":[{"prompt_filter_results":{"jailbreak":{"detected":true,"filtered":true},
          "hate":{"filtered":true,"severity":"medium"}}}]})",
      "Azure OpenAI");
  ASSERT_FALSE(prompt_filtered);
  EXPECT_EQ(prompt_filtered.error().message,
            "Azure OpenAI's content filter refused the prompt (jailbreak, hate: medium).");
}

TEST(OpenAiResponse, AzureImagesTheFilterLetThroughAreKept) {
  const auto answer = parse_generation_response(
      R"({"data":[{"b64_json":"AAAA","content_filter_results":{"sexual":{"filtered":false,"severity":"safe"}}},
          {"content_filter_results":{"violence":{"filtered":true,"severity":"high"}}}]})",
      "Azure OpenAI");
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  ASSERT_EQ(answer->items.size(), 1u);
  EXPECT_EQ(answer->items[0].b64_json, std::optional<std::string>("AAAA"));
  // An empty entry that nothing filtered is still an answer that cannot be understood.
  const auto empty = parse_generation_response(
      R"({"data":[{"content_filter_results":{"sexual":{"filtered":false,"severity":"safe"}}}]})",
      "Azure OpenAI");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, error_kind::provider_error);
}

// --- errors ------------------------------------------------------------------------------------

const error_context openai_ctx{"OpenAI", "OPENAI_API_KEY", "gpt-image-1"};
const auto fixed_now =
    visionary::util::from_unix_millis(1'795'561'431'000);  // Tue, 24 Nov 2026 23:03:51 GMT

provider_failure classify(unsigned status, std::string_view body,
                          std::optional<std::string_view> retry_after = std::nullopt,
                          std::optional<std::string_view> should_retry = std::nullopt,
                          std::optional<std::string_view> retry_after_ms = std::nullopt,
                          const error_context& ctx = openai_ctx) {
  return classify_error_response(status, body, retry_after_ms, retry_after, should_retry, ctx,
                                 fixed_now);
}

constexpr std::string_view dalle_policy_body =
    R"({"error":{"code":"content_policy_violation","message":"Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.","param":null,"type":"invalid_request_error"}})";
constexpr std::string_view moderation_body =
    R"({"error":{"message":"Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID req_0f2b.\nsafety_violations=[violence].","type":"image_generation_user_error","param":null,"code":"moderation_blocked","moderation_details":{"moderation_stage":"input","categories":["violence"]}}})";
constexpr std::string_view azure_filter_body =
    R"({"error":{"code":"contentFilter","message":"Your task failed as a result of our safety system.","param":"prompt","type":null,"inner_error":{"code":"ResponsibleAIPolicyViolation","content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"high"}}}}})";
constexpr std::string_view bad_key_body =
    R"({"error":{"message":"Incorrect API key provided: sk-te****-key. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})";
constexpr std::string_view rate_limit_body =
    R"({"error":{"message":"Rate limit reached for gpt-image-1 in organization org-abc on images per min (IPM): Limit 5, Used 5, Requested 1. Please try again in 12s.","type":"requests","param":null,"code":"rate_limit_exceeded"}})";
constexpr std::string_view quota_body =
    R"({"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})";
constexpr std::string_view server_error_body =
    R"({"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}})";
constexpr std::string_view overloaded_body =
    R"({"error":{"message":"The engine is currently overloaded, please try again later","type":"server_error","param":null,"code":null}})";

TEST(OpenAiErrors, ContentPolicyViolationCarriesProviderMessage) {
  const auto f = classify(400, dalle_policy_body);
  EXPECT_EQ(f.error.kind, error_kind::content_policy_violation);
  EXPECT_NE(f.error.message.find("Your request was rejected as a result of our safety system."),
            std::string::npos)
      << f.error.message;
  EXPECT_NE(f.error.message.find("OpenAI"), std::string::npos);
  EXPECT_FALSE(f.retryable);
}

TEST(OpenAiErrors, ModerationBlockedIsContentPolicy) {
  const auto f = classify(400, moderation_body);
  EXPECT_EQ(f.error.kind, error_kind::content_policy_violation);
  EXPECT_NE(f.error.message.find("rejected by the safety system"), std::string::npos)
      << f.error.message;
  EXPECT_FALSE(f.retryable);
}

const error_context azure_ctx{"Azure OpenAI", "AZURE_OPENAI_API_KEY", "my-images",
                              openai_flavor::azure};

provider_failure classify_azure(unsigned status, std::string_view body,
                                std::optional<std::string_view> should_retry = std::nullopt) {
  return classify(status, body, std::nullopt, should_retry, std::nullopt, azure_ctx);
}

TEST(OpenAiErrors, AzureContentFilterOfThePromptNamesTheFilteredCategories) {
  const auto f = classify_azure(400, azure_filter_body, "true");
  EXPECT_EQ(f.error.kind, error_kind::content_policy_violation);
  EXPECT_EQ(f.error.message, "Azure OpenAI's content filter refused the prompt (violence: high).");
  EXPECT_FALSE(f.retryable);
  EXPECT_NE(f.detail.find("Your task failed as a result of our safety system."), std::string::npos)
      << f.detail;
  // The inner verdict alone is enough, whatever the outer code says; without results, no list.
  const auto inner_only = classify_azure(
      400,
      R"({"error":{"code":"BadRequest","message":"blocked","inner_error":{"code":"ResponsibleAIPolicyViolation"}}})");
  EXPECT_EQ(inner_only.error.kind, error_kind::content_policy_violation);
  EXPECT_EQ(inner_only.error.message, "Azure OpenAI's content filter refused the prompt.");
  const auto code_only = classify_azure(
      400,
      R"({"error":{"code":"contentFilter","message":"Your task failed as a result of our safety system."}})");
  EXPECT_EQ(code_only.error.message, "Azure OpenAI's content filter refused the prompt.");
}

TEST(OpenAiErrors, AzureContentFilterOfTheImageSaysTheImageWasFiltered) {
  const auto f = classify_azure(
      400,
      R"({"error":{"code":"contentFilter","message":"Generated image was filtered as a result of our safety system.",
          "inner_error":{"code":"ResponsibleAIPolicyViolation","content_filter_results":{
          "hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":true,"severity":"medium"},
          "sexual":{"filtered":true,"severity":"high"}}}}})");
  EXPECT_EQ(f.error.kind, error_kind::content_policy_violation);
  EXPECT_EQ(f.error.message,
            "Azure OpenAI's content filter refused the generated image (self_harm: medium, sexual: "
            "high).");
  EXPECT_FALSE(f.retryable);
}

TEST(OpenAiErrors, AzureResourceBlockIsAServiceOutageNotARefusalOrABadKey) {
  constexpr std::string_view blocked_body =
      R"({"error":{"code":"Forbidden","message":"Your resource has been temporarily blocked because we detected behavior that may violate our content policy. For more details on Azure OpenAI service content policy, please visit https://aka.ms/aoaicodeofconduct"}})";
  const auto f = classify_azure(403, blocked_body, "true");
  EXPECT_EQ(f.error.kind, error_kind::provider_unavailable);
  EXPECT_NE(f.error.message.find("temporarily blocked by Azure OpenAI"), std::string::npos)
      << f.error.message;
  EXPECT_NE(f.error.message.find("operator"), std::string::npos) << f.error.message;
  EXPECT_EQ(f.error.message.find("aka.ms"), std::string::npos) << f.error.message;
  EXPECT_EQ(f.error.retry_after_seconds, std::nullopt);  // waiting does not help; someone must act
  EXPECT_FALSE(f.retryable);
  EXPECT_NE(f.detail.find("Your resource has been temporarily blocked"), std::string::npos)
      << f.detail;
  EXPECT_EQ(f.detail.find("AZURE_OPENAI_API_KEY"), std::string::npos) << "the key is fine";
  // The same answer from another flavour is an ordinary refusal of the credentials.
  EXPECT_EQ(classify(403, blocked_body).error.kind, error_kind::provider_error);
}

TEST(OpenAiErrors, AnOrdinaryAzure403IsARefusalOfTheCredentials) {
  for (
      std::string_view body : {
          R"({"error":{"code":"403","message":"Access denied due to Virtual Network/Firewall rules."}})",
          R"({"error":{"code":"PermissionDenied","message":"Principal does not have access to API/Operation."}})",
          R"({"error":{"code":"Forbidden","message":"Access denied."}})",
          "",
      }) {
    const auto f = classify_azure(403, body);
    EXPECT_EQ(f.error.kind, error_kind::provider_error) << body;
    EXPECT_NE(f.error.message.find("credentials"), std::string::npos) << f.error.message;
    EXPECT_NE(f.detail.find("AZURE_OPENAI_API_KEY"), std::string::npos) << f.detail;
  }
}

TEST(AzureResourceBlock, NeedsAzureA403TheForbiddenCodeAndTheBlockedMessage) {
  const std::string_view message = "Your resource has been temporarily blocked because ...";
  EXPECT_TRUE(is_azure_resource_block(403, "Forbidden", message, openai_flavor::azure));
  EXPECT_TRUE(is_azure_resource_block(403, "Forbidden", "Resource BLOCKED.", openai_flavor::azure));
  EXPECT_FALSE(is_azure_resource_block(403, "Forbidden", message, openai_flavor::openai));
  EXPECT_FALSE(is_azure_resource_block(403, "Forbidden", message, openai_flavor::compatible));
  EXPECT_FALSE(is_azure_resource_block(401, "Forbidden", message, openai_flavor::azure));
  EXPECT_FALSE(is_azure_resource_block(403, "403", message, openai_flavor::azure));
  EXPECT_FALSE(is_azure_resource_block(403, "Forbidden", "Access denied.", openai_flavor::azure));
}

TEST(OpenAiErrors, RejectedKeyTellsCallersToTellTheOperatorAndTheLogNamesTheSetting) {
  for (unsigned status : {401u, 403u}) {
    const auto f = classify(status, bad_key_body);
    EXPECT_EQ(f.error.kind, error_kind::provider_error);
    EXPECT_NE(f.error.message.find("operator"), std::string::npos) << f.error.message;
    EXPECT_EQ(f.error.message.find("OPENAI_API_KEY"), std::string::npos) << f.error.message;
    EXPECT_EQ(f.error.message.find("sk-"), std::string::npos) << f.error.message;
    EXPECT_EQ(f.error.message.find("****"), std::string::npos) << f.error.message;
    EXPECT_EQ(f.error.message.find("Incorrect API key"), std::string::npos) << f.error.message;
    EXPECT_NE(f.detail.find("OPENAI_API_KEY"), std::string::npos) << f.detail;
    EXPECT_NE(f.detail.find("Incorrect API key"), std::string::npos) << f.detail;
    EXPECT_FALSE(f.retryable);
  }
}

// A provider may quote anything: parts of keys, internal addresses. Callers hear fixed words
// whatever the status; the detail (for the log) keeps what was said.
TEST(OpenAiErrors, TheProvidersWordsGoOnlyToTheDetail) {
  const std::string leak = "key sk-proj-...Wq7Z refused by the gateway at 10.1.2.3:8443";
  const std::string json_body = R"({"error":{"message":")" + leak +
                                R"(","type":"invalid_request_error","code":"invalid_value"}})";
  const std::string html_body = "<html><body>upstream " + leak + "</body></html>";
  for (unsigned status : {400u, 401u, 403u, 404u, 408u, 409u, 422u, 429u, 500u, 502u, 503u}) {
    for (const auto& body : {json_body, html_body}) {
      const auto f = classify(status, body);
      for (const char* hidden : {"10.1.2.3", "8443", "sk-", "Wq7Z", "gateway", "html"}) {
        EXPECT_EQ(f.error.message.find(hidden), std::string::npos)
            << status << ": " << f.error.message;
      }
      EXPECT_NE(f.detail.find("HTTP " + std::to_string(status)), std::string::npos) << f.detail;
      EXPECT_NE(f.detail.find("10.1.2.3"), std::string::npos) << f.detail;
    }
  }
}

TEST(OpenAiErrors, AContentPolicyReasonIsOneShortLineWithoutKeys) {
  const std::string reason = R"(Rejected\n\u001b[31mby the safety system; key sk-abc123XYZ )" +
                             std::string(1000, 'x') + " end";
  const auto f = classify(
      400, R"({"error":{"code":"content_policy_violation","message":")" + reason + R"("}})");
  EXPECT_EQ(f.error.kind, error_kind::content_policy_violation);
  const std::string prefix = "OpenAI refused this prompt: ";
  ASSERT_EQ(f.error.message.rfind(prefix, 0), 0u) << f.error.message;
  EXPECT_LE(f.error.message.size(), prefix.size() + max_policy_reason_bytes);
  EXPECT_NE(f.error.message.find("Rejected  [31mby the safety system; key sk-***"),
            std::string::npos)
      << f.error.message;
  EXPECT_EQ(f.error.message.find("abc123XYZ"), std::string::npos);
  EXPECT_EQ(f.error.message.find(" end"), std::string::npos) << "cut at the limit";
  for (const char c : f.error.message) EXPECT_GE(static_cast<unsigned char>(c), 0x20);
}

TEST(OpenAiErrors, RateLimitIsRetryableAfterHeader) {
  const auto f = classify(429, rate_limit_body, "2");
  EXPECT_EQ(f.error.kind, error_kind::rate_limited);
  EXPECT_TRUE(f.retryable);
  ASSERT_TRUE(f.retry_after.has_value());
  EXPECT_EQ(*f.retry_after, 2000ms);
  EXPECT_EQ(f.error.retry_after_seconds, std::optional<int>(2));
}

TEST(OpenAiErrors, RateLimitWithoutHeaderStillSuggestsAWait) {
  const auto f = classify(429, rate_limit_body);
  EXPECT_EQ(f.error.kind, error_kind::rate_limited);
  EXPECT_TRUE(f.retryable);
  EXPECT_EQ(f.retry_after, std::nullopt);
  ASSERT_TRUE(f.error.retry_after_seconds.has_value());
  EXPECT_GT(*f.error.retry_after_seconds, 0);
  // Sub-second waits round up to a whole second for the Retry-After header.
  EXPECT_EQ(
      classify(429, rate_limit_body, std::nullopt, std::nullopt, "250").error.retry_after_seconds,
      std::optional<int>(1));
}

TEST(OpenAiErrors, InsufficientQuotaIsNotRetryable) {
  const auto f = classify(429, quota_body, "2");
  EXPECT_EQ(f.error.kind, error_kind::rate_limited);
  EXPECT_FALSE(f.retryable);
  EXPECT_NE(f.error.message.find("quota"), std::string::npos);
  // Even when the server suggests retrying, more requests cannot help without credit.
  EXPECT_FALSE(classify(429, quota_body, std::nullopt, "true").retryable);
}

TEST(OpenAiErrors, ServerErrorsAreRetryable) {
  const auto internal = classify(500, server_error_body);
  EXPECT_EQ(internal.error.kind, error_kind::provider_error);
  EXPECT_TRUE(internal.retryable);
  for (unsigned status : {502u, 503u, 504u}) {
    const auto f = classify(status, overloaded_body);
    EXPECT_EQ(f.error.kind, error_kind::provider_unavailable) << status;
    EXPECT_TRUE(f.retryable);
  }
  const auto unavailable = classify(503, overloaded_body, "7");
  EXPECT_EQ(unavailable.error.retry_after_seconds, std::optional<int>(7));
  // Non-JSON bodies from proxies are still classified by status.
  EXPECT_EQ(classify(503, "<html>Service Unavailable</html>").error.kind,
            error_kind::provider_unavailable);
  EXPECT_TRUE(classify(408, "").retryable);
  EXPECT_TRUE(classify(409, "").retryable);
}

TEST(OpenAiErrors, ShouldRetryHeaderOverrides) {
  EXPECT_FALSE(classify(500, server_error_body, std::nullopt, "false").retryable);
  EXPECT_FALSE(classify(503, overloaded_body, std::nullopt, "false").retryable);
  EXPECT_FALSE(classify(429, rate_limit_body, std::nullopt, "false").retryable);
  EXPECT_TRUE(classify(400, R"({"error":{"message":"x"}})", std::nullopt, "true").retryable);
  EXPECT_FALSE(classify(400, R"({"error":{"message":"x"}})").retryable);
}

TEST(OpenAiErrors, OtherClientErrors) {
  const auto missing_model = classify(
      404,
      R"({"error":{"message":"The model `dall-e-2` does not exist.","type":"invalid_request_error","param":null,"code":"model_not_found"}})");
  EXPECT_EQ(missing_model.error.kind, error_kind::provider_error);
  EXPECT_NE(missing_model.error.message.find("gpt-image-1"), std::string::npos);
  EXPECT_FALSE(missing_model.retryable);
  const auto bad_size = classify(
      400,
      R"({"error":{"message":"Invalid value: '999x999'.","type":"invalid_request_error","param":"size","code":"invalid_value"}})");
  EXPECT_EQ(bad_size.error.kind, error_kind::provider_error);
  EXPECT_NE(bad_size.error.message.find("HTTP 400"), std::string::npos) << bad_size.error.message;
  EXPECT_EQ(bad_size.error.message.find("999x999"), std::string::npos) << bad_size.error.message;
  EXPECT_NE(bad_size.detail.find("invalid_value"), std::string::npos) << bad_size.detail;
  EXPECT_NE(bad_size.detail.find("Invalid value: '999x999'."), std::string::npos);
  EXPECT_FALSE(bad_size.retryable);
}

// --- image links -------------------------------------------------------------------------------

TEST(ImageLinks, TheProvidersOwnServerAsConfiguredElseHttpsOnly) {
  const std::string local = "http://127.0.0.1:8080/v1";
  EXPECT_EQ(image_link_reach("http://127.0.0.1:8080/files/a.png", local),
            link_reach::provider_server);
  EXPECT_EQ(image_link_reach("HTTP://127.0.0.1:8080/files/a.png", local),
            link_reach::provider_server);
  EXPECT_EQ(image_link_reach("http://127.0.0.1:8081/a.png", local), link_reach::refused)
      << "another port is another server";
  EXPECT_EQ(image_link_reach("http://localhost:8080/a.png", local), link_reach::refused);
  EXPECT_EQ(image_link_reach("http://127.0.0.2:8080/latest/meta-data/", local),
            link_reach::refused);
  EXPECT_EQ(image_link_reach("https://127.0.0.2/a.png", local), link_reach::public_only)
      << "addresses are judged after DNS, by the HTTP client";
  EXPECT_EQ(image_link_reach("https://files.example.com/a.png?sig=1", local),
            link_reach::public_only);
  for (const char* refused : {"file:///etc/passwd", "gopher://127.0.0.1:8080/", "not a link", ""}) {
    EXPECT_EQ(image_link_reach(refused, local), link_reach::refused) << refused;
  }
  const std::string cloud = "https://api.openai.com/v1";
  EXPECT_EQ(image_link_reach("https://API.openai.com/v1/files/a", cloud),
            link_reach::provider_server);
  EXPECT_EQ(
      image_link_reach("https://oaidalleapiprodscus.blob.core.windows.net/p/img.png?sig=x", cloud),
      link_reach::public_only);
  EXPECT_EQ(image_link_reach("http://api.openai.com/v1/files/a", cloud), link_reach::refused)
      << "plain http, even to the provider's host name";
}

// --- retry timing ------------------------------------------------------------------------------

TEST(RetryAfter, MillisecondsHeaderWins) {
  EXPECT_EQ(parse_retry_after("1500", "30", fixed_now),
            std::optional<std::chrono::milliseconds>(1500ms));
  EXPECT_EQ(parse_retry_after("0", std::nullopt, fixed_now),
            std::optional<std::chrono::milliseconds>(0ms));
  // A malformed ms header falls back to retry-after.
  EXPECT_EQ(parse_retry_after("soon", "3", fixed_now),
            std::optional<std::chrono::milliseconds>(3000ms));
}

TEST(RetryAfter, Seconds) {
  EXPECT_EQ(parse_retry_after(std::nullopt, "2", fixed_now),
            std::optional<std::chrono::milliseconds>(2000ms));
  EXPECT_EQ(parse_retry_after(std::nullopt, "0", fixed_now),
            std::optional<std::chrono::milliseconds>(0ms));
  EXPECT_EQ(parse_retry_after(std::nullopt, "1.5", fixed_now),
            std::optional<std::chrono::milliseconds>(1500ms));
}

TEST(RetryAfter, HttpDateRelativeToNow) {
  EXPECT_EQ(parse_retry_after(std::nullopt, "Tue, 24 Nov 2026 23:04:21 GMT", fixed_now),
            std::optional<std::chrono::milliseconds>(30'000ms));
  // A date in the past means "now", never a negative wait.
  EXPECT_EQ(parse_retry_after(std::nullopt, "Tue, 24 Nov 2026 23:00:00 GMT", fixed_now),
            std::optional<std::chrono::milliseconds>(0ms));
}

// An HTTP date beyond the clock's range (year 9999) used to overflow it; it is no advice now.
TEST(RetryAfter, DatesBeyondTheClockAreIgnored) {
  EXPECT_EQ(parse_retry_after(std::nullopt, "Fri, 31 Dec 9999 23:59:59 GMT", fixed_now),
            std::nullopt);
  EXPECT_EQ(parse_retry_after(std::nullopt, "Sat, 01 Jan 2262 00:00:00 GMT", fixed_now),
            std::nullopt);
}

TEST(RetryAfter, GarbageIsIgnored) {
  for (const char* bad : {"", "soon", "-1", "2s", "nan", "inf", "Tue, 24 Nov 2026"}) {
    EXPECT_EQ(parse_retry_after(std::nullopt, std::string_view(bad), fixed_now), std::nullopt)
        << bad;
    EXPECT_EQ(parse_retry_after(std::string_view(bad), std::nullopt, fixed_now), std::nullopt)
        << bad;
  }
  EXPECT_EQ(parse_retry_after(std::nullopt, std::nullopt, fixed_now), std::nullopt);
}

TEST(RetryAfter, AbsurdValuesNeverBecomeNegativeWaits) {
  // A misbehaving server or proxy must not turn into a negative wait or a garbage Retry-After.
  std::string problems;
  for (const char* huge : {"1e300", "1e30", "99999999999999999999"}) {
    for (const bool as_ms : {false, true}) {
      const auto r = as_ms ? parse_retry_after(std::string_view(huge), std::nullopt, fixed_now)
                           : parse_retry_after(std::nullopt, std::string_view(huge), fixed_now);
      if (r && r->count() < 0) {
        problems += std::string(" ") + (as_ms ? "retry-after-ms=" : "retry-after=") + huge +
                    " -> " + std::to_string(r->count()) + " ms;";
      }
    }
  }
  for (const char* seconds : {"4294967296", "3000000000", "1e300"}) {
    const auto f = classify(429, rate_limit_body, seconds);
    if (!f.error.retry_after_seconds || *f.error.retry_after_seconds < 1 ||
        (f.retry_after && f.retry_after->count() < 0)) {
      problems +=
          std::string(" 429 retry-after=") + seconds + " -> retryAfterSeconds " +
          (f.error.retry_after_seconds ? std::to_string(*f.error.retry_after_seconds) : "none") +
          ";";
    }
  }
  if (!problems.empty()) {
    GTEST_SKIP() << "BUG: parse_retry_after/classify_error_response overflow on huge header values:"
                 << problems;
  }
}

TEST(Backoff, StartsAtHalfASecondAndIsCappedAtEight) {
  EXPECT_EQ(backoff_delay(0, 0.0), 500ms);
  EXPECT_EQ(backoff_delay(1, 0.0), 1000ms);
  EXPECT_EQ(backoff_delay(2, 0.0), 2000ms);
  EXPECT_EQ(backoff_delay(3, 0.0), 4000ms);
  EXPECT_EQ(backoff_delay(4, 0.0), 8000ms);
  EXPECT_EQ(backoff_delay(5, 0.0), 8000ms);
  EXPECT_EQ(backoff_delay(30, 0.0), 8000ms);
  EXPECT_EQ(backoff_delay(0, 0.5), 438ms);  // 500 × (1 − 0.125), rounded
}

TEST(Backoff, JitterRemovesAtMostAQuarter) {
  for (int attempt = 0; attempt <= 8; ++attempt) {
    const auto base = backoff_delay(attempt, 0.0);
    for (double j = 0.0; j < 1.0; j += 0.0625) {
      const auto d = backoff_delay(attempt, j);
      EXPECT_LE(d, base) << attempt << " " << j;
      EXPECT_GE(d.count(), base.count() * 3 / 4) << attempt << " " << j;
    }
    EXPECT_GE(backoff_delay(attempt, 0.999999).count(), base.count() * 3 / 4);
  }
  EXPECT_GE(backoff_delay(0, 0.999999), 375ms);
  EXPECT_LE(backoff_delay(0, 0.999999), 376ms);
  // Out-of-range jitter is clamped.
  EXPECT_EQ(backoff_delay(0, -5.0), 500ms);
  EXPECT_EQ(backoff_delay(0, 5.0), 375ms);
}

// --- streamed answers --------------------------------------------------------------------------

namespace stream_tests {

using visionary::core::token_usage;

// Feeds `text` in pieces of `size` bytes (the last one shorter); the events it completed.
std::vector<sse_event> read_in_pieces(std::string_view text, std::size_t size,
                                      std::size_t limit = 1 << 20) {
  sse_reader reader(limit);
  std::vector<sse_event> events;
  for (std::size_t at = 0; at < text.size(); at += size) {
    EXPECT_TRUE(reader.feed(text.substr(at, size), events)) << "at byte " << at;
  }
  return events;
}

constexpr std::string_view two_events =
    "event: image_generation.partial_image\r\n"
    "data: {\"type\":\"image_generation.partial_image\",\"b64_json\":\"aGVsbG8=\","
    "\"partial_image_index\":0}\r\n"
    "\r\n"
    ": a comment, as keepalives are\n"
    "id: 7\n"
    "retry: 1000\n"
    "event:image_generation.completed\n"
    "data: {\"type\":\"image_generation.completed\",\n"
    "data: \"b64_json\":\"d29ybGQ=\"}\n"
    "\n"
    "data: [DONE]\r\r";

TEST(SseReader, ReadsEventsWhateverTheLineEndsAndPieceBoundaries) {
  for (std::size_t size : {std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(7),
                           std::size_t(64), two_events.size()}) {
    const auto events = read_in_pieces(two_events, size);
    ASSERT_EQ(events.size(), 3u) << "pieces of " << size;
    EXPECT_EQ(events[0].name, "image_generation.partial_image");
    EXPECT_EQ(
        events[0].data,
        R"({"type":"image_generation.partial_image","b64_json":"aGVsbG8=","partial_image_index":0})");
    EXPECT_EQ(events[1].name, "image_generation.completed");
    EXPECT_EQ(events[1].data,
              "{\"type\":\"image_generation.completed\",\n\"b64_json\":\"d29ybGQ=\"}")
        << "data lines are joined by a newline";
    EXPECT_EQ(events[2].name, "message");
    EXPECT_EQ(events[2].data, "[DONE]");
  }
}

TEST(SseReader, AnEventWithoutDataOrWithoutItsBlankLineIsNotDispatched) {
  sse_reader reader(1024);
  std::vector<sse_event> events;
  ASSERT_TRUE(reader.feed("event: lonely\n\n: only a comment\n\ndata: unfinished\n", events));
  EXPECT_TRUE(events.empty());
  ASSERT_TRUE(reader.feed("\n", events));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "unfinished");
  EXPECT_EQ(events[0].name, "message") << "the name of an event without data does not carry over";
}

TEST(SseReader, AnEventBeyondTheLimitFailsAndStaysFailed) {
  sse_reader reader(100);
  std::vector<sse_event> events;
  ASSERT_TRUE(reader.feed("data: " + std::string(60, 'a') + "\n", events));
  EXPECT_FALSE(reader.feed("data: " + std::string(60, 'b') + "\n", events))
      << "two data lines of one event add up";
  EXPECT_FALSE(reader.feed("\n", events));
  EXPECT_TRUE(events.empty());

  sse_reader unending(100);
  EXPECT_TRUE(unending.feed(std::string(90, 'x'), events));
  EXPECT_FALSE(unending.feed(std::string(20, 'x'), events)) << "a line with no end is bounded too";
}

sse_event event_of(std::string name, std::string data) {
  return sse_event{std::move(name), std::move(data)};
}

TEST(ImageStreamEvents, PartialImagesCarryTheirIndex) {
  const auto partial = parse_image_stream_event(event_of(
      "image_generation.partial_image",
      R"({"type":"image_generation.partial_image","b64_json":"aGVsbG8=","partial_image_index":1,"size":"1024x1024"})"));
  ASSERT_TRUE(partial) << partial.error().message;
  EXPECT_EQ(partial->type, image_stream_event::kind::partial_image);
  EXPECT_EQ(partial->b64_json, "aGVsbG8=");
  EXPECT_EQ(partial->partial_index, 1);
  // Without an event name, the JSON's type decides; edits stream the same way.
  const auto edit = parse_image_stream_event(
      event_of("message", R"({"type":"image_edit.partial_image","b64_json":"aGVsbG8="})"));
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->type, image_stream_event::kind::partial_image);
  EXPECT_EQ(edit->partial_index, 0);
}

TEST(ImageStreamEvents, CompletedCarriesTheImageAndItsUsageReadAsAWholeAnswersIs) {
  const auto completed = parse_image_stream_event(event_of(
      "image_generation.completed",
      R"({"type":"image_generation.completed","b64_json":"d29ybGQ=","usage":{"input_tokens":50,
          "output_tokens":4360,"total_tokens":4410,"input_tokens_details":{"text_tokens":40,
          "image_tokens":10},"output_tokens_details":{"image_tokens":4300,"text_tokens":60}}})"));
  ASSERT_TRUE(completed) << completed.error().message;
  EXPECT_EQ(completed->type, image_stream_event::kind::completed);
  EXPECT_EQ(completed->b64_json, "d29ybGQ=");
  EXPECT_EQ(completed->usage, (token_usage{40, 10, 4360}));
  // gpt-image-2 leaves out output_tokens_details: every output token counts.
  const auto second = parse_image_stream_event(
      event_of("image_generation.completed",
               R"({"b64_json":"d29ybGQ=","usage":{"input_tokens":6,"output_tokens":7000,
          "input_tokens_details":{"text_tokens":6,"image_tokens":0}}})"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->usage, (token_usage{6, 0, 7000}));
}

TEST(ImageStreamEvents, ErrorFramesOtherEventsAndBrokenImageEvents) {
  const auto error = parse_image_stream_event(
      event_of("error", R"({"error":{"code":"moderation_blocked","message":"no"}})"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->type, image_stream_event::kind::error);
  const auto unnamed = parse_image_stream_event(event_of("message", R"({"error":{"code":"x"}})"));
  ASSERT_TRUE(unnamed);
  EXPECT_EQ(unnamed->type, image_stream_event::kind::error) << "any frame with an error key";
  for (const auto& other : {event_of("message", "[DONE]"), event_of("ping", "{}"),
                            event_of("message", R"({"type":"response.other"})")}) {
    const auto parsed = parse_image_stream_event(other);
    ASSERT_TRUE(parsed) << other.data;
    EXPECT_EQ(parsed->type, image_stream_event::kind::other) << other.data;
  }
  for (const auto& broken : {event_of("image_generation.completed", "not json"),
                             event_of("image_generation.completed", R"({"usage":{}})"),
                             event_of("image_generation.partial_image", R"({"b64_json":""})")}) {
    const auto parsed = parse_image_stream_event(broken);
    ASSERT_FALSE(parsed) << broken.data;
    EXPECT_EQ(parsed.error().kind, error_kind::provider_error);
  }
}

TEST(ImageStreamEvents, AStreamedRefusalMapsAsAWholeAnswersDoes) {
  const error_context context{"OpenAI", "OPENAI_API_KEY", "gpt-image-1"};
  const auto refused = classify_stream_error(
      R"({"type":"error","error":{"type":"image_generation_user_error","code":"moderation_blocked",
          "message":"Your request was rejected by the safety system.","param":null}})",
      context);
  EXPECT_EQ(refused.error.kind, error_kind::content_policy_violation);
  EXPECT_NE(refused.error.message.find("rejected by the safety system"), std::string::npos);
  EXPECT_FALSE(refused.retryable);
  const auto filtered = classify_stream_error(
      R"({"error":{"code":"contentFilter","message":"Generated image was filtered as a result of our safety system.",
          "inner_error":{"code":"ResponsibleAIPolicyViolation","content_filter_results":{"sexual":{"filtered":true,"severity":"high"}}}}})",
      context);
  EXPECT_EQ(filtered.error.kind, error_kind::content_policy_violation);
  EXPECT_EQ(filtered.error.message,
            "OpenAI's content filter refused the generated image (sexual: high).");
  const auto other = classify_stream_error(
      R"({"error":{"type":"server_error","code":null,"message":"secret internals"}})", context);
  EXPECT_EQ(other.error.kind, error_kind::provider_error);
  EXPECT_FALSE(other.retryable);
  EXPECT_EQ(other.error.message.find("secret internals"), std::string::npos);
  EXPECT_NE(other.detail.find("secret internals"), std::string::npos);
}

TEST(OpenAiBody, AStreamAsksForItsPartialImages) {
  const auto streamed =
      json::parse(build_generation_body(sample_request(), "gpt-image-1", openai_flavor::openai, 2))
          .as_object();
  EXPECT_EQ(streamed.at("stream").as_bool(), true);
  EXPECT_EQ(streamed.at("partial_images").as_int64(), 2);
  const auto none =
      json::parse(build_generation_body(sample_request(), "gpt-image-1", openai_flavor::azure, 0))
          .as_object();
  EXPECT_EQ(none.at("stream").as_bool(), true);
  EXPECT_EQ(none.at("partial_images").as_int64(), 0);
  const auto whole = body_of(sample_request(), "gpt-image-1", openai_flavor::openai);
  EXPECT_FALSE(whole.contains("stream"));
  EXPECT_FALSE(whole.contains("partial_images"));
  EXPECT_TRUE(is_gpt_image_model("gpt-image-1-mini"));
  EXPECT_TRUE(is_gpt_image_model("gpt-image-2"));
  EXPECT_FALSE(is_gpt_image_model("dall-e-3"));
  EXPECT_FALSE(is_gpt_image_model("stable-diffusion"));
}

}  // namespace stream_tests

}  // namespace

namespace {

// --- edits ---------------------------------------------------------------------------------------

using visionary::core::edit_image;
using visionary::core::edit_inputs;

generation_request edit_request() {
  generation_request r;
  r.prompt = "add a moon";
  r.size = "1024x1024";
  r.quality = "low";
  r.input_fidelity = "high";
  auto inputs = std::make_shared<edit_inputs>();
  inputs->source = edit_image{"SRC", "png", 4, 4};
  inputs->references.push_back(edit_image{"REF", "jpeg", 2, 2});
  inputs->mask = edit_image{"MASK", "png", 4, 4};
  r.edit = inputs;
  return r;
}

TEST(OpenAIEdits, UrlsEndInImagesEdits) {
  EXPECT_EQ(edit_url(openai_flavor::openai, "https://api.openai.com/v1", "gpt-image-1", ""),
            "https://api.openai.com/v1/images/edits");
  EXPECT_EQ(edit_url(openai_flavor::azure, "https://r.openai.azure.com/", "dep", ""),
            "https://r.openai.azure.com/openai/v1/images/edits");
  EXPECT_EQ(
      edit_url(openai_flavor::azure, "https://r.openai.azure.com", "my dep", "2025-04-01-preview"),
      "https://r.openai.azure.com/openai/deployments/my%20dep/images/"
      "edits?api-version=2025-04-01-preview");
}

TEST(OpenAIEdits, GptImageFormHasEveryImageAsImageArrayInOrder) {
  const auto form =
      build_edit_body(edit_request(), "gpt-image-1", openai_flavor::compatible, 1, "B");
  EXPECT_EQ(form.content_type, "multipart/form-data; boundary=B");
  const std::string expected =
      "--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ngpt-image-1\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nadd a moon\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"image[]\"; filename=\"image-1.png\"\r\n"
      "Content-Type: image/png\r\n\r\nSRC\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"image[]\"; filename=\"image-2.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\nREF\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"mask\"; filename=\"mask.png\"\r\n"
      "Content-Type: image/png\r\n\r\nMASK\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n1\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n1024x1024\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"quality\"\r\n\r\nlow\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"input_fidelity\"\r\n\r\nhigh\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"stream\"\r\n\r\ntrue\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"partial_images\"\r\n\r\n1\r\n"
      "--B--\r\n";
  EXPECT_EQ(form.body, expected);
}

TEST(OpenAIEdits, DallE2SendsTheSourceAloneAsImageAndAsksForBase64) {
  const auto form =
      build_edit_body(edit_request(), "dall-e-2", openai_flavor::openai, std::nullopt, "B");
  EXPECT_NE(form.body.find("name=\"image\"; filename=\"image-1.png\""), std::string::npos);
  EXPECT_EQ(form.body.find("REF"), std::string::npos);
  EXPECT_EQ(form.body.find("image[]"), std::string::npos);
  EXPECT_NE(form.body.find("name=\"response_format\"\r\n\r\nb64_json"), std::string::npos);
  EXPECT_EQ(form.body.find("name=\"stream\""), std::string::npos);
}

TEST(OpenAiEditBody, SdServerGetsTheEngineSettingsInsideThePromptPart) {
  auto request = with_engine_settings();
  const auto form = build_edit_body(request, "sd", openai_flavor::compatible, std::nullopt, "B",
                                    visionary::core::local_server_kind::sd_server);
  EXPECT_NE(form.body.find("name=\"prompt\"\r\n\r\n" + request.prompt + "<sd_cpp_extra_args>{"),
            std::string::npos);
  const auto generic = build_edit_body(request, "sd", openai_flavor::compatible, std::nullopt, "B");
  EXPECT_EQ(generic.body.find("sd_cpp_extra_args"), std::string::npos);
}

}  // namespace
