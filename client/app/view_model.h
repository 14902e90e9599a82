// ViewModel: the desktop app's state, kept by a worker thread and published to the UI as
// immutable Snapshots.
//
// The worker opens the DataSource (the replica) itself and is the only thread that touches
// SQLite or the network: it carries out the intents the screens post (search, select, log a
// visit, sync...), reloads what they changed and publishes a new Snapshot. A sync runs on the
// worker too (the Replica is single-threaded); the snapshot says "syncing" meanwhile and intents
// posted during it wait in the bounded queue. The UI thread only posts intents and reads the
// latest snapshot, so it never blocks on I/O.
//
// Thread safety: snapshot(), intents() and WaitIdle() may be called from any thread. The
// destructor stops the worker (after the intent it is carrying out) and must not race with
// other calls.
#ifndef FIELDBOOK_CLIENT_APP_VIEW_MODEL_H_
#define FIELDBOOK_CLIENT_APP_VIEW_MODEL_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>

#include "data_source.h"
#include "fieldbook/hlc.h"
#include "intents.h"
#include "snapshot.h"

namespace fieldbook::app {

struct ViewModelOptions {
  size_t queue_capacity = 64;
  // How often the worker re-reads the sync state (another process may write the replica) and
  // checks whether the day changed.
  std::chrono::milliseconds refresh_every{5000};
};

class ViewModel {
 public:
  // `clock` gives "today" and must outlive the view model; it is read on the worker thread.
  ViewModel(DataSourceFactory open, WallClock& clock, ViewModelOptions options = {});
  ~ViewModel();
  ViewModel(const ViewModel&) = delete;
  ViewModel& operator=(const ViewModel&) = delete;

  // The latest published snapshot (never null).
  std::shared_ptr<const Snapshot> snapshot() const;

  // Where the screens post what the rep asked for.
  Intents& intents() { return queue_; }

  // Waits until every intent accepted before the call has been carried out and published.
  // False on timeout. For tests and the headless renderer; the UI never waits.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  class Worker;
  void Publish(std::shared_ptr<const Snapshot> next);

  IntentQueue queue_;
  mutable std::mutex mu_;
  std::condition_variable published_;
  std::shared_ptr<const Snapshot> current_;
  std::unique_ptr<Worker> worker_;
  std::thread thread_;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_VIEW_MODEL_H_
