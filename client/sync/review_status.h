// ReviewStatus: brings the device's review list up to date with the server. The edits a
// reassignment held for review (fb_rejections items with code "reassigned") stay on the list until
// a manager resolves them on the server; after a sync the device asks the server what became of
// them (POST /v1/conflicts/status, at most 1,000 edits a request) and marks the items whose held
// edits were all applied or dismissed as resolved, with the outcome (docs/sync.md, "The review
// list").
//
// Thread safety: runs on the thread that owns the Replica; the HttpClient is used by one thread at
// a time.
#ifndef FIELDBOOK_CLIENT_REVIEW_STATUS_H_
#define FIELDBOOK_CLIENT_REVIEW_STATUS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "fieldbook/replica.h"
#include "fieldbook/status.h"
#include "sync/http_client.h"

namespace fieldbook::client {

// The body of one status request for `edits`.
std::string HeldEditStatusRequest(const std::vector<HeldReviewEdit>& edits);
// The statuses in the server's answer, one per edit asked about, in order. The answer comes off
// the network: every field is checked, and an answer that does not match the request is kCorrupt.
Result<std::vector<std::string>> ParseHeldEditStatus(const std::string& body,
                                                     const std::vector<HeldReviewEdit>& edits);

// Asks about every held edit of the open review items and records the answers. Returns how many
// items were resolved now.
Result<size_t> RefreshReviewStatus(Replica& replica, HttpClient& http, const std::string& token);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_REVIEW_STATUS_H_
