#!/usr/bin/env python3
"""Where a process's resident memory is: reads /proc/PID/smaps and prints one line of MB per kind.

usage: idle_smaps.py PID

Kinds, told apart by their mappings (no debugger, nothing injected into the process):
  gc      the .NET GC's regions: resident pages inside its one large reservation (the longest run of adjacent
          anonymous mappings: hundreds of GB of address space)
  malloc  glibc's heap: the main arena ([heap]) plus every 64 MB-aligned 64 MB window tiled by anonymous
          mappings (glibc's other arenas, HEAP_MAX_SIZE on 64-bit)
  anon    every other anonymous mapping (thread stacks, the runtime's own mmaps, malloc chunks of 128 KB or
          more, which glibc maps one by one)
  jit     the runtime's double-mapped executable memory (memfd:doublemapper: JIT code and stubs)
  file    file-backed pages (the runtime, the assemblies, libssl: shared with other processes that map them)"""
import sys

ARENA = 64 << 20
vmas = []  # [start, end, name, rss_kb]
with open(f"/proc/{sys.argv[1]}/smaps") as smaps:
    for line in smaps:
        head = line.split()
        if head and "-" in head[0] and not head[0].endswith(":"):
            start, end = (int(x, 16) for x in head[0].split("-"))
            vmas.append([start, end, head[5] if len(head) > 5 else "", 0])
        elif head and head[0] == "Rss:":
            vmas[-1][3] = int(head[1])


def anonymous(vma):
    return vma[2] == "" or vma[2].startswith("[stack") or vma[2].startswith("[anon")


kind = {}
# glibc arenas: anonymous mappings that exactly tile a 64 MB-aligned 64 MB window.
for i, vma in enumerate(vmas):
    if anonymous(vma) and vma[2] == "" and vma[0] % ARENA == 0:
        j, end = i, vma[1]
        while end < vma[0] + ARENA and j + 1 < len(vmas) and vmas[j + 1][0] == end and vmas[j + 1][2] == "":
            j += 1; end = vmas[j][1]
        if end == vma[0] + ARENA:
            for k in range(i, j + 1):
                kind[k] = "malloc"
# The GC reservation: the longest run of adjacent unnamed anonymous mappings not already taken.
best, run_start = (0, None), None
for i, vma in enumerate(vmas):
    if vma[2] == "" and i not in kind:
        if run_start is None or vmas[i - 1][1] != vma[0] or (i - 1) in kind or vmas[i - 1][2] != "":
            run_start = i
        span = vma[1] - vmas[run_start][0]
        if span > best[0]:
            best = (span, (run_start, i))
if best[1]:
    for k in range(best[1][0], best[1][1] + 1):
        kind[k] = "gc"
kb = dict.fromkeys(("gc", "malloc", "anon", "jit", "file"), 0)
for i, vma in enumerate(vmas):
    if vma[2] == "[heap]":
        k = "malloc"
    elif i in kind:
        k = kind[i]
    elif "memfd:doublemapper" in vma[2]:
        k = "jit"
    elif anonymous(vma):
        k = "anon"
    else:
        k = "file"
    kb[k] += vma[3]
print(" ".join(f"{k}={v / 1024:.1f}" for k, v in kb.items()) + f" total={sum(kb.values()) / 1024:.1f}")
