"""Two `mesh run` daemons on loopback with temporary homes, driven through the `mesh` CLI.

Rescans go through `mesh scan`, as a script would run them, so the CLI's start-up is inside Mesh's time.
Status is polled on the control socket directly (one JSON line each way, as `mesh status` does): starting a
.NET process 20 times a second would take CPU from the daemons being measured.
"""

import json
import os
import shutil
import socket
import subprocess
import time

from pair import Pair, stop_process

FOLDER = "bench"


class _Daemon:
    def __init__(self, mesh, name, base, listen_port):
        self.mesh = mesh
        self.name = name
        self.home = os.path.join(base, f"mesh-home-{name}")
        self.folder = os.path.join(base, f"mesh-{name}")
        self.listen_port = listen_port
        self.device_id = ""
        self.process = None

    def cli(self, *args, timeout=600):
        return subprocess.run([*self.mesh, *args, "--home", self.home], check=True, capture_output=True, text=True,
                              timeout=timeout).stdout

    def init(self):
        shutil.rmtree(self.home, ignore_errors=True)
        os.makedirs(self.folder, exist_ok=True)
        self.cli("init", "--name", self.name)
        self.device_id = self.cli("id").strip()
        self.cli("folder", "add", "--id", FOLDER, "--path", self.folder)

    def start(self, log_dir):
        log = open(os.path.join(log_dir, f"mesh-{self.name}.log"), "wb")  # pylint: disable=consider-using-with
        # MESH_LOG_LEVEL=Debug gives the timestamped lines docs/sync.md's timelines are read from.
        level = ["--log-level", os.environ["MESH_LOG_LEVEL"]] if os.environ.get("MESH_LOG_LEVEL") else []
        self.process = subprocess.Popen([*self.mesh, "run", "--home", self.home, "--listen",
                                         f"tcp://127.0.0.1:{self.listen_port}", *level], stdout=log,
                                        stderr=subprocess.STDOUT)

    def status(self):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(30)
            s.connect(os.path.join(self.home, "control.sock"))
            s.sendall(b'{"command":"status"}\n')
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        response = json.loads(data)
        if not response.get("ok"):
            raise OSError(f"mesh status failed: {response.get('error')}")
        return response["status"]

    def stop(self):
        stop_process(self.process)


def _folder(status):
    return next(f for f in status["folders"] if f["id"] == FOLDER)


def _peer(status, device_id):
    return next((p for p in status["peers"] if p["deviceId"] == device_id), {})


class MeshPair(Pair):
    name = "Mesh"

    def __init__(self, base, ports, mesh):
        self.base = base
        self.a = _Daemon(mesh, "a", base, ports[0])
        self.b = _Daemon(mesh, "b", base, ports[2])

    def start(self, timeout=60):
        for daemon in (self.a, self.b):
            daemon.init()
        self.a.cli("peer", "add", "--device-id", self.b.device_id, "--address", f"tcp://127.0.0.1:{self.b.listen_port}",
                   "--folder", FOLDER)
        self.b.cli("peer", "add", "--device-id", self.a.device_id, "--address", f"tcp://127.0.0.1:{self.a.listen_port}",
                   "--folder", FOLDER)
        for daemon in (self.a, self.b):
            daemon.start(self.base)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                status = self.a.status()
                if _peer(status, self.b.device_id).get("connected") and self.synced():
                    return
            except (OSError, StopIteration, ValueError):
                pass
            time.sleep(0.2)
        raise TimeoutError("the Mesh daemons did not connect")

    def scan(self, subs):
        if not subs:
            self.a.cli("scan", "--folder", FOLDER)
        else:
            # All paths in one scan (as Syncthing gets them in one request): a rename from one to another is
            # recognised as a rename only when both names are seen in the same scan.
            self.a.cli("scan", "--folder", FOLDER, *[arg for sub in subs for arg in ("--path", sub)])

    def synced(self):
        status_a, status_b = self.a.status(), self.b.status()
        folder_a, folder_b = _folder(status_a), _folder(status_b)
        peer_on_a = _peer(status_a, self.b.device_id)
        remote = next((f for f in peer_on_a.get("folders", []) if f.get("id") == FOLDER), None)
        if remote is not None and (remote.get("needFiles", 0) or remote.get("needBytes", 0)):
            return False
        return (folder_a["state"] == "idle" and folder_b["state"] == "idle"
                and folder_b["needFiles"] == 0 and folder_a["needFiles"] == 0
                and folder_b["localFiles"] == folder_a["localFiles"]
                and folder_b["localBytes"] == folder_a["localBytes"])

    def tool_bytes(self):
        peer = _peer(self.a.status(), self.b.device_id)
        return peer.get("bytesOut", 0), peer.get("bytesIn", 0)

    def stop(self):
        for daemon in (self.a, self.b):
            daemon.stop()
