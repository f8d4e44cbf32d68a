// Linked into every test binary.
//
// OpenSSL's at-exit cleanup deletes its thread-local keys while gRPC's pool threads may still be
// running; a thread that ends after that never frees its OpenSSL error and DRBG state, and
// LeakSanitizer reports it as a leak of the test. Skipping the at-exit cleanup leaves those
// threads' destructors in place. It must be the first OpenSSL initialisation of the process,
// hence a static initialiser.
#include <openssl/crypto.h>

namespace {
const bool kOpenSslWithoutAtExitCleanup = OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) == 1;
}  // namespace
