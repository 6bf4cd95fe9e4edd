using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Peer.Identity;

/// <summary>
/// A device's long-term ECDSA P-256 key pair and the <see cref="DeviceId"/> derived from it. The key is
/// kept as PKCS#8 PEM in <c>device-key.pem</c> inside the device's config folder, readable by the owner
/// only (file 0600, folder 0700), and is the key of the TLS/DTLS certificates the links present.
/// </summary>
internal sealed class DeviceIdentity : IDisposable
{
    /// <summary>File name of the key inside the config folder.</summary>
    public const string KeyFileName = "device-key.pem";

    private DeviceIdentity(ECDsa key)
    {
        Key = key;
        Id = DeviceId.FromPublicKey(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The key pair.</summary>
    public ECDsa Key { get; }

    /// <summary>The device ID: SHA-256 of the public key.</summary>
    public DeviceId Id { get; }

    /// <summary>A fresh identity that is not stored anywhere (tests, simulations).</summary>
    public static DeviceIdentity CreateEphemeral() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads the identity from <paramref name="directory"/>, creating and storing it the first time.</summary>
    public static DeviceIdentity LoadOrCreate(string directory)
    {
        CreateOwnerOnlyDirectory(directory);
        var path = Path.Combine(directory, KeyFileName);
        if (File.Exists(path))
        {
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new CryptographicException($"{path} does not hold a P-256 key.");
            }

            return new DeviceIdentity(key);
        }

        var identity = CreateEphemeral();
        var pem = identity.Key.ExportPkcs8PrivateKeyPem();
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            // Created with 0600 from the start, so the key is never readable by others, not even briefly.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(pem);
        }

        File.Move(temp, path, overwrite: false);
        return identity;
    }

    /// <summary>
    /// A self-signed certificate over this key, for TLS and DTLS. Peers check it by hashing its public
    /// key into a device ID, so its subject and validity only need to be acceptable to TLS stacks.
    /// </summary>
    public X509Certificate2 CreateCertificate(DateTimeOffset now)
    {
        var request = new CertificateRequest("CN=mesh", Key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
    }

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
