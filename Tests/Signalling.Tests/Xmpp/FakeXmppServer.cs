using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Mesh.Signalling.Tests.Xmpp;

/// <summary>
/// A deliberately small, scriptable XMPP server on loopback for hostile-server tests: it logs a client
/// in (STARTTLS with a self-signed certificate the client pins, SASL PLAIN, bind) and then runs the
/// test's script for that connection number.
/// </summary>
internal sealed partial class FakeXmppServer : IAsyncDisposable
{
    public const string Domain = "fake.test";
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, Session, Task> _script;
    private readonly List<Task> _sessions = [];
    private readonly Task _accepting;

    public FakeXmppServer(Func<int, Session, Task> script)
    {
        _script = script;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + Domain, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(Domain);
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
        Fingerprint = Convert.ToHexString(SHA256.HashData(Certificate.RawData));
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public X509Certificate2 Certificate { get; }

    public string Fingerprint { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        foreach (var s in _sessions)
        {
            try
            {
                await s.WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A session ends with whatever its script did to the client; not this test's concern.
            }
        }

        _stop.Dispose();
        Certificate.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var index = Connections++;
            _sessions.Add(RunAsync(index, client));
        }
    }

    private async Task RunAsync(int index, TcpClient client)
    {
        using (client)
        {
            await using var session = new Session(client.GetStream(), this, _stop.Token);
            await _script(index, session);
        }
    }

    [GeneratedRegex("id=[\"']([^\"']+)[\"']")]
    private static partial Regex IdPattern();

    internal sealed class Session : IAsyncDisposable
    {
        private const string Header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='fake.test' id='s1' version='1.0'>";
        private readonly FakeXmppServer _server;
        private readonly CancellationToken _ct;
        private readonly StringBuilder _received = new();
        private Stream _stream;

        public Session(Stream stream, FakeXmppServer server, CancellationToken ct)
        {
            _stream = stream;
            _server = server;
            _ct = ct;
        }

        /// <summary>How many bytes per write; 1 exercises the client's incremental parser hardest.</summary>
        public int ChunkSize { get; set; } = int.MaxValue;

        public async Task<string> ReadUntilAsync(string marker)
        {
            var buffer = new byte[4096];
            while (true)
            {
                var text = _received.ToString();
                var at = text.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    _received.Remove(0, at + marker.Length);
                    return text[..(at + marker.Length)];
                }

                var n = await _stream.ReadAsync(buffer, _ct);
                if (n == 0)
                {
                    throw new IOException("client closed");
                }

                _received.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }

        public async Task WriteAsync(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            for (var i = 0; i < bytes.Length; i += ChunkSize)
            {
                await _stream.WriteAsync(bytes.AsMemory(i, Math.Min(ChunkSize, bytes.Length - i)), _ct);
                await _stream.FlushAsync(_ct);
            }
        }

        public async Task WriteAsync(byte[] bytes)
        {
            await _stream.WriteAsync(bytes, _ct);
            await _stream.FlushAsync(_ct);
        }

        /// <summary>STARTTLS, SASL PLAIN and bind, as a real server would; returns the bound JID.</summary>
        public async Task<string> LoginAsync()
        {
            await ReadUntilAsync("xml:lang='en'>");
            await WriteAsync(Header + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>");
            await ReadUntilAsync("<starttls");
            await ReadUntilAsync(">");
            await WriteAsync("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            var ssl = new SslStream(_stream);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _server.Certificate }, _ct);
            _stream = ssl;
            await ReadUntilAsync("xml:lang='en'>");
            await WriteAsync(Header + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
            await ReadUntilAsync("</auth>");
            await WriteAsync("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
            await ReadUntilAsync("xml:lang='en'>");
            await WriteAsync(Header + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
            var bind = await ReadUntilAsync("</iq>");
            var id = IdPattern().Match(bind).Groups[1].Value;
            const string jid = "alice@fake.test/r1";
            await WriteAsync($"<iq type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>{jid}</jid></bind></iq>");
            await ReadUntilAsync("</presence>");
            return jid;
        }

        /// <summary>Keeps the connection open (and silent) until the server is disposed.</summary>
        public async Task IdleAsync()
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), _ct);
            }
            catch (OperationCanceledException)
            {
                // The test is over.
            }
        }

        /// <summary>
        /// Like <see cref="LoginAsync"/>, but offers SCRAM-SHA-256-PLUS with tls-server-end-point (XEP-0440)
        /// and checks the exchange as a server would: the proof for <paramref name="password"/>, and the
        /// channel binding against <paramref name="bindingCertificate"/> (our own certificate unless a
        /// test simulates a man in the middle who terminates TLS with another one).
        /// </summary>
        public async Task<bool> LoginWithScramPlusAsync(string password, X509Certificate2? bindingCertificate = null)
        {
            await ReadUntilAsync("xml:lang='en'>");
            await WriteAsync(Header + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>");
            await ReadUntilAsync("<starttls");
            await ReadUntilAsync(">");
            await WriteAsync("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            var ssl = new SslStream(_stream);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _server.Certificate }, _ct);
            _stream = ssl;
            await ReadUntilAsync("xml:lang='en'>");
            await WriteAsync(Header + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-256-PLUS</mechanism></mechanisms>"
                + "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'><channel-binding type='tls-exporter'/><channel-binding type='tls-server-end-point'/></sasl-channel-binding></stream:features>");
            var auth = await ReadUntilAsync("</auth>");
            if (!auth.Contains("mechanism=\"SCRAM-SHA-256-PLUS\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the client did not choose SCRAM-SHA-256-PLUS: " + auth);
            }

            var clientFirst = Encoding.UTF8.GetString(Convert.FromBase64String(Between(auth, ">", "</auth>")));
            var gs2 = clientFirst[..(clientFirst.IndexOf(",,", StringComparison.Ordinal) + 2)];
            var bare = clientFirst[gs2.Length..];
            var clientNonce = bare[(bare.IndexOf("r=", StringComparison.Ordinal) + 2)..];
            var salt = RandomNumberGenerator.GetBytes(16);
            var serverFirst = $"r={clientNonce}server-nonce,s={Convert.ToBase64String(salt)},i=4096";
            await WriteAsync($"<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{Convert.ToBase64String(Encoding.UTF8.GetBytes(serverFirst))}</challenge>");
            var response = await ReadUntilAsync("</response>");
            var clientFinal = Encoding.UTF8.GetString(Convert.FromBase64String(Between(response, ">", "</response>")));
            var withoutProof = clientFinal[..clientFinal.IndexOf(",p=", StringComparison.Ordinal)];
            var proof = Convert.FromBase64String(clientFinal[(clientFinal.IndexOf(",p=", StringComparison.Ordinal) + 3)..]);

            var expectedBinding = Convert.ToBase64String([.. Encoding.UTF8.GetBytes(gs2), .. SHA256.HashData((bindingCertificate ?? _server.Certificate).RawData)]);
            var authMessage = Encoding.UTF8.GetBytes(bare + "," + serverFirst + "," + withoutProof);
            var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 4096, HashAlgorithmName.SHA256, 32);
            var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
            var clientSignature = HMACSHA256.HashData(SHA256.HashData(clientKey), authMessage);
            var expectedProof = clientKey.Zip(clientSignature, (a, b) => (byte)(a ^ b)).ToArray();
            if (gs2 != "p=tls-server-end-point,," || withoutProof != $"c={expectedBinding},r={clientNonce}server-nonce" || !proof.SequenceEqual(expectedProof))
            {
                await WriteAsync("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
                return false;
            }

            var serverSignature = HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage);
            await WriteAsync($"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{Convert.ToBase64String(Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)))}</success>");
            await ReadUntilAsync("xml:lang='en'>");
            await WriteAsync(Header + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
            var bind = await ReadUntilAsync("</iq>");
            var id = IdPattern().Match(bind).Groups[1].Value;
            await WriteAsync($"<iq type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@fake.test/r1</jid></bind></iq>");
            await ReadUntilAsync("</presence>");
            return true;
        }

        private static string Between(string text, string start, string end)
        {
            var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
            return text[from..text.LastIndexOf(end, StringComparison.Ordinal)];
        }

        public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
    }
}
