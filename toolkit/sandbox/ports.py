"""Ports on 127.0.0.1: is one free, and which to suggest when it is not.

`folio serve` (with or without --sandbox) checks its --dev-addr before it starts anything,
so a port already taken (another preview still running) is one clear sentence naming a
free port to pass, not a traceback after half the services started.
"""

from __future__ import annotations

import errno
import socket

from toolkit.errors import FolioError


def split_addr(addr: str, option: str) -> tuple[str, int]:
    """("127.0.0.1", 8000) from "127.0.0.1:8000"; a clear error for anything else."""
    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise FolioError(f"{option} {addr}: write HOST:PORT, e.g. 127.0.0.1:8000")
    return host, int(port)


def is_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (with SO_REUSEADDR, as MkDocs' server binds)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on at this moment (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def in_use_error(host: str, port: int, command: str, make_hint: bool = False) -> FolioError:
    suggestion = f"{host}:{free_port(host if host != 'localhost' else '127.0.0.1')}"
    also = f" (with make: make serve ADDR={suggestion})" if make_hint else ""
    return FolioError(
        f"{host}:{port} is already in use (another `folio serve` still running?). "
        f"Stop it, or pass a free port: {command} {suggestion}{also}")


def require_free(addr: str, option: str, command: str, make_hint: bool = False) -> None:
    """Raise a FolioError naming a free port to pass when `addr` (HOST:PORT) cannot be listened on."""
    host, port = split_addr(addr, option)
    try:
        free = port == 0 or is_free(host, port)
    except OSError:
        return  # a host we cannot probe (not this machine's): MkDocs' own error says so
    if not free:
        raise in_use_error(host, port, command, make_hint)
