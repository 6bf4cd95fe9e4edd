using System.Numerics;

namespace Mesh.Chunking;

/// <summary>
/// One fixed FastCDC parameter set: the Gear table (always <see cref="GearTable"/>), the minimum,
/// average and maximum chunk size, and the normalized-chunking masks derived from them. The set is
/// part of the wire format; its <see cref="Id"/> travels in every manifest so peers never compare
/// chunk lists cut with different settings.
/// </summary>
public sealed class ChunkerParameters
{
    /// <summary>How many bits the small-chunk mask has above, and the large-chunk mask below, log2 of the average (normalization level 2).</summary>
    private const int NormalizationLevel = 2;

    private static readonly ChunkerParameters[] Known =
    [
        new(1, 16 * 1024, 64 * 1024, 256 * 1024),
        new(2, 32 * 1024, 128 * 1024, 512 * 1024),
        new(3, 64 * 1024, 256 * 1024, 1024 * 1024),

        // Set 1's average and maximum with twice the minimum: FastCDC does not scan the first
        // MinSize-1 bytes of a chunk, so the scan costs a quarter less (docs/chunking.md, session 9).
        new(4, 32 * 1024, 64 * 1024, 256 * 1024),
    ];

    /// <summary>Creates a parameter set; only the fixed sets above travel in manifests, others serve tests and measurements.</summary>
    internal ChunkerParameters(uint id, int minSize, int averageSize, int maxSize)
    {
        // The Gear window is 64 bytes and the masks need log2(average) ± 2 bits of a 64-bit fingerprint.
        if (minSize < 64 || averageSize <= minSize || maxSize <= averageSize || !BitOperations.IsPow2(averageSize) || averageSize > 1 << 30)
        {
            throw new ArgumentOutOfRangeException(nameof(averageSize), $"invalid chunk sizes min {minSize}, avg {averageSize}, max {maxSize}");
        }

        Id = id;
        MinSize = minSize;
        AverageSize = averageSize;
        MaxSize = maxSize;
        var bits = BitOperations.Log2((uint)averageSize);

        // A mask of the k top bits is zero exactly when the fingerprint is below 2^(64-k); the top
        // bits of a shift-left Gear hash are the ones that depend on the widest window of input.
        SmallThreshold = 1UL << (64 - (bits + NormalizationLevel));
        LargeThreshold = 1UL << (64 - (bits - NormalizationLevel));
    }

    /// <summary>
    /// The parameter set used for new manifests: set 4 (32/64/256 KiB), chosen for its cheaper scan
    /// against a small dedup cost (docs/chunking.md). Sets 1-3 stay known so stored manifests validate.
    /// </summary>
    public static ChunkerParameters Default => Known[3];

    /// <summary>Every parameter set this build knows, by ascending id.</summary>
    public static IReadOnlyList<ChunkerParameters> All => Known;

    /// <summary>The identifier written into manifests.</summary>
    public uint Id { get; }

    /// <summary>No chunk except the last one of a file is shorter than this.</summary>
    public int MinSize { get; }

    /// <summary>The target average chunk size (a power of two); the mask switch point of normalized chunking.</summary>
    public int AverageSize { get; }

    /// <summary>No chunk is longer than this; a cut is forced here.</summary>
    public int MaxSize { get; }

    /// <summary>Below the average size a cut needs the fingerprint under this value (harder to hit).</summary>
    internal ulong SmallThreshold { get; }

    /// <summary>From the average size on, a cut needs the fingerprint under this value (easier to hit).</summary>
    internal ulong LargeThreshold { get; }

    /// <summary>Returns the parameter set with the given id.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is not a known parameter set.</exception>
    public static ChunkerParameters FromId(uint id) =>
        TryFromId(id, out var parameters)
            ? parameters
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"unknown chunker parameter set id {id}");

    /// <summary>Looks up the parameter set with the given id.</summary>
    public static bool TryFromId(uint id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChunkerParameters? parameters)
    {
        foreach (var known in Known)
        {
            if (known.Id == id)
            {
                parameters = known;
                return true;
            }
        }

        parameters = null;
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Id} (min {MinSize}, avg {AverageSize}, max {MaxSize})";
}
