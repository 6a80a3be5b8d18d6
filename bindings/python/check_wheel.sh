#!/usr/bin/env bash
# Checks that the wheel in dist/ stands alone: installed into a fresh venv, with
# no PYTHONPATH, SYSLAB_LIBRARY or LD_LIBRARY_PATH, `import syslab` loads the
# wheel's own libsyslab.so, whose liblua and libhiredis resolve to the copies
# bundled beside it (not the system's), and README's Python examples run; SYSLAB_LIBRARY still
# overrides the bundled library.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-python3}
venv=$root/.build/wheel-venv
fail() { echo "check_wheel.sh: $*" >&2; exit 1; }

wheel=$(ls -t "$root"/dist/syslab-*.whl 2>/dev/null | head -1)
[ -n "$wheel" ] || fail "no dist/syslab-*.whl (run make wheel)"
rm -rf "$venv" && "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --no-index --no-deps "$wheel"
unset PYTHONPATH SYSLAB_LIBRARY LD_LIBRARY_PATH
cd /  # nowhere near the source tree's package

loaded=$("$venv/bin/python" -c 'import syslab._native as n; print(n.lib._name)')
case "$(realpath "$loaded")" in
    "$(realpath "$venv")"/*) ;;
    *) fail "import syslab loaded $loaded, not the wheel's library" ;;
esac
! ldd "$loaded" | grep -q "not found" || fail "unresolved libraries: $(ldd "$loaded" | grep 'not found')"
lua=$(ldd "$loaded" | grep liblua) || fail "$loaded does not link liblua (ldd changed?)"
case "$lua" in
    *"/syslab.libs/liblua"*) ;;
    *) fail "liblua resolves outside the wheel: $lua" ;;
esac
hiredis=$(ldd "$loaded" | grep libhiredis) || fail "$loaded does not link libhiredis (ldd changed?)"
case "$hiredis" in
    *"/syslab.libs/libhiredis"*) ;;
    *) fail "libhiredis resolves outside the wheel: $hiredis" ;;
esac
"$root/tools/run_readme_examples.py" --installed-python "$venv/bin/python"
if override=$(SYSLAB_LIBRARY=/nonexistent/libsyslab.so "$venv/bin/python" -c 'import syslab' 2>&1); then
    fail "SYSLAB_LIBRARY=/nonexistent/libsyslab.so was ignored: the bundled library loaded"
fi
grep -q "cannot load libsyslab.so.*/nonexistent/libsyslab.so" <<<"$override" || fail "unexpected error: $override"
echo "wheel $(basename "$wheel"): installs alone, loads its own library and bundled liblua ($(echo "$lua" | awk '{print $3}' | xargs basename)) and libhiredis ($(echo "$hiredis" | awk '{print $3}' | xargs basename)), README example runs"
