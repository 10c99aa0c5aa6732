// The OpenAPI 3 document of the REST API, served at GET /api/v1/openapi.json without
// credentials (like /healthz), so that clients and tools can discover every route.
//
// Source of truth: docs/openapi.json. The build copies it into a generated source file
// (src/api/CMakeLists.txt: file(READ) + configure_file of openapi_document.cpp.in), so the
// program never reads the source tree at run time; editing the JSON re-runs the configure step.
// tests/integration/openapi_test.py checks the document against the running server, route by
// route, in both directions.
//
// Threading: the document is a constant; openApiResponse() may run on any thread.
#pragma once

#include <string_view>

#include "api/http/http_server.hpp"

namespace alphintra::api::http {

inline constexpr std::string_view kOpenApiPath = "/api/v1/openapi.json";

// The document's JSON text (defined in the generated openapi_document.cpp).
std::string_view openApiDocument() noexcept;

// The answer to a request for kOpenApiPath: 200 with the document for GET, 405 otherwise.
Response openApiResponse(Method method);

}  // namespace alphintra::api::http
