#!/usr/bin/env python3
"""Runs two webrtc-peer processes that speak the line protocol of `mesh webrtc-peer` and wires them:
each one's description line goes to the other's stdin. Prints each side's result line as JSON and
exits 0 only if both succeeded.

    pair.py --offer 'CMD…' --answer 'CMD…' [--timeout S]

The commands are shell words; the offerer's and answerer's stderr go to our stderr, prefixed.
"""
import argparse, json, shlex, subprocess, sys, threading, time

def pump(name, proc, other, results, cpu):
    for raw in proc.stdout:
        line = raw.decode().strip()
        if not line:
            continue
        try:
            message = json.loads(line)
        except ValueError:
            print(f"[{name}] {line}", file=sys.stderr)
            continue
        if message.get("type") == "sdp":
            try:
                other.stdin.write((line + "\n").encode())
                other.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass
        elif message.get("type") == "result":
            results[name] = message

def errors(name, proc):
    for raw in proc.stderr:
        sys.stderr.write(f"[{name}] {raw.decode()}")

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--offer", required=True)
    parser.add_argument("--answer", required=True)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    offer = subprocess.Popen(shlex.split(args.offer), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    answer = subprocess.Popen(shlex.split(args.answer), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    results = {}
    threads = [threading.Thread(target=pump, args=("offer", offer, answer, results, None), daemon=True),
               threading.Thread(target=pump, args=("answer", answer, offer, results, None), daemon=True),
               threading.Thread(target=errors, args=("offer", offer), daemon=True),
               threading.Thread(target=errors, args=("answer", answer), daemon=True)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + args.timeout
    codes = {}
    for name, proc in (("offer", offer), ("answer", answer)):
        try:
            codes[name] = proc.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            codes[name] = proc.wait()
    for t in threads[:2]:
        t.join(timeout=5)
    print(json.dumps({"offer": results.get("offer"), "answer": results.get("answer"), "exit": codes}))
    return 0 if codes.get("offer") == 0 and codes.get("answer") == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
