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
#     as obsolete. New union members are additions too, but an old reader rejects a Value of a
#     kind it does not know.
#   * So a receiver reads any version >= 1: fields it does not know are skipped, and fields the
#     sender did not know read as their defaults (0, false, empty). A greater version than the
#     receiver's own is therefore still readable; it only means the sender may have said more.
#   * Bump kWireSchemaVersion (change_set.h) with every addition, and say here what it added.
#
# Version history:
#   1  Initial contract.
#
# Identifiers (set ids, replica ids, table names, row ids, column names) are non-empty UTF-8 of
# bounded length; text values are UTF-8. Limits are enforced by the decoder (DecodeLimits in
# change_set_codec.h), not by this schema.

@0xb3d6e3c74ebc3c15;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("fieldbook::wire");

# One SQLite cell. Replicated tables hold no blobs. A float is never NaN.
struct Value {
  union {
    null @0 :Void;      # SQL NULL (the default: an absent Value reads as NULL)
    int @1 :Int64;      # SQLite INTEGER
    real @2 :Float64;   # SQLite REAL
    text @3 :Text;      # SQLite TEXT, UTF-8
  }
}

# The new value of one column of one row, with the version that orders it against other writes.
struct ColumnChange {
  column @0 :Text;      # column name in the replicated table
  value @1 :Value;
  hlc @2 :UInt64;       # packed hybrid logical clock of the write (hlc.h: 48-bit ms, 16-bit counter)
  origin @3 :UInt32;    # the replica that wrote it: index into ChangeSet.origins
}

# The changed columns of one row. Columns not listed are unchanged.
struct RowChange {
  table @0 :Text;       # replicated table name
  rowId @1 :Text;       # the row's primary key
  columns @2 :List(ColumnChange);
}

# A batch of row changes: a replica's push, or one page of the hub's pull.
struct ChangeSet {
  schemaVersion @0 :UInt32;   # sender's wire schema version; >= 1
  setId @1 :Text;             # unique per set; a retried push reuses it (the hub dedups on it)
  replicaId @2 :Text;         # the sender
  cursor @3 :UInt64;          # push: the sender's hub cursor; pull: the hub sequence at page end
  origins @4 :List(Text);     # replica ids referenced by ColumnChange.origin, each sent once
  rows @5 :List(RowChange);
}

# The hub refused one row of a pushed set; the rest of the set was applied.
struct RowRejection {
  table @0 :Text;
  rowId @1 :Text;
  code @2 :Text;        # stable machine code: "out_of_scope", "immutable_fact", "constraint", ...
  reason @3 :Text;      # a sentence for the rep
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

# Replica -> hub: optionally push one change set, and pull the next page after `pullCursor`.
struct SyncRequest {
  schemaVersion @0 :UInt32;   # sender's wire schema version; >= 1
  replicaId @1 :Text;         # the requesting replica
  hasPush @2 :Bool;           # whether `push` is present
  push @3 :ChangeSet;         # the pushed set, when hasPush
  pullCursor @4 :UInt64;      # pull everything after this hub sequence number
  pageLimit @5 :UInt32;       # rows per pull page; 0 = the hub's default
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
}
