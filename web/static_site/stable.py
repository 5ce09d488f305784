"""Make Pagefind's filter index the same from build to build (reproducible exports).

Pagefind (1.5) writes each filter's values, and the list of filters in its metadata file, in
the order of a Rust hash map, which changes from run to run; the file names are hashes of the
contents, so the names change too. This module sorts those lists and names the files after
their new contents. The files are CBOR after the «pagefind_dcd» signature, gzipped; a small
CBOR reader and writer (unsigned and negative integers, text, byte strings, arrays, maps and
the simple values) is enough for them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path

SIGNATURE = b"pagefind_dcd"
SIMPLE = {20: False, 21: True, 22: None}


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, argument, offset after the head) of the CBOR item at `at`."""
    first = data[at]
    major, info = first >> 5, first & 31
    if info < 24:
        return major, info, at + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
    return major, int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def decode(data: bytes, at: int = 0) -> tuple[object, int]:
    """The CBOR item at `at` and the offset after it."""
    if data[at] == 0xFB:  # a double
        return struct.unpack(">d", data[at + 1 : at + 9])[0], at + 9
    major, arg, at = _head(data, at)
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        raw = data[at : at + arg]
        return (raw if major == 2 else raw.decode("utf-8")), at + arg
    if major in (4, 5):
        items = []
        for _ in range(arg * (2 if major == 5 else 1)):
            item, at = decode(data, at)
            items.append(item)
        return (items if major == 4 else dict(zip(items[::2], items[1::2], strict=True))), at
    if major == 7 and arg in SIMPLE:
        return SIMPLE[arg], at
    raise ValueError(f"CBOR item {major}/{arg} is not supported")


def _encode_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("integer too large")


def encode(item: object) -> bytes:
    """The item as CBOR, every length in its shortest form."""
    if item is None or isinstance(item, bool):
        return bytes([0xE0 | {False: 20, True: 21, None: 22}[item]])
    if isinstance(item, int):
        return _encode_head(0, item) if item >= 0 else _encode_head(1, -1 - item)
    if isinstance(item, float):
        return b"\xfb" + struct.pack(">d", item)
    if isinstance(item, bytes):
        return _encode_head(2, len(item)) + item
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _encode_head(3, len(raw)) + raw
    if isinstance(item, list):
        return _encode_head(4, len(item)) + b"".join(encode(i) for i in item)
    if isinstance(item, dict):
        pairs = b"".join(encode(k) + encode(v) for k, v in item.items())
        return _encode_head(5, len(item)) + pairs
    raise TypeError(type(item))


def read(path: Path) -> object:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind file")
    return decode(data, len(SIGNATURE))[0]


def write(folder: Path, prefix: str, suffix: str, item: object, digits: int) -> str:
    """Write item under a name made from its contents; returns «<prefix><hash>»."""
    data = SIGNATURE + encode(item)
    name = prefix + hashlib.sha256(data).hexdigest()[:digits]
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, 6, mtime=0))
    return name


def _rename(item: object, names: dict[str, str]) -> object:
    if isinstance(item, str):
        return names.get(item, item)
    if isinstance(item, list):
        renamed = [_rename(i, names) for i in item]
        pairs = all(isinstance(i, list) and len(i) == 2 and i[1] in names.values() for i in renamed)
        return sorted(renamed) if renamed and pairs else renamed  # the filter list, by name
    if isinstance(item, dict):
        return {k: _rename(v, names) for k, v in item.items()}
    return item


def stabilise(bundle: Path) -> None:
    """Sort the filter files and the metadata's filter list; rename them after their contents."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    for lang, info in entry["languages"].items():
        names: dict[str, str] = {}
        for path in sorted((bundle / "filter").glob(f"{lang}_*.pf_filter")):
            name, values = read(path)  # [filter name, [[value, [page numbers]], …]]
            path.unlink()
            new = write(bundle / "filter", f"{lang}_", ".pf_filter", [name, sorted(values)], 7)
            names[path.name.removesuffix(".pf_filter")] = new
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _rename(read(meta_path), names)
        meta_path.unlink()
        name = write(bundle, f"pagefind.{lang}_", ".pf_meta", meta, 10)
        info["hash"] = name.removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")
