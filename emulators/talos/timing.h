// How long things take on a real Talos node, and the one factor that shrinks them for tests.
// Defaults are documented in emulators/talos/README.md.
#pragma once

#include <chrono>

namespace talos_emu {

using Seconds = std::chrono::duration<double>;

struct Timing {
  double time_scale = 1.0;  // every delay below is multiplied by this
  Seconds boot{20};         // firmware + kernel + machined until the API answers
  Seconds install{40};      // installer writes the system disk
  Seconds reboot{15};       // shutdown + firmware until the next boot starts
  Seconds etcd_join{10};    // a control plane joins an existing etcd cluster
  Seconds etcd_bootstrap{5};
  Seconds kubelet{10};      // kubelet starts and registers its Node
  Seconds cni{30};          // the CNI from the inline manifest becomes ready
  Seconds upgrade{30};      // pull + install into the inactive slot
  Seconds reset{10};        // wipe
  Seconds shutdown{5};
  Seconds trustd_retry{5};  // a worker retries trustd when no control plane answers yet

  // Wall-clock duration of `unscaled` (at least 1 ms so ordering is kept).
  std::chrono::microseconds scaled(Seconds unscaled, double extra_factor = 1.0) const;
};

}  // namespace talos_emu
