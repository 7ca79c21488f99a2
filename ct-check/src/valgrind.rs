//! The valgrind client requests this check needs, as a dependency-free `asm!` shim of the
//! magic instruction sequence in `valgrind.h` (x86_64 and aarch64). Outside valgrind the
//! sequence is a no-op that leaves the default value in place, so every request is harmless.
//!
//! This module is the only `unsafe` code in the repository; it is a test tool, never linked
//! into a published crate.
#![allow(unsafe_code)]

/// `VG_USERREQ__RUNNING_ON_VALGRIND` (valgrind.h).
const RUNNING_ON_VALGRIND: usize = 0x1001;
/// `VG_USERREQ__COUNT_ERRORS` (valgrind.h): errors reported so far (suppressed ones excluded).
const COUNT_ERRORS: usize = 0x1201;
/// `VG_USERREQ__MAKE_MEM_UNDEFINED` (memcheck.h): `('M' << 24 | 'C' << 16) + 1`.
const MAKE_MEM_UNDEFINED: usize = 0x4d43_0001;
/// `VG_USERREQ__MAKE_MEM_DEFINED` (memcheck.h): `('M' << 24 | 'C' << 16) + 2`.
const MAKE_MEM_DEFINED: usize = 0x4d43_0002;

#[cfg(target_arch = "x86_64")]
fn client_request(default: usize, request: usize, a1: usize, a2: usize) -> usize {
    let args: [usize; 6] = [request, a1, a2, 0, 0, 0];
    let mut result = default;
    // SAFETY: the rotations of rdi add up to 128 bits (rdi is restored) and `xchg rbx, rbx` is a
    // no-op; valgrind recognises the sequence, reads `args` through rax and writes rdx.
    unsafe {
        core::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            inout("rdx") result,
            in("rax") args.as_ptr(),
            inout("rdi") 0usize => _,
            options(nostack),
        );
    }
    result
}

#[cfg(target_arch = "aarch64")]
fn client_request(default: usize, request: usize, a1: usize, a2: usize) -> usize {
    let args: [usize; 6] = [request, a1, a2, 0, 0, 0];
    let mut result = default;
    // SAFETY: the rotations of x12 add up to 128 bits (x12 is restored) and `orr x10, x10, x10`
    // is a no-op; valgrind recognises the sequence, reads `args` through x4 and writes x3.
    unsafe {
        core::arch::asm!(
            "ror x12, x12, #3",
            "ror x12, x12, #13",
            "ror x12, x12, #51",
            "ror x12, x12, #61",
            "orr x10, x10, x10",
            inout("x3") result,
            in("x4") args.as_ptr(),
            inout("x12") 0usize => _,
            options(nostack),
        );
    }
    result
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn client_request(default: usize, _request: usize, _a1: usize, _a2: usize) -> usize {
    default
}

/// How many valgrind layers the program runs under (0 when not under valgrind).
pub(crate) fn running_on_valgrind() -> usize {
    client_request(0, RUNNING_ON_VALGRIND, 0, 0)
}

/// Errors valgrind has reported so far.
pub(crate) fn error_count() -> usize {
    client_request(0, COUNT_ERRORS, 0, 0)
}

/// Marks `value`'s bytes as secret: memcheck then reports every branch and every memory address
/// that depends on them ("uninitialised value"), here and in everything computed from them.
pub(crate) fn mark_secret<T: ?Sized>(value: &T) {
    let addr = (value as *const T).cast::<u8>().addr();
    client_request(0, MAKE_MEM_UNDEFINED, addr, size_of_val(value));
}

/// Marks `value`'s bytes as public again (a signature is published; a key is released).
pub(crate) fn declassify<T: ?Sized>(value: &T) {
    let addr = (value as *const T).cast::<u8>().addr();
    client_request(0, MAKE_MEM_DEFINED, addr, size_of_val(value));
}
