namespace Mesh.Peer.Index;

/// <summary>
/// The order in which SQLite sorts names in the index (its default collation compares the UTF-8 bytes),
/// which is code point order. Ordinal comparison of .NET strings compares UTF-16 code units and puts
/// characters above U+FFFF before U+E000–U+FFFF, so it cannot be used to compare with a name SQLite sorted.
/// </summary>
internal static class StoredNameOrder
{
    /// <summary>Negative when <paramref name="a"/> sorts before <paramref name="b"/> in the index, zero when equal.</summary>
    public static int Compare(string a, string b)
    {
        var x = a.EnumerateRunes();
        var y = b.EnumerateRunes();
        while (true)
        {
            var moreX = x.MoveNext();
            var moreY = y.MoveNext();
            if (!moreX || !moreY)
            {
                return moreX.CompareTo(moreY);
            }

            var order = x.Current.Value.CompareTo(y.Current.Value);
            if (order != 0)
            {
                return order;
            }
        }
    }
}
