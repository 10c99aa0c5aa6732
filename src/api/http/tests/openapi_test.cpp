// The embedded OpenAPI document: it is the JSON of docs/openapi.json (parsed here, not trusted
// as text), declares OpenAPI 3.0 and its own route as public, and RestApi serves it
// (GET 200 with the exact text, another method 405). Serving it without credentials, and the
// route-by-route check against the running server, are tests/integration/openapi_test.py.
#include "api/http/openapi.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "api/http/rest_api.hpp"

namespace alphintra::api::http {
namespace {

TEST(OpenApiTest, EmbeddedDocumentIsTheSourceFile) {
  const char* sourceDir = std::getenv("ALPHINTRA_SOURCE_DIR");
  ASSERT_NE(sourceDir, nullptr) << "ctest sets ALPHINTRA_SOURCE_DIR";
  std::ifstream in(std::string(sourceDir) + "/docs/openapi.json");
  ASSERT_TRUE(in) << "docs/openapi.json";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(nlohmann::json::parse(openApiDocument()), nlohmann::json::parse(text.str()))
      << "the build embeds an older docs/openapi.json: reconfigure";
}

TEST(OpenApiTest, DeclaresOpenApi3AndItsOwnRoute) {
  const auto doc = nlohmann::json::parse(openApiDocument());
  EXPECT_TRUE(doc.at("openapi").get<std::string>().starts_with("3.0."));
  EXPECT_TRUE(doc.at("paths").contains(std::string(kOpenApiPath)));
  EXPECT_EQ(doc.at("paths").at(std::string(kOpenApiPath)).at("get").at("security"), nlohmann::json::array());
}

TEST(OpenApiTest, RestApiServesTheDocument) {
  Directory directory;
  ReadModel readModel{[](AccountId) { return true; }};
  RestApi api{directory, readModel, [](const engine::Command&) { return true; }};
  const auto call = [&api](Method method) {
    std::optional<Response> out;
    Request request;
    request.method = method;
    request.path = std::string(kOpenApiPath);
    api.handle(std::move(request), [&out](Response r) { out = std::move(r); });
    return out;
  };
  const auto got = call(Method::Get);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200u);
  EXPECT_EQ(got->contentType, "application/json");
  EXPECT_EQ(got->body, openApiDocument());
  const auto posted = call(Method::Post);
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 405u);
  EXPECT_EQ(nlohmann::json::parse(posted->body).at("code"), "method_not_allowed");
}

}  // namespace
}  // namespace alphintra::api::http
