// AuthRoutes: the HTTP face of auth::AuthService (docs/api.md, "Authentication") — login,
// refresh, logout and me; the admin routes for users, second factors and API keys; and
// authorize(), which turns a request's credentials into the Principal every other route checks.
//
// Credentials, in this order: `Authorization: Bearer <access token>`; or an API-key signature
// (headers X-API-Key, X-API-Timestamp (Unix ms), X-API-Signature: hex HMAC-SHA256 of
// "TIMESTAMP\nMETHOD\nPATH[?QUERY]\nBODY" with the key's secret). Refusals are answered with
// {"code","message","field"}: 401 (unauthorized, token_expired, invalid_credentials,
// mfa_required, invalid_mfa_token), 403 forbidden, 429 too_many_attempts with Retry-After.
//
// Threading: any HTTP I/O thread (AuthService is thread-safe). The wall clock is read here, at
// the edge, and handed to the service.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "api/http/http_server.hpp"
#include "auth/auth_service.hpp"

namespace alphintra::api::http {

Response deniedResponse(const auth::Denied& denied);
Response forbidden(std::string_view message, std::string_view field = "");

class AuthRoutes {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix milliseconds
  explicit AuthRoutes(auth::AuthService& service, Clock clock = {});

  // /api/v1/auth/...: true when the path is one of them (and it was answered).
  bool handlePublic(const Request& request, Respond& respond);
  // The principal the request acts as; nullopt when refused (then already answered).
  std::optional<auth::Principal> authorize(const Request& request, Respond& respond);
  // GET /api/v1/auth/me.
  void me(const auth::Principal& principal, Respond& respond);
  // /api/v1/admin/users..., /api/v1/admin/api-keys...: true when the path is one of them.
  // The caller has checked that the principal is an admin.
  bool handleAdmin(const Request& request, Respond& respond);

 private:
  std::int64_t nowMillis() const;
  void login(const Request& request, Respond& respond);
  void refresh(const Request& request, Respond& respond);
  void logout(const Request& request, Respond& respond);
  void users(const Request& request, std::string_view rest, Respond& respond);
  void apiKeys(const Request& request, std::string_view rest, Respond& respond);

  auth::AuthService& service_;
  Clock clock_;
};

}  // namespace alphintra::api::http
