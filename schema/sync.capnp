# Fieldbook sync wire contract: what replicas and the hub exchange.
#
# These structs mirror the in-memory model in shared/include/fieldbook/change_set.h, and
# shared/src/change_set_codec.cc converts between the two. On the wire every message is a
# Cap'n Proto message in the *packed* encoding whose root is a ChangeSet, a SyncRequest or a
# SyncResponse; which one is known from context (the endpoint or the file), not from the bytes.
#
# Versioning rules (the wire outlives any one build of the app, and laptops update late):
#   * Every top-level message carries `schemaVersion` (the sender's kWireSchemaVersion). A nested
#     ChangeSet carries its own too. 0 means the field is missing, and is rejected.
#   * Evolution is by ADDING fields only, each with the next free ordinal. Never renumber, retype,
#     rename-with-new-meaning or remove a field; a field that stops being used stays, documented
#     as obsolete. New union members are additions too, but an old reader rejects a column value
#     of a kind it does not know.
#   * So a receiver reads any version >= 1: fields it does not know are skipped, and fields the
#     sender did not know read as their defaults (0, false, empty). A greater version than the
#     receiver's own is therefore still readable; it only means the sender may have said more.
#   * Bump kWireSchemaVersion (change_set.h) with every addition, and say here what it added.
#
# Version history:
#   1  Initial contract.
#   2  Replica verification: BucketDigest; SyncRequest.hasDigests, .digestBuckets, .digestSchema,
#      .digests; SyncResponse.verify, .verifyDeep, .digestsChecked, .repairBuckets, .repair
#      (docs/sync.md, "Verification and repair").
#   3  Scope snapshots and restore epochs: SyncRequest.snapshotToken, .epoch; SyncResponse.snapshot,
#      .snapshotToken, .epoch, .restored (docs/sync.md, "Pulling").
#      Also RowRejection.columns and .rowIndex: which columns of a row a reassignment held for
#      review, and which of a set's rows a rejection answers (issue 12).
#   4  SyncRequest.pushBytes: the push as the stored bytes of its ChangeSet message, so that a
#      retried push goes out byte for byte as the first attempt (issue 14).
#
# Identifiers (set ids, replica ids, table names, row ids, column names, customer ids) are
# non-empty UTF-8 of bounded length; text values are UTF-8. Limits are enforced by the decoder
# (DecodeLimits in change_set_codec.h), not by this schema.
#
# Compactness. A change set is mostly column changes, so they are kept small; in the packed
# encoding a zero byte costs (almost) nothing, so the aim is fields that are usually 0:
#   * Names are sent once per set: ChangeSet.tableNames and ChangeSet.columnNames are
#     dictionaries, and rows and columns carry an index into them. Replica ids likewise
#     (ChangeSet.origins). The receiver maps indices back to names; an index out of range is
#     rejected.
#   * So are short text values that occur more than once in the set (enumerations, foreign keys,
#     rep ids, dates): ChangeSet.sharedTexts holds each once, at most 64 bytes long
#     (kMaxSharedTextBytes in change_set_codec.cc), and a column refers to one with the
#     `sharedText` union member.
#   * A row carries a default version (RowChange.hlc and .origin). A column whose `hlc` is 0 has
#     the row's version, and its `origin` must be 0 too; a column with hlc 0 in a row with hlc 0
#     has no timestamp and is rejected. So a column's version is (hlc, origin) when hlc != 0, and
#     (row.hlc, row.origin) otherwise. The sender picks the row's most common version.
#   * The value is an inline union, not a pointer to a separate struct.

@0xb3d6e3c74ebc3c15;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("fieldbook::wire");

# The new value of one column of one row, with the version that orders it against other writes.
# 32 data bytes and one pointer; for a typical column only `column`, the union tag and the value
# are non-zero.
struct ColumnChange {
  column @0 :UInt32;    # column name: index into ChangeSet.columnNames

  # One SQLite cell. Replicated tables hold no blobs. A float is never NaN.
  union {
    null @1 :Void;      # SQL NULL (the default: an absent value reads as NULL)
    int @2 :Int64;      # SQLite INTEGER
    real @3 :Float64;   # SQLite REAL
    text @4 :Text;      # SQLite TEXT, UTF-8
    sharedText @5 :UInt32;
                        # SQLite TEXT, UTF-8: index into ChangeSet.sharedTexts
  }

  hlc @6 :UInt64;       # packed hybrid logical clock of the write (hlc.h: 48-bit ms, 16-bit
                        # counter); 0 = the row's version (RowChange.hlc and .origin)
  origin @7 :UInt32;    # the replica that wrote it: index into ChangeSet.origins; 0 when hlc is 0
}

# The changed columns of one row. Columns not listed are unchanged.
struct RowChange {
  table @0 :UInt32;     # replicated table name: index into ChangeSet.tableNames
  origin @1 :UInt32;    # the default version's replica: index into ChangeSet.origins; 0 when hlc
                        # is 0
  hlc @2 :UInt64;       # the default version's clock, for columns with hlc 0; 0 = no default
  rowId @3 :Text;       # the row's primary key
  columns @4 :List(ColumnChange);
}

# A batch of row changes: a replica's push, or one page of the hub's pull.
struct ChangeSet {
  schemaVersion @0 :UInt32;       # sender's wire schema version; >= 1
  setId @1 :Text;                 # unique per set; a retried push reuses it (the hub dedups on it)
  replicaId @2 :Text;             # the sender
  cursor @3 :UInt64;              # push: the sender's hub cursor; pull: the hub sequence at page end
  origins @4 :List(Text);         # replica ids referenced by the origin fields, each sent once
  tableNames @5 :List(Text);      # table names referenced by RowChange.table, each sent once
  columnNames @6 :List(Text);     # column names referenced by ColumnChange.column, each sent once
  sharedTexts @7 :List(Text);     # text values referenced by ColumnChange.sharedText, each sent
                                  # once; each at most 64 bytes
  rows @8 :List(RowChange);

  # Pull pages: ids of customers that left the receiver's scope (reassignment). The replica purges
  # each, with its contacts, tasks, visits, orders, lines and feedback, once no local write of it
  # is pending. Empty in pushes.
  evictedCustomers @9 :List(Text);
}

# The hub refused one row of a pushed set; the rest of the set was applied.
struct RowRejection {
  table @0 :Text;
  rowId @1 :Text;
  code @2 :Text;        # stable machine code: "out_of_scope", "immutable_fact", "constraint", ...
  reason @3 :Text;      # a sentence for the rep

  # Version 3. Code "reassigned" (a customer that moved to another rep): the pushed columns held
  # for the new owner's review -- the rest of the row was applied. Empty for every other code: the
  # whole row was refused.
  columns @4 :List(Text);
  # Version 3. 1 + the position of the refused row in the pushed set (a set may carry one row
  # more than once: older versions of it first, docs/sync.md); 0 = not given (an older hub).
  rowIndex @5 :UInt32;
}

# The hub re-stamped a row's far-future columns to `hlc` (clock skew protection).
struct RowRestamp {
  table @0 :Text;
  rowId @1 :Text;
  hlc @2 :UInt64;
}
# The hub's answer to a push; identical for every retry of the same set id.
struct PushResult {
  setId @0 :Text;             # the pushed set this answers
  rowsAccepted @1 :UInt32;
  rejections @2 :List(RowRejection);
  restamps @3 :List(RowRestamp);
}

# Replica verification: the additive digest of the live rows (tombstones excluded) of one table
# that fall in one bucket. A row's bucket is hash(key) mod the bucket count, where key is its
# customer (its id for customers) or, for tables of no customer, its own id; `sum` adds the rows'
# 64-bit digests modulo 2^64 (shared/include/fieldbook/row_digest.h). 3 data words.
struct BucketDigest {
  table @0 :UInt32;     # table code (shared/src/catalog.cc; stable)
  bucket @1 :UInt32;    # < the bucket count the digests were computed with
  rows @2 :UInt64;      # live rows in the bucket
  sum @3 :UInt64;       # sum of their row digests modulo 2^64
}

# Replica -> hub: optionally push one change set, and pull the next page after `pullCursor`.
struct SyncRequest {
  schemaVersion @0 :UInt32;   # sender's wire schema version; >= 1
  replicaId @1 :Text;         # the requesting replica
  hasPush @2 :Bool;           # whether `push` is present
  push @3 :ChangeSet;         # the pushed set, when hasPush
  pullCursor @4 :UInt64;      # pull everything after this hub sequence number
  pageLimit @5 :UInt32;       # rows per pull page; 0 = the hub's default

  # Verification (version 2). The replica's digests as of pullCursor, sent with no push and no
  # local write pending, when the hub asked (SyncResponse.verify) or the replica wants a check.
  hasDigests @6 :Bool;        # whether the three fields below are present
  digestBuckets @7 :UInt32;   # buckets per table, 1..4096
  digestSchema @8 :UInt64;    # fingerprint of what digests cover (tables, columns, algorithm);
                              # the hub compares only when it has the same
  digests @9 :List(BucketDigest);
                              # every non-empty (table, bucket), each once; absent = empty

  # Snapshots and restores (version 3).
  snapshotToken @10 :Text;    # where to resume the snapshot the hub is sending (the last
                              # SyncResponse.snapshotToken stored); empty = none. Opaque to the
                              # replica; at most 512 bytes (kMaxSnapshotTokenBytes); the hub
                              # parses and checks it.
  epoch @11 :UInt64;          # the hub epoch the replica's cursor and token belong to (the last
                              # SyncResponse.epoch it stored); 0 = none yet

  # Version 4. The pushed set as the replica stored it when it made the set: the packed bytes of
  # a ChangeSet message (EncodeChangeSet), sent with hasPush instead of `push` (which is then
  # absent), so that every attempt of a push, the first and each retry, goes out byte for byte
  # the same and the replica never decodes and re-encodes it. The hub decodes them as a ChangeSet
  # message of their own, with the same limits and checks as `push`; a request with both, or with
  # pushBytes but not hasPush, is refused. A hub older than version 4 would read hasPush with no
  # `push` (schema version 0) and refuse the request, so a replica sends pushBytes only to a hub
  # whose answers said version >= 4 (docs/sync.md, "Pushing").
  pushBytes @12 :Data;
}

# Hub -> replica: the outcome of the push (if any) and one page of changes to apply.
struct SyncResponse {
  schemaVersion @0 :UInt32;   # sender's wire schema version; >= 1
  hasPushResult @1 :Bool;     # whether `pushResult` is present
  pushResult @2 :PushResult;  # the outcome of the request's push, when hasPushResult
  pull @3 :ChangeSet;         # the page, always present (maybe with no rows); pull.cursor is the
                              # cursor to send next time. Its setId and replicaId may be empty.
  more @4 :Bool;              # another page is waiting
  rebuild @5 :Bool;           # the cursor is older than retained history: rebuild from a snapshot
  hubTimeMs @6 :UInt64;       # hub wall clock (ms since the Unix epoch), to warn about wrong clocks

  # Verification (version 2).
  verify @7 :Bool;            # send your digests with the next request (sent when caught up)
  verifyDeep @8 :Bool;        # ... recomputed from your rows first
  digestsChecked @9 :Bool;    # the hub compared the request's digests; the two fields below are
                              # present only then
  repairBuckets @10 :List(BucketDigest);
                              # buckets whose whole content `repair` replaces, with the hub's
                              # digest of each; each (table, bucket) once
  repair @11 :ChangeSet;      # every row of those buckets in the replica's scope, tombstones
                              # included, whole (like pull rows); setId and replicaId may be empty

  # Snapshots and restores (version 3).
  snapshot @12 :Bool;         # `pull` is a page of a snapshot of the replica's scope: rows as of
                              # one hub sequence S, not changes after the cursor
  snapshotToken @13 :Text;    # when `snapshot`: where the next page resumes (send it back as
                              # SyncRequest.snapshotToken); empty = the snapshot is complete and
                              # pull.cursor is S, the cursor to pull changes from
  epoch @14 :UInt64;          # the hub's epoch: a new one after every restore from a backup
  restored @15 :Bool;         # with `rebuild`: the hub lost history this replica had seen (a restore;
                              # the epoch changed or the cursor is ahead of the hub): push your own
                              # writes again, then rebuild
}
