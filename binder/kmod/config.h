/* Hand-written config.h for libkmod (kmod 34) built with musl-gcc, without
 * meson. Force-included (-include) into every libkmod/shared object by
 * kmod.mk, which also passes -DHAVE_DECL_BASENAME=0|1: musl up to 1.2.4
 * declares a basename() in <string.h> under _GNU_SOURCE, 1.2.5 does not (and
 * then kmod's shared/missing.h supplies the GNU one). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#define HAVE_SECURE_GETENV 1 /* musl has it under _GNU_SOURCE */
#define HAVE_DECL___XSTAT 0
#define HAVE_STATIC_ASSERT 1
#define HAVE_NORETURN 1
#define HAVE_STRUCT_STAT_ST_MTIM 1
#define HAVE___BUILTIN_CLZ 1
#define HAVE___BUILTIN_TYPES_COMPATIBLE_P 1
#define HAVE___BUILTIN_UADD_OVERFLOW 1
#define HAVE___BUILTIN_UADDL_OVERFLOW 1
#define HAVE___BUILTIN_UADDLL_OVERFLOW 1
#define HAVE___BUILTIN_UMUL_OVERFLOW 1
#define HAVE___BUILTIN_UMULL_OVERFLOW 1
#define HAVE___BUILTIN_UMULLL_OVERFLOW 1
#define ENABLE_LOGGING 1 /* ERR/INFO via kmod_set_log_fn */
#define ENABLE_DEBUG 0
#define ENABLE_ELFDBG 0
/* No decompression library: a compressed module is handed to the kernel as
 * it is (finit_module with MODULE_INIT_COMPRESSED_FILE) when its format is
 * the one /sys/module/compression names. Where the kernel cannot decompress
 * it, the image hooks store the few modules vfio-early loads decompressed
 * (hooks/vfio-early-image.sh); the binder names the case when it meets it. */
#define ENABLE_XZ 0
#define ENABLE_ZSTD 0
#define ENABLE_ZLIB 0
#define ENABLE_XZ_DLOPEN 0
#define ENABLE_ZSTD_DLOPEN 0
#define ENABLE_ZLIB_DLOPEN 0
#define ENABLE_OPENSSL 0 /* no modinfo signature details */
#define SYSCONFDIR "/etc"
#define DISTCONFDIR "/usr/lib"
#define MODULE_DIRECTORY "/lib/modules"
#define PACKAGE "kmod"
#define VERSION "34.2"
#define KMOD_FEATURES "-ZSTD -XZ -ZLIB -OPENSSL"
