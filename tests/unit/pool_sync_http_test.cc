// PoolSync over real HTTP (HttpPoolTransport against an in-process HttpServer playing the pool's
// routes): a batch the server refuses as too large (its 413) goes again in halves and one claim it
// refuses so is recorded as refused; an answer larger than the device takes (kPoolResponseLimit)
// is not a 413 — the server has decided those claims — so they go again with their ids in halves,
// and one claim whose own answer is too large keeps waiting with a note (told once, in the rep's
// language) while the claims after it go on: the server may have granted it. It goes again at
// each sync, and is settled as granted when its customer arrives.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "lang/store_errors.h"
#include "store/client_store.h"
#include "support/english_words.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "sync/pool_sync.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;
using client::PoolRequest;

// POST /v1/pool/claims: more than one claim is too large (413); the claim of "c-big" is granted
// in an answer over the device's limit; any other one claim is granted. GET /v1/pool: an empty
// pool.
class ClaimsServer final : public server::RequestHandler {
 public:
  server::HttpResponse Handle(const server::HttpRequest& request) override {
    server::HttpResponse response;
    if (request.target == "/v1/pool") {
      response.body =
          R"({"rep":"rep-a","as_of":"2026-11-23T08:00:00Z","today":"2026-11-23","pool":[],)"
          R"("policy":{"rules_version":1,"reclaim_days":{},"default_reclaim_days":30,)"
          R"("warn_days":7,"max_wait_days":5,"upcoming_days":14,"daily_claims":3,)"
          R"("claims_today":0,"holding_cap":10,"holding":1,"tier_a_cap":null,)"
          R"("tier_a_holding":0,"regions":[]},"pool_truncated":false,"warnings":[]})";
      return response;
    }
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

// Bug (#19, session 14's re-read): one claim whose answer was over the device's limit stayed
// waiting at the head of the queue, sent again and unreadable on every sync, and every claim after
// it waited forever (c-late below). Bug (session 15's re-read): such a claim was then recorded as
// refused although the server may have granted it.
TEST(PoolSyncHttpTest, HalvesOnA413OrAnAnswerTooLargeAndKeepsAClaimWhoseAnswerIsTooLargeWaiting) {
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
  listing.pool[1].name = "宏图汽配";
  ASSERT_TRUE((*store)->pool().Save(listing).ok());
  for (const char* id : {"c-one", "c-big", "c-late"}) {
    ASSERT_TRUE((*store)->pool().RequestClaim(id).ok()) << id;
    wall.Advance(1000);  // in this order
  }

  auto transport = client::HttpPoolTransport::Create(url, "fbt_secret");
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  int rounds = 0;
  const auto sync = [&] {
    client::PoolSync pool(**store, **transport);
    client::SyncReport report;
    EXPECT_TRUE(pool.AfterRounds(report,
                                 [&rounds] {
                                   ++rounds;
                                   return Status::Ok();
                                 })
                    .ok());
    return report;
  };
  const auto big = [&]() -> PoolRequest {
    auto all = (*store)->pool().Requests(/*pending_only=*/false);
    EXPECT_TRUE(all.ok());
    for (const PoolRequest& r : *all) {
      if (r.customer_id == "c-big") return r;
    }
    ADD_FAILURE() << "no claim of c-big";
    return {};
  };
  const client::SyncReport report = sync();

  // 413 for the three, then for the last two: halves, in order; c-big's own answer was too large,
  // so it keeps waiting and c-late goes on.
  EXPECT_EQ(
      handler.batches(),
      (std::vector<std::vector<std::string>>{
          {"c-one", "c-big", "c-late"}, {"c-one"}, {"c-big", "c-late"}, {"c-big"}, {"c-late"}}));
  EXPECT_EQ(report.pool_granted, 2u);  // before the fix: 1 (c-late waited behind c-big)
  EXPECT_EQ(report.pool_refused, 0u);  // session 15: 1 (c-big told refused, perhaps granted)
  EXPECT_EQ(rounds, 1);                // c-one's and c-late's rows come in the same sync
  EXPECT_TRUE(report.pool_refreshed);
  EXPECT_EQ(big().state, PoolRequest::State::kPending);
  // Told once, in the rep's language, the claim and the limit named; the English kept for --json
  // and scripts.
  const std::string limit = std::to_string(client::kPoolResponseLimit);
  ASSERT_TRUE(report.pool_error_phrase.has_value()) << report.pool_error;
  EXPECT_EQ(report.pool_error_phrase->code, "err_pool_claim_answer_unreadable");
  EXPECT_EQ(report.pool_error,
            "the server's answer to the claim of 宏图汽配 (c-big) is larger than " + limit +
                " bytes and cannot be read; the claim waits and is sent again "
                "at the next sync (if the server granted it, the customer "
                "arrives with a sync)");
  const std::string zh =
      client::RenderError(Lang::kChinese, report.pool_error, report.pool_error_phrase);
  EXPECT_EQ(zh, "服务器对认领 宏图汽配（c-big）的应答超过 " + limit +
                    " 字节，无法读取；此认领仍在等待，下次同步时会再次发送（如果服务器已批准，"
                    "客户会随同步到达）");
  EXPECT_TRUE(EnglishWords(zh, {"c-big"}).empty()) << zh;  // c-big: the customer id
  EXPECT_EQ(client::SayStoredText(Lang::kChinese, big().reason), zh);

  // The next sync sends it again, alone; still unreadable, it waits and is not told again.
  const client::SyncReport next = sync();
  EXPECT_EQ(handler.batches().size(), 6u);
  EXPECT_EQ(handler.batches().back(), std::vector<std::string>{"c-big"});
  EXPECT_EQ(next.pool_refused, 0u);
  EXPECT_EQ(next.pool_granted, 0u);
  EXPECT_TRUE(next.pool_error.empty()) << next.pool_error;
  EXPECT_EQ(big().state, PoolRequest::State::kPending);

  // The server had granted it: its customer arrives with a sync, and the claim is settled as
  // granted without being sent again.
  ASSERT_TRUE((*store)
                  ->replica()
                  .db()
                  .ExecScript("INSERT INTO customers (id, name) VALUES "
                              "('c-big', '宏图汽配')")
                  .ok());
  const client::SyncReport arrived = sync();
  EXPECT_EQ(handler.batches().size(), 6u);
  EXPECT_EQ(arrived.pool_granted, 1u);
  EXPECT_EQ(arrived.pool_refused, 0u);
  EXPECT_EQ(big().state, PoolRequest::State::kGranted);
  EXPECT_EQ(client::SayStoredText(Lang::kChinese, big().reason),
            "已批准：客户已随同步到达（服务器对此认领的应答无法读取）");
  auto waiting = (*store)->pool().Requests(/*pending_only=*/true);
  ASSERT_TRUE(waiting.ok());
  EXPECT_TRUE(waiting->empty());
}

}  // namespace
}  // namespace fieldbook::testing
