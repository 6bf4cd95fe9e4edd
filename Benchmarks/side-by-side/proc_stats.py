"""Per-process CPU time and peak RSS from /proc, and TCP payload bytes per socket from `ss`.

Bytes are read from the kernel's per-socket counters, not from either tool, so both tools are measured
the same way: TCP payload (TLS records included, IP/TCP headers not).
"""

import os
import re
import subprocess

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        # The command name may contain spaces; fields after it are fixed.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss(pid):
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so each scenario has its own peak."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


# With a state filter ss leaves out the State column: Recv-Q Send-Q Local Peer Process.
_SOCKET = re.compile(r"^\d+\s+\d+\s+(\S+):(\d+)\s+(\S+):(\d+)\s+.*pid=(\d+),")


def socket_bytes(pid, peer_ports, own_ports):
    """Sums (sent, received) over the process's established TCP sockets to the peer.

    A socket belongs to the peer link when its remote port is the peer's listening port (we dialled) or its
    local port is our listening port (the peer dialled). Returns also the set of socket keys, so a caller
    can notice a reconnect between two readings.
    """
    out = subprocess.run(["ss", "-tinpH", "state", "established"], capture_output=True, text=True, check=True).stdout
    sent = received = 0
    keys = set()
    lines = out.splitlines()
    i = 0
    while i < len(lines):
        m = _SOCKET.match(lines[i].strip())
        info = lines[i + 1] if i + 1 < len(lines) and not _SOCKET.match(lines[i + 1].strip()) else ""
        i += 2 if info else 1
        if not m or int(m.group(5)) != pid:
            continue
        local_port, remote_port = int(m.group(2)), int(m.group(4))
        if remote_port not in peer_ports and local_port not in own_ports:
            continue
        keys.add((local_port, remote_port))
        sent_match = re.search(r"bytes_sent:(\d+)", info)
        got = re.search(r"bytes_received:(\d+)", info)
        sent += int(sent_match.group(1)) if sent_match else 0
        received += int(got.group(1)) if got else 0
    return sent, received, keys


def foreign_sockets(pid):
    """Sockets of the process whose remote end is not loopback: must stay empty (nothing leaves the machine)."""
    out = subprocess.run(["ss", "-tuanpH"], capture_output=True, text=True, check=True).stdout
    bad = []
    for line in out.splitlines():
        if f"pid={pid}," not in line:
            continue
        parts = line.split()
        # Netid State Recv-Q Send-Q Local Peer ...
        peer = parts[5] if len(parts) > 5 else ""
        host = peer.rsplit(":", 1)[0].strip("[]")
        if host in ("*", "0.0.0.0", "::", "") or host.startswith("127.") or host == "::1":
            continue
        bad.append(line.strip())
    return bad
