"""The dynamic symbols an ELF shared object exports, read in pure Python (no `nm` needed).

Enough of the format for one question: which `PyInit_*` does this extension define? Reads
the section headers, finds `.dynsym` and its string table, and keeps defined global symbols.
Mach-O and PE files return None (unknown) rather than a guess.
"""

from __future__ import annotations

import struct
from pathlib import Path

from pyo3_doctor.system.files import read_bytes_bounded

MAX_BYTES = 512 * 1024 * 1024
SHT_DYNSYM = 11


def exported_symbols(path: Path) -> set[str] | None:
    data = read_bytes_bounded(path, MAX_BYTES + 1)
    if data is None or len(data) > MAX_BYTES:
        return None
    if data[:4] != b"\x7fELF" or len(data) < 64:
        return None
    is64, little = data[4] == 2, data[5] == 1
    end = "<" if little else ">"
    try:
        if is64:
            (shoff,) = struct.unpack_from(end + "Q", data, 0x28)
            shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
        else:
            (shoff,) = struct.unpack_from(end + "I", data, 0x20)
            shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
        sections = []
        for i in range(shnum):
            base = shoff + i * shentsize
            if is64:
                _, kind, _, _, off, size, link, _, _, entsize = struct.unpack_from(
                    end + "IIQQQQIIQQ", data, base
                )
            else:
                _, kind, _, _, off, size, link, _, _, entsize = struct.unpack_from(
                    end + "IIIIIIIIII", data, base
                )
            sections.append((kind, off, size, link, entsize))
        names: set[str] = set()
        for kind, off, size, link, entsize in sections:
            if kind != SHT_DYNSYM or not entsize:
                continue
            str_off = sections[link][1]
            for k in range(size // entsize):
                base = off + k * entsize
                if is64:
                    name, info, _, shndx = struct.unpack_from(end + "IBBH", data, base)
                else:
                    name, _, _, info, _, shndx = struct.unpack_from(end + "IIIBBH", data, base)
                if shndx == 0 or (info >> 4) not in (1, 2):  # undefined, or not global/weak
                    continue
                stop = data.index(b"\0", str_off + name)
                names.add(data[str_off + name : stop].decode("utf-8", "replace"))
        return names
    except (struct.error, ValueError, IndexError):
        return None
