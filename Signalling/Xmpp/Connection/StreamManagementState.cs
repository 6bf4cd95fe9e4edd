using System.Xml.Linq;

namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>
/// The client's side of XEP-0198 for one session: how many stanzas we handled (h), how many we sent, and
/// the sent ones the server has not acknowledged yet, which are re-sent after resumption so a dropped
/// connection loses nothing. Counters wrap at 2^32 as the XEP says.
/// </summary>
internal sealed class StreamManagementState
{
    private readonly Queue<(uint Sequence, XElement Stanza)> _unacked = new();
    private readonly object _gate = new();

    /// <summary>The session id to resume, when the server allowed resumption.</summary>
    public string? Id { get; set; }

    /// <summary>The full JID of the session (kept across resumption).</summary>
    public Jid? BoundJid { get; set; }

    /// <summary>Stanzas received and handled in this session.</summary>
    public uint InboundHandled { get; private set; }

    /// <summary>Stanzas sent in this session.</summary>
    public uint OutboundSent { get; private set; }

    /// <summary>Sent but not acknowledged stanzas.</summary>
    public int UnackedCount
    {
        get
        {
            lock (_gate)
            {
                return _unacked.Count;
            }
        }
    }

    /// <summary>Counts one received stanza.</summary>
    public void OnReceived()
    {
        lock (_gate)
        {
            InboundHandled++;
        }
    }

    /// <summary>Records one sent stanza for possible re-sending.</summary>
    public void OnSent(XElement stanza)
    {
        lock (_gate)
        {
            OutboundSent++;
            _unacked.Enqueue((OutboundSent, stanza));
        }
    }

    /// <summary>The server acknowledged everything up to <paramref name="h"/>.</summary>
    public void OnAcknowledged(uint h)
    {
        lock (_gate)
        {
            // Serial-number arithmetic: drop items whose sequence is at or before h.
            while (_unacked.Count > 0 && (int)(h - _unacked.Peek().Sequence) >= 0)
            {
                _unacked.Dequeue();
            }
        }
    }

    /// <summary>After resumption: drops what the server got, and returns the rest in order to send again.</summary>
    public IReadOnlyList<XElement> TakeForResend(uint h)
    {
        lock (_gate)
        {
            OnAcknowledged(h);
            var rest = _unacked.Select(x => x.Stanza).ToArray();
            _unacked.Clear();
            OutboundSent = h;
            return rest;
        }
    }

    /// <summary>For a fresh session: forgets the counters; returns the unacknowledged stanzas.</summary>
    public IReadOnlyList<XElement> Reset()
    {
        lock (_gate)
        {
            var rest = _unacked.Select(x => x.Stanza).ToArray();
            _unacked.Clear();
            InboundHandled = 0;
            OutboundSent = 0;
            Id = null;
            BoundJid = null;
            return rest;
        }
    }
}
