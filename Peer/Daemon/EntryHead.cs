using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Daemon;

/// <summary>
/// The type and size of a stored <see cref="FileEntry"/>, read from a few bytes of its encoding without
/// decoding the rest. The index writes entries with Google.Protobuf, which emits fields in
/// field-number order, so name (1), type (2) and size (3) come before the version and the manifest; a
/// status count then reads a few bytes per entry instead of a manifest that, for a large file, is
/// hundreds of KiB.
/// </summary>
internal static class EntryHead
{
    /// <summary>
    /// SQL for the bytes of a stored entry (column <c>entry</c> of table alias <c>l</c>) after its name
    /// field, where type and size follow (at most 21 bytes). The name's length prefix is one byte below
    /// 128 bytes of name and two below 16 KiB, longer than any path a file system takes.
    /// </summary>
    public const string HeadOfLocal =
        "substr(l.entry, 2 + (CASE WHEN length(CAST(l.name AS BLOB)) < 128 THEN 1 ELSE 2 END) + length(CAST(l.name AS BLOB)), 21)";

    /// <summary>SQL for how many bytes of the entry of <c>l</c> follow its name field, to tell a whole remainder from a head.</summary>
    public const string RestOfLocalLength =
        "length(l.entry) - 1 - (CASE WHEN length(CAST(l.name AS BLOB)) < 128 THEN 1 ELSE 2 END) - length(CAST(l.name AS BLOB))";

    private const int NameField = 1;
    private const int TypeField = 2;
    private const int SizeField = 3;
    private const int VarintWire = 0;
    private const int LengthWire = 2;

    /// <summary>
    /// Reads type and size from <paramref name="head"/>, bytes of an encoded entry from a field
    /// boundary at or before the type field (the rest of the entry from there when
    /// <paramref name="complete"/>). False when the head ends before those fields are settled: the
    /// caller decodes the whole entry instead. Fields left out of the encoding have their default (a
    /// file of size 0).
    /// </summary>
    /// <exception cref="FormatException">The bytes are not a well-formed entry.</exception>
    /// <summary>
    /// <see cref="TryRead"/> for the status counts: a head that does not parse is answered with false,
    /// like one laid out otherwise, so the caller decodes that one entry whole instead of failing.
    /// </summary>
    public static bool TryReadOrDecodeWhole(byte[] head, bool complete, out FileType type, out ulong size)
    {
        try
        {
            return TryRead(head, complete, out type, out size);
        }
        catch (FormatException)
        {
            (type, size) = (FileType.File, 0);
            return false;
        }
    }

    public static bool TryRead(ReadOnlySpan<byte> head, bool complete, out FileType type, out ulong size)
    {
        type = FileType.File;
        size = 0;
        var at = 0;
        while (at < head.Length)
        {
            if (!TryReadVarint(head, ref at, out var tag))
            {
                return Incomplete(complete);
            }

            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            if (field > SizeField)
            {
                return true;
            }

            if (field == NameField && wire == LengthWire)
            {
                if (!TryReadVarint(head, ref at, out var length))
                {
                    return Incomplete(complete);
                }

                if (length > (ulong)(head.Length - at))
                {
                    return Incomplete(complete);
                }

                at += (int)length;
            }
            else if (field is TypeField or SizeField && wire == VarintWire)
            {
                if (!TryReadVarint(head, ref at, out var value))
                {
                    return Incomplete(complete);
                }

                if (field == TypeField)
                {
                    type = (FileType)(int)value;
                }
                else
                {
                    size = value;
                }
            }
            else
            {
                throw new FormatException($"unexpected field {field} with wire type {wire} at the start of an entry");
            }
        }

        // The end of a whole entry settles everything; the end of a head may come before a type or size.
        return complete;
    }

    private static bool Incomplete(bool complete) =>
        complete ? throw new FormatException("the entry ends inside a field") : false;

    // False when the head ends inside the varint; a varint over 64 bits is malformed.
    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, ref int at, out ulong value) =>
        Varint.TryRead(bytes, ref at, out value) switch
        {
            VarintRead.Read => true,
            VarintRead.Ended => false,
            _ => throw new FormatException("a varint longer than 64 bits"),
        };
}
