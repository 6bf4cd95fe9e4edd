"""What the benchmark asks of either tool's pair of instances: subclasses set `a` and `b`, each with
`folder`, `process` and `listen_port`."""

import subprocess


def stop_process(process):
    """Asks a tool's process to stop (SIGTERM), as a person would, and kills it after 20 s."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Pair:
    @property
    def folder_a(self):
        return self.a.folder

    @property
    def folder_b(self):
        return self.b.folder

    def pids(self):
        return self.a.process.pid, self.b.process.pid

    def listen_ports(self):
        return self.a.listen_port, self.b.listen_port
