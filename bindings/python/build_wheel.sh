#!/usr/bin/env bash
# Builds dist/syslab-<version>-py3-none-<platform>.whl: the Python package with
# libsyslab.so inside it and, bundled by auditwheel, the libraries it needs
# beyond the manylinux base (liblua5.4, libhiredis), so `pip install` needs nothing else.
# Everything is staged under .build/wheel; the source tree is left untouched.
#   bindings/python/build_wheel.sh [path/to/libsyslab.so]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
library=${1:-$root/.build/release/libsyslab.so}
python=${PYTHON:-python3}
work=$root/.build/wheel
[ -f "$library" ] || { echo "build_wheel.sh: no library at $library (run make build)" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work/src" "$work/plain" "$work/repaired" "$root/dist"
cp -r "$root/bindings/python/pyproject.toml" "$root/bindings/python/setup.py" "$root/bindings/python/README.md" \
      "$root/bindings/python/syslab" "$work/src/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +
install -m 755 "$library" "$work/src/syslab/libsyslab.so"
strip --strip-unneeded "$work/src/syslab/libsyslab.so"  # debug symbols stay in the build tree

"$python" -m pip wheel -q --no-deps --no-build-isolation -w "$work/plain" "$work/src"
# auditwheel copies liblua and libhiredis into syslab.libs/, points libsyslab.so's RPATH at it,
# and gives the wheel the manylinux tag its symbol versions allow.
"$python" -m auditwheel repair -w "$work/repaired" "$work/plain"/*.whl >"$work/auditwheel.log" 2>&1 ||
    { cat "$work/auditwheel.log" >&2; exit 1; }
# ctypes, not an extension module: one wheel serves every Python 3.
"$python" -m wheel tags --python-tag py3 --abi-tag none --remove "$work/repaired"/*.whl >/dev/null
wheel=$(ls "$work/repaired"/*.whl)
rm -f "$root/dist/$(basename "$wheel" | cut -d- -f1-2)"-*.whl
mv "$wheel" "$root/dist/"
echo "dist/$(basename "$wheel")"
