#!/usr/bin/env bash
# Install the project into a scratch prefix and use it as a user would:
# build tests/cli/install/consumer.c with CMake (find_package) and with make +
# pkg-config, each against the shared and the static library, run them on an
# archive packed by the installed command, and render the man pages.
# usage: test_install.sh BUILD_DIR SOURCE_DIR SCRATCH [CFLAGS]
# CFLAGS go to the consumers (the sanitizer flags of a sanitized build).
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 BUILD_DIR SOURCE_DIR SCRATCH [CFLAGS]" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
scratch=$3
cflags=${4:-}
rm -rf "$scratch"
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
prefix=$scratch/prefix
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
# run NAME COMMAND...: quiet unless COMMAND fails.
run() {
    local name=$1; shift
    if "$@" >"$scratch/$name.log" 2>&1; then ok "$name"; else bad "$name"; tail -n 30 "$scratch/$name.log"; return 1; fi
}

run install cmake --install "$build" --prefix "$prefix" || exit 1

# Where GNUInstallDirs put things (lib or a multiarch libdir).
pc=$(find "$prefix" -name wikipack.pc)
[ -n "$pc" ] || { bad "no wikipack.pc installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
for f in bin/wikipack bin/wikipack-serve include/wikipack.h share/man/man1/wikipack.1 share/man/man5/wikipack.5; do
    [ -f "$prefix/$f" ] && ok "installed $f" || bad "missing $f"
done
for f in libwikipack.a libwikipack.so cmake/wikipack/wikipack-config.cmake cmake/wikipack/wikipack-config-version.cmake; do
    [ -e "$libdir/$f" ] && ok "installed ${libdir#"$prefix"/}/$f" || bad "missing ${libdir#"$prefix"/}/$f"
done
# One version, written in wikipack.h: the soname, pkg-config, the command,
# the man pages and the spec must all say it.
hver() { sed -n "s/^#define WPK_$1 \([0-9]*\).*/\1/p" "$src/include/wikipack.h"; }
version="$(hver VERSION_MAJOR).$(hver VERSION_MINOR).$(hver VERSION_PATCH)"
format="$(hver FORMAT_MAJOR).$(hver FORMAT_MINOR)"
soname=$(readelf -d "$libdir/libwikipack.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libwikipack.so.$(hver VERSION_MAJOR)" ] && [ -e "$libdir/$soname" ] && ok "soname $soname" || bad "soname '$soname'"
pcver=$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --modversion wikipack)
[ "$pcver" = "$version" ] && ok "pkg-config version $pcver" || bad "pkg-config says '$pcver', wikipack.h $version"
cliver=$("$prefix/bin/wikipack" --version)
[ "$cliver" = "wikipack $version (library $version; writes format $(hver FORMAT_MAJOR).0 to $format, reads format $(hver FORMAT_MAJOR).x)" ] \
    && ok "--version: $cliver" || bad "--version says '$cliver', wikipack.h $version, format $format"
for m in wikipack.1 wikipack.5; do
    grep -q "^\.TH .*\"wikipack $version\"" "$src/man/$m" && ok "$m says $version" || bad "$m does not say wikipack $version"
done
grep -q "describes \*\*format version $format\*\*" "$src/spec/FORMAT.md" && ok "spec is format $format" \
    || bad "spec/FORMAT.md does not describe format $format"
grep -q "format version $format\$" "$src/man/wikipack.5" && ok "wikipack.5 is format $format" \
    || bad "man/wikipack.5 does not say format version $format"

# An archive packed by the installed command, and what the consumers must
# print for its first article with a page ID: title and size, as `wikipack
# list` shows them (listed as an article, it is what its page ID leads to).
wp=$prefix/bin/wikipack
archive=$scratch/sample.wpk
run pack "$wp" pack -q -o "$archive" "$src/tests/samples/articles" || exit 1
# `wikipack serve` runs the wikipack-serve installed beside it.
"$wp" serve --help 2>&1 | grep -q '^usage: wikipack serve' && ok "installed wikipack runs wikipack-serve" ||
    bad "installed wikipack serve --help"
row=$("$wp" list "$archive" | awk -F'\t' '!found && $1 != "-" && $7 == "article" { print $1 "\t" $2 "\t" $4; found = 1 }')
id=${row%%$'\t'*}
expected=${row#*$'\t'}
[ -n "$row" ] || { bad "no article with a page ID listed"; exit 1; }

# check_consumer NAME PROGRAM: the right line for the page, status 3 for a
# page ID that is not there; a static one needs no libwikipack.so.
check_consumer() {
    local name=$1 prog=$2 out needed status=0
    out=$(LD_LIBRARY_PATH=$libdir "$prog" "$archive" $id 2>&1) || status=$?
    if [ $status -eq 0 ] && [ "$out" = "$expected" ]; then ok "$name prints '$out'"; else bad "$name: status $status, '$out', expected '$expected'"; fi
    status=0
    LD_LIBRARY_PATH=$libdir "$prog" "$archive" 1 >/dev/null 2>&1 || status=$?
    [ $status -eq 3 ] && ok "$name: unknown page ID" || bad "$name: unknown page ID gave status $status"
    needed=$(readelf -d "$prog" | grep NEEDED || true)
    case $name in
    *static*) [[ $needed != *libwikipack* ]] && ok "$name: libwikipack linked in" || bad "$name needs libwikipack.so" ;;
    *) [[ $needed == *"$soname"* ]] && ok "$name: links $soname" || bad "$name: not linked to $soname" ;;
    esac
}

# With CMake: find_package(wikipack) from the prefix.
if run cmake-configure cmake -S "$src/tests/cli/install" -B "$scratch/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_C_FLAGS="$cflags" &&
    run cmake-build cmake --build "$scratch/cmake"; then
    check_consumer cmake-shared "$scratch/cmake/consumer"
    check_consumer cmake-static "$scratch/cmake/consumer_static"
fi

# With make and pkg-config. For a fully static link, --static lists every
# library libwikipack.a needs.
mkdir -p "$scratch/make"
static_libs=" $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --static --libs wikipack) "
missing=
for l in -lwikipack -lzstd -lxxhash -lutf8proc -lsodium -pthread -ldl; do
    [[ $static_libs == *" $l "* ]] || missing="$missing $l"
done
[ -z "$missing" ] && ok "pkg-config --static lists every dependency" || bad "pkg-config --static lacks$missing"
if PKG_CONFIG_PATH=$libdir/pkgconfig run make make -C "$scratch/make" -f "$src/tests/cli/install/Makefile" \
        VPATH="$src/tests/cli/install" CFLAGS="-O2 -Wall -Wextra -Werror $cflags"; then
    check_consumer make-shared "$scratch/make/consumer"
    check_consumer make-static "$scratch/make/consumer_static"
fi

# The man pages, installed and rendered by man(1); groff warns about nothing.
export MANWIDTH=80
for page in "1 wikipack:EXIT STATUS" "5 wikipack:CHECKSUMS"; do
    sect=${page%% *}; rest=${page#* }; name=${rest%%:*}; heading=${rest#*:}
    man -M "$prefix/share/man" "$sect" "$name" >"$scratch/man.out" 2>"$scratch/man.err" || true
    if grep -q "^$heading" "$scratch/man.out"; then
        ok "man $sect $name"
    else
        bad "man $sect $name does not render with '$heading'"; cat "$scratch/man.err"
    fi
    warnings=$(groff -man -Tutf8 -ww "$prefix/share/man/man$sect/$name.$sect" 2>&1 >/dev/null)
    [ -z "$warnings" ] && ok "groff: no warnings in $name.$sect" || { bad "groff warnings in $name.$sect"; echo "$warnings"; }
done

[ $fail -eq 0 ] && echo "install: all passed" || echo "install: FAILED"
exit $fail
