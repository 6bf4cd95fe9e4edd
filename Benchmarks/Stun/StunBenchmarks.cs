using BenchmarkDotNet.Attributes;
using Mesh.Transport.Stun;
using Mesh.Transport.Turn;

namespace Mesh.Benchmarks.Stun;

/// <summary>
/// The per-packet costs of the STUN/TURN codecs: an ICE connectivity check written with
/// MESSAGE-INTEGRITY and FINGERPRINT, parsed and checked; and a 1100-byte ChannelData frame, the
/// relayed data path, written and parsed.
/// </summary>
[Config(typeof(StunBenchmarkConfig))]
[MemoryDiagnoser]
public class StunBenchmarks
{
    private readonly byte[] _key = StunCredentials.ShortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
    private readonly byte[] _buffer = new byte[1500];
    private readonly byte[] _payload = new byte[1100];
    private StunMessage _check = null!;
    private byte[] _encoded = [];

    [GlobalSetup]
    public void Setup()
    {
        _check = new StunMessage(StunMessageType.BindingRequest, StunTransactionId.New(new Random(1)))
        {
            Username = "evtj:h6vY",
            Priority = 0x6e0001ff,
            IceControlling = 0x0102030405060708,
            UseCandidate = true,
        };
        _encoded = _check.ToArray(StunIntegrity.Sha1, _key, fingerprint: true);
    }

    [Benchmark(Description = "write ICE check (MI + FINGERPRINT)")]
    public int WriteCheck() => _check.WriteTo(_buffer, StunIntegrity.Sha1, _key, fingerprint: true);

    [Benchmark(Description = "parse ICE check + check integrity")]
    public bool ParseCheck() => StunMessage.TryParse(_encoded, out var message) && message.CheckIntegrity(_key);

    [Benchmark(Description = "parse ICE check, no integrity check")]
    public bool ParseOnly() => StunMessage.TryParse(_encoded, out _);

    [Benchmark(Description = "ChannelData 1100 B write + parse")]
    public int ChannelData()
    {
        var written = new ChannelDataMessage(0x4001, _payload).WriteTo(_buffer, pad: false);
        return ChannelDataMessage.TryParse(_buffer.AsSpan(0, written), out var frame) ? frame.Data.Length : 0;
    }
}
