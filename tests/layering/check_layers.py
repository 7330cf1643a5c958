#!/usr/bin/env python3
"""Checks the layering of the source tree: mmu <- cpu <- devices <- frontend.

mmu/ includes nothing of the other layers; cpu/ only mmu/; devices/ only mmu/
(devices/pc/, which builds the machine, may include cpu/ too); SDL appears
only in frontend/. Also: no inline asm, host-ISA checks, intrinsics or type
punning in cpu/, mmu/ and devices/.
Usage: check_layers.py SOURCE_ROOT
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
allowed = {"mmu": {"mmu"}, "cpu": {"mmu", "cpu"}, "devices": {"mmu", "devices"}}
include = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
bad = []
for layer, ok in allowed.items():
    for f in sorted((root / layer).rglob("*.[ch]pp")):
        text = f.read_text()
        rel = f.relative_to(root)
        may = ok | ({"cpu"} if rel.parts[:2] == ("devices", "pc") else set())
        for inc in include.findall(text):
            top = inc.split("/")[0]
            if top in ("mmu", "cpu", "devices", "frontend") and top not in may:
                bad.append(f"{rel}: includes {inc}")
            if "SDL" in inc:
                bad.append(f"{rel}: includes SDL ({inc}) outside frontend/")
        # Portable core (issue 6): no inline asm, host-ISA tests or
        # intrinsics, and no type punning of guest bytes (reinterpret_cast,
        # unions) in cpu/, mmu/ and devices/.
        for pat in (r"\basm\s*\(", r"__asm__", r"__x86_64__", r"__i386__", r"__aarch64__", r"__s390x__",
                    r"<immintrin\.h>", r"<x86intrin\.h>", r"\breinterpret_cast\b", r"\bunion\b"):
            if re.search(pat, text):
                bad.append(f"{rel}: host-specific construct {pat}")
for b in bad:
    print(b)
print(f"layering: {len(bad)} violation(s)")
sys.exit(1 if bad else 0)
