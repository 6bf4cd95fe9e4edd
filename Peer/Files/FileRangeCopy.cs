using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Files;

/// <summary>
/// Copies a byte range from one open file into another. On Linux this is <c>copy_file_range(2)</c>: the
/// kernel moves the bytes page cache to page cache (or shares the blocks, on file systems with reflinks)
/// without a trip through user space and without one system call per chunk. Where the call is missing
/// or refused (another file system, an old kernel, other platforms) the bytes go through a pooled
/// buffer in large reads and writes.
/// </summary>
internal static partial class FileRangeCopy
{
    private const int BufferBytes = 4 * 1024 * 1024;

    // copy_file_range's answers that mean "not here, copy by hand"; any other error is a real failure.
    private const int NotPermitted = 1;
    private const int CrossDevice = 18;
    private const int Invalid = 22;
    private const int NoSystemCall = 38;
    private const int NotSupported = 95;

    // Set once the kernel refused the call for a reason that will not change in this process.
    private static int s_kernelCopyUnavailable;

    /// <summary>
    /// Copies <paramref name="length"/> bytes from <paramref name="source"/> at
    /// <paramref name="sourceOffset"/> into <paramref name="destination"/> at
    /// <paramref name="destinationOffset"/>. Neither handle's file position is used or moved.
    /// </summary>
    /// <exception cref="IOException">A read or write failed, or the source ended before the range did.</exception>
    public static void Copy(SafeFileHandle source, long sourceOffset, SafeFileHandle destination, long destinationOffset, long length)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(destinationOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var done = 0L;
        if (OperatingSystem.IsLinux() && Volatile.Read(ref s_kernelCopyUnavailable) == 0)
        {
            done = KernelCopy(source, sourceOffset, destination, destinationOffset, length);
        }

        if (done < length)
        {
            BufferedCopy(source, sourceOffset + done, destination, destinationOffset + done, length - done);
        }
    }

    /// <summary>True when this process copies with <c>copy_file_range(2)</c> (until the kernel refuses it once).</summary>
    public static bool UsesKernelCopy => OperatingSystem.IsLinux() && Volatile.Read(ref s_kernelCopyUnavailable) == 0;

    // Returns how much was copied; less than asked only when the kernel refused the call, and then the
    // caller copies the rest by hand.
    private static long KernelCopy(SafeFileHandle source, long sourceOffset, SafeFileHandle destination, long destinationOffset, long length)
    {
        var done = 0L;
        var addRefSource = false;
        var addRefDestination = false;
        try
        {
            source.DangerousAddRef(ref addRefSource);
            destination.DangerousAddRef(ref addRefDestination);
            var input = (int)source.DangerousGetHandle();
            var output = (int)destination.DangerousGetHandle();
            while (done < length)
            {
                var inOffset = sourceOffset + done;
                var outOffset = destinationOffset + done;
                // At most 1 GiB per call: the kernel copies less than asked anyway and a bounded call
                // stays interruptible.
                var want = (nuint)Math.Min(length - done, 1L << 30);
                var copied = CopyFileRange(input, ref inOffset, output, ref outOffset, want, 0);
                if (copied > 0)
                {
                    done += copied;
                    continue;
                }

                if (copied == 0)
                {
                    throw new IOException($"the source file ended {length - done} bytes before the range to copy did");
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == 4)
                {
                    continue; // EINTR
                }

                if (errno is CrossDevice or Invalid or NotPermitted)
                {
                    // This pair of files cannot be copied in the kernel (another file system, a special
                    // file); others may, so only this copy goes by hand.
                    return done;
                }

                if (errno is NoSystemCall or NotSupported)
                {
                    Volatile.Write(ref s_kernelCopyUnavailable, 1);
                    return done;
                }

                throw new IOException($"copy_file_range failed (errno {errno})", errno);
            }

            return done;
        }
        finally
        {
            if (addRefDestination)
            {
                destination.DangerousRelease();
            }

            if (addRefSource)
            {
                source.DangerousRelease();
            }
        }
    }

    private static void BufferedCopy(SafeFileHandle source, long sourceOffset, SafeFileHandle destination, long destinationOffset, long length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(BufferBytes, Math.Max(length, 1)));
        try
        {
            var done = 0L;
            while (done < length)
            {
                var want = (int)Math.Min(buffer.Length, length - done);
                var read = RandomAccess.Read(source, buffer.AsSpan(0, want), sourceOffset + done);
                if (read == 0)
                {
                    throw new IOException($"the source file ended {length - done} bytes before the range to copy did");
                }

                RandomAccess.Write(destination, buffer.AsSpan(0, read), destinationOffset + done);
                done += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRange(int inputFd, ref long inputOffset, int outputFd, ref long outputOffset, nuint length, uint flags);
}
