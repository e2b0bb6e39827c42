"""Signed files: bytes cpsim wrote, with an HMAC that proves it before anything reads them.

A signed file is

    MAGIC (8 bytes) | n (4 bytes, big-endian) | header (n bytes of JSON) | mac (32 bytes) | payload

with mac = HMAC-SHA256(secret, MAGIC | n | header | payload) (RFC 2104). The secret is 32
random bytes in the file `secret.key` of the cache folder, created by cpsim on first use
with mode 0600 and never overwritten. `read` checks the magic, the lengths and the MAC, in
that order, before it returns the header and the payload, so a caller never parses, let
alone unpickles, bytes this key did not sign. `write` writes atomically: a temporary file
in the same folder, flushed to disk, then renamed over the old one.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import stat
import tempfile
from pathlib import Path

MAGIC = b"CPSIMST1"
KEY_FILE = "secret.key"
KEY_BYTES = 32
MAC_BYTES = 32


class SignatureError(ValueError):
    """A file that cannot be trusted (not signed by this cache's key, or a key file that is not private)."""


def secret(folder: Path) -> bytes:
    """The cache's signing key in `folder`, created (0600) if there is none yet."""
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = _temporary(folder, secrets.token_bytes(KEY_BYTES))
        try:
            os.link(tmp, path)  # fails if another process made the key first: then that key is used
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    info = path.stat()
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO) or info.st_uid != os.geteuid():
        raise SignatureError(f"{path}: the cache's signing key must belong to you and be private (chmod 600 "
                             f"{path}); it has mode {stat.filemode(info.st_mode)}")
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise SignatureError(f"{path}: the cache's signing key must be {KEY_BYTES} bytes, not {len(key)}; delete "
                             "it (every state file of the cache is then rebuilt on request)")
    return key


def write(path: Path, key: bytes, header: dict, payload: bytes) -> None:
    """Write `header` and `payload` to `path`, signed with `key`, atomically."""
    head = json.dumps(header, sort_keys=True).encode()
    signed = MAGIC + len(head).to_bytes(4, "big") + head
    tmp = _temporary(path.parent, signed, _mac(key, signed, payload), payload)
    os.replace(tmp, path)


def read(path: Path, key: bytes) -> tuple[dict, memoryview]:
    """The header and payload (a view of the file's bytes) of the signed file at `path`; SignatureError (saying
    why) if `key` did not sign it."""
    data = memoryview(path.read_bytes())
    if data[:len(MAGIC)] != MAGIC or len(data) < len(MAGIC) + 4 + MAC_BYTES:
        raise SignatureError("not a file cpsim wrote (no cpsim signature header)")
    n = int.from_bytes(data[len(MAGIC):len(MAGIC) + 4], "big")
    end = len(MAGIC) + 4 + n
    if end + MAC_BYTES > len(data):
        raise SignatureError("truncated (shorter than its header says)")
    mac, payload = data[end:end + MAC_BYTES], data[end + MAC_BYTES:]
    if not hmac.compare_digest(bytes(mac), _mac(key, data[:end], payload)):
        raise SignatureError("its signature does not match this cache's key (corrupt, changed since it was "
                             "written, or written elsewhere)")
    return json.loads(bytes(data[len(MAGIC) + 4:end])), payload


def _mac(key: bytes, signed, payload) -> bytes:
    """HMAC-SHA256(key, signed | payload), without joining the two."""
    mac = hmac.new(key, signed, "sha256")
    mac.update(payload)
    return mac.digest()


def _temporary(folder: Path, *parts: bytes) -> str:
    """A new private file in `folder` holding the `parts` one after another, flushed to disk; its path."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            for part in parts:
                f.write(part)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp
