#include "app/serve_auth.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

namespace alphintra::app {

std::int64_t unixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<auth::AuthService>> openServeAuth(const std::string& dataDir, bool demoUsers,
                                                         const std::function<void(std::string_view)>& log) {
  auth::AuthOptions options;
  options.database = std::filesystem::path(dataDir) / "auth.db";
  auto service = auth::AuthService::open(options);
  if (!service.ok()) return service.error();
  std::optional<std::string> password;
  if (const char* env = std::getenv("ALPHINTRA_ADMIN_PASSWORD"); env != nullptr && *env != '\0') password = env;
  const bool firstStart = service.value()->users().empty();
  auto generated = service.value()->ensureAdmin(password);
  if (!generated.ok()) return generated.error();
  if (generated.value()) {
    // Printed once: only its argon2id hash is kept.
    log(fmt::format(
        "serve: created user admin with password {} (shown once; set ALPHINTRA_ADMIN_PASSWORD to choose it)",
        *generated.value()));
  } else if (firstStart) {
    log("serve: created user admin with the password in ALPHINTRA_ADMIN_PASSWORD");
  }
  if (demoUsers) {
    const std::vector<AccountId> demoAccounts{AccountId{1}, AccountId{2}};
    for (const auth::NewUser& u : {auth::NewUser{"trader", "trader-demo", {auth::Role::Trader}, demoAccounts},
                                   auth::NewUser{"viewer", "viewer-demo", {auth::Role::Viewer}, demoAccounts},
                                   auth::NewUser{"risk", "risk-demo", {auth::Role::RiskOfficer}, demoAccounts}}) {
      if (auto error = service.value()->ensureUser(u)) return *error;
    }
    log("serve: demo users trader / trader-demo, viewer / viewer-demo, risk / risk-demo (accounts 1 and 2)");
  }
  return std::move(service.value());
}

}  // namespace alphintra::app
