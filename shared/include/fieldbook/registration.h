// Registration<Fn>: an immutable list of named function pointers that files add themselves to,
// so that adding a family of commands (or any other plug-in) is adding a file, with no central
// list to edit. A file defines one object at namespace scope:
//   const Registration<AddCommandsFn> kPreferences{"preference", &AddPreferenceCommands};
// Its constructor links it into the list during static initialisation, before main(); nothing
// changes the list afterwards. The object holds only a name and a function pointer: the state
// the function needs is passed in by its caller (main() wires the graph). The list's head is
// constant-initialised (nullptr), so registering from any translation unit is safe whatever the
// order of their initialisation. Objects in a static library must be linked whole for their
// registrations to exist (CMake: $<LINK_LIBRARY:WHOLE_ARCHIVE,...>).
//
// Thread safety: the list is written only during static initialisation; read-only afterwards.
#ifndef FIELDBOOK_REGISTRATION_H_
#define FIELDBOOK_REGISTRATION_H_

#include <algorithm>
#include <cstring>
#include <vector>

namespace fieldbook {

template <typename Fn>
class Registration {
 public:
  Registration(const char* name, Fn fn) : name_(name), fn_(fn), next_(first_) { first_ = this; }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

  const char* name() const { return name_; }
  Fn fn() const { return fn_; }

  // Every registration of this type, in name order (the order of static initialisation across
  // files is unspecified; the name order is not).
  static std::vector<const Registration*> All() {
    std::vector<const Registration*> out;
    for (const Registration* r = first_; r != nullptr; r = r->next_) out.push_back(r);
    std::sort(out.begin(), out.end(), [](const Registration* a, const Registration* b) {
      return std::strcmp(a->name_, b->name_) < 0;
    });
    return out;
  }

 private:
  const char* name_;
  Fn fn_;
  const Registration* next_;
  static inline const Registration* first_ = nullptr;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_REGISTRATION_H_
