"""What the benchmark asks of either tool's pair of instances: subclasses set `a` and `b`, each with
`folder`, `process` and `listen_port`."""


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
