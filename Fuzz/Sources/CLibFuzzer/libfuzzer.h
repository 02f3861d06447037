// libFuzzer's driver, entered from Swift's @main. `-sanitize=fuzzer` links the runtime (libclang_rt.fuzzer, shipped
// with the Swift toolchain), so this module declares only: nothing is linked through it.
//
// Why not libFuzzer's own main(): SwiftPM links every Swift executable with its entry point renamed to
// `<Module>_main` (`--defsym main=<Module>_main`), which `-parse-as-library` never emits, so the link fails. A @main
// type emits that symbol, and it hands the arguments to LLVMFuzzerRunDriver, libFuzzer's documented library entry.
#ifndef BACKSTOP_CLIBFUZZER_H
#define BACKSTOP_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver: parses the -flags in argv, then fuzzes (or replays the files named in argv) with `callback`.
/// libFuzzer always passes a non-null buffer (a fresh copy of the input, even when it is empty).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *_Nonnull data, size_t size));

/// Runs libFuzzer's driver on the process arguments and returns its exit status.
static inline int backstop_fuzz_main(int argc, char **argv, int (*callback)(const uint8_t *_Nonnull, size_t)) {
    return LLVMFuzzerRunDriver(&argc, &argv, callback);
}

#endif
