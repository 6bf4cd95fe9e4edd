using System.Net;

namespace Mesh.Transport.Ice;

/// <summary>
/// Configuration of one <see cref="IceAgent"/>, validated once when the agent is made. The timing defaults
/// are chosen for Mesh's few candidates per side; docs/ice.md explains each choice.
/// </summary>
public sealed record IceAgentOptions
{
    /// <summary>The role this agent starts in; a role conflict may change it.</summary>
    public IceRole Role { get; init; } = IceRole.Controlling;

    /// <summary>Our ufrag and password; generated from the agent's random source when null.</summary>
    public IceCredentials? Credentials { get; init; }

    /// <summary>STUN servers for server-reflexive candidates.</summary>
    public IReadOnlyList<IPEndPoint> StunServers { get; init; } = [];

    /// <summary>TURN servers for relayed candidates.</summary>
    public IReadOnlyList<IceTurnServer> TurnServers { get; init; } = [];

    /// <summary>Whether to gather host candidates on IPv6 addresses too.</summary>
    public bool UseIpv6 { get; init; } = true;

    /// <summary>
    /// Ta, the pacing interval between checks (RFC 8445 section 14.2 suggests 50 ms and allows others). With a
    /// handful of pairs per session, 20 ms costs a few kilobits per second and gets the useful check out sooner.
    /// </summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The first retransmission timeout of a connectivity check; it doubles up to <see cref="MaxCheckRto"/>.</summary>
    public TimeSpan CheckRto { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The largest retransmission timeout of a connectivity check.</summary>
    public TimeSpan MaxCheckRto { get; init; } = TimeSpan.FromMilliseconds(1600);

    /// <summary>How many times a check is sent before its pair fails (7 as in RFC 8489's Rc): about 8 s with the defaults.</summary>
    public int CheckTransmissions { get; init; } = 7;

    /// <summary>The first retransmission timeout of a STUN request to a server while gathering.</summary>
    public TimeSpan GatherRto { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many times a request to a STUN or TURN server is sent before that server is given up (about 4 s with the defaults).</summary>
    public int GatherTransmissions { get; init; } = 5;

    /// <summary>
    /// How long the controlling agent waits, after its first valid pair, for a better pair still being checked
    /// before nominating the best valid one. The wait is at least the first pair's round-trip time.
    /// </summary>
    public TimeSpan NominationDelay { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>
    /// The least the controlling agent waits, after a relayed pair became valid, for direct pairs still being
    /// checked. Beyond it, it also waits for any direct check (or retransmission) sent in the last round trip to
    /// be answered, so one lost packet does not send the session through the relay.
    /// </summary>
    public TimeSpan RelayNominationDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait for better pairs before nominating.</summary>
    public TimeSpan MaxNominationDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to try before declaring failure if no pair is selected (also covers a peer that never sends end-of-candidates).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The mean interval between consent checks (RFC 7675: 5 s, randomised by ±20%).</summary>
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long without a consent response before consent is lost (RFC 7675: 30 s).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest datagram handed to the selected path (1200, as WebRTC uses, fits every IPv6 path after TURN overhead).</summary>
    public int MaxDatagramSize { get; init; } = 1200;

    /// <summary>The most candidate pairs kept (RFC 8445 section 6.1.2.5 suggests 100).</summary>
    public int MaxPairs { get; init; } = 100;

    /// <summary>
    /// Whether the TURN client resumes its awaits inline, on the thread that delivered the server's answer.
    /// The simulator sets it so everything runs on its one scheduler thread; over real sockets the default
    /// (resume on the thread pool) keeps socket receive loops short.
    /// </summary>
    public bool RunContinuationsInline { get; init; }

    /// <summary>Throws if a value is out of range.</summary>
    public void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, "must be positive");
            }
        }

        Positive(CheckInterval, nameof(CheckInterval));
        Positive(CheckRto, nameof(CheckRto));
        Positive(MaxCheckRto, nameof(MaxCheckRto));
        Positive(GatherRto, nameof(GatherRto));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(ConsentInterval, nameof(ConsentInterval));
        Positive(ConsentTimeout, nameof(ConsentTimeout));
        if (NominationDelay < TimeSpan.Zero || RelayNominationDelay < TimeSpan.Zero || MaxNominationDelay < NominationDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(NominationDelay), "must be non-negative and at most MaxNominationDelay");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(CheckTransmissions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(GatherTransmissions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramSize, 576);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPairs, 1);
        ArgumentNullException.ThrowIfNull(StunServers);
        ArgumentNullException.ThrowIfNull(TurnServers);
        if (Credentials is not null && !Credentials.IsValid)
        {
            throw new ArgumentException("ICE credentials need a 4+ character ufrag and a 22+ character password of ice-chars", nameof(Credentials));
        }
    }
}
