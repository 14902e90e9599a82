// A device attacks through push bytes (wire version 4, SyncRequest.pushBytes: a push sent as the
// stored bytes of its change set, docs/sync.md "Pushing"). The real fieldbook-server receives each
// crafted set twice over HTTP with a valid rep token: inline, as a version-3 device sends it, and
// as push bytes. Both must get the same answer -- the same HTTP status, the same rows refused with
// the same codes -- so the bytes path lets nothing through that an inline push could not. Then the
// forms only the bytes path has (both at once, bytes without hasPush, garbage, a body over the
// limit, a zero-run bomb) are refused, nothing of any of it is stored, and a real device syncs.
#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <gtest/gtest.h>
#include <kj/io.h>

#include <functional>
#include <string>
#include <vector>

#include "fieldbook/change_set_codec.h"
#include "integration/server_fixture.h"
#include "support/sync_fixture.h"
#include "sync.capnp.h"

namespace fieldbook::testing {
namespace {

constexpr const char* kSyncType = "application/x-fieldbook-sync";

class PushBytesHostileTest : public ServerFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    token_a_ = AddRep("rep-a", "Rep A");
    token_b_ = AddRep("rep-b", "Rep B");
    ASSERT_NO_FATAL_FAILURE(StartServer(false, {"--body-limit-mb", "1"}));
    // rep-b's garage, on the server.
    auto b = OpenReplica("device-b");
    ASSERT_NE(b, nullptr);
    ASSERT_TRUE(Exec(b->db(),
                     "INSERT INTO customers (id, name, owner_rep_id) VALUES "
                     "('c-theirs', '李氏汽修', 'rep-b')")
                    .ok());
    ASSERT_TRUE(Sync(*b, token_b_).ok());
  }

  // `set` sent by replica "laptop-a" as rep-a: inline or as its encoded bytes.
  Result<client::HttpReply> Send(const ChangeSet& set, bool as_bytes) {
    SyncRequest request;
    request.replica_id = "laptop-a";
    request.has_push = true;
    if (as_bytes) {
      request.push_bytes = EncodeChangeSet(set);
    } else {
      request.schema_version = 3;
      request.push = set;
    }
    return Post("/v1/sync", EncodeSyncRequest(request), token_a_, kSyncType);
  }

  // What a reply says: its status and, for a 200, the codes of the refused rows in order.
  static std::string Outcome(const client::HttpReply& reply) {
    std::string out = std::to_string(reply.status);
    if (reply.status != 200) return out;
    auto response = DecodeSyncResponse(reply.body);
    if (!response.ok()) return out + " unreadable";
    for (const RowRejection& r : response->push_result.rejections) out += " " + r.code;
    return out;
  }

  std::string token_a_, token_b_;
};

TEST_F(PushBytesHostileTest, ASetSentAsBytesGetsExactlyTheAnswerItGetsInline) {
  const Hlc stamp = Hlc::FromParts(wall_.NowMs(), 0);
  // Each case builds its set under the given set id (each form sends its own set id).
  struct Case {
    const char* what;
    std::function<ChangeSet(const std::string& set_id)> make;
    std::string expect;  // the outcome both forms must give
  };
  auto base = [&](const std::string& set_id) {
    ChangeSet set;
    set.set_id = set_id;
    set.replica_id = "laptop-a";
    set.OriginIndex("laptop-a");
    return set;
  };
  auto col = [&](const char* name, Value v) { return ColumnChange{name, std::move(v), stamp, 0}; };
  const std::vector<Case> cases = {
      {"another rep's garage",
       [&](const std::string& id) {
         ChangeSet s = base(id);
         s.rows.push_back(RowChange{"customers", "c-theirs", {col("name", S("mine now"))}});
         return s;
       },
       "200 out_of_scope"},
      {"a server-owned column",
       [&](const std::string& id) {
         ChangeSet s = base(id);
         s.rows.push_back(RowChange{
             "customers",
             "c-graded-" + id,
             {col("name", S("x")), col("owner_rep_id", S("rep-a")), col("grade_tier", S("A"))}});
         return s;
       },
       "200 read_only_column"},
      {"a visit in another rep's name",
       [&](const std::string& id) {
         // Of the rep's own new garage: another rep's garage is refused as out of scope first.
         ChangeSet s = base(id);
         s.rows.push_back(RowChange{"customers",
                                    "c-own-" + id,
                                    {col("name", S("自家")), col("owner_rep_id", S("rep-a"))}});
         s.rows.push_back(RowChange{"visits",
                                    "v-forged-" + id,
                                    {col("customer_id", Value("c-own-" + id)),
                                     col("rep_id", S("rep-b")), col("notes", S("x"))}});
         return s;
       },
       "200 invalid"},
      {"a table the server manages",
       [&](const std::string& id) {
         ChangeSet s = base(id);
         s.rows.push_back(RowChange{"reps", "rep-a", {col("role", S("manager"))}});
         return s;
       },
       "200 read_only_table"},
      {"another replica's set",
       [&](const std::string& id) {
         ChangeSet s = base(id);
         s.replica_id = "laptop-z";
         s.origins = {"laptop-z"};
         s.rows.push_back(RowChange{"customers", "c-z-" + id, {col("name", S("x"))}});
         return s;
       },
       "400"},
      {"a timestamp beyond 2^63",
       [&](const std::string& id) {
         ChangeSet s = base(id);
         s.rows.push_back(RowChange{
             "customers", "c-t-" + id, {ColumnChange{"name", S("x"), Hlc(~uint64_t{0}), 0}}});
         return s;
       },
       "400"},
      {"a column named twice",
       [&](const std::string& id) {
         ChangeSet s = base(id);
         s.rows.push_back(RowChange{"customers",
                                    "c-twice-" + id,
                                    {col("owner_rep_id", S("rep-a")), col("name", S("x")),
                                     col("owner_rep_id", S("rep-b"))}});
         return s;
       },
       "400"},
  };
  for (const Case& c : cases) {
    auto inline_reply = Send(c.make(std::string("inline-") + c.what), /*as_bytes=*/false);
    auto bytes_reply = Send(c.make(std::string("bytes-") + c.what), /*as_bytes=*/true);
    ASSERT_TRUE(inline_reply.ok() && bytes_reply.ok()) << c.what;
    EXPECT_EQ(Outcome(*inline_reply), c.expect) << c.what << ": " << inline_reply->body;
    EXPECT_EQ(Outcome(*bytes_reply), Outcome(*inline_reply)) << c.what << ": " << bytes_reply->body;
  }
  // A set id another replica used: refused whichever way it comes.
  ChangeSet mine = base("taken");
  mine.rows.push_back(
      RowChange{"customers", "c-taken", {col("name", S("鑫达")), col("owner_rep_id", S("rep-a"))}});
  auto applied = Send(mine, true);
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->status, 200) << applied->body;
  ChangeSet stolen = mine;
  stolen.replica_id = "laptop-y";
  stolen.origins = {"laptop-y"};
  std::vector<int> statuses;
  for (bool as_bytes : {false, true}) {
    SyncRequest request;
    request.replica_id = "laptop-y";
    request.has_push = true;
    if (as_bytes) {
      request.push_bytes = EncodeChangeSet(stolen);
    } else {
      request.push = stolen;
    }
    auto reply = Post("/v1/sync", EncodeSyncRequest(request), token_a_, kSyncType);
    ASSERT_TRUE(reply.ok());
    statuses.push_back(reply->status);
    EXPECT_NE(reply->body.find("already used by another replica"), std::string::npos)
        << reply->body;
  }
  EXPECT_EQ(statuses[0], 409);
  EXPECT_EQ(statuses[1], statuses[0]);

  // Nothing of the refused rows is stored: rep-b's garage unchanged, no grade, no forged visit,
  // no garage of another replica's set; only the honest garage landed.
  const std::string b_export = ServerExport("rep-b");
  EXPECT_EQ(b_export.find("mine now"), std::string::npos);
  EXPECT_EQ(b_export.find("v-forged"), std::string::npos);
  const std::string a_export = ServerExport("rep-a");
  EXPECT_EQ(a_export.find("c-z-"), std::string::npos);
  EXPECT_EQ(a_export.find("c-t-"), std::string::npos);
  EXPECT_EQ(a_export.find("c-twice-"), std::string::npos);
  EXPECT_EQ(a_export.find("\"A\""), std::string::npos);
  EXPECT_NE(a_export.find("c-taken"), std::string::npos);
}

TEST_F(PushBytesHostileTest, FormsOnlyTheBytesPathHasAreRefusedAndTheServerCarriesOn) {
  ChangeSet set;
  set.set_id = "s-1";
  set.replica_id = "laptop-a";
  set.OriginIndex("laptop-a");
  set.rows.push_back(
      RowChange{"customers",
                "c-ok",
                {ColumnChange{"name", S("鑫达"), Hlc::FromParts(wall_.NowMs(), 0), 0},
                 ColumnChange{"owner_rep_id", S("rep-a"), Hlc::FromParts(wall_.NowMs(), 0), 0}}});
  const std::string good = EncodeChangeSet(set);
  auto post = [&](const SyncRequest& request) {
    auto reply = Post("/v1/sync", EncodeSyncRequest(request), token_a_, kSyncType);
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    return reply.ok() ? reply->status : 0;
  };
  // Bytes without hasPush, and bytes with an inline set as well: built directly with Cap'n Proto,
  // since the encoder writes neither.
  for (bool has_push : {false, true}) {
    capnp::MallocMessageBuilder message;
    auto raw = message.initRoot<wire::SyncRequest>();
    raw.setSchemaVersion(kWireSchemaVersion);
    raw.setReplicaId("laptop-a");
    raw.setHasPush(has_push);
    raw.setPushBytes(
        capnp::Data::Reader(reinterpret_cast<const kj::byte*>(good.data()), good.size()));
    if (has_push) {
      auto inline_set = raw.initPush();
      inline_set.setSchemaVersion(1);
      inline_set.setSetId("s-2");
      inline_set.setReplicaId("laptop-a");
    }
    kj::VectorOutputStream out;
    capnp::writePackedMessage(out, message);
    auto reply = Post(
        "/v1/sync",
        std::string(reinterpret_cast<const char*>(out.getArray().begin()), out.getArray().size()),
        token_a_, kSyncType);
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->status, 400) << has_push << ": " << reply->body;
  }
  SyncRequest request;
  request.replica_id = "laptop-a";
  // Garbage, a truncation, an empty-looking message.
  request.has_push = true;
  for (const std::string& bytes :
       {std::string("\xff\xfe garbage"), good.substr(0, good.size() - 7), std::string(64, '\0')}) {
    request.push_bytes = bytes;
    EXPECT_EQ(post(request), 400) << bytes.size();
  }
  // Zero runs that would unpack to gigabytes, in a body under the limit.
  std::string bomb;
  for (int i = 0; i < 200000; ++i) bomb += std::string("\x00\xFF", 2);
  request.push_bytes = bomb;
  const int bombed = post(request);
  EXPECT_TRUE(bombed == 400 || bombed == 413) << bombed;
  // Bytes over the body limit (1 MiB here).
  request.push_bytes = std::string(2 << 20, 'x');
  EXPECT_EQ(post(request), 413);
  // Nothing of it was applied; the honest set still lands, and a real device syncs.
  EXPECT_EQ(ServerExport("rep-a").find("c-ok"), std::string::npos);
  request.push_bytes = good;
  EXPECT_EQ(post(request), 200);
  EXPECT_NE(ServerExport("rep-a").find("c-ok"), std::string::npos);
  auto device = OpenReplica("device-a");
  ASSERT_NE(device, nullptr);
  ASSERT_TRUE(Exec(device->db(),
                   "INSERT INTO customers (id, name, owner_rep_id) VALUES "
                   "('c-honest', '鑫达', 'rep-a')")
                  .ok());
  auto synced = Sync(*device, token_a_);
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_EQ(synced->rows_pushed, 1u);
  EXPECT_NE(ServerExport("rep-a").find("c-honest"), std::string::npos);
}

}  // namespace
}  // namespace fieldbook::testing
