#ifndef CFIMAGES_CSQLITE_SHIM_H
#define CFIMAGES_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it. */
static inline sqlite3_destructor_type cfi_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type cfi_sqlite_static(void) { return SQLITE_STATIC; }
/* sqlite3_config is variadic. Memory statistics make every sqlite3_malloc take one process-wide mutex, which
   threads reading through separate connections then fight over; must run before sqlite3_initialize. */
static inline int cfi_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
#endif
