// PgChangeLog: the hub's change stream on PostgreSQL (fb_change_log, schema/sql/postgres): every
// changed row gets the next hub sequence number, and readers page through the entries after a
// cursor. The guarantee a device's cursor relies on: a reader that has seen sequence number S has
// seen, or will never miss, every number below S -- a number is never committed after a higher
// one became visible. Numbers come from ONE counter row (fb_hub_seq) that Append updates inside
// the writer's transaction; its row lock is held until that transaction ends, so writers that
// append commit one after another in number order, and a rolled-back writer's numbers are reused
// (the stream has no gaps). Call Append as the LAST step before Commit: the lock is held from
// Append to the end of the transaction, and that span is the part of writing that is serialised
// (docs/postgres.md, "Cursors that never skip a row", for the alternatives and why this one).
//
// Thread safety: as the PgDb it is given (one thread at a time); distinct PgChangeLogs over
// distinct connections may append and read concurrently, from any number of processes.
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_CHANGE_LOG_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_CHANGE_LOG_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

// One changed row: the table's catalog code, the row's id, its customer ("" for none), and the
// feeds it goes to (srv_feed, as on SQLite): the ids of the reps who hold its customer, "" for
// the shared feed every rep reads, none for a customer nobody holds (the rep who gets it later
// gets its rows with the scope change). A customer two reps hold puts the change in both feeds.
struct PgChange {
  int table = 0;
  std::string row_id;
  std::string customer_id;
  std::vector<std::string> feeds;
};

// An entry as read back (its feeds are not read: `change.feeds` is empty).
struct PgLoggedChange {
  uint64_t seq = 0;
  PgChange change;
};

class PgChangeLog {
 public:
  // Most entries one Append takes (a push page is far smaller) and one After returns.
  static constexpr size_t kMaxAppend = 100000;
  static constexpr size_t kMaxPage = 10000;

  explicit PgChangeLog(PgDb& db) : db_(db) {}

  // Appends `changes` with consecutive sequence numbers inside the caller's open transaction (a
  // top-level one, READ COMMITTED) in one round trip; returns the first number. From here until
  // the transaction ends, other writers' Appends wait.
  Result<uint64_t> Append(std::span<const PgChange> changes);

  // The hub's own writes (PgHubBackend): entries whose numbers the caller's transaction already
  // took from the counter row (it holds the row's lock since then), inserted in one round trip.
  // Their feeds are not written here (`change.feeds` is ignored): the server's records do that.
  Status AppendTaken(std::span<const PgLoggedChange> entries);

  // The committed entries after `cursor`, in sequence order, at most `limit` (<= kMaxPage).
  // kNotFound when `cursor` is below the history floor (Forget): entries after it are gone, and
  // the puller rebuilds from a snapshot.
  Result<std::vector<PgLoggedChange>> After(uint64_t cursor, size_t limit);

  // The same for one rep: the entries of its feed and of the shared feed, each once. Every feed
  // is a subset of the stream numbered by the same counter, so the cursor guarantee holds for it
  // too. Changes at or below FeedFloor() predate the feeds and are in none: a pull from a cursor
  // below it walks the whole stream (After), as SQLite's pull does. An entry whose change the
  // stream no longer holds (a copy from SQLite keeps one entry per row, at its latest change)
  // comes with an empty row id: the row changed again later, and the pull passes it over.
  Result<std::vector<PgLoggedChange>> FeedAfter(const std::string& rep_id, uint64_t cursor,
                                                size_t limit);

  // Compaction: raises the history floor to `floor` (never lowers it; not above LatestSeq) and
  // deletes up to `limit` entries at or below it; returns how many it deleted (call again until
  // 0), with their feed entries. Readers check the floor after reading entries, so none takes a
  // page with a hole for whole.
  Result<size_t> Forget(uint64_t floor, size_t limit);
  // The hub's compaction (PgHubBackend::ForgetLogged): deletes up to `limit` entries at or below
  // `up_to` and the stored floor both, with their feed entries, inside the caller's transaction;
  // leaves fb_hub_seq alone (no lock on the counter row: writers go on). Returns how many.
  Result<size_t> ForgetUpTo(uint64_t up_to, size_t limit);
  Result<uint64_t> Floor();
  Result<uint64_t> FeedFloor();

  // The highest sequence number handed out and committed.
  Result<uint64_t> LatestSeq();
  // Moves the sequence forward to at least `at_least`, never back (a restore does this, so that
  // numbers devices saw before it are never handed out again). Takes the same lock as Append.
  Status AdvanceSeq(uint64_t at_least);

 private:
  // `rows` (a page after `cursor`) as entries, or kNotFound when the cursor is below the floor.
  Result<std::vector<PgLoggedChange>> Paged(uint64_t cursor, const PgRows& rows);

  PgDb& db_;
};

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_CHANGE_LOG_H_
