/* Hand-written config.h for libkmod (kmod 30) built with musl-gcc, no autotools.
 * Force-included (-include) into every libkmod/shared object by kmod.mk. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#define HAVE_SECURE_GETENV 1            /* musl has it under _GNU_SOURCE */
#define HAVE_DECL_STRNDUPA 0            /* musl lacks it: shared/missing.h supplies one */
#define HAVE_DECL_BE32TOH 1
#define HAVE_STATIC_ASSERT 1
#define HAVE_NORETURN 1
#define HAVE_STRUCT_STAT_ST_MTIM 1
#define HAVE___BUILTIN_UADDL_OVERFLOW 1
#define HAVE___BUILTIN_UADDLL_OVERFLOW 1
#define ENABLE_LOGGING 1                /* ERR/INFO via kmod_set_log_fn; no DEBUG */
/* Not defined on purpose: HAVE_FINIT_MODULE (missing.h wraps the syscall),
 * HAVE_LINUX_MODULE_H (musl-gcc does not see kernel headers), ENABLE_XZ,
 * ENABLE_ZSTD, ENABLE_ZLIB, ENABLE_OPENSSL (no compressed modules, no modinfo sig). */
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
