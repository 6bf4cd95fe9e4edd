using System.Runtime.InteropServices;
using System.Text;

namespace Mesh.Peer.Sync;

/// <summary>
/// Unicode NFC checks for names. The build runs with invariant globalization, in which
/// <see cref="string.IsNormalized()"/> does not look past ASCII, so this goes to the system's ICU
/// (<c>libicuuc</c>, whose exported names carry its major version) directly. Without ICU it falls back
/// to the runtime's own normalization, which is exact whenever globalization is enabled.
/// </summary>
internal static unsafe class Nfc
{
    private const int MaxBufferGrowth = 4;

    private static readonly nint Normalizer;
    private static readonly delegate* unmanaged<nint, char*, int, int*, sbyte> IsNormalizedIcu;
    private static readonly delegate* unmanaged<nint, char*, int, char*, int, int*, int> NormalizeIcu;

#pragma warning disable CA1810 // The probe has several steps that must run once, in order.
    static Nfc()
#pragma warning restore CA1810
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        for (var version = 90; version >= 50; version--)
        {
            if (!NativeLibrary.TryLoad($"libicuuc.so.{version}", out var library))
            {
                continue;
            }

            if (NativeLibrary.TryGetExport(library, $"unorm2_getNFCInstance_{version}", out var getInstance) &&
                NativeLibrary.TryGetExport(library, $"unorm2_isNormalized_{version}", out var isNormalized) &&
                NativeLibrary.TryGetExport(library, $"unorm2_normalize_{version}", out var normalize))
            {
                var error = 0;
                var instance = ((delegate* unmanaged<int*, nint>)getInstance)(&error);
                if (error <= 0 && instance != 0)
                {
                    Normalizer = instance;
                    IsNormalizedIcu = (delegate* unmanaged<nint, char*, int, int*, sbyte>)isNormalized;
                    NormalizeIcu = (delegate* unmanaged<nint, char*, int, char*, int, int*, int>)normalize;
                    return;
                }
            }
        }
    }

    /// <summary>True when the check is exact (ICU found, or the runtime has globalization).</summary>
    public static bool IsExact => Normalizer != 0 || !"e\u0301".IsNormalized(NormalizationForm.FormC);

    /// <summary>True when <paramref name="text"/> is in NFC.</summary>
    public static bool IsNormalized(string text)
    {
        if (Normalizer == 0 || IsAscii(text))
        {
            return text.IsNormalized(NormalizationForm.FormC);
        }

        var error = 0;
        sbyte result;
        fixed (char* chars = text)
        {
            result = IsNormalizedIcu(Normalizer, chars, text.Length, &error);
        }

        return error <= 0 ? result != 0 : text.IsNormalized(NormalizationForm.FormC);
    }

    /// <summary><paramref name="text"/> in NFC.</summary>
    public static string Normalize(string text)
    {
        if (Normalizer == 0 || IsAscii(text))
        {
            return text.Normalize(NormalizationForm.FormC);
        }

        // NFC never grows a string by more than a small factor; start at the input length.
        for (var capacity = text.Length + 16; capacity <= (text.Length * MaxBufferGrowth) + 16; capacity *= 2)
        {
            var buffer = new char[capacity];
            var error = 0;
            int length;
            fixed (char* source = text)
            fixed (char* destination = buffer)
            {
                length = NormalizeIcu(Normalizer, source, text.Length, destination, capacity, &error);
            }

            if (error <= 0)
            {
                return new string(buffer, 0, length);
            }
        }

        return text.Normalize(NormalizationForm.FormC);
    }

    private static bool IsAscii(string text) => Ascii.IsValid(text);
}
