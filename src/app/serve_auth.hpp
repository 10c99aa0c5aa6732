// Authentication for `alphintra serve`: opens DATA_DIR/auth.db, creates the `admin` user on the
// first start (password from ALPHINTRA_ADMIN_PASSWORD, else generated and printed once on
// stderr) and, with --demo-users, the demo users of docs/api.md (trader, viewer, risk).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "auth/auth_service.hpp"
#include "core/result.hpp"

namespace alphintra::app {

Result<std::unique_ptr<auth::AuthService>> openServeAuth(const std::string& dataDir, bool demoUsers,
                                                         const std::function<void(std::string_view)>& log);

// The wall clock in Unix milliseconds (the edge reads it; the engine never does).
std::int64_t unixMillis();

}  // namespace alphintra::app
