# Sourced by scripts/build-release.sh for the release WASM only; the server and the tests
# build as usual. Figures: bench/results/2026-11-28-first-load-levers.md ("Own standard
# library, trapping panics, erased components"): 18.9 kB brotli off the first load of
# /settings/api-keys. (Type-erased components, the other 2.6 kB, are set in Cargo.toml for
# both the server and the WASM, because their hydration markers must match.)
#
# - Its own standard library (-Zbuild-std), compiled like the rest of the WASM (opt-level
#   "z", LTO) and with std's `optimize_for_size` algorithms, instead of the prebuilt one.
# - Panics trap at once (-Cpanic=immediate-abort). Release builds have no panic hook, so the
#   message they used to format went nowhere; a panic ended in the same trap.
# - `{:?}` prints nothing and panics carry no file and line (-Zfmt-debug=none,
#   -Zlocation-detail=none): the client never shows either to a person (its errors are
#   `AppError`'s Display).
#
# These are unstable compiler options; RUSTC_BOOTSTRAP lets the stable toolchain take them,
# and a toolchain that changes them fails this build loudly rather than shipping something
# else. To drop them all: stop sourcing this file from build-release.sh.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none"
# shellcheck disable=SC2034 # used by build-release.sh
KW_LIB_CARGO_ARGS=(
  --lib-cargo-args=-Zbuild-std=std,panic_abort
  --lib-cargo-args=-Zbuild-std-features=optimize_for_size
)
