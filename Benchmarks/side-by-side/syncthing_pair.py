"""Two Syncthing instances on loopback, configured so nothing leaves the machine.

The config is generated with `syncthing generate` and edited before the first start: global and local
discovery, relays, NAT traversal (UPnP/NAT-PMP and STUN), usage and crash reporting and upgrades off;
the folder watcher and periodic rescans off, so only the benchmark's REST scans find changes.
"""

import json
import os
import secrets
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from pair import Pair, stop_process

FOLDER = "bench"

_OPTIONS = {
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "stunKeepaliveStartS": "0",
    "stunKeepaliveMinS": "0",
    "urAccepted": "-1",
    "urSeen": "3",
    "urURL": "",
    "autoUpgradeIntervalH": "0",
    "releasesURL": "",
    "crashReportingEnabled": "false",
    "crashReportingURL": "",
    "startBrowser": "false",
    "restartOnWakeup": "false",
    "announceLANAddresses": "false",
    "reconnectionIntervalS": "2",
    # Syncthing lowers its own priority by default; the benchmark gives both tools the same footing.
    "setLowPriority": "false",
}


class _Instance:
    def __init__(self, name, base, listen_port, gui_port):
        self.name = name
        self.home = os.path.join(base, f"st-home-{name}")
        self.folder = os.path.join(base, f"st-{name}")
        self.listen_port = listen_port
        self.gui_port = gui_port
        self.api_key = secrets.token_hex(16)
        self.device_id = ""
        self.process = None

    def generate(self):
        shutil.rmtree(self.home, ignore_errors=True)
        os.makedirs(os.path.join(self.folder, ".stfolder"), exist_ok=True)
        subprocess.run(["syncthing", "generate", "--home", self.home, "--no-default-folder", "--skip-port-probing"],
                       check=True, capture_output=True)
        self.device_id = subprocess.run(["syncthing", "serve", "--home", self.home, "--device-id"],
                                        check=True, capture_output=True, text=True).stdout.strip()

    def configure(self, peer):
        path = os.path.join(self.home, "config.xml")
        tree = ET.parse(path)
        root = tree.getroot()
        options = root.find("options")
        for key, value in _OPTIONS.items():
            element = options.find(key)
            if element is None:
                element = ET.SubElement(options, key)
            element.text = value
        options.find("listenAddress").text = f"tcp://127.0.0.1:{self.listen_port}"
        for element in options.findall("globalAnnounceServer"):
            options.remove(element)
        gui = root.find("gui")
        gui.find("address").text = f"127.0.0.1:{self.gui_port}"
        gui.find("apikey").text = self.api_key
        root.find("device").set("name", self.name)

        remote = ET.SubElement(root, "device", {"id": peer.device_id, "name": peer.name, "compression": "metadata",
                                                "introducer": "false", "skipIntroductionRemovals": "false",
                                                "introducedBy": ""})
        ET.SubElement(remote, "address").text = f"tcp://127.0.0.1:{peer.listen_port}"
        ET.SubElement(remote, "paused").text = "false"
        ET.SubElement(remote, "autoAcceptFolders").text = "false"

        # The generated defaults carry every folder field; the benchmark's folder is a copy of them.
        folder = _copy(root.find("defaults").find("folder"))
        folder.set("id", FOLDER)
        folder.set("label", FOLDER)
        folder.set("path", self.folder)
        folder.set("rescanIntervalS", "0")
        folder.set("fsWatcherEnabled", "false")
        for device in folder.findall("device"):
            folder.remove(device)
        for device_id in (self.device_id, peer.device_id):
            ET.SubElement(folder, "device", {"id": device_id, "introducedBy": ""})
        root.insert(0, folder)
        tree.write(path)

    def start(self, log_dir):
        # STMONITORED makes `serve` run in this process instead of forking a monitored child, so the PID is the worker.
        env = dict(os.environ, STNOUPGRADE="1", STNORESTART="1", STNODEFAULTFOLDER="1", STMONITORED="yes")
        log = open(os.path.join(log_dir, f"syncthing-{self.name}.log"), "wb")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(["syncthing", "serve", "--home", self.home, "--no-browser", "--no-restart",
                                         "--no-upgrade"], stdout=log, stderr=subprocess.STDOUT, env=env)

    def rest(self, method, path, **query):
        url = f"http://127.0.0.1:{self.gui_port}{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        request = urllib.request.Request(url, method=method, headers={"X-API-Key": self.api_key})
        with urllib.request.urlopen(request, timeout=600) as response:
            body = response.read()
        return json.loads(body) if body.strip() else None

    def stop(self):
        stop_process(self.process)


def _copy(element):
    return ET.fromstring(ET.tostring(element))


class SyncthingPair(Pair):
    """A sends, B receives (both send-receive); the benchmark changes A and waits for B."""

    name = "Syncthing"

    def __init__(self, base, ports):
        self.base = base
        self.a = _Instance("a", base, ports[0], ports[1])
        self.b = _Instance("b", base, ports[2], ports[3])

    def start(self, timeout=60):
        for instance in (self.a, self.b):
            instance.generate()
        self.a.configure(self.b)
        self.b.configure(self.a)
        for instance in (self.a, self.b):
            instance.start(self.base)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                connections = self.a.rest("GET", "/rest/system/connections")["connections"]
                if connections.get(self.b.device_id, {}).get("connected"):
                    if all(i.rest("GET", "/rest/db/status", folder=FOLDER)["state"] == "idle" for i in (self.a, self.b)):
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError("the Syncthing instances did not connect")

    def scan(self, subs):
        """POST /rest/db/scan returns when the scan has finished, so A's index holds the change afterwards."""
        query = {"folder": FOLDER}
        if subs:
            query["sub"] = list(subs)
        self.a.rest("POST", "/rest/db/scan", **query)

    def synced(self):
        """B has everything and A knows it: A's completion for B is 100 and B is idle with nothing needed."""
        completion = self.a.rest("GET", "/rest/db/completion", folder=FOLDER, device=self.b.device_id)
        if completion["completion"] < 100 or completion["needItems"] or completion["needDeletes"]:
            return False
        status_a = self.a.rest("GET", "/rest/db/status", folder=FOLDER)
        status_b = self.b.rest("GET", "/rest/db/status", folder=FOLDER)
        return (status_b["state"] == "idle" and status_b["needTotalItems"] == 0
                and status_b["localFiles"] == status_a["localFiles"]
                and status_b["localBytes"] == status_a["localBytes"]
                and status_b["localDirectories"] == status_a["localDirectories"])

    def tool_bytes(self):
        """(A out, A in) as Syncthing counts them on the connection to B (protocol bytes inside TLS)."""
        connection = self.a.rest("GET", "/rest/system/connections")["connections"].get(self.b.device_id, {})
        return connection.get("outBytesTotal", 0), connection.get("inBytesTotal", 0)

    def stop(self):
        for instance in (self.a, self.b):
            instance.stop()
