// Linux-only system calls the Glibc module does not export (the HTTP server's reactor, thread names) and the one
// monotonic clock of the server and the database pool.
#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <stdint.h>
#include <time.h>

/// Names the calling thread (at most 15 bytes are kept), as `top -H` shows it.
static inline int clinux_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

/// Copies the calling thread's name into `buffer` (at least 16 bytes).
static inline int clinux_get_thread_name(char *buffer) {
    return prctl(PR_GET_NAME, (unsigned long)buffer, 0, 0, 0);
}

/// CLOCK_MONOTONIC in nanoseconds: the one monotonic clock of the server and the database pool.
static inline uint64_t clinux_monotonic_nanoseconds(void) {
    struct timespec spec;
    clock_gettime(CLOCK_MONOTONIC, &spec);
    return (uint64_t)spec.tv_sec * 1000000000u + (uint64_t)spec.tv_nsec;
}

#endif
