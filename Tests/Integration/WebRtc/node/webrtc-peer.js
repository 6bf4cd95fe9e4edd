#!/usr/bin/env node
// The libwebrtc side of Mesh's interop tests and benchmark: the same line protocol and modes as
// `mesh webrtc-peer`, over Google's libwebrtc as packaged by @roamhq/wrtc.
//
//   node webrtc-peer.js --role offer|answer --mode echo|send|recv|echotest [--mib N] [--msg BYTES] [--timeout S]
//
// Descriptions are one JSON line each on stdout/stdin ({"type":"sdp","desc":{...}}), no trickle; the
// offerer opens one reliable ordered channel "bench"; one {"type":"result",...} line ends the run.
// Logs go to stderr. Set WRTC_MODULE to the installed package's folder if it is not on NODE_PATH.
'use strict';
const crypto = require('crypto');
const readline = require('readline');
const wrtc = require(process.env.WRTC_MODULE || '@roamhq/wrtc');

const args = { mib: 64, msg: 65536, timeout: 120 };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const role = args.role, mode = args.mode, bytes = Number(args.mib) * 1024 * 1024, msgSize = Number(args.msg);
if (!['offer', 'answer'].includes(role) || !['echo', 'send', 'recv', 'echotest'].includes(mode)) {
  process.stderr.write('usage: webrtc-peer.js --role offer|answer --mode echo|send|recv|echotest [--mib N] [--msg BYTES] [--timeout S]\n');
  process.exit(2);
}
const ECHO_SIZES = [0, 1, 100, 1200, 16 * 1024, 64 * 1024 - 1, 64 * 1024, 128 * 1024, 256 * 1024 - 1];
const log = (text) => process.stderr.write(`wrtc-peer: ${text}\n`);
const cpuStart = process.cpuUsage();
let finished = false;

function finish(result) {
  if (finished) return;
  finished = true;
  const cpu = process.cpuUsage(cpuStart);
  const seconds = result.seconds || 0;
  const line = Object.assign({ type: 'result', bytes: result.bytes || 0, seconds,
    MBps: seconds > 0 ? Math.round((result.bytes || 0) / seconds / 1e4) / 100 : 0,
    cpuSeconds: (cpu.user + cpu.system) / 1e6 }, result);
  process.stdout.write(JSON.stringify(line) + '\n');
  if (result.error) log(result.error);
  const ok = !result.error && result.ok !== false;
  // Give the last messages a moment to be acknowledged before the process (and its SCTP) goes.
  setTimeout(() => process.exit(ok ? 0 : 1), 500);
}

setTimeout(() => finish({ error: 'timed out' }), Number(args.timeout) * 1000).unref();

const lines = readline.createInterface({ input: process.stdin });
const pendingLines = [];
let lineWaiter = null;
lines.on('line', (line) => { if (lineWaiter) { const w = lineWaiter; lineWaiter = null; w(line); } else pendingLines.push(line); });
const nextLine = () => new Promise((resolve) => { if (pendingLines.length) resolve(pendingLines.shift()); else lineWaiter = resolve; });

async function readDescription(type) {
  for (;;) {
    const line = await nextLine();
    if (!line || !line.trim()) continue;
    const message = JSON.parse(line);
    if (message.type !== 'sdp') continue;
    if (message.desc.type !== type) throw new Error(`expected an ${type}, got ${message.desc.type}`);
    return message.desc;
  }
}

function gathered(pc) {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
    pc.addEventListener('icecandidate', (e) => { if (!e.candidate) resolve(); });
  });
}

// Messages in arrival order, for the modes that wait for replies.
function inbox(channel) {
  const queue = [];
  let waiter = null;
  channel.addEventListener('message', (e) => {
    const item = typeof e.data === 'string' ? { text: true, data: Buffer.from(e.data, 'utf8') } : { text: false, data: Buffer.from(e.data) };
    if (waiter) { const w = waiter; waiter = null; w(item); } else queue.push(item);
  });
  channel.addEventListener('close', () => { if (waiter) { const w = waiter; waiter = null; w(null); } });
  return () => new Promise((resolve) => { if (queue.length) resolve(queue.shift()); else waiter = resolve; });
}

// Waits while more than 4 MiB are queued. The low-water event is used when the binding raises it; a
// short poll covers bindings that do not, so a missed event cannot stall the sender.
async function sendWithBackpressure(channel, data) {
  while (channel.bufferedAmount > 4 * 1024 * 1024) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 2);
      channel.onbufferedamountlow = () => { clearTimeout(timer); resolve(); };
    });
  }
  channel.send(data);
}

async function runSend(channel) {
  const next = inbox(channel);
  channel.send(JSON.stringify({ hdr: { bytes, msg: msgSize } }));
  const hash = crypto.createHash('sha256');
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < bytes;) {
    const message = crypto.randomBytes(Math.min(msgSize, bytes - sent));
    hash.update(message);
    await sendWithBackpressure(channel, message);
    sent += message.length;
  }
  const ours = hash.digest('hex');
  log(`sent ${bytes} bytes, waiting for the ack`);
  for (;;) {
    const item = await next();
    if (!item) return finish({ bytes, error: 'the channel closed before the ack' });
    if (!item.text) continue;
    const message = JSON.parse(item.data.toString('utf8'));
    if (!message.ack) continue;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const ok = message.ack.bytes === bytes && message.ack.sha256.toLowerCase() === ours;
    return finish({ bytes, seconds, sha256: ours, ok, error: ok ? undefined : `the receiver got ${message.ack.bytes} bytes with SHA-256 ${message.ack.sha256}` });
  }
}

function runRecv(channel) {
  const hash = crypto.createHash('sha256');
  let expected = -1, received = 0, started = 0n;
  channel.addEventListener('close', () => finish({ bytes: received, error: 'the channel closed before all data arrived' }));
  channel.addEventListener('message', (e) => {
    if (expected < 0) {
      if (typeof e.data === 'string') {
        const message = JSON.parse(e.data);
        if (message.hdr) { expected = message.hdr.bytes; started = process.hrtime.bigint(); }
      }
      return;
    }
    const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : Buffer.from(e.data);
    hash.update(data);
    received += data.length;
    if (received >= expected) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const sha256 = hash.digest('hex');
      channel.send(JSON.stringify({ ack: { bytes: received, sha256, ms: Math.round(seconds * 1000) } }));
      finish({ bytes: received, seconds, sha256, error: received === expected ? undefined : `received ${received}, expected ${expected}` });
    }
  });
}

async function runEcho(channel) {
  const next = inbox(channel);
  const started = process.hrtime.bigint();
  let total = 0;
  for (;;) {
    const item = await next();
    if (!item) break;
    if (item.text && item.data.length < 64) {
      try { if (JSON.parse(item.data.toString('utf8')).bye) break; } catch { /* not a control message */ }
    }
    await sendWithBackpressure(channel, item.text ? item.data.toString('utf8') : item.data);
    total += item.data.length;
  }
  finish({ bytes: total, seconds: Number(process.hrtime.bigint() - started) / 1e9, ok: true });
}

async function runEchoTest(channel) {
  const next = inbox(channel);
  const started = process.hrtime.bigint();
  let total = 0;
  for (const size of ECHO_SIZES) {
    for (const asText of [true, false]) {
      const payload = asText ? Buffer.from(Array.from({ length: size }, () => 97 + crypto.randomInt(26))) : crypto.randomBytes(size);
      await sendWithBackpressure(channel, asText ? payload.toString('latin1') : payload);
      const echo = await next();
      if (!echo) return finish({ bytes: total, ok: false, error: `the channel closed while waiting for the ${size}-byte echo` });
      if (echo.text !== asText || !echo.data.equals(payload)) {
        return finish({ bytes: total, ok: false, error: `the ${size}-byte ${asText ? 'text' : 'binary'} echo came back as ${echo.data.length} bytes of ${echo.text ? 'text' : 'binary'}` });
      }
      total += size;
      log(`echo of ${size} bytes (${asText ? 'text' : 'binary'}) ok`);
    }
  }
  channel.send(JSON.stringify({ bye: 1 }));
  finish({ bytes: total, seconds: Number(process.hrtime.bigint() - started) / 1e9, ok: true });
}

async function run(channel) {
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = 1024 * 1024;
  if (channel.readyState !== 'open') await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
  log(`channel ${channel.label} open`);
  if (mode === 'send') return runSend(channel);
  if (mode === 'recv') return runRecv(channel);
  if (mode === 'echo') return runEcho(channel);
  return runEchoTest(channel);
}

async function main() {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  pc.addEventListener('connectionstatechange', () => log(`connection ${pc.connectionState}`));
  if (role === 'offer') {
    const channel = pc.createDataChannel('bench', { ordered: true });
    const started = run(channel);
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    process.stdout.write(JSON.stringify({ type: 'sdp', desc: { type: 'offer', sdp: pc.localDescription.sdp } }) + '\n');
    await pc.setRemoteDescription(await readDescription('answer'));
    await started;
  } else {
    const channelReady = new Promise((resolve) => pc.addEventListener('datachannel', (e) => { if (e.channel.label === 'bench') resolve(e.channel); }));
    await pc.setRemoteDescription(await readDescription('offer'));
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    process.stdout.write(JSON.stringify({ type: 'sdp', desc: { type: 'answer', sdp: pc.localDescription.sdp } }) + '\n');
    await run(await channelReady);
  }
}

main().catch((e) => finish({ error: String(e && e.message || e) }));
