namespace Mesh.Simulator.Network;

/// <summary>
/// How a network segment treats each packet that crosses it: one-way delay, random variation of that
/// delay, loss, duplication, reordering, a serialisation rate and an MTU. All randomness comes from the
/// network's seeded source, so a profile with jitter or loss still repeats exactly under one seed.
/// </summary>
public sealed record LinkProfile
{
    /// <summary>A perfect link: no delay, no loss, unlimited rate, 1500-byte MTU.</summary>
    public static LinkProfile Ideal { get; } = new();

    /// <summary>Fixed one-way delay of every packet.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Extra one-way delay drawn uniformly from [0, Jitter]; large jitter reorders packets by itself.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Probability in [0, 1] that a packet is lost.</summary>
    public double Loss { get; init; }

    /// <summary>Probability in [0, 1] that a packet is delivered twice.</summary>
    public double Duplication { get; init; }

    /// <summary>Probability in [0, 1] that a packet is held back by <see cref="ReorderDelay"/>, so later ones overtake it.</summary>
    public double Reordering { get; init; }

    /// <summary>How long a reordered packet is held back.</summary>
    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Serialisation rate in bits per second; 0 means unlimited. Packets queue behind each other at this rate.</summary>
    public long BitsPerSecond { get; init; }

    /// <summary>Largest IP packet (payload plus 28 bytes of IPv4/UDP headers, 48 for IPv6) the link carries; larger ones are dropped, as with DF set.</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>Checks that every probability is in [0, 1] and every duration non-negative.</summary>
    public void Validate()
    {
        static void Probability(double p, string name)
        {
            if (p is < 0 or > 1 || double.IsNaN(p))
            {
                throw new ArgumentOutOfRangeException(name, p, "must be a probability in [0, 1]");
            }
        }

        Probability(Loss, nameof(Loss));
        Probability(Duplication, nameof(Duplication));
        Probability(Reordering, nameof(Reordering));
        if (Latency < TimeSpan.Zero || Jitter < TimeSpan.Zero || ReorderDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Latency), "delays must not be negative");
        }

        if (Mtu < 68 || BitsPerSecond < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Mtu), "MTU must be at least 68 and the rate non-negative");
        }
    }
}
