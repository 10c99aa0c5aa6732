// The JSON error body every route answers with ({"code", "message", "field"}): declared in
// http_server.hpp, defined here so that the routes and their tests do not link the Beast server.
#include <nlohmann/json.hpp>

#include "api/http/http_server.hpp"

namespace alphintra::api::http {

std::string errorBody(std::string_view code, std::string_view message, std::string_view field) {
  nlohmann::ordered_json j;
  j["code"] = code;
  j["message"] = message;
  j["field"] = field;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Response errorResponse(unsigned status, std::string_view code, std::string_view message, std::string_view field) {
  return Response{status, errorBody(code, message, field)};
}

}  // namespace alphintra::api::http
