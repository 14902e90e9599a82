// PoolSync over real HTTP (HttpPoolTransport against an in-process HttpServer playing the pool's
// claims route): a batch the server refuses as too large (its 413) goes again in halves and one
// claim it refuses so is recorded as refused; an answer larger than the device takes
// (kPoolResponseLimit) is not a 413 — the server has decided those claims — so they stay waiting
// and are not told to the rep as refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "store/client_store.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "sync/pool_sync.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;
using client::PoolRequest;

// POST /v1/pool/claims: more than one claim is too large (413); the claim of "c-big" is granted
// in an answer over the device's limit; any other one claim is granted.
class ClaimsServer final : public server::RequestHandler {
 public:
  server::HttpResponse Handle(const server::HttpRequest& request) override {
    server::HttpResponse response;
    const json::value body = json::parse(request.body);
    const json::array& claims = body.as_object().at("claims").as_array();
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> ids;
    for (const json::value& c : claims) ids.emplace_back(c.as_object().at("customer").as_string());
    batches_.push_back(ids);
    if (claims.size() > 1) {
      response.status = 413;
      response.body = R"({"error":{"code":"too_large","message":"request body too large"}})";
      return response;
    }
    const json::object& claim = claims[0].as_object();
    json::object answer{{"request_id", claim.at("request_id")},
                        {"customer", claim.at("customer")},
                        {"status", "granted"},
                        {"reason", "claimed from the pool"},
                        {"decided_at", "2026-11-23T08:00:00Z"}};
    json::object answers{{"results", json::array{answer}}};
    if (ids[0] == "c-big") answers["padding"] = std::string(client::kPoolResponseLimit, 'x');
    response.body = json::serialize(answers);
    return response;
  }
  std::vector<std::vector<std::string>> batches() {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }

 private:
  std::mutex mu_;
  std::vector<std::vector<std::string>> batches_;
};

TEST(PoolSyncHttpTest, HalvesOnTheServers413OnlyAndAnAnswerTooLargeKeepsTheClaimWaiting) {
  ClaimsServer handler;
  server::Metrics metrics;
  auto http = server::HttpServer::Start({}, handler, metrics);
  ASSERT_TRUE(http.ok()) << http.status().ToString();
  const std::string url = "http://127.0.0.1:" + std::to_string((*http)->port());

  TempDir dir;
  FakeWallClock wall;
  auto store = client::ClientStore::Open(dir.File("replica.db"), wall);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->SaveSettings({url, "fbt_secret", "rep-a", "张伟"}).ok());
  client::PoolListing listing;
  listing.rep_id = "rep-a";
  listing.as_of = "2026-11-23T08:00:00Z";
  listing.server_day = "2026-11-23";
  for (const char* id : {"c-one", "c-big", "c-late"}) listing.pool.push_back({.id = id});
  ASSERT_TRUE((*store)->pool().Save(listing).ok());
  for (const char* id : {"c-one", "c-big", "c-late"}) {
    ASSERT_TRUE((*store)->pool().RequestClaim(id).ok()) << id;
    wall.Advance(1000);  // in this order
  }

  auto transport = client::HttpPoolTransport::Create(url, "fbt_secret");
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  client::PoolSync pool(**store, **transport);
  client::SyncReport report;
  int rounds = 0;
  ASSERT_TRUE(pool.AfterRounds(report,
                               [&rounds] {
                                 ++rounds;
                                 return Status::Ok();
                               })
                  .ok());

  // 413 for the three, then for the last two: halves, in order; c-big's answer was too large.
  EXPECT_EQ(handler.batches(),
            (std::vector<std::vector<std::string>>{
                {"c-one", "c-big", "c-late"}, {"c-one"}, {"c-big", "c-late"}, {"c-big"}}));
  EXPECT_EQ(report.pool_granted, 1u);
  EXPECT_EQ(report.pool_refused, 0u);  // before the fix: c-big refused although granted
  EXPECT_EQ(rounds, 1);                // c-one's rows come in the same sync
  EXPECT_NE(report.pool_error.find("larger than the limit"), std::string::npos)
      << report.pool_error;
  auto waiting = (*store)->pool().Requests(/*pending_only=*/true);
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 2u);
  for (const PoolRequest& r : *waiting) EXPECT_EQ(r.state, PoolRequest::State::kPending);
  EXPECT_EQ((*waiting)[0].customer_id, "c-late");  // newest first
  EXPECT_EQ((*waiting)[1].customer_id, "c-big");
}

}  // namespace
}  // namespace fieldbook::testing
