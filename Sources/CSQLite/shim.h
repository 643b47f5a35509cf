#ifndef CFIMAGES_CSQLITE_SHIM_H
#define CFIMAGES_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it. */
static inline sqlite3_destructor_type cfi_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type cfi_sqlite_static(void) { return SQLITE_STATIC; }
/* sqlite3_config is variadic. Must run before sqlite3_initialize (the first open); SQLITE_MISUSE after it. */
static inline int cfi_sqlite_config_stmtjrnl_spill(int bytes) { return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, bytes); }
static inline int cfi_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
#endif
