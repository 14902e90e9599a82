// CraftedPushFixture: the real fieldbook-server with two reps (rep-a, rep-b), and a device's push
// sent as raw bytes over HTTP with a rep's token, so a test can append crafted rows to an honest
// change set and read the server's answer row by row (issue #13's attacker; order and check-in
// hostile tests).
//
// Not thread-safe: the test thread drives it.
#ifndef FIELDBOOK_TESTS_HOSTILE_CRAFTED_PUSH_FIXTURE_H_
#define FIELDBOOK_TESTS_HOSTILE_CRAFTED_PUSH_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fieldbook/change_set_codec.h"
#include "integration/server_fixture.h"

namespace fieldbook::testing {

class CraftedPushFixture : public ServerFixture {
 protected:
  // init, the two reps (their tokens in token_a_ and token_b_), serve.
  void StartWithTwoReps() {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    token_a_ = AddRep("rep-a", "Rep A");
    token_b_ = AddRep("rep-b", "Rep B");
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }
  // POSTs `set` as `device`'s push with `token` (the device's cursor as its pull cursor).
  Result<client::HttpReply> PushRaw(Replica& device, const ChangeSet& set,
                                    const std::string& token) {
    SyncRequest request;
    request.replica_id = device.replica_id();
    request.has_push = true;
    request.push = set;
    request.pull_cursor = device.cursor();
    return Post("/v1/sync", EncodeSyncRequest(request), token, "application/x-fieldbook-sync");
  }
  // PushRaw, which must be answered 200 with a push result; its refusals by row id.
  void PushCrafted(Replica& device, const ChangeSet& set, const std::string& token,
                   std::map<std::string, RowRejection>& refused) {
    auto reply = PushRaw(device, set, token);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    ASSERT_EQ(reply->status, 200) << reply->body;
    auto response = DecodeSyncResponse(reply->body);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    ASSERT_TRUE(response->has_push_result);
    for (const RowRejection& r : response->push_result.rejections) refused[r.row_id] = r;
  }

  std::string token_a_, token_b_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_HOSTILE_CRAFTED_PUSH_FIXTURE_H_
