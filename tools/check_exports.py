#!/usr/bin/env python3
"""The header is the contract: the syslab_* functions libsyslab.so exports
must be exactly the functions Include/syslab.h declares."""

import re
import subprocess
import sys

header, library = sys.argv[1], sys.argv[2]
text = open(header).read()
text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # drop comments
declared = set(re.findall(r"\b(syslab_[a-z0-9_]+)\s*\(", text))
nm = subprocess.run(["nm", "-D", "--defined-only", library], check=True, capture_output=True, text=True).stdout
exported = {line.split()[-1] for line in nm.splitlines() if line.split() and line.split()[-1].startswith("syslab_")}

missing = sorted(declared - exported)
extra = sorted(exported - declared)
for name in missing:
    print(f"declared in {header} but not exported: {name}")
for name in extra:
    print(f"exported but not declared in {header}: {name}")
if missing or extra:
    sys.exit(1)
print(f"exports match the header: {len(declared)} functions")
