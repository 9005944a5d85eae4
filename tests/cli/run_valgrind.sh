#!/usr/bin/env bash
# The command-line tests again with every wikipack process run under
# valgrind's memcheck: an invalid read or write, a use of uninitialised
# memory or a leak makes that process exit 99, which the tests report as a
# wrong exit code. The corpus section of test_cli.sh is left out (hours
# under valgrind); the bundled samples and the hostile archives are kept.
# Usage: run_valgrind.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/wikipack" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    "$build/wikipack" "\$@"
EOF
chmod +x "$scratch/wikipack"
status=0
export WPK_UNDER_VALGRIND=1 # test_cli.sh: smaller large entries, no RSS bound (valgrind's memory is its own)
bash "$here/test_cli.sh" "$scratch/wikipack" "$here/../samples" || status=1
bash "$here/test_hostile.sh" "$scratch/wikipack" "$build/tests/make_hostile" "$scratch/hostile" || status=1
exit $status
