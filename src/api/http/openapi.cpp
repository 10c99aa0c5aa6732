// GET /api/v1/openapi.json (see openapi.hpp).
#include "api/http/openapi.hpp"

#include <string>

namespace alphintra::api::http {

Response openApiResponse(Method method) {
  if (method != Method::Get) {
    return errorResponse(405, "method_not_allowed", std::string(kOpenApiPath) + " allows GET");
  }
  return Response{200, std::string(openApiDocument())};
}

}  // namespace alphintra::api::http
