// StaticFiles on a directory this test builds: content types, the single-page app's fallback to
// index.html, 404 for missing files, caching headers, and every way out of the root refused
// (dot segments, encoded dot segments, backslashes, NUL, a symlink pointing outside).
#include "api/http/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace alphintra::api::http {
namespace {

namespace fs = std::filesystem;

std::string header(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return {};
}

void write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest() {
    base = fs::temp_directory_path() / ("alphintra-static-" + std::to_string(std::random_device{}()));
    root = base / "dist";
    write(root / "index.html", "<!doctype html><title>index</title>");
    write(root / "assets" / "index-AbC123.js", "console.log(1)");
    write(root / "assets" / "index-AbC123.css", "body{}");
    write(root / "favicon.svg", "<svg/>");
    write(base / "secret.txt", "outside the root");
    fs::create_symlink(base / "secret.txt", root / "link.txt");
  }
  ~StaticFilesTest() override { fs::remove_all(base); }

  Response get(std::string path, Method method = Method::Get) {
    Request r;
    r.method = method;
    r.path = std::move(path);
    return StaticFiles(root).serve(r);
  }

  fs::path base;
  fs::path root;
};

TEST_F(StaticFilesTest, ServesIndexAtRootWithoutCaching) {
  const Response r = get("/");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "<!doctype html><title>index</title>");
  EXPECT_EQ(r.contentType, "text/html; charset=utf-8");
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_NE(header(r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableWithTheirContentType) {
  const Response js = get("/assets/index-AbC123.js");
  EXPECT_EQ(js.status, 200u);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.contentType, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(get("/assets/index-AbC123.css").contentType, "text/css; charset=utf-8");
  const Response svg = get("/favicon.svg");
  EXPECT_EQ(svg.contentType, "image/svg+xml");
  EXPECT_EQ(header(svg, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndexButMissingFilesAre404) {
  EXPECT_EQ(get("/admin").body, "<!doctype html><title>index</title>");
  EXPECT_EQ(get("/trade/AAPL").status, 200u);
  EXPECT_EQ(get("/missing.js").status, 404u);
  EXPECT_EQ(get("/assets/gone").status, 404u);
  EXPECT_EQ(get("/assets/index-Old.js").contentType, "application/json");  // a JSON error, not HTML
}

TEST_F(StaticFilesTest, RefusesEveryWayOutOfTheRoot) {
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                           "/..%5csecret.txt", "/a%00.js", "/./index.html", "/%zz"}) {
    const Response r = get(path);
    EXPECT_EQ(r.status, 400u) << path;
    EXPECT_EQ(r.body.find("outside the root"), std::string::npos) << path;
  }
  const Response link = get("/link.txt");
  EXPECT_EQ(link.status, 404u);
  EXPECT_EQ(link.body.find("outside the root"), std::string::npos);
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  const Response head = get("/", Method::Head);
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  const Response post = get("/", Method::Post);
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(header(post, "Allow"), "GET, HEAD");
}

TEST_F(StaticFilesTest, MissingBuildAnswersHowToBuildIt) {
  StaticFiles files(base / "not-built");
  EXPECT_FALSE(files.available());
  Request r;
  r.method = Method::Get;
  r.path = "/";
  const Response answer = files.serve(r);
  EXPECT_EQ(answer.status, 404u);
  EXPECT_NE(answer.body.find("npm run build"), std::string::npos);
}

TEST(DashboardPaths, ApiAndOperationalPathsAreNotTheDashboards) {
  EXPECT_TRUE(isDashboardPath("/"));
  EXPECT_TRUE(isDashboardPath("/admin"));
  EXPECT_TRUE(isDashboardPath("/apis"));
  EXPECT_FALSE(isDashboardPath("/api/v1/orders"));
  EXPECT_FALSE(isDashboardPath("/api"));
  EXPECT_FALSE(isDashboardPath("/healthz"));
  EXPECT_FALSE(isDashboardPath("/readyz"));
  EXPECT_FALSE(isDashboardPath("/metrics"));
}

TEST(DashboardPaths, ContentTypesIgnoreCase) {
  EXPECT_EQ(contentTypeFor("A.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(contentTypeFor("font.woff2"), "font/woff2");
  EXPECT_EQ(contentTypeFor("blob.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace alphintra::api::http
