using System.Net;
using Mesh.Transport.Ice;

namespace Mesh.Transport.Tests.Ice;

public class CandidateFoundationTests
{
    private static readonly IPAddress Base = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Stun = IPAddress.Parse("198.51.100.1");

    [Fact]
    public void The_same_type_base_server_and_transport_give_the_same_foundation()
    {
        Assert.Equal(
            CandidateFoundation.Compute(CandidateType.ServerReflexive, Base, Stun),
            CandidateFoundation.Compute(CandidateType.ServerReflexive, IPAddress.Parse("10.0.0.2"), IPAddress.Parse("198.51.100.1")));
    }

    [Fact]
    public void Any_difference_gives_another_foundation()
    {
        var reference = CandidateFoundation.Compute(CandidateType.ServerReflexive, Base, Stun);

        Assert.NotEqual(reference, CandidateFoundation.Compute(CandidateType.Relayed, Base, Stun));
        Assert.NotEqual(reference, CandidateFoundation.Compute(CandidateType.ServerReflexive, IPAddress.Parse("10.0.0.3"), Stun));
        Assert.NotEqual(reference, CandidateFoundation.Compute(CandidateType.ServerReflexive, Base, IPAddress.Parse("198.51.100.2")));
        Assert.NotEqual(reference, CandidateFoundation.Compute(CandidateType.ServerReflexive, Base, Stun, "tcp"));
        Assert.NotEqual(CandidateFoundation.Compute(CandidateType.Host, Base, null), CandidateFoundation.Compute(CandidateType.Host, IPAddress.Parse("::1"), null));
    }

    [Fact]
    public void Foundations_are_short_ice_char_strings()
    {
        var foundation = CandidateFoundation.Compute(CandidateType.Host, IPAddress.Parse("2001:db8::1"), null);

        Assert.InRange(foundation.Length, 1, 32);
        Assert.All(foundation, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'));
    }
}
