using System.Collections.Immutable;
using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>
/// An immutable version vector: per device (by short ID), how many changes of that device a version
/// has seen. Counters are kept sorted by device so comparison and merging are one linear walk.
/// A missing counter means zero.
/// </summary>
internal sealed class VersionVector : IEquatable<VersionVector>
{
    private readonly ImmutableArray<(ulong Device, ulong Value)> _counters;

    private VersionVector(ImmutableArray<(ulong Device, ulong Value)> counters) => _counters = counters;

    /// <summary>The vector of a version no device has changed yet.</summary>
    public static VersionVector Empty { get; } = new(ImmutableArray<(ulong, ulong)>.Empty);

    /// <summary>The counters, sorted by device.</summary>
    public ImmutableArray<(ulong Device, ulong Value)> Counters => _counters;

    /// <summary>True when no device has a counter.</summary>
    public bool IsEmpty => _counters.IsEmpty;

    /// <summary>The counter of <paramref name="device"/>, zero when absent.</summary>
    public ulong this[ulong device]
    {
        get
        {
            foreach (var (d, v) in _counters)
            {
                if (d == device)
                {
                    return v;
                }
            }

            return 0;
        }
    }

    /// <summary>Builds a vector from the wire; duplicates keep the highest value, zero counters are dropped.</summary>
    public static VersionVector FromProto(Vector? vector)
    {
        if (vector is null || vector.Counters.Count == 0)
        {
            return Empty;
        }

        // One array, sorted in place and merged, not a sorted map and a LINQ copy: planning and scanning
        // build one vector per entry, thousands per directory rename. A sort rather than insertion keeps a
        // hostile vector of many counters at n log n.
        var counters = new (ulong Device, ulong Value)[vector.Counters.Count];
        var count = 0;
        foreach (var counter in vector.Counters)
        {
            if (counter.Value != 0)
            {
                counters[count++] = (counter.Id, counter.Value);
            }
        }

        counters.AsSpan(0, count).Sort(static (x, y) => x.Device.CompareTo(y.Device));
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (kept > 0 && counters[kept - 1].Device == counters[i].Device)
            {
                counters[kept - 1].Value = Math.Max(counters[kept - 1].Value, counters[i].Value);
            }
            else
            {
                counters[kept++] = counters[i];
            }
        }

        return new VersionVector(kept == counters.Length
            ? System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(counters)
            : ImmutableArray.Create(counters, 0, kept));
    }

    /// <summary>Builds a vector from (device, value) pairs in any order.</summary>
    public static VersionVector Of(params (ulong Device, ulong Value)[] counters)
    {
        var vector = new Vector();
        foreach (var (device, value) in counters)
        {
            vector.Counters.Add(new Counter { Id = device, Value = value });
        }

        return FromProto(vector);
    }

    /// <summary>The wire form.</summary>
    public Vector ToProto()
    {
        var vector = new Vector();
        foreach (var (device, value) in _counters)
        {
            vector.Counters.Add(new Counter { Id = device, Value = value });
        }

        return vector;
    }

    /// <summary>This version after one more change by <paramref name="device"/>.</summary>
    public VersionVector Update(ulong device)
    {
        var builder = ImmutableArray.CreateBuilder<(ulong, ulong)>(_counters.Length + 1);
        var done = false;
        foreach (var (d, v) in _counters)
        {
            if (!done && d == device)
            {
                builder.Add((d, v + 1));
                done = true;
                continue;
            }

            if (!done && d > device)
            {
                builder.Add((device, 1));
                done = true;
            }

            builder.Add((d, v));
        }

        if (!done)
        {
            builder.Add((device, 1));
        }

        return new VersionVector(builder.ToImmutable());
    }

    /// <summary>The smallest version that has seen both: per device the higher counter.</summary>
    public VersionVector Merge(VersionVector other)
    {
        var builder = ImmutableArray.CreateBuilder<(ulong, ulong)>(_counters.Length + other._counters.Length);
        int i = 0, j = 0;
        while (i < _counters.Length || j < other._counters.Length)
        {
            if (j == other._counters.Length || (i < _counters.Length && _counters[i].Device < other._counters[j].Device))
            {
                builder.Add(_counters[i++]);
            }
            else if (i == _counters.Length || other._counters[j].Device < _counters[i].Device)
            {
                builder.Add(other._counters[j++]);
            }
            else
            {
                builder.Add((_counters[i].Device, Math.Max(_counters[i].Value, other._counters[j].Value)));
                i++;
                j++;
            }
        }

        return new VersionVector(builder.ToImmutable());
    }

    /// <summary>How this version relates to <paramref name="other"/>.</summary>
    public VersionOrdering Compare(VersionVector other)
    {
        bool greater = false, lesser = false;
        int i = 0, j = 0;
        while (i < _counters.Length || j < other._counters.Length)
        {
            ulong mine, theirs;
            if (j == other._counters.Length || (i < _counters.Length && _counters[i].Device < other._counters[j].Device))
            {
                (mine, theirs) = (_counters[i++].Value, 0);
            }
            else if (i == _counters.Length || other._counters[j].Device < _counters[i].Device)
            {
                (mine, theirs) = (0, other._counters[j++].Value);
            }
            else
            {
                (mine, theirs) = (_counters[i++].Value, other._counters[j++].Value);
            }

            greater |= mine > theirs;
            lesser |= mine < theirs;
        }

        return (greater, lesser) switch
        {
            (false, false) => VersionOrdering.Equal,
            (true, false) => VersionOrdering.Greater,
            (false, true) => VersionOrdering.Lesser,
            _ => VersionOrdering.Concurrent,
        };
    }

    /// <inheritdoc />
    public bool Equals(VersionVector? other) => other is not null && Compare(other) == VersionOrdering.Equal;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as VersionVector);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var counter in _counters)
        {
            hash.Add(counter);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(",", _counters.Select(c => $"{c.Device:x16}:{c.Value}")) + "}";
}
